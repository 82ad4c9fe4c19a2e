"""The buyer's display currency: remembered in a cookie, else the profile's choice, else the language's region.

Prices are charged in the currency an order states; the display currency only changes what the buyer reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from babel import Locale as BabelLocale
from babel.core import UnknownLocaleError, get_global
from babel.numbers import get_territory_currencies
from django.utils.translation import get_language, to_locale

from locales.money import Money, RateTable

DISPLAY_CURRENCIES = ("USD", "EUR", "GBP", "JPY", "MXN", "BRL", "CAD")
"""Currencies a buyer can read prices in: those of the launch markets and the main travel currencies."""

CURRENCY_COOKIE = "lagiftart_currency"
CURRENCY_COOKIE_MAX_AGE = 365 * 24 * 60 * 60
FALLBACK_CURRENCY = "USD"


@lru_cache(maxsize=64)
def language_region(language: str) -> str | None:
    """The region a language code implies by CLDR's likely subtags: fr → FR, ja → JP, pt-br → BR, en → US.

    Kept per process: every storefront request asks (the default display currency) and the answer never changes.
    """
    try:
        locale = BabelLocale.parse(to_locale(language))
    except (UnknownLocaleError, ValueError):
        return None
    if locale.territory:
        return locale.territory
    likely = get_global("likely_subtags").get(locale.language, "")
    return likely.rsplit("_", 1)[-1] if "_" in likely else None


def default_currency_for_language(language: str | None = None) -> str:
    """The display currency a reader of `language` most likely expects (EUR for fr and de, JPY for ja)."""
    return _region_currency(language_region(language or get_language() or "en"))


@lru_cache(maxsize=64)
def _region_currency(region: str | None) -> str:
    if region:
        for code in get_territory_currencies(region):
            if code in DISPLAY_CURRENCIES:
                return code
    return FALLBACK_CURRENCY


def display_currency(request) -> str:
    """The currency this request shows prices in; memoized on the request."""
    cached = getattr(request, "_display_currency", None)
    if cached:
        return cached
    chosen = request.COOKIES.get(CURRENCY_COOKIE, "")
    if chosen not in DISPLAY_CURRENCIES:
        chosen = ""
        user = getattr(request, "user", None)
        preferred = getattr(user, "preferred_currency", "") if user is not None and user.is_authenticated else ""
        if preferred in DISPLAY_CURRENCIES:
            chosen = preferred
    chosen = chosen or default_currency_for_language(getattr(request, "LANGUAGE_CODE", None))
    request._display_currency = chosen
    return chosen


@dataclass(frozen=True)
class DisplayPrice:
    """A price as the buyer reads it: in their currency when a rate exists, beside the artist's own price."""

    original: Money
    converted: Money | None = None
    rate_date: date | None = None

    @property
    def shown(self) -> Money:
        return self.converted or self.original.rounded()

    @property
    def is_converted(self) -> bool:
        return self.converted is not None


def display_price(money: Money, currency: str, rates: RateTable) -> DisplayPrice:
    """`money` for a buyer reading `currency`; the original alone when no rate links the two currencies."""
    if money.currency == currency:
        return DisplayPrice(original=money.rounded())
    conversion = rates.convert(money, currency)
    if conversion is None:
        return DisplayPrice(original=money.rounded())
    return DisplayPrice(original=money.rounded(), converted=conversion.money, rate_date=conversion.as_of)
