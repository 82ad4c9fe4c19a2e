"""Machine endpoints outside the language prefix: `/metrics` for Prometheus, `/beacon` for browsers' reports."""

import ipaddress
import json
import logging

from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils.crypto import constant_time_compare
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from prometheus_client import CONTENT_TYPE_LATEST

from analytics import beacons, metrics
from analytics.exporter import render_metrics

logger = logging.getLogger(__name__)


def _scrape_allowed(request) -> bool:
    """The sidecar scrapes from inside the container (loopback, no proxy header); anyone else needs the token."""
    token = settings.METRICS_TOKEN
    authorization = request.headers.get("Authorization", "")
    if token and authorization.startswith("Bearer ") and constant_time_compare(authorization[7:], token):
        return True
    try:
        loopback = ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False
    return loopback and "X-Forwarded-For" not in request.headers


@never_cache
@require_GET
def metrics_view(request):
    """Every metric in Prometheus' text format; a 404 for callers who may not read them, as if nothing were here."""
    if not _scrape_allowed(request):
        raise Http404
    return HttpResponse(render_metrics(), content_type=CONTENT_TYPE_LATEST)


@csrf_exempt
@require_POST
def beacon(request):
    """A browser's Web Vitals or JavaScript error report. No cookie is needed and none is set; the body is checked
    field by field, so anything unexpected is a 400, an oversized one a 413, a flood from one address a 429."""
    length = request.META.get("CONTENT_LENGTH") or "0"
    if not length.isdigit() or int(length) > settings.BEACON_MAX_BYTES:
        metrics.BEACONS_REJECTED.labels(reason="too_large").inc()
        return HttpResponse(status=413)
    if beacons.over_rate_limit(request):
        metrics.BEACONS_REJECTED.labels(reason="rate_limited").inc()
        return HttpResponse(status=429)
    try:
        body = json.loads(request.body.decode("utf-8"))
        report = beacons.parse_report(body)
    except (UnicodeDecodeError, ValueError, beacons.InvalidBeacon):
        metrics.BEACONS_REJECTED.labels(reason="invalid").inc()
        return HttpResponse(status=400)
    beacons.accept_report(request, report)
    return HttpResponse(status=204)
