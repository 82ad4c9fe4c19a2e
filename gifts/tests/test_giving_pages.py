"""The giving pages as people use them: cart, checkout, orders and the recipient's page."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.tests.factories import AddressFactory, UserFactory
from gifts.checkout import place_order
from gifts.models import Cart, CartLine, Gift, Order, OrderStatus
from gifts.payments import TEST_CARD_DECLINED, TEST_CARD_PAID
from gifts.tests.giving import build_giving_world, cart_with, lyon_recipient, to_lyon
from locales.selectors import rate_table

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_giving_world()


@pytest.fixture
def giver_client(client, world):
    client.force_login(world.giver)
    return client


def checkout_data(page, **overrides):
    """What a giver submits: the hidden key and total the page rendered, plus a Lyon address and a test card."""
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
        "payment_token": TEST_CARD_PAID,
        "idempotency_key": form.initial["idempotency_key"],
        "expected_total": str(form.initial["expected_total"]),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def placed_order(world, **overrides):
    values = {
        "cart": cart_with(world.giver, (world.alebrije, 1)),
        "giver": world.giver,
        "recipient": lyon_recipient(),
        "destination": to_lyon(world),
        "currency": "USD",
        "rates": rate_table(),
        "message": "Pour toi, avec amour",
        "reveal_giver": False,
        "giver_name": "Sam Rivera",
        "payment_token": TEST_CARD_PAID,
        "idempotency_key": "k1",
    }
    values.update(overrides)
    return place_order(**values)


def test_a_visitor_fills_a_cart_that_joins_their_account_at_login(client, world):
    response = client.post(reverse("gifts:cart_add", kwargs={"slug": "alebrije-jaguar"}), {"quantity": "2"})
    assert response.status_code == 302
    page = client.get(reverse("gifts:cart") + "?ships_to=lyon")
    assert "Jaguar alebrije" in page.content.decode()
    assert "From Oaxaca to Lyon" in page.content.decode()
    cart_with(world.giver, (world.alebrije, 2))  # the account already holds two: together they stop at stock (3)

    client.post(reverse("account_login"), {"login": world.giver.email, "password": "a-long-gift-password-42"})

    assert list(CartLine.objects.filter(cart__user=world.giver).values_list("quantity", flat=True)) == [3]
    assert Cart.objects.filter(user__isnull=True).count() == 0


def test_the_cart_never_holds_more_than_the_stock(client, world):
    client.post(reverse("gifts:cart_add", kwargs={"slug": "alebrije-jaguar"}), {"quantity": "3"})
    response = client.post(
        reverse("gifts:cart_add", kwargs={"slug": "alebrije-jaguar"}), {"quantity": "1"}, follow=True
    )
    assert "Only 3 of this piece can go in your cart." in response.content.decode()
    line = CartLine.objects.get()
    response = client.post(reverse("gifts:cart_line_update", kwargs={"pk": line.pk}), {"quantity": "9"}, follow=True)
    assert "Only 3 of this piece" in response.content.decode()
    response = client.post(reverse("gifts:cart_line_update", kwargs={"pk": line.pk}), {"quantity": "abc"}, follow=True)
    assert "Choose a quantity from 0 to 20." in response.content.decode()
    client.post(reverse("gifts:cart_line_update", kwargs={"pk": line.pk}), {"quantity": "0"})
    assert not CartLine.objects.exists()


@pytest.mark.parametrize("quantity", ["0", "-1", "x", "21"])
def test_adding_a_nonsense_quantity_is_explained(client, world, quantity):
    response = client.post(
        reverse("gifts:cart_add", kwargs={"slug": "alebrije-jaguar"}), {"quantity": quantity}, follow=True
    )
    assert response.status_code == 200
    assert "Choose how many, from 1 to 20." in response.content.decode()
    assert not CartLine.objects.exists()


def test_a_sold_out_or_unpublished_piece_cannot_be_added(client, world):
    Gift.objects.filter(pk=world.alebrije.pk).update(stock=0)
    response = client.post(
        reverse("gifts:cart_add", kwargs={"slug": "alebrije-jaguar"}), {"quantity": "1"}, follow=True
    )
    assert "sold out" in response.content.decode()
    assert client.post(reverse("gifts:cart_add", kwargs={"slug": "draft"}), {"quantity": "1"}).status_code == 404


def test_the_gift_page_offers_add_to_cart(client, world):
    page = client.get(world.alebrije.get_absolute_url())
    assert reverse("gifts:cart_add", kwargs={"slug": "alebrije-jaguar"}) in page.content.decode()


def test_checkout_asks_visitors_to_log_in(client, world):
    response = client.get(reverse("gifts:checkout") + "?ships_to=lyon")
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_a_giver_checks_out_and_sees_the_order(giver_client, world):
    cart_with(world.giver, (world.alebrije, 1))
    page = giver_client.get(reverse("gifts:checkout") + "?ships_to=lyon")
    text = page.content.decode()
    assert page.status_code == 200
    assert "$125.00" in text  # 100 USD piece + 25 USD shipping
    assert "recipient may be asked to pay import duties" in text
    assert "français" in text

    response = giver_client.post(reverse("gifts:checkout") + "?ships_to=lyon", checkout_data(page))

    order = Order.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("gifts:order_placed", kwargs={"pk": order.pk})
    assert (order.recipient_name, order.recipient_city, order.message) == (
        "Claire Martin",
        "Lyon",
        "Joyeux anniversaire !",
    )
    assert order.total == Decimal("125.00")
    detail = giver_client.get(order.get_absolute_url()).content.decode()
    assert "12 rue de la République" in detail
    assert f"/fr/g/{order.recipient_token}/" in detail
    listing = giver_client.get(reverse("gifts:order_list")).content.decode()
    assert order.get_absolute_url() in listing


def test_submitting_the_same_checkout_twice_makes_one_order(giver_client, world):
    cart_with(world.giver, (world.alebrije, 1))
    page = giver_client.get(reverse("gifts:checkout") + "?ships_to=lyon")
    data = checkout_data(page)
    first = giver_client.post(reverse("gifts:checkout") + "?ships_to=lyon", data)
    CartLine.objects.create(cart=Cart.objects.get(user=world.giver), gift=world.alebrije, quantity=1)
    second = giver_client.post(reverse("gifts:checkout") + "?ships_to=lyon", data)
    assert first["Location"] == second["Location"]
    assert Order.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"recipient-postal_code": "6900"}, "postal code in this country"),
        ({"recipient-recipient_name": ""}, "This field is required."),
        ({"recipient-street_address_1": ""}, "This field is required."),
        ({"message": "x" * 501}, "at most 500 characters"),
        ({"giver_name": ""}, "Tell us how to sign the gift"),
        ({"recipient_language": "ja"}, "Select a valid choice"),
        ({"payment_token": ""}, "This field is required."),
        ({"payment_token": TEST_CARD_DECLINED}, "Your card was declined"),
        ({"expected_total": "99.00"}, "The total changed to"),
        ({"idempotency_key": ""}, "This checkout form has expired"),
        ({"expected_total": "lots"}, "This checkout form has expired"),
        ({"recipient-city": "Paris"}, "This address is not in Lyon"),
    ],
)
def test_checkout_explains_every_mistake_and_places_nothing(giver_client, world, overrides, message):
    cart_with(world.giver, (world.alebrije, 2))
    page = giver_client.get(reverse("gifts:checkout") + "?ships_to=lyon")

    response = giver_client.post(reverse("gifts:checkout") + "?ships_to=lyon", checkout_data(page, **overrides))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert Order.objects.count() == 0
    assert Gift.objects.get(pk=world.alebrije.pk).stock == 3
    assert CartLine.objects.get().quantity == 2


def test_checkout_without_a_cart_or_destination_goes_back_to_the_cart(giver_client, world):
    assert giver_client.get(reverse("gifts:checkout")).url == reverse("gifts:cart")
    cart_with(world.giver, (world.alebrije, 1))
    assert giver_client.get(reverse("gifts:checkout") + "?ships_to=nowhere").url == reverse("gifts:cart")


def test_checkout_prefills_from_the_address_book_in_the_destination_country(giver_client, world):
    cart_with(world.giver, (world.alebrije, 1))
    address = AddressFactory(user=world.giver, recipient_name="Léa Dupont")
    page = giver_client.get(reverse("gifts:checkout") + f"?ships_to=lyon&address={address.pk}")
    assert 'value="Léa Dupont"' in page.content.decode()
    other = AddressFactory(recipient_name="Someone Else")
    page = giver_client.get(reverse("gifts:checkout") + f"?ships_to=lyon&address={other.pk}")
    assert "Someone Else" not in page.content.decode()


def test_nobody_sees_or_cancels_another_persons_order(client, world):
    order = placed_order(world)
    stranger = UserFactory()
    client.force_login(stranger)
    for name in ("gifts:order_detail", "gifts:order_placed"):
        assert client.get(reverse(name, kwargs={"pk": order.pk})).status_code == 404
    assert client.post(reverse("gifts:order_cancel", kwargs={"pk": order.pk})).status_code == 404
    assert Order.objects.get().status == OrderStatus.PAID
    assert order.recipient_name not in client.get(reverse("gifts:order_list")).content.decode()


def test_the_giver_cancels_from_the_order_page(giver_client, world):
    order = placed_order(world)
    response = giver_client.post(reverse("gifts:order_cancel", kwargs={"pk": order.pk}), follow=True)
    assert "cancelled and the payment refunded" in response.content.decode()
    assert Gift.objects.get(pk=world.alebrije.pk).stock == 3
    response = giver_client.post(reverse("gifts:order_cancel", kwargs={"pk": order.pk}), follow=True)
    assert "can no longer be cancelled" in response.content.decode()


def test_the_recipient_page_reads_in_their_language_and_shows_nothing_private(client, world):
    order = placed_order(world)

    redirect = client.get(f"/g/{order.recipient_token}/")
    assert redirect.status_code == 302
    assert redirect["Location"] == f"/fr/g/{order.recipient_token}/"
    page = client.get(redirect["Location"])
    text = page.content.decode()
    gift_page = text[text.index('<article class="wrap section recipient-page">') : text.index("</article>")]

    assert page.status_code == 200
    assert page["X-Robots-Tag"].startswith("noindex")
    assert '<meta name="robots" content="noindex">' in text
    assert "Alebrije jaguar" in text
    assert "motifs zapotèques" in text
    assert "Jacobo Ángeles" in text
    assert "sculpteurs sur bois" in text
    assert "Pour toi, avec amour" in text
    for private in ("12 rue de la République", "69002", "Sam Rivera", "ohio.giver"):
        assert private not in text
    for price in ("$", "USD", "MXN", "1800", "1,800", "125"):
        assert price not in gift_page
    assert client.get(f"/en/g/{order.recipient_token}/").status_code == 200  # switchable


def test_the_recipient_sees_the_giver_only_when_revealed(client, world):
    order = placed_order(world, reveal_giver=True)
    assert "Sam Rivera" in client.get(f"/fr/g/{order.recipient_token}/").content.decode()


def test_a_wrong_or_cancelled_link_opens_nothing(client, world):
    order = placed_order(world)
    assert client.get("/fr/g/not-a-token/").status_code == 404
    assert client.get("/g/not-a-token/", follow=True).status_code == 404
    order.status = OrderStatus.CANCELLED
    order.save()
    assert client.get(f"/fr/g/{order.recipient_token}/").status_code == 404


def test_after_a_declined_card_the_giver_can_pay_with_another(giver_client, world):
    cart_with(world.giver, (world.alebrije, 1))
    page = giver_client.get(reverse("gifts:checkout") + "?ships_to=lyon")
    declined = giver_client.post(
        reverse("gifts:checkout") + "?ships_to=lyon", checkout_data(page, payment_token=TEST_CARD_DECLINED)
    )
    assert declined.status_code == 400
    retry = checkout_data(page)
    retry["idempotency_key"] = declined.context["form"].data["idempotency_key"]
    assert retry["idempotency_key"] != checkout_data(page)["idempotency_key"]

    response = giver_client.post(reverse("gifts:checkout") + "?ships_to=lyon", retry)

    assert response.status_code == 302
    assert Order.objects.get().card_last4 == "4242"


def test_the_cached_gift_page_carries_each_visitors_csrf_token_into_add_to_cart(world):
    from django.test import Client

    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    tokens = []
    for browser in (first, second):
        page = browser.get(world.alebrije.get_absolute_url()).content.decode()
        form = page.split('class="add-to-cart"')[1].split("</form>")[0]
        tokens.append(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1))
    assert tokens[0] != tokens[1]

    forged = Client(enforce_csrf_checks=True)
    url = reverse("gifts:cart_add", kwargs={"slug": "alebrije-jaguar"})
    assert forged.post(url, {"quantity": "1"}).status_code == 403
    response = first.post(url, {"quantity": "1", "csrfmiddlewaretoken": tokens[0]})
    assert response.status_code == 302
    assert CartLine.objects.get().quantity == 1
