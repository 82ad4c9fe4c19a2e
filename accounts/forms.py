"""Forms for the account pages. They parse and explain; the services in accounts.services save."""

from babel.numbers import get_currency_name
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from accounts import address_formats
from accounts.models import Address, User
from locales.currency import DISPLAY_CURRENCIES
from locales.money import babel_locale

ADDRESS_FIELDS = (
    "recipient_name",
    "country",
    "street_address_1",
    "street_address_2",
    "city",
    "city_area",
    "country_area",
    "postal_code",
    "phone",
)


def _currency_choices() -> list[tuple[str, str]]:
    """The currencies prices can be shown in, named in the reader's language ("JPY — yen japonais")."""
    locale = babel_locale(get_language())
    return [("", _("Same as the page I am on"))] + [
        (code, f"{code} — {get_currency_name(code, locale=locale)}") for code in DISPLAY_CURRENCIES
    ]


def _language_choices() -> list[tuple[str, str]]:
    """Each language in its own name, so a reader finds theirs whatever the page's language."""
    return [(code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES]


class ProfileForm(forms.ModelForm):
    """Name, and the language and currency the person reads the site (and our emails) in."""

    preferred_currency = forms.ChoiceField(label=_("Preferred currency"), required=False)

    class Meta:
        model = User
        fields = ["full_name", "preferred_language", "preferred_currency"]
        help_texts = {
            "full_name": _("As you would like artists and recipients to see it."),
            "preferred_language": _("The site and our emails to you use this language."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preferred_language"].choices = _language_choices()
        self.fields["preferred_currency"].choices = _currency_choices()
        self.fields["preferred_currency"].help_text = _("Prices are shown in this currency when we can convert.")
        self.fields["full_name"].widget.attrs["autocomplete"] = "name"


class AddressForm(forms.ModelForm):
    """An address whose fields, labels and checks follow the chosen country.

    The country decides the form: a Japanese address has a prefecture and no city line, a British one a post
    town and no state. The form is built for the country it is given, else the one submitted, else the saved one.
    """

    make_default = forms.BooleanField(label=_("Use as my default address"), required=False)

    class Meta:
        model = Address
        fields = list(ADDRESS_FIELDS)
        help_texts = {"phone": _("Couriers call this number if they cannot deliver. Optional.")}

    def __init__(self, *args, country: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.country_code = self._chosen_country(country)
        self.rules = address_formats.rules_for(self.country_code)
        self._shape_for_country()
        autocomplete = {
            "recipient_name": "name",
            "country": "country",
            "street_address_1": "address-line1",
            "street_address_2": "address-line2",
            "city": "address-level2",
            "city_area": "address-level3",
            "country_area": "address-level1",
            "postal_code": "postal-code",
            "phone": "tel",
        }
        for name, token in autocomplete.items():
            if name in self.fields:
                self.fields[name].widget.attrs["autocomplete"] = token
        if "phone" in self.fields:
            self.fields["phone"].widget.input_type = "tel"
        if self.instance.pk and self.instance.is_default:
            self.fields["make_default"].initial = True
            self.fields["make_default"].disabled = True

    def _chosen_country(self, country: str | None) -> str:
        if country is None:
            if self.is_bound:
                country = self.data.get(self.add_prefix("country"), "")
            elif self.initial.get("country"):
                country = str(self.initial["country"])
            elif self.instance.pk:
                country = self.instance.country.code
        country = (country or "").upper()
        return country if country in countries else ""

    def _shape_for_country(self) -> None:
        rules = self.rules
        for part in address_formats.ADDRESS_PARTS:
            if part not in rules.used_parts:
                del self.fields[part]
                continue
            field = self.fields[part]
            field.label = rules.labels[part]
            field.required = part in rules.required_parts
        if "country_area" in self.fields and rules.country_area_choices:
            self.fields["country_area"] = forms.ChoiceField(
                label=rules.labels["country_area"],
                required="country_area" in rules.required_parts,
                choices=[("", "---------"), *rules.country_area_choices],
            )
        if "postal_code" in self.fields and rules.postal_code_examples:
            self.fields["postal_code"].help_text = _("For example %(example)s.") % {
                "example": rules.postal_code_examples[0]
            }
        if self.country_code:
            self.initial.setdefault("country", self.country_code)

    def clean(self):
        cleaned = super().clean()
        country = cleaned.get("country")
        if not country:
            return cleaned
        code = str(country)
        street = cleaned.get("street_address_1")
        if street is not None:
            try:
                parts = address_formats.clean_address(
                    country=code,
                    street_address_1=street,
                    street_address_2=cleaned.get("street_address_2", ""),
                    city=cleaned.get("city", ""),
                    city_area=cleaned.get("city_area", ""),
                    country_area=cleaned.get("country_area", ""),
                    postal_code=cleaned.get("postal_code", ""),
                )
            except ValidationError as error:
                self._add_address_errors(error)
            else:
                cleaned.update(parts)
        phone = cleaned.get("phone")
        if phone:
            try:
                cleaned["phone"] = address_formats.clean_phone(phone, code)
            except ValidationError as error:
                self.add_error("phone", error)
        return cleaned

    def _add_address_errors(self, error: ValidationError) -> None:
        for name, messages in error.message_dict.items():
            if name in self.errors:
                continue
            self.add_error(name if name in self.fields else None, messages)

    def address_details(self) -> dict:
        """The cleaned address as keyword arguments for the address services."""
        details = {name: self.cleaned_data.get(name) or "" for name in ADDRESS_FIELDS}
        details["country"] = str(self.cleaned_data["country"])
        details["make_default"] = bool(self.cleaned_data.get("make_default"))
        return details
