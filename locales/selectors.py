"""Reads about markets, exchange rates and shipping lanes, shaped for the pages that use them."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import OuterRef, Q, Subquery
from django_countries import countries

from locales.models import ExchangeRate, Locale, ShippingLane
from locales.money import Rate, RateTable


def latest_exchange_rates() -> list[Rate]:
    """The most recent rate of every currency pair, in one query."""
    newest_date = (
        ExchangeRate.objects.filter(base=OuterRef("base"), quote=OuterRef("quote"))
        .order_by("-as_of")
        .values("as_of")[:1]
    )
    rows = (
        ExchangeRate.objects.filter(as_of=Subquery(newest_date))
        .order_by("base", "quote")
        .values_list("base", "quote", "rate", "as_of")
    )
    return [Rate(base, quote, rate, as_of) for base, quote, rate, as_of in rows]


def rate_table() -> RateTable:
    """Every conversion the storefront can make today (one query)."""
    return RateTable(latest_exchange_rates())


def launched_markets() -> list[Locale]:
    """Markets open to buyers, in display order, for pickers, filters and the home page."""
    return list(Locale.objects.launched())


def market_for_page(slug: str) -> Locale | None:
    """A launched market by slug, or None: markets being prepared have no public page."""
    return Locale.objects.launched().filter(slug=slug).first()


@dataclass(frozen=True)
class Destination:
    """Where a gift should go: a country, or one market inside it (Ohio rather than the whole United States)."""

    country: str
    locale: Locale | None = None

    @property
    def value(self) -> str:
        """The form value that names this destination again: the market's slug or the country code."""
        return self.locale.slug if self.locale else self.country

    @property
    def label(self) -> str:
        if self.locale:
            return str(self.locale)
        return str(countries.name(self.country))


def resolve_destination(value: str | None, markets: list[Locale]) -> Destination | None:
    """Read a destination from a form value: a launched market's slug or an ISO 3166-1 country code."""
    if not value:
        return None
    value = value.strip()
    for market in markets:
        if market.slug == value:
            return Destination(country=market.country.code, locale=market)
    code = value.upper()
    if len(code) == 2 and code.isalpha() and code in countries:
        return Destination(country=code)
    return None


def default_destination(markets: list[Locale], language: str | None) -> Destination | None:
    """Before the buyer chooses, assume the gift stays in the country their language points to (fr → France)."""
    from locales.currency import language_region

    return resolve_destination(language_region(language or "en"), markets)


def lanes_to(destination: Destination) -> Q:
    """Lanes that reach the destination: lanes to its country as a whole, and lanes to its market if it has one."""
    reaches = Q(destination_country=destination.country, destination_locale__isnull=True)
    if destination.locale is not None:
        reaches |= Q(destination_locale=destination.locale)
    return reaches


def shipping_lane(*, origin_id: int, destination: Destination) -> ShippingLane | None:
    """The lane a parcel from `origin_id` to `destination` takes, active or not; the market's own lane first."""
    candidates = list(ShippingLane.objects.filter(lanes_to(destination), origin_id=origin_id))
    candidates.sort(key=lambda lane: (not lane.active, lane.destination_locale_id is None))
    return candidates[0] if candidates else None
