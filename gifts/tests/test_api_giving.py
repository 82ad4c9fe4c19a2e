"""The giver's API: the cart, checkout with an Idempotency-Key, and their own orders, through the storefront's
services; other people's carts and orders are 404s, and every error is a problem+json answer."""

from decimal import Decimal

import pytest
from django.test import Client

from accounts.models import ApiScope
from accounts.tests.api_clients import key_headers, make_key
from accounts.tests.factories import UserFactory
from gifts.models import Cart, CartLine, Gift, Order, OrderStatus
from gifts.orders import change_order_status
from gifts.payments import TEST_CARD_DECLINED, TEST_CARD_REQUIRES_ACTION
from gifts.tests.factories import GiftFactory
from gifts.tests.giving import API_RECIPIENT, api_checkout_body, build_giving_world, cart_with
from locales.models import ShippingLane

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_giving_world()


@pytest.fixture
def giver(client, world):
    client.force_login(world.giver)
    return client


def checkout_body(**overrides):
    return api_checkout_body(
        **{"message": "Joyeux anniversaire !", "reveal_giver": True, "giver_name": "Sam", **overrides}
    )


def check_out(client, body=None, key="order-1", **headers):
    if key is not None:
        headers["Idempotency-Key"] = key
    return client.post("/api/v1/checkout/", body or checkout_body(), content_type="application/json", headers=headers)


def problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    return response.json()


# The cart ------------------------------------------------------------------------------------------------------


def test_an_empty_cart_has_no_lines_and_no_quote(giver):
    assert giver.get("/api/v1/cart/", {"destination": "lyon"}).json() == {"lines": [], "quote": None}


def test_a_giver_fills_the_cart_and_reads_the_storefronts_quote(giver, world):
    added = giver.post("/api/v1/cart/lines/", {"gift": "silk-scarf", "quantity": 2}, content_type="application/json")
    assert added.status_code == 201
    [line] = added.json()["lines"]
    assert (line["gift"]["slug"], line["quantity"], line["available"]) == ("silk-scarf", 2, 3)
    assert line["gift"]["price"]["amount"] == "90.00" and line["gift"]["origin"] == "lyon"

    quote = giver.get("/api/v1/cart/", {"destination": "lyon", "currency": "EUR"}).json()["quote"]
    assert quote["total"]["amount"] == "187.50" and quote["total"]["currency"] == "EUR"
    assert quote["destination"] == {"value": "lyon", "country": "FR", "label": "Lyon"}
    [parcel] = quote["shipments"]
    assert parcel["origin"] == "lyon" and parcel["shipping"]["amount"] == "7.50" and not parcel["crosses_border"]
    assert quote["problems"] == []


def test_adding_a_piece_again_adds_up_to_what_is_in_stock(giver, world):
    giver.post("/api/v1/cart/lines/", {"gift": "silk-scarf", "quantity": 2}, content_type="application/json")
    body = problem(
        giver.post("/api/v1/cart/lines/", {"gift": "silk-scarf", "quantity": 2}, content_type="application/json"), 409
    )
    assert body["detail"] == "Only 3 of this piece can go in your cart."
    assert CartLine.objects.get().quantity == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"gift": "no-such-gift"}, "gift"),
        ({"gift": "draft"}, "gift"),
        ({"gift": "silk-scarf", "quantity": 0}, "quantity"),
        ({"gift": "silk-scarf", "quantity": 21}, "quantity"),
        ({"gift": "silk-scarf", "quantity": "many"}, "quantity"),
        ({}, "gift"),
    ],
)
def test_bad_cart_input_is_a_400_naming_the_field(giver, world, body, field):
    response = problem(giver.post("/api/v1/cart/lines/", body, content_type="application/json"), 400)
    assert field in response["errors"]
    assert not CartLine.objects.exists()


def test_a_sold_out_piece_cannot_be_added(giver, world):
    Gift.objects.filter(slug="silk-scarf").update(stock=0)
    body = problem(giver.post("/api/v1/cart/lines/", {"gift": "silk-scarf"}, content_type="application/json"), 409)
    assert body["detail"] == "This piece is sold out for now."


def test_cart_errors_speak_the_callers_language(giver, world):
    Gift.objects.filter(slug="silk-scarf").update(stock=0)
    response = giver.post(
        "/api/v1/cart/lines/",
        {"gift": "silk-scarf"},
        content_type="application/json",
        headers={"Accept-Language": "fr"},
    )
    assert problem(response, 409)["detail"] == "Cette pièce est épuisée pour le moment."


@pytest.mark.parametrize(
    ("query", "parameter"),
    [({"destination": "atlantis"}, "destination"), ({"currency": "XYZ"}, "currency"), ({"colour": "red"}, "colour")],
)
def test_bad_cart_query_parameters_are_a_400(giver, world, query, parameter):
    cart_with(world.giver, (world.scarf, 1))
    assert parameter in problem(giver.get("/api/v1/cart/", query), 400)["errors"]


def test_a_line_changes_quantity_and_zero_removes_it(giver, world):
    cart_with(world.giver, (world.scarf, 1))
    line = CartLine.objects.get()
    changed = giver.patch(f"/api/v1/cart/lines/{line.pk}/", {"quantity": 3}, content_type="application/json")
    assert changed.status_code == 200 and changed.json()["lines"][0]["quantity"] == 3
    problem(giver.patch(f"/api/v1/cart/lines/{line.pk}/", {"quantity": 4}, content_type="application/json"), 409)
    emptied = giver.patch(f"/api/v1/cart/lines/{line.pk}/", {"quantity": 0}, content_type="application/json")
    assert emptied.json()["lines"] == [] and not CartLine.objects.exists()


def test_a_line_patched_with_nothing_stays_as_it_was(giver, world):
    cart_with(world.giver, (world.scarf, 2))
    line = CartLine.objects.get()
    response = giver.patch(f"/api/v1/cart/lines/{line.pk}/", {}, content_type="application/json")
    assert response.status_code == 200 and response.json()["lines"][0]["quantity"] == 2


def test_a_line_is_deleted(giver, world):
    cart_with(world.giver, (world.scarf, 1))
    line = CartLine.objects.get()
    assert giver.delete(f"/api/v1/cart/lines/{line.pk}/").status_code == 204
    assert not CartLine.objects.exists()
    problem(giver.delete(f"/api/v1/cart/lines/{line.pk}/"), 404)


def test_another_persons_cart_line_is_a_404_and_stays_as_it_was(giver, world):
    cart_with(world.giver, (world.scarf, 1))
    other = UserFactory()
    cart_with(other, (world.tea_bowl, 1))
    theirs = CartLine.objects.get(cart__user=other)
    problem(giver.patch(f"/api/v1/cart/lines/{theirs.pk}/", {"quantity": 2}, content_type="application/json"), 404)
    problem(giver.delete(f"/api/v1/cart/lines/{theirs.pk}/"), 404)
    theirs.refresh_from_db()
    assert theirs.quantity == 1


def test_reading_the_cart_costs_the_same_queries_for_one_line_or_many(giver, world):
    cart = cart_with(world.giver, (world.scarf, 1))

    def queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert giver.get("/api/v1/cart/").status_code == 200
        return len(captured)

    one = queries()
    for gift in (world.tea_bowl, world.alebrije, GiftFactory(artist=world.scarf.artist)):
        CartLine.objects.create(cart=cart, gift=gift, quantity=1)
    assert queries() == one


# Checkout ------------------------------------------------------------------------------------------------------


def test_checkout_places_the_order_and_charges_it(giver, world):
    cart_with(world.giver, (world.scarf, 1))
    response = check_out(giver, checkout_body(expected_total="97.50"))
    assert response.status_code == 201, response.content
    order = Order.objects.get()
    assert response["Location"] == f"/api/v1/orders/{order.pk}/"
    body = response.json()
    assert body["id"] == order.pk and body["status"] == "paid"
    assert body["total"] == {"amount": "97.50", "currency": "EUR", "formatted": body["total"]["formatted"]}
    assert body["recipient"]["name"] == "Claire Martin" and body["recipient"]["language"] == "fr"
    assert body["card_last4"] == "4242" and body["cancellable"]
    assert [change["to_status"] for change in body["history"]] == ["placed", "paid"]
    assert body["recipient_url"].endswith(f"/fr/g/{order.recipient_token}/")
    assert not CartLine.objects.exists()
    assert Gift.objects.get(slug="silk-scarf").stock == 2


def test_the_same_idempotency_key_returns_the_same_order_and_never_charges_twice(giver, world):
    cart_with(world.giver, (world.scarf, 1))
    first = check_out(giver, key="retry-me")
    # The cart is empty now: the retry must not need it.
    again = check_out(giver, key="retry-me")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert Order.objects.count() == 1
    assert Gift.objects.get(slug="silk-scarf").stock == 2


def test_a_checkout_without_an_idempotency_key_is_refused_before_anything_happens(giver, world):
    cart_with(world.giver, (world.scarf, 1))
    body = problem(check_out(giver, key=None), 428)
    assert body["type"] == "urn:lagiftart:problem:idempotency_key_required"
    problem(check_out(giver, key="x" * 65), 428)
    problem(check_out(giver, key="two words"), 428)
    assert not Order.objects.exists() and CartLine.objects.exists()


def test_another_givers_key_does_not_return_their_order(giver, world):
    other = UserFactory()
    cart_with(world.giver, (world.scarf, 1))
    other_client = Client()
    other_client.force_login(other)
    cart_with(other, (world.tea_bowl, 1))
    check_out(other_client, key="shared-key")
    mine = check_out(giver, key="shared-key")
    assert mine.status_code == 201
    assert Order.objects.filter(giver=world.giver).count() == 1 and Order.objects.count() == 2


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"recipient": {**API_RECIPIENT, "postal_code": ""}}, "recipient.postal_code"),
        ({"recipient": {**API_RECIPIENT, "postal_code": "ABCDE"}}, "recipient.postal_code"),
        ({"recipient": {**API_RECIPIENT, "language": "ja"}}, "recipient.language"),
        ({"recipient": {**API_RECIPIENT, "language": "tlh"}}, "recipient.language"),
        ({"recipient": {k: v for k, v in API_RECIPIENT.items() if k != "name"}}, "recipient.name"),
        ({"reveal_giver": True, "giver_name": ""}, "giver_name"),
        ({"message": "x" * 501}, "message"),
        ({"destination": "atlantis"}, "destination"),
        ({"currency": "XYZ"}, "currency"),
        ({"payment_token": ""}, "payment_token"),
        ({"expected_total": "lots"}, "expected_total"),
    ],
)
def test_bad_checkout_input_is_a_400_naming_the_field(giver, world, overrides, field):
    cart_with(world.giver, (world.scarf, 1))
    body = problem(check_out(giver, checkout_body(**overrides)), 400)
    assert field in body["errors"], body
    assert not Order.objects.exists()


def test_an_address_outside_the_chosen_market_is_refused(giver, world):
    cart_with(world.giver, (world.scarf, 1))
    paris = {**API_RECIPIENT, "city": "Paris", "postal_code": "75001"}
    body = problem(check_out(giver, checkout_body(recipient=paris)), 400)
    assert "This address is not in Lyon" in " ".join(body["errors"]["recipient"])


def test_an_empty_cart_is_a_conflict_in_the_callers_language(giver, world):
    body = problem(check_out(giver, **{"Accept-Language": "fr"}), 409)
    assert body["detail"] == "Votre panier est vide."


def test_a_piece_that_sold_out_meanwhile_is_a_conflict_and_changes_nothing(giver, world):
    cart_with(world.giver, (world.scarf, 2))
    Gift.objects.filter(slug="silk-scarf").update(stock=1)
    body = problem(check_out(giver), 409)
    assert "sold out while you were checking out" in body["detail"]
    assert not Order.objects.exists() and CartLine.objects.get().quantity == 2


def test_a_lane_that_closed_is_a_conflict(giver, world):
    cart_with(world.giver, (world.scarf, 1))
    ShippingLane.objects.filter(origin=world.lyon, destination_country="FR").update(active=False)
    body = problem(check_out(giver), 409)
    assert "cannot be sent to Lyon" in body["detail"]


def test_a_changed_total_is_a_conflict_not_a_charge(giver, world):
    cart_with(world.giver, (world.scarf, 1))
    body = problem(check_out(giver, checkout_body(expected_total="90.00")), 409)
    assert body["detail"].startswith("The total changed to")
    assert not Order.objects.exists()


@pytest.mark.parametrize("card", [TEST_CARD_DECLINED, TEST_CARD_REQUIRES_ACTION, "4111111111111111"])
def test_a_refused_card_is_a_402_and_leaves_stock_and_cart(giver, world, card):
    cart_with(world.giver, (world.scarf, 1))
    body = problem(check_out(giver, checkout_body(payment_token=card)), 402)
    assert body["type"] == "urn:lagiftart:problem:payment_declined"
    assert "No money was taken" in body["detail"] or "not possible here" in body["detail"]
    assert not Order.objects.exists()
    assert CartLine.objects.exists() and Gift.objects.get(slug="silk-scarf").stock == 3


def test_a_partner_key_checks_out_for_its_account(world):
    partner = UserFactory(email="api@acme.example")
    _key, full_key = make_key(partner, [ApiScope.CART_WRITE, ApiScope.ORDERS_WRITE])
    client = Client()
    added = client.post(
        "/api/v1/cart/lines/", {"gift": "silk-scarf"}, content_type="application/json", headers=key_headers(full_key)
    )
    assert added.status_code == 201
    placed = check_out(client, **key_headers(full_key))
    assert placed.status_code == 201
    assert Order.objects.get().giver == partner


# Orders --------------------------------------------------------------------------------------------------------


def place(world, user, key):
    cart, _created = Cart.objects.get_or_create(user=user)
    CartLine.objects.create(cart=cart, gift=world.scarf, quantity=1)
    client = Client()
    client.force_login(user)
    response = check_out(client, key=key)
    assert response.status_code == 201, response.content
    return Order.objects.get(pk=response.json()["id"])


def test_a_giver_lists_only_their_own_orders(giver, world):
    mine = place(world, world.giver, "a")
    place(world, UserFactory(), "b")
    body = giver.get("/api/v1/orders/").json()
    assert body["count"] == 1
    [summary] = body["results"]
    assert summary["id"] == mine.pk and summary["url"] == f"http://testserver/api/v1/orders/{mine.pk}/"
    assert summary["lines"] == [{"title": "River Light silk scarf", "quantity": 1}]


def test_another_givers_order_is_a_404_like_one_that_does_not_exist(giver, world):
    theirs = place(world, UserFactory(), "b")
    assert problem(giver.get(f"/api/v1/orders/{theirs.pk}/"), 404)["detail"] == "You have no order with this number."
    problem(giver.get("/api/v1/orders/999999/"), 404)
    problem(giver.post(f"/api/v1/orders/{theirs.pk}/cancel/"), 404)
    theirs.refresh_from_db()
    assert theirs.status == OrderStatus.PAID


def test_listing_orders_costs_the_same_queries_for_one_or_many(giver, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    place(world, world.giver, "a")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert giver.get("/api/v1/orders/").status_code == 200
        return len(captured)

    one = queries()
    place(world, world.giver, "b")
    place(world, world.giver, "c")
    assert queries() == one


def test_a_giver_cancels_before_shipping_and_is_refunded(giver, world):
    order = place(world, world.giver, "a")
    response = giver.post(f"/api/v1/orders/{order.pk}/cancel/")
    assert response.status_code == 200
    assert response.json()["status"] == "refunded" and response.json()["recipient_url"] is None
    assert [change["to_status"] for change in response.json()["history"]][-2:] == ["cancelled", "refunded"]
    assert Gift.objects.get(slug="silk-scarf").stock == 3


def test_a_shipped_order_cannot_be_cancelled(giver, world):
    order = place(world, world.giver, "a")
    change_order_status(order=order, to=OrderStatus.SHIPPED)
    body = problem(giver.post(f"/api/v1/orders/{order.pk}/cancel/"), 409)
    assert "can no longer be cancelled" in body["detail"]


def test_the_order_detail_shows_parcels_and_customs(giver, world):
    cart_with(world.giver, (world.scarf, 1), (world.alebrije, 1))
    order_id = check_out(giver, checkout_body(currency="USD")).json()["id"]
    body = giver.get(f"/api/v1/orders/{order_id}/").json()
    origins = sorted(shipment["origin"] for shipment in body["shipments"])
    assert origins == ["lyon", "oaxaca"]
    oaxaca = next(shipment for shipment in body["shipments"] if shipment["origin"] == "oaxaca")
    assert oaxaca["crosses_border"] and oaxaca["hs_code"] == "442090"
    assert oaxaca["declared_value"]["currency"] == "MXN"
    assert {line["gift"] for line in body["lines"]} == {"silk-scarf", "alebrije-jaguar"}
    assert Decimal(body["total"]["amount"]) > 0
