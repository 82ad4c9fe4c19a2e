# Two Cloud Run jobs from the same image, in the primary region (one database):
# - migrate: `manage.py migrate --noinput`, run by cloudbuild.yaml before a new revision gets traffic.
# - enforce-retention: `manage.py enforce_retention` (comes with the compliance retention work), daily.
# Both are idempotent (a migration already applied is skipped; retention deletes what is past its date), so Cloud
# Run may retry a failed task.
resource "google_cloud_run_v2_job" "migrate" {
  count = var.primary ? 1 : 0

  name                = "lagiftart-migrate"
  project             = var.project_id
  location            = var.region
  deletion_protection = false

  template {
    task_count  = 1
    parallelism = 1

    template {
      service_account = var.platform.service_accounts["migrate"]
      timeout         = "1800s"
      # A migration that failed half-way is retried once: each migration is a transaction on PostgreSQL.
      max_retries = 1

      volumes {
        name = "cloudsql"
        cloud_sql_instance {
          instances = [var.platform.database_connection_name]
        }
      }

      containers {
        image   = local.image
        command = ["python"]
        args    = ["manage.py", "migrate", "--noinput"]

        resources {
          limits = {
            cpu    = "1"
            memory = "1Gi"
          }
        }

        volume_mounts {
          name       = "cloudsql"
          mount_path = "/cloudsql"
        }

        dynamic "env" {
          for_each = local.app_env
          content {
            name  = env.key
            value = env.value
          }
        }

        dynamic "env" {
          for_each = local.job_secrets
          content {
            name = env.key
            value_source {
              secret_key_ref {
                secret  = env.value
                version = "latest"
              }
            }
          }
        }
      }
    }
  }

  lifecycle {
    ignore_changes = [template[0].template[0].containers[0].image, client, client_version]
  }
}

resource "google_cloud_run_v2_job" "retention" {
  count = var.primary ? 1 : 0

  name                = "lagiftart-enforce-retention"
  project             = var.project_id
  location            = var.region
  deletion_protection = false

  template {
    task_count  = 1
    parallelism = 1

    template {
      service_account = var.platform.service_accounts["retention"]
      timeout         = "3600s"
      max_retries     = 3

      volumes {
        name = "cloudsql"
        cloud_sql_instance {
          instances = [var.platform.database_connection_name]
        }
      }

      containers {
        image   = local.image
        command = ["python"]
        args    = ["manage.py", "enforce_retention"]

        resources {
          limits = {
            cpu    = "1"
            memory = "1Gi"
          }
        }

        volume_mounts {
          name       = "cloudsql"
          mount_path = "/cloudsql"
        }

        dynamic "env" {
          for_each = local.app_env
          content {
            name  = env.key
            value = env.value
          }
        }

        dynamic "env" {
          for_each = local.job_secrets
          content {
            name = env.key
            value_source {
              secret_key_ref {
                secret  = env.value
                version = "latest"
              }
            }
          }
        }
      }
    }
  }

  lifecycle {
    ignore_changes = [template[0].template[0].containers[0].image, client, client_version]
  }
}

# Cloud Scheduler starts the retention job every day through the Cloud Run Admin API, as its own account, which
# may run this one job and nothing else.
resource "google_cloud_run_v2_job_iam_member" "scheduler_runs_retention" {
  count = var.primary ? 1 : 0

  project  = var.project_id
  location = var.region
  name     = google_cloud_run_v2_job.retention[0].name
  role     = "roles/run.invoker"
  member   = "serviceAccount:${var.platform.service_accounts["scheduler"]}"
}

resource "google_cloud_scheduler_job" "retention_daily" {
  count = var.primary ? 1 : 0

  name             = "lagiftart-enforce-retention-daily"
  project          = var.project_id
  region           = var.region
  description      = "Runs manage.py enforce_retention once a day."
  schedule         = var.retention_schedule
  time_zone        = "Etc/UTC"
  attempt_deadline = "180s"

  retry_config {
    retry_count          = 3
    min_backoff_duration = "60s"
  }

  http_target {
    http_method = "POST"
    uri         = "https://run.googleapis.com/v2/projects/${var.project_id}/locations/${var.region}/jobs/${google_cloud_run_v2_job.retention[0].name}:run"

    oauth_token {
      service_account_email = var.platform.service_accounts["scheduler"]
      scope                 = "https://www.googleapis.com/auth/cloud-platform"
    }
  }
}
