"""Prometheus metrics, scraped at /metrics by the Managed Service for Prometheus sidecar on Cloud Run.

Why Prometheus rather than OTLP to the OpenTelemetry Collector sidecar: both are Google's documented paths for Cloud
Run, and both land in Cloud Monitoring as Prometheus-style metrics. The pull model needs one small, dependency-free
library (prometheus-client) and no SDK, exporter, batching thread or network client inside each gunicorn worker
(threads started before gunicorn forks are a hazard with `preload_app`); the numbers are plain text that anyone can
read with curl locally; and gunicorn's several worker processes are aggregated by the library's multiprocess mode
(`PROMETHEUS_MULTIPROC_DIR`). Traces, which OTLP would add, already ride on the log lines' trace fields.

Labels hold route patterns, methods, statuses, currencies and event names: bounded sets, never a path or an id.
"""

from prometheus_client import Counter, Gauge, Histogram

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)

REQUESTS = Counter("lagiftart_http_requests", "HTTP requests served.", ["method", "route", "status"])
REQUEST_LATENCY = Histogram(
    "lagiftart_http_request_duration_seconds",
    "Time from the request reaching Django to the response leaving it.",
    ["method", "route", "status"],
    buckets=LATENCY_BUCKETS,
)
REQUESTS_IN_FLIGHT = Gauge(
    "lagiftart_http_requests_in_flight", "Requests being served right now.", multiprocess_mode="livesum"
)
QUERIES_PER_REQUEST = Histogram(
    "lagiftart_db_queries_per_request",
    "Database queries one request ran.",
    ["route"],
    buckets=(0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89),
)
UNHANDLED_EXCEPTIONS = Counter("lagiftart_unhandled_exceptions", "Requests that ended in an unhandled exception.")

ORDERS_PLACED = Counter("lagiftart_orders_placed", "Orders placed.", ["currency"])
ORDER_REVENUE = Counter("lagiftart_order_revenue", "Order totals placed, in the order's currency.", ["currency"])
ORDERS_CANCELLED = Counter("lagiftart_orders_cancelled", "Orders cancelled.")
ARTIST_APPLICATIONS = Counter("lagiftart_artist_applications", "Artist applications received.")
DSRS_OPENED = Counter("lagiftart_data_subject_requests_opened", "Data-subject requests filed.", ["kind"])

EVENTS_RECORDED = Counter("lagiftart_activity_events", "Activity events recorded with consent.", ["name"])
EVENTS_REFUSED = Counter(
    "lagiftart_activity_events_refused", "Activity events not recorded for want of consent.", ["name"]
)
EVENTS_DROPPED = Counter("lagiftart_activity_events_dropped", "Activity events the database did not accept.")

VITAL_LCP = Histogram(
    "lagiftart_web_vitals_lcp_seconds",
    "Largest Contentful Paint reported by browsers.",
    ["route"],
    buckets=(0.5, 1, 1.5, 2, 2.5, 3, 4, 6, 10, 20),
)
VITAL_INP = Histogram(
    "lagiftart_web_vitals_inp_seconds",
    "Interaction to Next Paint reported by browsers.",
    ["route"],
    buckets=(0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 2, 5),
)
VITAL_CLS = Histogram(
    "lagiftart_web_vitals_cls",
    "Cumulative Layout Shift reported by browsers.",
    ["route"],
    buckets=(0.01, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2),
)
FRONTEND_ERRORS = Counter("lagiftart_frontend_errors", "JavaScript errors reported by browsers.", ["route"])
BEACONS_REJECTED = Counter("lagiftart_beacons_rejected", "Beacons refused, by reason.", ["reason"])


class DataSubjectRequestCollector:
    """Open and overdue data-subject requests, counted in the database when Prometheus scrapes (two small counts)."""

    def collect(self):
        from prometheus_client.core import GaugeMetricFamily

        from compliance.models import DataSubjectRequest

        requests = DataSubjectRequest.objects
        yield GaugeMetricFamily(
            "lagiftart_data_subject_requests_open", "Data-subject requests open now.", value=requests.open().count()
        )
        yield GaugeMetricFamily(
            "lagiftart_data_subject_requests_overdue",
            "Open data-subject requests past their deadline.",
            value=requests.overdue().count(),
        )
