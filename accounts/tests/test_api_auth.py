"""How callers sign in to the API and how often they may call it: an app through allauth's headless API and its
session token (two-factor included), a browser with its session and CSRF token, and the throttles per client
address, per account and per partner key, answering 429 with Retry-After."""

import re

import pytest
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import Client

from accounts.models import ApiScope
from accounts.tests.api_clients import APP, app_login, key_headers, make_key, session_token, token_headers
from accounts.tests.factories import UserFactory
from lagiftart.tests.test_settings import settings_value

pytestmark = pytest.mark.django_db

CONFIRM_LINK = re.compile(r"https?://[^/\s]+(/[\w-]+)/accounts/confirm-email/([^/\s]+)/")


def current_code(secret: str) -> str:
    codes = [format_hotp_value(hotp_value(secret, counter)) for counter in yield_hotp_counters_from_time()]
    return codes[len(codes) // 2]


@pytest.fixture
def rates(settings):
    """Small limits, set the way production sets them (REST_FRAMEWORK from the environment), and none counted yet."""

    def set_rates(anon="100/minute", user="100/minute", api_key="100/minute", proxies=0):
        settings.REST_FRAMEWORK = {
            **django_settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {"anon": anon, "user": user, "api_key": api_key},
            "NUM_PROXIES": proxies,
        }
        cache.clear()

    return set_rates


# Apps: allauth headless and the session token ------------------------------------------------------------------


def test_an_app_signs_up_confirms_its_email_logs_in_and_reads_the_profile(client, mailoutbox):
    signup = client.post(
        f"{APP}/auth/signup",
        {"email": "mina@example.com", "password": "a-long-new-password-77"},
        content_type="application/json",
        headers={"Accept-Language": "fr"},
    )
    assert signup.status_code == 401
    assert {"id": "verify_email", "is_pending": True} in signup.json()["data"]["flows"]
    pending_token = signup.json()["meta"]["session_token"]
    # Not signed in until the address is confirmed: the token opens nothing yet.
    assert client.get("/api/v1/me/", headers=token_headers(pending_token)).status_code == 401

    # The email is in French and links to the storefront's own confirmation page.
    language, key = CONFIRM_LINK.search(mailoutbox[-1].body).groups()
    assert language == "/fr"
    verify = client.post(
        f"{APP}/auth/email/verify", {"key": key}, content_type="application/json", headers=token_headers(pending_token)
    )
    assert verify.status_code == 401  # confirmed; like the storefront, confirming does not sign in

    token = session_token(client, "mina@example.com", "a-long-new-password-77")
    response = client.get("/api/v1/me/", headers=token_headers(token))
    assert response.status_code == 200
    assert response.json() == {
        "email": "mina@example.com",
        "full_name": "",
        "preferred_language": "fr",
        "preferred_currency": "",
    }


def test_two_factor_applies_to_an_app_login(client, settings):
    settings.MFA_TOTP_TOLERANCE = 1
    user = UserFactory(email="ana@example.com")
    secret = generate_totp_secret()
    TOTP.activate(user, secret)

    login = app_login(client, user.email)
    assert login.status_code == 401
    pending = [flow for flow in login.json()["data"]["flows"] if flow.get("is_pending")]
    assert [flow["id"] for flow in pending] == ["mfa_authenticate"]
    token = login.json()["meta"]["session_token"]
    refused = client.get("/api/v1/me/", headers=token_headers(token))
    assert refused.status_code == 401
    assert refused.json()["type"] == "urn:lagiftart:problem:session_token_invalid"

    code = client.post(
        f"{APP}/auth/2fa/authenticate",
        {"code": current_code(secret)},
        content_type="application/json",
        headers=token_headers(token),
    )
    assert code.status_code == 200
    token = code.json()["meta"].get("session_token", token)
    assert client.get("/api/v1/me/", headers=token_headers(token)).json()["email"] == "ana@example.com"


def test_logging_out_ends_the_session_token(client):
    user = UserFactory()
    token = session_token(client, user.email)
    assert client.get("/api/v1/me/", headers=token_headers(token)).status_code == 200
    client.delete(f"{APP}/auth/session", headers=token_headers(token))
    response = client.get("/api/v1/me/", headers=token_headers(token))
    assert response.status_code == 401
    assert response.json()["detail"] == "This session token is not valid or has ended. Sign in again."


def test_an_unknown_session_token_is_refused_even_on_a_public_endpoint(client):
    response = client.get("/api/v1/locales/", headers=token_headers("not-a-session"))
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_a_password_change_ends_the_app_sessions_too(client):
    user = UserFactory()
    token = session_token(client, user.email)
    user.set_password("another-long-password-5")
    user.save()
    assert client.get("/api/v1/me/", headers=token_headers(token)).status_code == 401


def test_the_headless_api_serves_apps_only(client):
    assert client.post(f"{APP}/auth/login", {}, content_type="application/json").status_code == 400
    assert client.get("/_allauth/browser/v1/config").status_code == 404


# Browsers: the session and CSRF --------------------------------------------------------------------------------


def test_a_browser_session_reads_the_profile_and_writes_only_with_a_csrf_token():
    browser = Client(enforce_csrf_checks=True)
    user = UserFactory(full_name="Ana")
    browser.force_login(user)
    assert browser.get("/api/v1/me/").json()["full_name"] == "Ana"

    forged = browser.patch("/api/v1/me/", {"full_name": "Mallory"}, content_type="application/json")
    assert forged.status_code == 403
    assert "CSRF" in forged.json()["detail"]
    user.refresh_from_db()
    assert user.full_name == "Ana"

    browser.get("/en/account/")  # any page with a form sets the CSRF cookie
    token = browser.cookies[django_settings.CSRF_COOKIE_NAME].value
    saved = browser.patch(
        "/api/v1/me/", {"full_name": "Ana María"}, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert saved.status_code == 200 and saved.json()["full_name"] == "Ana María"


def test_a_session_token_needs_no_csrf_token():
    app = Client(enforce_csrf_checks=True)
    user = UserFactory()
    token = session_token(app, user.email)
    response = app.patch(
        "/api/v1/me/", {"full_name": "From the app"}, content_type="application/json", headers=token_headers(token)
    )
    assert response.status_code == 200


def test_no_credentials_on_a_personal_endpoint_is_a_401_that_says_how_to_sign_in(client):
    response = client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Api-Key realm="api"'
    assert response.json() == {
        "type": "urn:lagiftart:problem:not_authenticated",
        "title": "Authentication required",
        "status": 401,
        "detail": "Authentication credentials were not provided.",
    }


# The profile ---------------------------------------------------------------------------------------------------


def test_the_profile_changes_through_the_account_service(client):
    user = UserFactory(full_name="Ana", preferred_language="en")
    client.force_login(user)
    response = client.patch(
        "/api/v1/me/", {"preferred_language": "ja", "preferred_currency": "JPY"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["preferred_language"] == "ja"
    user.refresh_from_db()
    assert (user.full_name, user.preferred_language, user.preferred_currency) == ("Ana", "ja", "JPY")


def test_a_bad_profile_value_is_a_400_in_the_callers_language(client):
    user = UserFactory()
    client.force_login(user)
    response = client.patch(
        "/api/v1/me/",
        {"preferred_language": "xx"},
        content_type="application/json",
        headers={"Accept-Language": "fr"},
    )
    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "urn:lagiftart:problem:invalid"
    assert body["errors"]["preferred_language"] == ["«\xa0xx\xa0» n'est pas un choix valide."]


def test_the_email_is_not_changed_through_the_api(client):
    user = UserFactory()
    client.force_login(user)
    response = client.patch("/api/v1/me/", {"email": "new@example.com"}, content_type="application/json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["email"]
    user.refresh_from_db()
    assert user.email != "new@example.com"


def test_a_malformed_body_is_a_400_not_a_500(client):
    client.force_login(UserFactory())
    response = client.patch("/api/v1/me/", "{not json", content_type="application/json")
    assert response.status_code == 400 and response.json()["type"] == "urn:lagiftart:problem:invalid"
    assert response.json()["errors"] == {"body": ["This is not JSON (line 1, column 2)."]}


def test_partner_keys_do_not_open_the_profile(client):
    partner = UserFactory()
    _key, full_key = make_key(partner)
    response = client.get("/api/v1/me/", headers=key_headers(full_key))
    assert response.status_code == 403
    assert response.json()["detail"] == "This API key does not have the scope this endpoint needs."


# Throttling ----------------------------------------------------------------------------------------------------


def test_anonymous_callers_are_throttled_per_address_with_retry_after(client, rates):
    rates(anon="2/minute")
    for _ in range(2):
        assert client.get("/api/v1/locales/", REMOTE_ADDR="203.0.113.7").status_code == 200
    throttled = client.get("/api/v1/locales/", REMOTE_ADDR="203.0.113.7")
    assert throttled.status_code == 429
    assert throttled["Content-Type"] == "application/problem+json"
    assert throttled.json()["type"] == "urn:lagiftart:problem:throttled"
    assert 1 <= int(throttled["Retry-After"]) <= 60
    assert client.get("/api/v1/locales/", REMOTE_ADDR="203.0.113.8").status_code == 200


def test_behind_the_proxy_the_client_address_is_the_entry_the_proxy_added(client, rates):
    rates(anon="1/minute", proxies=1)
    forwarded = {"HTTP_X_FORWARDED_FOR": "198.51.100.1, 203.0.113.9", "REMOTE_ADDR": "10.0.0.1"}
    assert client.get("/api/v1/locales/", **forwarded).status_code == 200
    # A client cannot escape by writing its own X-Forwarded-For: the proxy's entry is last.
    spoofed = {"HTTP_X_FORWARDED_FOR": "192.0.2.55, 203.0.113.9", "REMOTE_ADDR": "10.0.0.2"}
    assert client.get("/api/v1/locales/", **spoofed).status_code == 429
    other = {"HTTP_X_FORWARDED_FOR": "203.0.113.10", "REMOTE_ADDR": "10.0.0.1"}
    assert client.get("/api/v1/locales/", **other).status_code == 200


def test_without_trusted_proxies_x_forwarded_for_is_ignored(client, rates):
    rates(anon="1/minute", proxies=0)
    assert (
        client.get("/api/v1/locales/", HTTP_X_FORWARDED_FOR="192.0.2.1", REMOTE_ADDR="203.0.113.7").status_code == 200
    )
    assert (
        client.get("/api/v1/locales/", HTTP_X_FORWARDED_FOR="192.0.2.2", REMOTE_ADDR="203.0.113.7").status_code == 429
    )


def test_a_person_is_throttled_per_account_on_every_device(rates):
    rates(user="2/minute", anon="100/minute")
    user = UserFactory()
    browser, app = Client(), Client()
    browser.force_login(user)
    token = session_token(app, user.email)
    assert browser.get("/api/v1/me/").status_code == 200
    assert app.get("/api/v1/me/", headers=token_headers(token)).status_code == 200
    throttled = app.get("/api/v1/me/", headers=token_headers(token))
    assert throttled.status_code == 429 and int(throttled["Retry-After"]) >= 1
    someone_else = Client()
    someone_else.force_login(UserFactory())
    assert someone_else.get("/api/v1/me/").status_code == 200


def test_a_partner_key_is_throttled_per_key_apart_from_its_owners_own_use(rates):
    rates(api_key="2/minute", user="100/minute")
    partner = UserFactory()
    _key, first = make_key(partner, [ApiScope.ORDERS_READ])
    _key, second = make_key(partner, [ApiScope.ORDERS_READ])
    client = Client()
    for _ in range(2):
        assert client.get("/api/v1/orders/", headers=key_headers(first)).status_code == 200
    throttled = client.get("/api/v1/orders/", headers=key_headers(first))
    assert throttled.status_code == 429 and int(throttled["Retry-After"]) >= 1
    assert client.get("/api/v1/orders/", headers=key_headers(second)).status_code == 200
    client.force_login(partner)
    assert client.get("/api/v1/orders/").status_code == 200


def test_throttle_rates_and_the_proxy_count_come_from_the_environment():
    rest = settings_value(
        "settings.REST_FRAMEWORK",
        DJANGO_ENV="local",
        API_THROTTLE_ANON="5/minute",
        API_THROTTLE_USER="50/minute",
        API_THROTTLE_API_KEY="500/hour",
        ALLAUTH_TRUSTED_PROXY_COUNT="1",
    )
    assert rest["DEFAULT_THROTTLE_RATES"] == {"anon": "5/minute", "user": "50/minute", "api_key": "500/hour"}
    assert rest["NUM_PROXIES"] == 1
