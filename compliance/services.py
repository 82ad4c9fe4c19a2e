"""The business actions of compliance: filing and answering data-subject requests, export and erasure.

Each service is one transaction, records what it did as a RequestEvent, and tells the subject by email in their
language. Emails and export files are django-tasks tasks enqueued inside the transaction: the database queue
only sees them if the transaction commits.
"""

from __future__ import annotations

import io
import json
import secrets
import zipfile
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from compliance import links
from compliance.consent import ConsentSubject, NoPolicyInEffect, record_choice
from compliance.emails import build_subject_email
from compliance.models import (
    ConsentRecord,
    ConsentSource,
    DataSubjectRequest,
    ErasureReceipt,
    RequestEvent,
    RequestEventKind,
    RequestKind,
    RequestStatus,
)
from compliance.regimes import Purpose, Regime
from compliance.registry import Subject, registry

CONFIRMATION_LIFETIME = timedelta(hours=24)
EXPORT_LIFETIME = timedelta(days=7)
# More unconfirmed requests than this for one address in a day send no more email: nobody can use the portal to
# flood someone else's inbox.
UNCONFIRMED_PER_DAY = 3
_ERASURE_KEY_SALT = "compliance.erasure-receipt"


class RequestError(Exception):
    """A data-subject request cannot take this step; the message says why, for people."""


class InvalidConfirmation(RequestError):
    def __init__(self):
        super().__init__(_("This confirmation link is not valid any more. Please file your request again."))


def private_storage():
    return storages["private"]


def _event(dsr: DataSubjectRequest, kind: RequestEventKind, *, actor=None, note: str = "") -> RequestEvent:
    return RequestEvent.objects.create(request=dsr, kind=kind, actor=actor, note=note)


def notify_subject(dsr: DataSubjectRequest, template: str, *, to: str = "") -> None:
    """Queue an email to the subject about `dsr` in their language; recorded in the audit trail."""
    from compliance.tasks import send_subject_email

    send_subject_email.enqueue(request_id=dsr.pk, template=template, to=to)
    _event(dsr, RequestEventKind.NOTIFIED, note=template)


@transaction.atomic
def file_request(
    *,
    kind: RequestKind,
    email: str,
    language: str,
    regime: Regime,
    details: str = "",
    user_id: int | None = None,
    visitor_id: str = "",
) -> DataSubjectRequest | None:
    """Record a request and start its clock; the deadline is set now, by the regime the person is under.

    With `user_id` (a signed-in person who just re-authenticated) the request is confirmed at once. Otherwise a
    one-time link goes to `email`, and nothing happens until it is used. Returns None, and sends nothing, when the
    address already has too many unconfirmed requests today; the caller shows the same page either way, so the
    portal never tells whether an address is known.
    """
    now = timezone.now()
    email = email.strip()
    if user_id is None:
        recent = DataSubjectRequest.objects.filter(
            email__iexact=email,
            status=RequestStatus.AWAITING_CONFIRMATION,
            received_at__gte=now - timedelta(days=1),
        )
        if recent.count() >= UNCONFIRMED_PER_DAY:
            return None
    received_on = timezone.localdate(now)
    dsr = DataSubjectRequest.objects.create(
        kind=kind,
        email=email,
        user_id=user_id,
        visitor_id=visitor_id,
        language=language,
        regime=regime.code,
        details=details.strip(),
        received_at=now,
        due_on=regime.due_on(received_on),
    )
    _event(dsr, RequestEventKind.FILED)
    if user_id is not None:
        _confirm(dsr, now=now, note="account re-authentication")
        return dsr
    token, digest = links.new_confirmation_token()
    dsr.confirmation_token_hash = digest
    dsr.confirmation_expires_at = now + CONFIRMATION_LIFETIME
    dsr.save(update_fields=["confirmation_token_hash", "confirmation_expires_at"])
    # Sent now rather than queued: a queued task would keep the token in the task table, and only its digest may
    # be stored. If the mail provider refuses, the request is not filed and the person is asked to try again.
    message = build_subject_email(dsr, "confirm", extra={"confirmation_url": links.confirmation_url(token, language)})
    try:
        message.send()
    except OSError as error:
        raise RequestError(_("We could not send the confirmation email. Please try again in a few minutes.")) from error
    _event(dsr, RequestEventKind.NOTIFIED, note="confirm")
    return dsr


def request_for_confirmation(token: str) -> DataSubjectRequest:
    """The unconfirmed, unexpired request this token confirms; InvalidConfirmation otherwise."""
    if not token or len(token) > 100:
        raise InvalidConfirmation
    dsr = DataSubjectRequest.objects.filter(confirmation_token_hash=links.token_digest(token)).first()
    if (
        dsr is None
        or dsr.status != RequestStatus.AWAITING_CONFIRMATION
        or dsr.confirmation_expires_at is None
        or dsr.confirmation_expires_at <= timezone.now()
    ):
        raise InvalidConfirmation
    return dsr


@transaction.atomic
def confirm_request(*, token: str) -> DataSubjectRequest:
    """Use a one-time link: the request is confirmed and the token can never be used again."""
    dsr = request_for_confirmation(token)
    dsr = DataSubjectRequest.objects.select_for_update().get(pk=dsr.pk)
    if dsr.status != RequestStatus.AWAITING_CONFIRMATION:
        raise InvalidConfirmation
    _confirm(dsr, now=timezone.now(), note="email link")
    return dsr


def _confirm(dsr: DataSubjectRequest, *, now, note: str) -> None:
    if dsr.user_id is None:
        dsr.user_id = get_user_model().objects.filter(email__iexact=dsr.email).values_list("pk", flat=True).first()
    dsr.status = RequestStatus.OPEN
    dsr.confirmed_at = now
    dsr.confirmation_token_hash = ""
    dsr.confirmation_expires_at = None
    dsr.save(update_fields=["user_id", "status", "confirmed_at", "confirmation_token_hash", "confirmation_expires_at"])
    _event(dsr, RequestEventKind.CONFIRMED, note=note)
    notify_subject(dsr, "received")
    if dsr.kind == RequestKind.ACCESS:
        from compliance.tasks import build_export

        build_export.enqueue(request_id=dsr.pk)
    elif dsr.kind == RequestKind.DO_NOT_SELL_OR_SHARE:
        _opt_out_of_sale_and_sharing(dsr)


def _opt_out_of_sale_and_sharing(dsr: DataSubjectRequest) -> None:
    """Honor "do not sell or share" at once: the account and the filing browser refuse every such purpose."""
    refusals = {purpose: False for purpose in Purpose.optional() if purpose.is_sale_or_sharing}
    subjects = []
    if dsr.user_id is not None:
        subjects.append(ConsentSubject(user_id=dsr.user_id, visitor_id=dsr.visitor_id))
    elif dsr.visitor_id:
        subjects.append(ConsentSubject(visitor_id=dsr.visitor_id))
    try:
        for subject in subjects:
            record_choice(subject=subject, choices=refusals, source=ConsentSource.REQUEST, regime=dsr.regime_rules)
    except NoPolicyInEffect:
        # Without a policy in effect the ledger cannot say what applied; the officer completes it by hand.
        _event(dsr, RequestEventKind.NOTE, note="No privacy policy in effect: left open for the officer.")
        return
    _event(dsr, RequestEventKind.OPTED_OUT, note=f"{len(subjects)} subject(s)")
    _close(dsr, RequestStatus.FULFILLED, resolution="", actor=None)
    notify_subject(dsr, "fulfilled")


def _close(dsr: DataSubjectRequest, status: RequestStatus, *, resolution: str, actor) -> None:
    dsr.status = status
    dsr.closed_at = timezone.now()
    dsr.resolution = resolution
    dsr.save(update_fields=["status", "closed_at", "resolution"])
    kind = RequestEventKind.FULFILLED if status == RequestStatus.FULFILLED else RequestEventKind.DENIED
    _event(dsr, kind, actor=actor, note=resolution)


def _require_open(dsr: DataSubjectRequest) -> None:
    if dsr.status != RequestStatus.OPEN:
        raise RequestError(_("Only a confirmed request that is still open can take this step."))


@transaction.atomic
def extend_request(*, dsr: DataSubjectRequest, reason: str, actor) -> DataSubjectRequest:
    """Use the extension the regime allows, once, with a reason the subject is told."""
    dsr = DataSubjectRequest.objects.select_for_update().get(pk=dsr.pk)
    _require_open(dsr)
    if not reason.strip():
        raise RequestError(_("Say why the request needs more time: the subject is told the reason."))
    if dsr.extended_due_on is not None:
        raise RequestError(_("This request has already been extended."))
    extended = dsr.regime_rules.extended_due_on(timezone.localdate(dsr.received_at))
    if extended is None:
        raise RequestError(_("The law that applies to this request allows no extension."))
    dsr.extended_due_on = extended
    dsr.extension_reason = reason.strip()
    dsr.save(update_fields=["extended_due_on", "extension_reason"])
    _event(dsr, RequestEventKind.EXTENDED, actor=actor, note=dsr.extension_reason)
    notify_subject(dsr, "extended")
    return dsr


@transaction.atomic
def fulfil_request(*, dsr: DataSubjectRequest, resolution: str, actor) -> DataSubjectRequest:
    """Close a request as done. An erasure erases here; an access request needs its export file ready."""
    dsr = DataSubjectRequest.objects.select_for_update().get(pk=dsr.pk)
    _require_open(dsr)
    resolution = resolution.strip()
    if dsr.kind == RequestKind.ERASURE:
        email = dsr.email
        receipt = erase_subject(subject_for_request(dsr), request=dsr, actor=actor)
        dsr.refresh_from_db()
        _event(dsr, RequestEventKind.ERASED, actor=actor, note=json.dumps(receipt.summary, sort_keys=True))
        _close(dsr, RequestStatus.FULFILLED, resolution=resolution, actor=actor)
        # The request no longer holds the address; this last message is the only place it still goes.
        notify_subject(dsr, "erased", to=email)
        return dsr
    if dsr.kind == RequestKind.ACCESS and not dsr.export_file:
        build_export_file(dsr)
    if not resolution:
        raise RequestError(_("Say what was done: the subject is told."))
    _close(dsr, RequestStatus.FULFILLED, resolution=resolution, actor=actor)
    notify_subject(dsr, "fulfilled")
    return dsr


@transaction.atomic
def deny_request(*, dsr: DataSubjectRequest, reason: str, actor) -> DataSubjectRequest:
    """Decline a request with the reason the law requires us to give, and tell the subject."""
    dsr = DataSubjectRequest.objects.select_for_update().get(pk=dsr.pk)
    _require_open(dsr)
    if not reason.strip():
        raise RequestError(_("Say why the request is declined: the subject is told the reason."))
    _close(dsr, RequestStatus.DENIED, resolution=reason.strip(), actor=actor)
    notify_subject(dsr, "denied")
    return dsr


def subject_for_request(dsr: DataSubjectRequest) -> Subject:
    """Everything that identifies the requester: the address, the account with it, and their browsers' ids."""
    user_id = dsr.user_id
    if user_id is None and dsr.email:
        user_id = get_user_model().objects.filter(email__iexact=dsr.email).values_list("pk", flat=True).first()
    visitor_ids = {dsr.visitor_id}
    if user_id is not None:
        visitor_ids |= set(
            ConsentRecord.objects.filter(user_id=user_id).exclude(visitor_id="").values_list("visitor_id", flat=True)
        )
    return Subject(email=dsr.email, user_id=user_id, visitor_ids=tuple(visitor_ids))


def export_subject(subject: Subject) -> dict[str, Any]:
    """What every registered app holds about the subject, by category."""
    return {provider.category: provider.export(subject) for provider in registry.providers()}


class ErasureFailed(RequestError):
    pass


@transaction.atomic
def erase_subject(subject: Subject, *, request: DataSubjectRequest | None = None, actor=None) -> ErasureReceipt:
    """Erase or pseudonymize the subject everywhere, all or nothing, and keep a receipt that names nobody.

    Providers run in their `erase_order`; if one fails, the whole erasure rolls back and ErasureFailed says which.
    """
    summary = {}
    for provider in registry.erasure_order():
        try:
            summary[provider.category] = provider.erase(subject)
        except Exception as error:
            raise ErasureFailed(
                _("Erasure stopped at %(category)s, and nothing was erased: %(error)s")
                % {"category": provider.category, "error": error}
            ) from error
    return ErasureReceipt.objects.create(
        email_digest=email_digest(subject.email), request=request, summary=summary, performed_by=actor
    )


def _normalised(email: str) -> str:
    return email.strip().casefold()


def email_digest(email: str, secret: str | None = None) -> str:
    """A keyed hash of the email: recognisable with our key, meaningless without it."""
    return salted_hmac(_ERASURE_KEY_SALT, _normalised(email), secret=secret, algorithm="sha256").hexdigest()


def is_erased(email: str) -> bool:
    """Was this address erased? Imports and sign-ups ask before bringing a subject back. Rotated keys still count."""
    if not email or not email.strip():
        return False
    secrets_in_use = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    digests = [email_digest(email, secret) for secret in secrets_in_use]
    return ErasureReceipt.objects.filter(email_digest__in=digests).exists()


def build_export_file(dsr: DataSubjectRequest) -> str:
    """Write the subject's ZIP (a JSON file per category and a README in their language) to private storage.

    Idempotent: an export already written and not expired is kept, so a retried task does not write twice.
    """
    now = timezone.now()
    if dsr.export_file and dsr.export_expires_at and dsr.export_expires_at > now:
        return dsr.export_file
    data = export_subject(subject_for_request(dsr))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for category, content in data.items():
            archive.writestr(
                f"{category}.json", json.dumps(content, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
            )
        archive.writestr("README.txt", _export_readme(dsr, now=now, expires=now + EXPORT_LIFETIME))
    # A random name, so a leaked bucket listing or a guessed reference leads nowhere.
    name = f"exports/{dsr.reference}/{secrets.token_urlsafe(16)}.zip"
    saved = private_storage().save(name, ContentFile(buffer.getvalue()))
    dsr.export_file = saved
    dsr.export_expires_at = now + EXPORT_LIFETIME
    dsr.save(update_fields=["export_file", "export_expires_at"])
    _event(dsr, RequestEventKind.EXPORT_READY, note=", ".join(data))
    return saved


def _export_readme(dsr: DataSubjectRequest, *, now, expires) -> str:
    with translation.override(dsr.language):
        categories = [(f"{provider.category}.json", str(provider.label)) for provider in registry.providers()]
        return render_to_string(
            "compliance/export/README.txt",
            {"categories": categories, "created": now, "expires": expires, "site_name": settings.SITE_NAME},
        )


@transaction.atomic
def complete_access_request(*, dsr: DataSubjectRequest) -> DataSubjectRequest:
    """The export task's work: write the file, close the request as done and tell the subject it is ready."""
    dsr = DataSubjectRequest.objects.select_for_update().get(pk=dsr.pk)
    if dsr.kind != RequestKind.ACCESS or dsr.status != RequestStatus.OPEN:
        return dsr
    build_export_file(dsr)
    _close(dsr, RequestStatus.FULFILLED, resolution="", actor=None)
    notify_subject(dsr, "export_ready")
    return dsr


def export_is_available(dsr: DataSubjectRequest) -> bool:
    return bool(dsr.export_file) and dsr.export_expires_at is not None and dsr.export_expires_at > timezone.now()


def record_download(dsr: DataSubjectRequest) -> None:
    _event(dsr, RequestEventKind.EXPORT_DOWNLOADED)
