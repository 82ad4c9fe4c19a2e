# Structured log lines to BigQuery. The app logs through Python logging with google-cloud-logging's
# StructuredLogHandler, which puts the logger name in the entry label `python_logger`
# ("logging.googleapis.com/labels" in the JSON line). Cloud Run writes the lines to the run.googleapis.com/stdout
# log. A sink per stream writes into its own dataset; with use_partitioned_tables, one table per log
# (run_googleapis_com_stdout) partitioned by the entry's day instead of one table per day.
locals {
  stdout_log = "projects/${var.project_id}/logs/run.googleapis.com%2Fstdout"
  # Successful answers to Cloud Run's probes, the uptime check and the metrics sidecar (about six a minute per
  # instance) stay in Cloud Logging but not in the request table, which then counts what people and clients asked.
  machine_requests = "(jsonPayload.route=\"/healthz\" OR jsonPayload.route=\"/readyz\" OR jsonPayload.route=\"/metrics\")"
  log_streams = {
    activity = {
      logger         = "lagiftart.activity"
      description    = "Consent-gated activity events (lagiftart.activity), one row per event."
      retention_days = var.activity_retention_days
      extra_filter   = ""
    }
    requests = {
      logger         = "lagiftart.request"
      description    = "One row per HTTP request (lagiftart.request): route pattern, status, latency; no personal data."
      retention_days = var.request_log_retention_days
      extra_filter   = " AND NOT (${local.machine_requests} AND jsonPayload.status<400)"
    }
    # One row per committed erasure: the activity pseudonyms it deleted in the database (analytics/personal_data.py),
    # read by the scheduled query that deletes the same rows here (erasure.tf). Kept as long as activity rows
    # can be, so a backfill of older events loaded later is caught too.
    erasures = {
      logger         = "lagiftart.erasures"
      description    = "Pseudonyms of erased subjects' activity events (lagiftart.erasures); hashes only."
      retention_days = var.activity_retention_days
      extra_filter   = ""
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
  filter      = "logName=\"${local.stdout_log}\" AND labels.python_logger=\"${each.value.logger}\"${each.value.extra_filter}"

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

# The backfill table beside the sink's: the columns of analytics/bigquery/activity_events.schema.json, partitioned
# by the event's UTC day and clustered by event name. `manage.py export_events` writes NDJSON that `bq load`
# appends here (docs/operations.md, "Activity events into BigQuery"); the view there reads both tables.
resource "google_bigquery_table" "activity_events" {
  #checkov:skip=CKV_GCP_80:Google-managed encryption, as for its dataset (CKV_GCP_81 above): pseudonymous events, no direct identifiers.
  project             = var.project_id
  dataset_id          = google_bigquery_dataset.logs["activity"].dataset_id
  table_id            = "activity_events"
  description         = "Activity events loaded from the database (manage.py export_events), one row per event."
  schema              = file("${path.module}/../../../../analytics/bigquery/activity_events.schema.json")
  clustering          = ["name"]
  deletion_protection = true

  time_partitioning {
    type          = "DAY"
    field         = "occurred_at"
    expiration_ms = var.activity_retention_days * 24 * 60 * 60 * 1000
  }

  labels = {
    app         = "lagiftart"
    environment = var.environment
  }
}
