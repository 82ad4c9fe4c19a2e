"""Placing an order: stock, prices, lanes, customs, duties and payment, all or nothing; the checkout page with
Stripe's card field, which posts only a PaymentMethod id, and its Content Security Policy."""

import urllib.parse
from decimal import Decimal
from unittest import mock

import pytest
from django.utils import translation

from gifts.checkout import (
    CheckoutError,
    LaneClosed,
    OutOfStock,
    PricesChanged,
    place_order,
    place_paid_order,
    quote_cart,
)
from gifts.models import CartLine, Gift, Order, OrderStatus
from gifts.orders import OrderError, cancel_order, change_order_status
from gifts.payments import (
    ORDER_METADATA_KEY,
    TEST_CARD_DECLINED,
    TEST_CARD_PAID,
    TEST_CARD_REQUIRES_ACTION,
    PaymentDeclined,
    PaymentRequiresAction,
    TestPaymentProvider,
)
from gifts.tests.giving import build_giving_world, cart_with, lyon_recipient, to_lyon
from gifts.tests.test_payments import stripe_answer
from locales.selectors import rate_table

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_giving_world()


def place(world, cart, *, key="key-1", card=TEST_CARD_PAID, currency="USD", service=place_order, **overrides):
    arguments = {
        "cart": cart,
        "giver": world.giver,
        "recipient": lyon_recipient(),
        "destination": to_lyon(world),
        "currency": currency,
        "rates": rate_table(),
        "message": "Bon anniversaire !",
        "reveal_giver": True,
        "giver_name": "Sam",
        "payment_token": card,
        "idempotency_key": key,
    }
    arguments.update(overrides)
    return service(**arguments)


def test_an_order_from_oaxaca_to_lyon_is_paid_takes_stock_and_empties_the_cart(world):
    cart = cart_with(world.giver, (world.alebrije, 2))

    order = place(world, cart)

    assert order.status == OrderStatus.PAID
    assert list(order.status_changes.values_list("from_status", "to_status")) == [("", "placed"), ("placed", "paid")]
    assert order.card_last4 == "4242"
    world.alebrije.refresh_from_db()
    assert world.alebrije.stock == 1
    assert not CartLine.objects.filter(cart=cart).exists()
    # 2 x 1800 MXN = 3600 MXN = 200 USD; shipping 450 MXN = 25 USD.
    assert (order.items_total, order.shipping_total, order.duties_total, order.total) == (
        Decimal("200.00"),
        Decimal("25.00"),
        Decimal("0"),
        Decimal("225.00"),
    )
    shipment = order.shipments.get()
    assert shipment.lane == world.oaxaca_to_france
    assert (shipment.hs_code, shipment.declared_value, shipment.declared_currency) == ("442090", 3600, "MXN")
    assert shipment.marked_as_gift and shipment.recipient_pays_duties


def test_the_same_checkout_key_returns_the_first_order(world):
    cart = cart_with(world.giver, (world.alebrije, 1))
    first = place(world, cart)
    CartLine.objects.create(cart=cart, gift=world.alebrije, quantity=1)

    again = place(world, cart)

    assert again.pk == first.pk
    assert Order.objects.count() == 1
    assert Gift.objects.get(pk=world.alebrije.pk).stock == 2


def test_a_placement_says_whether_its_key_had_already_placed_the_order(world):
    cart = cart_with(world.giver, (world.alebrije, 1))
    first = place(world, cart, service=place_paid_order)
    CartLine.objects.create(cart=cart, gift=world.alebrije, quantity=1)  # the page submitted twice
    again = place(world, cart, service=place_paid_order)

    assert (first.replayed, again.replayed) == (False, True)
    assert again.order.pk == first.order.pk
    assert Order.objects.count() == 1


def test_a_sold_out_piece_refuses_the_order_and_changes_nothing(world):
    cart = cart_with(world.giver, (world.alebrije, 2))
    Gift.objects.filter(pk=world.alebrije.pk).update(stock=1)

    with pytest.raises(OutOfStock, match="sold out"):
        place(world, cart)

    assert Order.objects.count() == 0
    assert Gift.objects.get(pk=world.alebrije.pk).stock == 1
    assert CartLine.objects.get(cart=cart).quantity == 2


def test_a_lane_closed_meanwhile_refuses_the_order(world):
    cart = cart_with(world.giver, (world.alebrije, 1))
    world.oaxaca_to_france.active = False
    world.oaxaca_to_france.save()

    with pytest.raises(LaneClosed, match="cannot be sent to Lyon"):
        place(world, cart)
    assert Order.objects.count() == 0


def test_a_price_changed_since_the_giver_read_the_total_is_not_charged(world):
    cart = cart_with(world.giver, (world.alebrije, 1))
    Gift.objects.filter(pk=world.alebrije.pk).update(price=Decimal("2700.00"))

    with pytest.raises(PricesChanged, match=r"\$175\.00"):
        place(world, cart, expected_total=Decimal("125.00"))
    assert Order.objects.count() == 0


@pytest.mark.parametrize(
    ("card", "error"), [(TEST_CARD_DECLINED, PaymentDeclined), (TEST_CARD_REQUIRES_ACTION, PaymentRequiresAction)]
)
def test_a_payment_that_does_not_go_through_leaves_stock_and_cart_unchanged(world, card, error):
    cart = cart_with(world.giver, (world.alebrije, 2))

    with pytest.raises(error):
        place(world, cart, card=card)

    assert Order.objects.count() == 0
    assert Gift.objects.get(pk=world.alebrije.pk).stock == 3
    assert CartLine.objects.get(cart=cart).quantity == 2


def test_a_failure_after_the_charge_refunds_it(world):
    cart = cart_with(world.giver, (world.alebrije, 1))
    provider = TestPaymentProvider()
    with (
        mock.patch.object(provider, "refund", wraps=provider.refund) as refund,
        mock.patch("gifts.checkout.notify_giver", side_effect=RuntimeError("mail queue down")),
        pytest.raises(RuntimeError),
    ):
        place(world, cart, provider=provider)
    assert refund.call_count == 1
    assert Order.objects.count() == 0
    assert Gift.objects.get(pk=world.alebrije.pk).stock == 3


def test_pieces_from_two_origins_travel_as_two_shipments_on_their_own_lanes(world):
    cart = cart_with(world.giver, (world.alebrije, 1), (world.tea_bowl, 1))

    order = place(world, cart, currency="EUR")

    shipments = {shipment.origin.slug: shipment for shipment in order.shipments.all()}
    assert set(shipments) == {"oaxaca", "kyoto"}
    assert shipments["kyoto"].lane == world.kyoto_to_france
    assert [line.title for line in shipments["kyoto"].lines.all()] == ["Blue Hour tea bowl"]
    assert shipments["kyoto"].hs_code == "691390"  # the bowls' parent, ceramics, carries the code


def test_the_giver_pays_an_estimate_of_duties_above_the_gift_exemption(world):
    cart = cart_with(world.giver, (world.tea_bowl, 1))

    order = place(world, cart, currency="EUR")

    # 18 000 JPY = 108 EUR, above France's 45 EUR gift exemption: 20 % of 108 EUR.
    shipment = order.shipments.get()
    assert not shipment.recipient_pays_duties
    assert shipment.duties_estimate == Decimal("21.60")
    assert order.duties_total == Decimal("21.60")
    assert order.total == order.items_total + order.shipping_total + Decimal("21.60")


def test_a_gift_under_the_exemption_owes_no_duties(world):
    Gift.objects.filter(pk=world.tea_bowl.pk).update(price=Decimal("6000"))  # 36 EUR
    cart = cart_with(world.giver, (world.tea_bowl, 1))

    quote = quote_cart(
        list(cart.lines.select_related("gift__artist__home_locale", "gift__category")),
        destination=to_lyon(world),
        currency="EUR",
        rates=rate_table(),
    )

    assert quote.duties_total.amount == 0
    assert not quote.problems


def test_a_domestic_parcel_has_no_customs_to_pay(world):
    cart = cart_with(world.giver, (world.scarf, 1))

    order = place(world, cart, currency="EUR")

    shipment = order.shipments.get()
    assert not shipment.crosses_border
    assert not shipment.recipient_pays_duties


def test_an_empty_cart_cannot_become_an_order(world):
    with pytest.raises(CheckoutError, match="empty"):
        place(world, cart_with(world.giver))


def test_cancelling_before_shipping_returns_stock_and_refunds(world):
    order = place(world, cart_with(world.giver, (world.alebrije, 2)))

    cancel_order(order=order, by=world.giver)

    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED
    assert [change.to_status for change in order.status_changes.all()] == ["placed", "paid", "cancelled", "refunded"]
    assert Gift.objects.get(pk=world.alebrije.pk).stock == 3


def test_a_shipped_order_cannot_be_cancelled_and_the_giver_hears_it_left(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    order = place(world, cart_with(world.giver, (world.alebrije, 1)))
    with django_capture_on_commit_callbacks(execute=True):
        change_order_status(order=order, to=OrderStatus.SHIPPED, note="Posted in Oaxaca")

    with pytest.raises(OrderError, match="can no longer be cancelled"):
        cancel_order(order=order, by=world.giver)
    assert Gift.objects.get(pk=world.alebrije.pk).stock == 2
    assert [message.subject for message in mailoutbox][-1].startswith("Your gift is on its way")


def test_status_changes_follow_the_order_life(world):
    order = place(world, cart_with(world.giver, (world.alebrije, 1)))

    with pytest.raises(OrderError):
        change_order_status(order=order, to=OrderStatus.DELIVERED)
    change_order_status(order=order, to=OrderStatus.IN_PRODUCTION, note="On the bench")

    assert order.status_changes.last().note == "On the bench"


def test_the_giver_gets_the_confirmation_in_their_language(world, mailoutbox, django_capture_on_commit_callbacks):
    with translation.override("fr"), django_capture_on_commit_callbacks(execute=True):
        order = place(world, cart_with(world.giver, (world.alebrije, 1)))

    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == ["ohio.giver@example.com"]
    assert email.extra_headers["Content-Language"] == "fr"
    assert f"/fr/account/orders/{order.pk}/" in email.body
    assert f"/fr/g/{order.recipient_token}/" in email.body


@pytest.fixture
def with_stripe(settings):
    settings.STRIPE_SECRET_KEY = "sk_test_123"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_123"
    settings.PAYMENTS_TEST_PROVIDER = False


@pytest.fixture
def giver_client(client, world):
    client.force_login(world.giver)
    return client


def checkout_form(page, **overrides):
    """What the checkout page posts: the hidden key and total it rendered, a Lyon address, and `payment_token`."""
    form = page.context["form"]
    data = {
        "recipient-recipient_name": "Claire Martin",
        "recipient-street_address_1": "12 rue de la République",
        "recipient-city": "Lyon",
        "recipient-postal_code": "69002",
        "message": "Joyeux anniversaire !",
        "reveal_giver": "on",
        "giver_name": "Sam",
        "recipient_language": "fr",
        "idempotency_key": form.initial["idempotency_key"],
        "expected_total": str(form.initial["expected_total"]),
    }
    data.update(overrides)
    return data


def stripe_paid(*args, **kwargs):
    card = {"payment_method_details": {"card": {"last4": "4242"}}}
    return stripe_answer({"id": "pi_1", "status": "succeeded", "latest_charge": card})


CHECKOUT = "/en/checkout/?ships_to=lyon"


def test_with_stripe_the_checkout_page_mounts_stripes_card_field_instead_of_ours(giver_client, world, with_stripe):
    cart_with(world.giver, (world.alebrije, 1))

    page = giver_client.get(CHECKOUT)

    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-stripe-key="pk_test_123"' in html
    assert '<script src="https://js.stripe.com/v3/"></script>' in html
    assert '<input type="hidden" name="payment_token"' in html
    assert "Card number (test)" not in html
    # Without JavaScript the giver reads why there is no card field (the script hides this once Stripe's is ready).
    assert "Paying by card needs JavaScript" in html


def test_the_test_provider_keeps_the_plain_card_field_and_loads_no_stripe(giver_client, world):
    cart_with(world.giver, (world.alebrije, 1))

    html = giver_client.get(CHECKOUT).content.decode()

    assert "Card number (test)" in html
    assert "js.stripe.com" not in html
    assert "data-stripe-key" not in html


def test_a_stripe_checkout_sends_only_the_payment_method_id_to_stripe(giver_client, world, with_stripe):
    cart_with(world.giver, (world.alebrije, 1))
    page = giver_client.get(CHECKOUT)

    with mock.patch("urllib.request.urlopen", side_effect=stripe_paid) as urlopen:
        response = giver_client.post(CHECKOUT, checkout_form(page, payment_token="pm_1Q0PsIJvEtkwdCNYMSaVuRz6"))

    order = Order.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/en/account/orders/{order.pk}/placed/"
    assert (order.status, order.payment_provider, order.payment_reference, order.card_last4) == (
        OrderStatus.PAID,
        "stripe",
        "pi_1",
        "4242",
    )
    sent = dict(urllib.parse.parse_qsl(urlopen.call_args.args[0].data.decode()))
    assert sent["payment_method"] == "pm_1Q0PsIJvEtkwdCNYMSaVuRz6"
    assert sent[f"metadata[{ORDER_METADATA_KEY}]"] == str(order.pk)
    assert sent["amount"] == "12500"


@pytest.mark.parametrize("token", ["4242424242424242", "4242 4242 4242 4242", "tok_visa", "pm_", "pm_../../x", ""])
def test_with_stripe_anything_but_a_payment_method_id_is_refused_unsent(giver_client, world, with_stripe, token):
    cart_with(world.giver, (world.alebrije, 1))
    page = giver_client.get(CHECKOUT)

    with mock.patch("urllib.request.urlopen") as urlopen:
        response = giver_client.post(CHECKOUT, checkout_form(page, payment_token=token))

    assert response.status_code == 400
    assert "Enter your card details in the card field." in response.content.decode()
    assert not urlopen.called
    assert Order.objects.count() == 0


def csp(response) -> dict[str, list[str]]:
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


STRIPE_ORIGINS = {
    "https://js.stripe.com",
    "https://*.js.stripe.com",
    "https://hooks.stripe.com",
    "https://api.stripe.com",
}


def test_the_checkout_csp_allows_exactly_stripes_origins_and_other_pages_none(giver_client, world, with_stripe):
    cart_with(world.giver, (world.alebrije, 1))

    policy = csp(giver_client.get(CHECKOUT))

    assert [source for source in policy["script-src"] if "stripe" in source] == [
        "https://js.stripe.com",
        "https://*.js.stripe.com",
    ]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert policy["frame-src"] == ["https://js.stripe.com", "https://*.js.stripe.com", "https://hooks.stripe.com"]
    assert policy["connect-src"] == ["'self'", "https://api.stripe.com"]
    assert policy["frame-ancestors"] == ["'none'"]
    everything = {source for sources in policy.values() for source in sources if "stripe" in source}
    assert everything == STRIPE_ORIGINS
    for other in ("/en/cart/?ships_to=lyon", "/en/gifts/alebrije-jaguar/", "/en/account/orders/", "/en/"):
        assert "stripe" not in giver_client.get(other)["Content-Security-Policy"], other


def test_without_stripe_the_checkout_csp_names_no_stripe_origin(giver_client, world):
    cart_with(world.giver, (world.alebrije, 1))

    assert "stripe" not in giver_client.get(CHECKOUT)["Content-Security-Policy"]


def test_a_stripe_key_without_a_publishable_key_says_card_payment_is_unavailable(
    giver_client, world, with_stripe, settings
):
    settings.STRIPE_PUBLISHABLE_KEY = ""
    cart_with(world.giver, (world.alebrije, 1))

    html = giver_client.get(CHECKOUT).content.decode()

    assert "Card payment is not available at the moment." in html
    assert "Pay $125.00 and send" not in html
