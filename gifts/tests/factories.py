"""Factories for the catalog: a published gift by an approved artist, priced in the artist's currency."""

import io
from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from PIL import Image

from artists.tests.factories import ArtistFactory
from gifts.models import Category, Gift, GiftImage


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"category-{n}")
    name_en = factory.Sequence(lambda n: f"Category {n}")
    parent = None


class GiftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Gift

    slug = factory.Sequence(lambda n: f"gift-{n}")
    artist = factory.SubFactory(ArtistFactory)
    category = factory.SubFactory(CategoryFactory)
    title_en = factory.Sequence(lambda n: f"Gift {n}")
    description_en = "Made by hand."
    story_en = "An old story."
    price = Decimal("50.00")
    currency = factory.LazyAttribute(lambda gift: gift.artist.home_locale.currency)
    stock = 3
    weight_grams = 500
    length_cm = Decimal("20.0")
    width_cm = Decimal("15.0")
    height_cm = Decimal("10.0")
    published = True
    published_at = factory.Sequence(lambda n: timezone.now() - timedelta(days=1000) + timedelta(minutes=n))


class GiftImageFactory(factory.django.DjangoModelFactory):
    """An image row pointing at a stored name; no file is written (pages only build URLs from names)."""

    class Meta:
        model = GiftImage

    gift = factory.SubFactory(GiftFactory)
    image = factory.Sequence(lambda n: f"gifts/picture-{n}.jpg")
    width = 1200
    height = 900
    alt_text_en = factory.LazyAttribute(lambda image: f"Photo of {image.gift.title_en}")
    position = 0
    renditions = factory.LazyAttribute(lambda image: {"480": image.image.replace(".jpg", "-480w.webp")})


def jpeg_bytes(width: int = 800, height: int = 600, color=(155, 61, 26)) -> bytes:
    """A real, small JPEG for tests that store files."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, format="JPEG")
    return buffer.getvalue()
