"""Taking the giver's payment through a provider; card data stays with the provider, never in our database.

`payment_provider()` picks Stripe when `STRIPE_SECRET_KEY` is set, else the built-in `TestPaymentProvider` where
`PAYMENTS_TEST_PROVIDER` allows it. Test cards (any future expiry, any CVC):

| card                | outcome                                      |
|---------------------|----------------------------------------------|
| 4242 4242 4242 4242 | paid                                         |
| 4000 0000 0000 0002 | declined                                     |
| 4000 0025 0000 3155 | the bank asks for authentication (3-D Secure) |

With Stripe the token is a PaymentMethod id made by Stripe on the giver's browser (`pm_…`; Stripe's own test ids
such as `pm_card_visa` work with a test key).
"""

from __future__ import annotations

import json
import secrets
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from locales.money import Money, minor_units


class PaymentError(Exception):
    """The payment did not go through; the message is for the giver."""


class PaymentDeclined(PaymentError):
    """The card's bank refused the charge."""


class PaymentRequiresAction(PaymentError):
    """The bank wants the giver to authenticate (3-D Secure); no money moved."""


@dataclass(frozen=True)
class PaymentResult:
    """What we keep of a payment: who took it, their reference, and the card's last four digits."""

    provider: str
    reference: str
    last4: str = ""


class PaymentProvider:
    """Charges and refunds. `charge` raises a PaymentError subclass unless the money was taken."""

    name = ""

    def charge(self, *, amount: Money, token: str, idempotency_key: str, description: str) -> PaymentResult:
        raise NotImplementedError

    def refund(self, *, reference: str, idempotency_key: str) -> str:
        """Give the whole payment back; returns the provider's refund reference."""
        raise NotImplementedError


TEST_CARD_PAID = "4242424242424242"
TEST_CARD_DECLINED = "4000000000000002"
TEST_CARD_REQUIRES_ACTION = "4000002500003155"


def _digits(token: str) -> str:
    return "".join(character for character in token if not character.isspace() and character != "-")


class TestPaymentProvider(PaymentProvider):
    """Answers like a card network would for the documented test cards, without any network."""

    name = "test"

    def charge(self, *, amount: Money, token: str, idempotency_key: str, description: str) -> PaymentResult:
        card = _digits(token)
        if card == TEST_CARD_PAID:
            return PaymentResult(provider=self.name, reference=f"test_{secrets.token_hex(12)}", last4=card[-4:])
        if card == TEST_CARD_REQUIRES_ACTION:
            raise PaymentRequiresAction(
                _("Your bank asks you to confirm this payment, which is not possible here. Please use another card.")
            )
        if card == TEST_CARD_DECLINED:
            raise PaymentDeclined(_("Your card was declined. No money was taken; please try another card."))
        raise PaymentDeclined(_("This is not one of the test cards. No money was taken."))

    def refund(self, *, reference: str, idempotency_key: str) -> str:
        return f"test_refund_{secrets.token_hex(8)}"


class StripePaymentProvider(PaymentProvider):
    """Stripe's PaymentIntents API over plain HTTPS (urllib), confirmed at once with a PaymentMethod id."""

    name = "stripe"
    timeout_seconds = 20

    def __init__(self, secret_key: str, api_base: str = "https://api.stripe.com"):
        if not api_base.startswith("https://"):
            raise ImproperlyConfigured("STRIPE_API_BASE must be an https:// address.")
        self.secret_key = secret_key
        self.api_base = api_base

    def _post(self, path: str, fields: dict, idempotency_key: str) -> tuple[int, dict]:
        # The scheme is checked in __init__: only https:// reaches urlopen.
        request = urllib.request.Request(  # noqa: S310
            f"{self.api_base}{path}",
            data=urllib.parse.urlencode(fields).encode(),
            method="POST",
            headers={
                "Authorization": f"Bearer {self.secret_key}",
                "Idempotency-Key": idempotency_key,
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_seconds) as response:  # noqa: S310
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            try:
                body = json.loads(error.read() or b"{}")
            except ValueError:
                body = {}
            return error.code, body
        except (urllib.error.URLError, TimeoutError, ValueError) as error:
            raise PaymentError(
                _("We could not reach the payment service. No money was taken; please try again.")
            ) from error

    @staticmethod
    def minor_amount(amount: Money) -> int:
        """Stripe counts in the currency's smallest unit: 12.50 USD is 1250, 1800 JPY is 1800."""
        rounded = amount.rounded().amount
        return int(rounded.scaleb(minor_units(amount.currency)).to_integral_value())

    def charge(self, *, amount: Money, token: str, idempotency_key: str, description: str) -> PaymentResult:
        status, body = self._post(
            "/v1/payment_intents",
            {
                "amount": self.minor_amount(amount),
                "currency": amount.currency.lower(),
                "payment_method": token,
                "payment_method_types[]": "card",
                "confirm": "true",
                "description": description,
                "expand[]": "latest_charge",
            },
            idempotency_key=f"charge-{idempotency_key}",
        )
        if status == 402 or body.get("error", {}).get("type") == "card_error":
            raise PaymentDeclined(_("Your card was declined. No money was taken; please try another card."))
        if status >= 400:
            raise PaymentError(_("The payment service refused the request. No money was taken."))
        if body.get("status") == "requires_action":
            self._post(f"/v1/payment_intents/{body['id']}/cancel", {}, idempotency_key=f"cancel-{idempotency_key}")
            raise PaymentRequiresAction(
                _("Your bank asks you to confirm this payment, which is not possible here. Please use another card.")
            )
        if body.get("status") != "succeeded":
            raise PaymentError(_("The payment did not complete. No money was taken."))
        charge = body.get("latest_charge") or {}
        card = (charge.get("payment_method_details") or {}).get("card") or {} if isinstance(charge, dict) else {}
        return PaymentResult(provider=self.name, reference=body["id"], last4=str(card.get("last4", ""))[:4])

    def refund(self, *, reference: str, idempotency_key: str) -> str:
        status, body = self._post(
            "/v1/refunds", {"payment_intent": reference}, idempotency_key=f"refund-{idempotency_key}"
        )
        if status >= 400:
            raise PaymentError(_("The refund could not be made; support has been told."))
        return body.get("id", "")


def payment_provider() -> PaymentProvider:
    """Stripe when a key is configured; the test provider only where settings allow it."""
    if settings.STRIPE_SECRET_KEY:
        return StripePaymentProvider(settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE)
    if settings.PAYMENTS_TEST_PROVIDER:
        return TestPaymentProvider()
    raise ImproperlyConfigured("Set STRIPE_SECRET_KEY, or PAYMENTS_TEST_PROVIDER=true outside production.")


def is_test_mode() -> bool:
    return not settings.STRIPE_SECRET_KEY and settings.PAYMENTS_TEST_PROVIDER
