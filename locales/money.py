"""Money: a `Decimal` amount with its ISO 4217 currency, rounded in one place and formatted in one place.

Minor units and formatting follow CLDR through Babel (JPY has no minor unit, USD two, KWD three), so
1234.5 EUR reads "1.234,50 €" in German and "1 234,50 €" in French, and 1234 JPY reads "￥1,234" in Japanese.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

import pycountry
from babel.numbers import format_currency, get_currency_precision
from django.utils.translation import get_language, to_locale

ROUNDING = ROUND_HALF_UP
"""The one rounding rule for money: half a minor unit rounds away from zero, as shoppers expect."""


class MoneyError(ValueError):
    """An amount or currency code that cannot be money."""


@lru_cache(maxsize=512)
def is_currency_code(code: str) -> bool:
    """True for an active ISO 4217 code such as "EUR" (upper case, three letters)."""
    if not (isinstance(code, str) and len(code) == 3 and code.isalpha() and code.isupper()):
        return False
    return pycountry.currencies.get(alpha_3=code) is not None


def minor_units(currency: str) -> int:
    """How many digits follow the decimal separator for the currency (CLDR): JPY 0, USD 2, KWD 3."""
    return get_currency_precision(currency)


def smallest_unit(currency: str) -> Decimal:
    """One minor unit of the currency as a Decimal: 0.01 for USD, 1 for JPY, 0.001 for KWD."""
    return Decimal(1).scaleb(-minor_units(currency))


def round_amount(amount: Decimal, currency: str) -> Decimal:
    """Round an amount to the currency's minor units with the one rounding rule."""
    return Decimal(amount).quantize(smallest_unit(currency), rounding=ROUNDING)


def fits_minor_units(amount: Decimal, currency: str) -> bool:
    """True when the amount needs no rounding in the currency: 12.5 fits USD, 12.5 does not fit JPY."""
    return Decimal(amount) == round_amount(amount, currency)


def parse_amount(text: str | None) -> Decimal | None:
    """Read a price a person typed ("12", "12.50", "12,50"); None when it is empty, not a number or negative."""
    if text is None:
        return None
    cleaned = str(text).strip().replace("\u00a0", "").replace(" ", "")
    if not cleaned:
        return None
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    if not value.is_finite() or value < 0 or value > Decimal("1e12"):
        return None
    return value


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in a currency. Arithmetic keeps full precision; `rounded()` applies the currency's minor units."""

    amount: Decimal
    currency: str

    def __post_init__(self):
        if not is_currency_code(self.currency):
            raise MoneyError(f"{self.currency!r} is not an ISO 4217 currency code.")
        if isinstance(self.amount, float):
            raise MoneyError("Money takes a Decimal, an int or a string, never a float.")
        try:
            amount = Decimal(self.amount)
        except (InvalidOperation, TypeError, ValueError) as error:
            raise MoneyError(f"{self.amount!r} is not an amount of money.") from error
        if not amount.is_finite():
            raise MoneyError(f"{self.amount!r} is not an amount of money.")
        object.__setattr__(self, "amount", amount)

    def rounded(self) -> Money:
        return Money(round_amount(self.amount, self.currency), self.currency)

    def convert(self, currency: str, rate: Decimal) -> Money:
        """This amount in another currency at `rate` (units of `currency` per one unit of ours), rounded."""
        if currency == self.currency:
            return self.rounded()
        return Money(round_amount(self.amount * Decimal(rate), currency), currency)

    def format(self, language: str | None = None) -> str:
        """The amount as a reader of `language` (default: the active language) expects to see it."""
        return format_money(self, language)

    def __str__(self) -> str:
        return self.format()


def babel_locale(language: str | None = None) -> str:
    """Babel's name for a Django language code: "pt-br" becomes "pt_BR"; the active language when none."""
    return to_locale(language or get_language() or "en")


def format_money(money: Money, language: str | None = None) -> str:
    """Format money by CLDR rules for the language, rounded to the currency's minor units first."""
    rounded = money.rounded()
    return format_currency(rounded.amount, rounded.currency, locale=babel_locale(language))


@dataclass(frozen=True, slots=True)
class Rate:
    """Units of `quote` for one unit of `base`, as published on `as_of`."""

    base: str
    quote: str
    rate: Decimal
    as_of: date


@dataclass(frozen=True, slots=True)
class Conversion:
    """A converted amount and the date of the oldest rate it used (shown beside the price)."""

    money: Money
    as_of: date


class RateTable:
    """The latest rate for each currency pair, answering conversions directly, inverted or through one pivot.

    Rates are usually published against one base (USD), so EUR → JPY goes EUR → USD → JPY; the conversion
    carries the older of the two rates' dates.
    """

    def __init__(self, rates: Iterable[Rate] = ()):
        self._rates: dict[tuple[str, str], tuple[Decimal, date]] = {}
        for rate in rates:
            if rate.rate <= 0 or rate.base == rate.quote:
                continue
            self._rates[(rate.base, rate.quote)] = (rate.rate, rate.as_of)
            self._rates.setdefault((rate.quote, rate.base), (1 / rate.rate, rate.as_of))

    def __bool__(self) -> bool:
        return bool(self._rates)

    def currencies(self) -> set[str]:
        """Every currency the table can convert from or to."""
        return {code for pair in self._rates for code in pair}

    def rate(self, base: str, quote: str) -> tuple[Decimal, date | None] | None:
        """Units of `quote` per unit of `base` and the rate date; None when no path links them."""
        if base == quote:
            return Decimal(1), None
        direct = self._rates.get((base, quote))
        if direct is not None:
            return direct
        for (first_base, pivot), (first_rate, first_date) in self._rates.items():
            if first_base != base:
                continue
            second = self._rates.get((pivot, quote))
            if second is not None:
                return first_rate * second[0], min(first_date, second[1])
        return None

    def convert(self, money: Money, currency: str) -> Conversion | None:
        """`money` in `currency`, rounded; None when the table has no way to convert between them."""
        found = self.rate(money.currency, currency)
        if found is None:
            return None
        rate, as_of = found
        return Conversion(money.convert(currency, rate), as_of)
