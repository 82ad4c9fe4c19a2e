"""What compliance itself holds about a person: their consent records and their data-subject requests.

Registered from ComplianceConfig.ready(), the same way every app registers its own `personal_data.py`.
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from compliance.models import ConsentRecord, DataSubjectRequest, RequestEvent, RequestEventKind, RequestStatus
from compliance.registry import PersonalDataProvider, Subject, register


def _consent_records(subject: Subject):
    condition = Q(pk__in=[])
    if subject.user_id is not None:
        condition |= Q(user_id=subject.user_id)
    if subject.visitor_ids:
        condition |= Q(visitor_id__in=subject.visitor_ids)
    return ConsentRecord.objects.filter(condition)


def export_consent(subject: Subject) -> list[dict]:
    return [
        {
            "purpose": record.purpose.code,
            "granted": record.granted,
            "recorded_at": record.recorded_at,
            "source": record.source,
            "regime": record.regime,
            "policy_version": record.policy_version.version,
            "network": record.ip_prefix,
        }
        for record in _consent_records(subject).select_related("purpose", "policy_version").order_by("recorded_at")
    ]


def erase_consent(subject: Subject) -> dict:
    """Consent records go with their subject: once erased, there is no processing left for them to justify."""
    return {"deleted": _consent_records(subject).erase()}


def _requests(subject: Subject):
    condition = Q(email__iexact=subject.email) if subject.email else Q(pk__in=[])
    if subject.user_id is not None:
        condition |= Q(user_id=subject.user_id)
    return DataSubjectRequest.objects.filter(condition)


def export_requests(subject: Subject) -> list[dict]:
    return [
        {
            "reference": str(dsr.reference),
            "kind": dsr.kind,
            "status": dsr.status,
            "received_at": dsr.received_at,
            "due_on": dsr.deadline,
            "closed_at": dsr.closed_at,
            "details": dsr.details,
            "resolution": dsr.resolution,
            "events": [{"event": event.kind, "at": event.at} for event in dsr.events.all()],
        }
        for dsr in _requests(subject).prefetch_related("events").order_by("received_at")
    ]


def erase_requests(subject: Subject) -> dict:
    """Requests are kept as proof that we answered them, without the person: address, account, browser and
    details go, and export files are deleted once the erasure commits."""
    from compliance.services import private_storage

    requests = list(_requests(subject))
    files = [dsr.export_file for dsr in requests if dsr.export_file]
    for dsr in requests:
        dsr.email = ""
        dsr.user_id = None
        dsr.visitor_id = ""
        dsr.details = ""
        dsr.confirmation_token_hash = ""
        dsr.export_file = ""
        dsr.export_expires_at = None
    DataSubjectRequest.objects.bulk_update(
        requests,
        ["email", "user_id", "visitor_id", "details", "confirmation_token_hash", "export_file", "export_expires_at"],
    )

    def delete_files():
        storage = private_storage()
        for name in files:
            storage.delete(name)

    transaction.on_commit(delete_files)
    return {"pseudonymized": len(requests), "export_files_deleted": len(files)}


UNCONFIRMED_REQUEST_LIFETIME = timedelta(days=30)
"""An unconfirmed request is kept this long (the confirmation link itself dies after a day), then deleted: it
holds an address that never proved it wanted anything from us."""


def retain_requests(now, dry_run: bool) -> dict:
    """Delete export files past their 7 days (the request keeps a note that it was deleted) and requests nobody
    confirmed within UNCONFIRMED_REQUEST_LIFETIME."""
    from compliance.services import private_storage

    expired_exports = DataSubjectRequest.objects.exclude(export_file="").filter(export_expires_at__lte=now)
    unconfirmed = DataSubjectRequest.objects.filter(
        status=RequestStatus.AWAITING_CONFIRMATION, received_at__lt=now - UNCONFIRMED_REQUEST_LIFETIME
    )
    if dry_run:
        return {"export_files_deleted": expired_exports.count(), "unconfirmed_requests_deleted": unconfirmed.count()}
    requests = list(expired_exports.select_for_update())
    files = [dsr.export_file for dsr in requests]
    for dsr in requests:
        dsr.export_file = ""
        dsr.export_expires_at = None
    DataSubjectRequest.objects.bulk_update(requests, ["export_file", "export_expires_at"])
    RequestEvent.objects.bulk_create(
        RequestEvent(request=dsr, kind=RequestEventKind.NOTE, at=now, note="Export file deleted: it had expired.")
        for dsr in requests
    )

    def delete_files():
        storage = private_storage()
        for name in files:
            storage.delete(name)

    transaction.on_commit(delete_files)
    unconfirmed_count = unconfirmed.count()
    unconfirmed.delete()
    return {"export_files_deleted": len(files), "unconfirmed_requests_deleted": unconfirmed_count}


def register_providers() -> None:
    register(
        PersonalDataProvider(
            category="compliance.consent",
            label=_("Your privacy choices (consent records)"),
            export=export_consent,
            erase=erase_consent,
            erase_order=1000,
        )
    )
    register(
        PersonalDataProvider(
            category="compliance.requests",
            label=_("Your privacy requests"),
            export=export_requests,
            erase=erase_requests,
            erase_order=1000,
            retain=retain_requests,
        )
    )


register_providers()
