"""Each storefront page costs a fixed number of queries, whether it shows one gift or fifty."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from artists.tests.factories import ArtistFactory
from gifts.tests.factories import CategoryFactory, GiftFactory, GiftImageFactory
from locales.tests.factories import ExchangeRateFactory, LocaleFactory, ShippingLaneFactory

pytestmark = pytest.mark.django_db


def build_catalog(size: int):
    """`size` gifts spread over three markets, five artists and two categories, two images each."""
    markets = [
        LocaleFactory(slug="north-texas"),
        LocaleFactory(slug="kyoto", country="JP", subdivision="JP-26", currency="JPY", time_zone="Asia/Tokyo"),
        LocaleFactory(slug="lyon", country="FR", subdivision="FR-ARA", currency="EUR", time_zone="Europe/Paris"),
    ]
    ExchangeRateFactory(base="USD", quote="EUR", rate=Decimal("0.9"), as_of=date(2026, 11, 23))
    ExchangeRateFactory(base="USD", quote="JPY", rate=Decimal("150"), as_of=date(2026, 11, 23))
    parent = CategoryFactory(slug="ceramics")
    categories = [CategoryFactory(slug="bowls", parent=parent), CategoryFactory(slug="textiles")]
    artists = [ArtistFactory(slug=f"artist-{n}", home_locale=markets[n % 3]) for n in range(5)]
    for market in markets:
        ShippingLaneFactory(
            origin=market, destination_country="FR", price=Decimal("900") if market.currency == "JPY" else Decimal("20")
        )
    first = None
    for number in range(size):
        artist = artists[0] if number == 0 else artists[number % len(artists)]
        gift = GiftFactory(
            slug=f"piece-{number}",
            artist=artist,
            category=categories[number % 2],
            title_en=f"Bowl number {number}",
            price=Decimal("9000") if artist.home_locale.currency == "JPY" else Decimal("60"),
            featured=number % 3 == 0,
        )
        GiftImageFactory(gift=gift, position=0)
        GiftImageFactory(gift=gift, position=1)
        first = first or gift
    return first


PAGES = [
    # Rates are read only when a price needs converting: an English visitor reads dollars, and the one-gift catalog
    # (and everything from North Texas) is in dollars, so those pages need no rates.
    # markets with artist counts, featured gifts, their cover images, countries lanes reach (+ rates at 50 gifts)
    ("/en/", {1: 4, 50: 5}),
    # markets, categories, artists, lane countries, count, page of gifts, cover images (+ rates at 50 gifts)
    ("/en/gifts/", {1: 7, 50: 8}),
    # rates, the same, plus on PostgreSQL the artists whose name or craft match the search
    ("/fr/gifts/?q=bowl&ships_to=FR&category=ceramics&min_price=1&max_price=500&sort=price_low", "8 + artists"),
    ("/ja/gifts/?origin=north-texas&sort=popular&page=1", 8),
    # gift, its images, markets, lanes to the destination, more by the artist, their cover images
    # (none to fetch when the artist has no other piece), lane countries
    ("/en/gifts/piece-0/?ships_to=FR", {1: 6, 50: 7}),
    # artist, count, page of gifts, cover images
    ("/en/artists/artist-0/", 4),
    # launched markets (the market comes from them), newest gifts, cover images, artists
    ("/en/markets/north-texas/", 4),
    # the same in French: every price is converted, so the rates too
    ("/fr/markets/north-texas/", 5),
]


@pytest.mark.parametrize("size", [1, 50])
@pytest.mark.parametrize(("url", "queries"), PAGES)
def test_page_cost_does_not_grow_with_the_catalog(client, django_assert_num_queries, size, url, queries):
    build_catalog(size)
    if isinstance(queries, dict):
        expected = queries[size]
    elif queries == "8 + artists":
        expected = 9 if connection.vendor == "postgresql" else 8
    else:
        expected = queries
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
    assert "Bowl number" in response.content.decode(), "the page shows gifts"


SECOND_VISIT = [
    # everything comes from the storefront cache: reference data and the rendered content
    ("/en/", 0),
    ("/en/gifts/", 0),
    ("/fr/gifts/?q=bowl&ships_to=FR&category=ceramics&min_price=1&max_price=500&sort=price_low", 0),
    ("/ja/gifts/?origin=north-texas&sort=popular&page=1", 0),
    ("/en/gifts/piece-0/?ships_to=FR", 0),
    # artist, count, page of gifts, cover images (rates come from the cache)
    ("/en/artists/artist-0/", 4),
    ("/en/markets/north-texas/", 0),
]


@pytest.mark.parametrize("size", [1, 50])
@pytest.mark.parametrize(("url", "queries"), SECOND_VISIT)
def test_a_second_visit_reads_almost_nothing_from_the_database(client, django_assert_num_queries, size, url, queries):
    build_catalog(size)
    first = client.get(url)
    with django_assert_num_queries(queries):
        second = client.get(url)
    assert second.status_code == 200
    assert second.content.decode().count("Bowl number") == first.content.decode().count("Bowl number") > 0
