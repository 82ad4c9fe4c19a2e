# The uptime check on this region's /readyz (database reachable, migrations applied) and its alert.
resource "google_monitoring_uptime_check_config" "readyz" {
  project      = var.project_id
  display_name = "lagiftart ${var.environment} ${var.region} /readyz"
  timeout      = "10s"
  period       = "60s"

  http_check {
    path         = "/readyz"
    port         = 443
    use_ssl      = true
    validate_ssl = true
    accepted_response_status_codes {
      status_class = "STATUS_CLASS_2XX"
    }
  }

  monitored_resource {
    type = "uptime_url"
    labels = {
      project_id = var.project_id
      host       = local.service_host
    }
  }
}

resource "google_monitoring_alert_policy" "readyz_down" {
  project               = var.project_id
  display_name          = "LaGiftArt ${var.environment} ${var.region}: /readyz failing"
  combiner              = "OR"
  notification_channels = [var.platform.notification_channel]

  conditions {
    display_name = "uptime check failing from two or more locations"
    condition_threshold {
      filter          = "metric.type=\"monitoring.googleapis.com/uptime_check/check_passed\" AND metric.label.check_id=\"${google_monitoring_uptime_check_config.readyz.uptime_check_id}\" AND resource.type=\"uptime_url\""
      comparison      = "COMPARISON_GT"
      threshold_value = 1
      duration        = "120s"
      aggregations {
        alignment_period     = "1200s"
        per_series_aligner   = "ALIGN_NEXT_OLDER"
        cross_series_reducer = "REDUCE_COUNT_FALSE"
        group_by_fields      = ["resource.label.*"]
      }
    }
  }

  documentation {
    mime_type = "text/markdown"
    content   = "/readyz on ${local.service_host} is failing: the database is unreachable or a migration is missing (the body says which). Check Cloud SQL's state and the last lagiftart-migrate execution; roll back if a deploy caused it (docs/deploy.md)."
  }
}
