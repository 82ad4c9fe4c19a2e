import importlib
import io
import json
import logging

import pytest
from django.apps import apps

from lagiftart.logging import CloudRunJsonHandler

GEO = "X-Client-Geo-Location"


@pytest.fixture(autouse=True)
def trusted_geo_header(settings):
    """Visitors are placed with the load balancer's header, as in production."""
    settings.COMPLIANCE_GEO_HEADER = GEO


@pytest.fixture(autouse=True)
def policy_and_purposes(request):
    """The consent purposes and first policy the compliance data migration creates (a flushed test may lose them)."""
    if "db" not in request.fixturenames and not request.node.get_closest_marker("django_db"):
        return
    request.getfixturevalue("db")
    importlib.import_module("compliance.migrations.0002_seed_purposes_and_first_policy").seed(apps, None)


@pytest.fixture
def in_california():
    """CCPA: analytics is opt-out, so a visitor who never chose is counted."""
    return {GEO: "US,USCA"}


@pytest.fixture
def in_eu():
    """GDPR: analytics is opt-in, so nothing is counted before a yes."""
    return {GEO: "FR,FRIDF"}


@pytest.fixture
def json_log():
    """Capture what the production handler writes for the given logger, one parsed JSON object per line."""
    handlers = []

    def capture(name: str) -> list:
        stream = io.StringIO()
        handler = CloudRunJsonHandler(project_id="demo-project", stream=stream)
        logger = logging.getLogger(name)
        logger.addHandler(handler)
        previous = logger.level
        logger.setLevel(logging.INFO)
        handlers.append((logger, handler, previous))
        lines = []

        class Lines(list):
            def read(self):
                return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]

        lines = Lines()
        return lines

    yield capture
    for logger, handler, previous in handlers:
        logger.removeHandler(handler)
        logger.setLevel(previous)
