"""The staff dashboard's numbers, each one aggregate query (or two, for a percentile) over a chosen period.

Sources: orders and lanes come from the orders themselves (every order, consent or not: they are our records,
not tracking); the funnel from consented activity events; consent acceptance from the consent ledger; Web Vitals
from the sampled browser reports.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from math import ceil

from django.apps import apps
from django.db.models import Count, Q
from django.db.models.functions import TruncDate

from analytics.models import ActivityEvent, EventName, VitalMetric, WebVitalSample

FUNNEL = (EventName.GIFT_VIEWED, EventName.CART_ADDED, EventName.CHECKOUT_STARTED, EventName.ORDER_PLACED)
# Google's "good" thresholds for the 75th percentile.
VITAL_GOOD = {VitalMetric.LCP: 2500.0, VitalMetric.INP: 200.0, VitalMetric.CLS: 0.1}


@dataclass(frozen=True)
class Period:
    """UTC days from `since` to `until`, both included."""

    since: date
    until: date

    @property
    def start(self) -> datetime:
        return datetime.combine(self.since, time.min, tzinfo=UTC)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.until + timedelta(days=1), time.min, tzinfo=UTC)

    def days(self) -> list[date]:
        return [self.since + timedelta(days=n) for n in range((self.until - self.since).days + 1)]


def orders_per_day(period: Period) -> list[tuple[date, int]]:
    """Orders placed on each day of the period, zero-filled."""
    Order = apps.get_model("gifts", "Order")
    counts = dict(
        Order.objects.filter(placed_at__gte=period.start, placed_at__lt=period.end)
        .annotate(day=TruncDate("placed_at", tzinfo=UTC))
        .values_list("day")
        .annotate(orders=Count("id"))
        .values_list("day", "orders")
        .order_by()
    )
    return [(day, counts.get(day, 0)) for day in period.days()]


def top_lanes(period: Period, limit: int = 10) -> list[tuple[str, str, int]]:
    """The busiest origin market → destination country pairs, by orders shipped on them."""
    Shipment = apps.get_model("gifts", "Shipment")
    rows = (
        Shipment.objects.filter(order__placed_at__gte=period.start, order__placed_at__lt=period.end)
        .values_list("origin__name", "lane__destination_country")
        .annotate(orders=Count("order", distinct=True))
        .order_by("-orders", "origin__name")[:limit]
    )
    return [(origin, str(destination), orders) for origin, destination, orders in rows]


def funnel(period: Period) -> list[tuple[str, int]]:
    """Visitors (daily pseudonyms) who reached each step: browsed a gift, added to a cart, started checkout, ordered."""
    counts = dict(
        ActivityEvent.objects.filter(occurred_at__gte=period.start, occurred_at__lt=period.end, name__in=FUNNEL)
        .exclude(visitor="")
        .values_list("name")
        .annotate(visitors=Count("visitor", distinct=True))
        .order_by()
    )
    return [(EventName(step).label, counts.get(step, 0)) for step in FUNNEL]


def consent_acceptance(period: Period) -> list[tuple[str, int, int]]:
    """Per regime: analytics choices made on the banner or preferences page, and how many were a yes."""
    ConsentRecord = apps.get_model("compliance", "ConsentRecord")
    rows = (
        ConsentRecord.objects.filter(
            purpose__code="analytics",
            source__in=["banner", "preferences"],
            recorded_at__gte=period.start,
            recorded_at__lt=period.end,
        )
        .values_list("regime")
        .annotate(choices=Count("id"), granted=Count("id", filter=Q(granted=True)))
        .order_by("regime")
    )
    return list(rows)


def vitals_p75(period: Period) -> list[tuple[VitalMetric, float | None, int]]:
    """The 75th percentile of each Web Vital and its sample size: a count, then one indexed row at the rank."""
    results = []
    for metric in VitalMetric:
        samples = WebVitalSample.objects.filter(
            metric=metric, recorded_at__gte=period.start, recorded_at__lt=period.end
        )
        size = samples.count()
        value = samples.order_by("value").values_list("value", flat=True)[ceil(0.75 * size) - 1] if size else None
        results.append((metric, value, size))
    return results
