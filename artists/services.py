"""Business actions on artists. Every change of review status goes through `change_artist_status`."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from artists.models import Artist, ArtistStatus, ArtistStatusChange

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
