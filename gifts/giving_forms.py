"""Forms for sending a gift: the cart's quantities and the checkout. They parse and explain; services decide."""

from __future__ import annotations

import re
import secrets
from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from accounts.forms import AddressForm
from gifts.cart import MAX_QUANTITY
from gifts.checkout import Recipient, destination_for_address
from gifts.models import MESSAGE_MAX_LENGTH
from gifts.payments import (
    TEST_CARD_DECLINED,
    TEST_CARD_PAID,
    TEST_CARD_REQUIRES_ACTION,
    is_test_mode,
)
from locales.selectors import Destination


class AddToCartForm(forms.Form):
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=MAX_QUANTITY, initial=1)


class CartLineForm(forms.Form):
    """A new quantity for a cart line; zero takes the piece out."""

    quantity = forms.IntegerField(label=_("Quantity"), min_value=0, max_value=MAX_QUANTITY)


class RecipientAddressForm(AddressForm):
    """The recipient's address, shaped for the destination country by the address book's own rules.

    The country is the destination's and cannot be changed here: it decides the lanes, prices and duties.
    """

    class Meta(AddressForm.Meta):
        help_texts = {"phone": _("The courier calls this number if they cannot deliver. Optional.")}

    def __init__(self, *args, destination: Destination, markets, **kwargs):
        super().__init__(*args, country=destination.country, prefix="recipient", **kwargs)
        del self.fields["make_default"]
        self.destination = destination
        self.markets = markets
        self.fields["country"].disabled = True
        self.fields["recipient_name"].label = _("Recipient's name")
        self.initial["country"] = destination.country

    def clean(self):
        cleaned = super().clean()
        if self.errors or self.destination.locale is None:
            return cleaned
        found = destination_for_address(
            country=self.destination.country,
            country_area=cleaned.get("country_area", ""),
            city=cleaned.get("city", ""),
            markets=self.markets,
        )
        if found.locale != self.destination.locale:
            raise forms.ValidationError(
                _("This address is not in %(market)s. Choose %(country)s as the destination instead."),
                params={"market": self.destination.locale, "country": Destination(self.destination.country).label},
            )
        return cleaned

    def recipient(self, language: str) -> Recipient:
        data = self.cleaned_data
        return Recipient(
            name=data["recipient_name"],
            country=self.destination.country,
            street_address_1=data["street_address_1"],
            street_address_2=data.get("street_address_2") or "",
            city=data.get("city") or "",
            city_area=data.get("city_area") or "",
            country_area=data.get("country_area") or "",
            postal_code=data.get("postal_code") or "",
            phone=data.get("phone") or "",
            language=language,
        )


PAYMENT_METHOD_ID = re.compile(r"pm_[A-Za-z0-9_]{1,96}")
"""A Stripe PaymentMethod id, the only payment detail our server accepts when Stripe takes the payments."""


def _test_card_help() -> str:
    return _("Test mode. Pays: %(paid)s. Declined: %(declined)s. Bank asks to confirm: %(action)s.") % {
        "paid": TEST_CARD_PAID,
        "declined": TEST_CARD_DECLINED,
        "action": TEST_CARD_REQUIRES_ACTION,
    }


class CheckoutForm(forms.Form):
    """The gift itself: message, whether the recipient learns who sent it, their language, and payment."""

    message = forms.CharField(
        label=_("Gift message"),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Printed on a card in the parcel and shown on the recipient's page. Up to %(count)s characters.")
        % {"count": MESSAGE_MAX_LENGTH},
    )
    reveal_giver = forms.BooleanField(label=_("Tell the recipient the gift is from me"), required=False, initial=True)
    giver_name = forms.CharField(
        label=_("Sign it as"), required=False, max_length=150, help_text=_("Your name as the recipient knows it.")
    )
    recipient_language = forms.ChoiceField(label=_("The recipient reads"))
    payment_token = forms.CharField(label=_("Card"), max_length=100)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    expected_total = forms.DecimalField(widget=forms.HiddenInput, max_digits=14, decimal_places=3, min_value=0)

    def __init__(self, *args, languages: list[str], expected_total: Decimal | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient_language"].choices = [
            (code, get_language_info(code)["name_local"]) for code in languages if code in dict(settings.LANGUAGES)
        ]
        self.initial.setdefault("recipient_language", languages[0] if languages else settings.LANGUAGE_CODE)
        self.initial.setdefault("idempotency_key", secrets.token_urlsafe(24))
        if expected_total is not None:
            self.initial["expected_total"] = expected_total
        token = self.fields["payment_token"]
        if is_test_mode():
            token.widget.attrs.update({"autocomplete": "off", "inputmode": "numeric"})
            token.label = _("Card number (test)")
            token.help_text = _test_card_help()
        else:
            # The card field is Stripe's own (Stripe.js): this hidden field carries only the PaymentMethod id.
            token.widget = forms.HiddenInput()
            token.label = _("Card")
            token.error_messages["required"] = _("Enter your card details in the card field.")

    def clean_payment_token(self) -> str:
        token = self.cleaned_data["payment_token"].strip()
        if not is_test_mode() and not PAYMENT_METHOD_ID.fullmatch(token):
            # Whatever else arrived here (a card number typed into a tampered page, say) is refused unread.
            raise forms.ValidationError(_("Enter your card details in the card field."))
        return token

    def renew(self, expected_total: Decimal) -> None:
        """Before showing the form again after a failed submit: a new checkout key (a declined card must not
        replay the first attempt at the provider) and the total the page now shows."""
        if self.is_bound:
            self.data = self.data.copy()
            self.data["idempotency_key"] = secrets.token_urlsafe(24)
            self.data["expected_total"] = str(expected_total)

    def clean(self):
        cleaned = super().clean()
        if "idempotency_key" in self.errors or "expected_total" in self.errors:
            # Hidden fields a person cannot fix: the page they submitted is not the one we rendered.
            self.add_error(None, _("This checkout form has expired; please check the details and submit again."))
        if cleaned.get("reveal_giver") and not (cleaned.get("giver_name") or "").strip():
            self.add_error("giver_name", _("Tell us how to sign the gift, or untick “Tell the recipient”."))
        return cleaned
