"""Request metrics, and the end of each request's activity-event batch.

Sits right after `lagiftart.middleware.RequestContextMiddleware`, so the trace is bound while events are logged and
the timings cover every other middleware.
"""

import re
import time

from django.conf import settings
from django.db import connection

from analytics import events, metrics

_LANGUAGE_PREFIX = re.compile("^(" + "|".join(re.escape(code) for code, _name in settings.LANGUAGES) + ")/")


def route_label(request) -> str:
    """The URL pattern that served the request with its language as `<lang>`; a bounded label, never a path."""
    match = getattr(request, "resolver_match", None)
    if match is None or not match.route:
        return "(unresolved)"
    return "/" + _LANGUAGE_PREFIX.sub("<lang>/", match.route)


class QueryCounter:
    """A `connection.execute_wrapper` that counts the queries of one request."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


class RequestMetricsMiddleware:
    """Count, time and query-count every request by route pattern and status; write the request's events."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        queries = QueryCounter()
        events.start_buffer(request)
        metrics.REQUESTS_IN_FLIGHT.inc()
        try:
            with connection.execute_wrapper(queries):
                response = self.get_response(request)
                events.flush_buffer(request)
        finally:
            metrics.REQUESTS_IN_FLIGHT.dec()
        route = route_label(request)
        status = str(response.status_code)
        metrics.REQUESTS.labels(method=request.method, route=route, status=status).inc()
        metrics.REQUEST_LATENCY.labels(method=request.method, route=route, status=status).observe(
            time.perf_counter() - started
        )
        metrics.QUERIES_PER_REQUEST.labels(route=route).observe(queries.count)
        visitor = events.new_visitor_cookie(request)
        if visitor:
            response.set_cookie(
                events.VISITOR_COOKIE,
                visitor,
                max_age=events.VISITOR_COOKIE_MAX_AGE,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
