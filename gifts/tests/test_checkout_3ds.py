"""3-D Secure: the card's bank asks the giver to confirm the payment.

The order is committed as placed and holds its stock while the bank asks; the giver's answer (through Stripe.js, or
the test provider's test bank) marks it paid or cancels it, returning the stock and leaving the cart as it was.
Stripe's webhook settles the same orders when the giver's page never comes back. The last tests drive the test
bank in Chromium.
"""

import hashlib
import hmac
import json
import os
import re
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone, translation
from django.utils.formats import time_format

from accounts.tests.factories import UserFactory
from gifts.checkout import (
    OutOfStock,
    PaymentArrivedLate,
    apply_payment_event,
    confirm_order_payment,
    place_order,
    place_order_with_authentication,
    release_if_unconfirmed,
)
from gifts.models import CartLine, Gift, Order, OrderStatus
from gifts.orders import cancel_order
from gifts.payments import (
    TEST_CARD_PAID,
    TEST_CARD_REQUIRES_ACTION,
    PaymentDeclined,
    PaymentRequiresAction,
    StripePaymentProvider,
    TestPaymentProvider,
)
from gifts.tests.giving import build_giving_world, cart_with, lyon_recipient, to_lyon
from gifts.tests.test_payments import stripe_answer
from gifts.tests.test_purchase_browser import (
    CHROMIUM,
    MESSAGE,
    dismiss_consent_banner,
    field,
    fill_lyon_recipient,
    log_in,
    new_page,
)
from locales.selectors import rate_table


@pytest.fixture
def world(db):
    return build_giving_world()


def start(world, cart, *, key="key-3ds", card=TEST_CARD_REQUIRES_ACTION, provider=None):
    return place_order_with_authentication(
        cart=cart,
        giver=world.giver,
        recipient=lyon_recipient(),
        destination=to_lyon(world),
        currency="USD",
        rates=rate_table(),
        message="Bon anniversaire !",
        reveal_giver=True,
        giver_name="Sam",
        payment_token=card,
        idempotency_key=key,
        provider=provider,
    )


def stock(world):
    return Gift.objects.get(pk=world.alebrije.pk).stock


# The service: placing, confirming, releasing.


def test_when_the_bank_asks_the_order_holds_its_stock_and_the_cart_stays(world, mailoutbox):
    cart = cart_with(world.giver, (world.alebrije, 2))

    placement = start(world, cart)

    order = placement.order
    assert placement.awaits_authentication
    assert placement.authentication.reference.startswith("test_pi_")
    order.refresh_from_db()
    assert (order.status, order.payment_provider, order.payment_reference) == (OrderStatus.PLACED, "test", "")
    assert stock(world) == 1
    assert CartLine.objects.get(cart=cart).quantity == 2
    assert mailoutbox == []


def test_the_old_entry_point_still_refuses_a_bank_that_asks(world):
    cart = cart_with(world.giver, (world.alebrije, 1))
    with pytest.raises(PaymentRequiresAction, match="not possible here"):
        place_order(
            cart=cart,
            giver=world.giver,
            recipient=lyon_recipient(),
            destination=to_lyon(world),
            currency="USD",
            rates=rate_table(),
            message="",
            reveal_giver=False,
            giver_name="",
            payment_token=TEST_CARD_REQUIRES_ACTION,
            idempotency_key="old",
        )
    assert Order.objects.count() == 0
    assert stock(world) == 3


def test_an_approved_authentication_pays_the_order_once(world, mailoutbox, django_capture_on_commit_callbacks):
    cart = cart_with(world.giver, (world.alebrije, 2), (world.tea_bowl, 1))
    placement = start(world, cart)
    CartLine.objects.filter(cart=cart, gift=world.tea_bowl).delete()
    CartLine.objects.create(cart=cart, gift=world.scarf, quantity=1)  # added in another tab meanwhile
    TestPaymentProvider().authenticate(reference=placement.authentication.reference, approved=True)

    with django_capture_on_commit_callbacks(execute=True):
        order = confirm_order_payment(order=placement.order, reference=placement.authentication.reference)
        again = confirm_order_payment(order=order, reference=placement.authentication.reference)

    order.refresh_from_db()
    assert again.pk == order.pk
    assert (order.status, order.payment_reference, order.card_last4) == (
        OrderStatus.PAID,
        placement.authentication.reference,
        "3155",
    )
    assert list(order.status_changes.values_list("from_status", "to_status", "note")) == [
        ("", "placed", ""),
        ("placed", "paid", "Confirmed by the card's bank."),
    ]
    # The ordered pieces left the cart; what the giver added meanwhile stays.
    assert [line.gift for line in CartLine.objects.filter(cart=cart)] == [world.scarf]
    assert stock(world) == 1
    assert [message.subject for message in mailoutbox] == [mailoutbox[0].subject]


def test_a_failed_authentication_cancels_the_order_returns_stock_and_keeps_the_cart(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    cart = cart_with(world.giver, (world.alebrije, 2))
    placement = start(world, cart)
    TestPaymentProvider().authenticate(reference=placement.authentication.reference, approved=False)

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(PaymentDeclined, match=r"Your bank did not confirm the payment\. No money was taken"),
    ):
        confirm_order_payment(order=placement.order, reference=placement.authentication.reference)

    order = Order.objects.get()
    assert order.status == OrderStatus.CANCELLED
    assert order.status_changes.last().note == "The card's bank did not confirm the payment."
    assert stock(world) == 3
    assert CartLine.objects.get(cart=cart).quantity == 2
    assert TestPaymentProvider().waiting_payment(placement.authentication.reference)["status"] == "canceled"
    assert mailoutbox == [], "the page tells the giver; no email repeats it"


def test_a_payment_still_waiting_for_the_giver_changes_nothing(world):
    placement = start(world, cart_with(world.giver, (world.alebrije, 1)))

    with pytest.raises(PaymentRequiresAction):
        confirm_order_payment(order=placement.order, reference=placement.authentication.reference)

    assert Order.objects.get().status == OrderStatus.PLACED
    assert stock(world) == 2


def test_an_order_left_waiting_too_long_gives_its_pieces_to_the_next_checkout(world):
    Gift.objects.filter(pk=world.alebrije.pk).update(stock=1)
    first = start(world, cart_with(world.giver, (world.alebrije, 1)))
    Order.objects.filter(pk=first.order.pk).update(placed_at=timezone.now() - timedelta(minutes=31))
    other = UserFactory()
    other_cart = cart_with(other, (world.alebrije, 1))

    placed = place_order_with_authentication(
        cart=other_cart,
        giver=other,
        recipient=lyon_recipient(),
        destination=to_lyon(world),
        currency="USD",
        rates=rate_table(),
        message="",
        reveal_giver=False,
        giver_name="",
        payment_token=TEST_CARD_PAID,
        idempotency_key="other",
    )

    assert placed.order.status == OrderStatus.PAID
    assert Order.objects.get(pk=first.order.pk).status == OrderStatus.CANCELLED
    assert stock(world) == 0


def test_an_order_still_inside_the_window_keeps_its_pieces(world):
    Gift.objects.filter(pk=world.alebrije.pk).update(stock=1)
    start(world, cart_with(world.giver, (world.alebrije, 1)))
    other = UserFactory()

    with pytest.raises(OutOfStock):
        place_order_with_authentication(
            cart=cart_with(other, (world.alebrije, 1)),
            giver=other,
            recipient=lyon_recipient(),
            destination=to_lyon(world),
            currency="USD",
            rates=rate_table(),
            message="",
            reveal_giver=False,
            giver_name="",
            payment_token=TEST_CARD_PAID,
            idempotency_key="other",
        )


DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def test_a_hold_the_giver_walks_away_from_is_released_by_its_timer(world, settings, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    from gifts.tasks import release_unconfirmed_payment

    settings.TASKS = DATABASE_QUEUE  # production's queue, which runs a task no earlier than its run_after
    Gift.objects.filter(pk=world.alebrije.pk).update(stock=1)
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        placement = start(world, cart_with(world.giver, (world.alebrije, 1)))

    timer = DBTaskResult.objects.get(task_path="gifts.tasks.release_unconfirmed_payment")
    assert timer.args_kwargs["kwargs"] == {"order_id": placement.order.pk}
    assert before + timedelta(minutes=31) <= timer.run_after <= timezone.now() + timedelta(minutes=31)
    assert stock(world) == 0

    # Run early (a clock skew, a manual run), it leaves the hold alone.
    assert release_unconfirmed_payment.call(order_id=placement.order.pk) is False
    assert Order.objects.get(pk=placement.order.pk).status == OrderStatus.PLACED

    Order.objects.filter(pk=placement.order.pk).update(placed_at=timezone.now() - timedelta(minutes=31))
    assert release_unconfirmed_payment.call(order_id=placement.order.pk) is True
    order = Order.objects.get(pk=placement.order.pk)
    assert order.status == OrderStatus.CANCELLED
    assert "did not arrive in time" in order.status_changes.order_by("-pk").first().note
    assert stock(world) == 1
    assert CartLine.objects.filter(cart__user=world.giver, gift=world.alebrije).exists()
    # A retry of the same timer changes nothing.
    assert release_unconfirmed_payment.call(order_id=placement.order.pk) is False
    assert stock(world) == 1


def test_the_giver_is_told_in_their_language_when_the_timer_releases_their_order(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    placement = start(world, cart_with(world.giver, (world.alebrije, 1)))
    Order.objects.filter(pk=placement.order.pk).update(
        placed_at=timezone.now() - timedelta(minutes=31), giver_language="fr"
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert release_if_unconfirmed(order_id=placement.order.pk) is True
        assert release_if_unconfirmed(order_id=placement.order.pk) is False  # a second run tells nobody again

    [email] = mailoutbox
    assert email.to == ["ohio.giver@example.com"]
    assert email.subject == f"Votre cadeau n\u2019a pas été commandé (commande {placement.order.pk})"
    assert "rien n\u2019a été débité et les pièces sont de nouveau en vente" in email.body
    assert "Elles sont toujours dans votre panier" in email.body
    with translation.override("fr"):
        assert f"{settings.SITE_URL}{Order.objects.get().get_absolute_url()}" in email.body


def test_a_paid_order_keeps_its_pieces_when_the_timer_runs(world, settings, django_capture_on_commit_callbacks):
    from gifts.tasks import release_unconfirmed_payment

    settings.TASKS = DATABASE_QUEUE
    with django_capture_on_commit_callbacks(execute=True):
        placement = start(world, cart_with(world.giver, (world.alebrije, 1)))
    TestPaymentProvider().authenticate(reference=placement.authentication.reference, approved=True)
    confirm_order_payment(order=placement.order, reference=placement.authentication.reference)
    Order.objects.filter(pk=placement.order.pk).update(placed_at=timezone.now() - timedelta(minutes=31))

    assert release_unconfirmed_payment.call(order_id=placement.order.pk) is False
    assert Order.objects.get(pk=placement.order.pk).status == OrderStatus.PAID


def test_a_payment_the_bank_confirms_after_the_giver_cancelled_is_refunded(world):
    placement = start(world, cart_with(world.giver, (world.alebrije, 1)))
    cancel_order(order=placement.order, by=world.giver)
    TestPaymentProvider().authenticate(reference=placement.authentication.reference, approved=True)
    provider = TestPaymentProvider()

    with (
        mock.patch.object(provider, "refund", wraps=provider.refund) as refund,
        pytest.raises(PaymentArrivedLate, match="refunded it in full"),
    ):
        confirm_order_payment(order=placement.order, reference=placement.authentication.reference, provider=provider)

    assert refund.call_args.kwargs["reference"] == placement.authentication.reference
    assert Order.objects.get().status == OrderStatus.CANCELLED
    assert stock(world) == 3


# The pages, with the test provider.


@pytest.fixture
def giver_client(client, world):
    client.force_login(world.giver)
    return client


CHECKOUT = "/en/checkout/?ships_to=lyon"


def checkout_form(page, card):
    form = page.context["form"]
    return {
        "recipient-recipient_name": "Claire Martin",
        "recipient-street_address_1": "12 rue de la République",
        "recipient-city": "Lyon",
        "recipient-postal_code": "69002",
        "message": "Joyeux anniversaire !",
        "reveal_giver": "on",
        "giver_name": "Sam",
        "recipient_language": "fr",
        "payment_token": card,
        "idempotency_key": form.initial["idempotency_key"],
        "expected_total": str(form.initial["expected_total"]),
    }


def submit_requires_action(giver_client, world):
    cart_with(world.giver, (world.alebrije, 2))
    response = giver_client.post(CHECKOUT, checkout_form(giver_client.get(CHECKOUT), TEST_CARD_REQUIRES_ACTION))
    order = Order.objects.get()
    assert response["Location"] == f"/en/checkout/orders/{order.pk}/authenticate/"
    assert giver_client.get(response["Location"])["Location"] == f"/en/checkout/orders/{order.pk}/test-bank/"
    return order


def test_the_test_bank_approves_and_the_giver_lands_on_the_paid_order(giver_client, world):
    order = submit_requires_action(giver_client, world)
    bank = giver_client.get(f"/en/checkout/orders/{order.pk}/test-bank/")
    assert "Test mode." in bank.content.decode()
    assert "LaGiftArt asks for $225.00" in bank.content.decode()

    response = giver_client.post(f"/en/checkout/orders/{order.pk}/test-bank/", {"decision": "approve"})

    assert response["Location"] == f"/en/account/orders/{order.pk}/placed/"
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert not CartLine.objects.exists()
    # Coming back to the bank's step of a paid order goes to the order, not to the bank again.
    assert giver_client.get(f"/en/checkout/orders/{order.pk}/authenticate/")["Location"].endswith("/placed/")


def test_the_order_page_leads_back_to_the_bank_while_the_payment_waits(giver_client, world, client):
    order = submit_requires_action(giver_client, world)

    page = giver_client.get(f"/en/account/orders/{order.pk}/").content.decode()

    assert "Your bank is waiting for you" in page
    assert f'href="/en/checkout/orders/{order.pk}/authenticate/"' in page
    deadline = time_format(timezone.localtime(order.placed_at + timedelta(minutes=30)))
    assert f"held for you until {deadline};" in page

    # Another browser of the same giver cannot finish it there, and is told where it can.
    other_browser = Client()
    other_browser.force_login(world.giver)
    elsewhere = other_browser.get(f"/en/account/orders/{order.pk}/").content.decode()
    assert "in the browser where you placed the order" in elsewhere
    assert "/authenticate/" not in elsewhere

    giver_client.post(f"/en/checkout/orders/{order.pk}/test-bank/", {"decision": "approve"})
    assert "Your bank is waiting for you" not in giver_client.get(f"/en/account/orders/{order.pk}/").content.decode()


def test_a_failed_test_authentication_returns_to_checkout_filled_in_with_the_cart_as_it_was(giver_client, world):
    order = submit_requires_action(giver_client, world)

    response = giver_client.post(f"/en/checkout/orders/{order.pk}/test-bank/", {"decision": "fail"}, follow=True)

    assert response.redirect_chain[0][0] == f"/en/checkout/?ships_to=lyon&again={order.pk}"
    html = response.content.decode()
    assert "Your bank did not confirm the payment. No money was taken" in html
    assert "Your cart is as it was." in html
    assert 'value="Claire Martin"' in html
    assert "Joyeux anniversaire !" in html
    assert CartLine.objects.get().quantity == 2
    assert stock(world) == 3
    assert Order.objects.get().status == OrderStatus.CANCELLED


def test_nobody_else_reaches_the_bank_step_of_an_order(giver_client, world):
    order = submit_requires_action(giver_client, world)
    client = Client()
    client.force_login(UserFactory())

    for url in (f"/en/checkout/orders/{order.pk}/authenticate/", f"/en/checkout/orders/{order.pk}/test-bank/"):
        assert client.get(url).status_code == 404
        assert client.post(url, {"decision": "approve"}).status_code == 404
    assert Order.objects.get().status == OrderStatus.PLACED


def test_the_test_bank_asks_again_for_a_decision_it_cannot_read(giver_client, world):
    order = submit_requires_action(giver_client, world)

    response = giver_client.post(f"/en/checkout/orders/{order.pk}/test-bank/", {"decision": "maybe"}, follow=True)

    assert "Choose whether to approve the payment." in response.content.decode()
    assert Order.objects.get().status == OrderStatus.PLACED


def test_there_is_no_test_bank_with_stripe(giver_client, world, settings):
    order = submit_requires_action(giver_client, world)
    settings.STRIPE_SECRET_KEY = "sk_test_123"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_123"

    assert giver_client.get(f"/en/checkout/orders/{order.pk}/test-bank/").status_code == 404


def test_another_browser_cannot_confirm_but_is_told_where_the_order_is(giver_client, world):
    order = submit_requires_action(giver_client, world)
    client = Client()
    client.force_login(world.giver)  # a second session of the same giver

    response = client.get(f"/en/checkout/orders/{order.pk}/authenticate/", follow=True)

    assert response.redirect_chain[-1][0] == f"/en/account/orders/{order.pk}/"
    assert "can only be confirmed in the browser where it started" in response.content.decode()


# The pages, with Stripe (its API mocked).


class FakeStripeApi:
    """Stripe's PaymentIntents as our adapter sees them: a card that asks for 3-D Secure, then the bank's answer."""

    def __init__(self):
        self.status = "requires_action"
        self.requests = []
        self.order_id = None
        self.amount = None

    def intent(self):
        return {
            "id": "pi_3ds",
            "object": "payment_intent",
            "status": self.status,
            "amount": self.amount,
            "currency": "usd",
            "client_secret": "pi_3ds_secret_abc",
            "metadata": {"lagiftart_order": str(self.order_id)},
            "latest_charge": {"payment_method_details": {"card": {"last4": "3155"}}},
        }

    def __call__(self, request, timeout=None):
        self.requests.append(request)
        if request.full_url.endswith("/v1/payment_intents") and request.data:
            fields = dict(pair.split("=", 1) for pair in request.data.decode().split("&"))
            self.order_id = int(fields["metadata%5Blagiftart_order%5D"])
            self.amount = int(fields["amount"])
        if request.full_url.endswith("/cancel"):
            self.status = "canceled"
        return stripe_answer(self.intent())


@pytest.fixture
def stripe_api(settings):
    settings.STRIPE_SECRET_KEY = "sk_test_123"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_123"
    settings.PAYMENTS_TEST_PROVIDER = False
    api = FakeStripeApi()
    with mock.patch("urllib.request.urlopen", side_effect=api):
        yield api


def test_with_stripe_the_bank_step_hands_stripe_js_the_client_secret_and_posts_back(giver_client, world, stripe_api):
    cart_with(world.giver, (world.alebrije, 2))
    response = giver_client.post(CHECKOUT, checkout_form(giver_client.get(CHECKOUT), "pm_card_threeDSecure2Required"))
    order = Order.objects.get()
    assert response["Location"] == f"/en/checkout/orders/{order.pk}/authenticate/"

    page = giver_client.get(response["Location"])

    html = page.content.decode()
    assert 'data-client-secret="pi_3ds_secret_abc"' in html
    assert 'data-autostart="true"' in html
    assert "https://hooks.stripe.com" in page["Content-Security-Policy"]
    assert "pi_3ds_secret_abc" not in response["Location"]

    stripe_api.status = "succeeded"
    paid = giver_client.post(response["Location"])

    assert paid["Location"] == f"/en/account/orders/{order.pk}/placed/"
    order.refresh_from_db()
    assert (order.status, order.payment_reference, order.card_last4) == (OrderStatus.PAID, "pi_3ds", "3155")
    assert stripe_api.requests[-1].full_url.endswith("/v1/payment_intents/pi_3ds?expand[]=latest_charge")


def test_with_stripe_a_bank_still_waiting_shows_the_step_again_without_starting_it(giver_client, world, stripe_api):
    cart_with(world.giver, (world.alebrije, 1))
    giver_client.post(CHECKOUT, checkout_form(giver_client.get(CHECKOUT), "pm_card_threeDSecure2Required"))
    order = Order.objects.get()

    page = giver_client.post(f"/en/checkout/orders/{order.pk}/authenticate/")

    assert page.status_code == 409
    assert 'data-autostart="false"' in page.content.decode()
    assert "Your bank is still waiting for you to confirm the payment." in page.content.decode()


# Stripe's webhook.

WEBHOOK = "/payments/stripe/webhook/"
SECRET = "whsec_test"


@pytest.fixture
def webhook_settings(settings):
    settings.STRIPE_SECRET_KEY = "sk_test_123"
    settings.STRIPE_WEBHOOK_SECRET = SECRET


def event(kind, order_id, reference="pi_3ds"):
    return {
        "id": "evt_1",
        "type": kind,
        "data": {
            "object": {"id": reference, "object": "payment_intent", "metadata": {"lagiftart_order": str(order_id)}}
        },
    }


def post_event(client, body, secret=SECRET, timestamp=None):
    payload = json.dumps(body).encode()
    timestamp = int(time.time()) if timestamp is None else timestamp
    signature = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return client.post(
        WEBHOOK, payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=f"t={timestamp},v1={signature}"
    )


@pytest.fixture
def waiting_order(world):
    """An order placed through Stripe whose bank asked the giver to confirm (no browser came back)."""
    provider = StripePaymentProvider("sk_test_123")
    api = FakeStripeApi()
    with mock.patch("urllib.request.urlopen", side_effect=api):
        placement = start(world, cart_with(world.giver, (world.alebrije, 2)), card="pm_3ds", provider=provider)
    api.status = "succeeded"
    return placement.order, api


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True)


def test_the_webhook_marks_a_waiting_order_paid_once(csrf_client, webhook_settings, waiting_order, mailoutbox):
    order, api = waiting_order
    with mock.patch("urllib.request.urlopen", side_effect=api):
        first = post_event(csrf_client, event("payment_intent.succeeded", order.pk))
        second = post_event(csrf_client, event("payment_intent.succeeded", order.pk))

    assert (first.status_code, first.json()["outcome"]) == (200, "paid")
    assert (second.status_code, second.json()["outcome"]) == (200, "already paid")
    order.refresh_from_db()
    assert (order.status, order.payment_reference) == (OrderStatus.PAID, "pi_3ds")
    assert list(order.status_changes.values_list("to_status", flat=True)) == ["placed", "paid"]


def test_the_webhook_releases_an_order_whose_payment_failed(
    csrf_client, webhook_settings, waiting_order, world, mailoutbox, django_capture_on_commit_callbacks
):
    order, _api = waiting_order

    with django_capture_on_commit_callbacks(execute=True):
        response = post_event(csrf_client, event("payment_intent.payment_failed", order.pk))
        again = post_event(csrf_client, event("payment_intent.payment_failed", order.pk))

    assert response.json()["outcome"] == "released"
    assert again.json()["outcome"] == "unchanged"
    assert Order.objects.get().status == OrderStatus.CANCELLED
    assert stock(world) == 3
    assert CartLine.objects.get().quantity == 2
    assert [email.subject for email in mailoutbox] == [f"Your gift was not ordered (order {order.pk})"]


def test_the_webhook_ignores_what_is_not_ours_and_refuses_what_is_unsigned(csrf_client, webhook_settings, world):
    assert post_event(csrf_client, event("payment_intent.succeeded", 999)).json()["outcome"] == "ignored"
    assert post_event(csrf_client, {"id": "evt_2", "type": "customer.created", "data": {}}).json() == {
        "received": True,
        "outcome": "ignored",
    }
    assert post_event(csrf_client, event("payment_intent.succeeded", 1), secret="whsec_other").status_code == 400
    assert (
        post_event(csrf_client, event("payment_intent.succeeded", 1), timestamp=int(time.time()) - 600).status_code
        == 400
    )
    unsigned = csrf_client.post(
        WEBHOOK, json.dumps(event("payment_intent.succeeded", 1)), content_type="application/json"
    )
    assert unsigned.status_code == 400
    assert csrf_client.get(WEBHOOK).status_code == 405


def test_the_webhook_is_not_there_until_its_secret_is_set(csrf_client, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_123"
    settings.STRIPE_WEBHOOK_SECRET = ""

    assert post_event(csrf_client, event("payment_intent.succeeded", 1)).status_code == 404


def test_the_webhook_asks_stripe_to_retry_when_stripe_cannot_be_reached(csrf_client, webhook_settings, waiting_order):
    import urllib.error

    order, _api = waiting_order
    with mock.patch("urllib.request.urlopen", side_effect=urllib.error.URLError("down")):
        response = post_event(csrf_client, event("payment_intent.succeeded", order.pk))

    assert response.status_code == 503
    assert Order.objects.get().status == OrderStatus.PLACED


def test_a_late_success_for_a_cancelled_order_is_refunded_by_the_webhook(world, waiting_order):
    order, api = waiting_order
    cancel_order(order=order, by=world.giver)
    provider = StripePaymentProvider("sk_test_123")

    with mock.patch("urllib.request.urlopen", side_effect=api):
        outcome = apply_payment_event(event=event("payment_intent.succeeded", order.pk), provider=provider)

    assert outcome == "refunded"
    assert api.requests[-1].full_url == "https://api.stripe.com/v1/refunds"


# In Chromium, with the test provider's test bank.


def in_chromium(test):
    """A test that drives Debian's Chromium against the live server (its data made before the browser starts)."""
    for mark in (
        pytest.mark.browser,
        pytest.mark.django_db(transaction=True, serialized_rollback=True),
        pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed"),
    ):
        test = mark(test)
    return test


@pytest.fixture
def two_alebrijes_in_the_cart(transactional_db):
    """The giver put two alebrijes in their cart (stock is three); built before Playwright's event loop starts."""
    world = build_giving_world()
    cart_with(world.giver, (world.alebrije, 2))
    return world


@pytest.fixture
def chromium(two_alebrijes_in_the_cart):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield browser
        browser.close()


def reach_the_test_bank(live_server, chromium):
    page = new_page(chromium, locale="en-US")
    page.goto(f"{live_server.url}/en/accounts/login/?next=/en/checkout/%3Fships_to%3Dlyon")
    dismiss_consent_banner(page)
    log_in(page)
    page.wait_for_url("**/en/checkout/?ships_to=lyon")
    fill_lyon_recipient(page)
    field(page, "Gift message").fill(MESSAGE)
    field(page, "The recipient reads").select_option(label="français")
    field(page, "Card number (test)").fill(TEST_CARD_REQUIRES_ACTION)
    with page.expect_navigation():
        page.get_by_role("button", name="Pay $225.00 and send").click()
    page.wait_for_url(re.compile(r"/en/checkout/orders/\d+/test-bank/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Test bank: confirm this payment?"
    assert "LaGiftArt asks for $225.00" in page.locator("main").inner_text()
    return page


def look_in_another_tab(page, live_server):
    """The cart's quantity and the gift page's stock line, as the giver would check them in another tab."""
    tab = page.context.new_page()
    tab.goto(f"{live_server.url}/en/cart/?ships_to=lyon")
    quantity = field(tab, "Quantity").input_value() if field(tab, "Quantity").count() else "none"
    tab.goto(f"{live_server.url}/en/gifts/alebrije-jaguar/")
    stock_line = tab.locator(".stock").inner_text()
    tab.close()
    return quantity, stock_line


@in_chromium
def test_a_giver_approves_at_the_test_bank_and_the_order_is_paid(live_server, chromium):
    page = reach_the_test_bank(live_server, chromium)
    # While the bank asks, the two pieces are held for this giver and the cart is untouched.
    assert look_in_another_tab(page, live_server) == ("2", "1 available")

    with page.expect_navigation():
        page.get_by_role("button", name="Approve the payment").click()

    page.wait_for_url(re.compile(r"/en/account/orders/\d+/placed/$"))
    assert re.search(r"Order \d+ for Claire Martin is paid: \$225\.00\.", page.locator("main").inner_text())
    page.get_by_role("link", name="Follow this order").click()
    page.wait_for_url(re.compile(r"/en/account/orders/\d+/$"))
    assert "Confirmed by the card's bank." in page.locator(".order-history").inner_text()
    assert look_in_another_tab(page, live_server) == ("none", "1 available")


@in_chromium
def test_a_failed_authentication_leaves_cart_and_stock_as_they_were_and_says_so(live_server, chromium):
    page = reach_the_test_bank(live_server, chromium)

    with page.expect_navigation():
        page.get_by_role("button", name="Fail the authentication").click()

    page.wait_for_url(re.compile(r"/en/checkout/\?ships_to=lyon&again=\d+$"))
    said = page.locator(".messages").inner_text()
    assert "Your bank did not confirm the payment. No money was taken" in said
    assert "Your cart is as it was." in said
    # The form comes back filled in, so another card is one field away.
    assert field(page, "Recipient's name").input_value() == "Claire Martin"
    assert field(page, "Gift message").input_value() == MESSAGE
    assert look_in_another_tab(page, live_server) == ("2", "3 available")

    field(page, "Card number (test)").fill(TEST_CARD_PAID)
    with page.expect_navigation():
        page.get_by_role("button", name="Pay $225.00 and send").click()
    page.wait_for_url(re.compile(r"/en/account/orders/\d+/placed/$"))
    assert re.search(r"Order \d+ for Claire Martin is paid: \$225\.00\.", page.locator("main").inner_text())
