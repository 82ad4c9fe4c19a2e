# Production: its own project. A second serving region is one more module call (below, commented out), then
# `terraform apply` and adding the region to cloudbuild.yaml's _REGIONS (docs/deploy.md, "Add a region").
terraform {
  required_version = ">= 1.6"
  # The bucket is given at init: terraform init -backend-config="bucket=${TF_STATE_BUCKET}" (docs/deploy.md).
  backend "gcs" {
    prefix = "lagiftart/production"
  }
  required_providers {
    google = {
      source  = "hashicorp/google"
      version = ">= 6.41, < 8.0"
    }
  }
}

provider "google" {
  project = var.project_id
  region  = var.region
}

module "platform" {
  source = "../../modules/platform"

  project_id            = var.project_id
  environment           = "production"
  primary_region        = var.region
  bucket_location       = var.bucket_location
  domain                = var.domain
  alert_email           = var.alert_email
  database_tier         = "db-custom-2-7680"
  database_availability = "REGIONAL"
  # 10 instances x 2 workers x DATABASE_POOL_MAX_SIZE 10 = 200 for the web service, plus the worker and jobs.
  database_max_connections = 250
}

module "region_primary" {
  source = "../../modules/region"

  project_id             = var.project_id
  environment            = "production"
  region                 = var.region
  primary                = true
  domain                 = var.domain
  platform               = module.platform
  image_tag              = var.image_tag
  min_instances          = 1
  max_instances          = 10
  admin_url_prefix       = var.admin_url_prefix
  default_from_email     = var.default_from_email
  stripe_publishable_key = var.stripe_publishable_key
}

# A second region serves the same database, buckets and queue (primary = false: no worker, no jobs). Its
# instances count against Cloud SQL's max_connections too: raise database_max_connections with it.
# module "region_us_central1" {
#   source = "../../modules/region"
#
#   project_id             = var.project_id
#   environment            = "production"
#   region                 = "us-central1"
#   primary                = false
#   domain                 = var.domain
#   platform               = module.platform
#   image_tag              = var.image_tag
#   min_instances          = 1
#   max_instances          = 10
#   admin_url_prefix       = var.admin_url_prefix
#   default_from_email     = var.default_from_email
#   stripe_publishable_key = var.stripe_publishable_key
# }

output "service_url" {
  value = module.region_primary.service_url
}

output "image" {
  value = module.platform.image
}

output "service_accounts" {
  value = module.platform.service_accounts
}
