"""What a buyer sees on the storefront pages, in their language and currency, and how bad input is answered."""

import re

import pytest
from django.utils import timezone

from gifts.tests.world import build_world
from locales.currency import CURRENCY_COOKIE

pytestmark = pytest.mark.django_db

NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.fixture
def world():
    return build_world()


def text(response) -> str:
    return response.content.decode()


def test_home_shows_featured_pieces_the_picker_markets_and_how_it_works(client, world):
    page = text(client.get("/en/"))
    assert "Blue Hour tea bowl" in page
    assert 'name="origin"' in page and 'name="ships_to"' in page
    assert '<option value="kyoto">Kyoto</option>' in page
    assert 'href="/en/markets/kyoto/"' in page
    assert "Scottish Highlands" not in page, "a market being prepared is not on the home page"
    assert "How it works" in page


def test_home_speaks_the_language_of_its_url(client, world):
    page = text(client.get("/ja/"))
    assert '<html lang="ja"' in page
    assert "茶碗「青い時刻」" in page
    assert "京都" in page
    # Prices default to the language's region: yen for Japanese.
    assert "￥18,000" in page


def test_every_page_carries_canonical_and_hreflang_alternates(client, world):
    page = text(client.get("/fr/gifts/tea-bowl/"))
    assert '<link rel="canonical" href="http://testserver/fr/gifts/tea-bowl/">' in page
    for language in ("en", "es", "fr", "de", "ja", "pt-br"):
        assert f'hreflang="{language}" href="http://testserver/{language}/gifts/tea-bowl/"' in page
    assert '<meta name="description" content="Tourné et peint aux émaux.">' in page


def test_browse_lists_public_gifts_with_their_count(client, world):
    page = text(client.get("/en/gifts/"))
    assert "3 pieces" in page
    for title in ("Blue Hour tea bowl", "River Light silk scarf", "Cedar Smoke serving board"):
        assert title in page
    assert "Unfinished bowl" not in page and "Hidden bowl" not in page


def test_browse_filters_from_the_query_string(client, world):
    page = text(client.get("/en/gifts/", {"origin": "kyoto", "ships_to": "FR"}))
    assert "1 piece" in page and "Blue Hour tea bowl" in page
    assert "From: Kyoto" in page and "Ships to: France" in page


def test_an_empty_result_says_so_and_offers_a_way_on(client, world):
    page = text(client.get("/en/gifts/", {"q": "zeppelin"}))
    assert "No gifts match all of that" in page
    assert 'href="/en/gifts/"' in page and 'href="/en/markets/"' in page


@pytest.mark.parametrize(
    ("params", "notice"),
    [
        ({"min_price": "cheap"}, "We could not read “cheap” as a price"),
        ({"max_price": "1e999"}, "as a price"),
        ({"origin": "atlantis"}, "We have no market called “atlantis”"),
        ({"category": "spaceships"}, "There is no category “spaceships”"),
        ({"artist": "nobody"}, "We found no artist “nobody”"),
        ({"ships_to": "XX"}, "We do not ship to “XX” yet"),
        ({"sort": "random"}, "We cannot sort by “random”"),
        ({"min_price": "100", "max_price": "10"}, "so we swapped them"),
        ({"q": "bowl\x00"}, "Null characters are not allowed"),
    ],
)
def test_bad_filters_are_left_out_with_a_notice_never_an_error(client, world, params, notice):
    response = client.get("/en/gifts/", params)
    assert response.status_code == 200
    assert notice in text(response)


def test_unknown_parameters_are_ignored(client, world):
    response = client.get("/en/gifts/", {"colour": "blue", "page": "x"})
    assert response.status_code == 200
    assert "3 pieces" in text(response)


def test_a_page_past_the_end_shows_the_last_page(client, world):
    response = client.get("/en/gifts/", {"page": "999"})
    assert response.status_code == 200
    assert "Blue Hour tea bowl" in text(response)


def test_the_gift_page_shows_the_price_in_the_buyers_currency_beside_the_artists_and_the_rate_date(client, world):
    page = text(client.get("/fr/gifts/tea-bowl/"))
    # 18,000 JPY at 150 JPY/USD and 0.90 EUR/USD is 108 EUR; the older of the two rates dates the conversion.
    assert f"108,00{NBSP}€" in page
    assert "JPY" in page and "18" in page
    assert "20 novembre 2026" in page
    assert "Bol à thé « Heure bleue »" in page
    assert 'href="/fr/artists/hana/"' in page
    assert "Potters have worked below the temple" in page, "the story falls back to English"


def test_the_chosen_currency_is_remembered(client, world):
    client.cookies[CURRENCY_COOKIE] = "EUR"
    page = text(client.get("/en/gifts/silk-scarf/"))
    assert "€90.00" in page
    assert "converted at the rate" not in page, "no conversion when the buyer reads the artist's own currency"
    assert 'value="EUR" selected' in page


def test_the_gift_page_shows_shipping_price_and_dates_to_the_destination(client, world):
    page = text(client.get("/en/gifts/tea-bowl/", {"ships_to": "FR"}))
    assert "Ships to France for" in page
    assert "6–12 business days" in page  # noqa: RUF001


def test_the_gift_page_defaults_the_destination_to_the_language_region(client, world):
    page = text(client.get("/en/gifts/mesquite-board/"))
    assert '<option value="US" selected>' in page
    assert "Ships to United States of America for $9.00." in page
    assert '<option value="FR" selected>' in text(client.get("/fr/gifts/silk-scarf/"))


@pytest.mark.parametrize(
    ("slug", "destination", "reason"),
    [
        ("tea-bowl", "BR", "Parcels from Kyoto do not travel there yet."),
        ("mesquite-board", "FR", "Shipping on this route is paused"),
        ("mesquite-board", "AU", "do not accept Wood"),
    ],
)
def test_the_gift_page_says_when_and_why_a_gift_does_not_ship(client, world, slug, destination, reason):
    page = text(client.get(f"/en/gifts/{slug}/", {"ships_to": destination}))
    assert "Does not ship to" in page
    assert reason in page


def test_the_customs_note_explains_a_restriction(client, world):
    page = text(client.get("/en/gifts/mesquite-board/", {"ships_to": "AU"}))
    assert "Wood needs a fumigation certificate." in page


@pytest.mark.parametrize("destination", ["<b>Mars</b>", "\x00", "F" * 300])
def test_an_unknown_destination_is_answered_with_a_notice(client, world, destination):
    response = client.get("/en/gifts/tea-bowl/", {"ships_to": destination})
    assert response.status_code == 200
    assert "We do not know that destination" in text(response)


def test_an_unknown_destination_is_never_echoed_as_markup(client, world):
    response = client.get("/en/gifts/tea-bowl/", {"ships_to": "<b>Mars</b>"})
    assert response.status_code == 200
    assert "We do not know that destination" in text(response)
    assert "<b>Mars</b>" not in text(response)


@pytest.mark.parametrize("slug", ["draft", "hidden", "no-such-gift"])
def test_gifts_that_are_not_public_are_not_found(client, world, slug):
    assert client.get(f"/en/gifts/{slug}/").status_code == 404


def test_the_artist_page_shows_the_artist_and_their_pieces(client, world):
    page = text(client.get("/ja/artists/hana/"))
    assert "Hana Kobayashi" in page and "清水焼" in page
    assert "茶碗「青い時刻」" in page


def test_suspended_and_unknown_artists_have_no_page(client, world):
    assert client.get("/en/artists/gone/").status_code == 404
    assert client.get("/en/artists/nobody/").status_code == 404


def test_the_market_page_shows_its_introduction_artists_and_gifts(client, world):
    page = text(client.get("/en/markets/kyoto/"))
    assert "A place with crafts worth sending." in page
    assert "Hana Kobayashi" in page and "Blue Hour tea bowl" in page
    assert 'href="/en/gifts/?origin=kyoto"' in page


def test_a_market_not_yet_launched_has_no_page(client, world):
    assert client.get("/en/markets/scotland/").status_code == 404


def test_the_artist_and_market_indexes_list_public_entries(client, world):
    artists = text(client.get("/en/artists/"))
    assert "Hana Kobayashi" in artists and "Gone Away" not in artists
    markets = text(client.get("/en/markets/"))
    assert "Kyoto" in markets and "Scottish Highlands" not in markets


def test_the_header_has_the_primary_navigation_and_the_currency_picker(client, world):
    page = text(client.get("/de/gifts/"))
    assert 'href="/de/gifts/" aria-current="page"' in page
    assert 'href="/de/markets/"' in page and 'href="/de/artists/"' in page
    assert 'action="/de/currency/"' in page
    assert '<option value="EUR" selected>EUR €</option>' in page


def test_pages_use_no_inline_script_or_style(client, world):
    for url in ("/en/", "/en/gifts/", "/en/gifts/tea-bowl/", "/en/artists/hana/", "/en/markets/kyoto/"):
        page = text(client.get(url))
        assert " style=" not in page
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), url


def test_images_have_alternative_text_and_sizes(client, world):
    page = text(client.get("/en/gifts/tea-bowl/"))
    image = re.search(r"<img [^>]*>", page.split('class="gift-gallery"')[1]).group(0)
    assert 'alt="Photo of Blue Hour tea bowl"' in image
    assert "srcset=" in image and 'width="1200"' in image


def test_a_newly_published_piece_leads_the_browse_page(client, world):
    world.scarf.published_at = timezone.now()
    world.scarf.save()
    page = text(client.get("/en/gifts/"))
    assert page.index("River Light silk scarf") < page.index("Blue Hour tea bowl")
