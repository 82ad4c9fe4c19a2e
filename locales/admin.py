"""Back-office screens for markets, exchange rates and shipping lanes."""

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from locales.models import ExchangeRate, Locale, ShippingLane


@admin.register(Locale)
class LocaleAdmin(TranslationAdmin):
    list_display = ("name", "slug", "country", "subdivision", "city", "currency", "default_language", "launched")
    list_filter = ("launched", "regulation_regime", "currency", "default_language", "country")
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


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    list_display = ("base", "quote", "rate", "as_of", "created_at")
    list_filter = ("base", "quote")
    search_fields = ("base", "quote")
    date_hierarchy = "as_of"
    ordering = ("base", "quote", "-as_of")


@admin.register(ShippingLane)
class ShippingLaneAdmin(TranslationAdmin):
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
