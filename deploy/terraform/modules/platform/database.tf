# Cloud SQL for PostgreSQL 15. Cloud Run reaches it through the Cloud SQL connector (the /cloudsql unix-socket
# volume): IAM decides who may connect and the connector encrypts the link, so the instance needs no VPC and no
# authorized network. Its database user and password are made by an operator (docs/deploy.md) and live only in
# the DATABASE_URL secret, never in Terraform's state.
resource "google_sql_database_instance" "main" {
  #checkov:skip=CKV_GCP_60:A public address with no authorized network accepts connections only through the Cloud SQL connector (IAM + TLS); private IP would add a VPC and a connector to every workload for no extra exposure.
  #checkov:skip=CKV_GCP_79:POSTGRES_15 is the version the app is tested on (CI runs PostgreSQL 15); upgrade together with CI.
  #checkov:skip=CKV2_GCP_13:log_duration on logs every statement's duration, a line per query at storefront volume; Query Insights records latency without that.
  name                = "lagiftart-${var.environment}"
  project             = var.project_id
  region              = var.primary_region
  database_version    = "POSTGRES_15"
  deletion_protection = true

  settings {
    tier                        = var.database_tier
    edition                     = "ENTERPRISE"
    availability_type           = var.database_availability
    disk_autoresize             = true
    deletion_protection_enabled = true

    backup_configuration {
      enabled                        = true
      start_time                     = "02:00"
      point_in_time_recovery_enabled = true
      transaction_log_retention_days = 7
      backup_retention_settings {
        retained_backups = 14
      }
    }

    ip_configuration {
      ipv4_enabled = true
      # The connector presents a short-lived client certificate; anything else (a password alone) is refused.
      ssl_mode = "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"
    }

    maintenance_window {
      day          = 7
      hour         = 3
      update_track = "stable"
    }

    insights_config {
      query_insights_enabled  = true
      record_application_tags = false
      record_client_address   = false
    }

    # See docs/performance.md: max instances x workers x DATABASE_POOL_MAX_SIZE stays below this.
    database_flags {
      name  = "max_connections"
      value = tostring(var.database_max_connections)
    }
    # PostgreSQL logging that the CIS benchmark asks for (checkov CKV_GCP_108-111, 51-58).
    database_flags {
      name  = "log_checkpoints"
      value = "on"
    }
    database_flags {
      name  = "log_connections"
      value = "on"
    }
    database_flags {
      name  = "log_disconnections"
      value = "on"
    }
    database_flags {
      name  = "log_hostname"
      value = "on"
    }
    database_flags {
      name  = "log_lock_waits"
      value = "on"
    }
    database_flags {
      name  = "log_min_messages"
      value = "warning"
    }
    database_flags {
      name  = "log_temp_files"
      value = "0"
    }
    database_flags {
      name  = "log_min_duration_statement"
      value = "-1"
    }
    database_flags {
      name  = "log_min_error_statement"
      value = "error"
    }
    database_flags {
      name  = "log_statement"
      value = "ddl"
    }
    database_flags {
      name  = "cloudsql.enable_pgaudit"
      value = "on"
    }
  }

  depends_on = [google_project_service.enabled]
}

resource "google_sql_database" "app" {
  project  = var.project_id
  instance = google_sql_database_instance.main.name
  name     = "lagiftart"
}
