from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.utils import translation

from artists.models import ArtistStatus
from gifts.models import Gift
from gifts.services import GiftImageError, add_gift_image
from gifts.tests.factories import CategoryFactory, GiftFactory, jpeg_bytes
from locales.tests.factories import LocaleFactory

pytestmark = pytest.mark.django_db


def test_categories_go_two_levels_deep_at_most():
    crafts = CategoryFactory(slug="ceramics")
    bowls = CategoryFactory(slug="bowls", parent=crafts)
    too_deep = CategoryFactory.build(slug="tea-bowls", parent=bowls)
    with translation.override("en"), pytest.raises(ValidationError, match="two levels"):
        too_deep.full_clean()


def test_a_category_with_subcategories_stays_at_the_top():
    crafts = CategoryFactory(slug="ceramics")
    CategoryFactory(slug="bowls", parent=crafts)
    other = CategoryFactory(slug="objects")
    crafts.parent = other
    with translation.override("en"), pytest.raises(ValidationError, match="subcategories"):
        crafts.full_clean()


def test_a_category_is_not_its_own_parent():
    crafts = CategoryFactory(slug="ceramics")
    crafts.parent = crafts
    with pytest.raises(ValidationError):
        crafts.full_clean()


def test_a_gift_is_priced_in_its_artists_currency_and_its_minor_units():
    kyoto = LocaleFactory(slug="kyoto", country="JP", subdivision="JP-26", currency="JPY", time_zone="Asia/Tokyo")
    gift = GiftFactory.build(
        slug="cup", artist__home_locale=kyoto, category=CategoryFactory(), currency="USD", price=Decimal("12.5")
    )
    gift.artist.save()
    gift.artist_id = gift.artist.pk
    with pytest.raises(ValidationError) as caught:
        gift.full_clean()
    assert "currency" in caught.value.message_dict
    gift.currency = "JPY"
    with pytest.raises(ValidationError) as caught:
        gift.full_clean()
    assert "price" in caught.value.message_dict


def test_only_published_gifts_of_approved_artists_are_public():
    public = GiftFactory()
    GiftFactory(published=False)
    for status in (ArtistStatus.APPLIED, ArtistStatus.IN_REVIEW, ArtistStatus.REJECTED, ArtistStatus.SUSPENDED):
        GiftFactory(artist__status=status)
    assert list(Gift.objects.public()) == [public]


def test_translated_fields_fall_back_to_english_never_to_an_empty_string():
    gift = GiftFactory(title_en="Tea bowl", title_fr="", title_ja=None, story_en="Thrown by hand.", story_de="")
    for language in ("fr", "ja", "de", "pt-br", "es"):
        with translation.override(language):
            assert gift.title == "Tea bowl"
            assert gift.story == "Thrown by hand."
    with translation.override("fr"):
        gift.title_fr = "Bol à thé"
        assert gift.title == "Bol à thé"


def test_an_uploaded_picture_is_stored_with_smaller_copies_for_srcset():
    gift = GiftFactory()
    image = add_gift_image(
        gift=gift,
        content=jpeg_bytes(1200, 900),
        filename="bowl.jpg",
        alt_text={"en": "A black clay bowl", "fr": "Un bol d’argile noire"},  # noqa: RUF001
    )
    assert (image.width, image.height) == (1200, 900)
    assert set(image.renditions) == {"480", "960"}
    for name in image.renditions.values():
        assert default_storage.exists(name)
    assert image.card_url.endswith("-480w.webp")
    assert image.srcset.count("w,") == 2 and image.srcset.endswith("1200w")
    with translation.override("fr"):
        assert image.alt_text == "Un bol d’argile noire"  # noqa: RUF001


def test_a_small_picture_needs_no_smaller_copies():
    image = add_gift_image(gift=GiftFactory(), content=jpeg_bytes(400, 300), filename="small.jpg", alt_text={"en": "x"})
    assert image.renditions == {}
    assert image.card_url == image.image.url


def test_a_picture_needs_english_alt_text_and_real_image_bytes():
    gift = GiftFactory()
    with pytest.raises(GiftImageError, match="English"):
        add_gift_image(gift=gift, content=jpeg_bytes(), filename="x.jpg", alt_text={"fr": "Un bol"})
    with pytest.raises(GiftImageError, match="not an image"):
        add_gift_image(gift=gift, content=b"not a picture", filename="x.jpg", alt_text={"en": "A bowl"})
    assert not gift.images.exists()
