terraform {
  required_version = ">= 1.6"
  required_providers {
    google = {
      source = "hashicorp/google"
      # 6.41 added google_cloud_run_v2_worker_pool (the db_worker runs in one).
      version = ">= 6.41, < 8.0"
    }
  }
}
