# Alert policies for the whole environment (every region's web service). The uptime check on /readyz and its
# alert are per region (modules/region/uptime.tf).
resource "google_monitoring_notification_channel" "email" {
  project      = var.project_id
  display_name = "LaGiftArt ${var.environment} on-call"
  type         = "email"
  labels = {
    email_address = var.alert_email
  }

  depends_on = [google_project_service.enabled]
}

locals {
  web_requests = "resource.type=\"cloud_run_revision\" AND resource.labels.service_name=\"${var.web_service_name}\" AND metric.type=\"run.googleapis.com/request_count\""
}

resource "google_monitoring_alert_policy" "server_errors" {
  project               = var.project_id
  display_name          = "LaGiftArt ${var.environment}: 5xx above 2% of requests"
  combiner              = "OR"
  notification_channels = [google_monitoring_notification_channel.email.id]

  conditions {
    display_name = "5xx share of requests over 5 minutes"
    condition_threshold {
      filter                  = "${local.web_requests} AND metric.labels.response_code_class=\"5xx\""
      denominator_filter      = local.web_requests
      comparison              = "COMPARISON_GT"
      threshold_value         = 0.02
      duration                = "300s"
      evaluation_missing_data = "EVALUATION_MISSING_DATA_INACTIVE"
      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_SUM"
        cross_series_reducer = "REDUCE_SUM"
      }
      denominator_aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_SUM"
        cross_series_reducer = "REDUCE_SUM"
      }
    }
  }

  documentation {
    mime_type = "text/markdown"
    content   = "More than 2% of requests to ${var.web_service_name} answered 5xx for 5 minutes. Find the failing route in the request logs (labels.python_logger=\"lagiftart.request\" AND severity>=ERROR) and its traceback in Error Reporting; if a deploy caused it, roll back (docs/deploy.md)."
  }
}

resource "google_monitoring_alert_policy" "latency_p99" {
  project               = var.project_id
  display_name          = "LaGiftArt ${var.environment}: p99 latency above 2 s"
  combiner              = "OR"
  notification_channels = [google_monitoring_notification_channel.email.id]

  conditions {
    display_name = "p99 request latency over 10 minutes"
    condition_threshold {
      filter          = "resource.type=\"cloud_run_revision\" AND resource.labels.service_name=\"${var.web_service_name}\" AND metric.type=\"run.googleapis.com/request_latencies\""
      comparison      = "COMPARISON_GT"
      threshold_value = 2000
      duration        = "600s"
      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_PERCENTILE_99"
        cross_series_reducer = "REDUCE_MAX"
        group_by_fields      = ["resource.labels.location"]
      }
    }
  }

  documentation {
    mime_type = "text/markdown"
    content   = "p99 latency of ${var.web_service_name} above 2 s for 10 minutes in one region. Check instance count against max instances (saturation queues requests in Cloud Run's front end), Cloud SQL CPU and connections, and the slowest routes in the request logs."
  }
}

resource "google_monitoring_alert_policy" "dsr_overdue" {
  project               = var.project_id
  display_name          = "LaGiftArt ${var.environment}: data-subject requests past their deadline"
  combiner              = "OR"
  notification_channels = [google_monitoring_notification_channel.email.id]

  conditions {
    display_name = "enforce_retention reported overdue requests"
    condition_threshold {
      filter          = "resource.type=\"cloud_run_job\" AND metric.type=\"logging.googleapis.com/user/${google_logging_metric.dsr_overdue.name}\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"
      aggregations {
        alignment_period     = "3600s"
        per_series_aligner   = "ALIGN_SUM"
        cross_series_reducer = "REDUCE_SUM"
      }
    }
  }

  alert_strategy {
    auto_close = "86400s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = "At least one data-subject request is past the deadline its regime sets. Open the admin's data-subject requests with the Overdue filter and fulfil, extend (where the regime allows) or decline each one (docs/compliance.md)."
  }
}

# Two conditions on the app's own metrics, which the Managed Service for Prometheus sidecar scrapes from /metrics
# (modules/region/service.tf), written in PromQL as Cloud Monitoring accepts it.
resource "google_monitoring_alert_policy" "activity_events_dropped" {
  project               = var.project_id
  display_name          = "LaGiftArt ${var.environment}: activity events dropped by the database"
  combiner              = "OR"
  notification_channels = [google_monitoring_notification_channel.email.id]

  conditions {
    display_name = "lagiftart_activity_events_dropped_total grew in 15 minutes"
    condition_prometheus_query_language {
      query               = "sum(increase(lagiftart_activity_events_dropped_total[15m])) > 0"
      duration            = "0s"
      evaluation_interval = "60s"
    }
  }

  alert_strategy {
    auto_close = "3600s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = "The database refused activity-event inserts (pages still worked; the events still reached BigQuery through the log stream). See docs/operations.md, \"Activity events dropped\"."
  }
}

resource "google_monitoring_alert_policy" "frontend_errors_spike" {
  project               = var.project_id
  display_name          = "LaGiftArt ${var.environment}: JavaScript errors five times yesterday's rate"
  combiner              = "OR"
  notification_channels = [google_monitoring_notification_channel.email.id]

  conditions {
    display_name = "front-end error rate over 10 minutes against the same time yesterday"
    condition_prometheus_query_language {
      # The second clause keeps a handful of errors on a quiet night from paging anyone.
      query               = "sum(rate(lagiftart_frontend_errors_total[10m])) > 5 * sum(rate(lagiftart_frontend_errors_total[1d] offset 1d)) and sum(increase(lagiftart_frontend_errors_total[10m])) > 20"
      duration            = "600s"
      evaluation_interval = "60s"
    }
  }

  alert_strategy {
    auto_close = "3600s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = "Browsers report JavaScript errors at five times yesterday's rate. See docs/operations.md, \"Front-end errors spike\": the logs view names the script; roll back if it breaks checkout."
  }
}
