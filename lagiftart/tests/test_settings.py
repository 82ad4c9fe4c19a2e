"""Settings come from the environment; production refuses unsafe configuration and passes `check --deploy`."""

import json
import os
import runpy
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

import pytest
from django.conf import global_settings

BASE_DIR = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "x" * 20 + "-production-test-key-that-is-long-enough-0123456789",
    "ALLOWED_HOSTS": "lagiftart.example",
    # Production's mail provider (a Secret Manager secret on Cloud Run); `check --deploy` requires one.
    "EMAIL_URL": "smtp+tls://mailer:password@smtp.lagiftart.example:587",
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
    """`expression` over `settings`, as lagiftart/settings.py loads in a clean environment (only what the test
    names, no .env file). The module runs afresh in this process (never the test run's own settings): the
    subprocess that `run_django` starts costs a Django setup, about two seconds, which a value read does not need."""
    clean = {"PATH": os.environ["PATH"], "DJANGO_READ_DOT_ENV": "false", **environment}
    with mock.patch.dict(os.environ, clean, clear=True):
        namespace = runpy.run_path(
            str(BASE_DIR / "lagiftart" / "settings.py"), run_name="lagiftart_settings_under_test"
        )
    defaults = {name: getattr(global_settings, name) for name in dir(global_settings) if name.isupper()}
    settings = SimpleNamespace(**{**defaults, **namespace})  # as django.conf.settings: Django's defaults, overridden
    value = eval(expression, {"settings": settings})  # noqa: S307 - the tests' own expressions
    return json.loads(json.dumps(value, default=str))


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


def check_deploy(**environment: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env={"PATH": os.environ["PATH"], "DJANGO_READ_DOT_ENV": "false", **environment},
        capture_output=True,
        text=True,
        timeout=60,
    )


MAIL_SETTINGS = (
    "[settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_HOST_USER,"
    " settings.EMAIL_HOST_PASSWORD, settings.EMAIL_USE_TLS, settings.EMAIL_USE_SSL]"
)


def test_email_url_names_the_smtp_server_its_login_and_starttls():
    values = settings_value(
        MAIL_SETTINGS, DJANGO_ENV="local", EMAIL_URL="smtp+tls://mailer:p%40ss%2Fword@smtp.example.com:587"
    )
    assert values == [
        "django.core.mail.backends.smtp.EmailBackend",
        "smtp.example.com",
        587,
        "mailer",
        "p@ss/word",  # percent-encoded in the URL, as a URL needs
        True,
        False,
    ]


def test_email_url_over_implicit_tls_defaults_to_port_465():
    values = settings_value(MAIL_SETTINGS, **{**PRODUCTION, "EMAIL_URL": "smtp+ssl://mailer:secret@smtp.example.com"})
    assert values[0] == "django.core.mail.backends.smtp.EmailBackend"
    assert values[2] == 465
    assert values[5:] == [False, True]


def test_email_url_wins_over_email_backend_and_is_not_kept_whole():
    backend, kept = settings_value(
        "[settings.EMAIL_BACKEND, hasattr(settings, 'EMAIL_URL')]",
        DJANGO_ENV="local",
        EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
        EMAIL_URL="smtp+tls://mailer:secret@smtp.example.com:587",
    )
    assert backend == "django.core.mail.backends.smtp.EmailBackend"
    assert kept is False  # only its parts are settings; Django's error reports hide EMAIL_HOST_PASSWORD


def test_mail_prints_to_the_console_locally_and_never_in_production():
    assert settings_value("settings.EMAIL_BACKEND", DJANGO_ENV="local") == (
        "django.core.mail.backends.console.EmailBackend"
    )
    production = {key: value for key, value in PRODUCTION.items() if key != "EMAIL_URL"}
    backend, host = settings_value("[settings.EMAIL_BACKEND, settings.EMAIL_HOST]", **production)
    assert (backend, host) == ("django.core.mail.backends.smtp.EmailBackend", "localhost")


def test_smtp_connections_give_up_after_a_timeout():
    assert settings_value("settings.EMAIL_TIMEOUT", **PRODUCTION) == 10


def test_an_unknown_email_url_scheme_stops_the_process():
    result = run_django("", **{**PRODUCTION, "EMAIL_URL": "sendmail://localhost"})
    assert result.returncode != 0
    assert "Invalid email schema sendmail" in result.stderr


def test_check_deploy_fails_when_production_has_no_mail_server():
    production = {key: value for key, value in PRODUCTION.items() if key != "EMAIL_URL"}
    result = check_deploy(**production)
    assert result.returncode != 0
    assert "lagiftart.E002" in result.stderr
    assert "Set EMAIL_URL" in result.stderr


def test_check_deploy_fails_when_production_would_print_mail_to_the_logs():
    production = {key: value for key, value in PRODUCTION.items() if key != "EMAIL_URL"}
    result = check_deploy(**production, EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend")
    assert result.returncode != 0
    assert "lagiftart.E001" in result.stderr
    assert "one-time links" in result.stderr


def test_secret_key_fallbacks_are_a_comma_separated_list():
    old_keys = ["a" * 30 + "-retired-key-one-0123456789", "b" * 30 + "-retired-key-two-0123456789"]
    fallbacks = settings_value("settings.SECRET_KEY_FALLBACKS", **PRODUCTION, SECRET_KEY_FALLBACKS=",".join(old_keys))
    assert fallbacks == old_keys
    assert settings_value("settings.SECRET_KEY_FALLBACKS", **PRODUCTION) == []


def test_what_the_previous_key_signed_still_verifies_while_it_is_a_fallback():
    old_key = PRODUCTION["SECRET_KEY"]
    new_key = "n" * 30 + "-the-rotated-in-secret-key-0123456789"
    signed = run_django(
        "from django.core import signing; print(signing.dumps('ana-session', salt='rotation-test'))", **PRODUCTION
    ).stdout.strip()
    verify = f"from django.core import signing; print(signing.loads({signed!r}, salt='rotation-test'))"

    during_rotation = run_django(verify, **{**PRODUCTION, "SECRET_KEY": new_key, "SECRET_KEY_FALLBACKS": old_key})
    assert during_rotation.returncode == 0, during_rotation.stderr
    assert during_rotation.stdout.strip() == "ana-session"
    after_rotation = run_django(verify, **{**PRODUCTION, "SECRET_KEY": new_key})
    assert after_rotation.returncode != 0
    assert "BadSignature" in after_rotation.stderr


def test_check_deploy_checks_a_fallback_key_like_the_key_itself():
    result = check_deploy(**PRODUCTION, SECRET_KEY_FALLBACKS="too-short")
    assert result.returncode != 0
    assert "security.W025" in result.stderr


def test_a_fresh_checkout_runs_management_commands_with_local_settings(tmp_path):
    """No .env and no DJANGO_ENV: `manage.py makemigrations --check` works on a clone (it failed with
    AppRegistryNotReady, the production settings refusing to start without secrets); without .git (the image), the
    same manage.py keeps the production default and still refuses."""
    clean = {"PATH": os.environ["PATH"], "PYTHONPATH": str(BASE_DIR)}
    command = ["manage.py", "makemigrations", "--check", "--dry-run"]
    checkout = tmp_path / "checkout"
    image = tmp_path / "image"
    for folder in (checkout, image):
        folder.mkdir()
        (folder / "manage.py").write_text((BASE_DIR / "manage.py").read_text())
    (checkout / ".git").mkdir()

    in_checkout = subprocess.run(
        [sys.executable, *command], cwd=checkout, env=clean, capture_output=True, text=True, timeout=120
    )
    in_image = subprocess.run(
        [sys.executable, *command], cwd=image, env=clean, capture_output=True, text=True, timeout=120
    )

    assert in_checkout.returncode == 0, in_checkout.stderr[-3000:]
    assert "No changes detected" in in_checkout.stdout
    # Django's manage.py hides the settings' ImproperlyConfigured behind AppRegistryNotReady here.
    assert in_image.returncode != 0
    assert "No changes detected" not in in_image.stdout
