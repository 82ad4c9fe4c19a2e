"""Orders and carts in the personal-data registry: exported in full, pseudonymized (not deleted) on erasure."""

import pytest
from django.utils import translation

from compliance.registry import Subject, registry
from gifts.checkout import place_order
from gifts.models import Cart, Order
from gifts.payments import TEST_CARD_PAID
from gifts.tests.giving import build_giving_world, cart_with, lyon_recipient, to_lyon
from locales.selectors import rate_table

pytestmark = pytest.mark.django_db


@pytest.fixture
def order():
    world = build_giving_world()
    with translation.override("en"):
        placed = _place(world)
    cart_with(None, (world.scarf, 1))  # someone else's visitor cart stays
    return placed


def _place(world):
    return place_order(
        cart=cart_with(world.giver, (world.alebrije, 1)),
        giver=world.giver,
        recipient=lyon_recipient(phone="+33472000000"),
        destination=to_lyon(world),
        currency="USD",
        rates=rate_table(),
        message="Pour Claire",
        reveal_giver=True,
        giver_name="Sam Rivera",
        payment_token=TEST_CARD_PAID,
        idempotency_key="k",
    )


def subject_for(order):
    return Subject(email="ohio.giver@example.com", user_id=order.giver_id)


def test_the_export_holds_the_orders_recipients_and_messages(order):
    exported = registry._providers["gifts.orders"].export(subject_for(order))
    assert exported[0]["recipient"]["name"] == "Claire Martin"
    assert exported[0]["message"] == "Pour Claire"
    assert exported[0]["pieces"] == [{"title": "Jaguar alebrije", "quantity": 1}]


def test_erasure_keeps_amounts_dates_and_items_but_no_person(order):
    token = order.recipient_token
    summary = registry._providers["gifts.orders"].erase(subject_for(order))
    registry._providers["gifts.cart"].erase(subject_for(order))

    kept = Order.objects.get()
    assert summary == {"pseudonymized": 1}
    assert (kept.total, kept.placed_at, kept.lines.get().title) == (order.total, order.placed_at, "Jaguar alebrije")
    for field in (
        "giver_id",
        "giver_email",
        "giver_name",
        "recipient_name",
        "recipient_street_address_1",
        "recipient_postal_code",
        "recipient_phone",
        "message",
    ):
        assert not getattr(kept, field), field
    assert kept.recipient_token != token
    assert not Cart.objects.filter(user_id=order.giver_id).exists()
    assert Cart.objects.filter(user__isnull=True).count() == 1
