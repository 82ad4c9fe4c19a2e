"""Cloud Run's probes: /healthz never touches the database, /readyz proves it is usable."""

import pytest
from django.db import DatabaseError

from lagiftart import health


def test_liveness_answers_without_touching_the_database(client):
    # No django_db mark: pytest-django raises on any database access, so a 200 here proves none happened.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readiness_is_ok_when_the_database_answers_and_migrations_are_applied(client, monkeypatch):
    monkeypatch.setattr(health, "_migrations_verified", False)
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readiness_is_503_with_the_reason_when_migrations_are_pending(client, monkeypatch):
    monkeypatch.setattr(health, "_migrations_verified", False)
    monkeypatch.setattr(health, "pending_migrations", lambda: ["gifts.0002_add_stock"])
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "reason": "unapplied migrations",
        "migrations": ["gifts.0002_add_stock"],
    }


@pytest.mark.django_db
def test_readiness_is_503_when_the_database_is_unreachable(client, monkeypatch):
    class BrokenCursor:
        def __enter__(self):
            raise DatabaseError("connection refused")

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(health.connection, "cursor", lambda: BrokenCursor())
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "reason": "database unreachable"}


def test_health_endpoints_refuse_writes(client):
    assert client.post("/healthz").status_code == 405
