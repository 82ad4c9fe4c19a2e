"""Signing up, confirming the email address, logging in, resetting a password, rate limits and Google's button."""

import copy
import json
import os
import re
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.utils import translation

from accounts.models import User
from accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

GOOGLE_APP = {"client_id": "client-id.apps.googleusercontent.com", "secret": "client-secret"}


@pytest.fixture
def google_configured(settings):
    """Settings as they are when GOOGLE_OAUTH_CLIENT_ID and GOOGLE_OAUTH_CLIENT_SECRET are set."""
    providers = copy.deepcopy(settings.SOCIALACCOUNT_PROVIDERS)
    providers["google"]["APP"] = GOOGLE_APP
    settings.SOCIALACCOUNT_PROVIDERS = providers


@pytest.fixture
def google_not_configured(settings):
    providers = copy.deepcopy(settings.SOCIALACCOUNT_PROVIDERS)
    providers["google"].pop("APP", None)
    settings.SOCIALACCOUNT_PROVIDERS = providers


def logged_in_user_id(client) -> str | None:
    return client.session.get(SESSION_KEY)


def link_in(message, path_part: str) -> str:
    [url] = re.findall(rf"https?://\S*{re.escape(path_part)}\S*", message.body)
    return url


def in_language(language: str, message: str) -> str:
    with translation.override(language):
        return translation.gettext(message)


def test_signup_sends_a_confirmation_link_and_the_account_logs_in_once_confirmed(client):
    response = client.post(
        "/en/accounts/signup/",
        {"email": "amelie@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/confirm-email/"
    assert logged_in_user_id(client) is None
    assert "Confirm your email address" in client.get(response["Location"]).content.decode()
    [message] = mail.outbox
    assert message.to == ["amelie@example.com"]
    confirm_url = link_in(message, "/accounts/confirm-email/")

    # Logging in before confirming only resends the way to confirm.
    client.logout()
    response = client.post("/en/accounts/login/", {"login": "amelie@example.com", "password": PASSWORD})
    assert logged_in_user_id(client) is None
    assert response["Location"] == "/en/accounts/confirm-email/"

    page = client.get(confirm_url)
    assert page.status_code == 200
    assert "amelie@example.com" in page.content.decode()
    client.post(confirm_url)

    client.logout()
    response = client.post("/en/accounts/login/", {"login": "amelie@example.com", "password": PASSWORD})
    assert response.status_code == 302
    user = User.objects.get(email="amelie@example.com")
    assert logged_in_user_id(client) == str(user.pk)


def test_signup_remembers_the_language_and_writes_the_email_in_it(client):
    client.post(
        "/fr/accounts/signup/",
        {"email": "claire@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert User.objects.get(email="claire@example.com").preferred_language == "fr"
    [message] = mail.outbox
    french_subject = in_language("fr", "Please Confirm Your Email Address")
    assert french_subject != "Please Confirm Your Email Address"
    assert message.subject == french_subject
    assert "/fr/accounts/confirm-email/" in message.body


def test_signup_has_no_username_and_explains_mismatched_passwords(client):
    page = client.get("/en/accounts/signup/")
    assert 'name="username"' not in page.content.decode()

    response = client.post(
        "/en/accounts/signup/",
        {"email": "amelie@example.com", "password1": PASSWORD, "password2": PASSWORD + "x"},
    )

    assert response.status_code == 200
    assert "You must type the same password each time." in response.content.decode()
    assert not User.objects.exists()


def test_login_is_by_email_address(client):
    user = UserFactory(email="giver@example.com")

    response = client.post("/en/accounts/login/", {"login": "GIVER@example.com", "password": PASSWORD})

    assert response.status_code == 302
    assert logged_in_user_id(client) == str(user.pk)


def test_logging_out_asks_first_then_ends_the_session(client):
    user = UserFactory(email="giver@example.com")
    client.force_login(user)

    page = client.get("/en/accounts/logout/")
    assert "Do you want to log out of LaGiftArt on this device?" in page.content.decode()
    assert logged_in_user_id(client) == str(user.pk)

    client.post("/en/accounts/logout/")
    assert logged_in_user_id(client) is None


def test_a_wrong_password_is_refused_with_a_message(client):
    UserFactory(email="giver@example.com")

    response = client.post("/en/accounts/login/", {"login": "giver@example.com", "password": "not-the-password"})

    assert response.status_code == 200
    assert "The email address and/or password you specified are not correct." in response.content.decode()
    assert logged_in_user_id(client) is None


def test_repeated_failed_logins_are_throttled_even_with_the_right_password_afterwards(client):
    UserFactory(email="giver@example.com")
    for _attempt in range(5):
        client.post("/en/accounts/login/", {"login": "giver@example.com", "password": "guess"})

    response = client.post("/en/accounts/login/", {"login": "giver@example.com", "password": PASSWORD})

    assert "Too many failed login attempts. Try again later." in response.content.decode()
    assert logged_in_user_id(client) is None


def test_password_reset_emails_a_link_that_sets_a_new_password(client):
    UserFactory(email="giver@example.com")

    response = client.post("/en/accounts/password/reset/", {"email": "giver@example.com"})

    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/password/reset/done/"
    [message] = mail.outbox
    assert message.to == ["giver@example.com"]
    reset_url = link_in(message, "/accounts/password/reset/key/")

    form_page = client.get(reset_url, follow=True)
    assert form_page.status_code == 200
    client.post(
        form_page.redirect_chain[-1][0], {"password1": "a-new-gift-password-43", "password2": "a-new-gift-password-43"}
    )

    assert client.login(email="giver@example.com", password="a-new-gift-password-43")


def test_password_reset_for_an_unknown_address_looks_the_same_and_sends_no_link(client):
    response = client.post("/en/accounts/password/reset/", {"email": "nobody@example.com"})

    assert response["Location"] == "/en/accounts/password/reset/done/"
    assert all("/password/reset/key/" not in message.body for message in mail.outbox)


def test_login_page_has_no_google_button_when_google_is_not_configured(client, google_not_configured):
    page = client.get("/en/accounts/login/").content.decode()

    assert "Continue with Google" not in page
    assert "/accounts/google/login/" not in page


def test_login_and_signup_pages_offer_google_when_it_is_configured(client, google_configured):
    for path in ("/en/accounts/login/", "/en/accounts/signup/"):
        page = client.get(path).content.decode()
        assert "Continue with Google" in page
        assert 'action="/en/accounts/google/login/?process=login"' in page


def test_continuing_with_google_sends_the_browser_to_google_with_our_client_id(client, google_configured):
    response = client.post("/en/accounts/google/login/?process=login")

    assert response.status_code == 302
    assert response["Location"].startswith("https://accounts.google.com/o/oauth2/v2/auth?")
    assert "client_id=client-id.apps.googleusercontent.com" in response["Location"]
    assert "code_challenge=" in response["Location"]


def test_google_login_without_keys_is_not_found_rather_than_an_error(client, google_not_configured):
    response = client.post("/en/accounts/google/login/?process=login")

    assert response.status_code == 404


GOOGLE_APP_FROM_ENVIRONMENT = """
import importlib, json, os, sys
apps = []
for client_id, secret in json.loads(sys.argv[1]):
    os.environ.update(GOOGLE_OAUTH_CLIENT_ID=client_id, GOOGLE_OAUTH_CLIENT_SECRET=secret)
    module = importlib.reload(sys.modules["lagiftart.settings"]) if "lagiftart.settings" in sys.modules else (
        importlib.import_module("lagiftart.settings"))
    apps.append(module.SOCIALACCOUNT_PROVIDERS["google"].get("APP"))
print(json.dumps(apps))
"""


def google_apps_from_environment(*keys: tuple[str, str]) -> list[dict | None]:
    """The Google app the settings module builds for each (client id, secret) pair, read in a fresh interpreter."""
    environment = {**os.environ, "DJANGO_ENV": "test", "DJANGO_READ_DOT_ENV": "false"}
    output = subprocess.run(
        [sys.executable, "-c", GOOGLE_APP_FROM_ENVIRONMENT, json.dumps(keys)],
        env=environment,
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        check=True,
    )
    return json.loads(output.stdout)


def test_the_google_app_comes_from_the_environment_and_needs_both_keys():
    unset, id_only, both = google_apps_from_environment(("", ""), ("the-id", ""), ("the-id", "the-secret"))

    assert unset is None
    assert id_only is None
    assert both == {"client_id": "the-id", "secret": "the-secret"}


def test_account_pages_use_the_site_layout(client):
    page = client.get("/fr/accounts/login/").content.decode()

    assert '<html lang="fr"' in page
    assert 'class="site-footer"' in page
    assert 'name="csrfmiddlewaretoken"' in page
