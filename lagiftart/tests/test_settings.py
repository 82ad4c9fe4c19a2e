"""Settings come from the environment; production refuses unsafe configuration and passes `check --deploy`."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "x" * 20 + "-production-test-key-that-is-long-enough-0123456789",
    "ALLOWED_HOSTS": "lagiftart.example",
}


def run_django(code: str, **environment: str) -> subprocess.CompletedProcess:
    """Run Python with Django set up in a clean environment: only what the test names, no .env file."""
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "lagiftart.settings",
        "DJANGO_READ_DOT_ENV": "false",
        **environment,
    }
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def settings_value(expression: str, **environment: str):
    result = run_django(
        f"from django.conf import settings; import json; print(json.dumps({expression}, default=str))", **environment
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_refuses_to_start_without_secret_key():
    result = run_django("", DJANGO_ENV="production", ALLOWED_HOSTS="lagiftart.example")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = run_django("", DJANGO_ENV="production", SECRET_KEY=PRODUCTION["SECRET_KEY"])
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_production_refuses_a_short_secret_key():
    result = run_django("", DJANGO_ENV="production", SECRET_KEY="short", ALLOWED_HOSTS="lagiftart.example")
    assert result.returncode != 0
    assert "50+" in result.stderr


def test_debug_is_off_unless_asked():
    assert settings_value("settings.DEBUG", **PRODUCTION) is False
    assert settings_value("settings.DEBUG", DJANGO_ENV="local") is False


def test_check_deploy_reports_nothing_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        cwd=BASE_DIR,
        env={"PATH": os.environ["PATH"], "DJANGO_READ_DOT_ENV": "false", **PRODUCTION},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_cookies_and_hsts_are_secure():
    values = settings_value(
        "[settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, settings.SECURE_SSL_REDIRECT,"
        " settings.SECURE_HSTS_SECONDS]",
        **PRODUCTION,
    )
    assert values == [True, True, True, 63072000]


def test_sqlite_is_the_default_database():
    database = settings_value("settings.DATABASES['default']", DJANGO_ENV="local")
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"].endswith("db.sqlite3")


def test_database_url_selects_postgresql_with_the_connection_pool():
    database = settings_value(
        "settings.DATABASES['default']", DJANGO_ENV="local", DATABASE_URL="postgres://app:pw@db.internal:5432/gifts"
    )
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["PORT"], database["NAME"], database["USER"]) == (
        "db.internal",
        5432,
        "gifts",
        "app",
    )
    assert database["OPTIONS"]["pool"]["max_size"] == 10


def test_cloud_sql_unix_socket_in_the_url_becomes_the_host_directory():
    database = settings_value(
        "settings.DATABASES['default']",
        DJANGO_ENV="local",
        DATABASE_URL="postgres://app:pw@//cloudsql/proj:europe-west1:gifts-db/lagiftart",
    )
    assert database["HOST"] == "/cloudsql/proj:europe-west1:gifts-db"
    assert database["NAME"] == "lagiftart"


def test_every_variable_the_settings_read_is_listed_in_env_example():
    settings_source = (BASE_DIR / "lagiftart" / "settings.py").read_text()
    example = (BASE_DIR / ".env.example").read_text()
    import re

    read = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z_]+)"', settings_source))
    listed = set(re.findall(r"^(?:# )?([A-Z_]+)=", example, flags=re.MULTILINE))
    missing = read - listed - {"DJANGO_READ_DOT_ENV"}
    assert not missing, f"variables read by settings but missing from .env.example: {sorted(missing)}"


@pytest.mark.parametrize("bucket_variable", ["GS_MEDIA_BUCKET", "GS_PRIVATE_BUCKET"])
def test_a_named_bucket_switches_that_storage_to_google_cloud_storage(bucket_variable):
    storages = settings_value("settings.STORAGES", DJANGO_ENV="local", **{bucket_variable: "lagiftart-bucket"})
    alias = "default" if bucket_variable == "GS_MEDIA_BUCKET" else "private"
    other = "private" if alias == "default" else "default"
    assert storages[alias]["BACKEND"] == "storages.backends.gcloud.GoogleCloudStorage"
    assert storages[alias]["OPTIONS"]["bucket_name"] == "lagiftart-bucket"
    assert storages[other]["BACKEND"].endswith("FileSystemStorage")
