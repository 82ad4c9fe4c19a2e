"""The storefront reuses reference data and rendered pages; a change shows at once and nothing personal is shared."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from gifts.tests.factories import CategoryFactory
from gifts.tests.test_query_counts import build_catalog
from locales.currency import CURRENCY_COOKIE
from locales.models import ExchangeRate, ShippingLane
from locales.money import Money
from locales.selectors import launched_markets, rate_table
from locales.tests.factories import ExchangeRateFactory, LocaleFactory

pytestmark = pytest.mark.django_db


def page(client, url, currency=None):
    if currency:
        client.cookies[CURRENCY_COOKIE] = currency
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_new_exchange_rate_changes_prices_on_the_next_page_view(client):
    build_catalog(1)
    assert "€54.00" in page(client, "/en/gifts/", currency="EUR"), "60 USD at 0.9"

    ExchangeRateFactory(base="USD", quote="EUR", rate=Decimal("0.5"), as_of=date(2026, 11, 24))

    for url in ("/en/gifts/", "/en/gifts/piece-0/", "/en/markets/north-texas/", "/en/"):
        content = page(client, url)
        assert "€30.00" in content, url
        assert "€54.00" not in content, url


def test_a_corrected_rate_replaces_the_cached_table(client):
    build_catalog(1)
    assert rate_table().convert(Money(Decimal("60"), "USD"), "EUR").money.amount == Decimal("54.00")

    ExchangeRate.objects.get(quote="EUR").delete()

    assert rate_table().convert(Money(Decimal("60"), "USD"), "EUR") is None
    assert "€54.00" not in page(client, "/en/gifts/", currency="EUR")


def test_launching_a_market_opens_it_everywhere_at_once(client):
    build_catalog(1)
    marseille = LocaleFactory(slug="marseille", name_en="Marseille", country="FR", subdivision="", launched=False)
    assert "Marseille" not in page(client, "/en/")
    assert client.get("/en/markets/marseille/").status_code == 404

    marseille.launched = True
    marseille.save()

    assert marseille in launched_markets()
    assert "Marseille" in page(client, "/en/")
    assert "Marseille" in page(client, "/en/gifts/"), "the origin filter lists it"
    assert "Marseille" in page(client, "/en/markets/marseille/")


def test_unpublishing_a_gift_takes_it_off_cached_pages(client):
    first = build_catalog(2)
    for url in ("/en/", "/en/gifts/", "/en/markets/north-texas/"):
        assert "Bowl number 0" in page(client, url), url

    first.published = False
    first.save()

    for url in ("/en/", "/en/gifts/", "/en/markets/north-texas/"):
        assert "Bowl number 0" not in page(client, url), url
    assert client.get("/en/gifts/piece-0/").status_code == 404


def test_a_renamed_category_shows_in_the_browse_filter(client):
    build_catalog(1)
    textiles = CategoryFactory(slug="textiles")
    assert "Woven cloth" not in page(client, "/en/gifts/")

    textiles.name_en = "Woven cloth"
    textiles.save()

    assert "Woven cloth" in page(client, "/en/gifts/")


def test_restricting_a_category_on_a_lane_changes_what_ships_there(client):
    build_catalog(1)
    bowls = CategoryFactory(slug="bowls")
    assert "Bowl number 0" in page(client, "/en/gifts/?ships_to=FR")

    for lane in bowls.gifts.first().artist.home_locale.lanes_out.all():
        bowls.restricted_lanes.add(lane)

    assert "Bowl number 0" not in page(client, "/en/gifts/?ships_to=FR")


def test_each_language_and_currency_reads_its_own_page(client):
    build_catalog(1)
    assert "€54.00" in page(client, "/en/gifts/", currency="EUR")
    assert "$60.00" in page(client, "/en/gifts/", currency="USD")
    french = page(client, "/fr/gifts/", currency="EUR")
    assert "54,00" in french
    assert 'lang="fr"' in french


def test_filters_and_pages_are_not_mixed_up(client):
    build_catalog(30)
    first_page = page(client, "/en/gifts/")
    second_page = page(client, "/en/gifts/?page=2")
    assert "Page 1 of 2" in first_page
    assert "Page 2 of 2" in second_page
    assert "Bowl number 29" in first_page and "Bowl number 29" not in second_page
    searched = page(client, "/en/gifts/?q=number+29")
    assert "Bowl number 29" in searched
    assert "Bowl number 28" not in searched and "Page 2 of 2" not in searched


def test_a_cached_page_still_greets_each_visitor_as_themselves(client):
    build_catalog(1)
    assert "Log in" in page(client, "/en/gifts/")

    member = UserFactory()
    client.force_login(member)
    signed_in = page(client, "/en/gifts/")
    assert "Your account" in signed_in
    assert "Log in" not in signed_in


def test_a_cached_page_gives_each_visitor_a_consent_form_that_works_for_them():
    from django.test import Client

    build_catalog(1)
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    page(first, "/en/gifts/")
    content = page(second, "/en/gifts/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', content).group(1)

    response = second.post(
        reverse("compliance:consent"), {"csrfmiddlewaretoken": token, "choice": "reject_all", "next": "/en/gifts/"}
    )

    assert response.status_code == 302
    assert "consent-banner" not in page(second, "/en/gifts/"), "the choice is remembered for this visitor"
    assert "consent-banner" in page(first, "/en/gifts/"), "and only for them"


def test_an_unknown_page_number_still_answers_with_the_nearest_page(client):
    build_catalog(1)
    assert "Bowl number 0" in page(client, "/en/gifts/?page=99")
    assert "Bowl number 0" in page(client, "/en/gifts/?page=abc")


def test_the_shipping_answer_follows_a_lane_change(client):
    build_catalog(1)
    assert "Ships to France" in page(client, "/en/gifts/piece-0/?ships_to=FR")

    lane = ShippingLane.objects.get(origin__slug="north-texas", destination_country="FR")
    lane.active = False
    lane.save()

    assert "Does not ship to France" in page(client, "/en/gifts/piece-0/?ships_to=FR")
