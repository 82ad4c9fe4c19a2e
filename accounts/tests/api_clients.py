"""Test helpers for the API's callers: partner keys, app session tokens (allauth headless) and browser sessions."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from accounts.api_keys import issue_api_key
from accounts.models import ApiKey, ApiScope
from accounts.tests.factories import PASSWORD

APP = "/_allauth/app/v1"


def make_key(user, scopes=(), *, expires_in=timedelta(days=30), revoked=False, created_by=None) -> tuple[ApiKey, str]:
    """A partner key for `user`'s account, issued by the service; expired or revoked keys are aged in the database."""
    key, full_key = issue_api_key(
        user=user,
        name="Test partner",
        scopes=scopes or ApiScope.values,
        expires_at=timezone.now() + timedelta(days=1),
        created_by=created_by,
    )
    changes = {"expires_at": timezone.now() + expires_in}
    if revoked:
        changes["revoked_at"] = timezone.now()
    ApiKey.objects.filter(pk=key.pk).update(**changes)
    key.refresh_from_db()
    return key, full_key


def key_headers(full_key: str) -> dict[str, str]:
    return {"Authorization": f"Api-Key {full_key}"}


def app_login(client: Client, email: str, password: str = PASSWORD):
    """Log in the way a mobile app does, through allauth's headless API; returns the response."""
    return client.post(f"{APP}/auth/login", {"email": email, "password": password}, content_type="application/json")


def session_token(client: Client, email: str, password: str = PASSWORD) -> str:
    response = app_login(client, email, password)
    assert response.status_code == 200, response.content
    return response.json()["meta"]["session_token"]


def token_headers(token: str) -> dict[str, str]:
    return {"X-Session-Token": token}
