"""Two-factor authentication with an authenticator app (TOTP) and recovery codes, open to every account."""

import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.contrib.auth import SESSION_KEY

from accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def accepted_codes(secret: str) -> list[str]:
    """The codes allauth accepts now (this 30-second window and, with `tolerant_clock`, its neighbours)."""
    return [format_hotp_value(hotp_value(secret, counter)) for counter in yield_hotp_counters_from_time()]


def current_code(secret: str) -> str:
    """The code an authenticator app shows now: the middle of the accepted windows."""
    codes = accepted_codes(secret)
    return codes[len(codes) // 2]


def wrong_code(secret: str) -> str:
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in accepted_codes(secret))


def log_in(client, email: str):
    return client.post("/en/accounts/login/", {"login": email, "password": PASSWORD})


@pytest.fixture
def tolerant_clock(settings):
    """Accept the codes of the neighbouring 30-second windows, so a test that crosses a boundary still passes."""
    settings.MFA_TOTP_TOLERANCE = 1


def enroll_totp(client) -> str:
    """Turn on the authenticator app through the pages, as a person would; returns its secret."""
    page = client.get("/en/accounts/2fa/totp/activate/")
    # Changing how the account is protected asks for the password again, even right after logging in.
    assert page["Location"] == "/en/accounts/reauthenticate/?next=%2Fen%2Faccounts%2F2fa%2Ftotp%2Factivate%2F"
    page = client.post(page["Location"], {"password": PASSWORD}, follow=True)
    assert page.status_code == 200
    secret = re.search(r'value="([A-Z2-7]{32})"', page.content.decode()).group(1)
    response = client.post("/en/accounts/2fa/totp/activate/", {"code": current_code(secret)})
    assert response.status_code == 302
    return secret


def test_a_user_enrolls_an_authenticator_app_and_the_next_login_asks_for_its_code(client, tolerant_clock):
    user = UserFactory(email="giver@example.com")
    log_in(client, user.email)
    secret = enroll_totp(client)
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    client.logout()

    response = log_in(client, user.email)

    assert response["Location"] == "/en/accounts/2fa/authenticate/"
    assert client.session.get(SESSION_KEY) is None
    wrong = client.post("/en/accounts/2fa/authenticate/", {"code": wrong_code(secret)})
    assert "Incorrect code." in wrong.content.decode()
    assert client.session.get(SESSION_KEY) is None

    client.post("/en/accounts/2fa/authenticate/", {"code": current_code(secret)})

    assert client.session.get(SESSION_KEY) == str(user.pk)


def test_enrolling_gives_recovery_codes_that_each_log_in_once(client, tolerant_clock):
    user = UserFactory(email="giver@example.com")
    log_in(client, user.email)
    enroll_totp(client)
    recovery = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    code = RecoveryCodes(recovery).get_unused_codes()[0]
    client.logout()

    log_in(client, user.email)
    client.post("/en/accounts/2fa/authenticate/", {"code": code})
    assert client.session.get(SESSION_KEY) == str(user.pk)

    client.logout()
    log_in(client, user.email)
    again = client.post("/en/accounts/2fa/authenticate/", {"code": code})
    assert "Incorrect code." in again.content.decode()
    assert client.session.get(SESSION_KEY) is None


def test_an_activation_code_that_does_not_match_is_refused(client):
    user = UserFactory(email="giver@example.com")
    log_in(client, user.email)
    client.post("/en/accounts/reauthenticate/", {"password": PASSWORD})

    response = client.post("/en/accounts/2fa/totp/activate/", {"code": "12345"})

    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()
    assert not Authenticator.objects.filter(user=user).exists()


def test_the_two_factor_page_sits_in_the_account_menu(client):
    user = UserFactory(email="giver@example.com")
    log_in(client, user.email)

    page = client.get("/en/accounts/2fa/").content.decode()

    assert 'class="account-nav"' in page
    assert 'href="/en/accounts/2fa/totp/activate/"' in page
