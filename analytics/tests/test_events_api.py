"""Activity events from the API: the same `record_event` as the storefront, called by the API's own views.

The catalog's reads record what a visitor looked at on every 200 and 304 (a cached answer too), the cart and
checkout what a giver did; partner keys record nothing (machines, not visitors), nor do the profile, consent,
privacy and studio endpoints. Consent is record_event's rule, with the user DRF authenticated (an app's session
token too) as the subject. No API answer sets a cookie, so a cookie-less anonymous client has no visitor pseudonym
(the funnel leaves it out) rather than a new one per call, and a signed-in one is its account's daily visitor.
"""

import pytest
from django.test import Client
from django.utils import timezone
from prometheus_client import REGISTRY

from accounts.models import ApiScope
from accounts.tests.api_clients import key_headers, make_key, session_token, token_headers
from accounts.tests.factories import UserFactory
from analytics.events import user_pseudonym, visitor_pseudonym
from analytics.models import ActivityEvent, ConsentBasis, EventName
from analytics.selectors import Period, funnel
from compliance.consent import VISITOR_COOKIE, ConsentSubject, accept_all, record_choice, reject_all
from compliance.models import ConsentSource
from compliance.regimes import GDPR
from gifts.models import CartLine, Order, OrderStatus
from gifts.payments import TEST_CARD_DECLINED
from gifts.tests.giving import api_checkout_body, build_giving_world, cart_with

pytestmark = pytest.mark.django_db

CHECKOUT = api_checkout_body()


@pytest.fixture
def world():
    return build_giving_world()


def refused(name: str) -> float:
    return REGISTRY.get_sample_value("lagiftart_activity_events_refused_total", {"name": name}) or 0.0


def choose(user, choices):
    record_choice(subject=ConsentSubject(user_id=user.pk), choices=choices, source=ConsentSource.API, regime=GDPR)


def events(name=None):
    found = ActivityEvent.objects.order_by("occurred_at", "id")
    return list(found.filter(name=name) if name else found)


# The catalog ---------------------------------------------------------------------------------------------------


def test_a_gift_read_records_what_was_viewed_in_the_currency_shown(client, world, in_california):
    response = client.get("/api/v1/gifts/tea-bowl/?currency=EUR", headers={**in_california, "User-Agent": "App/2"})

    assert response.status_code == 200
    [event] = events()
    assert event.name == EventName.GIFT_VIEWED
    assert (event.gift, event.artist, event.origin_locale) == ("tea-bowl", "hana", "kyoto")
    assert event.currency == "EUR"
    assert event.path == "/api/v1/gifts/tea-bowl/"  # the query string stays out
    assert event.consent_basis == ConsentBasis.OPT_OUT
    assert event.user_agent_family == "other"
    assert not response.cookies


def test_a_cached_answer_and_a_304_are_each_a_view(client, world, in_california):
    first = client.get("/api/v1/gifts/tea-bowl/", headers=in_california)
    again = client.get("/api/v1/gifts/tea-bowl/", headers=in_california)
    not_modified = client.get("/api/v1/gifts/tea-bowl/", headers={**in_california, "If-None-Match": first["ETag"]})

    assert (first.status_code, again.status_code, not_modified.status_code) == (200, 200, 304)
    viewed = events(EventName.GIFT_VIEWED)
    assert len(viewed) == 3
    assert {(event.gift, event.artist, event.origin_locale, event.currency) for event in viewed} == {
        ("tea-bowl", "hana", "kyoto", "USD")
    }


def test_a_gift_that_is_not_public_records_nothing(client, world, in_california):
    assert client.get("/api/v1/gifts/draft/", headers=in_california).status_code == 404
    assert client.get("/api/v1/gifts/tea-bowl/?colour=blue", headers=in_california).status_code == 400

    assert events() == []


def test_a_search_records_its_result_count_and_never_its_words(client, world, in_california):
    response = client.get("/api/v1/gifts/?q=bowl&currency=JPY", headers=in_california)

    assert response.status_code == 200
    [event] = events()
    assert event.name == EventName.CATALOG_SEARCHED
    assert event.result_count == response.json()["count"] >= 1
    assert event.currency == "JPY"
    assert event.path == "/api/v1/gifts/"


@pytest.mark.parametrize("query", ["", "?q=", "?q=%20%20", "?category=ceramics"])
def test_browsing_without_search_words_is_not_a_search(client, world, in_california, query):
    assert client.get(f"/api/v1/gifts/{query}", headers=in_california).status_code == 200

    assert events() == []


def test_an_artist_and_a_market_read_are_views(client, world, in_california):
    assert client.get("/api/v1/artists/claire/", headers=in_california).status_code == 200
    assert client.get("/api/v1/locales/kyoto/", headers=in_california).status_code == 200

    artist, market = events()
    assert (artist.name, artist.artist, artist.origin_locale) == (EventName.ARTIST_VIEWED, "claire", "lyon")
    assert (market.name, market.origin_locale, market.artist) == (EventName.MARKET_VIEWED, "kyoto", "")


@pytest.mark.parametrize("path", ["/api/v1/gifts/", "/api/v1/artists/", "/api/v1/locales/", "/api/v1/categories/"])
def test_lists_and_quotes_are_not_events(client, world, in_california, path):
    assert client.get(path, headers=in_california).status_code == 200
    assert client.get("/api/v1/gifts/tea-bowl/quote/?destination=FR", headers=in_california).status_code == 200

    assert events() == []


def test_a_head_request_is_not_a_view(client, world, in_california):
    assert client.head("/api/v1/gifts/tea-bowl/", headers=in_california).status_code == 200

    assert events() == []


# Consent and who is counted ------------------------------------------------------------------------------------


def test_an_anonymous_api_call_in_an_opt_in_regime_records_nothing(client, world, in_eu):
    before = refused(EventName.GIFT_VIEWED)

    response = client.get("/api/v1/gifts/tea-bowl/", headers=in_eu)

    assert response.status_code == 200
    assert events() == []
    assert refused(EventName.GIFT_VIEWED) == before + 1
    assert not response.cookies


def test_an_app_user_who_accepted_is_recorded_as_their_account(world, in_eu):
    # An app signs in with a token, which Django's session middleware never sees: only DRF knows the user.
    user = UserFactory()
    choose(user, accept_all())
    headers = {**in_eu, **token_headers(session_token(Client(), user.email))}

    first = Client().get("/api/v1/gifts/tea-bowl/", headers=headers)
    second = Client().get("/api/v1/artists/hana/", headers=headers)

    assert (first.status_code, second.status_code) == (200, 200)
    viewed, artist = events()
    assert viewed.consent_basis == ConsentBasis.CONSENT
    assert viewed.user == artist.user == user_pseudonym(user.pk)
    # No cookie to carry a browser id: the account is the day's visitor, once, however many calls it makes.
    assert viewed.visitor == artist.visitor == visitor_pseudonym(f"account:{user.pk}", timezone.now().date())
    assert not first.cookies and not second.cookies


def test_an_app_user_who_refused_is_not_recorded_even_in_an_opt_out_regime(world, in_california):
    user = UserFactory()
    choose(user, reject_all())
    headers = {**in_california, **token_headers(session_token(Client(), user.email))}

    assert Client().get("/api/v1/gifts/tea-bowl/", headers=headers).status_code == 200

    assert events() == []


def test_a_cookie_less_anonymous_client_is_no_visitor_and_stays_out_of_the_funnel(world, in_california):
    for _call in range(3):
        response = Client().get("/api/v1/gifts/tea-bowl/", headers=in_california)
        assert "analytics_visitor" not in response.cookies

    viewed = events(EventName.GIFT_VIEWED)
    assert len(viewed) == 3
    assert {event.visitor for event in viewed} == {""}
    assert {event.user for event in viewed} == {""}
    today = timezone.now().date()
    assert dict(funnel(Period(today, today)))[EventName.GIFT_VIEWED.label] == 0


def test_a_browser_calling_the_api_is_the_visitor_its_consent_cookie_names(world, in_california):
    browser = Client()
    browser.cookies[VISITOR_COOKIE] = "a-browser-id-0123456789"

    response = browser.get("/api/v1/gifts/tea-bowl/", headers=in_california)

    [event] = events()
    assert event.visitor == visitor_pseudonym("a-browser-id-0123456789", timezone.now().date())
    assert not response.cookies


def test_a_partner_key_records_nothing(client, world, in_california):
    _key, full_key = make_key(world.giver, [ApiScope.CATALOG_READ])
    headers = {**in_california, **key_headers(full_key)}

    assert client.get("/api/v1/gifts/tea-bowl/", headers=headers).status_code == 200
    assert client.get("/api/v1/gifts/?q=bowl", headers=headers).status_code == 200
    assert client.get("/api/v1/artists/hana/", headers=headers).status_code == 200
    assert client.get("/api/v1/locales/kyoto/", headers=headers).status_code == 200

    assert events() == []


# The cart, checkout and orders ---------------------------------------------------------------------------------


@pytest.fixture
def giver(world, in_california):
    browser = Client(headers=in_california)
    browser.force_login(world.giver)
    return browser


def check_out(client, key="order-1", **changes):
    return client.post(
        "/api/v1/checkout/", {**CHECKOUT, **changes}, content_type="application/json", headers={"Idempotency-Key": key}
    )


def test_adding_to_the_cart_records_the_piece_and_its_price(giver, world):
    response = giver.post("/api/v1/cart/lines/", {"gift": "silk-scarf"}, content_type="application/json")

    assert response.status_code == 201
    [event] = events()
    assert event.name == EventName.CART_ADDED
    assert (event.gift, event.artist, event.origin_locale) == ("silk-scarf", "claire", "lyon")
    assert (event.value, event.value_currency) == (world.scarf.price, world.scarf.currency)
    assert event.user == user_pseudonym(world.giver.pk)


def test_a_refused_cart_line_records_nothing(giver, world):
    world.scarf.stock = 0
    world.scarf.save(update_fields=["stock"])

    assert giver.post("/api/v1/cart/lines/", {"gift": "silk-scarf"}, content_type="application/json").status_code == 409
    assert giver.post("/api/v1/cart/lines/", {"gift": "nope"}, content_type="application/json").status_code == 400

    assert events() == []


def test_a_checkout_records_its_start_and_the_order_placed(giver, world):
    cart_with(world.giver, (world.scarf, 1))

    response = check_out(giver)

    assert response.status_code == 201
    order = Order.objects.get()
    started, placed = events()
    assert started.name == EventName.CHECKOUT_STARTED
    assert (started.value, started.value_currency, started.destination_country) == (order.total, "EUR", "FR")
    assert placed.name == EventName.ORDER_PLACED
    assert (placed.value, placed.value_currency, placed.destination_country) == (order.total, "EUR", "FR")
    assert placed.currency == "EUR"


def test_an_idempotent_replay_records_nothing_new(giver, world):
    cart_with(world.giver, (world.scarf, 1))
    assert check_out(giver).status_code == 201

    replay = check_out(giver, message="A changed body")

    assert replay.status_code == 200
    assert [event.name for event in events()] == [EventName.CHECKOUT_STARTED, EventName.ORDER_PLACED]


def test_a_declined_card_started_a_checkout_but_placed_no_order(giver, world):
    cart_with(world.giver, (world.scarf, 1))

    assert check_out(giver, payment_token=TEST_CARD_DECLINED).status_code == 402

    assert [event.name for event in events()] == [EventName.CHECKOUT_STARTED]


def test_a_checkout_that_never_started_records_nothing(giver, world):
    cart = cart_with(world.giver)
    assert check_out(giver).status_code == 409  # an empty cart
    CartLine.objects.create(cart=cart, gift=world.scarf, quantity=1)
    assert check_out(giver, key="order-2", destination="atlantis").status_code == 400

    assert events() == []


def test_a_checkout_without_an_idempotency_key_records_nothing(giver, world):
    cart_with(world.giver, (world.scarf, 1))

    response = giver.post("/api/v1/checkout/", CHECKOUT, content_type="application/json")

    assert response.status_code == 428
    assert events() == []


def test_cancelling_records_the_value_given_back(giver, world):
    cart_with(world.giver, (world.scarf, 1))
    order_id = check_out(giver).json()["id"]
    ActivityEvent.objects.all().delete()

    response = giver.post(f"/api/v1/orders/{order_id}/cancel/", content_type="application/json")

    assert response.status_code == 200
    [event] = events()
    order = Order.objects.get()
    assert order.status == OrderStatus.REFUNDED
    assert (event.name, event.value, event.value_currency) == (EventName.ORDER_CANCELLED, order.total, "EUR")


def test_a_partner_key_shopping_for_its_account_records_nothing(world, in_california):
    _key, full_key = make_key(world.giver, [ApiScope.CART_WRITE, ApiScope.ORDERS_WRITE])
    partner = Client(headers={**in_california, **key_headers(full_key)})

    assert (
        partner.post("/api/v1/cart/lines/", {"gift": "silk-scarf"}, content_type="application/json").status_code == 201
    )
    placed = check_out(partner)
    assert placed.status_code == 201
    assert partner.post(f"/api/v1/orders/{placed.json()['id']}/cancel/").status_code == 200

    assert events() == []


def test_reading_the_cart_orders_profile_consent_and_privacy_records_nothing(giver, world):
    cart_with(world.giver, (world.scarf, 1))
    order_id = check_out(giver).json()["id"]
    ActivityEvent.objects.all().delete()

    for path in ("/api/v1/cart/?destination=lyon", "/api/v1/orders/", f"/api/v1/orders/{order_id}/", "/api/v1/me/"):
        assert giver.get(path).status_code == 200, path
    assert giver.get("/api/v1/consent/").status_code == 200
    assert giver.patch("/api/v1/me/", {"full_name": "Sam R."}, content_type="application/json").status_code == 200
    consent = {"purposes": {"analytics": True}}
    assert giver.patch("/api/v1/consent/", consent, content_type="application/json").status_code == 200
    assert giver.get("/api/v1/privacy/requests/").status_code == 200

    assert events() == []
