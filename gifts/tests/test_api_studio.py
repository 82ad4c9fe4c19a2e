"""An artist's studio over the API: their own pieces and the orders holding them, with only what making and
readying the pieces needs, never the giver, the recipient, the message or the payment."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.api_clients import key_headers, make_key
from accounts.tests.factories import UserFactory
from artists.models import ArtistStatus
from artists.services import change_artist_status
from gifts.checkout import place_order
from gifts.models import Gift
from gifts.payments import TEST_CARD_PAID
from gifts.tests.factories import GiftFactory
from gifts.tests.giving import build_giving_world, cart_with, lyon_recipient, to_lyon
from gifts.tests.studio import artist_account
from locales.selectors import rate_table

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_giving_world()


@pytest.fixture
def claire(world):
    """Claire, the Lyon weaver behind the silk scarf, signed in to her account."""
    return artist_account(world.scarf.artist, "claire@atelier.example")


def order(world, *pairs, key="k1", giver=None):
    return place_order(
        cart=cart_with(giver or world.giver, *pairs),
        giver=giver or world.giver,
        recipient=lyon_recipient(),
        destination=to_lyon(world),
        currency="EUR",
        rates=rate_table(),
        message="Pour Claire, avec amour",
        reveal_giver=True,
        giver_name="Sam Rivera",
        payment_token=TEST_CARD_PAID,
        idempotency_key=key,
    )


def test_an_artist_lists_their_own_pieces_published_or_not(client, world, claire):
    GiftFactory(artist=world.scarf.artist, slug="loom-draft", published=False, published_at=None)
    client.force_login(claire)
    body = client.get("/api/v1/studio/gifts/").json()
    assert {gift["slug"] for gift in body["results"]} == {"silk-scarf", "loom-draft"}
    listed = {gift["slug"]: gift for gift in body["results"]}
    assert listed["loom-draft"]["published"] is False and listed["silk-scarf"]["price"]["currency"] == "EUR"


def test_an_artist_sees_only_their_pieces_of_an_order_and_nothing_about_the_people(client, world, claire):
    placed = order(world, (world.scarf, 1), (world.alebrije, 1))
    client.force_login(claire)
    response = client.get("/api/v1/studio/orders/")
    [seen] = response.json()["results"]
    assert seen["id"] == placed.pk and seen["status"] == "paid"
    assert (seen["destination_country"], seen["destination_market"]) == ("FR", "lyon")
    assert [(line["gift"], line["quantity"]) for line in seen["lines"]] == [("silk-scarf", 1)]
    [parcel] = seen["shipments"]
    assert parcel["origin"] == "lyon" and parcel["id"] == seen["lines"][0]["shipment"]
    text = response.content.decode()
    for private in ("Claire Martin", "République", "69002", "Sam Rivera", world.giver.email, "Pour Claire", "4242"):
        assert private not in text
    assert "alebrije" not in text
    assert set(seen) == {"id", "placed_at", "status", "destination_country", "destination_market", "lines", "shipments"}


def test_orders_without_the_artists_pieces_are_not_listed(client, world, claire):
    order(world, (world.alebrije, 1))
    client.force_login(claire)
    assert client.get("/api/v1/studio/orders/").json()["count"] == 0


@pytest.mark.parametrize("path", ["/api/v1/studio/gifts/", "/api/v1/studio/orders/"])
def test_the_studio_costs_the_same_queries_for_one_item_or_many(client, world, claire, path):
    order(world, (world.scarf, 1), key="a")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return len(captured)

    client.force_login(claire)
    one = queries()
    GiftFactory.create_batch(3, artist=world.scarf.artist)
    Gift.objects.filter(slug="silk-scarf").update(stock=10)
    order(world, (world.scarf, 1), key="b", giver=UserFactory())
    order(world, (world.scarf, 1), key="c", giver=UserFactory())
    assert queries() == one


def test_someone_who_is_not_an_artist_is_refused(client, world):
    client.force_login(UserFactory())
    response = client.get("/api/v1/studio/orders/")
    assert response.status_code == 403
    assert response.json()["detail"] == "This part of the API is for LaGiftArt's approved artists."


def test_an_unverified_address_does_not_make_an_artist(client, world):
    account = artist_account(world.scarf.artist, "claims@example.com", verified=False)
    client.force_login(account)
    assert client.get("/api/v1/studio/gifts/").status_code == 403


def test_a_suspended_artist_has_no_studio(client, world, claire):
    change_artist_status(artist=world.scarf.artist, to_status=ArtistStatus.SUSPENDED, by=None, reason="Paused")
    client.force_login(claire)
    assert client.get("/api/v1/studio/gifts/").status_code == 403


def test_no_partner_key_opens_a_studio(client, world, claire):
    _key, full_key = make_key(claire)
    assert client.get("/api/v1/studio/gifts/", headers=key_headers(full_key)).status_code == 403


def test_the_studio_is_read_only(client, world, claire):
    client.force_login(claire)
    assert client.post("/api/v1/studio/gifts/", {}, content_type="application/json").status_code == 405
