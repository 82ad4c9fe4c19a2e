"""Curators' screens: flat query counts with many rows, publish/feature actions, the missing-translation filter."""

import pytest
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from artists.tests.factories import ArtistFactory
from gifts.models import Gift
from gifts.tests.factories import CategoryFactory, GiftFactory
from locales.tests.factories import LocaleFactory

pytestmark = pytest.mark.django_db


def gifts(count: int) -> list[Gift]:
    artists = [ArtistFactory() for _ in range(3)]
    categories = [CategoryFactory() for _ in range(2)]
    return [GiftFactory(artist=artists[n % 3], category=categories[n % 2]) for n in range(count)]


def changelist_queries(client, url_name: str) -> int:
    url = reverse(url_name)
    client.get(url)  # warm the session and content types
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("url_name", "build"),
    [
        ("admin:gifts_gift_changelist", gifts),
        ("admin:gifts_category_changelist", lambda n: [CategoryFactory() for _ in range(n)]),
        ("admin:artists_artist_changelist", lambda n: [ArtistFactory() for _ in range(n)]),
        ("admin:locales_locale_changelist", lambda n: [LocaleFactory() for _ in range(n)]),
    ],
)
def test_a_list_costs_the_same_queries_for_one_row_or_fifty(admin_client, url_name, build):
    build(1)
    one = changelist_queries(admin_client, url_name)
    build(49)
    assert changelist_queries(admin_client, url_name) == one


def test_publishing_and_featuring_are_actions_that_are_logged(admin_client):
    selected = gifts(2)
    Gift.objects.update(published=False, featured=False, published_at=None)
    url = reverse("admin:gifts_gift_changelist")
    ids = [gift.pk for gift in selected]
    admin_client.post(url, {"action": "publish", "_selected_action": ids})
    admin_client.post(url, {"action": "feature", "_selected_action": ids})
    assert all(gift.published and gift.published_at and gift.featured for gift in Gift.objects.all())
    assert LogEntry.objects.filter(object_id__in=[str(pk) for pk in ids]).count() == 4

    admin_client.post(url, {"action": "unpublish", "_selected_action": ids[:1]})
    assert not Gift.objects.get(pk=ids[0]).published
    assert Gift.objects.get(pk=ids[1]).published


def test_the_missing_translation_filter_lists_gifts_without_french(admin_client):
    translated, untranslated = gifts(2)
    Gift.objects.filter(pk=translated.pk).update(
        title_en="Tea bowl", title_fr="Bol à thé", description_fr="Un bol.", story_fr="Kyoto.", title_ja="茶碗"
    )
    Gift.objects.filter(pk=untranslated.pk).update(title_en="Scarf", title_fr="", title_ja=None)
    french = admin_client.get(reverse("admin:gifts_gift_changelist") + "?missing=fr").context["cl"].result_list
    assert untranslated in french and translated not in french


def test_the_gift_form_has_a_tab_per_language_with_local_scripts(admin_client):
    (gift,) = gifts(1)
    page = admin_client.get(reverse("admin:gifts_gift_change", args=[gift.pk])).content.decode()
    assert "vendor/jquery-ui/jquery-ui.min.js" in page
    assert "tabbed_translation_fields.js" in page
    assert "googleapis" not in page
