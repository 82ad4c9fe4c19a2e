"""Reads for the privacy pages and the admin, shaped for the page that shows them."""

import uuid

from django.utils import timezone

from compliance.models import ConsentPurpose, DataSubjectRequest, PolicyVersion, RequestEvent, RequestEventKind


def policy_in_effect(today=None) -> PolicyVersion | None:
    """The privacy policy in effect: the latest version whose effective date has come."""
    today = today or timezone.localdate()
    return PolicyVersion.objects.filter(effective_on__lte=today).order_by("-effective_on", "-id").first()


def consent_purposes() -> list[ConsentPurpose]:
    """Every purpose, necessary first, in the order the preferences page lists them."""
    return list(ConsentPurpose.objects.order_by("position", "code"))


def request_by_reference(reference: str) -> DataSubjectRequest | None:
    try:
        return DataSubjectRequest.objects.filter(reference=uuid.UUID(reference)).first()
    except ValueError:
        return None


# What the subject sees of the audit trail: the steps of their request, not the staff's internal notes.
_SUBJECT_EVENTS = {
    RequestEventKind.FILED,
    RequestEventKind.CONFIRMED,
    RequestEventKind.EXTENDED,
    RequestEventKind.EXPORT_READY,
    RequestEventKind.EXPORT_DOWNLOADED,
    RequestEventKind.ERASED,
    RequestEventKind.OPTED_OUT,
    RequestEventKind.FULFILLED,
    RequestEventKind.DENIED,
}


def subject_visible_events(dsr: DataSubjectRequest) -> list[RequestEvent]:
    return list(dsr.events.filter(kind__in=_SUBJECT_EVENTS).order_by("at", "id").only("kind", "at", "request_id"))
