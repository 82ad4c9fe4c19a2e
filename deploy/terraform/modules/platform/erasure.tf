# Erasure reaches the BigQuery copy of activity events. A data-subject erasure deletes the person's events in the
# database and, once it commits, logs the pseudonyms it deleted by on `lagiftart.erasures` (analytics/personal_data.py);
# the `erasures` log sink (logs.tf) puts that line in dataset lagiftart_erasures. Every day this scheduled query
# deletes the activity rows carrying those pseudonyms (erase_activity.sql), so BigQuery holds nothing of an erased
# person from the day after the erasure on, well inside the month the law allows. docs/analytics.md has the rule.
resource "google_bigquery_data_transfer_config" "erase_activity" {
  project              = var.project_id
  display_name         = "lagiftart-erase-activity"
  location             = var.bucket_location
  data_source_id       = "scheduled_query"
  schedule             = "every day 04:30" # UTC: yesterday's rows have left the streaming buffer by then
  service_account_name = google_service_account.workload["erasure"].email

  params = {
    query = file("${path.module}/erase_activity.sql")
  }

  depends_on = [
    google_project_service.enabled,
    google_project_iam_member.workload,
    google_bigquery_dataset_iam_member.erasure_deletes_activity,
    google_bigquery_dataset_iam_member.erasure_reads_erasures,
    google_service_account_iam_member.transfer_service_runs_as_erasure,
  ]
}

# The query deletes from the activity dataset and reads the erasures dataset, and nothing else.
resource "google_bigquery_dataset_iam_member" "erasure_deletes_activity" {
  project    = var.project_id
  dataset_id = google_bigquery_dataset.logs["activity"].dataset_id
  role       = "roles/bigquery.dataEditor"
  member     = google_service_account.workload["erasure"].member
}

resource "google_bigquery_dataset_iam_member" "erasure_reads_erasures" {
  project    = var.project_id
  dataset_id = google_bigquery_dataset.logs["erasures"].dataset_id
  role       = "roles/bigquery.dataViewer"
  member     = google_service_account.workload["erasure"].member
}

# The BigQuery Data Transfer Service runs the query as that account: its service agent may mint tokens for this
# one account only.
resource "google_service_account_iam_member" "transfer_service_runs_as_erasure" {
  service_account_id = google_service_account.workload["erasure"].name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-bigquerydatatransfer.iam.gserviceaccount.com"

  depends_on = [google_project_service.enabled]
}

# A failed run leaves erased people's rows in BigQuery: tell the on-call address (docs/operations.md, runbook).
resource "google_monitoring_alert_policy" "erasure_query_failed" {
  project               = var.project_id
  display_name          = "LaGiftArt ${var.environment}: BigQuery erasure query failed"
  combiner              = "OR"
  notification_channels = [google_monitoring_notification_channel.email.id]

  conditions {
    display_name = "a run of lagiftart-erase-activity ended in error"
    condition_matched_log {
      filter = "resource.type=\"bigquery_dts_config\" AND severity>=ERROR"
    }
  }

  alert_strategy {
    notification_rate_limit {
      period = "3600s"
    }
    auto_close = "604800s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = "The daily scheduled query that deletes erased subjects' activity rows from BigQuery failed. Read the run's error in BigQuery (Data transfers, lagiftart-erase-activity), fix it and run the query by hand (docs/analytics.md, \"Erasure and the BigQuery copy\"): erasures must reach BigQuery within the legal deadline."
  }
}
