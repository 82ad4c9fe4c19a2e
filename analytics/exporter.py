"""The /metrics body: this process's registry, or every gunicorn worker's when PROMETHEUS_MULTIPROC_DIR is set."""

from django.conf import settings
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

from analytics.metrics import DataSubjectRequestCollector


def render_metrics() -> bytes:
    # prometheus-client reads the same variable from the process environment when it is imported.
    if settings.PROMETHEUS_MULTIPROC_DIR:
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    computed = CollectorRegistry()
    computed.register(DataSubjectRequestCollector())
    return generate_latest(registry) + generate_latest(computed)
