# Structured log lines to BigQuery. The app logs through Python logging with google-cloud-logging's
# StructuredLogHandler, which puts the logger name in the entry label `python_logger`
# ("logging.googleapis.com/labels" in the JSON line). Cloud Run writes the lines to the run.googleapis.com/stdout
# log. A sink per stream writes into its own dataset; with use_partitioned_tables, one table per log
# (run_googleapis_com_stdout) partitioned by the entry's day instead of one table per day.
locals {
  stdout_log = "projects/${var.project_id}/logs/run.googleapis.com%2Fstdout"
  log_streams = {
    activity = {
      logger         = "lagiftart.activity"
      description    = "Consent-gated activity events (lagiftart.activity), one row per event."
      retention_days = var.activity_retention_days
    }
    requests = {
      logger         = "lagiftart.request"
      description    = "One row per HTTP request (lagiftart.request): route pattern, status, latency; no personal data."
      retention_days = var.request_log_retention_days
    }
  }
}

resource "google_bigquery_dataset" "logs" {
  #checkov:skip=CKV_GCP_81:Google-managed encryption; the tables hold pseudonymous events and request metadata, no direct identifiers.
  for_each = local.log_streams

  project                         = var.project_id
  dataset_id                      = "lagiftart_${each.key}"
  location                        = var.bucket_location
  description                     = each.value.description
  default_partition_expiration_ms = each.value.retention_days * 24 * 60 * 60 * 1000
  delete_contents_on_destroy      = false

  labels = {
    app         = "lagiftart"
    environment = var.environment
  }

  depends_on = [google_project_service.enabled]
}

resource "google_logging_project_sink" "to_bigquery" {
  for_each = local.log_streams

  project     = var.project_id
  name        = "lagiftart-${each.key}-to-bigquery"
  destination = "bigquery.googleapis.com/projects/${var.project_id}/datasets/${google_bigquery_dataset.logs[each.key].dataset_id}"
  filter      = "logName=\"${local.stdout_log}\" AND labels.python_logger=\"${each.value.logger}\""

  unique_writer_identity = true
  bigquery_options {
    use_partitioned_tables = true
  }
}

# Each sink writes with its own identity, and only into its own dataset.
resource "google_bigquery_dataset_iam_member" "sink_writer" {
  for_each = local.log_streams

  project    = var.project_id
  dataset_id = google_bigquery_dataset.logs[each.key].dataset_id
  role       = "roles/bigquery.dataEditor"
  member     = google_logging_project_sink.to_bigquery[each.key].writer_identity
}

# Overdue data-subject requests: the daily retention job (manage.py enforce_retention) writes one WARNING line on
# the `lagiftart.compliance` logger with the field `overdue_requests` (how many open requests are past their
# deadline) when there is at least one. This metric counts those lines; the alert below fires on any.
resource "google_logging_metric" "dsr_overdue" {
  project     = var.project_id
  name        = "lagiftart/dsr_overdue"
  description = "Runs of enforce_retention that found data-subject requests past their legal deadline."
  filter      = "resource.type=\"cloud_run_job\" AND labels.python_logger=\"lagiftart.compliance\" AND jsonPayload.overdue_requests>0"

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
    unit        = "1"
  }
}
