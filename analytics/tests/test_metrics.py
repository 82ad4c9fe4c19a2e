"""Metrics move with traffic and business, /metrics is only for the scraper, and errors reach Error Reporting."""

import sys

import pytest
from django.core.signals import got_request_exception
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from prometheus_client import REGISTRY

from compliance.models import DataSubjectRequest


def sample(name, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_requests_are_counted_timed_and_query_counted_by_route_and_status(client, db):
    labels = {"method": "GET", "route": "/<lang>/markets/", "status": "200"}
    before = sample("lagiftart_http_requests_total", **labels)
    timed = sample("lagiftart_http_request_duration_seconds_count", **labels)
    queried = sample("lagiftart_db_queries_per_request_sum", route="/<lang>/markets/")
    assert client.get(reverse("gifts:market_list")).status_code == 200
    assert sample("lagiftart_http_requests_total", **labels) == before + 1
    assert sample("lagiftart_http_request_duration_seconds_count", **labels) == timed + 1
    assert sample("lagiftart_db_queries_per_request_sum", route="/<lang>/markets/") > queried
    missing = {"method": "GET", "route": "(unresolved)", "status": "404"}
    before_404 = sample("lagiftart_http_requests_total", **missing)
    client.get("/no-such-page/at-all")
    assert sample("lagiftart_http_requests_total", **missing) == before_404 + 1
    assert sample("lagiftart_http_requests_in_flight") == 0


def test_the_metrics_page_answers_the_local_scraper_and_a_token_holder_only(client, db, settings):
    response = client.get("/metrics")
    assert response.status_code == 200
    assert b"lagiftart_http_requests_total" in response.content
    assert client.get("/metrics", headers={"X-Forwarded-For": "198.51.100.7"}).status_code == 404
    assert client.get("/metrics", REMOTE_ADDR="198.51.100.7").status_code == 404
    settings.METRICS_TOKEN = "scrape-token-0123456789"
    bearer = {"Authorization": "Bearer scrape-token-0123456789"}
    assert client.get("/metrics", REMOTE_ADDR="198.51.100.7", headers=bearer).status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="198.51.100.7", headers={"Authorization": "Bearer no"}).status_code == 404
    assert client.get("/en/metrics").status_code == 404  # not under the language prefix


def test_data_subject_requests_are_counted_when_opened_and_overdue_ones_at_scrape(client, db):
    before = sample("lagiftart_data_subject_requests_opened_total", kind="erasure")
    DataSubjectRequest.objects.create(
        kind="erasure",
        status="open",
        email="ana@example.com",
        language="en",
        regime="gdpr",
        due_on=timezone.localdate() - timezone.timedelta(days=1),
    )
    assert sample("lagiftart_data_subject_requests_opened_total", kind="erasure") == before + 1
    body = client.get("/metrics").content.decode()
    assert "lagiftart_data_subject_requests_overdue 1.0" in body
    assert "lagiftart_data_subject_requests_open 1.0" in body


def test_artist_applications_are_counted(db):
    from artists.tests.factories import ArtistFactory

    before = sample("lagiftart_artist_applications_total")
    ArtistFactory(status="applied")
    assert sample("lagiftart_artist_applications_total") == before + 1


def test_an_unhandled_exception_is_logged_for_error_reporting(json_log):
    lines = json_log("lagiftart.errors")
    request = RequestFactory().get(
        "/en/gifts/?q=secret", headers={"traceparent": "00-" + "a" * 32 + "-" + "b" * 16 + "-01"}
    )
    before = sample("lagiftart_unhandled_exceptions_total")
    try:
        raise RuntimeError("the kiln is cold")
    except RuntimeError:
        got_request_exception.send(sender=None, request=request)
    (entry,) = lines.read()
    assert entry["severity"] == "ERROR"
    assert entry["@type"] == "type.googleapis.com/google.devtools.clouderrorreporting.v1beta1.ReportedErrorEvent"
    assert entry["message"].startswith("Traceback (most recent call last):")
    assert "RuntimeError: the kiln is cold" in entry["message"]
    assert entry["context"]["httpRequest"] == {"method": "GET", "url": "/en/gifts/", "responseStatusCode": 500}
    assert entry["serviceContext"]["service"]
    assert sample("lagiftart_unhandled_exceptions_total") == before + 1
    assert sys.exc_info() == (None, None, None)


@pytest.mark.parametrize("path", ["/metrics", "/beacon"])
def test_machine_endpoints_are_outside_the_language_prefix(path):
    assert reverse("analytics:" + path.strip("/")) == path
