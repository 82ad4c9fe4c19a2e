# The environment every workload runs with: the web service, the task worker and both jobs get the same
# settings, so a command behaves in a job exactly as in the service. Values are the `# production:` lines of
# .env.example; lagiftart/tests/test_deploy.py checks that each one is here and that secrets are not.
locals {
  # Cloud Run's deterministic URLs: SERVICE-PROJECT_NUMBER.REGION.run.app, and TAG---SERVICE-… for a tagged
  # revision. cloudbuild.yaml smoke-tests each new revision through the `candidate` tag before it gets traffic,
  # so that host must be allowed too; the uptime check uses the service host.
  service_host   = "${var.web_service_name}-${var.platform.project_number}.${var.region}.run.app"
  candidate_host = "candidate---${local.service_host}"

  app_env = {
    DJANGO_ENV                   = "production"
    DEBUG                        = "false"
    ALLOWED_HOSTS                = join(",", [var.domain, local.service_host, local.candidate_host])
    CSRF_TRUSTED_ORIGINS         = "https://${var.domain}"
    DATABASE_POOL_MIN_SIZE       = "1"
    DATABASE_POOL_MAX_SIZE       = "10"
    DATABASE_POOL_TIMEOUT        = "10"
    CACHE_URL                    = "locmemcache://lagiftart"
    MEDIA_URL                    = "https://storage.googleapis.com/${var.platform.media_bucket}/"
    GS_MEDIA_BUCKET              = var.platform.media_bucket
    GS_PRIVATE_BUCKET            = var.platform.exports_bucket
    GS_SIGNED_URL_EXPIRY_SECONDS = "900"
    GS_IAM_SIGN_BLOB             = "true"
    # Signed URLs are made by the web service only, as itself (modules/platform: web_signs_as_itself).
    GS_SA_EMAIL          = var.platform.service_accounts["web"]
    GOOGLE_CLOUD_PROJECT = var.project_id
    STATIC_MANIFEST      = "true"
    TASKS_BACKEND        = "django_tasks_db.DatabaseBackend"
    # The mail backend, server and login come from the EMAIL_URL secret.
    EMAIL_TIMEOUT               = "10"
    DEFAULT_FROM_EMAIL          = var.default_from_email
    SITE_URL                    = "https://${var.domain}"
    ALLAUTH_TRUSTED_PROXY_COUNT = tostring(var.allauth_trusted_proxy_count)
    ADMIN_URL_PREFIX            = var.admin_url_prefix
    STAFF_SESSION_MAX_AGE       = "7200"
    STAFF_SESSION_IDLE_TIMEOUT  = "1800"
    SECURE_SSL_REDIRECT         = "true"
    SECURE_HSTS_SECONDS         = "63072000"
    CSP_IMG_SOURCES             = "https://storage.googleapis.com"
    LOG_FORMAT                  = "json"
    LOG_LEVEL                   = "INFO"
    # gunicorn.conf.py: 8 threads per worker, one worker per vCPU; no worker timeout (Cloud Run enforces the
    # request timeout); 8 s to finish requests after SIGTERM, inside Cloud Run's 10 s before SIGKILL.
    GUNICORN_THREADS          = "8"
    GUNICORN_TIMEOUT          = "0"
    GUNICORN_GRACEFUL_TIMEOUT = "8"
    GC_FREEZE_AFTER_REQUESTS  = "500"
    COMPLIANCE_GEO_HEADER     = var.compliance_geo_header
    STRIPE_API_BASE           = "https://api.stripe.com"
    STRIPE_PUBLISHABLE_KEY    = var.stripe_publishable_key
    PAYMENTS_TEST_PROVIDER    = "false"
    # The one retention figure (modules/platform activity_retention_days): BigQuery's partitions expire with it.
    ANALYTICS_RETENTION_DAYS = tostring(var.platform.activity_retention_days)
    BEACON_SAMPLE_RATE       = "0.1"
    BEACON_MAX_BYTES         = "4096"
    BEACON_RATE_LIMIT        = "30"
  }

  # Secret settings are mounted from Secret Manager (latest version), never set as plain values.
  all_secrets = { for name in concat(var.platform.core_secrets, var.platform.web_secrets) : name => var.platform.secret_ids[name] }
  job_secrets = { for name in var.platform.core_secrets : name => var.platform.secret_ids[name] }

  image = "${var.platform.image}:${var.image_tag}"
}
