# One service account per workload, each with only the roles its work needs; no basic role (owner, editor, viewer)
# anywhere. Bucket, secret and repository roles are granted on the resource itself, not on the project.
locals {
  workloads = {
    web       = "LaGiftArt web service (Cloud Run)"
    worker    = "LaGiftArt task worker (db_worker, Cloud Run worker pool)"
    migrate   = "LaGiftArt migrate job (Cloud Run job)"
    retention = "LaGiftArt retention job (Cloud Run job)"
    scheduler = "Cloud Scheduler: starts the retention job"
    erasure   = "BigQuery scheduled query: deletes erased subjects' activity rows"
    build     = "Cloud Build: test, build, migrate, deploy"
  }

  # Project-level roles. Cloud SQL connections go through the Cloud SQL connector (roles/cloudsql.client).
  project_roles = {
    web       = ["roles/cloudsql.client", "roles/logging.logWriter", "roles/monitoring.metricWriter", "roles/cloudtrace.agent"]
    worker    = ["roles/cloudsql.client", "roles/logging.logWriter", "roles/monitoring.metricWriter"]
    migrate   = ["roles/cloudsql.client", "roles/logging.logWriter"]
    retention = ["roles/cloudsql.client", "roles/logging.logWriter"]
    scheduler = []
    # jobUser: run its one query; the datasets it reads and deletes from are granted on the datasets (erasure.tf).
    erasure = ["roles/bigquery.jobUser"]
    # run.developer: update the service, the jobs and the worker pool, and execute the migrate job; it cannot
    # change IAM. logWriter: the build's own logs (the build runs as this account, not the legacy Cloud Build one).
    build = ["roles/run.developer", "roles/logging.logWriter"]
  }

  project_role_grants = merge([
    for workload, roles in local.project_roles : {
      for role in roles : "${workload} ${role}" => { workload = workload, role = role }
    }
  ]...)
}

resource "google_service_account" "workload" {
  for_each = local.workloads

  project      = var.project_id
  account_id   = "lagiftart-${each.key}"
  display_name = each.value

  depends_on = [google_project_service.enabled]
}

resource "google_project_iam_member" "workload" {
  for_each = local.project_role_grants

  project = var.project_id
  role    = each.value.role
  member  = google_service_account.workload[each.value.workload].member
}

# The web service signs the exports' download URLs through IAM signBlob as itself (GS_IAM_SIGN_BLOB,
# GS_SA_EMAIL): it needs iam.serviceAccounts.signBlob on its own account, and on no other.
resource "google_service_account_iam_member" "web_signs_as_itself" {
  service_account_id = google_service_account.workload["web"].name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = google_service_account.workload["web"].member
}

# Deploying a revision or a job that runs as an account needs actAs on that account: the build may act as the
# runtime accounts it deploys, and nothing else.
resource "google_service_account_iam_member" "build_acts_as" {
  for_each = toset(["web", "worker", "migrate", "retention"])

  service_account_id = google_service_account.workload[each.value].name
  role               = "roles/iam.serviceAccountUser"
  member             = google_service_account.workload["build"].member
}

resource "google_artifact_registry_repository_iam_member" "build_pushes" {
  project    = var.project_id
  location   = google_artifact_registry_repository.images.location
  repository = google_artifact_registry_repository.images.name
  role       = "roles/artifactregistry.writer"
  member     = google_service_account.workload["build"].member
}

# Cloud Run pulls the image with the runtime account of each workload.
resource "google_artifact_registry_repository_iam_member" "runtime_pulls" {
  for_each = toset(["web", "worker", "migrate", "retention"])

  project    = var.project_id
  location   = google_artifact_registry_repository.images.location
  repository = google_artifact_registry_repository.images.name
  role       = "roles/artifactregistry.reader"
  member     = google_service_account.workload[each.value].member
}
