"""Activity events: consent first, pseudonyms only, one INSERT per request, one log line per event."""

import json
from datetime import date
from pathlib import Path

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from analytics.events import (
    COLUMNS,
    record_event,
    user_agent_family,
    user_pseudonym,
    visitor_pseudonym,
)
from analytics.middleware import RequestMetricsMiddleware
from analytics.models import ActivityEvent, ConsentBasis, EventName
from compliance.registry import Subject, registry
from gifts.tests.factories import GiftFactory

SCHEMA = json.loads((Path(__file__).parents[1] / "bigquery" / "activity_events.schema.json").read_text())
TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


@pytest.fixture
def gift(db):
    return GiftFactory(published=True)


def test_no_event_without_consent_in_an_opt_in_regime(client, gift, in_eu):
    response = client.get(reverse("gifts:gift_detail", args=[gift.slug]), headers=in_eu)
    assert response.status_code == 200
    assert not ActivityEvent.objects.exists()
    assert "analytics_visitor" not in response.cookies


def test_no_event_after_rejecting_all(client, gift, in_eu):
    client.post(reverse("compliance:consent"), {"choice": "reject_all"}, headers=in_eu)
    client.get(reverse("gifts:gift_detail", args=[gift.slug]), headers=in_eu)
    assert not ActivityEvent.objects.exists()


def test_accepting_analytics_records_a_gift_view_with_consent_as_its_basis(client, gift, in_eu):
    client.post(reverse("compliance:consent"), {"choice": "accept_all"}, headers=in_eu)
    client.get(reverse("gifts:gift_detail", args=[gift.slug]) + "?ships_to=FR", headers=in_eu)
    event = ActivityEvent.objects.get()
    assert event.name == EventName.GIFT_VIEWED
    assert event.consent_basis == ConsentBasis.CONSENT
    assert (event.gift, event.artist, event.origin_locale) == (
        gift.slug,
        gift.artist.slug,
        gift.artist.home_locale.slug,
    )
    assert event.path == reverse("gifts:gift_detail", args=[gift.slug])  # the query string stays out
    visitor_id = client.cookies["consent_visitor"].value
    assert event.visitor == visitor_pseudonym(visitor_id, event.occurred_at.date())
    assert visitor_id not in event.visitor


def test_opt_out_regime_counts_a_first_time_visitor_under_a_random_first_party_id(client, gift, in_california):
    response = client.get(
        reverse("gifts:gift_detail", args=[gift.slug]),
        headers={**in_california, "User-Agent": "Mozilla/5.0 Firefox/128.0", "Referer": "https://www.example.org/a?b"},
        REMOTE_ADDR="203.0.113.9",
    )
    event = ActivityEvent.objects.get()
    assert event.consent_basis == ConsentBasis.OPT_OUT
    assert event.user_agent_family == "firefox"
    assert event.referrer_host == "www.example.org"
    assert event.visitor == visitor_pseudonym(response.cookies["analytics_visitor"].value, event.occurred_at.date())
    assert "203.0.113" not in json.dumps([str(getattr(event, column)) for column in COLUMNS])


def test_searches_record_their_result_count(client, gift, in_california):
    client.get(reverse("gifts:gift_list"), {"q": gift.title_en}, headers=in_california)
    client.get(reverse("gifts:gift_list"), headers=in_california)  # browsing without words is not a search
    search = ActivityEvent.objects.get(name=EventName.CATALOG_SEARCHED)
    assert search.result_count == 1


def test_signed_in_visitors_are_a_keyed_hash_of_their_account(client, gift, in_california, django_user_model):
    user = django_user_model.objects.create_user(email="ana@example.com", password="a-long-secret-9")
    client.force_login(user)
    client.get(reverse("gifts:artist_detail", args=[gift.artist.slug]), headers=in_california)
    event = ActivityEvent.objects.get(name=EventName.ARTIST_VIEWED)
    assert event.user == user_pseudonym(user.pk)
    assert str(user.pk) != event.user and "ana" not in event.user


def test_the_visitor_pseudonym_changes_every_day():
    assert visitor_pseudonym("abcdefghijklmnopq", date(2026, 3, 1)) != visitor_pseudonym(
        "abcdefghijklmnopq", date(2026, 3, 2)
    )
    assert len(visitor_pseudonym("abcdefghijklmnopq", date(2026, 3, 1))) == 32


@pytest.mark.parametrize(
    ("agent", "family"),
    [
        ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0.0.0 Safari/537.36", "chrome"),
        ("Mozilla/5.0 (Macintosh) AppleWebKit/605.1.15 Version/17.5 Safari/605.1.15", "safari"),
        ("Mozilla/5.0 (Windows NT 10.0; rv:128.0) Gecko/20100101 Firefox/128.0", "firefox"),
        ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "bot"),
        ("curl/8.0", "other"),
        ("", "other"),
    ],
)
def test_browser_families_are_coarse(agent, family):
    assert user_agent_family(agent) == family


def _view_recording_two_events(request):
    record_event(request, EventName.MARKET_VIEWED, origin_locale="oaxaca")
    record_event(request, EventName.CART_ADDED, gift="a-bowl", value=lambda: 12, value_currency="usd")
    return HttpResponse("ok")


def test_a_requests_events_are_written_with_one_insert_and_one_log_line_each(db, json_log, in_california):
    lines = json_log("lagiftart.activity")
    request = RequestFactory().get("/en/markets/oaxaca/", headers={**in_california, "traceparent": TRACEPARENT})
    from lagiftart.middleware import RequestContextMiddleware

    stack = RequestContextMiddleware(RequestMetricsMiddleware(_view_recording_two_events))
    with CaptureQueriesContext(connection) as queries:
        stack(request)
    inserts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 1 and "analytics_activityevent" in inserts[0]
    assert ActivityEvent.objects.count() == 2

    entries = lines.read()
    assert [entry["name"] for entry in entries] == ["market_viewed", "cart_added"]
    for entry in entries:
        assert entry["severity"] == "INFO"
        assert entry["logging.googleapis.com/labels"]["python_logger"] == "lagiftart.activity"
        assert entry["logging.googleapis.com/trace"] == "projects/demo-project/traces/0af7651916cd43dd8448eb211c80319c"
        payload = {key: value for key, value in entry.items() if key in {f["name"] for f in SCHEMA}}
        assert set(payload) == {field["name"] for field in SCHEMA}
    assert entries[1]["value"] == "12" and entries[1]["value_currency"] == "USD"


def test_an_unknown_event_name_fails_loudly(rf):
    with pytest.raises(ValueError):
        record_event(rf.get("/"), "gift_liked")


def test_analytics_exports_and_erases_a_subjects_events(client, gift, in_eu, django_user_model):
    client.post(reverse("compliance:consent"), {"choice": "accept_all"}, headers=in_eu)
    client.get(reverse("gifts:gift_detail", args=[gift.slug]), headers=in_eu)
    visitor_id = client.cookies["consent_visitor"].value
    user = django_user_model.objects.create_user(email="bo@example.com", password="a-long-secret-9")
    client.force_login(user)
    client.get(reverse("gifts:market_detail", args=[gift.artist.home_locale.slug]), headers=in_eu)
    ActivityEvent.objects.create(name=EventName.GIFT_VIEWED, visitor="someone-else", consent_basis="consent")

    provider = next(p for p in registry if p.category == "analytics.events")
    subject = Subject(email="bo@example.com", user_id=user.pk, visitor_ids=(visitor_id,))
    exported = provider.export(subject)
    assert sorted(item["event"] for item in exported) == ["gift_viewed", "market_viewed"]
    assert provider.erase(subject) == {"deleted": 2}
    assert list(ActivityEvent.objects.values_list("visitor", flat=True)) == ["someone-else"]


def test_adding_to_the_cart_records_the_piece_and_its_price(client, gift, in_california):
    client.post(reverse("gifts:cart_add", args=[gift.slug]), {"quantity": 1}, headers=in_california)
    event = ActivityEvent.objects.get(name=EventName.CART_ADDED)
    assert (event.gift, event.value, event.value_currency) == (gift.slug, gift.price, gift.currency)
