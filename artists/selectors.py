"""Reads about artists for the storefront: only approved artists are public."""

from artists.models import Artist


def public_artists():
    """Approved artists with their home market, ordered by name."""
    return Artist.objects.public().select_related("home_locale").order_by("display_name")


def public_artist(slug: str) -> Artist | None:
    """An approved artist by slug with their home market, or None."""
    return public_artists().filter(slug=slug).first()
