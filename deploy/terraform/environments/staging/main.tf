# Staging: its own project, the same modules as production with smaller numbers.
terraform {
  required_version = ">= 1.6"
  # The bucket is given at init: terraform init -backend-config="bucket=${TF_STATE_BUCKET}" (docs/deploy.md).
  backend "gcs" {
    prefix = "lagiftart/staging"
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

  project_id               = var.project_id
  environment              = "staging"
  primary_region           = var.region
  bucket_location          = var.bucket_location
  domain                   = var.domain
  alert_email              = var.alert_email
  database_tier            = "db-custom-1-3840"
  database_availability    = "ZONAL"
  database_max_connections = 100
}

module "region_primary" {
  source = "../../modules/region"

  project_id             = var.project_id
  environment            = "staging"
  region                 = var.region
  primary                = true
  domain                 = var.domain
  platform               = module.platform
  image_tag              = var.image_tag
  min_instances          = 0
  max_instances          = 3
  admin_url_prefix       = var.admin_url_prefix
  default_from_email     = var.default_from_email
  stripe_publishable_key = var.stripe_publishable_key
}

output "service_url" {
  value = module.region_primary.service_url
}

output "image" {
  value = module.platform.image
}

output "service_accounts" {
  value = module.platform.service_accounts
}
