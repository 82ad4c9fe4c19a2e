"""Fields translated with django-modeltranslation; English is required and every other language falls back to it."""

from modeltranslation.translator import TranslationOptions, register

from locales.models import Locale, ShippingLane


@register(Locale)
class LocaleTranslationOptions(TranslationOptions):
    fields = ("name", "introduction")
    required_languages = {"en": ("name",)}


@register(ShippingLane)
class ShippingLaneTranslationOptions(TranslationOptions):
    fields = ("customs_note",)
