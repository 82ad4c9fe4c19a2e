"""Twenty givers want the last three pieces at the same moment: row locks let exactly three orders through."""

import threading

import pytest
from django.db import connection, connections

from accounts.tests.factories import UserFactory
from gifts.checkout import OutOfStock, place_order
from gifts.models import Gift, Order
from gifts.payments import TEST_CARD_PAID
from gifts.tests.giving import build_giving_world, cart_with, lyon_recipient, to_lyon
from locales.selectors import rate_table

GIVERS = 20

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite has no row locks (select_for_update is a no-op) and one writer at a time; "
        "run with DATABASE_URL=postgres://… to test the race",
    ),
]


def test_twenty_concurrent_orders_for_the_last_three_pieces_make_exactly_three(transactional_db):
    world = build_giving_world()
    givers = [UserFactory() for _ in range(GIVERS)]
    carts = [cart_with(giver, (world.alebrije, 1)) for giver in givers]
    rates = rate_table()
    start = threading.Barrier(GIVERS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def give(index):
        try:
            start.wait()
            place_order(
                cart=carts[index],
                giver=givers[index],
                recipient=lyon_recipient(),
                destination=to_lyon(world),
                currency="USD",
                rates=rates,
                message="",
                reveal_giver=False,
                giver_name="",
                payment_token=TEST_CARD_PAID,
                idempotency_key=f"race-{index}",
            )
            outcome = "placed"
        except OutOfStock:
            outcome = "sold out"
        finally:
            connections.close_all()  # each thread has its own connection; close it before the thread ends
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=give, args=(index,)) for index in range(GIVERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["placed"] * 3 + ["sold out"] * (GIVERS - 3)
    assert Order.objects.count() == 3
    assert Gift.objects.get(pk=world.alebrije.pk).stock == 0
