"""Fields translated with django-modeltranslation; English is required and every other language falls back to it."""

from modeltranslation.translator import TranslationOptions, register

from artists.models import Artist


@register(Artist)
class ArtistTranslationOptions(TranslationOptions):
    fields = ("craft", "tradition", "bio")
    required_languages = {"en": ("craft",)}
