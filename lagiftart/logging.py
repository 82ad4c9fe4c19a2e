"""Logging: Cloud Logging's structured JSON on stdout in production, readable lines locally.

Every record carries the request's trace (from `traceparent` or `X-Cloud-Trace-Context`) so Cloud Logging groups a
request's lines under it. The request context lives in context variables set by
`lagiftart.middleware.RequestContextMiddleware`; nothing here reads the request itself, so no URL with a query
string, no address and no email can reach a log line by accident.
"""

import contextvars
import logging

from google.cloud.logging_v2.handlers import StructuredLogHandler
from google.cloud.logging_v2.handlers._helpers import _parse_trace_parent, _parse_xcloud_trace

trace_context: contextvars.ContextVar[tuple[str | None, str | None, bool]] = contextvars.ContextVar(
    "trace_context", default=(None, None, False)
)


def parse_trace_headers(
    traceparent: str | None, cloud_trace_context: str | None
) -> tuple[str | None, str | None, bool]:
    """Trace id, span id and sampled flag from the W3C header, or else Google's legacy header."""
    trace_id, span_id, sampled = _parse_trace_parent(traceparent)
    if trace_id is None:
        trace_id, span_id, sampled = _parse_xcloud_trace(cloud_trace_context)
    return trace_id, span_id, bool(sampled)


class TraceContextFilter(logging.Filter):
    """Put the current request's trace on the record, in the attribute names Cloud Logging's handler reads."""

    def __init__(self, project_id: str = ""):
        super().__init__()
        self.project_id = project_id

    def filter(self, record: logging.LogRecord) -> bool:
        trace_id, span_id, sampled = trace_context.get()
        if trace_id and not hasattr(record, "trace"):
            record.trace = f"projects/{self.project_id}/traces/{trace_id}" if self.project_id else trace_id
            record.span_id = span_id
            record.trace_sampled = sampled
        return True


class CloudRunJsonHandler(StructuredLogHandler):
    """StructuredLogHandler whose trace comes from our context variable rather than its own request lookup."""

    def __init__(self, *, project_id: str = "", **kwargs):
        super().__init__(project_id=project_id or None, **kwargs)
        # Run before the library's own filter so the explicit trace attributes win over its inference.
        self.filters.insert(0, TraceContextFilter(project_id))

    def emit_instrumentation_info(self):
        # The library logs a one-off diagnostic entry on first use; it is noise in our stream.
        import google.cloud.logging_v2

        google.cloud.logging_v2._instrumentation_emitted = True


def logging_config(*, fmt: str, level: str, project_id: str) -> dict:
    """The dictConfig for the process: one handler on stdout, JSON or text."""
    handler = (
        {"()": "lagiftart.logging.CloudRunJsonHandler", "project_id": project_id, "stream": "ext://sys.stdout"}
        if fmt == "json"
        else {"class": "logging.StreamHandler", "formatter": "text", "stream": "ext://sys.stdout"}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"text": {"format": "%(asctime)s %(levelname)-7s %(name)s: %(message)s"}},
        "handlers": {"stdout": handler},
        "root": {"handlers": ["stdout"], "level": level},
        "loggers": {
            # Our request log replaces Django's own (which logs full URLs with query strings for 4xx/5xx).
            # Unhandled exceptions are reported once, by analytics on `lagiftart.errors` in Error Reporting's shape.
            "django.request": {"level": "CRITICAL"},
            "django.server": {"level": "WARNING"},
            # Bad Host headers come from scanners; they get a 400 and our request line, not a stack trace.
            "django.security.DisallowedHost": {"level": "CRITICAL"},
            "django.db.backends": {"level": "WARNING"},
        },
    }
