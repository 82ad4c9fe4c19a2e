"""The header, footer and consent banner of a storefront page are rendered once and shared (templates/base.html),
yet every visitor still reads their own: sign-in state, currency, page, host, banner, token, messages and nonce."""

import re

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory
from gifts.tests.test_query_counts import build_catalog
from locales.currency import CURRENCY_COOKIE
from locales.templatetags.shared_cache import csrf_placeholder

pytestmark = pytest.mark.django_db

GEO = "X-Client-Geo-Location"
CONSENT = reverse("compliance:consent")
PAGES = ["/en/", "/en/gifts/", "/en/gifts/?q=bowl", "/en/gifts/piece-0/", "/en/markets/north-texas/"]


@pytest.fixture
def catalog():
    return build_catalog(2)


def html(client, url, **headers) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    return response.content.decode()


def account_links(page: str) -> str:
    return re.search(r'<div class="account-links">(.*?)</div>', page, re.S).group(1)


def selected_currency(page: str) -> str:
    return re.search(r'<option value="([A-Z]{3})" selected>', page).group(1)


def switcher_links(page: str) -> dict[str, str]:
    switcher = re.search(r'<nav class="language-switcher".*?</nav>', page, re.S).group(0)
    return {
        code: href.replace("&amp;", "&") for href, code in re.findall(r'href="([^"]*)" hreflang="([^"]+)"', switcher)
    }


def banner(page: str) -> str | None:
    match = re.search(r'<section class="consent-banner".*?</section>', page, re.S)
    return match.group(0) if match else None


def form_token(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


@pytest.mark.parametrize("url", PAGES)
def test_a_header_shared_after_a_member_visit_shows_an_anonymous_visitor_the_log_in_link(catalog, url):
    member = Client()
    member.force_login(UserFactory())
    assert "Your account" in account_links(html(member, url))

    anonymous = account_links(html(Client(), url))

    assert "Log in" in anonymous
    assert "Your account" not in anonymous and "Log out" not in anonymous


def test_a_header_shared_after_an_anonymous_visit_greets_a_member_as_signed_in(catalog):
    html(Client(), "/en/gifts/")
    member = Client()
    member.force_login(UserFactory())

    links = account_links(html(member, "/en/gifts/"))

    assert "Your account" in links and "Log out" in links
    assert "Log in" not in links


def test_each_visitor_sees_their_own_currency_chosen_in_the_picker(catalog):
    pages = {}
    for currency in ("EUR", "JPY", None):
        visitor = Client()
        if currency:
            visitor.cookies[CURRENCY_COOKIE] = currency
        pages[currency] = html(visitor, "/en/gifts/")

    assert selected_currency(pages["EUR"]) == "EUR"
    assert selected_currency(pages["JPY"]) == "JPY"
    assert selected_currency(pages[None]) == "USD", "English reads dollars until the buyer chooses"
    assert "€54.00" in pages["EUR"] and "$60.00" in pages[None]


def test_the_language_switcher_keeps_each_page_and_its_query(catalog):
    first = switcher_links(html(Client(), "/en/gifts/?q=bowl&sort=price_low"))
    second = switcher_links(html(Client(), "/en/gifts/?q=number&page=2"))
    gift = switcher_links(html(Client(), "/fr/gifts/piece-0/?ships_to=FR"))

    assert first["fr"] == "/fr/gifts/?q=bowl&sort=price_low"
    assert first["ja"] == "/ja/gifts/?q=bowl&sort=price_low"
    assert second["fr"] == "/fr/gifts/?q=number&page=2"
    assert gift["en"] == "/en/gifts/piece-0/?ships_to=FR"
    assert gift["pt-br"] == "/pt-br/gifts/piece-0/?ships_to=FR"


def test_the_currency_picker_returns_each_visitor_to_their_own_page(catalog):
    first = html(Client(), "/en/gifts/?q=bowl")
    second = html(Client(), "/en/gifts/?q=number")

    assert 'name="next" value="/en/gifts/?q=bowl"' in first
    assert 'name="next" value="/en/gifts/?q=number"' in second


def test_every_visitor_gets_their_own_working_csrf_token_in_the_shared_banner(catalog):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first_token = form_token(banner(html(first, "/en/gifts/")))
    second_token = form_token(banner(html(second, "/en/gifts/")))
    assert first_token != second_token

    consent = {"choice": "reject_all", "next": "/en/gifts/"}
    assert second.post(CONSENT, {**consent, "csrfmiddlewaretoken": first_token}).status_code == 403, (
        "one visitor's token is no good to another"
    )
    assert second.post(CONSENT, {**consent, "csrfmiddlewaretoken": second_token}).status_code == 302
    assert first.post(CONSENT, {**consent, "csrfmiddlewaretoken": first_token}).status_code == 302


@pytest.mark.parametrize("url", PAGES)
def test_no_page_ever_shows_the_token_placeholder(catalog, url):
    placeholder = csrf_placeholder()[0]
    for visitor in (Client(), Client()):
        assert placeholder not in html(visitor, url)


def test_the_canonical_link_names_the_host_each_visitor_asked_for(catalog, settings):
    settings.ALLOWED_HOSTS = ["testserver", "www.lagiftart.test"]
    plain = html(Client(), "/en/gifts/")
    www = html(Client(), "/en/gifts/", Host="www.lagiftart.test")

    assert '<link rel="canonical" href="http://testserver/en/gifts/">' in plain
    assert '<link rel="canonical" href="http://www.lagiftart.test/en/gifts/">' in www
    assert 'hreflang="fr" href="http://www.lagiftart.test/fr/gifts/"' in www


def test_the_banner_follows_each_visitors_regime_and_privacy_signal(catalog, settings):
    settings.COMPLIANCE_GEO_HEADER = GEO
    in_eu = banner(html(Client(), "/en/gifts/", **{GEO: "FR,FRIDF"}))
    in_california = banner(html(Client(), "/en/gifts/", **{GEO: "US,USCA"}))
    with_gpc = banner(html(Client(), "/en/gifts/", **{GEO: "US,USCA", "Sec-GPC": "1"}))

    assert "We use only the cookies the site needs" in in_eu
    assert "We measure visits" in in_california
    assert "Global Privacy Control" not in in_california
    assert "Global Privacy Control" in with_gpc


def test_a_visitor_who_chose_sees_no_banner_on_a_page_shared_with_others(catalog):
    chooser = Client()
    html(chooser, "/en/gifts/")
    chooser.post(CONSENT, {"choice": "accept_all", "next": "/en/gifts/"})

    assert banner(html(Client(), "/en/gifts/")), "a new visitor is still asked"
    assert banner(html(chooser, "/en/gifts/")) is None


def test_a_message_is_shown_only_to_the_visitor_it_is_for(catalog):
    warned = Client()
    warned.get(reverse("locales:set_currency"), {"currency": "XYZ", "next": "/en/gifts/"})
    notice = "We cannot show prices in that currency yet"

    assert notice in html(warned, "/en/gifts/")
    assert notice not in html(Client(), "/en/gifts/")
    assert notice not in html(warned, "/en/gifts/"), "a message is shown once"


def test_the_web_vitals_script_carries_each_responses_own_nonce(catalog, settings):
    settings.COMPLIANCE_GEO_HEADER = GEO
    nonces = []
    for _ in range(2):
        response = Client().get("/en/gifts/", headers={GEO: "US,USCA"})
        nonce = re.search(r'<script src="[^"]*vitals[^"]*" nonce="([^"]+)"', response.content.decode()).group(1)
        assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


@pytest.mark.parametrize("url", PAGES)
def test_a_plain_visit_starts_no_session(catalog, url):
    visitor = Client()
    for _ in range(2):
        response = visitor.get(url)
        assert response.status_code == 200
        assert "sessionid" not in response.cookies
    assert not Session.objects.exists()
