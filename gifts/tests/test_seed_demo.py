from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from artists.models import Artist, ArtistStatusChange
from gifts import demo_art
from gifts.models import Category, Gift, GiftImage
from gifts.tests.factories import jpeg_bytes
from locales.models import ExchangeRate, Locale, ShippingLane

pytestmark = pytest.mark.django_db

LANGUAGES = ("en", "es", "fr", "de", "ja", "pt_br")
CONTINENTS = {
    **dict.fromkeys(("US", "CA", "MX"), "North America"),
    **dict.fromkeys(("FR", "DE", "ES", "GB"), "Europe"),
    "JP": "Asia",
    "BR": "South America",
}


@pytest.fixture(autouse=True)
def quick_pictures(monkeypatch):
    """The command draws real pictures; tests only need a valid image, so draw a tiny one."""
    monkeypatch.setattr(demo_art, "draw_picture", lambda **kwargs: jpeg_bytes(64, 48))


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def table_counts() -> dict:
    models = (Locale, ExchangeRate, ShippingLane, Category, Artist, ArtistStatusChange, Gift, GiftImage)
    return {model.__name__: model.objects.count() for model in models} | {
        "restrictions": Category.restricted_lanes.through.objects.count(),
        "users": get_user_model().objects.count(),
    }


def test_seeding_twice_leaves_the_same_rows():
    seed()
    first = table_counts()
    seed()
    assert table_counts() == first


def test_the_demo_has_markets_on_four_continents_including_the_two_test_markets():
    seed()
    launched = Locale.objects.launched()
    assert launched.count() >= 10
    countries = {market.country.code for market in launched}
    assert len(countries) >= 7
    assert len({CONTINENTS[code] for code in countries}) >= 4
    assert {"north-texas", "ohio"} <= set(launched.values_list("slug", flat=True))
    for market in Locale.objects.all():
        market.full_clean()


def test_the_demo_has_fifteen_public_artists_and_eighty_public_gifts_with_pictures():
    seed()
    assert Artist.objects.public().count() == 15
    assert Gift.objects.public().count() == 80
    assert not Gift.objects.public().filter(images__isnull=True).exists()
    assert Gift.objects.public().filter(featured=True).count() == 8
    for gift in Gift.objects.public().select_related("artist__home_locale")[:20]:
        gift.full_clean()


def test_what_the_home_page_shows_is_translated_into_all_six_languages():
    seed()
    for market in Locale.objects.launched():
        assert all(getattr(market, f"name_{language}") for language in LANGUAGES), market.slug
    for gift in Gift.objects.public().filter(featured=True):
        assert all(getattr(gift, f"title_{language}") for language in LANGUAGES), gift.slug
        assert len({getattr(gift, f"title_{language}") for language in LANGUAGES}) > 3
    for category in Category.objects.all():
        assert all(getattr(category, f"name_{language}") for language in LANGUAGES), category.slug


def test_the_demo_has_rates_lanes_and_the_demo_giver():
    seed()
    assert ExchangeRate.objects.values("quote").distinct().count() >= 5
    assert ShippingLane.objects.filter(active=True).count() > 50
    assert ShippingLane.objects.filter(active=False).exists()
    assert ShippingLane.objects.filter(restricted_categories__isnull=False).exists()
    assert get_user_model().objects.filter(email="giver@lagiftart.example").exists()


def test_scale_adds_benchmark_gifts_once():
    seed("--scale", "30")
    assert Gift.objects.public().count() == 110
    assert GiftImage.objects.filter(gift__slug__startswith="bench-").count() >= 30
    again = seed("--scale", "30")
    assert "0 new benchmark gifts" in again
    assert Gift.objects.filter(slug__startswith="bench-").count() == 30


def test_a_negative_scale_is_refused():
    with pytest.raises(CommandError):
        seed("--scale", "-1")
