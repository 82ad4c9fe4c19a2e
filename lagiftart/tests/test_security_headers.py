"""Every response carries the security headers a browser needs; scripts run only with the page's nonce."""

import re

import pytest


@pytest.fixture
def home(client, db):
    return client.get("/en/")


def test_content_security_policy_allows_no_inline_script(home):
    policy = home["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert "'unsafe-inline'" not in directives["script-src"]
    assert set(re.sub(r"'nonce-[\w+/=-]+'", "", directives["script-src"]).split()) == {"'self'"}
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"


def test_usual_security_headers_are_set(home):
    assert home["X-Content-Type-Options"] == "nosniff"
    assert home["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert home["X-Frame-Options"] == "DENY"
    assert home["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in home["Permissions-Policy"]
    assert "geolocation=()" in home["Permissions-Policy"]


@pytest.mark.django_db
def test_headers_are_on_error_pages_too(client):
    response = client.get("/en/no-such-page/")
    assert response.status_code == 404
    assert "Content-Security-Policy" in response
    assert "Permissions-Policy" in response


def test_static_files_are_served_by_whitenoise(client):
    response = client.get("/static/css/site.css")
    assert response.status_code == 200
    assert b"--accent" in b"".join(response.streaming_content)
