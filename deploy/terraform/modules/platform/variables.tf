variable "project_id" {
  description = "The Google Cloud project of this environment (one project per environment)."
  type        = string
}

variable "environment" {
  description = "staging or production; used in labels and resource names that must be unique across projects."
  type        = string
  validation {
    condition     = contains(["staging", "production"], var.environment)
    error_message = "environment is staging or production."
  }
}

variable "primary_region" {
  description = "Region of Cloud SQL, Artifact Registry, the worker and the jobs; the first serving region."
  type        = string
}

variable "bucket_location" {
  description = "Location of the media and exports buckets (a multi-region such as EU or US, or a region)."
  type        = string
}

variable "database_tier" {
  description = "Cloud SQL machine tier."
  type        = string
}

variable "database_availability" {
  description = "REGIONAL (a standby in a second zone, production) or ZONAL (staging)."
  type        = string
}

variable "database_max_connections" {
  description = "PostgreSQL max_connections; must exceed max instances x workers x DATABASE_POOL_MAX_SIZE (docs/performance.md)."
  type        = number
}

variable "export_expiry_days" {
  description = "Days a data-subject export stays downloadable (compliance export_expires_at): the exports bucket deletes objects this old."
  type        = number
  default     = 7
}

variable "request_log_retention_days" {
  description = "Days request-log partitions stay in BigQuery."
  type        = number
  default     = 90
}

variable "activity_retention_days" {
  description = "Days activity events are kept, everywhere: the app's ANALYTICS_RETENTION_DAYS (the database, pruned daily) and the BigQuery partitions' expiry, both derived from this one number."
  type        = number
  default     = 395
  validation {
    condition     = var.activity_retention_days >= 1 && floor(var.activity_retention_days) == var.activity_retention_days
    error_message = "activity_retention_days is a whole number of days."
  }
}

variable "alert_email" {
  description = "Address the alert policies notify."
  type        = string
}

variable "web_service_name" {
  description = "Name of the Cloud Run web service in every region (cloudbuild.yaml's _SERVICE)."
  type        = string
  default     = "lagiftart-web"
}

variable "domain" {
  description = "The storefront's host name, e.g. lagiftart.com (CORS on the media bucket)."
  type        = string
}
