"""Cloud Run's probes and the in-instance metrics scraper get answers that production's host check would refuse.

Settings here are production's where it matters: one allowed host and the HTTPS redirect on. Requests through
Google's front end look like Cloud Run's: a link-local peer address, `X-Forwarded-For`, `X-Forwarded-Proto` and
`X-Cloud-Trace-Context`; the sidecar's scrape comes from 127.0.0.1 with Host `0.0.0.0:8080` and nothing else.
"""

import json

import pytest
from prometheus_client import REGISTRY

PROBE_HOST = "10.0.0.3:8080"
SIDECAR = {"HTTP_HOST": "0.0.0.0:8080", "REMOTE_ADDR": "127.0.0.1"}
FRONT_END = {
    "HTTP_HOST": "lagiftart.example",
    "REMOTE_ADDR": "169.254.1.1",
    "HTTP_X_FORWARDED_FOR": "198.51.100.7",
    "HTTP_X_FORWARDED_PROTO": "https",
    "HTTP_X_CLOUD_TRACE_CONTEXT": "105445aa7843bc8bf206b12000100000/1;o=1",
}


@pytest.fixture(autouse=True)
def production_host_checks(settings):
    settings.ALLOWED_HOSTS = ["lagiftart.example"]
    settings.SECURE_SSL_REDIRECT = True
    settings.METRICS_TOKEN = ""


def test_liveness_probe_with_the_instance_address_as_host_is_answered(client):
    response = client.get("/healthz", HTTP_HOST=PROBE_HOST, REMOTE_ADDR="169.254.1.1")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok"}
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readiness_probe_with_any_host_reports_the_database(client):
    response = client.get("/readyz", HTTP_HOST=PROBE_HOST)
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok"}


def test_probes_still_refuse_methods_other_than_get_and_head(client):
    assert client.post("/healthz", HTTP_HOST=PROBE_HOST).status_code == 405
    assert client.head("/healthz", HTTP_HOST=PROBE_HOST).status_code == 200


def test_probe_requests_are_counted_under_their_route(client):
    labels = {"method": "GET", "route": "/healthz", "status": "200"}
    before = REGISTRY.get_sample_value("lagiftart_http_requests_total", labels) or 0
    client.get("/healthz", HTTP_HOST=PROBE_HOST)
    assert REGISTRY.get_sample_value("lagiftart_http_requests_total", labels) == before + 1


@pytest.mark.django_db
def test_sidecar_scrape_from_loopback_gets_the_exposition(client):
    response = client.get("/metrics", **SIDECAR)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    body = response.content.decode()
    assert "# TYPE lagiftart_http_requests_total counter" in body
    assert "lagiftart_data_subject_requests_open" in body


@pytest.mark.django_db
def test_metrics_through_the_front_end_are_not_found(client):
    assert client.get("/metrics", **FRONT_END).status_code == 404


@pytest.mark.parametrize(
    "header", ["HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_FORWARDED", "HTTP_X_CLOUD_TRACE_CONTEXT"]
)
def test_a_loopback_peer_carrying_a_front_end_header_is_not_taken_for_the_sidecar(client, header):
    # Left to the normal stack, whose host check refuses the sidecar's Host before any view runs.
    forwarded = {header: "https" if header == "HTTP_X_FORWARDED_PROTO" else "198.51.100.7"}
    assert client.get("/metrics", **SIDECAR, **forwarded).status_code == 400


@pytest.mark.django_db
def test_a_forwarded_request_from_loopback_with_an_allowed_host_gets_no_metrics(client):
    forwarded = {**FRONT_END, "REMOTE_ADDR": "127.0.0.1"}
    assert client.get("/metrics", **forwarded).status_code == 404


@pytest.mark.django_db
def test_metrics_token_holder_still_reads_through_the_front_end(client, settings):
    settings.METRICS_TOKEN = "scrape-token-0123456789"
    response = client.get("/metrics", **FRONT_END, HTTP_AUTHORIZATION="Bearer scrape-token-0123456789")
    assert response.status_code == 200
    assert client.get("/metrics", **FRONT_END, HTTP_AUTHORIZATION="Bearer wrong").status_code == 404


def test_metrics_from_elsewhere_inside_google_without_the_front_end_is_refused(client):
    # Not loopback, so not the sidecar: the normal stack refuses the unknown host before any view runs.
    assert client.get("/metrics", HTTP_HOST="0.0.0.0:8080", REMOTE_ADDR="10.0.0.9").status_code == 400


@pytest.mark.parametrize("path", ["/en/", "/healthz/", "/metrics/", "/beacon"])
def test_any_other_path_with_an_unknown_host_is_still_a_bad_request(client, path):
    assert client.get(path, HTTP_HOST=PROBE_HOST, REMOTE_ADDR="127.0.0.1").status_code == 400


def test_other_paths_over_plain_http_are_still_redirected_to_https(client):
    response = client.get("/en/", HTTP_HOST="lagiftart.example")
    assert response.status_code == 301
    assert response["Location"] == "https://lagiftart.example/en/"
