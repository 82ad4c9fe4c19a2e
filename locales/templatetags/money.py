"""Template helpers for money: `{{ price|money }}` formats by CLDR for the active language; `{% currency_picker %}`."""

from functools import lru_cache

from babel.numbers import get_currency_symbol
from django import template
from django.utils.translation import get_language

from locales.currency import DISPLAY_CURRENCIES, display_currency
from locales.money import Money, babel_locale, format_money

register = template.Library()


@register.filter
def money(value) -> str:
    """Format a `Money` for the active language ("1.234,50 €" in German); anything else renders as is."""
    if isinstance(value, Money):
        return format_money(value, get_language())
    return "" if value is None else str(value)


@register.inclusion_tag("locales/currency_picker.html", takes_context=True)
def currency_picker(context):
    """The display-currency form for the page header; it returns the buyer to the page they were on."""
    request = context.get("request")
    if request is None:
        return {"currencies": [], "current": None}
    return {
        "currencies": currency_labels(babel_locale()),
        "current": display_currency(request),
        "next": request.get_full_path(),
    }


@lru_cache(maxsize=32)
def currency_labels(locale: str) -> tuple[tuple[str, str], ...]:
    """(code, label) of every display currency in a Babel locale, worked out once per language and process.

    The label is "EUR €" where the language has a symbol of its own for the currency, the bare code otherwise.
    """
    labels = []
    for code in DISPLAY_CURRENCIES:
        symbol = get_currency_symbol(code, locale=locale)
        labels.append((code, code if symbol == code else f"{code} {symbol}"))
    return tuple(labels)
