"""The front-end beacon: strict validation, size and rate limits, no cookies; and the reporter's consent gate."""

import json

import pytest
from django.core.cache import cache
from django.urls import reverse
from prometheus_client import REGISTRY

from analytics.models import WebVitalSample
from gifts.tests.factories import GiftFactory

ROUTE = "/<lang>/gifts/<slug:slug>/"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def post(client, body, **extra):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post("/beacon", data=data, content_type="application/json", **extra)


def lcp_count() -> float:
    return REGISTRY.get_sample_value("lagiftart_web_vitals_lcp_seconds_count", {"route": ROUTE}) or 0.0


def test_vitals_feed_the_histograms_and_with_consent_the_samples(client, db, in_california):
    before = lcp_count()
    response = post(
        client, {"kind": "vitals", "path": "/fr/gifts/a-bowl/?x=1", "lcp": 2100, "cls": 0.02}, headers=in_california
    )
    assert response.status_code == 204
    assert not response.cookies
    assert lcp_count() == before + 1
    assert sorted(WebVitalSample.objects.values_list("metric", "route")) == [("cls", ROUTE), ("lcp", ROUTE)]


def test_without_consent_a_beacon_is_counted_but_nothing_is_kept(client, db, in_eu):
    assert post(client, {"kind": "vitals", "path": "/en/gifts/a/", "inp": 120}, headers=in_eu).status_code == 204
    assert not WebVitalSample.objects.exists()


def test_javascript_errors_are_counted_and_logged_without_personal_data(client, db, in_california, json_log):
    lines = json_log("lagiftart.frontend")
    before = REGISTRY.get_sample_value("lagiftart_frontend_errors_total", {"route": ROUTE}) or 0.0
    body = {
        "kind": "error",
        "path": "/en/gifts/a-bowl/",
        "message": "TypeError: ana@example.com has no card 4242424242424242",
        "source": "https://shop.example/static/js/site.js?v=3",
        "line": 10,
        "column": 4,
    }
    assert post(client, body, headers=in_california).status_code == 204
    assert REGISTRY.get_sample_value("lagiftart_frontend_errors_total", {"route": ROUTE}) == before + 1
    (entry,) = lines.read()
    assert entry["severity"] == "WARNING"
    assert entry["source"] == "/static/js/site.js"
    assert "ana@example.com" not in json.dumps(entry) and "4242424242424242" not in json.dumps(entry)


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        [],
        {"kind": "vitals", "path": "/en/"},  # no measurement
        {"kind": "vitals", "path": "/en/", "lcp": -1},
        {"kind": "vitals", "path": "/en/", "lcp": "fast"},
        {"kind": "vitals", "path": "/en/", "cls": True},
        {"kind": "vitals", "path": "/en/", "lcp": 1e12},
        {"kind": "vitals", "path": "/en/", "lcp": 100, "email": "ana@example.com"},  # unknown key
        {"kind": "vitals", "path": "https://evil.example/", "lcp": 100},
        {"kind": "vitals", "path": "//evil.example/", "lcp": 100},
        {"kind": "error", "path": "/en/"},  # no message
        {"kind": "error", "path": "/en/", "message": "x", "line": -3},
        {"kind": "clicks", "path": "/en/"},
    ],
)
def test_anything_unexpected_is_a_400(client, db, body):
    assert post(client, body).status_code == 400


def test_oversized_beacons_are_413(client, db, settings):
    body = {"kind": "error", "path": "/en/", "message": "x" * (settings.BEACON_MAX_BYTES + 10)}
    assert post(client, body).status_code == 413


def test_a_flood_from_one_address_is_429(client, db, settings):
    settings.BEACON_RATE_LIMIT = 3
    body = {"kind": "vitals", "path": "/en/", "lcp": 900}
    statuses = [post(client, body, REMOTE_ADDR="198.51.100.20").status_code for _ in range(4)]
    assert statuses == [204, 204, 204, 429]
    assert post(client, body, REMOTE_ADDR="198.51.100.21").status_code == 204


def test_only_post_is_accepted_and_no_csrf_token_is_needed(db):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.get("/beacon").status_code == 405
    assert post(strict, {"kind": "vitals", "path": "/en/", "lcp": 900}).status_code == 204


def test_the_reporter_script_loads_with_the_nonce_only_when_analytics_is_allowed(client, db, in_eu, in_california):
    gift = GiftFactory(published=True)
    page = reverse("gifts:gift_detail", args=[gift.slug])
    assert "js/vitals.js" not in client.get(page, headers=in_eu).content.decode()
    html = client.get(page, headers=in_california).content.decode()
    script = next(line for line in html.splitlines() if "js/vitals.js" in line)
    assert 'nonce="' in script and 'nonce=""' not in script and 'data-beacon="/beacon"' in script


def test_the_sample_rate_can_turn_the_reporter_off(client, db, in_california, settings):
    settings.BEACON_SAMPLE_RATE = 0
    assert "js/vitals.js" not in client.get(reverse("gifts:market_list"), headers=in_california).content.decode()
