"""The payment providers: test cards, and the Stripe adapter's HTTP calls (mocked: no network in tests)."""

import io
import json
import urllib.error
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured

from gifts.payments import (
    PaymentDeclined,
    PaymentError,
    PaymentRequiresAction,
    StripePaymentProvider,
    TestPaymentProvider,
    payment_provider,
)
from locales.money import Money


class FakeResponse(io.BytesIO):
    status = 200

    def __enter__(self):
        return self

    def __exit__(self, *args):
        return False


def stripe_answer(body, status=200):
    if status >= 400:
        return urllib.error.HTTPError(
            "https://api.stripe.com", status, "error", {}, io.BytesIO(json.dumps(body).encode())
        )
    return FakeResponse(json.dumps(body).encode())


def test_test_cards_pay_decline_or_ask_for_authentication():
    provider = TestPaymentProvider()
    paid = provider.charge(amount=Money("10", "USD"), token="4242 4242 4242 4242", idempotency_key="k", description="")
    assert paid.last4 == "4242"
    with pytest.raises(PaymentDeclined):
        provider.charge(amount=Money("10", "USD"), token="4000000000000002", idempotency_key="k", description="")
    with pytest.raises(PaymentRequiresAction):
        provider.charge(amount=Money("10", "USD"), token="4000002500003155", idempotency_key="k", description="")
    with pytest.raises(PaymentDeclined):
        provider.charge(amount=Money("10", "USD"), token="5555555555554444", idempotency_key="k", description="")


def test_stripe_is_used_when_a_key_is_set_and_production_refuses_the_test_provider(settings):
    settings.STRIPE_SECRET_KEY = "sk_test_123"
    assert isinstance(payment_provider(), StripePaymentProvider)
    settings.STRIPE_SECRET_KEY = ""
    settings.PAYMENTS_TEST_PROVIDER = False
    with pytest.raises(ImproperlyConfigured):
        payment_provider()


def test_stripe_charges_in_minor_units_with_an_idempotency_key():
    provider = StripePaymentProvider("sk_test_123")
    body = {
        "id": "pi_1",
        "status": "succeeded",
        "latest_charge": {"payment_method_details": {"card": {"last4": "4242"}}},
    }
    with mock.patch("urllib.request.urlopen", return_value=stripe_answer(body)) as urlopen:
        result = provider.charge(
            amount=Money(Decimal("125.5"), "USD"), token="pm_card_visa", idempotency_key="7-abc", description="Order 1"
        )
    request = urlopen.call_args.args[0]
    sent = dict(pair.split("=", 1) for pair in request.data.decode().split("&"))
    assert (result.reference, result.last4) == ("pi_1", "4242")
    assert request.full_url == "https://api.stripe.com/v1/payment_intents"
    assert request.get_header("Authorization") == "Bearer sk_test_123"
    assert request.get_header("Idempotency-key") == "charge-7-abc"
    assert (sent["amount"], sent["currency"], sent["confirm"]) == ("12550", "usd", "true")


def test_stripe_yen_have_no_minor_unit():
    assert StripePaymentProvider.minor_amount(Money("18000", "JPY")) == 18000


def test_a_stripe_decline_and_an_authentication_request_are_refusals():
    provider = StripePaymentProvider("sk_test_123")
    declined = stripe_answer({"error": {"type": "card_error", "code": "card_declined"}}, status=402)
    with mock.patch("urllib.request.urlopen", side_effect=declined), pytest.raises(PaymentDeclined):
        provider.charge(amount=Money("10", "EUR"), token="pm_card_chargeDeclined", idempotency_key="k", description="")
    answers = [stripe_answer({"id": "pi_2", "status": "requires_action"}), stripe_answer({"id": "pi_2"})]
    with mock.patch("urllib.request.urlopen", side_effect=answers) as urlopen, pytest.raises(PaymentRequiresAction):
        provider.charge(
            amount=Money("10", "EUR"), token="pm_card_authenticationRequired", idempotency_key="k", description=""
        )
    assert urlopen.call_args.args[0].full_url.endswith("/v1/payment_intents/pi_2/cancel")


def test_stripe_unreachable_is_a_refusal_not_a_crash():
    provider = StripePaymentProvider("sk_test_123")
    with mock.patch("urllib.request.urlopen", side_effect=urllib.error.URLError("down")), pytest.raises(PaymentError):
        provider.charge(amount=Money("10", "EUR"), token="pm_card_visa", idempotency_key="k", description="")


def test_stripe_refunds_the_payment_intent():
    provider = StripePaymentProvider("sk_test_123")
    with mock.patch("urllib.request.urlopen", return_value=stripe_answer({"id": "re_1"})) as urlopen:
        assert provider.refund(reference="pi_1", idempotency_key="order-3") == "re_1"
    assert urlopen.call_args.args[0].data == b"payment_intent=pi_1"
