"""The profile page: name, preferred language and preferred currency."""

import pytest
from django.core.exceptions import ValidationError

from accounts import services
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return UserFactory(email="giver@example.com", full_name="", preferred_language="en", preferred_currency="")


def test_the_profile_needs_a_logged_in_user(client):
    response = client.get("/en/account/")

    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/login/?next=/en/account/"


def test_saving_the_profile_comes_back_in_the_chosen_language(client, user):
    client.force_login(user)

    response = client.post(
        "/en/account/", {"full_name": "Ana Giver", "preferred_language": "fr", "preferred_currency": "EUR"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/fr/account/"
    user.refresh_from_db()
    assert (user.full_name, user.preferred_language, user.preferred_currency) == ("Ana Giver", "fr", "EUR")
    page = client.get(response["Location"]).content.decode()
    assert '<html lang="fr"' in page
    assert 'value="EUR" selected' in page


def test_the_profile_lists_languages_in_their_own_names_and_currencies_by_name(client, user):
    client.force_login(user)

    page = client.get("/en/account/").content.decode()

    assert "日本語" in page
    assert "français" in page
    assert "JPY — Japanese Yen" in page


@pytest.mark.parametrize("currency", ["XYZ", "eur", "EURO"])
def test_a_currency_that_is_not_offered_is_refused_and_nothing_changes(client, user, currency):
    client.force_login(user)

    response = client.post(
        "/en/account/", {"full_name": "Ana Giver", "preferred_language": "en", "preferred_currency": currency}
    )

    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    user.refresh_from_db()
    assert (user.full_name, user.preferred_currency) == ("", "")


def test_an_unknown_language_is_refused(client, user):
    client.force_login(user)

    response = client.post("/en/account/", {"full_name": "", "preferred_language": "xx", "preferred_currency": ""})

    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()


def test_the_profile_service_refuses_a_code_that_is_not_iso_4217(user):
    with pytest.raises(ValidationError):
        services.update_profile(user=user, full_name="Ana", preferred_language="en", preferred_currency="ABC")

    user.refresh_from_db()
    assert user.preferred_currency == ""


def test_the_profile_form_is_protected_against_cross_site_posts(user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.post("/en/account/", {"full_name": "Mallory", "preferred_language": "en"})

    assert response.status_code == 403
    user.refresh_from_db()
    assert user.full_name == ""


def test_the_site_header_links_a_logged_in_user_to_their_account(client, user):
    client.force_login(user)

    page = client.get("/de/accounts/password/reset/").content.decode()

    assert 'href="/de/account/"' in page
