"""Markets in the API: launched ones only, in the request's language, cacheable, and a problem+json 404 otherwise."""

import pytest

from gifts.tests.world import build_world
from locales.tests.factories import LocaleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def test_markets_are_the_launched_ones_in_display_order(client, world):
    response = client.get("/api/v1/locales/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert [market["slug"] for market in body["results"]] == ["kyoto", "lyon", "north-texas"]
    assert "scotland" not in str(body)


def test_a_market_says_where_it_is_and_what_it_speaks_and_pays_in(client, world):
    market = next(market for market in client.get("/api/v1/locales/").json()["results"] if market["slug"] == "kyoto")

    assert market == {
        "slug": "kyoto",
        "name": "Kyoto",
        "country": "JP",
        "country_name": "Japan",
        "subdivision": "JP-26",
        "subdivision_name": "Kyoto",
        "city": "Kyoto",
        "default_language": "ja",
        "currency": "JPY",
        "time_zone": "Asia/Tokyo",
        "hero_image": None,
        "url": "http://testserver/api/v1/locales/kyoto/",
        "web_url": "http://testserver/en/markets/kyoto/",
    }


def test_a_market_reads_in_the_request_language(client, world):
    response = client.get("/api/v1/locales/north-texas/", HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 200
    assert response["Content-Language"] == "fr"
    market = response.json()
    assert market["name"] == "Nord du Texas"
    assert market["country_name"].startswith("États-Unis")
    assert market["introduction"] == "A place with crafts worth sending.", "English where not translated"
    assert market["web_url"] == "http://testserver/fr/markets/north-texas/"


def test_japanese_readers_get_the_japanese_name(client, world):
    assert client.get("/api/v1/locales/kyoto/", HTTP_ACCEPT_LANGUAGE="ja").json()["name"] == "京都"


@pytest.mark.parametrize("slug", ["scotland", "atlantis"])
def test_a_market_being_prepared_or_unknown_is_a_404(client, world, slug):
    response = client.get(f"/api/v1/locales/{slug}/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["type"] == "urn:lagiftart:problem:not_found"
    assert slug in response.json()["detail"]


def test_markets_refuse_parameters_they_do_not_take(client, world):
    response = client.get("/api/v1/locales/?country=JP")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["country"]


def test_a_new_market_shows_at_once_with_a_new_validator(client, world):
    before = client.get("/api/v1/locales/")
    LocaleFactory(slug="oaxaca", name_en="Oaxaca", country="MX", subdivision="MX-OAX", currency="MXN", position=9)

    after = client.get("/api/v1/locales/", HTTP_IF_NONE_MATCH=before["ETag"])

    assert after.status_code == 200
    assert "oaxaca" in [market["slug"] for market in after.json()["results"]]


def test_a_conditional_get_of_a_market_answers_304(client, world):
    etag = client.get("/api/v1/locales/lyon/")["ETag"]

    response = client.get("/api/v1/locales/lyon/", HTTP_IF_NONE_MATCH=f'W/{etag}, "other"')

    assert response.status_code == 304
    assert response["Content-Language"] == "en"


@pytest.mark.parametrize("size", [1, 30])
def test_the_market_list_costs_one_query_however_many_markets(client, django_assert_num_queries, size):
    for number in range(size):
        LocaleFactory(slug=f"market-{number}")

    with django_assert_num_queries(1):
        response = client.get("/api/v1/locales/?page_size=100")

    assert response.json()["count"] == size
