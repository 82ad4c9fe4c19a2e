# The django-tasks worker (`manage.py db_worker`) runs in a Cloud Run *worker pool*, not a service: it pulls rows
# from the database queue and serves no HTTP, so a service's request-driven scaling, port and probes would not
# fit (an idle service throttles its CPU to zero between requests, and the worker would never run). A worker pool
# keeps a fixed number of always-on instances. Primary region only: one database, one queue. Workers claim rows
# with SELECT ... FOR UPDATE SKIP LOCKED, so raising manual_instance_count is safe.
resource "google_cloud_run_v2_worker_pool" "tasks" {
  count = var.primary ? 1 : 0

  name                = "lagiftart-worker"
  project             = var.project_id
  location            = var.region
  launch_stage        = "BETA"
  deletion_protection = false

  scaling {
    scaling_mode          = "MANUAL"
    manual_instance_count = 1
  }

  template {
    service_account = var.platform.service_accounts["worker"]

    volumes {
      name = "cloudsql"
      cloud_sql_instance {
        instances = [var.platform.database_connection_name]
      }
    }

    containers {
      image   = local.image
      command = ["python"]
      args    = ["manage.py", "db_worker", "--queue-name", "default"]

      resources {
        limits = {
          cpu    = "1"
          memory = "512Mi"
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
        for_each = local.all_secrets
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

  lifecycle {
    ignore_changes = [template[0].containers[0].image, client, client_version]
  }
}
