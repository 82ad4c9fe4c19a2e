variable "project_id" {
  description = "This environment's Google Cloud project."
  type        = string
}

variable "region" {
  description = "Primary region: Cloud SQL, Artifact Registry, the worker, the jobs and the first web service."
  type        = string
}

variable "bucket_location" {
  description = "Location of the buckets and BigQuery datasets (EU, US or a region)."
  type        = string
}

variable "domain" {
  description = "The storefront's host name."
  type        = string
}

variable "alert_email" {
  description = "Where alerts go."
  type        = string
}

variable "admin_url_prefix" {
  description = "ADMIN_URL_PREFIX (non-obvious, ends with /)."
  type        = string
}

variable "stripe_publishable_key" {
  description = "STRIPE_PUBLISHABLE_KEY (pk_live_… in production, pk_test_… in staging): Stripe dashboard, Developers, API keys."
  type        = string
}

variable "default_from_email" {
  description = "DEFAULT_FROM_EMAIL."
  type        = string
}

variable "image_tag" {
  description = "Image tag the workloads are created with (docs/deploy.md: the bootstrap image); cloudbuild.yaml deploys later ones."
  type        = string
  default     = "bootstrap"
}
