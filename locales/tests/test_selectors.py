from datetime import date
from decimal import Decimal

import pytest

from locales.money import Money
from locales.selectors import (
    Destination,
    latest_exchange_rates,
    rate_table,
    resolve_destination,
    shipping_lane,
)
from locales.tests.factories import ExchangeRateFactory, LocaleFactory, ShippingLaneFactory

pytestmark = pytest.mark.django_db


def test_the_latest_rate_of_every_pair_comes_in_one_query(django_assert_num_queries):
    ExchangeRateFactory(base="USD", quote="EUR", rate=Decimal("0.90"), as_of=date(2026, 11, 16))
    ExchangeRateFactory(base="USD", quote="EUR", rate=Decimal("0.92"), as_of=date(2026, 11, 23))
    ExchangeRateFactory(base="USD", quote="JPY", rate=Decimal("150"), as_of=date(2026, 11, 9))
    ExchangeRateFactory(base="USD", quote="JPY", rate=Decimal("152"), as_of=date(2026, 11, 20))
    with django_assert_num_queries(1):
        rates = latest_exchange_rates()
    assert [(rate.quote, rate.rate, rate.as_of) for rate in rates] == [
        ("EUR", Decimal("0.92"), date(2026, 11, 23)),
        ("JPY", Decimal("152"), date(2026, 11, 20)),
    ]


def test_conversions_use_the_latest_rate():
    ExchangeRateFactory(base="USD", quote="EUR", rate=Decimal("0.50"), as_of=date(2026, 1, 1))
    ExchangeRateFactory(base="USD", quote="EUR", rate=Decimal("0.90"), as_of=date(2026, 11, 23))
    conversion = rate_table().convert(Money(Decimal("100"), "USD"), "EUR")
    assert conversion.money == Money(Decimal("90.00"), "EUR")
    assert conversion.as_of == date(2026, 11, 23)


def test_a_destination_is_a_launched_market_or_a_country():
    ohio = LocaleFactory(slug="ohio", subdivision="US-OH")
    markets = [ohio]
    assert resolve_destination("ohio", markets) == Destination(country="US", locale=ohio)
    assert resolve_destination("fr", markets) == Destination(country="FR")
    assert resolve_destination("ZZ", markets) is None
    assert resolve_destination("not-a-market", markets) is None
    assert resolve_destination("", markets) is None
    assert resolve_destination("F1", markets) is None


def test_a_market_lane_wins_over_the_country_lane_for_that_market():
    dallas = LocaleFactory(slug="north-texas")
    ohio = LocaleFactory(slug="ohio", subdivision="US-OH")
    country_lane = ShippingLaneFactory(origin=dallas, destination_country="US")
    market_lane = ShippingLaneFactory(origin=dallas, destination_country="US", destination_locale=ohio)
    assert shipping_lane(origin_id=dallas.pk, destination=Destination("US", ohio)) == market_lane
    assert shipping_lane(origin_id=dallas.pk, destination=Destination("US")) == country_lane
    assert shipping_lane(origin_id=dallas.pk, destination=Destination("JP")) is None
