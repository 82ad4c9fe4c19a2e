"""The address book: per-country fields and postal codes, phone numbers, the default address, and privacy."""

import pytest
from django.test import Client

from accounts.models import Address
from accounts.tests.factories import AddressFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW = "/en/account/addresses/new/"

VALID_ADDRESSES = {
    "US": {
        "street_address_1": "1600 Amphitheatre Pkwy",
        "city": "Mountain View",
        "country_area": "CA",
        "postal_code": "94043",
    },
    "CA": {
        "street_address_1": "1 Rue Sherbrooke O",
        "city": "Montréal",
        "country_area": "QC",
        "postal_code": "h3z 2y7",
    },
    "GB": {"street_address_1": "10 Downing Street", "city": "London", "postal_code": "sw1a 2aa"},
    "DE": {"street_address_1": "Unter den Linden 1", "city": "Berlin", "postal_code": "10117"},
    "FR": {"street_address_1": "12 rue de la République", "city": "Lyon", "postal_code": "69002"},
    "JP": {"street_address_1": "世田谷区若林1-2-3", "country_area": "東京都", "postal_code": "154-0023"},
    "BR": {
        "street_address_1": "Av. Paulista, 1000",
        "city": "São Paulo",
        "city_area": "Bela Vista",
        "country_area": "SP",
        "postal_code": "01310-100",
    },
    "MX": {
        "street_address_1": "Calle Orizaba 101",
        "city": "Ciudad de México",
        "city_area": "Roma Norte",
        "country_area": "CDMX",
        "postal_code": "06700",
    },
}
STORED_POSTAL_CODES = {
    "US": "94043",
    "CA": "H3Z 2Y7",
    "GB": "SW1A 2AA",
    "DE": "10117",
    "FR": "69002",
    "JP": "154-0023",
    "BR": "01310-100",
    "MX": "06700",
}
BAD_POSTAL_CODES = {
    "US": "9404",
    "CA": "H3Z 2Y",
    "GB": "12345",
    "DE": "1011",
    "FR": "690",
    "JP": "1540",
    "BR": "01310",
    "MX": "6700",
}


def address_data(country: str, **changes) -> dict:
    return {"recipient_name": "Claire Martin", "country": country, **VALID_ADDRESSES[country], **changes}


@pytest.fixture
def user():
    return UserFactory(email="giver@example.com")


@pytest.fixture
def logged_in(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize("country", sorted(VALID_ADDRESSES))
def test_a_valid_address_is_saved_in_its_countrys_canonical_form(logged_in, user, country):
    response = logged_in.post(NEW, address_data(country))

    assert response.status_code == 302
    assert response["Location"] == "/en/account/addresses/"
    address = Address.objects.get(user=user)
    assert address.country.code == country
    assert address.postal_code == STORED_POSTAL_CODES[country]
    assert address.is_default, "the first address becomes the default"


@pytest.mark.parametrize("country", sorted(BAD_POSTAL_CODES))
def test_a_postal_code_in_the_wrong_format_is_refused_with_an_example(logged_in, country):
    response = logged_in.post(NEW, address_data(country, postal_code=BAD_POSTAL_CODES[country]))

    assert response.status_code == 200
    assert (
        response.context["form"]
        .errors["postal_code"][0]
        .startswith("Enter a postal code in this country's format, for example ")
    )
    assert not Address.objects.exists()


def test_a_zip_code_from_another_state_is_refused(logged_in):
    response = logged_in.post(NEW, address_data("US", postal_code="10001"))

    assert response.context["form"].errors["postal_code"] == [
        "This postal code belongs to another region than the one chosen."
    ]
    assert not Address.objects.exists()


def test_a_state_is_stored_as_the_countrys_own_code_and_an_unknown_one_is_refused(logged_in, user):
    logged_in.post(NEW, address_data("US", country_area="CA"))
    assert Address.objects.get(user=user).country_area == "CA"

    response = logged_in.post(NEW, address_data("US", country_area="Atlantis"))
    assert "country_area" in response.context["form"].errors


def test_required_parts_depend_on_the_country(logged_in):
    us = logged_in.post(NEW, address_data("US", country_area="", city=""))
    assert set(us.context["form"].errors) == {"country_area", "city"}

    gb = logged_in.post(NEW, address_data("GB", postal_code=""))
    assert set(gb.context["form"].errors) == {"postal_code"}


def test_the_form_shows_each_countrys_own_fields(logged_in):
    japan = logged_in.get(NEW + "?country=JP").context["form"]
    britain = logged_in.get(NEW + "?country=GB").context["form"]
    brazil = logged_in.get(NEW + "?country=BR").context["form"]

    assert "city" not in japan.fields
    assert japan.fields["country_area"].label == "Prefecture"
    assert ("東京都", "Tokyo / 東京都") in japan.fields["country_area"].choices
    assert "country_area" not in britain.fields
    assert britain.fields["city"].label == "Town or city"
    assert brazil.fields["city_area"].label == "Neighborhood"
    assert brazil.fields["postal_code"].help_text == "For example 40301-110."


def test_changing_the_country_redraws_the_form_without_saving(logged_in):
    response = logged_in.post(NEW, {**address_data("FR"), "country": "JP", "change_country": "1"})

    assert response.status_code == 200
    form = response.context["form"]
    assert not form.is_bound
    assert form.fields["country_area"].label == "Prefecture"
    assert "Claire Martin" in response.content.decode()
    assert not Address.objects.exists()


def test_a_phone_number_is_stored_in_international_form(logged_in, user):
    logged_in.post(NEW, address_data("US", phone="(650) 253-0000"))

    address = Address.objects.get(user=user)
    assert address.phone == "+16502530000"
    assert address.phone_display == "+1 650-253-0000"


@pytest.mark.parametrize("phone", ["12345", "+33 1", "not a number"])
def test_a_phone_number_that_cannot_exist_is_refused(logged_in, phone):
    response = logged_in.post(NEW, address_data("FR", phone=phone))

    assert response.context["form"].errors["phone"] == [
        "Enter a valid phone number for this country, or start with + and the country code."
    ]
    assert not Address.objects.exists()


def test_the_address_book_lists_addresses_the_way_each_post_writes_them(logged_in, user):
    AddressFactory(user=user)
    AddressFactory(
        user=user,
        recipient_name="Sam Rivera",
        country="US",
        street_address_1="1600 Amphitheatre Pkwy",
        city="Mountain View",
        country_area="CA",
        postal_code="94043",
    )

    page = logged_in.get("/en/account/addresses/").content.decode()

    # The posts' own conventions, capitals included (USPS and La Poste want the town in capitals).
    assert "MOUNTAIN VIEW, CA 94043" in page
    assert "69002 LYON" in page


def test_editing_an_address_and_making_another_the_default(logged_in, user):
    first = AddressFactory(user=user, is_default=True)
    second = AddressFactory(user=user, recipient_name="Hugo Bernard")

    logged_in.post(f"/en/account/addresses/{second.pk}/edit/", address_data("DE", recipient_name="Hugo Bernard"))
    second.refresh_from_db()
    assert (second.country.code, second.city) == ("DE", "Berlin")

    logged_in.post(f"/en/account/addresses/{second.pk}/default/")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.is_default, second.is_default) == (False, True)


def test_deleting_the_default_address_passes_the_default_to_another(logged_in, user):
    default = AddressFactory(user=user, is_default=True)
    other = AddressFactory(user=user, recipient_name="Hugo Bernard")

    confirm = logged_in.get(f"/en/account/addresses/{default.pk}/delete/")
    assert confirm.status_code == 200
    response = logged_in.post(f"/en/account/addresses/{default.pk}/delete/")

    assert response.status_code == 302
    assert not Address.objects.filter(pk=default.pk).exists()
    other.refresh_from_db()
    assert other.is_default


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/en/account/addresses/{pk}/edit/"),
        ("post", "/en/account/addresses/{pk}/edit/"),
        ("get", "/en/account/addresses/{pk}/delete/"),
        ("post", "/en/account/addresses/{pk}/delete/"),
        ("post", "/en/account/addresses/{pk}/default/"),
    ],
)
def test_nobody_can_see_or_change_another_persons_address(logged_in, method, path):
    someone_else = AddressFactory(user=UserFactory(email="other@example.com"), is_default=True)

    response = getattr(logged_in, method)(path.format(pk=someone_else.pk), address_data("FR"))

    assert response.status_code == 404
    someone_else.refresh_from_db()
    assert (someone_else.recipient_name, someone_else.is_default) == ("Claire Martin", True)


def test_the_address_book_shows_only_the_users_own_addresses(logged_in, user):
    AddressFactory(user=user, recipient_name="Mine")
    AddressFactory(user=UserFactory(email="other@example.com"), recipient_name="Theirs")

    page = logged_in.get("/en/account/addresses/").content.decode()

    assert "Mine" in page
    assert "Theirs" not in page


def test_the_address_book_needs_a_logged_in_user(client):
    response = client.get("/en/account/addresses/")

    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/")


def test_address_forms_refuse_cross_site_posts(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.post(NEW, address_data("FR"))

    assert response.status_code == 403
    assert not Address.objects.exists()


def test_making_an_address_the_default_only_accepts_post(logged_in, user):
    address = AddressFactory(user=user)

    assert logged_in.get(f"/en/account/addresses/{address.pk}/default/").status_code == 405
