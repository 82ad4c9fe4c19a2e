"""The public gift catalog in the API: the storefront's filters and search, a gift, its shipping quote, categories;
languages and currencies, conditional GETs, and bad input answered as problem+json, never a 500."""

import gzip
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from rest_framework import exceptions

from artists.models import ArtistStatus
from gifts.checkout import quote_cart
from gifts.models import CartLine, DutyRule
from gifts.tests.world import build_world
from locales.models import DutiesPayer, ShippingLane
from locales.selectors import Destination, rate_table

pytestmark = pytest.mark.django_db

GIFTS = "/api/v1/gifts/"


@pytest.fixture
def world():
    return build_world()


def slugs(response) -> list[str]:
    return [gift["slug"] for gift in response.json()["results"]]


def problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    return body


def test_list_shows_public_gifts_newest_first(client, world):
    response = client.get(GIFTS)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert slugs(response) == ["silk-scarf", "mesquite-board", "tea-bowl"]
    assert response.json()["count"] == 3


def test_list_leaves_out_drafts_and_gifts_of_suspended_artists(client, world):
    assert {"draft", "hidden"}.isdisjoint(slugs(client.get(f"{GIFTS}?page_size=100")))


def test_a_gift_card_carries_price_artist_origin_category_and_cover(client, world):
    card = next(gift for gift in client.get(f"{GIFTS}?currency=USD").json()["results"] if gift["slug"] == "tea-bowl")

    assert card["title"] == "Blue Hour tea bowl"
    assert card["price"] == {"amount": "120.00", "currency": "USD", "formatted": "$120.00"}
    assert card["original_price"] == {"amount": "18000", "currency": "JPY", "formatted": "¥18,000"}
    assert card["exchange_rate_date"] == "2026-11-20"
    assert card["in_stock"] is True
    assert card["artist"] == {
        "slug": "hana",
        "display_name": "Hana Kobayashi",
        "craft": "Kiyomizu ware",
        "url": "http://testserver/api/v1/artists/hana/",
    }
    assert card["origin"]["slug"] == "kyoto"
    assert card["origin"]["country"] == "JP"
    assert card["category"] == {"slug": "bowls", "name": "Bowls"}
    assert card["image"]["url"].startswith("http://testserver/media/gifts/picture-")
    assert card["image"]["renditions"][0]["width"] == 480
    assert card["image"]["renditions"][0]["url"].endswith("-480w.webp")
    assert card["url"] == "http://testserver/api/v1/gifts/tea-bowl/"
    assert card["web_url"] == "http://testserver/en/gifts/tea-bowl/"


def test_pages_carry_the_count_and_links(client, world):
    first = client.get(f"{GIFTS}?page_size=2").json()
    second = client.get(f"{GIFTS}?page_size=2&page=2").json()

    assert first["count"] == 3
    assert [gift["slug"] for gift in first["results"]] == ["silk-scarf", "mesquite-board"]
    assert first["next"] == "http://testserver/api/v1/gifts/?page=2&page_size=2"
    assert first["previous"] is None
    assert [gift["slug"] for gift in second["results"]] == ["tea-bowl"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("origin=kyoto", ["tea-bowl"]),
        ("category=ceramics", ["tea-bowl"]),
        ("category=weaving", ["silk-scarf"]),
        ("artist=claire", ["silk-scarf"]),
        ("ships_to=FR", ["silk-scarf", "tea-bowl"]),
        ("ships_to=AU", ["tea-bowl"]),
        ("ships_to=north-texas", ["mesquite-board"]),
        ("currency=EUR&price_min=50&price_max=100", ["silk-scarf"]),
        ("currency=USD&price_max=40", ["mesquite-board"]),
        ("sort=popular", ["silk-scarf", "mesquite-board", "tea-bowl"]),
        ("sort=price_low&currency=USD", ["mesquite-board", "silk-scarf", "tea-bowl"]),
        ("sort=price_high&currency=JPY", ["tea-bowl", "silk-scarf", "mesquite-board"]),
        ("q=mesquite", ["mesquite-board"]),
        ("q=Kobayashi", ["tea-bowl"]),
    ],
)
def test_filters_search_and_sorts_work_as_on_the_storefront(client, world, query, expected):
    assert slugs(client.get(f"{GIFTS}?{query}")) == expected


def test_search_reads_the_language_of_accept_language(client, world):
    response = client.get(f"{GIFTS}?q=bol", HTTP_ACCEPT_LANGUAGE="fr")

    assert slugs(response) == ["tea-bowl"]
    assert response.json()["results"][0]["title"] == "Bol à thé « Heure bleue »"


def test_accept_language_picks_translations_currency_and_formats(client, world):
    response = client.get(GIFTS, HTTP_ACCEPT_LANGUAGE="fr-CA, en;q=0.5")

    assert response["Content-Language"] == "fr"
    assert "Accept-Language" in response["Vary"]
    tea = next(gift for gift in response.json()["results"] if gift["slug"] == "tea-bowl")
    assert tea["title"] == "Bol à thé « Heure bleue »"
    assert tea["price"]["currency"] == "EUR"
    assert tea["price"]["amount"] == "108.00"
    assert tea["price"]["formatted"].replace("\u202f", " ").replace("\u00a0", " ") == "108,00 €"
    assert tea["web_url"] == "http://testserver/fr/gifts/tea-bowl/"


def test_an_unknown_language_falls_back_to_english(client, world):
    response = client.get(GIFTS, HTTP_ACCEPT_LANGUAGE="sw, *;q=0.1")

    assert response["Content-Language"] == "en"
    assert response.json()["results"][2]["title"] == "Blue Hour tea bowl"


def test_the_language_cookie_does_not_change_an_api_answer(client, world):
    client.cookies["django_language"] = "fr"

    response = client.get(f"{GIFTS}tea-bowl/")

    assert response["Content-Language"] == "en"
    assert response.json()["title"] == "Blue Hour tea bowl"


def test_a_price_without_a_rate_stays_in_the_artists_currency(client, world):
    card = next(gift for gift in client.get(f"{GIFTS}?currency=GBP").json()["results"] if gift["slug"] == "tea-bowl")

    assert card["price"]["currency"] == "JPY"
    assert card["exchange_rate_date"] is None


@pytest.mark.parametrize(
    ("query", "field", "status"),
    [
        ("colour=blue", "colour", 400),
        ("currency=ZZZ", "currency", 400),
        ("currency=eur", "currency", 400),
        ("price_min=-1", "price_min", 400),
        ("price_min=abc", "price_min", 400),
        ("price_max=1e3", "price_max", 400),
        ("price_min=100&price_max=10", "price_max", 400),
        ("page=abc", "page", 400),
        ("page=0", "page", 400),
        ("page_size=101", "page_size", 400),
        ("page_size=0", "page_size", 400),
        ("origin=scotland", "origin", 400),
        ("origin=atlantis", "origin", 400),
        ("category=furniture", "category", 400),
        ("artist=gone", "artist", 400),
        ("ships_to=ZZ", "ships_to", 400),
        ("sort=cheapest", "sort", 400),
        ("q=" + "x" * 101, "q", 400),
        ("origin=", "origin", 400),
        ("sort=", "sort", 400),
        ("currency=", "currency", 400),
    ],
)
def test_bad_query_values_are_a_400_naming_the_parameter(client, world, query, field, status):
    body = problem(client.get(f"{GIFTS}?{query}"), status)

    assert body["type"] == "urn:lagiftart:problem:invalid"
    assert body["title"] == "Bad request"
    assert list(body["errors"]) == [field]


def test_errors_are_written_in_the_request_language(client, world):
    body = problem(client.delete(GIFTS, HTTP_ACCEPT_LANGUAGE="de"), 405)

    with translation.override("de"):
        assert body["detail"] == str(exceptions.MethodNotAllowed("DELETE").detail)
    assert body["detail"] != 'Method "DELETE" not allowed.'


def test_a_page_after_the_last_is_a_404(client, world):
    body = problem(client.get(f"{GIFTS}?page=9"), 404)

    assert body["type"] == "urn:lagiftart:problem:not_found"
    assert body["detail"] == "There is no page 9."


def test_search_words_with_control_characters_are_read_not_refused(client, world):
    response = client.get(GIFTS, {"q": "mesquite\x00\t"})

    assert slugs(response) == ["mesquite-board"]


def test_writing_to_the_catalog_is_a_405_even_without_credentials(client, world):
    response = client.post(GIFTS, {}, content_type="application/json")

    assert problem(response, 405)["detail"] == 'Method "POST" not allowed.'
    assert "GET" in response["Allow"]
    problem(client.delete(f"{GIFTS}tea-bowl/"), 405)


def test_asking_for_html_is_a_406(client, world):
    problem(client.get(GIFTS, HTTP_ACCEPT="text/html"), 406)


def test_a_gift_has_its_story_images_category_and_dimensions(client, world):
    response = client.get(f"{GIFTS}tea-bowl/?currency=EUR", HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 200
    gift = response.json()
    assert gift["title"] == "Bol à thé « Heure bleue »"
    assert gift["description"] == "Tourné et peint aux émaux."
    assert gift["story"] == "Potters have worked below the temple since the 1600s.", "English where not translated"
    assert gift["category"] == {"slug": "bowls", "name": "Bols", "parent": {"slug": "ceramics", "name": "Céramique"}}
    assert len(gift["images"]) == 1
    assert gift["images"][0]["alt"] == "Photo of Blue Hour tea bowl"
    assert gift["image"] == gift["images"][0]
    assert gift["dimensions"] == {"weight_grams": 500, "length_cm": "20.0", "width_cm": "15.0", "height_cm": "10.0"}
    assert gift["price"]["amount"] == "108.00"
    assert gift["quote_url"] == "http://testserver/api/v1/gifts/tea-bowl/quote/"


@pytest.mark.parametrize("slug", ["draft", "hidden", "no-such-gift"])
def test_a_gift_that_is_not_public_is_a_404(client, world, slug):
    body = problem(client.get(f"{GIFTS}{slug}/"), 404)

    assert slug in body["detail"]


def test_a_gift_detail_refuses_unknown_parameters(client, world):
    body = problem(client.get(f"{GIFTS}tea-bowl/?ships_to=FR"), 400)

    assert list(body["errors"]) == ["ships_to"]


def test_a_quote_prices_shipping_like_checkout(client, world):
    response = client.get(f"{GIFTS}tea-bowl/quote/?destination=FR&currency=EUR")

    assert response.status_code == 200
    quote = response.json()
    assert quote["gift"] == "tea-bowl"
    assert quote["destination"] == {"country": "FR", "market": None, "label": "France"}
    assert quote["currency"] == "EUR"
    assert quote["ships"] is True
    assert quote["reason"] is None
    assert quote["gift_price"]["amount"] == "108.00"
    [option] = quote["options"]
    assert option["price"]["amount"] == "25.20"
    assert (option["min_business_days"], option["max_business_days"]) == (6, 12)
    assert option["delivery_from"] < option["delivery_until"]
    assert option["crosses_border"] is True
    assert option["duties"] == {"payer": "recipient", "estimate": None}
    assert option["total"]["amount"] == "133.20"
    assert quote["exchange_rate_date"] == "2026-11-20"


def test_a_quote_adds_the_duties_the_giver_pays_as_checkout_does(client, world):
    ShippingLane.objects.filter(origin=world.kyoto, destination_country="FR").update(duties_payer=DutiesPayer.GIVER)
    DutyRule.objects.create(country="FR", rate=Decimal("0.2"), gift_exemption_threshold=45, currency="EUR")

    option = client.get(f"{GIFTS}tea-bowl/quote/?destination=FR&currency=EUR").json()["options"][0]

    checkout = quote_cart(
        [CartLine(gift=world.tea_bowl, quantity=1)],
        destination=Destination(country="FR"),
        currency="EUR",
        rates=rate_table(),
    )
    assert option["duties"]["payer"] == "giver"
    assert option["duties"]["estimate"]["amount"] == str(checkout.duties_total.rounded().amount) == "21.60"
    assert option["total"]["amount"] == str(checkout.total.amount) == "154.80"


def test_a_quote_inside_one_country_has_no_duties(client, world):
    quote = client.get(f"{GIFTS}silk-scarf/quote/?destination=lyon").json()

    assert quote["destination"] == {"country": "FR", "market": "lyon", "label": "Lyon"}
    assert quote["options"][0]["crosses_border"] is False
    assert quote["options"][0]["duties"] == {"payer": None, "estimate": None}
    assert quote["options"][0]["price"] == {"amount": "7.50", "currency": "USD", "formatted": "$7.50"} or (
        quote["currency"] == "USD"
    )


@pytest.mark.parametrize(
    ("slug", "destination", "reason"),
    [
        ("mesquite-board", "FR", "paused"),
        ("mesquite-board", "AU", "restricted"),
        ("tea-bowl", "DE", "no_lane"),
    ],
)
def test_a_quote_says_why_a_gift_cannot_go(client, world, slug, destination, reason):
    response = client.get(f"{GIFTS}{slug}/quote/?destination={destination}")

    assert response.status_code == 200
    quote = response.json()
    assert quote["ships"] is False
    assert quote["reason"] == reason
    assert quote["message"]
    assert quote["options"] == []


def test_a_quote_that_cannot_be_priced_in_the_currency_says_so(client, world):
    quote = client.get(f"{GIFTS}tea-bowl/quote/?destination=FR&currency=GBP").json()

    assert quote["ships"] is False
    assert quote["reason"] == "unpriced"
    assert "GBP" in quote["message"]


@pytest.mark.parametrize(
    ("query", "field"),
    [("", "destination"), ("destination=ZZ", "destination"), ("destination=FR&currency=XXX", "currency")],
)
def test_a_quote_needs_a_destination_we_know(client, world, query, field):
    body = problem(client.get(f"{GIFTS}tea-bowl/quote/?{query}"), 400)

    assert list(body["errors"]) == [field]


def test_a_quote_for_a_hidden_gift_is_a_404(client, world):
    problem(client.get(f"{GIFTS}hidden/quote/?destination=FR"), 404)


def test_categories_form_a_two_level_tree_in_the_request_language(client, world):
    response = client.get("/api/v1/categories/", HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 200
    assert response.json() == [
        {"slug": "ceramics", "name": "Céramique", "children": [{"slug": "bowls", "name": "Bols"}]},
        {"slug": "textiles", "name": "Textiles", "children": [{"slug": "weaving", "name": "Weaving"}]},
        {"slug": "wood", "name": "Wood", "children": []},
    ]


def test_answers_carry_a_validator_and_may_be_cached_by_anyone(client, world):
    response = client.get(GIFTS)

    assert response["ETag"].startswith('"')
    assert response["Cache-Control"] == "public, max-age=60"
    assert "Accept-Language" in response["Vary"]


def test_a_conditional_get_answers_304_without_a_body_or_a_query(client, world, django_assert_num_queries):
    etag = client.get(f"{GIFTS}tea-bowl/").headers["ETag"]

    with django_assert_num_queries(0):
        response = client.get(f"{GIFTS}tea-bowl/", HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert response["Cache-Control"] == "public, max-age=60"


def test_a_stale_validator_gets_the_new_representation(client, world):
    etag = client.get(f"{GIFTS}tea-bowl/").headers["ETag"]
    world.tea_bowl.title_en = "Blue Hour tea bowl, second firing"
    world.tea_bowl.save()

    response = client.get(f"{GIFTS}tea-bowl/", HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 200
    assert response["ETag"] != etag
    assert response.json()["title"] == "Blue Hour tea bowl, second firing"


def test_a_suspended_artist_takes_their_gifts_out_of_the_cached_list(client, world):
    assert "tea-bowl" in slugs(client.get(GIFTS))
    hana = world.tea_bowl.artist
    hana.status = ArtistStatus.SUSPENDED
    hana.save()

    assert "tea-bowl" not in slugs(client.get(GIFTS))
    problem(client.get(f"{GIFTS}tea-bowl/"), 404)


def test_each_language_has_its_own_validator(client, world):
    english = client.get(f"{GIFTS}tea-bowl/")
    french = client.get(f"{GIFTS}tea-bowl/", HTTP_ACCEPT_LANGUAGE="fr", HTTP_IF_NONE_MATCH=english["ETag"])

    assert french.status_code == 200
    assert french["ETag"] != english["ETag"]


def test_a_partner_key_needs_the_catalog_scope(client, world):
    from accounts.api_keys import issue_api_key
    from accounts.tests.factories import UserFactory

    partner = UserFactory()
    expires = timezone.now() + timedelta(days=30)
    _key, reader = issue_api_key(
        user=partner, name="Catalog", scopes=["catalog:read"], expires_at=expires, created_by=None
    )
    _key, orders_only = issue_api_key(
        user=partner, name="Orders", scopes=["orders:read"], expires_at=expires, created_by=None
    )

    assert client.get(GIFTS, HTTP_AUTHORIZATION=f"Api-Key {reader}").status_code == 200
    body = problem(client.get(GIFTS, HTTP_AUTHORIZATION=f"Api-Key {orders_only}"), 403)
    assert body["type"] == "urn:lagiftart:problem:permission_denied"


def build_catalog(size: int) -> None:
    """`size` public gifts over two markets, three artists and two categories, two pictures each."""
    from artists.tests.factories import ArtistFactory
    from gifts.tests.factories import CategoryFactory, GiftFactory, GiftImageFactory
    from locales.tests.factories import ExchangeRateFactory, LocaleFactory, ShippingLaneFactory

    markets = [
        LocaleFactory(slug="north-texas"),
        LocaleFactory(slug="lyon", country="FR", subdivision="FR-ARA", currency="EUR", time_zone="Europe/Paris"),
    ]
    ExchangeRateFactory(base="USD", quote="EUR", rate=Decimal("0.9"))
    ShippingLaneFactory(origin=markets[0], destination_country="FR")
    ShippingLaneFactory(origin=markets[1], destination_country="FR", price=Decimal("8.00"))
    ceramics = CategoryFactory(slug="ceramics")
    categories = [CategoryFactory(slug="bowls", parent=ceramics), CategoryFactory(slug="textiles")]
    artists = [ArtistFactory(slug=f"artist-{n}", home_locale=markets[n % 2]) for n in range(3)]
    for number in range(size):
        gift = GiftFactory(
            slug=f"piece-{number}",
            artist=artists[number % 3],
            category=categories[number % 2],
            title_en=f"Bowl number {number}",
        )
        GiftImageFactory(gift=gift, position=0)
        GiftImageFactory(gift=gift, position=1)


LIST_COSTS = [
    # rates, count, page of gifts, their cover pictures
    (GIFTS, 4),
    # the same, plus markets (origin and ships_to share the cached list), categories and the artist
    (f"{GIFTS}?origin=north-texas&ships_to=FR&category=ceramics&artist=artist-0&price_max=500&sort=price_low", 7),
    # plus, on PostgreSQL, the artists whose name or craft match the search words
    (f"{GIFTS}?q=bowl&currency=EUR&page_size=100", "4 + search"),
    # categories, once, whatever their number
    ("/api/v1/categories/", 1),
]


@pytest.mark.parametrize("size", [1, 30])
@pytest.mark.parametrize(("url", "queries"), LIST_COSTS)
def test_a_list_costs_the_same_queries_for_one_gift_or_thirty(client, django_assert_num_queries, size, url, queries):
    from django.db import connection

    build_catalog(size)
    if queries == "4 + search":
        queries = 5 if connection.vendor == "postgresql" else 4

    with django_assert_num_queries(queries):
        response = client.get(url)

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        # the gift, its pictures, rates
        (f"{GIFTS}piece-0/", 3),
        # the gift, markets, rates, the destination's duty rule, the lane
        (f"{GIFTS}piece-0/quote/?destination=FR", 5),
    ],
)
def test_a_gift_and_its_quote_cost_a_fixed_number_of_queries(client, django_assert_num_queries, url, queries):
    build_catalog(3)

    with django_assert_num_queries(queries):
        response = client.get(url)

    assert response.status_code == 200


@pytest.mark.parametrize("url", [GIFTS, f"{GIFTS}?q=bowl&currency=EUR", "/api/v1/locales/"])
def test_a_client_that_takes_gzip_reads_the_same_document_compressed(client, world, url):
    plain = client.get(url)
    for _ in range(2):  # as stored, then as read from the cache
        compressed = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")

        assert compressed.status_code == 200
        assert compressed["Content-Encoding"] == "gzip"
        assert compressed["Content-Type"] == "application/json"
        assert {"Accept-Encoding", "Accept-Language"} <= {v.strip() for v in compressed["Vary"].split(",")}
        assert compressed["ETag"] == "W/" + plain["ETag"]
        assert json.loads(gzip.decompress(compressed.content)) == plain.json()


def test_a_client_that_takes_gzip_gets_304s_with_the_validator_it_was_given(client, world):
    compressed = client.get(GIFTS, HTTP_ACCEPT_ENCODING="gzip")
    assert compressed["Content-Encoding"] == "gzip"

    again = client.get(GIFTS, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=compressed["ETag"])

    assert again.status_code == 304
    assert again["ETag"].removeprefix("W/") == compressed["ETag"].removeprefix("W/")
