"""Factories for artists: approved (public) unless a test asks for another status."""

import factory
from django.utils import timezone

from artists.models import Artist, ArtistStatus
from locales.tests.factories import LocaleFactory


class ArtistFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Artist

    slug = factory.Sequence(lambda n: f"artist-{n}")
    display_name = factory.Sequence(lambda n: f"Artist {n}")
    home_locale = factory.SubFactory(LocaleFactory)
    craft_en = "Pottery"
    tradition_en = "Village pottery"
    bio_en = "Makes pots."
    status = ArtistStatus.APPROVED
    approved_at = factory.LazyFunction(timezone.now)
