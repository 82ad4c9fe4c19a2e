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

variable "email_backend" {
  description = "EMAIL_BACKEND: the Django backend of the mail provider. Never the console backend: it would print one-time links into the logs."
  type        = string
  validation {
    condition     = !can(regex("console|locmem|dummy", var.email_backend))
    error_message = "Production mail needs a real backend; console/locmem/dummy would lose or log the messages."
  }
}

variable "default_from_email" {
  description = "DEFAULT_FROM_EMAIL, e.g. LaGiftArt <hello@lagiftart.com>."
  type        = string
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
