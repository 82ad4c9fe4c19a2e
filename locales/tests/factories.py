"""Factories for markets, rates and lanes: a launched US market in dollars unless a test says otherwise."""

from datetime import date
from decimal import Decimal

import factory

from locales.models import ExchangeRate, Locale, RegulationRegime, ShippingLane


class LocaleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Locale
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"market-{n}")
    name_en = factory.Sequence(lambda n: f"Market {n}")
    country = "US"
    subdivision = "US-TX"
    city = "Dallas"
    default_language = "en"
    currency = "USD"
    time_zone = "America/Chicago"
    regulation_regime = RegulationRegime.STRICTEST
    launched = True
    introduction_en = "A place with crafts worth sending."


class ExchangeRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExchangeRate

    base = "USD"
    quote = "EUR"
    rate = Decimal("0.9")
    as_of = date(2026, 11, 23)


class ShippingLaneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShippingLane

    origin = factory.SubFactory(LocaleFactory)
    destination_country = "FR"
    destination_locale = None
    price = Decimal("30.00")
    currency = factory.LazyAttribute(lambda lane: lane.origin.currency)
    min_days = 5
    max_days = 9
    active = True
