"""Browser reports: Core Web Vitals and JavaScript errors, validated strictly and reduced to numbers and a route.

A report names the page by its path, which is resolved to its route pattern here (an unknown path becomes
"(unresolved)"), so neither metrics nor logs ever hold a concrete URL. Error messages are cut short and scrubbed of
anything that looks like an email address or a long number before they reach the log stream.
"""

import logging
import math
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac

from analytics import metrics
from analytics.middleware import _LANGUAGE_PREFIX
from analytics.models import VitalMetric, WebVitalSample
from compliance.consent import client_ip, has_consent
from compliance.regimes import Purpose

frontend_logger = logging.getLogger("lagiftart.frontend")

# Upper bounds well past anything real: a bigger number is a broken or forged report.
VITAL_LIMITS = {VitalMetric.LCP: 120_000.0, VitalMetric.INP: 60_000.0, VitalMetric.CLS: 50.0}
_EMAIL = re.compile(r"[^\s@]+@[^\s@]+")
_LONG_NUMBER = re.compile(r"\d{6,}")


class InvalidBeacon(ValueError):
    """The body is not a report we accept."""


@dataclass(frozen=True)
class Report:
    kind: str
    route: str
    vitals: dict = field(default_factory=dict)
    message: str = ""
    source: str = ""
    line: int | None = None
    column: int | None = None


def route_for_path(path: str) -> str:
    # Language-prefixed patterns only resolve under their own language.
    try:
        with translation.override(translation.get_language_from_path(path) or settings.LANGUAGE_CODE):
            match = resolve(path)
    except Resolver404:
        return "(unresolved)"
    return "/" + _LANGUAGE_PREFIX.sub("<lang>/", match.route) if match.route else "(unresolved)"


def _string(body: dict, key: str, limit: int, *, required: bool = False) -> str:
    value = body.get(key, "")
    if not isinstance(value, str) or len(value) > limit or (required and not value):
        raise InvalidBeacon(key)
    return value


def _int(body: dict, key: str) -> int | None:
    value = body.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10_000_000:
        raise InvalidBeacon(key)
    return value


def scrub(message: str) -> str:
    return _LONG_NUMBER.sub("…", _EMAIL.sub("…", message))[:200]


def parse_report(body) -> Report:
    """A Report from the decoded JSON, or InvalidBeacon: unknown keys, wrong types and out-of-range numbers all fail."""
    if not isinstance(body, dict):
        raise InvalidBeacon("body")
    kind = body.get("kind")
    path = _string(body, "path", 512, required=True)
    if not path.startswith("/") or path.startswith("//"):
        raise InvalidBeacon("path")
    route = route_for_path(urlsplit(path).path)
    if kind == "vitals":
        if set(body) - {"kind", "path", *VitalMetric.values}:
            raise InvalidBeacon("keys")
        vitals = {}
        for metric in VitalMetric:
            if metric.value not in body:
                continue
            value = body[metric.value]
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                raise InvalidBeacon(metric.value)
            if not 0 <= value <= VITAL_LIMITS[metric]:
                raise InvalidBeacon(metric.value)
            vitals[metric] = float(value)
        if not vitals:
            raise InvalidBeacon("vitals")
        return Report(kind=kind, route=route, vitals=vitals)
    if kind == "error":
        if set(body) - {"kind", "path", "message", "source", "line", "column"}:
            raise InvalidBeacon("keys")
        source = _string(body, "source", 512)
        return Report(
            kind=kind,
            route=route,
            message=scrub(_string(body, "message", 1000, required=True)),
            source=urlsplit(source).path[:200] if source else "",
            line=_int(body, "line"),
            column=_int(body, "column"),
        )
    raise InvalidBeacon("kind")


def over_rate_limit(request) -> bool:
    """More than BEACON_RATE_LIMIT reports this minute from one address (kept in the cache as a keyed hash)."""
    address = client_ip(request) or "unknown"
    minute = int(timezone.now().timestamp() // 60)
    key = "beacon:" + salted_hmac("lagiftart.analytics.beacon", f"{address}:{minute}").hexdigest()[:32]
    if cache.add(key, 1, timeout=120):
        return False
    try:
        return cache.incr(key) > settings.BEACON_RATE_LIMIT
    except ValueError:
        cache.set(key, 1, timeout=120)
        return False


def accept_report(request, report: Report) -> None:
    """Feed a valid report to the metrics, and (with analytics consent) to the database and the log stream."""
    if report.kind == "vitals":
        histograms = {VitalMetric.LCP: metrics.VITAL_LCP, VitalMetric.INP: metrics.VITAL_INP}
        for metric, value in report.vitals.items():
            if metric == VitalMetric.CLS:
                metrics.VITAL_CLS.labels(route=report.route).observe(value)
            else:
                histograms[metric].labels(route=report.route).observe(value / 1000)
    else:
        metrics.FRONTEND_ERRORS.labels(route=report.route).inc()
    if not has_consent(request, Purpose.ANALYTICS):
        return
    if report.kind == "vitals":
        now = timezone.now()
        WebVitalSample.objects.bulk_create(
            [WebVitalSample(recorded_at=now, route=report.route, metric=m, value=v) for m, v in report.vitals.items()]
        )
        frontend_logger.info(
            "web vitals %s",
            report.route,
            extra={"json_fields": {"kind": "vitals", "route": report.route, **report.vitals}},
        )
    else:
        frontend_logger.warning(
            "javascript error on %s: %s",
            report.route,
            report.message,
            extra={
                "json_fields": {
                    "kind": "js_error",
                    "route": report.route,
                    "error": report.message,
                    "source": report.source,
                    "line": report.line,
                    "column": report.column,
                }
            },
        )
