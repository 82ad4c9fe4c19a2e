"""Where background tasks run: at once inside tests, in the database queue (worked by `db_worker`) everywhere else."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django_tasks import task_backends
from django_tasks.backends.immediate import ImmediateBackend

BASE_DIR = Path(__file__).resolve().parents[2]


def tasks_backend_for(**environment: str) -> str:
    """The TASKS backend a fresh process gets from these variables alone (no .env file)."""
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, json; django.setup(); from django.conf import settings; "
            "print(json.dumps(settings.TASKS['default']['BACKEND']))",
        ],
        cwd=BASE_DIR,
        env={
            "PATH": os.environ["PATH"],
            "DJANGO_SETTINGS_MODULE": "lagiftart.settings",
            "DJANGO_READ_DOT_ENV": "false",
            **environment,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_tests_run_each_task_as_soon_as_it_is_enqueued():
    assert isinstance(task_backends["default"], ImmediateBackend)


def test_tests_ignore_a_tasks_backend_left_in_the_environment():
    """`make run` copies .env.example (which names the database backend) to .env; tests must stay immediate."""
    backend = tasks_backend_for(DJANGO_ENV="test", TASKS_BACKEND="django_tasks_db.DatabaseBackend")

    assert backend == "django_tasks.backends.immediate.ImmediateBackend"


def test_outside_tests_tasks_wait_in_the_database_queue_for_the_worker():
    """Local and production share this default; production is the one that must not get it wrong."""
    backend = tasks_backend_for(DJANGO_ENV="production", SECRET_KEY="p" * 60, ALLOWED_HOSTS="lagiftart.example")

    assert backend == "django_tasks_db.DatabaseBackend"
