"""Business actions on the catalog."""

from __future__ import annotations

import io
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from PIL import Image, ImageOps, UnidentifiedImageError

from gifts.models import Gift, GiftImage

RENDITION_QUALITY = 80


class GiftImageError(Exception):
    """An upload that is not an image we can show; the message is for the person who uploaded it."""


def _rendition_bytes(picture: Image.Image, width: int) -> bytes:
    copy = picture.copy()
    copy.thumbnail((width, width * 4), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    copy.save(buffer, format="WEBP", quality=RENDITION_QUALITY, method=4)
    return buffer.getvalue()


def store_renditions(image: GiftImage) -> GiftImage:
    """Write a smaller WebP copy of the image for each width in `GiftImage.RENDITION_WIDTHS` below its own width."""
    image.image.open("rb")
    try:
        with Image.open(image.image) as opened:
            picture = ImageOps.exif_transpose(opened).convert("RGB")
    except (UnidentifiedImageError, OSError) as error:
        raise GiftImageError("The file is not an image we can read.") from error
    finally:
        image.image.close()
    stem = PurePosixPath(image.image.name).stem
    renditions = {}
    for width in GiftImage.RENDITION_WIDTHS:
        if width >= picture.width:
            continue
        name = default_storage.save(
            f"gifts/renditions/{stem}-{width}w.webp", ContentFile(_rendition_bytes(picture, width))
        )
        renditions[str(width)] = name
    image.renditions = renditions
    image.save(update_fields=["renditions"])
    return image


@transaction.atomic
def add_gift_image(
    *, gift: Gift, content: bytes, filename: str, alt_text: dict[str, str], position: int = 0
) -> GiftImage:
    """Store a photo of a gift with its responsive copies; `alt_text` maps language codes to the description."""
    if "en" not in alt_text or not alt_text["en"].strip():
        raise GiftImageError("Describe the image in English at least: it is the text every language falls back to.")
    try:
        with Image.open(io.BytesIO(content)) as probe:
            probe.verify()
    except (UnidentifiedImageError, OSError) as error:
        raise GiftImageError("The file is not an image we can read.") from error
    image = GiftImage(gift=gift, position=position)
    for language, text in alt_text.items():
        setattr(image, f"alt_text_{language.replace('-', '_')}", text)
    image.image.save(filename, ContentFile(content), save=False)
    # The dimension fields are filled from the stored file, not trusted from the upload's metadata.
    image.image.field.update_dimension_fields(image, force=True)
    image.save()
    return store_renditions(image)
