"""Reads about markets, exchange rates and shipping lanes, shaped for the pages that use them."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django.core.cache import cache
from django.db.models import OuterRef, Q, Subquery
from django.db.models.signals import m2m_changed, post_delete, post_save
from django_countries import countries

from locales.models import ExchangeRate, Locale, ShippingLane
from locales.money import Rate, RateTable

T = TypeVar("T")

STOREFRONT_CACHE_SECONDS = 60
"""How long a storefront read or rendered fragment may be reused. Saving a catalog row invalidates it in the process
that saved it at once; other gunicorn workers and instances (the cache is per process) catch up within this time."""

_VERSION_KEY = "storefront:version"
_MISSING = object()


def storefront_version() -> str:
    """The current version of everything the storefront caches; part of every storefront cache key."""
    version = cache.get(_VERSION_KEY)
    if version is None:
        version = str(time.time_ns())
        cache.add(_VERSION_KEY, version, None)
        version = cache.get(_VERSION_KEY, version)
    return version


def forget_storefront(**_signal_kwargs) -> None:
    """Retire every cached storefront read and fragment: the next request reads the database again.

    A signal receiver for each model the storefront shows (markets, rates, lanes here; artists and the catalog in
    gifts.selectors). Changing the version is enough: old entries are never read again and expire on their own.
    """
    cache.set(_VERSION_KEY, str(time.time_ns()), None)


def remembered(name: str, build: Callable[[], T]) -> T:
    """`build()`, reused for STOREFRONT_CACHE_SECONDS by every visitor: only for data that is the same for all."""
    key = f"storefront:{storefront_version()}:{name}"
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = build()
        cache.set(key, value, STOREFRONT_CACHE_SECONDS)
    return value


def forget_storefront_on_change(*models) -> None:
    """Connect `forget_storefront` to saving, deleting and re-linking rows of `models`."""
    for model in models:
        post_save.connect(forget_storefront, sender=model, dispatch_uid=f"storefront-save-{model._meta.label}")
        post_delete.connect(forget_storefront, sender=model, dispatch_uid=f"storefront-delete-{model._meta.label}")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                forget_storefront,
                sender=field.remote_field.through,
                dispatch_uid=f"storefront-m2m-{model._meta.label}-{field.name}",
            )


forget_storefront_on_change(Locale, ExchangeRate, ShippingLane)


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
    """Every conversion the storefront can make today (one query, then cached until a rate changes)."""
    return RateTable(remembered("rates", latest_exchange_rates))


def launched_markets() -> list[Locale]:
    """Markets open to buyers, in display order, for pickers, filters and the home page (cached)."""
    return remembered("launched-markets", lambda: list(Locale.objects.launched()))


def market_for_page(slug: str) -> Locale | None:
    """A launched market by slug, or None: markets being prepared have no public page (from the cached list)."""
    return next((market for market in launched_markets() if market.slug == slug), None)


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
