# Names and addresses only: no secret value is ever an output (secrets are created empty, docs/deploy.md).
output "image" {
  description = "Image path without tag, as cloudbuild.yaml pushes it."
  value       = local.image
}

output "service_accounts" {
  description = "Email of each workload's service account."
  value       = { for name, account in google_service_account.workload : name => account.email }
}

output "secret_ids" {
  description = "Secret Manager secret ids by setting name."
  value       = { for name, secret in google_secret_manager_secret.app : name => secret.secret_id }
}

output "core_secrets" {
  description = "Secrets every workload mounts."
  value       = local.core_secrets
}

output "web_secrets" {
  description = "Secrets only the web service and the worker mount."
  value       = local.web_secrets
}

output "database_connection_name" {
  description = "PROJECT:REGION:INSTANCE, for the /cloudsql socket and DATABASE_URL."
  value       = google_sql_database_instance.main.connection_name
}

output "media_bucket" {
  value = google_storage_bucket.media.name
}

output "exports_bucket" {
  value = google_storage_bucket.exports.name
}

output "project_number" {
  value = data.google_project.this.number
}

output "notification_channel" {
  value = google_monitoring_notification_channel.email.id
}

output "activity_retention_days" {
  description = "ANALYTICS_RETENTION_DAYS for the workloads: the same days BigQuery keeps activity partitions."
  value       = var.activity_retention_days
}
