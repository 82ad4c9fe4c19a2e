import importlib

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model

GEO = "X-Client-Geo-Location"
PASSWORD = "a-long-secret-9"


@pytest.fixture(autouse=True)
def trusted_geo_header(settings):
    """Tests place a visitor with the load balancer's header, as production does."""
    settings.COMPLIANCE_GEO_HEADER = GEO


@pytest.fixture
def in_eu():
    return {GEO: "FR,FRIDF"}


@pytest.fixture
def in_california():
    return {GEO: "US,USCA"}


@pytest.fixture
def make_user(db):
    def make(email="ana@example.com", **fields):
        fields.setdefault("password", PASSWORD)
        return get_user_model().objects.create_user(email=email, **fields)

    return make


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    """Export files go to a temporary private storage, never into the working tree."""
    location = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {"BACKEND": "lagiftart.storage.PrivateFileSystemStorage", "OPTIONS": {"location": location}},
    }
    return location


@pytest.fixture(autouse=True)
def policy_and_purposes(request):
    """The purposes and first policy the data migration creates; a transactional test elsewhere may have flushed
    them, so database tests here put them back the way the migration does."""
    if not request.node.get_closest_marker("django_db") and "db" not in request.fixturenames:
        return
    request.getfixturevalue("db")
    seed = importlib.import_module("compliance.migrations.0002_seed_purposes_and_first_policy").seed
    seed(apps, None)
