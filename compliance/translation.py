"""Fields translated with django-modeltranslation; English is required and every other language falls back to it."""

from modeltranslation.translator import TranslationOptions, register

from compliance.models import ConsentPurpose, PolicyVersion


@register(ConsentPurpose)
class ConsentPurposeTranslationOptions(TranslationOptions):
    fields = ("name", "description")
    required_languages = {"en": ("name",)}


@register(PolicyVersion)
class PolicyVersionTranslationOptions(TranslationOptions):
    fields = ("text",)
    required_languages = {"en": ("text",)}
