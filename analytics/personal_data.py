"""What analytics holds about a person: the activity events linked to their account or to their browsers.

Events carry only pseudonyms, but we can recompute them: the keyed hash of the account id, and each browser id's
daily pseudonym for every day events are kept. Export lists those events; erasure deletes them. Events of a browser
whose id the person never gave us (the random `analytics_visitor` cookie of a visitor who never chose) cannot be
found again by anyone, which is the point of pseudonymizing them.

The pseudonyms are keyed with SECRET_KEY, so after a key rotation the events written before it carry hashes under
the retired key. Export and erasure therefore recompute them under SECRET_KEY and under each key in
SECRET_KEY_FALLBACKS (docs/deploy.md, "Rotate a secret"), and find the person's events from before the rotation too.

The same events went to BigQuery through the log sink. Once an erasure commits, the pseudonyms it found are written
on the `lagiftart.erasures` log stream; a daily scheduled query deletes the rows carrying them from the BigQuery
tables (docs/analytics.md, "Erasure and the BigQuery copy").
"""

import logging
from collections.abc import Iterator
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from analytics.events import retention_days, user_pseudonym, visitor_pseudonym
from analytics.models import ActivityEvent, WebVitalSample
from compliance.registry import PersonalDataProvider, Subject, register

erasure_logger = logging.getLogger("lagiftart.erasures")

# Pseudonyms per query: a browser id makes one per retained day and key, so a subject with several browsers and a
# few retired keys reaches thousands; SQLite refuses more than 999 parameters in one query on older builds.
PSEUDONYMS_PER_QUERY = 900


def _keys() -> list[str]:
    """The current key first, then the retired ones still accepted (they keyed the events written before)."""
    return [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]


def _user_pseudonyms(subject: Subject) -> list[str]:
    if subject.user_id is None:
        return []
    return sorted({user_pseudonym(subject.user_id, secret=key) for key in _keys()})


def _visitor_pseudonyms(subject: Subject) -> list[str]:
    if not subject.visitor_ids:
        return []
    today = timezone.now().date()
    days = [today - timedelta(days=offset) for offset in range(retention_days() + 1)]
    return sorted(
        {visitor_pseudonym(raw, day, secret=key) for key in _keys() for raw in subject.visitor_ids for day in days}
    )


def _visitor_batches(subject: Subject) -> Iterator:
    """The subject's events by browser, as querysets of at most PSEUDONYMS_PER_QUERY pseudonyms each."""
    visitors = _visitor_pseudonyms(subject)
    for start in range(0, len(visitors), PSEUDONYMS_PER_QUERY):
        yield ActivityEvent.objects.filter(visitor__in=visitors[start : start + PSEUDONYMS_PER_QUERY])


def _event_batches(subject: Subject) -> Iterator:
    """The subject's events: by account, then by browser."""
    users = _user_pseudonyms(subject)
    if users:
        yield ActivityEvent.objects.filter(user__in=users)
    yield from _visitor_batches(subject)


def _events(subject: Subject) -> list[ActivityEvent]:
    found = {event.pk: event for batch in _event_batches(subject) for event in batch}
    return sorted(found.values(), key=lambda event: (event.occurred_at, event.pk))


def export_events(subject: Subject) -> list[dict]:
    return [
        {
            "event": event.name,
            "at": event.occurred_at,
            "path": event.path,
            "gift": event.gift,
            "artist": event.artist,
            "market": event.origin_locale,
            "destination_country": event.destination_country,
            "value": str(event.value) if event.value is not None else None,
            "value_currency": event.value_currency,
            "language": event.language,
            "browser": event.user_agent_family,
            "referrer": event.referrer_host,
        }
        for event in _events(subject)
    ]


def erase_events(subject: Subject) -> dict:
    """Activity events go entirely: nothing about browsing has to be kept. The BigQuery copy follows (module doc).

    The pseudonyms handed on to BigQuery are the ones this deletion matched on: the account's hashes under every key
    and the browser-day hashes that had events. Deleting rows by the same two columns there removes the same events
    and no one else's: a shared browser's other visitors keep theirs, as they do in the database."""
    pseudonyms = set(_user_pseudonyms(subject))
    for batch in _visitor_batches(subject):
        pseudonyms.update(batch.values_list("visitor", flat=True).distinct())
    deleted = sum(batch.delete()[0] for batch in _event_batches(subject))
    if pseudonyms:
        found = sorted(pseudonyms)
        transaction.on_commit(lambda: log_erased_pseudonyms(found))
    return {"deleted": deleted}


def log_erased_pseudonyms(pseudonyms: list[str]) -> None:
    """One line per erasure on `lagiftart.erasures`, routed to BigQuery, whose scheduled query deletes the rows.

    The line holds hashes already present in the rows it removes and nothing that names anyone."""
    erasure_logger.info(
        "activity pseudonyms erased: %d",
        len(pseudonyms),
        extra={"json_fields": {"erased_pseudonyms": pseudonyms, "erased_count": len(pseudonyms)}},
    )


def retain_events(now, dry_run: bool) -> dict:
    """What `manage.py prune_events` deletes, as part of the daily retention job: events and Web Vitals samples
    older than ANALYTICS_RETENTION_DAYS."""
    cutoff = now - timedelta(days=retention_days())
    expired = {
        "events_deleted": ActivityEvent.objects.filter(occurred_at__lt=cutoff),
        "web_vitals_deleted": WebVitalSample.objects.filter(recorded_at__lt=cutoff),
    }
    if dry_run:
        return {kind: rows.count() for kind, rows in expired.items()}
    return {kind: rows.delete()[0] for kind, rows in expired.items()}


register(
    PersonalDataProvider(
        category="analytics.events",
        label=_("What you did on the site (activity events)"),
        export=export_events,
        erase=erase_events,
        erase_order=100,
        retain=retain_events,
    )
)
