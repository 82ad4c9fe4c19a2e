"""One request log line per request, structured for Cloud Logging, with the trace and without personal data."""

import io
import json
import logging

import pytest

from lagiftart.logging import CloudRunJsonHandler


@pytest.fixture
def json_log():
    """Capture the `lagiftart` loggers through the production JSON handler."""
    stream = io.StringIO()
    handler = CloudRunJsonHandler(project_id="lagiftart-test", stream=stream)
    logger = logging.getLogger("lagiftart")
    logger.addHandler(handler)
    previous_level = logger.level
    logger.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]
    logger.removeHandler(handler)
    logger.setLevel(previous_level)


def request_lines(entries):
    return [
        entry
        for entry in entries
        if entry.get("logging.googleapis.com/labels", {}).get("python_logger") == "lagiftart.request"
    ]


@pytest.mark.django_db
def test_each_request_writes_one_line_with_method_route_status_and_latency(client, json_log):
    client.get("/en/")
    [line] = request_lines(json_log())
    assert line["method"] == "GET"
    assert line["route"] == "/<lang>/"
    assert line["status"] == 200
    assert line["latency_ms"] >= 0
    assert line["severity"] == "INFO"
    assert line["httpRequest"]["requestMethod"] == "GET"
    assert line["httpRequest"]["status"] == 200
    assert line["httpRequest"]["latency"].endswith("s")


@pytest.mark.django_db
def test_request_line_never_holds_the_query_string_or_the_client(client, json_log):
    client.get(
        "/en/?email=someone%40example.com&q=secret",
        HTTP_USER_AGENT="Mozilla/5.0 private-agent",
        REMOTE_ADDR="203.0.113.9",
    )
    [line] = request_lines(json_log())
    raw = json.dumps(line)
    assert line["httpRequest"]["requestUrl"] == "/en/"
    assert "someone" not in raw
    assert "secret" not in raw
    assert "203.0.113.9" not in raw
    assert "private-agent" not in raw


def test_trace_comes_from_traceparent(client, json_log):
    client.get("/healthz", HTTP_TRACEPARENT="00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
    [line] = request_lines(json_log())
    assert line["logging.googleapis.com/trace"] == "projects/lagiftart-test/traces/0af7651916cd43dd8448eb211c80319c"
    assert line["logging.googleapis.com/spanId"] == "b7ad6b7169203331"
    assert line["logging.googleapis.com/trace_sampled"] is True


def test_trace_comes_from_the_cloud_trace_header(client, json_log):
    client.get("/healthz", HTTP_X_CLOUD_TRACE_CONTEXT="105445aa7843bc8bf206b12000100000/1;o=1")
    [line] = request_lines(json_log())
    assert line["logging.googleapis.com/trace"] == "projects/lagiftart-test/traces/105445aa7843bc8bf206b12000100000"


@pytest.mark.django_db
def test_lines_logged_inside_a_request_share_its_trace(client, json_log, monkeypatch):
    from django.db import DatabaseError

    from lagiftart import health

    def unreachable():
        raise DatabaseError("connection refused")

    monkeypatch.setattr(health.connection, "cursor", unreachable)
    client.get("/readyz", HTTP_X_CLOUD_TRACE_CONTEXT="aaaabbbbccccdddd0000111122223333/7;o=0")
    entries = json_log()
    assert [entry["severity"] for entry in entries] == ["WARNING", "ERROR"]
    assert "database unreachable" in entries[0]["message"]
    assert {entry["logging.googleapis.com/trace"] for entry in entries} == {
        "projects/lagiftart-test/traces/aaaabbbbccccdddd0000111122223333"
    }


@pytest.mark.django_db
def test_client_errors_are_warnings_and_unknown_routes_are_named_so(client, json_log):
    client.get("/en/no-such-page/")
    [line] = request_lines(json_log())
    assert line["severity"] == "WARNING"
    assert line["status"] == 404
    assert line["route"] == "(unresolved)"


def test_no_trace_outside_a_request(json_log):
    logging.getLogger("lagiftart.jobs").info("nightly retention done")
    [line] = json_log()
    assert line["message"] == "nightly retention done"
    assert line["logging.googleapis.com/trace"] == ""
