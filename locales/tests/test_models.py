from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import translation

from locales.models import ExchangeRate, Locale, ShippingLane, add_business_days
from locales.tests.factories import ExchangeRateFactory, LocaleFactory, ShippingLaneFactory

pytestmark = pytest.mark.django_db


def full_clean_errors(instance) -> dict:
    with pytest.raises(ValidationError) as caught:
        instance.full_clean()
    return caught.value.message_dict


def test_a_valid_market_passes_validation():
    LocaleFactory.build(slug="north-texas", name_en="North Texas").full_clean()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("country", "XX"),
        ("subdivision", "US-ZZ"),
        ("currency", "usd"),
        ("currency", "ABC"),
        ("time_zone", "America/Dallas"),
        ("time_zone", "CST"),
        ("default_language", "xx"),
        ("regulation_regime", "hipaa"),
    ],
)
def test_market_codes_are_validated(field, value):
    market = LocaleFactory.build(slug="somewhere", **{field: value})
    assert field in full_clean_errors(market)


def test_a_subdivision_must_lie_in_the_market_country():
    market = LocaleFactory.build(slug="kyoto", country="JP", subdivision="US-TX", time_zone="Asia/Tokyo")
    assert "subdivision" in full_clean_errors(market)


def test_a_market_needs_an_english_name_and_names_the_subdivision():
    market = LocaleFactory.build(slug="ohio", name_en="", subdivision="US-OH")
    assert "name_en" in full_clean_errors(market)
    assert market.subdivision_name == "Ohio"


def test_a_missing_translation_falls_back_to_english_never_to_an_empty_string():
    market = LocaleFactory(slug="kyoto", name_en="Kyoto", name_ja="京都", introduction_en="The old capital.")
    with translation.override("ja"):
        assert market.name == "京都"
        assert market.introduction == "The old capital."
    with translation.override("fr"):
        assert str(market) == "Kyoto"


def test_only_launched_markets_are_open():
    open_market = LocaleFactory(launched=True)
    LocaleFactory(launched=False)
    assert list(Locale.objects.launched()) == [open_market]


def test_one_rate_per_pair_and_day():
    ExchangeRateFactory(base="USD", quote="EUR", as_of=date(2026, 11, 23))
    with pytest.raises(IntegrityError):
        ExchangeRateFactory(base="USD", quote="EUR", as_of=date(2026, 11, 23))


def test_a_rate_links_two_different_currencies_and_is_positive():
    rate = ExchangeRate(base="USD", quote="USD", rate=Decimal("1"), as_of=date(2026, 11, 23))
    with pytest.raises(ValidationError):
        rate.full_clean()
    with pytest.raises(IntegrityError):
        ExchangeRate.objects.create(base="USD", quote="EUR", rate=Decimal("-1"), as_of=date(2026, 11, 23))


def test_a_lane_checks_its_days_price_and_destination_market():
    origin = LocaleFactory(slug="kyoto", country="JP", subdivision="JP-26", currency="JPY", time_zone="Asia/Tokyo")
    ohio = LocaleFactory(slug="ohio", subdivision="US-OH")
    lane = ShippingLane(
        origin=origin,
        destination_country="FR",
        destination_locale=ohio,
        price=Decimal("900.5"),
        currency="JPY",
        min_days=9,
        max_days=5,
    )
    errors = full_clean_errors(lane)
    assert {"max_days", "destination_locale", "price"} <= set(errors)


def test_one_country_lane_per_origin_and_destination():
    lane = ShippingLaneFactory(destination_country="FR")
    with pytest.raises(IntegrityError):
        ShippingLaneFactory(origin=lane.origin, destination_country="FR")


def test_delivery_dates_count_business_days_only():
    friday = date(2026, 11, 27)
    assert add_business_days(friday, 1) == date(2026, 11, 30)
    assert add_business_days(friday, 5) == date(2026, 12, 4)
    lane = ShippingLaneFactory.build(min_days=2, max_days=6)
    assert lane.delivery_window(friday) == (date(2026, 12, 1), date(2026, 12, 7))
