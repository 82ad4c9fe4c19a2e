"""Fields translated with django-modeltranslation; English is required and every other language falls back to it."""

from modeltranslation.translator import TranslationOptions, register

from gifts.models import Category, Gift, GiftImage


@register(Category)
class CategoryTranslationOptions(TranslationOptions):
    fields = ("name",)
    required_languages = {"en": ("name",)}


@register(Gift)
class GiftTranslationOptions(TranslationOptions):
    fields = ("title", "description", "story")
    required_languages = {"en": ("title",)}


@register(GiftImage)
class GiftImageTranslationOptions(TranslationOptions):
    fields = ("alt_text",)
    required_languages = {"en": ("alt_text",)}
