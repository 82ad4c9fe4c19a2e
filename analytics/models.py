"""What the analytics app stores: consent-gated activity events, and anonymous front-end performance samples.

Neither holds a raw identifier. An event's visitor is an HMAC of a random first-party id under a salt that rotates
every day, its user a keyed hash of the account id; no IP address, no query string, no free text. Both tables keep
a bounded history (`ANALYTICS_RETENTION_DAYS`, `manage.py prune_events`).
"""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EventName(models.TextChoices):
    """What a visitor did. The storefront and the API emit these through `analytics.events.record_event`."""

    GIFT_VIEWED = "gift_viewed", _("Gift viewed")
    ARTIST_VIEWED = "artist_viewed", _("Artist viewed")
    MARKET_VIEWED = "market_viewed", _("Market viewed")
    CATALOG_SEARCHED = "catalog_searched", _("Catalog searched")
    CART_ADDED = "cart_added", _("Added to cart")
    CHECKOUT_STARTED = "checkout_started", _("Checkout started")
    ORDER_PLACED = "order_placed", _("Order placed")
    ORDER_CANCELLED = "order_cancelled", _("Order cancelled")
    ARTIST_APPLIED = "artist_applied", _("Artist applied")


class ConsentBasis(models.TextChoices):
    """Why we were allowed to record the event: an explicit yes, or a regime whose model is opt-out."""

    CONSENT = "consent", _("Consent given")
    OPT_OUT = "opt_out", _("Opt-out regime, no objection")


class UserAgentFamily(models.TextChoices):
    """The browser family only, never its version: enough to spot a broken browser, too coarse to fingerprint."""

    CHROME = "chrome", "Chrome"
    FIREFOX = "firefox", "Firefox"
    SAFARI = "safari", "Safari"
    BOT = "bot", _("Bot")
    OTHER = "other", _("Other")


class ActivityEvent(models.Model):
    """One thing a visitor did, recorded only with their consent (or where their regime's model is opt-out).

    The columns are the BigQuery table's (analytics/bigquery/activity_events.schema.json), one for one.
    """

    event_id = models.UUIDField(_("event id"), default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("event"), max_length=32, choices=EventName.choices)
    occurred_at = models.DateTimeField(_("occurred"), default=timezone.now)
    visitor = models.CharField(_("visitor (daily pseudonym)"), max_length=32, blank=True)
    user = models.CharField(_("user (keyed hash)"), max_length=32, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    currency = models.CharField(_("display currency"), max_length=3, blank=True)
    origin_locale = models.CharField(_("origin market"), max_length=60, blank=True)
    destination_country = models.CharField(_("destination country"), max_length=2, blank=True)
    gift = models.CharField(_("gift"), max_length=120, blank=True)
    artist = models.CharField(_("artist"), max_length=80, blank=True)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=3, null=True, blank=True)
    value_currency = models.CharField(_("value currency"), max_length=3, blank=True)
    result_count = models.PositiveIntegerField(_("search results"), null=True, blank=True)
    path = models.CharField(_("path"), max_length=255, blank=True)
    referrer_host = models.CharField(_("referrer host"), max_length=255, blank=True)
    user_agent_family = models.CharField(
        _("browser family"), max_length=8, choices=UserAgentFamily.choices, default=UserAgentFamily.OTHER
    )
    consent_basis = models.CharField(_("consent basis"), max_length=8, choices=ConsentBasis.choices)

    class Meta:
        verbose_name = _("activity event")
        verbose_name_plural = _("activity events")
        ordering = ["-occurred_at"]
        indexes = [
            models.Index(fields=["occurred_at"], name="event_occurred"),
            # The dashboard's funnel counts distinct visitors per event name over a period: an index-only scan.
            models.Index(fields=["name", "occurred_at", "visitor"], name="event_name_occurred_visitor"),
            models.Index(fields=["user"], name="event_user", condition=~models.Q(user="")),
        ]
        permissions = [("view_dashboard", "Can view the analytics dashboard")]

    def __str__(self) -> str:
        return f"{self.name} {self.occurred_at:%Y-%m-%d %H:%M:%S}"


class VitalMetric(models.TextChoices):
    LCP = "lcp", _("Largest Contentful Paint (ms)")
    INP = "inp", _("Interaction to Next Paint (ms)")
    CLS = "cls", _("Cumulative Layout Shift")


class WebVitalSample(models.Model):
    """One Core Web Vitals measurement from a sampled page view: the route pattern and a number, nobody's id."""

    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    route = models.CharField(_("route"), max_length=120)
    metric = models.CharField(_("metric"), max_length=3, choices=VitalMetric.choices)
    value = models.FloatField(_("value"))

    class Meta:
        verbose_name = _("web vital sample")
        verbose_name_plural = _("web vital samples")
        indexes = [models.Index(fields=["metric", "recorded_at", "value"], name="vital_metric_recorded_value")]

    def __str__(self) -> str:
        return f"{self.metric} {self.value:g} on {self.route}"
