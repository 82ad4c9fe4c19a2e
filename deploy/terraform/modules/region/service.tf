# The storefront, API and admin: gunicorn serving Django (gunicorn.conf.py). How the numbers fit together is
# explained once, in docs/deploy.md ("Cloud Run and gunicorn"); lagiftart/tests/test_deploy.py keeps them in step.
resource "google_cloud_run_v2_service" "web" {
  name                = var.web_service_name
  project             = var.project_id
  location            = var.region
  ingress             = var.ingress
  deletion_protection = true

  template {
    service_account       = var.platform.service_accounts["web"]
    execution_environment = "EXECUTION_ENVIRONMENT_GEN2"
    # The longest request Cloud Run lets run; gunicorn itself has no worker timeout (GUNICORN_TIMEOUT=0).
    timeout = "60s"
    # 2 vCPU x 1 gunicorn worker per vCPU x 8 threads (GUNICORN_THREADS) = 16 requests at once per instance.
    max_instance_request_concurrency = 16

    scaling {
      min_instance_count = var.min_instances
      max_instance_count = var.max_instances
    }

    volumes {
      name = "cloudsql"
      cloud_sql_instance {
        instances = [var.platform.database_connection_name]
      }
    }

    # The app takes the requests (the only container with a port); the collector beside it is Google's Managed
    # Service for Prometheus sidecar, which scrapes the app's /metrics and writes to Cloud Monitoring (below).
    containers {
      name  = "app"
      image = local.image

      ports {
        container_port = 8080
      }

      resources {
        limits = {
          cpu    = "2"
          memory = "1Gi"
        }
        cpu_idle          = true
        startup_cpu_boost = true
      }

      volume_mounts {
        name       = "cloudsql"
        mount_path = "/cloudsql"
      }

      # /healthz answers from a live process without touching the database, so a slow database never keeps an
      # instance from starting or restarts it; /readyz (database + migrations) gates traffic instead, through the
      # deploy's smoke test and the uptime check.
      startup_probe {
        http_get {
          path = "/healthz"
        }
        period_seconds    = 2
        timeout_seconds   = 2
        failure_threshold = 30
      }

      liveness_probe {
        http_get {
          path = "/healthz"
        }
        period_seconds    = 15
        timeout_seconds   = 3
        failure_threshold = 3
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

    # Google's Managed Service for Prometheus sidecar for Cloud Run (docs/operations.md, "Metrics"). With no
    # RunMonitoring file mounted at /etc/rungmp/config.yaml it uses its built-in configuration: scrape
    # http://0.0.0.0:8080/metrics every 30 s, which is the app's port and path (lagiftart.probes answers that scrape
    # from loopback whatever its Host header), plus a scrape when the instance starts and one when it shuts down.
    # It writes as the service's account (roles/monitoring.metricWriter, modules/platform). It starts once the app
    # has passed its startup probe, so its first scrape finds the app listening.
    containers {
      name       = "collector"
      image      = var.prometheus_sidecar_image
      depends_on = ["app"]

      resources {
        limits = {
          cpu    = "1"
          memory = "512Mi"
        }
        # Billing follows the app's setting (request-based). Counters are cumulative and an idle instance has
        # nothing new to report, so a scrape missed while the CPU is throttled is caught up by the next one; the
        # shutdown scrape runs with CPU allocated.
        cpu_idle          = true
        startup_cpu_boost = true
      }
    }
  }

  traffic {
    type    = "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST"
    percent = 100
  }

  lifecycle {
    # cloudbuild.yaml deploys each new image of the app container (`--container=app`), tags the candidate
    # revision and moves traffic; Terraform owns the rest of the configuration (the collector's pinned image too)
    # and must not roll those back.
    ignore_changes = [
      template[0].containers[0].image,
      template[0].revision,
      traffic,
      client,
      client_version,
    ]
  }
}

# The storefront is public.
resource "google_cloud_run_v2_service_iam_member" "public" {
  project  = var.project_id
  location = google_cloud_run_v2_service.web.location
  name     = google_cloud_run_v2_service.web.name
  role     = "roles/run.invoker"
  member   = "allUsers"
}
