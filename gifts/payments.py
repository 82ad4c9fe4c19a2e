"""Taking the giver's payment through a provider; card data stays with the provider, never in our database.

`payment_provider()` picks Stripe when `STRIPE_SECRET_KEY` is set, else the built-in `TestPaymentProvider` where
`PAYMENTS_TEST_PROVIDER` allows it. Test cards (any future expiry, any CVC):

| card                | outcome                                      |
|---------------------|----------------------------------------------|
| 4242 4242 4242 4242 | paid                                         |
| 4000 0000 0000 0002 | declined                                     |
| 4000 0025 0000 3155 | the bank asks for authentication (3-D Secure) |

With Stripe the token is a PaymentMethod id made by Stripe.js in the giver's browser (`pm_…`; Stripe's own test ids
such as `pm_card_visa` work with a test key), so the card number only ever travels from the browser to Stripe.

A charge the bank wants authenticated either fails at once (`can_authenticate=False`: the caller has no page to
send the giver to) or leaves a payment waiting (`PaymentRequiresAction.authentication`), which the giver's browser
completes with the bank and `confirm` then reads back. docs/giving.md describes the whole flow.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from locales.money import Money, minor_units

ORDER_METADATA_KEY = "lagiftart_order"
"""Which order a provider's payment belongs to, written on the payment itself so a webhook can find the order."""


class PaymentError(Exception):
    """The payment did not go through; the message is for the giver."""


class PaymentDeclined(PaymentError):
    """The card's bank refused the charge, or the giver did not pass the bank's authentication."""


class PaymentRequiresAction(PaymentError):
    """The bank wants the giver to authenticate (3-D Secure); no money moved yet.

    `authentication` is set when the payment is kept waiting for the giver's browser; None when it was abandoned.
    """

    def __init__(self, message: str, authentication: PaymentAuthentication | None = None):
        super().__init__(message)
        self.authentication = authentication


class PaymentPending(PaymentError):
    """The bank has not decided yet; the provider tells us later (Stripe: a webhook)."""


@dataclass(frozen=True)
class PaymentResult:
    """What we keep of a payment: who took it, their reference, and the card's last four digits."""

    provider: str
    reference: str
    last4: str = ""


@dataclass(frozen=True)
class PaymentAuthentication:
    """A payment waiting for the giver's bank: the provider's reference and, for Stripe, the secret Stripe.js needs
    to show the bank's challenge (`handleNextAction`). The secret lets a browser finish this one payment, no more."""

    reference: str
    client_secret: str = ""


def authentication_requested_message() -> str:
    return _("Your bank asks you to confirm this payment.")


def authentication_refused_message() -> str:
    return _("Your bank asks you to confirm this payment, which is not possible here. Please use another card.")


def authentication_failed_message() -> str:
    return _("Your bank did not confirm the payment. No money was taken; please try again or use another card.")


def declined_message() -> str:
    return _("Your card was declined. No money was taken; please try another card.")


class PaymentProvider:
    """Charges, confirmations after the bank's authentication, cancellations and refunds.

    `charge` and `confirm` raise a PaymentError subclass unless the money was taken.
    """

    name = ""

    def charge(
        self,
        *,
        amount: Money,
        token: str,
        idempotency_key: str,
        description: str,
        order_id: int | None = None,
        can_authenticate: bool = False,
    ) -> PaymentResult:
        """Take `amount` with the card behind `token`. When the bank asks for authentication: with
        `can_authenticate`, raise PaymentRequiresAction carrying the waiting payment; otherwise drop it and refuse."""
        raise NotImplementedError

    def confirm(self, *, reference: str, order_id: int, amount: Money) -> PaymentResult:
        """How a payment left waiting for authentication ended, checked to be this order's payment of `amount`."""
        raise NotImplementedError

    def cancel(self, *, reference: str, idempotency_key: str) -> None:
        """Drop a payment that is still waiting, so it can no longer take money. Best effort: errors are ignored."""
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
    """Answers like a card network would for the documented test cards, without any network.

    A payment waiting for authentication lives in the cache for a day; the test bank's page
    (`gifts:test_bank`, only while this provider is active) approves or fails it through `authenticate`.
    """

    name = "test"
    waiting_seconds = 24 * 60 * 60

    @staticmethod
    def _key(reference: str) -> str:
        return f"payments:test-intent:{reference}"

    def charge(
        self,
        *,
        amount: Money,
        token: str,
        idempotency_key: str,
        description: str,
        order_id: int | None = None,
        can_authenticate: bool = False,
    ) -> PaymentResult:
        card = _digits(token)
        if card == TEST_CARD_PAID:
            return PaymentResult(provider=self.name, reference=f"test_{secrets.token_hex(12)}", last4=card[-4:])
        if card == TEST_CARD_REQUIRES_ACTION:
            if not can_authenticate:
                raise PaymentRequiresAction(authentication_refused_message())
            reference = f"test_pi_{secrets.token_hex(12)}"
            waiting = {
                "order": order_id,
                "amount": str(amount.rounded().amount),
                "currency": amount.currency,
                "last4": card[-4:],
                "status": "requires_action",
            }
            cache.set(self._key(reference), waiting, self.waiting_seconds)
            raise PaymentRequiresAction(
                authentication_requested_message(), authentication=PaymentAuthentication(reference=reference)
            )
        if card == TEST_CARD_DECLINED:
            raise PaymentDeclined(declined_message())
        raise PaymentDeclined(_("This is not one of the test cards. No money was taken."))

    def waiting_payment(self, reference: str) -> dict | None:
        """The test payment behind `reference` (order, amount, currency, status), None when unknown or expired."""
        return cache.get(self._key(reference)) if reference.startswith("test_pi_") else None

    def authenticate(self, *, reference: str, approved: bool) -> None:
        """The test bank's answer: the giver approved (the payment succeeds) or failed the challenge."""
        waiting = self.waiting_payment(reference)
        if waiting is None or waiting["status"] != "requires_action":
            return
        waiting["status"] = "succeeded" if approved else "requires_payment_method"
        cache.set(self._key(reference), waiting, self.waiting_seconds)

    def confirm(self, *, reference: str, order_id: int, amount: Money) -> PaymentResult:
        waiting = self.waiting_payment(reference)
        if waiting is None:
            raise PaymentDeclined(_("This payment expired before your bank confirmed it. No money was taken."))
        rounded = amount.rounded()
        if waiting["order"] != order_id or (waiting["amount"], waiting["currency"]) != (
            str(rounded.amount),
            rounded.currency,
        ):
            raise PaymentError(_("This payment does not belong to this order."))
        if waiting["status"] == "succeeded":
            return PaymentResult(provider=self.name, reference=reference, last4=waiting["last4"])
        if waiting["status"] == "requires_action":
            raise PaymentRequiresAction(authentication_requested_message(), PaymentAuthentication(reference))
        raise PaymentDeclined(authentication_failed_message())

    def cancel(self, *, reference: str, idempotency_key: str) -> None:
        waiting = self.waiting_payment(reference)
        if waiting is not None and waiting["status"] != "succeeded":
            waiting["status"] = "canceled"
            cache.set(self._key(reference), waiting, self.waiting_seconds)

    def refund(self, *, reference: str, idempotency_key: str) -> str:
        return f"test_refund_{secrets.token_hex(8)}"


class StripePaymentProvider(PaymentProvider):
    """Stripe's PaymentIntents API over plain HTTPS (urllib), confirmed at once with a PaymentMethod id.

    Every write carries an `Idempotency-Key`, so a retried request never charges twice.
    """

    name = "stripe"
    timeout_seconds = 20

    def __init__(self, secret_key: str, api_base: str = "https://api.stripe.com"):
        if not api_base.startswith("https://"):
            raise ImproperlyConfigured("STRIPE_API_BASE must be an https:// address.")
        self.secret_key = secret_key
        self.api_base = api_base

    def _request(self, path: str, fields: dict | None = None, idempotency_key: str = "") -> tuple[int, dict]:
        """POST `fields` (or GET when None) and return the status and the decoded JSON body."""
        headers = {"Authorization": f"Bearer {self.secret_key}"}
        data = None
        if fields is not None:
            data = urllib.parse.urlencode(fields).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Idempotency-Key"] = idempotency_key
        # The scheme is checked in __init__: only https:// reaches urlopen.
        request = urllib.request.Request(  # noqa: S310
            f"{self.api_base}{path}", data=data, method="POST" if fields is not None else "GET", headers=headers
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

    def _post(self, path: str, fields: dict, idempotency_key: str) -> tuple[int, dict]:
        return self._request(path, fields, idempotency_key)

    @staticmethod
    def minor_amount(amount: Money) -> int:
        """Stripe counts in the currency's smallest unit: 12.50 USD is 1250, 1800 JPY is 1800."""
        rounded = amount.rounded().amount
        return int(rounded.scaleb(minor_units(amount.currency)).to_integral_value())

    @staticmethod
    def _intent_path(reference: str) -> str:
        return f"/v1/payment_intents/{urllib.parse.quote(reference, safe='')}"

    def _result(self, intent: dict) -> PaymentResult:
        charge = intent.get("latest_charge") or {}
        card = (charge.get("payment_method_details") or {}).get("card") or {} if isinstance(charge, dict) else {}
        return PaymentResult(provider=self.name, reference=intent["id"], last4=str(card.get("last4", ""))[:4])

    def charge(
        self,
        *,
        amount: Money,
        token: str,
        idempotency_key: str,
        description: str,
        order_id: int | None = None,
        can_authenticate: bool = False,
    ) -> PaymentResult:
        fields = {
            "amount": self.minor_amount(amount),
            "currency": amount.currency.lower(),
            "payment_method": token,
            "payment_method_types[]": "card",
            "confirm": "true",
            "description": description,
            "expand[]": "latest_charge",
        }
        if order_id is not None:
            fields[f"metadata[{ORDER_METADATA_KEY}]"] = str(order_id)
        if can_authenticate:
            # The bank's challenge then comes back as a `use_stripe_sdk` next action, which Stripe.js's
            # handleNextAction shows over our page (no redirect, so no return_url).
            fields["use_stripe_sdk"] = "true"
        status, body = self._post("/v1/payment_intents", fields, idempotency_key=f"charge-{idempotency_key}")
        if status == 402 or body.get("error", {}).get("type") == "card_error":
            raise PaymentDeclined(declined_message())
        if status >= 400:
            raise PaymentError(_("The payment service refused the request. No money was taken."))
        if body.get("status") == "requires_action":
            if can_authenticate and body.get("client_secret"):
                raise PaymentRequiresAction(
                    authentication_requested_message(),
                    authentication=PaymentAuthentication(reference=body["id"], client_secret=body["client_secret"]),
                )
            self.cancel(reference=body["id"], idempotency_key=idempotency_key)
            raise PaymentRequiresAction(authentication_refused_message())
        if body.get("status") != "succeeded":
            raise PaymentError(_("The payment did not complete. No money was taken."))
        return self._result(body)

    def confirm(self, *, reference: str, order_id: int, amount: Money) -> PaymentResult:
        status, intent = self._request(f"{self._intent_path(reference)}?expand[]=latest_charge")
        if status >= 400:
            raise PaymentError(_("The payment service could not find this payment. No money was taken."))
        belongs = (intent.get("metadata") or {}).get(ORDER_METADATA_KEY) == str(order_id)
        if not belongs or (intent.get("amount"), intent.get("currency")) != (
            self.minor_amount(amount),
            amount.currency.lower(),
        ):
            raise PaymentError(_("This payment does not belong to this order."))
        if intent.get("status") == "requires_confirmation":
            # Only with manual confirmation; ours is automatic, but a PaymentIntent may be set up either way.
            status, intent = self._post(
                f"{self._intent_path(reference)}/confirm",
                {"expand[]": "latest_charge"},
                idempotency_key=f"confirm-{reference}",
            )
            if status >= 400:
                raise PaymentDeclined(authentication_failed_message())
        state = intent.get("status")
        if state == "succeeded":
            return self._result(intent)
        if state == "requires_action":
            raise PaymentRequiresAction(
                authentication_requested_message(),
                PaymentAuthentication(reference=reference, client_secret=intent.get("client_secret", "")),
            )
        if state == "processing":
            raise PaymentPending(
                _("Your bank is still confirming this payment. The order page will show it as paid once it is.")
            )
        raise PaymentDeclined(authentication_failed_message())

    def cancel(self, *, reference: str, idempotency_key: str) -> None:
        # A payment we cannot reach to cancel has taken no money, and can no longer be confirmed by us.
        with contextlib.suppress(PaymentError):
            self._post(f"{self._intent_path(reference)}/cancel", {}, idempotency_key=f"cancel-{idempotency_key}")

    def refund(self, *, reference: str, idempotency_key: str) -> str:
        status, body = self._post(
            "/v1/refunds", {"payment_intent": reference}, idempotency_key=f"refund-{idempotency_key}"
        )
        if status >= 400:
            raise PaymentError(_("The refund could not be made; support has been told."))
        return body.get("id", "")


class WebhookSignatureError(Exception):
    """A webhook request that Stripe did not sign with our secret, or signed too long ago to trust."""


STRIPE_WEBHOOK_TOLERANCE_SECONDS = 300


def verify_stripe_webhook(
    payload: bytes, signature_header: str, secret: str, *, now: float | None = None, tolerance: int | None = None
) -> dict:
    """The event Stripe sent, after checking its `Stripe-Signature`: an HMAC-SHA256 of "timestamp.payload" with the
    endpoint's signing secret, made within `tolerance` seconds (5 minutes, Stripe's default) against replays."""
    if not secret:
        raise WebhookSignatureError("No webhook secret is configured.")
    timestamp = ""
    signatures = []
    for item in (signature_header or "").split(","):
        key, _separator, value = item.strip().partition("=")
        if key == "t":
            timestamp = value
        elif key == "v1":
            signatures.append(value)
    if not timestamp.isdigit() or not signatures:
        raise WebhookSignatureError("The Stripe-Signature header is missing or malformed.")
    tolerance = STRIPE_WEBHOOK_TOLERANCE_SECONDS if tolerance is None else tolerance
    if abs((time.time() if now is None else now) - int(timestamp)) > tolerance:
        raise WebhookSignatureError("The webhook's timestamp is outside the tolerance.")
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + payload, hashlib.sha256).hexdigest()
    if not any(hmac.compare_digest(expected, signature) for signature in signatures):
        raise WebhookSignatureError("No signature matches the webhook secret.")
    try:
        event = json.loads(payload)
    except ValueError as error:
        raise WebhookSignatureError("The webhook body is not JSON.") from error
    if not isinstance(event, dict):
        raise WebhookSignatureError("The webhook body is not an event.")
    return event


def payment_provider() -> PaymentProvider:
    """Stripe when a key is configured; the test provider only where settings allow it."""
    if settings.STRIPE_SECRET_KEY:
        return StripePaymentProvider(settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE)
    if settings.PAYMENTS_TEST_PROVIDER:
        return TestPaymentProvider()
    raise ImproperlyConfigured("Set STRIPE_SECRET_KEY, or PAYMENTS_TEST_PROVIDER=true outside production.")


def is_test_mode() -> bool:
    return not settings.STRIPE_SECRET_KEY and settings.PAYMENTS_TEST_PROVIDER


def stripe_publishable_key() -> str:
    """The key Stripe.js needs on the checkout page: only when Stripe takes the payments."""
    return settings.STRIPE_PUBLISHABLE_KEY if settings.STRIPE_SECRET_KEY else ""


STRIPE_CSP = {
    "script-src": ["https://js.stripe.com", "https://*.js.stripe.com"],
    "frame-src": ["https://js.stripe.com", "https://*.js.stripe.com", "https://hooks.stripe.com"],
    "connect-src": ["https://api.stripe.com"],
}
"""What Stripe's integration security guide asks a Content Security Policy to allow for Stripe.js, Elements and
3-D Secure (docs.stripe.com/security/guide); added only to the pages that load Stripe.js."""
