"""The browse page's rules, through the selector: filters, price in the buyer's currency, "ships to", search."""

from decimal import Decimal

import pytest
from django.db import connection
from django.utils import translation

from gifts.selectors import CatalogQuery, GiftSort, catalog
from gifts.tests.world import build_world
from locales.selectors import Destination, rate_table

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL full-text search")


@pytest.fixture
def world():
    return build_world()


def slugs(query=None, *, currency="USD", language="en"):
    with translation.override(language):
        return [gift.slug for gift in catalog(query or CatalogQuery(), currency=currency, rates=rate_table())]


def test_only_published_gifts_of_approved_artists_are_listed(world):
    assert set(slugs()) == {"tea-bowl", "silk-scarf", "mesquite-board"}


def test_newest_come_first_by_default(world):
    assert slugs() == ["silk-scarf", "mesquite-board", "tea-bowl"]


def test_filter_by_origin_market(world):
    assert slugs(CatalogQuery(origin=world.kyoto)) == ["tea-bowl"]


def test_a_top_level_category_includes_its_subcategories(world):
    assert slugs(CatalogQuery(category=world.ceramics)) == ["tea-bowl"]
    assert slugs(CatalogQuery(category=world.bowls)) == ["tea-bowl"]


def test_filter_by_artist(world):
    assert slugs(CatalogQuery(artist=world.scarf.artist)) == ["silk-scarf"]


def test_price_range_is_read_in_the_buyers_currency(world):
    # 18,000 JPY = 108 EUR, 90 EUR, 40 USD = 36 EUR.
    in_euros = CatalogQuery(min_price=Decimal("80"), max_price=Decimal("100"))
    assert slugs(in_euros, currency="EUR") == ["silk-scarf"]
    in_yen = CatalogQuery(min_price=Decimal("15000"))
    assert set(slugs(in_yen, currency="JPY")) == {"tea-bowl", "silk-scarf"}


def test_a_price_shown_at_the_limit_is_inside_the_range(world):
    # The scarf shows as exactly $100.00; "at most 100" must include it.
    assert "silk-scarf" in slugs(CatalogQuery(max_price=Decimal("100")), currency="USD")
    assert "silk-scarf" in slugs(CatalogQuery(min_price=Decimal("100")), currency="USD")


def test_sort_by_price_compares_prices_across_currencies(world):
    assert slugs(CatalogQuery(sort=GiftSort.PRICE_LOW), currency="EUR") == ["mesquite-board", "silk-scarf", "tea-bowl"]
    assert slugs(CatalogQuery(sort=GiftSort.PRICE_HIGH), currency="EUR") == ["tea-bowl", "silk-scarf", "mesquite-board"]


def test_sort_by_popularity(world):
    assert slugs(CatalogQuery(sort=GiftSort.POPULAR)) == ["silk-scarf", "mesquite-board", "tea-bowl"]


def test_ships_to_keeps_only_gifts_with_an_active_lane_there(world):
    # Dallas's lane to France is paused.
    assert set(slugs(CatalogQuery(destination=Destination("FR")))) == {"tea-bowl", "silk-scarf"}


def test_ships_to_leaves_out_categories_the_lane_may_not_carry(world):
    # Dallas → Australia refuses wood; Lyon has no lane to Australia.
    assert slugs(CatalogQuery(destination=Destination("AU"))) == ["tea-bowl"]


def test_ships_to_a_market_uses_lanes_to_its_country(world):
    ohio_like = Destination("US", world.dallas)
    assert slugs(CatalogQuery(destination=ohio_like)) == ["mesquite-board"]


def test_filters_combine(world):
    query = CatalogQuery(destination=Destination("FR"), category=world.weaving, max_price=Decimal("95"))
    assert slugs(query, currency="EUR") == ["silk-scarf"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("scarf", ["silk-scarf"]), ("Callahan", ["mesquite-board"]), ("Kiyomizu", ["tea-bowl"]), ("wheel", ["tea-bowl"])],
)
def test_search_covers_title_artist_craft_and_description(world, text, expected):
    assert slugs(CatalogQuery(text=text)) == expected


def test_search_reads_the_active_language(world):
    assert slugs(CatalogQuery(text="soie"), language="fr") == ["silk-scarf"]
    assert slugs(CatalogQuery(text="soie"), language="en") == []


def test_search_falls_back_to_english_where_a_translation_is_missing(world):
    # The board has no French title: a French reader still finds it by its English one.
    assert slugs(CatalogQuery(text="serving"), language="fr") == ["mesquite-board"]


def test_search_finds_japanese_words_inside_a_title(world):
    assert slugs(CatalogQuery(text="茶碗"), language="ja") == ["tea-bowl"]


def test_a_search_with_no_match_is_empty(world):
    assert slugs(CatalogQuery(text="zeppelin")) == []


@postgres_only
def test_postgres_search_understands_word_forms_in_the_language(world):
    assert connection.vendor == "postgresql"
    assert slugs(CatalogQuery(text="bowls")) == ["tea-bowl"]
    assert slugs(CatalogQuery(text="bols"), language="fr") == ["tea-bowl"]


@postgres_only
def test_postgres_search_ranks_title_matches_first(world):
    world.board.description_en = "A board to serve a tea bowl on."
    world.board.save()
    ranked = slugs(CatalogQuery(text="bowl", sort=GiftSort.RELEVANCE))
    assert ranked == ["tea-bowl", "mesquite-board"]


@postgres_only
@pytest.mark.parametrize("language", ["en", "fr", "ja", "pt-br"])
def test_postgres_search_is_served_by_the_languages_index(world, language):
    from django.contrib.postgres.search import SearchQuery

    from gifts.models import Gift
    from gifts.search import SEARCH_CONFIGS, gift_document

    query = SearchQuery("bowl", config=SEARCH_CONFIGS[language], search_type="websearch")
    matches = Gift.objects.annotate(search_document=gift_document(language)).filter(search_document=query)
    sql, params = matches.values("id").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert f"gift_search_{language.replace('-', '_')}" in plan
