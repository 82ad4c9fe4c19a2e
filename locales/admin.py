"""Back-office screens for markets, exchange rates and shipping lanes, and the translation tools every catalog
screen shares (tabs per language, a "missing translations" filter)."""

from functools import reduce
from operator import or_

from django.conf import settings
from django.contrib import admin, messages
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin
from modeltranslation.translator import translator
from modeltranslation.utils import build_localized_fieldname

from locales.models import ExchangeRate, Locale, ShippingLane


class TabbedTranslationAdmin(TranslationAdmin):
    """modeltranslation's tabbed admin (one tab per language) with jQuery UI served from our own static files:
    the content security policy allows no script from a CDN."""

    class Media:
        js = (
            "admin/js/jquery.init.js",
            "modeltranslation/js/force_jquery.js",
            "vendor/jquery-ui/jquery-ui.min.js",
            "modeltranslation/js/tabbed_translation_fields.js",
        )
        css = {"all": ("modeltranslation/css/tabbed_translation_fields.css",)}


class MissingTranslationFilter(admin.SimpleListFilter):
    """Rows with English text in a translated field and nothing in the chosen language, for translators' queues."""

    title = _("missing translation")
    parameter_name = "missing"

    def lookups(self, request, model_admin):
        return [(code, name) for code, name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]

    def queryset(self, request, queryset):
        language = self.value()
        if language not in dict(settings.LANGUAGES) or language == settings.LANGUAGE_CODE:
            return queryset
        gaps = [
            (~Q(**{f"{english}__isnull": True}) & ~Q(**{english: ""}))
            & (Q(**{f"{translated}__isnull": True}) | Q(**{translated: ""}))
            for field in translator.get_options_for_model(queryset.model).fields
            for english, translated in [
                (build_localized_fieldname(field, settings.LANGUAGE_CODE), build_localized_fieldname(field, language))
            ]
        ]
        return queryset.filter(reduce(or_, gaps)) if gaps else queryset


@admin.register(Locale)
class LocaleAdmin(TabbedTranslationAdmin):
    list_display = ("name", "slug", "country", "subdivision", "city", "currency", "default_language", "launched")
    list_filter = ("launched", MissingTranslationFilter, "regulation_regime", "currency", "default_language", "country")
    actions = ("launch", "withdraw")
    search_fields = ("slug", "name", "city", "subdivision")
    prepopulated_fields = {"slug": ("name",)}
    list_editable = ("launched",)
    ordering = ("position", "slug")
    fieldsets = (
        (None, {"fields": ("slug", "name", "launched", "position")}),
        ("Where", {"fields": ("country", "subdivision", "city", "time_zone")}),
        ("Conventions", {"fields": ("default_language", "currency", "regulation_regime")}),
        ("Storefront", {"fields": ("introduction", "hero_image")}),
    )

    @admin.action(description=_("Launch the selected markets (open them to buyers)"), permissions=["change"])
    def launch(self, request, queryset):
        self._set_launched(request, queryset, launched=True)

    @admin.action(description=_("Withdraw the selected markets from buyers"), permissions=["change"])
    def withdraw(self, request, queryset):
        self._set_launched(request, queryset, launched=False)

    def _set_launched(self, request, queryset, *, launched: bool) -> None:
        changed = 0
        for locale in queryset.exclude(launched=launched):
            locale.launched = launched
            locale.save(update_fields=["launched"])
            self.log_change(request, locale, [{"changed": {"fields": ["launched"]}}])
            changed += 1
        self.message_user(request, _("%(count)d markets changed.") % {"count": changed}, messages.SUCCESS)


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    list_display = ("base", "quote", "rate", "as_of", "created_at")
    list_filter = ("base", "quote")
    search_fields = ("base", "quote")
    list_per_page = 100
    date_hierarchy = "as_of"
    ordering = ("base", "quote", "-as_of")


@admin.register(ShippingLane)
class ShippingLaneAdmin(TabbedTranslationAdmin):
    list_display = (
        "origin",
        "destination_country",
        "destination_locale",
        "price",
        "currency",
        "min_days",
        "max_days",
        "active",
    )
    list_filter = ("active", "origin", "destination_country")
    list_select_related = ("origin", "destination_locale")
    search_fields = ("origin__slug", "origin__name", "destination_locale__slug", "destination_country")
    autocomplete_fields = ("origin", "destination_locale")
    list_editable = ("active",)
