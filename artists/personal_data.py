"""What artists/ holds about a person: their "Become an artist" applications, portfolio included.

Registered from ArtistsConfig.ready() (docs/compliance.md). An application that never led to a public artist is
deleted with its artist; an approved artist's public page is taken down (suspended, name and story removed) and
their application deleted, since gifts already sold keep pointing at the artist row.
"""

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from artists.models import ArtistApplication, ArtistStatus, ArtistStatusChange
from compliance.registry import PersonalDataProvider, Subject, register


def _applications(subject: Subject):
    if not subject.email:
        return ArtistApplication.objects.none()
    return ArtistApplication.objects.filter(email__iexact=subject.email).select_related("artist", "home_locale")


def export_applications(subject: Subject) -> list[dict]:
    return [
        {
            "reference": str(application.reference),
            "name": application.name,
            "email": application.email,
            "language": application.language,
            "home_market": application.home_locale.slug,
            "craft": application.craft,
            "statement": application.statement,
            "accepted_terms_at": application.consented_to_terms_at,
            "submitted_at": application.submitted_at,
            "status": application.status,
            "decided_at": application.decided_at,
            "reason_given": application.decision_reason,
            "portfolio": [image.image.name for image in application.images.all()],
            "artist_page": application.artist.slug if application.artist.status == ArtistStatus.APPROVED else None,
        }
        for application in _applications(subject).prefetch_related("images")
    ]


def erase_applications(subject: Subject) -> dict:
    """Delete applications and portfolio files; delete the artist too unless gifts point at them, in which case
    the artist is taken off the storefront and their name and story removed."""
    deleted = pseudonymized = 0
    files = []
    for application in _applications(subject).prefetch_related("images"):
        files += [image.image for image in application.images.all()]
        artist = application.artist
        if artist.portrait:
            files.append(artist.portrait)
        if artist.gifts.exists():
            if artist.status != ArtistStatus.SUSPENDED:
                ArtistStatusChange.objects.create(
                    artist=artist,
                    from_status=artist.status,
                    to_status=ArtistStatus.SUSPENDED,
                    reason="Erasure request.",
                )
            artist.status = ArtistStatus.SUSPENDED
            artist.display_name = f"Artist {artist.pk}"
            artist.portrait = ""
            for field in ("bio", "tradition"):
                for language, _name in settings.LANGUAGES:
                    setattr(artist, build_localized_fieldname(field, language), "")
            artist.save()
            application.delete()
            pseudonymized += 1
        else:
            artist.delete()  # the application goes with it
            deleted += 1
    transaction.on_commit(lambda: [stored.storage.delete(stored.name) for stored in files])
    return {"deleted": deleted, "pseudonymized": pseudonymized}


register(
    PersonalDataProvider(
        category="artists.applications",
        label=_("Your applications to sell on LaGiftArt"),
        export=export_applications,
        erase=erase_applications,
        erase_order=100,
    )
)
