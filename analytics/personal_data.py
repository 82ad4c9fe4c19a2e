"""What analytics holds about a person: the activity events linked to their account or to their browsers.

Events carry only pseudonyms, but we can recompute them: the keyed hash of the account id, and each browser id's
daily pseudonym for every day events are kept. Export lists those events; erasure deletes them. Events of a browser
whose id the person never gave us (the random `analytics_visitor` cookie of a visitor who never chose) cannot be
found again by anyone, which is the point of pseudonymizing them.
"""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from analytics.events import retention_days, user_pseudonym, visitor_pseudonym
from analytics.models import ActivityEvent, WebVitalSample
from compliance.registry import PersonalDataProvider, Subject, register


def _events(subject: Subject):
    condition = Q(pk__in=[])
    if subject.user_id is not None:
        condition |= Q(user=user_pseudonym(subject.user_id))
    if subject.visitor_ids:
        today = timezone.now().date()
        days = [today - timedelta(days=offset) for offset in range(retention_days() + 1)]
        condition |= Q(visitor__in=[visitor_pseudonym(raw, day) for raw in subject.visitor_ids for day in days])
    return ActivityEvent.objects.filter(condition)


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
        for event in _events(subject).order_by("occurred_at")
    ]


def erase_events(subject: Subject) -> dict:
    """Activity events go entirely: nothing about browsing has to be kept."""
    deleted, _by_model = _events(subject).delete()
    return {"deleted": deleted}


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
