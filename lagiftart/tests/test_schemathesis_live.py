"""schemathesis's own command line against the API on a live test server, as a partner's client would reach it.

test_schemathesis.py fuzzes every operation in process, many cases each; this run is the end-to-end proof: the CLI
(from PyPI) downloads /api/v1/schema/ over HTTP from pytest-django's live server (a real socket and WSGI server in a
thread), then calls every operation with the schema's examples and a few generated cases, anonymously and with a
partner key holding every scope. It must find no 5xx and no answer that breaks the schema: status codes, content
types, headers and bodies as documented. Few cases per operation keep it to tens of seconds.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from accounts.tests.api_clients import make_key
from accounts.tests.factories import UserFactory
from gifts.tests.world import build_world

CHECKS = (
    "not_a_server_error,status_code_conformance,content_type_conformance,"
    "response_headers_conformance,response_schema_conformance"
)


@pytest.fixture
def api_server(live_server, settings):
    """The small catalog behind a live server; a fuzzer on one address would otherwise meet mostly 429s."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100000/minute", "user": "100000/minute", "api_key": "100000/minute"},
    }
    build_world()
    return live_server.url


def schemathesis(base_url: str, *headers: str, tmp_path: Path) -> subprocess.CompletedProcess:
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "run",
        f"{base_url}/api/v1/schema/",
        "--checks",
        CHECKS,
        "--phases",
        "examples,fuzzing",
        "--max-examples",
        "3",
        "--seed",
        "20261202",
        "--workers",
        "1",
        "--generation-database",
        "none",
        "--no-color",
        "--report-dir",
        str(tmp_path),
        "-H",
        "Accept-Encoding: identity",
    ]
    for header in headers:
        command += ["-H", header]
    # In tmp_path: the CLI keeps a crash cache (.schemathesis/) in its working directory.
    return subprocess.run(command, capture_output=True, text=True, timeout=600, check=False, cwd=tmp_path)


# The live server sees only committed rows, so the test flushes the database after it; the migrated rows come back
# from the serialized copy (lagiftart/pytest_plugin.py).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_cli_finds_no_5xx_and_no_off_schema_answer_on_a_live_server(api_server, tmp_path):
    _key, presented = make_key(UserFactory())  # every scope

    (tmp_path / "anonymous").mkdir()
    (tmp_path / "key").mkdir()
    anonymous = schemathesis(api_server, tmp_path=tmp_path / "anonymous")
    with_key = schemathesis(api_server, f"Authorization: Api-Key {presented}", tmp_path=tmp_path / "key")

    for run in (anonymous, with_key):
        assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
        # Every operation of the schema was reached, not a schema that failed to load or an empty selection.
        selected, tested = re.search(r"Selected: (\d+)/\d+\s+Tested: (\d+)", run.stdout).groups()
        assert int(tested) == int(selected) >= 20, run.stdout[-3000:]
