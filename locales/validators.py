"""Validators for the codes a market is made of: ISO 4217 currencies, ISO 3166-2 subdivisions, IANA time zones."""

import zoneinfo
from functools import cache

import pycountry
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from locales.money import is_currency_code


@cache
def time_zone_names() -> frozenset[str]:
    """Every IANA time zone name the system's tz database knows."""
    return frozenset(zoneinfo.available_timezones())


def validate_currency_code(value: str) -> None:
    if not is_currency_code(value):
        raise ValidationError(
            _("%(value)s is not an ISO 4217 currency code (three capital letters, such as EUR)."),
            code="invalid_currency",
            params={"value": value},
        )


def validate_time_zone(value: str) -> None:
    if value not in time_zone_names():
        raise ValidationError(
            _("%(value)s is not an IANA time zone (such as America/Chicago)."),
            code="invalid_time_zone",
            params={"value": value},
        )


def validate_subdivision(value: str) -> None:
    """An ISO 3166-2 code such as US-TX or JP-26; whether it lies in the right country is the model's check."""
    if value and pycountry.subdivisions.get(code=value) is None:
        raise ValidationError(
            _("%(value)s is not an ISO 3166-2 subdivision code (such as US-TX)."),
            code="invalid_subdivision",
            params={"value": value},
        )


def subdivision_name(code: str) -> str:
    """The subdivision's ISO name ("Texas" for US-TX), or an empty string for no or an unknown code."""
    subdivision = pycountry.subdivisions.get(code=code) if code else None
    return subdivision.name if subdivision else ""
