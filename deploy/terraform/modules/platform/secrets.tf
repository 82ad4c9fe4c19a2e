# Secret Manager holds every secret setting (.env.example: "production: ... from Secret Manager"). Terraform
# creates the empty containers and who may read them; an operator adds each value with
# `gcloud secrets versions add` (docs/deploy.md), so no secret value is ever in Terraform's state or outputs.
locals {
  # Secrets every workload needs: settings refuse to start without SECRET_KEY, and all of them use the database.
  core_secrets = ["SECRET_KEY", "DATABASE_URL"]
  # Secrets only the web service and the worker use: sign-in with Google, payments (the API key, and the webhook
  # endpoint's signing secret), the mail provider's SMTP login
  # (the web service sends data-subject request confirmations itself, the worker every queued email), and the
  # retired SECRET_KEY during a rotation (sessions and emailed links are checked there). The jobs send no mail and
  # check no signature, so they do not get them.
  web_secrets = [
    "GOOGLE_OAUTH_CLIENT_ID",
    "GOOGLE_OAUTH_CLIENT_SECRET",
    "STRIPE_SECRET_KEY",
    "STRIPE_WEBHOOK_SECRET",
    "EMAIL_URL",
    "SECRET_KEY_FALLBACKS",
  ]

  secret_readers = {
    web       = concat(local.core_secrets, local.web_secrets)
    worker    = concat(local.core_secrets, local.web_secrets)
    migrate   = local.core_secrets
    retention = local.core_secrets
  }
  secret_grants = merge([
    for workload, secrets in local.secret_readers : {
      for secret in secrets : "${workload} ${secret}" => { workload = workload, secret = secret }
    }
  ]...)
}

resource "google_secret_manager_secret" "app" {
  #checkov:skip=CKV_GCP_128:Google-managed encryption; a customer-managed key adds a KMS dependency to every cold start for no threat this app faces.
  for_each = toset(concat(local.core_secrets, local.web_secrets))

  project   = var.project_id
  secret_id = each.value

  replication {
    auto {}
  }

  labels = {
    app         = "lagiftart"
    environment = var.environment
  }

  depends_on = [google_project_service.enabled]
}

resource "google_secret_manager_secret_iam_member" "reader" {
  for_each = local.secret_grants

  project   = var.project_id
  secret_id = google_secret_manager_secret.app[each.value.secret].secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.workload[each.value.workload].member
}
