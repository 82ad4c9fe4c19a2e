"""Test helpers for the artists' studio: an account that speaks for an approved artist."""

from django.utils import timezone

from accounts.tests.factories import UserFactory
from artists.models import ApplicationStatus, ArtistApplication


def artist_account(artist, email: str, *, verified: bool = True):
    """The account of `artist`: the artist's application came from `email`, which the account has (verified)."""
    ArtistApplication.objects.create(
        artist=artist,
        name=artist.display_name,
        email=email,
        language="en",
        home_locale=artist.home_locale,
        craft="Pottery",
        statement="I make things.",
        consented_to_terms_at=timezone.now(),
        status=ApplicationStatus.APPROVED,
    )
    return UserFactory(email=email, full_name=artist.display_name, verified_email=verified)
