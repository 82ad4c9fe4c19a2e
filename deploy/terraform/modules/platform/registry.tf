# The image cloudbuild.yaml pushes: ${primary_region}-docker.pkg.dev/${project}/lagiftart/lagiftart:<commit>.
locals {
  repository_id = "lagiftart"
  image_name    = "lagiftart"
  image         = "${var.primary_region}-docker.pkg.dev/${var.project_id}/${local.repository_id}/${local.image_name}"
}

resource "google_artifact_registry_repository" "images" {
  #checkov:skip=CKV_GCP_84:Images hold no secret or personal data (.dockerignore keeps .env and databases out); Google-managed encryption is enough.
  project       = var.project_id
  location      = var.primary_region
  repository_id = local.repository_id
  description   = "LaGiftArt container images, one tag per commit."
  format        = "DOCKER"

  docker_config {
    immutable_tags = true
  }

  # Keep the last 30 images (rollback targets) and anything younger than 90 days; delete the rest.
  cleanup_policy_dry_run = false
  cleanup_policies {
    id     = "keep-recent"
    action = "KEEP"
    most_recent_versions {
      keep_count = 30
    }
  }
  cleanup_policies {
    id     = "delete-old"
    action = "DELETE"
    condition {
      older_than = "7776000s"
    }
  }

  depends_on = [google_project_service.enabled]
}
