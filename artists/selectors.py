"""Reads about artists for the storefront: only approved artists are public."""

from artists.models import Artist
from locales.models import Locale


def public_artists():
    """Approved artists with their home market, ordered by name."""
    return Artist.objects.public().select_related("home_locale").order_by("display_name")


def public_artist(slug: str) -> Artist | None:
    """An approved artist by slug with their home market, or None."""
    return public_artists().filter(slug=slug).first()


def application_markets():
    """The markets an applicant may say they work in: launched ones, and ones being prepared, by name."""
    return Locale.objects.order_by("position", "slug")
