"""The payment providers: test cards and the test bank, the Stripe adapter's HTTP calls (mocked: no network in
tests), and the check of Stripe's webhook signatures."""

import hashlib
import hmac
import io
import json
import time
import urllib.error
import urllib.parse
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured

from gifts.payments import (
    TEST_CARD_REQUIRES_ACTION,
    PaymentAuthentication,
    PaymentDeclined,
    PaymentError,
    PaymentPending,
    PaymentRequiresAction,
    StripePaymentProvider,
    TestPaymentProvider,
    WebhookSignatureError,
    payment_provider,
    verify_stripe_webhook,
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


def sent_fields(request) -> dict:
    return dict(urllib.parse.parse_qsl(request.data.decode())) if request.data else {}


def test_a_checkout_that_can_authenticate_keeps_the_payment_waiting_for_the_bank():
    provider = StripePaymentProvider("sk_test_123")
    waiting = {"id": "pi_3ds", "status": "requires_action", "client_secret": "pi_3ds_secret_abc"}
    with (
        mock.patch("urllib.request.urlopen", return_value=stripe_answer(waiting)) as urlopen,
        pytest.raises(PaymentRequiresAction) as raised,
    ):
        provider.charge(
            amount=Money("125", "USD"),
            token="pm_card_authenticationRequired",
            idempotency_key="7-abc",
            description="LaGiftArt order 9",
            order_id=9,
            can_authenticate=True,
        )
    assert raised.value.authentication == PaymentAuthentication(reference="pi_3ds", client_secret="pi_3ds_secret_abc")
    assert urlopen.call_count == 1  # nothing cancelled: the giver's browser finishes it
    sent = sent_fields(urlopen.call_args.args[0])
    assert (sent["metadata[lagiftart_order]"], sent["use_stripe_sdk"], sent["payment_method"]) == (
        "9",
        "true",
        "pm_card_authenticationRequired",
    )


def intent(status, **extra):
    body = {
        "id": "pi_3ds",
        "object": "payment_intent",
        "status": status,
        "amount": 12500,
        "currency": "usd",
        "metadata": {"lagiftart_order": "9"},
        "client_secret": "pi_3ds_secret_abc",
        "latest_charge": {"payment_method_details": {"card": {"last4": "3155"}}},
    }
    body.update(extra)
    return body


def confirm(provider, order_id=9, amount="125"):
    return provider.confirm(reference="pi_3ds", order_id=order_id, amount=Money(amount, "USD"))


def test_confirming_reads_the_payment_intent_back_from_stripe():
    provider = StripePaymentProvider("sk_test_123")
    with mock.patch("urllib.request.urlopen", return_value=stripe_answer(intent("succeeded"))) as urlopen:
        result = confirm(provider)
    request = urlopen.call_args.args[0]
    assert (result.reference, result.last4) == ("pi_3ds", "3155")
    assert request.get_method() == "GET"
    assert request.data is None
    assert request.full_url == "https://api.stripe.com/v1/payment_intents/pi_3ds?expand[]=latest_charge"
    assert request.get_header("Authorization") == "Bearer sk_test_123"


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        (intent("requires_payment_method"), PaymentDeclined),
        (intent("canceled"), PaymentDeclined),
        (intent("requires_action"), PaymentRequiresAction),
        (intent("processing"), PaymentPending),
        (intent("succeeded", metadata={"lagiftart_order": "10"}), PaymentError),
        (intent("succeeded", metadata={}), PaymentError),
        (intent("succeeded", amount=100), PaymentError),
        (intent("succeeded", currency="eur"), PaymentError),
    ],
)
def test_a_payment_that_failed_waits_or_is_not_this_orders_is_not_taken_as_paid(answer, error):
    provider = StripePaymentProvider("sk_test_123")
    with mock.patch("urllib.request.urlopen", return_value=stripe_answer(answer)), pytest.raises(error):
        confirm(provider)


def test_an_unknown_payment_intent_is_a_refusal():
    provider = StripePaymentProvider("sk_test_123")
    missing = stripe_answer({"error": {"type": "invalid_request_error", "code": "resource_missing"}}, status=404)
    with mock.patch("urllib.request.urlopen", side_effect=missing), pytest.raises(PaymentError):
        confirm(provider)


def test_a_payment_intent_waiting_for_confirmation_is_confirmed_with_an_idempotency_key():
    provider = StripePaymentProvider("sk_test_123")
    answers = [stripe_answer(intent("requires_confirmation")), stripe_answer(intent("succeeded"))]
    with mock.patch("urllib.request.urlopen", side_effect=answers) as urlopen:
        assert confirm(provider).reference == "pi_3ds"
    request = urlopen.call_args.args[0]
    assert request.full_url == "https://api.stripe.com/v1/payment_intents/pi_3ds/confirm"
    assert request.get_header("Idempotency-key") == "confirm-pi_3ds"


def test_cancelling_a_waiting_payment_posts_to_stripe_and_never_fails():
    provider = StripePaymentProvider("sk_test_123")
    with mock.patch("urllib.request.urlopen", return_value=stripe_answer(intent("canceled"))) as urlopen:
        provider.cancel(reference="pi_3ds", idempotency_key="order-9")
    request = urlopen.call_args.args[0]
    assert request.full_url == "https://api.stripe.com/v1/payment_intents/pi_3ds/cancel"
    assert request.get_header("Idempotency-key") == "cancel-order-9"
    with mock.patch("urllib.request.urlopen", side_effect=urllib.error.URLError("down")):
        provider.cancel(reference="pi_3ds", idempotency_key="order-9")


def test_the_test_bank_approves_or_fails_a_waiting_test_payment():
    provider = TestPaymentProvider()

    def waiting_payment(order_id):
        with pytest.raises(PaymentRequiresAction) as raised:
            provider.charge(
                amount=Money("125", "USD"),
                token=TEST_CARD_REQUIRES_ACTION,
                idempotency_key="k",
                description="",
                order_id=order_id,
                can_authenticate=True,
            )
        return raised.value.authentication.reference

    approved = waiting_payment(1)
    with pytest.raises(PaymentRequiresAction):
        provider.confirm(reference=approved, order_id=1, amount=Money("125", "USD"))
    provider.authenticate(reference=approved, approved=True)
    assert provider.confirm(reference=approved, order_id=1, amount=Money("125.00", "USD")).last4 == "3155"
    with pytest.raises(PaymentError, match="does not belong"):
        provider.confirm(reference=approved, order_id=2, amount=Money("125", "USD"))

    failed = waiting_payment(2)
    provider.authenticate(reference=failed, approved=False)
    with pytest.raises(PaymentDeclined, match="did not confirm"):
        provider.confirm(reference=failed, order_id=2, amount=Money("125", "USD"))
    with pytest.raises(PaymentDeclined, match="expired"):
        provider.confirm(reference="test_pi_unknown", order_id=2, amount=Money("125", "USD"))


WEBHOOK_SECRET = "whsec_test"


def signed(payload: bytes, secret=WEBHOOK_SECRET, timestamp=None):
    timestamp = int(time.time()) if timestamp is None else timestamp
    signature = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={signature}"


def test_a_webhook_signed_with_our_secret_is_read():
    payload = json.dumps({"id": "evt_1", "type": "payment_intent.succeeded"}).encode()
    assert verify_stripe_webhook(payload, signed(payload), "whsec_test")["id"] == "evt_1"
    # Stripe signs with every active secret while one is being rolled: one match is enough.
    both = f"{signed(payload, 'whsec_old')},v1={signed(payload).split('v1=')[1]}"
    assert verify_stripe_webhook(payload, both, "whsec_test")["type"] == "payment_intent.succeeded"


@pytest.mark.parametrize(
    "header",
    [
        "",
        "t=abc,v1=deadbeef",
        "v1=deadbeef",
        "t=1700000000",
        "SIGNED_ELSEWHERE",
    ],
)
def test_a_webhook_without_a_readable_signature_is_refused(header):
    with pytest.raises(WebhookSignatureError):
        verify_stripe_webhook(b"{}", header, "whsec_test")


def test_a_webhook_signed_with_another_secret_altered_or_replayed_is_refused():
    payload = json.dumps({"id": "evt_1"}).encode()
    with pytest.raises(WebhookSignatureError, match="No signature matches"):
        verify_stripe_webhook(payload, signed(payload, secret="whsec_other"), "whsec_test")
    with pytest.raises(WebhookSignatureError, match="No signature matches"):
        verify_stripe_webhook(payload + b" ", signed(payload), "whsec_test")
    six_minutes_ago = int(time.time()) - 360
    with pytest.raises(WebhookSignatureError, match="tolerance"):
        verify_stripe_webhook(payload, signed(payload, timestamp=six_minutes_ago), "whsec_test")
    with pytest.raises(WebhookSignatureError):
        verify_stripe_webhook(payload, signed(payload), "")
