"""Project-wide middleware: request context and request logging, and the headers Django does not set itself."""

import logging
import re
import time

from django.conf import settings
from django.middleware.gzip import GZipMiddleware

from lagiftart.logging import parse_trace_headers, trace_context

request_logger = logging.getLogger("lagiftart.request")

_LANGUAGE_CODES = "|".join(re.escape(code) for code, _name in settings.LANGUAGES)
_LANGUAGE_PREFIX = re.compile(rf"^({_LANGUAGE_CODES})/")


def route_pattern(request) -> str:
    """The URL pattern that served the request (`<lang>/gifts/<slug:slug>/`), never the concrete path."""
    match = getattr(request, "resolver_match", None)
    if match is None or not match.route:
        return "(unresolved)"
    return "/" + _LANGUAGE_PREFIX.sub("<lang>/", match.route)


class RequestContextMiddleware:
    """Bind the trace for every log line of the request, then write one request log line.

    The line holds method, route pattern, status and latency, and Cloud Logging's `httpRequest` with the path
    alone: no query string, no client address, no user agent, so no personal data.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        token = trace_context.set(
            parse_trace_headers(request.META.get("HTTP_TRACEPARENT"), request.META.get("HTTP_X_CLOUD_TRACE_CONTEXT"))
        )
        try:
            response = self.get_response(request)
            latency = time.perf_counter() - started
            self.log(request, response.status_code, latency)
            return response
        finally:
            trace_context.reset(token)

    @staticmethod
    def log(request, status: int, latency: float) -> None:
        route = route_pattern(request)
        level = logging.ERROR if status >= 500 else logging.WARNING if status >= 400 else logging.INFO
        request_logger.log(
            level,
            "%s %s %s %.1fms",
            request.method,
            route,
            status,
            latency * 1000,
            extra={
                "json_fields": {
                    "method": request.method,
                    "route": route,
                    "status": status,
                    "latency_ms": round(latency * 1000, 2),
                },
                "http_request": {
                    "requestMethod": request.method,
                    "requestUrl": request.path,
                    "status": status,
                    "latency": f"{latency:.6f}s",
                    "protocol": request.META.get("SERVER_PROTOCOL"),
                },
            },
        )


class SecurityHeadersMiddleware:
    """Headers Django leaves to us: Permissions-Policy, and no caching of pages that carry a session."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.permissions_policy = settings.PERMISSIONS_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response


class TextCompressionMiddleware(GZipMiddleware):
    """gzip for pages, JSON and other text, when the browser accepts it; never for images or archives.

    Nothing in front of the app compresses: Cloud Run's front end passes responses through as they are (Google's
    Cloud Run documentation suggests an nginx sidecar to add gzip), and this deployment has no load balancer or
    Cloud CDN. A 32 KB browse page becomes about 5 KB for a fraction of a millisecond of CPU (docs/performance.md).
    Django's GZipMiddleware pads each response with random bytes against BREACH, and CSRF tokens are masked anew on
    every response. Static files never get here: WhiteNoise, above this middleware, answers them with the
    compressed copies made at build time. Storefront pages shared between visitors and cached API answers come
    already compressed (locales.compression, compressed once when cached) and pass through untouched.
    """

    COMPRESSIBLE = (
        "text/",
        "application/json",
        "application/problem+json",
        "application/xml",
        "application/javascript",
        "image/svg+xml",
    )

    def process_response(self, request, response):
        content_type = response.get("Content-Type", "").partition(";")[0].strip().lower()
        if not content_type.startswith(self.COMPRESSIBLE):
            return response
        return super().process_response(request, response)
