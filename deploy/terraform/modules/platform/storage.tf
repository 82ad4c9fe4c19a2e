# Two buckets (docs/storage-and-tasks.md): public media with plain URLs, and private exports reached only through
# short-lived signed URLs. Both use uniform bucket-level access: IAM on the bucket, never per-object ACLs.
locals {
  media_bucket   = "lagiftart-media-${var.project_id}"
  exports_bucket = "lagiftart-exports-${var.project_id}"
}

resource "google_storage_bucket" "access_logs" {
  #checkov:skip=CKV_GCP_62:This is the access-log bucket itself; logging it into itself would loop.
  name                        = "lagiftart-access-logs-${var.project_id}"
  project                     = var.project_id
  location                    = var.bucket_location
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"

  versioning {
    enabled = true
  }

  lifecycle_rule {
    condition {
      age = 90
    }
    action {
      type = "Delete"
    }
  }
}

resource "google_storage_bucket" "media" {
  #checkov:skip=CKV_GCP_114:The media bucket is public on purpose: gift images and artist portraits are served by plain URL (allUsers objectViewer below).
  name                        = local.media_bucket
  project                     = var.project_id
  location                    = var.bucket_location
  uniform_bucket_level_access = true
  public_access_prevention    = "inherited"

  # Uploads never overwrite (file_overwrite=False); a deleted image (an erased portrait too) stays recoverable 7 days.
  versioning {
    enabled = true
  }

  lifecycle_rule {
    condition {
      days_since_noncurrent_time = 7
    }
    action {
      type = "Delete"
    }
  }

  logging {
    log_bucket = google_storage_bucket.access_logs.name
  }

  cors {
    origin          = ["https://${var.domain}"]
    method          = ["GET", "HEAD"]
    response_header = ["Content-Type"]
    max_age_seconds = 3600
  }
}

resource "google_storage_bucket_iam_member" "media_public_read" {
  #checkov:skip=CKV_GCP_28:Public media by design; the bucket holds only images published on the storefront.
  bucket = google_storage_bucket.media.name
  role   = "roles/storage.objectViewer"
  member = "allUsers"
}

resource "google_storage_bucket" "exports" {
  #checkov:skip=CKV_GCP_78:No versioning: a deleted export (erasure, expiry) must be gone, not kept as a noncurrent copy.
  name                        = local.exports_bucket
  project                     = var.project_id
  location                    = var.bucket_location
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"

  versioning {
    enabled = false
  }

  # An export is downloadable for export_expiry_days (compliance export_expires_at, 7 days); the bucket deletes
  # it then even if the retention job has not run, so personal data cannot outlive the link.
  lifecycle_rule {
    condition {
      age = var.export_expiry_days
    }
    action {
      type = "Delete"
    }
  }
  logging {
    log_bucket = google_storage_bucket.access_logs.name
  }
}

# Read, write and delete objects (not change bucket IAM): the web service and the worker on both buckets, the
# retention job on the exports it deletes.
locals {
  bucket_writers = {
    "web media"         = { bucket = "media", workload = "web" }
    "web exports"       = { bucket = "exports", workload = "web" }
    "worker media"      = { bucket = "media", workload = "worker" }
    "worker exports"    = { bucket = "exports", workload = "worker" }
    "retention exports" = { bucket = "exports", workload = "retention" }
  }
  buckets = {
    media   = google_storage_bucket.media.name
    exports = google_storage_bucket.exports.name
  }
}

resource "google_storage_bucket_iam_member" "object_admin" {
  for_each = local.bucket_writers

  bucket = local.buckets[each.value.bucket]
  role   = "roles/storage.objectAdmin"
  member = google_service_account.workload[each.value.workload].member
}
