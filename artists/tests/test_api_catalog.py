"""Artists in the API: approved ones only, with their market and story in the request's language."""

import pytest

from artists.models import ArtistStatus
from artists.tests.factories import ArtistFactory
from gifts.tests.world import build_world
from locales.tests.factories import LocaleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def test_artists_are_the_approved_ones_by_name(client, world):
    ArtistFactory(slug="applicant", display_name="Aaron Applicant", status=ArtistStatus.APPLIED)

    response = client.get("/api/v1/artists/")

    assert response.status_code == 200
    assert [artist["slug"] for artist in response.json()["results"]] == ["claire", "hana", "wade"]


def test_an_artist_card_names_their_craft_market_and_links(client, world):
    hana = next(artist for artist in client.get("/api/v1/artists/").json()["results"] if artist["slug"] == "hana")

    assert hana == {
        "slug": "hana",
        "display_name": "Hana Kobayashi",
        "craft": "Kiyomizu ware",
        "tradition": "Village pottery",
        "portrait": None,
        "market": {"slug": "kyoto", "name": "Kyoto", "country": "JP", "url": "http://testserver/api/v1/locales/kyoto/"},
        "url": "http://testserver/api/v1/artists/hana/",
        "web_url": "http://testserver/en/artists/hana/",
        "gifts_url": "http://testserver/api/v1/gifts/?artist=hana",
    }


def test_the_market_filter_narrows_artists_to_one_market(client, world):
    response = client.get("/api/v1/artists/?market=lyon")

    assert [artist["slug"] for artist in response.json()["results"]] == ["claire"]


@pytest.mark.parametrize("market", ["scotland", "atlantis", "not a slug"])
def test_an_unknown_market_filter_is_a_400(client, world, market):
    response = client.get("/api/v1/artists/", {"market": market})

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert list(response.json()["errors"]) == ["market"]


def test_an_artist_tells_their_story_in_the_request_language(client, world):
    response = client.get("/api/v1/artists/hana/", HTTP_ACCEPT_LANGUAGE="ja")

    assert response.status_code == 200
    artist = response.json()
    assert artist["craft"] == "清水焼"
    assert artist["bio"] == "Makes pots.", "English where not translated"
    assert artist["market"]["name"] == "京都"
    assert artist["web_url"] == "http://testserver/ja/artists/hana/"


@pytest.mark.parametrize("status", [ArtistStatus.APPLIED, ArtistStatus.IN_REVIEW, ArtistStatus.REJECTED])
def test_an_artist_who_is_not_approved_is_a_404(client, world, status):
    ArtistFactory(slug="someone", status=status)

    response = client.get("/api/v1/artists/someone/")

    assert response.status_code == 404
    assert response.json()["type"] == "urn:lagiftart:problem:not_found"


def test_a_suspended_artist_is_a_404(client, world):
    assert client.get("/api/v1/artists/gone/").status_code == 404


def test_artists_answer_304_to_a_current_validator(client, world):
    etag = client.get("/api/v1/artists/")["ETag"]

    assert client.get("/api/v1/artists/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get("/api/v1/artists/", HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


@pytest.mark.parametrize("size", [1, 30])
def test_the_artist_list_costs_the_same_queries_for_one_artist_or_thirty(client, django_assert_num_queries, size):
    market = LocaleFactory(slug="lyon")
    for number in range(size):
        ArtistFactory(slug=f"artist-{number}", home_locale=market)

    # the count, the page of artists with their markets; the market filter reads the cached launched markets
    with django_assert_num_queries(3):
        response = client.get("/api/v1/artists/?market=lyon&page_size=100")

    assert response.json()["count"] == size
