variable "project_id" {
  description = "The Google Cloud project of this environment."
  type        = string
}

variable "environment" {
  description = "staging or production."
  type        = string
}

variable "region" {
  description = "The region this module serves from."
  type        = string
}

variable "primary" {
  description = "True in exactly one region: it also runs the task worker, the migrate job and the retention job (one database, one queue)."
  type        = bool
}

variable "domain" {
  description = "The storefront's host name (ALLOWED_HOSTS, CSRF_TRUSTED_ORIGINS, SITE_URL)."
  type        = string
}

variable "platform" {
  description = "Outputs of modules/platform for this environment."
  type = object({
    image                    = string
    service_accounts         = map(string)
    secret_ids               = map(string)
    core_secrets             = list(string)
    web_secrets              = list(string)
    database_connection_name = string
    media_bucket             = string
    exports_bucket           = string
    project_number           = string
    notification_channel     = string
    activity_retention_days  = number
  })
}

variable "image_tag" {
  description = "Tag of the image Terraform creates the workloads with. Later images are deployed by cloudbuild.yaml, which Terraform then leaves alone (lifecycle ignore_changes)."
  type        = string
  default     = "bootstrap"
}

variable "web_service_name" {
  description = "Cloud Run service name (cloudbuild.yaml _SERVICE)."
  type        = string
  default     = "lagiftart-web"
}

variable "min_instances" {
  description = "Instances kept warm (0 in staging: scale to zero)."
  type        = number
}

variable "max_instances" {
  description = "Upper bound on instances: max instances x workers x DATABASE_POOL_MAX_SIZE must stay below Cloud SQL max_connections."
  type        = number
}

variable "admin_url_prefix" {
  description = "ADMIN_URL_PREFIX: a non-obvious prefix for the staff admin, e.g. staff-7f3c/."
  type        = string
}

variable "default_from_email" {
  description = "DEFAULT_FROM_EMAIL, e.g. LaGiftArt <hello@lagiftart.com>."
  type        = string
}

variable "stripe_publishable_key" {
  description = "STRIPE_PUBLISHABLE_KEY: the key Stripe.js uses on the checkout page (public by design), of the same account and mode as the STRIPE_SECRET_KEY secret."
  type        = string
  validation {
    condition     = can(regex("^pk_(live|test)_[A-Za-z0-9]+$", var.stripe_publishable_key))
    error_message = "A Stripe publishable key starts with pk_live_ (production) or pk_test_ (staging)."
  }
}

variable "allauth_trusted_proxy_count" {
  description = "ALLAUTH_TRUSTED_PROXY_COUNT: 1 behind Cloud Run's front end, 2 behind an external HTTPS load balancer."
  type        = number
  default     = 1
}

variable "compliance_geo_header" {
  description = "COMPLIANCE_GEO_HEADER: X-Client-Geo-Location only when the service is reachable through the load balancer alone (ingress internal-and-cloud-load-balancing); empty otherwise."
  type        = string
  default     = ""
}

variable "ingress" {
  description = "INGRESS_TRAFFIC_ALL, or INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER once a load balancer fronts the service."
  type        = string
  default     = "INGRESS_TRAFFIC_ALL"
}

variable "retention_schedule" {
  description = "Cron schedule (UTC) of the daily enforce_retention run."
  type        = string
  default     = "15 3 * * *"
}

variable "prometheus_sidecar_image" {
  description = "Google's Managed Service for Prometheus sidecar for Cloud Run, pinned. Newer tags: gcloud artifacts docker tags list us-docker.pkg.dev/cloud-ops-agents-artifacts/cloud-run-gmp-sidecar/cloud-run-gmp-sidecar"
  type        = string
  default     = "us-docker.pkg.dev/cloud-ops-agents-artifacts/cloud-run-gmp-sidecar/cloud-run-gmp-sidecar:1.2.0"
  validation {
    condition     = can(regex(":[0-9]+\\.[0-9]+\\.[0-9]+$|@sha256:[0-9a-f]{64}$", var.prometheus_sidecar_image))
    error_message = "Pin the sidecar to a version tag (x.y.z) or a digest, never latest."
  }
}
