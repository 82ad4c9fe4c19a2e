"""Business actions on artists. Every change of review status goes through `change_artist_status`."""

from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from artists.models import (
    ApplicationStatus,
    Artist,
    ArtistApplication,
    ArtistApplicationImage,
    ArtistStatus,
    ArtistStatusChange,
)
from locales.models import Locale

RESERVED_ARTIST_SLUGS = frozenset({"apply"})
"""Slugs that name pages under /artists/ and so can never be an artist's."""

ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    ArtistStatus.APPLIED: frozenset({ArtistStatus.IN_REVIEW, ArtistStatus.REJECTED}),
    ArtistStatus.IN_REVIEW: frozenset({ArtistStatus.APPROVED, ArtistStatus.REJECTED}),
    ArtistStatus.APPROVED: frozenset({ArtistStatus.SUSPENDED}),
    ArtistStatus.SUSPENDED: frozenset({ArtistStatus.APPROVED, ArtistStatus.REJECTED}),
    ArtistStatus.REJECTED: frozenset({ArtistStatus.IN_REVIEW}),
}
"""Which review decisions may follow which: a rejected artist is reviewed again before any approval."""


class ArtistStatusError(Exception):
    """A status change the review process does not allow; the message is for the person who asked for it."""


@transaction.atomic
def change_artist_status(*, artist: Artist, to_status: str, by, reason: str) -> ArtistStatusChange:
    """Move an artist to `to_status`, stamping approval, and record who did it and why."""
    reason = (reason or "").strip()
    if not reason:
        raise ArtistStatusError(_("Say why the artist's status changes."))
    if to_status not in ArtistStatus.values:
        raise ArtistStatusError(_("%(status)s is not an artist status.") % {"status": to_status})
    locked = Artist.objects.select_for_update().get(pk=artist.pk)
    from_status = locked.status
    if to_status not in ALLOWED_TRANSITIONS.get(from_status, frozenset()):
        raise ArtistStatusError(
            _("An artist who is %(from)s cannot become %(to)s.")
            % {"from": ArtistStatus(from_status).label, "to": ArtistStatus(to_status).label}
        )
    locked.status = to_status
    if to_status == ArtistStatus.APPROVED:
        locked.approved_at = timezone.now()
    locked.save(update_fields=["status", "approved_at", "updated_at"])
    artist.status, artist.approved_at = locked.status, locked.approved_at
    return ArtistStatusChange.objects.create(
        artist=locked,
        from_status=from_status,
        to_status=to_status,
        changed_by=by if getattr(by, "pk", None) else None,
        reason=reason,
    )


class ApplicationError(Exception):
    """A decision the application's state does not allow; the message is for the curator who asked for it."""


class ApplicationDecision(models.TextChoices):
    APPROVE = "approve", gettext_lazy("Approve")
    REQUEST_CHANGES = "request_changes", gettext_lazy("Request changes")
    REJECT = "reject", gettext_lazy("Reject")


_DECISION_STATUS = {
    ApplicationDecision.APPROVE: ApplicationStatus.APPROVED,
    ApplicationDecision.REQUEST_CHANGES: ApplicationStatus.CHANGES_REQUESTED,
    ApplicationDecision.REJECT: ApplicationStatus.REJECTED,
}
DECIDABLE_FROM = {
    ApplicationDecision.APPROVE: {ApplicationStatus.SUBMITTED, ApplicationStatus.CHANGES_REQUESTED},
    ApplicationDecision.REQUEST_CHANGES: {ApplicationStatus.SUBMITTED},
    ApplicationDecision.REJECT: {ApplicationStatus.SUBMITTED, ApplicationStatus.CHANGES_REQUESTED},
}


def unique_artist_slug(name: str) -> str:
    """A free slug for a new artist from their name (`rosa-lopez`, then `rosa-lopez-2`), never a reserved path."""
    base = slugify(name, allow_unicode=False)[:70].strip("-") or "artist"
    candidate, number = base, 1
    while candidate in RESERVED_ARTIST_SLUGS or Artist.objects.filter(slug=candidate).exists():
        number += 1
        candidate = f"{base}-{number}"
    return candidate


@transaction.atomic
def submit_application(
    *,
    name: str,
    email: str,
    language: str,
    home_locale: Locale,
    craft: str,
    statement: str,
    portfolio: list,
) -> ArtistApplication:
    """File a "Become an artist" application: the artist exists at once, hidden in status "applied", with the
    application and its portfolio for the curators' queue; the applicant gets a confirmation in their language."""
    artist = Artist(slug=unique_artist_slug(name), display_name=name, home_locale=home_locale)
    # The applicant's own words stand in English too until a curator translates them, so no page shows a blank.
    for field, value in (("craft", craft), ("bio", statement)):
        setattr(artist, f"{field}_en", value)
        setattr(artist, f"{field}_{language.replace('-', '_')}", value)
    artist.status = ArtistStatus.APPLIED
    artist.save()
    ArtistStatusChange.objects.create(
        artist=artist, from_status="", to_status=ArtistStatus.APPLIED, reason="Applied through “Become an artist”."
    )
    application = ArtistApplication.objects.create(
        artist=artist,
        name=name,
        email=email,
        language=language,
        home_locale=home_locale,
        craft=craft,
        statement=statement,
        consented_to_terms_at=timezone.now(),
    )
    for position, upload in enumerate(portfolio):
        ArtistApplicationImage.objects.create(application=application, image=upload, position=position)
    _email_on_commit(application, "received")
    return application


@transaction.atomic
def decide_application(*, application: ArtistApplication, decision: str, by, reason: str) -> ArtistApplication:
    """Approve, ask for changes or reject, with a reason the applicant reads; the artist's status history records
    each step (approval makes the artist page public) and the applicant is emailed in their language."""
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Give the applicant a reason."))
    locked = ArtistApplication.objects.select_for_update().select_related("artist").get(pk=application.pk)
    if decision not in DECIDABLE_FROM or locked.status not in DECIDABLE_FROM[decision]:
        raise ApplicationError(
            _("An application that is “%(status)s” cannot take this decision.")
            % {"status": ApplicationStatus(locked.status).label}
        )
    artist = locked.artist
    if decision in (ApplicationDecision.APPROVE, ApplicationDecision.REQUEST_CHANGES):
        if artist.status == ArtistStatus.APPLIED:
            start = reason if decision == ApplicationDecision.REQUEST_CHANGES else "Application under review."
            change_artist_status(artist=artist, to_status=ArtistStatus.IN_REVIEW, by=by, reason=start)
        if decision == ApplicationDecision.APPROVE:
            change_artist_status(artist=artist, to_status=ArtistStatus.APPROVED, by=by, reason=reason)
    else:
        change_artist_status(artist=artist, to_status=ArtistStatus.REJECTED, by=by, reason=reason)
    locked.status = _DECISION_STATUS[decision]
    locked.decided_at = timezone.now()
    locked.decided_by = by if getattr(by, "pk", None) else None
    locked.decision_reason = reason
    locked.save(update_fields=["status", "decided_at", "decided_by", "decision_reason"])
    _email_on_commit(locked, locked.status)
    return locked


def _email_on_commit(application: ArtistApplication, message: str) -> None:
    from artists.tasks import send_application_email

    application_id = application.pk
    transaction.on_commit(lambda: send_application_email.enqueue(application_id=application_id, message=message))
