"""Whole storefront pages are shared between anonymous visitors (gifts.page_cache), and still each visitor's own:
their token in every form, the stock as the gift was read, and headers that say what the page depends on."""

import gzip
import re
import time

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory
from gifts.cart import SESSION_CART_KEY
from gifts.models import CartLine, Gift
from gifts.tests.test_query_counts import build_catalog

pytestmark = pytest.mark.django_db

PAGES = ["/en/", "/en/gifts/", "/en/gifts/?q=bowl", "/en/gifts/piece-0/", "/en/markets/north-texas/"]
GIFT = "/en/gifts/piece-0/"


@pytest.fixture
def catalog():
    return build_catalog(2)


def cart_form_token(page: str) -> str:
    form = re.search(r'<form method="post" action="[^"]*/cart/add/piece-0/" class="add-to-cart">.*?</form>', page)
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.group(0)).group(1)


def stock_line(page: str) -> str:
    return re.search(r'<p class="stock">(.*?)</p>', page, re.S).group(1).strip()


class Clock:
    """`time.time` as the cache and the shared pages see it, moved by hand."""

    def __init__(self, monkeypatch):
        self.now = time.time()
        monkeypatch.setattr(time, "time", lambda: self.now)


@pytest.mark.parametrize("url", PAGES)
def test_a_second_anonymous_visitor_gets_the_page_without_it_being_rendered_again(catalog, url):
    first = Client().get(url)
    second = Client().get(url)

    assert first.status_code == second.status_code == 200
    assert first.templates, "the first visitor's page is rendered"
    assert second.templates == [], "the second reads it from the cache"
    assert "Log in" in second.content.decode()


def test_a_member_never_reads_the_page_shared_between_anonymous_visitors(catalog):
    Client().get("/en/gifts/")
    member = Client()
    member.force_login(UserFactory())

    response = member.get("/en/gifts/")

    assert response.templates, "a member's page is rendered for them"
    assert "Your account" in response.content.decode()


def test_each_visitor_adds_to_their_own_cart_with_the_token_on_the_shared_gift_page(catalog):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first_token = cart_form_token(first.get(GIFT).content.decode())
    second_token = cart_form_token(second.get(GIFT).content.decode())
    assert first_token != second_token
    add = reverse("gifts:cart_add", args=["piece-0"])

    assert second.post(add, {"quantity": 1, "csrfmiddlewaretoken": first_token}).status_code == 403, (
        "one visitor's token is no good to another"
    )
    assert second.post(add, {"quantity": 1, "csrfmiddlewaretoken": second_token}).status_code == 302
    assert first.post(add, {"quantity": 2, "csrfmiddlewaretoken": first_token}).status_code == 302

    carts = [
        list(CartLine.objects.filter(cart_id=visitor.session[SESSION_CART_KEY]).values_list("quantity", flat=True))
        for visitor in (first, second)
    ]
    assert carts == [[2], [1]]


def test_a_sale_shows_on_the_shared_gift_page_as_soon_as_the_gift_is_read_again(catalog, monkeypatch):
    clock = Clock(monkeypatch)
    Client().get(GIFT + "?ships_to=FR")  # the gift is read now and kept for a minute
    clock.now += 30
    assert stock_line(Client().get(GIFT).content.decode()) == "3 available"  # this page is fresh for a minute

    Gift.objects.filter(slug="piece-0").update(stock=1)  # as checkout does: no signal, no cache change
    clock.now += 31  # the gift is read again; the page would still be fresh for 29 seconds

    assert stock_line(Client().get(GIFT).content.decode()) == "1 available"


def test_a_sold_out_gift_offers_no_add_to_cart_form_to_anyone(catalog):
    assert "add-to-cart" in Client().get(GIFT).content.decode()

    gift = Gift.objects.get(slug="piece-0")
    gift.stock = 0
    gift.save()
    page = Client().get(GIFT).content.decode()

    assert stock_line(page) == "Sold out for now"
    assert "add-to-cart" not in page


@pytest.mark.parametrize("url", PAGES)
def test_a_shared_page_tells_caches_it_depends_on_cookies_and_the_privacy_signal(catalog, url, settings):
    settings.COMPLIANCE_GEO_HEADER = "X-Client-Geo-Location"
    for visitor in (Client(), Client()):
        vary = {value.strip() for value in visitor.get(url)["Vary"].split(",")}
        assert {"Cookie", "Sec-GPC", "X-Client-Geo-Location"} <= vary


def test_the_regions_header_is_named_only_when_one_is_configured(catalog, settings):
    settings.COMPLIANCE_GEO_HEADER = ""
    vary = {value.strip() for value in Client().get("/en/gifts/")["Vary"].split(",")}
    assert {"Cookie", "Sec-GPC"} <= vary
    assert "" not in vary


def without_tokens(page: bytes) -> bytes:
    """The page with each response's own values (CSRF tokens, the CSP nonce) blanked out."""
    return re.sub(rb'(name="csrfmiddlewaretoken" value="|nonce=")[^"]*"', rb'\1"', page)


@pytest.mark.parametrize("url", PAGES)
def test_a_browser_that_takes_gzip_reads_the_shared_page_compressed(catalog, url):
    plain = Client().get(url)
    for visitor in (Client(), Client()):  # the page as stored, then as read from the cache
        compressed = visitor.get(url, headers={"Accept-Encoding": "gzip, deflate, br, zstd"})

        assert compressed.status_code == 200
        assert compressed["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in compressed["Vary"]
        assert int(compressed["Content-Length"]) == len(compressed.content) < len(plain.content) / 2
        assert without_tokens(gzip.decompress(compressed.content)) == without_tokens(plain.content)
    assert compressed.templates == []


def test_the_token_in_a_compressed_page_is_the_visitors_own(catalog):
    visitor = Client(enforce_csrf_checks=True)
    page = gzip.decompress(visitor.get(GIFT, headers={"Accept-Encoding": "gzip"}).content).decode()

    response = visitor.post(
        reverse("gifts:cart_add", args=["piece-0"]), {"quantity": 1, "csrfmiddlewaretoken": cart_form_token(page)}
    )

    assert response.status_code == 302
    assert CartLine.objects.get(cart_id=visitor.session[SESSION_CART_KEY]).quantity == 1


def test_a_member_gets_their_own_page_compressed_too(catalog):
    member = Client()
    member.force_login(UserFactory())

    response = member.get("/en/gifts/", headers={"Accept-Encoding": "gzip"})

    assert response["Content-Encoding"] == "gzip"
    assert "Your account" in gzip.decompress(response.content).decode()
