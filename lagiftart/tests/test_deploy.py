"""The deploy code (deploy/terraform, cloudbuild.yaml) is wired to what the app needs, checked without a cloud.

Every `.tf` file is parsed with python-hcl2. The production settings come from `.env.example`: each variable with a
`# production:` comment is either a secret (the comment says "Secret Manager"), something Cloud Run or the image
provides (PORT, STATIC_ROOT, ...), or a plain value that every workload must set. A new setting in `.env.example`
therefore fails here until the deploy sets it.
"""

import re
from functools import cache
from pathlib import Path

import hcl2
import pytest
import yaml
from hcl2 import SerializationOptions

ROOT = Path(__file__).resolve().parents[2]
TERRAFORM = ROOT / "deploy" / "terraform"
PLATFORM = TERRAFORM / "modules" / "platform"
REGION = TERRAFORM / "modules" / "region"

# Production comments that mean "do not set this on the service": left empty, or provided by Cloud Run or the image.
NOT_SET_IN_PRODUCTION = ("unset", "unused", "set by cloud run", "empty")
PROVIDED_ELSEWHERE = ("set by cloud run", "set in the image")
# Cloud Run gives SIGKILL this many seconds after SIGTERM; it cannot be changed.
CLOUD_RUN_SIGTERM_GRACE_SECONDS = 10
FORBIDDEN_ROLES = {"roles/owner", "roles/editor", "roles/viewer"}


def parse_tf(text: str) -> dict:
    options = SerializationOptions(strip_string_quotes=True, explicit_blocks=False, with_comments=False)
    return hcl2.loads(text, serialization_options=options)


@cache
def module(path: Path) -> dict:
    """All blocks of a Terraform module (a folder), merged: {"resource": {type: {name: body}}, "locals": {...}}."""
    merged: dict = {"resource": {}, "locals": {}, "variable": {}, "module": {}}
    for tf_file in sorted(path.glob("*.tf")):
        parsed = parse_tf(tf_file.read_text())
        for block in parsed.get("resource", []):
            for kind, named in block.items():
                merged["resource"].setdefault(kind, {}).update(named)
        for block in parsed.get("locals", []):
            merged["locals"].update(block)
        for key in ("variable", "module"):
            for block in parsed.get(key, []):
                merged[key].update(block)
    return merged


def resources(path: Path, kind: str) -> dict:
    return module(path)["resource"].get(kind, {})


def first(value):
    """hcl2 gives each nested block as a list of one body."""
    return value[0] if isinstance(value, list) else value


@cache
def production_settings() -> dict[str, str]:
    """{variable: its `# production:` value} from .env.example, commented-out variables included."""
    settings: dict[str, str] = {}
    production = None
    for line in (ROOT / ".env.example").read_text().splitlines():
        stripped = line.strip()
        if stripped.startswith("# production:"):
            production = stripped.removeprefix("# production:").strip()
            continue
        match = re.match(r"^#?\s*([A-Z][A-Z0-9_]*)=", stripped)
        if match and production is not None:
            settings[match.group(1)] = production
            production = None
        elif not stripped.startswith("#"):
            production = None
    return settings


def left_unset(value: str) -> bool:
    value = value.lower()
    return value.startswith(NOT_SET_IN_PRODUCTION) or any(phrase in value for phrase in PROVIDED_ELSEWHERE)


def secret_settings() -> set[str]:
    return {
        name
        for name, value in production_settings().items()
        if "secret manager" in value.lower() and not left_unset(value)
    }


def plain_settings() -> dict[str, str]:
    return {
        name: value
        for name, value in production_settings().items()
        if name not in secret_settings() and not left_unset(value)
    }


def app_env() -> dict[str, str]:
    return module(REGION)["locals"]["app_env"]


def platform_secret_lists() -> tuple[list[str], list[str]]:
    platform_locals = module(PLATFORM)["locals"]
    return platform_locals["core_secrets"], platform_locals["web_secrets"]


def container(workload: dict) -> dict:
    """The first container of a Cloud Run service, worker pool or job."""
    template = first(workload["template"])
    if "template" in template:  # a job: job template > task template
        template = first(template["template"])
    return first(template["containers"])


def env_sources(workload: dict) -> dict[str, dict]:
    """Each `dynamic "env"` block of the workload's container by its for_each expression."""
    return {
        block["env"]["for_each"]: first(block["env"]["content"])
        for block in container(workload).get("dynamic", [])
        if "env" in block
    }


WORKLOADS = {
    "web service": ("google_cloud_run_v2_service", "web", "all_secrets", "web"),
    "task worker": ("google_cloud_run_v2_worker_pool", "tasks", "all_secrets", "worker"),
    "migrate job": ("google_cloud_run_v2_job", "migrate", "job_secrets", "migrate"),
    "retention job": ("google_cloud_run_v2_job", "retention", "job_secrets", "retention"),
}


def test_env_example_yields_the_settings_production_needs():
    # The derivation itself must see the settings production cannot start or behave without.
    assert {"DJANGO_ENV", "ALLOWED_HOSTS", "GS_MEDIA_BUCKET", "GS_PRIVATE_BUCKET", "GOOGLE_CLOUD_PROJECT"} <= set(
        plain_settings()
    )
    assert {"SECRET_KEY", "DATABASE_URL"} <= secret_settings()
    assert "PORT" not in plain_settings()  # Cloud Run sets it and refuses a service that does


def test_every_production_setting_is_in_the_workloads_environment():
    missing = set(plain_settings()) - set(app_env())
    assert not missing, f"set these in deploy/terraform/modules/region/environment.tf: {sorted(missing)}"


def test_fixed_production_values_match_env_example():
    # Where Terraform writes a literal, it is the value .env.example gives for production.
    for name, value in app_env().items():
        if name in plain_settings() and "${" not in value:
            expected = plain_settings()[name].split()[0]
            assert value == expected, f"{name} = {value!r} in Terraform, {expected!r} in .env.example"


def test_no_secret_is_a_plain_value():
    assert not secret_settings() & set(app_env()), "secrets are mounted from Secret Manager, not set as values"
    for path in (PLATFORM, REGION):
        for tf_file in path.glob("*.tf"):
            assert not re.search(r"secret_data\s*=", tf_file.read_text()), f"{tf_file.name} writes a secret value"


def test_every_secret_setting_has_a_secret_manager_secret():
    core, web_only = platform_secret_lists()
    assert set(core) | set(web_only) == secret_settings()
    assert {"SECRET_KEY", "DATABASE_URL"} <= set(core)
    secret = resources(PLATFORM, "google_secret_manager_secret")["app"]
    assert "core_secrets" in secret["for_each"] and "web_secrets" in secret["for_each"]
    assert "secret_data" not in str(module(PLATFORM)["resource"].get("google_secret_manager_secret_version", {}))


@pytest.mark.parametrize("workload", WORKLOADS)
def test_workload_gets_the_environment_and_secrets_from_secret_manager(workload):
    kind, name, secrets_local, _account = WORKLOADS[workload]
    body = resources(REGION, kind)[name]
    sources = env_sources(body)

    plain = sources.get("${local.app_env}")
    assert plain == {"name": "${env.key}", "value": "${env.value}"}, f"{workload} lacks the app environment"

    mounted = sources.get(f"${{local.{secrets_local}}}")
    assert mounted is not None, f"{workload} mounts no secrets"
    assert "value" not in mounted
    ref = first(first(mounted["value_source"])["secret_key_ref"])
    assert ref == {"secret": "${env.value}", "version": "latest"}
    # No plain env block beside the dynamic ones could shadow a secret with a value.
    assert not container(body).get("env")


def test_secret_locals_cover_what_each_workload_needs():
    region_locals = module(REGION)["locals"]
    assert "core_secrets" in region_locals["all_secrets"] and "web_secrets" in region_locals["all_secrets"]
    assert "core_secrets" in region_locals["job_secrets"]


@pytest.mark.parametrize("workload", WORKLOADS)
def test_workload_runs_as_its_own_service_account_with_the_database_socket(workload):
    kind, name, _secrets, account = WORKLOADS[workload]
    body = resources(REGION, kind)[name]
    template = first(body["template"])
    if kind == "google_cloud_run_v2_job":
        template = first(template["template"])
    assert template["service_account"] == f'${{var.platform.service_accounts["{account}"]}}'
    assert account in module(PLATFORM)["locals"]["workloads"]
    volume = first(template["volumes"])
    assert first(volume["cloud_sql_instance"])["instances"] == ["${var.platform.database_connection_name}"]
    assert first(container(body)["volume_mounts"])["mount_path"] == "/cloudsql"


def test_each_workload_has_its_own_account_and_none_holds_a_basic_role():
    platform = module(PLATFORM)
    accounts = set(platform["locals"]["workloads"])
    assert {"web", "worker", "migrate", "retention", "build"} <= accounts
    roles = platform["locals"]["project_roles"]
    assert set(roles) == accounts
    for workload, granted in roles.items():
        assert not FORBIDDEN_ROLES & set(granted), f"{workload} holds a basic role"
    for path in (PLATFORM, REGION):
        for tf_file in path.glob("*.tf"):
            for role in FORBIDDEN_ROLES:
                assert f'"{role}"' not in tf_file.read_text(), f"{tf_file.name} grants {role}"


def test_jobs_run_the_commands_the_runbook_names():
    jobs = resources(REGION, "google_cloud_run_v2_job")
    assert container(jobs["migrate"])["args"] == ["manage.py", "migrate", "--noinput"]
    assert container(jobs["retention"])["args"] == ["manage.py", "enforce_retention"]
    worker = resources(REGION, "google_cloud_run_v2_worker_pool")["tasks"]
    assert container(worker)["args"][:2] == ["manage.py", "db_worker"]
    scheduler = resources(REGION, "google_cloud_scheduler_job")["retention_daily"]
    assert "google_cloud_run_v2_job.retention[0].name" in first(scheduler["http_target"])["uri"]


def test_probes_use_the_health_endpoints():
    web = container(resources(REGION, "google_cloud_run_v2_service")["web"])
    assert first(first(web["startup_probe"])["http_get"])["path"] == "/healthz"
    assert first(first(web["liveness_probe"])["http_get"])["path"] == "/healthz"
    uptime = resources(REGION, "google_monitoring_uptime_check_config")["readyz"]
    assert first(uptime["http_check"])["path"] == "/readyz"


def gunicorn_default(name: str) -> int:
    match = re.search(rf'_env_int\("{name}", (\d+)\)', (ROOT / "gunicorn.conf.py").read_text())
    assert match, f"gunicorn.conf.py no longer reads {name}"
    return int(match.group(1))


def test_cloud_run_concurrency_matches_gunicorn_workers_times_threads():
    service = resources(REGION, "google_cloud_run_v2_service")["web"]
    template = first(service["template"])
    cpus = int(first(container(service)["resources"])["limits"]["cpu"])
    threads = int(app_env()["GUNICORN_THREADS"])
    assert threads == gunicorn_default("GUNICORN_THREADS")
    assert "WEB_CONCURRENCY" not in app_env()  # one worker per vCPU, from the container's CPU quota
    assert template["max_instance_request_concurrency"] == cpus * threads
    assert int(app_env()["DATABASE_POOL_MAX_SIZE"]) >= threads


def test_shutdown_fits_inside_cloud_run_sigterm_grace():
    graceful = int(app_env()["GUNICORN_GRACEFUL_TIMEOUT"])
    assert graceful == gunicorn_default("GUNICORN_GRACEFUL_TIMEOUT")
    assert graceful < CLOUD_RUN_SIGTERM_GRACE_SECONDS
    assert int(app_env()["GUNICORN_TIMEOUT"]) == 0


@pytest.mark.parametrize("environment", ["staging", "production"])
def test_database_connections_fit_max_connections(environment):
    root = module(TERRAFORM / "environments" / environment)["module"]
    max_instances = root["region_primary"]["max_instances"]
    max_connections = root["platform"]["database_max_connections"]
    cpus = int(first(container(resources(REGION, "google_cloud_run_v2_service")["web"])["resources"])["limits"]["cpu"])
    web_connections = max_instances * cpus * int(app_env()["DATABASE_POOL_MAX_SIZE"])
    assert web_connections < max_connections


def test_exports_bucket_deletes_files_when_the_export_link_expires():
    exports = resources(PLATFORM, "google_storage_bucket")["exports"]
    rule = first(exports["lifecycle_rule"])
    assert first(rule["condition"])["age"] == "${var.export_expiry_days}"
    assert module(PLATFORM)["variable"]["export_expiry_days"]["default"] == 7
    assert exports["public_access_prevention"] == "enforced"
    assert exports["uniform_bucket_level_access"] is True


def test_log_sinks_route_activity_and_requests_into_partitioned_tables():
    streams = module(PLATFORM)["locals"]["log_streams"]
    loggers = {stream["logger"] for stream in streams.values()}
    assert loggers == {"lagiftart.activity", "lagiftart.request", "lagiftart.erasures"}
    sink = resources(PLATFORM, "google_logging_project_sink")["to_bigquery"]
    assert "labels.python_logger" in sink["filter"]
    assert first(sink["bigquery_options"])["use_partitioned_tables"] is True


@cache
def cloudbuild() -> dict:
    return yaml.safe_load((ROOT / "cloudbuild.yaml").read_text())


def test_cloudbuild_pushes_the_image_terraform_deploys():
    subs = cloudbuild()["substitutions"]
    registry = module(PLATFORM)["locals"]
    assert subs["_REPOSITORY"] == registry["repository_id"]
    assert subs["_IMAGE_NAME"] == registry["image_name"]
    assert subs["_IMAGE"] == "${_REGION}-docker.pkg.dev/${PROJECT_ID}/${_REPOSITORY}/${_IMAGE_NAME}"
    assert (
        registry["image"]
        == "${var.primary_region}-docker.pkg.dev/${var.project_id}/${local.repository_id}/${local.image_name}"
    )
    steps = {step["id"]: step for step in cloudbuild()["steps"]}
    assert "${_IMAGE}:${_IMAGE_TAG}" in steps["build"]["args"]
    assert "${_IMAGE}:${_IMAGE_TAG}" in steps["push"]["args"]


def test_cloudbuild_names_the_workloads_terraform_creates():
    subs = cloudbuild()["substitutions"]
    assert subs["_SERVICE"] == module(REGION)["variable"]["web_service_name"]["default"]
    assert subs["_WORKER_POOL"] == resources(REGION, "google_cloud_run_v2_worker_pool")["tasks"]["name"]
    jobs = resources(REGION, "google_cloud_run_v2_job")
    assert subs["_MIGRATE_JOB"] == jobs["migrate"]["name"]
    assert subs["_RETENTION_JOB"] == jobs["retention"]["name"]
    # The smoke test reaches the candidate through a host that ALLOWED_HOSTS admits.
    assert module(REGION)["locals"]["candidate_host"].startswith(f"{subs['_CANDIDATE_TAG']}---")
    production = parse_tf((TERRAFORM / "environments" / "production" / "terraform.tfvars").read_text())
    assert subs["_REGION"] == production["region"]


def test_cloudbuild_moves_traffic_only_after_migrate_and_smoke_test():
    order = [step["id"] for step in cloudbuild()["steps"]]
    assert order.index("test") < order.index("build") < order.index("push") < order.index("migrate")
    assert order.index("migrate") < order.index("deploy-candidate") < order.index("smoke-test")
    assert order.index("smoke-test") < order.index("move-traffic")
    steps = {step["id"]: step for step in cloudbuild()["steps"]}
    assert "--no-traffic" in steps["deploy-candidate"]["args"][-1]
    assert "/readyz" in steps["smoke-test"]["args"][-1]
    assert "--fail" in steps["smoke-test"]["args"][-1]
    for step in order[: order.index("move-traffic")]:
        assert "update-traffic" not in str(steps[step]["args"]), f"{step} moves traffic too early"


# The Managed Service for Prometheus sidecar's built-in RunMonitoring configuration, used when no file is mounted at
# /etc/rungmp/config.yaml: it scrapes http://0.0.0.0:8080/metrics every 30 s (GoogleCloudPlatform/run-gmp-sidecar,
# confgenerator DefaultRunMonitoringConfig).
SIDECAR_IMAGE = "us-docker.pkg.dev/cloud-ops-agents-artifacts/cloud-run-gmp-sidecar/cloud-run-gmp-sidecar"
SIDECAR_DEFAULT_SCRAPE = (8080, "/metrics")
SIDECAR_CONFIG_DIR = "/etc/rungmp"


def web_containers() -> dict[str, dict]:
    template = first(resources(REGION, "google_cloud_run_v2_service")["web"]["template"])
    return {body["name"]: body for body in template["containers"]}


def test_web_service_runs_the_pinned_prometheus_sidecar_beside_the_app():
    containers = web_containers()
    assert list(containers) == ["app", "collector"]  # the app first: cloudbuild and lifecycle address containers[0]
    collector = containers["collector"]
    assert collector["image"] == "${var.prometheus_sidecar_image}"
    image = module(REGION)["variable"]["prometheus_sidecar_image"]["default"]
    assert re.fullmatch(re.escape(SIDECAR_IMAGE) + r":\d+\.\d+\.\d+", image), f"pin the sidecar: {image}"
    # It starts once the app passed its startup probe, and takes no traffic itself.
    assert collector["depends_on"] == ["app"]
    assert "ports" not in collector and "startup_probe" not in collector
    # Both containers bill the same way (Cloud Run's CPU allocation is one setting for the instance).
    assert first(collector["resources"])["cpu_idle"] == first(containers["app"]["resources"])["cpu_idle"]


def test_the_sidecar_scrapes_the_app_metrics_port_and_path():
    from django.urls import reverse

    from lagiftart import probes

    containers = web_containers()
    port, path = SIDECAR_DEFAULT_SCRAPE
    assert first(containers["app"]["ports"])["container_port"] == port  # Cloud Run sets PORT, gunicorn binds it
    assert reverse("analytics:metrics") == path == probes.METRICS_PATH
    # No RunMonitoring file replaces the built-in configuration.
    for body in containers.values():
        assert not any(mount["mount_path"].startswith(SIDECAR_CONFIG_DIR) for mount in body.get("volume_mounts", []))


def test_the_web_service_account_may_write_the_sidecar_metrics():
    assert "roles/monitoring.metricWriter" in module(PLATFORM)["locals"]["project_roles"]["web"]


def test_cloudbuild_replaces_only_the_app_container():
    subs = cloudbuild()["substitutions"]
    assert subs["_APP_CONTAINER"] == "app" and "app" in web_containers()
    steps = {step["id"]: step for step in cloudbuild()["steps"]}
    script = steps["deploy-candidate"]["args"][-1]
    assert '--container="${_APP_CONTAINER}" --image="${_IMAGE}:${_IMAGE_TAG}"' in script
    assert script.index("--no-traffic") < script.index("--container=")  # service flags before the container's


def test_activity_retention_is_one_number_for_the_database_and_bigquery():
    days = module(PLATFORM)["variable"]["activity_retention_days"]["default"]
    assert days == int(production_settings()["ANALYTICS_RETENTION_DAYS"].split()[0])
    assert app_env()["ANALYTICS_RETENTION_DAYS"] == "${tostring(var.platform.activity_retention_days)}"
    streams = module(PLATFORM)["locals"]["log_streams"]
    assert streams["activity"]["retention_days"] == "${var.activity_retention_days}"
    dataset = resources(PLATFORM, "google_bigquery_dataset")["logs"]
    assert dataset["default_partition_expiration_ms"] == "${each.value.retention_days * 24 * 60 * 60 * 1000}"
    backfill = first(resources(PLATFORM, "google_bigquery_table")["activity_events"]["time_partitioning"])
    assert backfill["expiration_ms"] == "${var.activity_retention_days * 24 * 60 * 60 * 1000}"


def test_erasures_reach_bigquery_through_their_log_stream_and_a_daily_query():
    from analytics.personal_data import erasure_logger

    streams = module(PLATFORM)["locals"]["log_streams"]
    assert streams["erasures"]["logger"] == erasure_logger.name
    transfer = resources(PLATFORM, "google_bigquery_data_transfer_config")["erase_activity"]
    assert transfer["data_source_id"] == "scheduled_query"
    assert transfer["schedule"].startswith("every day")
    assert transfer["service_account_name"] == '${google_service_account.workload["erasure"].email}'
    assert transfer["params"]["query"] == '${file("${path.module}/erase_activity.sql")}'
    sql = (PLATFORM / "erase_activity.sql").read_text()
    assert "UNNEST(jsonPayload.erased_pseudonyms)" in sql
    assert "DELETE FROM lagiftart_activity.run_googleapis_com_stdout" in sql
    assert "DELETE FROM lagiftart_activity.activity_events" in sql
    # Its account runs queries, deletes in the activity dataset, reads the erasures dataset, and nothing more.
    assert module(PLATFORM)["locals"]["project_roles"]["erasure"] == ["roles/bigquery.jobUser"]
    grants = resources(PLATFORM, "google_bigquery_dataset_iam_member")
    assert grants["erasure_deletes_activity"]["role"] == "roles/bigquery.dataEditor"
    assert grants["erasure_deletes_activity"]["dataset_id"] == '${google_bigquery_dataset.logs["activity"].dataset_id}'
    assert grants["erasure_reads_erasures"]["role"] == "roles/bigquery.dataViewer"
    assert "bigquerydatatransfer.googleapis.com" in module(PLATFORM)["locals"]["services"]
    # A failed run is an alert: erased people's rows would otherwise stay.
    alert = resources(PLATFORM, "google_monitoring_alert_policy")["erasure_query_failed"]
    assert 'resource.type="bigquery_dts_config"' in first(first(alert["conditions"])["condition_matched_log"])["filter"]


def test_request_table_leaves_out_successful_probe_and_scrape_lines():
    from lagiftart import probes

    requests = module(PLATFORM)["locals"]["log_streams"]["requests"]
    assert "jsonPayload.status<400" in requests["extra_filter"]
    machine = module(PLATFORM)["locals"]["machine_requests"]
    for path in (*probes.PROBE_PATHS, probes.METRICS_PATH):
        assert f'jsonPayload.route="{path}"' in machine


def test_every_alert_policy_is_in_the_operations_table_with_a_runbook():
    policies = {
        **resources(PLATFORM, "google_monitoring_alert_policy"),
        **resources(REGION, "google_monitoring_alert_policy"),
    }
    operations = (ROOT / "docs" / "operations.md").read_text()
    table = operations[operations.index("## Alert policies") : operations.index("## Log-based views")]
    documented = set(re.findall(r"^\| \*\*[^*]+\*\* \(`(\w+)`", table, flags=re.MULTILINE))

    assert documented == set(policies)
    runbooks = set(re.findall(r"^### (.+)$", operations, flags=re.MULTILINE))
    for name in re.findall(r"^\| \*\*([^*]+)\*\*", table, flags=re.MULTILINE):
        assert name in runbooks, f"no runbook for the alert {name!r}"


def test_promql_alerts_watch_metrics_the_app_exports():
    from prometheus_client import REGISTRY

    from analytics import metrics  # noqa: F401  (registers the app's metrics)

    exported = {f"{metric.name}_total" for metric in REGISTRY.collect() if metric.type == "counter"}
    policies = resources(PLATFORM, "google_monitoring_alert_policy")
    queries = [
        first(first(policy["conditions"]).get("condition_prometheus_query_language"))["query"]
        for policy in policies.values()
        if first(policy["conditions"]).get("condition_prometheus_query_language")
    ]

    assert len(queries) == 2
    for query in queries:
        for name in set(re.findall(r"lagiftart_\w+", query)):
            assert name in exported, f"{name} in {query!r} is not a metric the app exports"
