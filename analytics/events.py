"""The one emitter of activity events: `record_event(request, name, **fields)`.

An event is recorded only when `has_consent(request, "analytics")` says so, which covers both an explicit yes and a
regime whose model is opt-out with no objection on record. Identifiers are pseudonymized here and nowhere else:

* `visitor` is an HMAC of a random first-party id (the consent cookie's visitor id, or else our own random
  `analytics_visitor` cookie) under a salt derived from SECRET_KEY and the UTC date, so the same browser links
  across one day's events and not beyond; no IP address is ever read. An API call carries neither cookie unless a
  browser makes it, and is never given one: it is then its account's visitor when signed in, and no visitor at all
  otherwise (`_raw_visitor_id`).
* `user` is a keyed hash of the account id (stable, so orders and views link, but not reversible without the key).

Events are buffered on the request and written by `analytics.middleware.RequestMetricsMiddleware` once the response
is ready: one `bulk_create` per request, and one `lagiftart.activity` log line per event whose JSON payload is the
BigQuery row. Outside a request cycle (a command, a test calling a view directly) they are written at once.
"""

from __future__ import annotations

import logging
import re
import secrets
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from urllib.parse import urlsplit

from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import get_language
from rest_framework.request import Request

from analytics import metrics
from analytics.models import ActivityEvent, ConsentBasis, EventName, UserAgentFamily
from compliance.consent import consent_state, has_consent, visitor_id_from
from compliance.regimes import Purpose

activity_logger = logging.getLogger("lagiftart.activity")
logger = logging.getLogger(__name__)

VISITOR_COOKIE = "analytics_visitor"
VISITOR_COOKIE_MAX_AGE = 395 * 24 * 3600
_VISITOR_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_BUFFER = "_analytics_events"
_NEW_VISITOR = "_analytics_new_visitor"
_BOTS = re.compile(r"bot|crawl|spider|slurp|headless|lighthouse|preview|fetch|monitor", re.IGNORECASE)
# The row's columns, in the BigQuery schema's order (analytics/bigquery/activity_events.schema.json).
COLUMNS = (
    "event_id",
    "name",
    "occurred_at",
    "visitor",
    "user",
    "language",
    "currency",
    "origin_locale",
    "destination_country",
    "gift",
    "artist",
    "value",
    "value_currency",
    "result_count",
    "path",
    "referrer_host",
    "user_agent_family",
    "consent_basis",
)


def visitor_pseudonym(raw_id: str, day: date, *, secret: str | None = None) -> str:
    """The visitor column for a browser id on a UTC day; the salt is SECRET_KEY and the day, so it rotates daily.

    `secret` recomputes it under another key (a retired one in SECRET_KEY_FALLBACKS, for export and erasure)."""
    salt = f"lagiftart.analytics.visitor:{day.isoformat()}"
    return salted_hmac(salt, raw_id, secret=secret, algorithm="sha256").hexdigest()[:32]


def user_pseudonym(user_id: int, *, secret: str | None = None) -> str:
    """The user column: a keyed hash of the account id, the same every day so a buyer's journey links up."""
    return salted_hmac("lagiftart.analytics.user", str(user_id), secret=secret, algorithm="sha256").hexdigest()[:32]


def user_agent_family(user_agent: str) -> str:
    """Chrome, Firefox, Safari, a bot, or other: the family only, never a version."""
    if not user_agent or _BOTS.search(user_agent):
        return UserAgentFamily.BOT if user_agent else UserAgentFamily.OTHER
    if "Firefox/" in user_agent or "FxiOS/" in user_agent:
        return UserAgentFamily.FIREFOX
    if "Chrome/" in user_agent or "CriOS/" in user_agent or "Chromium/" in user_agent:
        return UserAgentFamily.CHROME
    if "Safari/" in user_agent:
        return UserAgentFamily.SAFARI
    return UserAgentFamily.OTHER


def referrer_host(referer: str) -> str:
    """The referring site's host name alone: a path or query string could carry someone's data."""
    try:
        parts = urlsplit(referer)
    except ValueError:
        return ""
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return ""
    return parts.hostname.lower()[:255]


def _raw_visitor_id(request) -> str:
    """The browser's random first-party id: the consent cookie's, else ours, else a new one set with the response.

    An API request (DRF's `Request`) never gets a new one: its answer sets no cookie, so a new id per request would
    count every call of a cookie-less app as another visitor. A signed-in API caller without either cookie is its
    account (one visitor a day, like a browser); an anonymous one is '' (no visitor), which the funnel leaves out.
    """
    existing = visitor_id_from(request)
    if existing:
        return existing
    ours = request.COOKIES.get(VISITOR_COOKIE, "")
    if _VISITOR_ID.match(ours):
        return ours
    if isinstance(request, Request):
        user = getattr(request, "user", None)
        return f"account:{user.pk}" if user is not None and user.is_authenticated else ""
    new = getattr(request, _NEW_VISITOR, "")
    if not new:
        new = secrets.token_urlsafe(16)
        setattr(request, _NEW_VISITOR, new)
    return new


def new_visitor_cookie(request) -> str:
    """The visitor id this request created, which the response must set as a cookie; '' when none was made."""
    return getattr(request, _NEW_VISITOR, "")


def _display_currency(request) -> str:
    from locales.currency import display_currency

    return display_currency(request)


def _country_code(value) -> str:
    """An ISO code from a code, a Country, or anything with a `country` (a Destination, a Locale)."""
    value = getattr(value, "country", value)
    return (getattr(value, "code", value) or "").upper()[:2]


def _slug(value) -> str:
    return getattr(value, "slug", value) or ""


def record_event(
    request,
    name: EventName | str,
    *,
    gift=None,
    artist=None,
    origin_locale=None,
    destination_country: str = "",
    value: Decimal | None = None,
    value_currency: str = "",
    result_count: int | None = None,
    currency: str = "",
) -> ActivityEvent | None:
    """Record that the visitor behind `request` did `name`; None (and nothing stored) without analytics consent.

    `gift`, `artist` and `origin_locale` take a model instance or its slug; a gift fills in its artist and the
    artist's market when they are not given (from the gift's already-loaded relations). `destination_country`
    takes a code, a Destination or a Locale. `currency` is the display currency when the page chose it otherwise
    than the request's cookie or profile would (the API's `?currency=`). Any field may be a function, called only
    if the event is recorded.
    """
    name = EventName(name)
    if not has_consent(request, Purpose.ANALYTICS):
        metrics.EVENTS_REFUSED.labels(name=name.value).inc()
        return None
    # A field given as a function is read only now that the event will be recorded: a view can offer a costly
    # number (a search's result count) without computing it for visitors we record nothing about.
    gift, artist, origin_locale, destination_country, value, value_currency, result_count, currency = (
        field() if callable(field) else field
        for field in (gift, artist, origin_locale, destination_country, value, value_currency, result_count, currency)
    )
    if gift is not None and not isinstance(gift, str):
        artist = artist if artist is not None else getattr(gift, "artist", None)
    if artist is not None and not isinstance(artist, str) and origin_locale is None:
        origin_locale = getattr(artist, "home_locale", None)
    occurred_at = timezone.now()
    user = getattr(request, "user", None)
    basis = (
        ConsentBasis.CONSENT
        if consent_state(request).choices.get(Purpose.ANALYTICS) is not None
        else ConsentBasis.OPT_OUT
    )
    raw_visitor = _raw_visitor_id(request)
    event = ActivityEvent(
        name=name,
        occurred_at=occurred_at,
        visitor=visitor_pseudonym(raw_visitor, occurred_at.date()) if raw_visitor else "",
        user=user_pseudonym(user.pk) if user is not None and user.is_authenticated else "",
        language=(get_language() or "")[:10],
        currency=(currency or _display_currency(request)).upper()[:3],
        origin_locale=_slug(origin_locale)[:60],
        destination_country=_country_code(destination_country),
        gift=_slug(gift)[:120],
        artist=_slug(artist)[:80],
        value=None if value is None else Decimal(str(value)),
        value_currency=(value_currency or "").upper()[:3],
        result_count=result_count,
        path=request.path[:255],
        referrer_host=referrer_host(request.headers.get("Referer", "")),
        user_agent_family=user_agent_family(request.headers.get("User-Agent", "")),
        consent_basis=basis,
    )
    buffer = getattr(request, _BUFFER, None)
    if buffer is None:
        write_events([event])
    else:
        buffer.append(event)
    return event


def start_buffer(request) -> None:
    """Collect this request's events until `flush_buffer`; the middleware calls both."""
    setattr(request, _BUFFER, [])


def flush_buffer(request) -> int:
    events = getattr(request, _BUFFER, None) or []
    setattr(request, _BUFFER, None)
    return write_events(events) if events else 0


def write_events(events: list[ActivityEvent]) -> int:
    """Store events with one INSERT and put each on the activity log stream; a failed INSERT never fails a page."""
    try:
        ActivityEvent.objects.bulk_create(events)
    except DatabaseError:
        metrics.EVENTS_DROPPED.inc(len(events))
        logger.exception("Could not store %d activity events; they still go to the log stream", len(events))
    for event in events:
        metrics.EVENTS_RECORDED.labels(name=event.name).inc()
        activity_logger.info("activity %s", event.name, extra={"json_fields": event_row(event)})
    return len(events)


def _json_value(value):
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    return value


def event_row(event: ActivityEvent) -> dict:
    """The event as a BigQuery row (and log payload): every column, empty strings as nulls, JSON types only."""
    row = {}
    for column in COLUMNS:
        value = _json_value(getattr(event, column))
        row[column] = None if value == "" else value
    return row


def retention_days() -> int:
    return settings.ANALYTICS_RETENTION_DAYS
