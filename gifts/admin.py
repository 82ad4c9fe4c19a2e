"""Back-office screens for the catalog."""

from django.contrib import admin, messages
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from gifts.models import Category, Gift, GiftImage
from gifts.services import GiftImageError, store_renditions


@admin.register(Category)
class CategoryAdmin(TranslationAdmin):
    list_display = ("name", "slug", "parent", "position")
    list_filter = ("parent",)
    list_select_related = ("parent",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("parent",)
    filter_horizontal = ("restricted_lanes",)


class GiftImageInline(TranslationTabularInline):
    model = GiftImage
    extra = 0
    fields = ("image", "alt_text", "position", "width", "height")
    readonly_fields = ("width", "height")


@admin.register(Gift)
class GiftAdmin(TranslationAdmin):
    list_display = ("title", "artist", "category", "price", "currency", "stock", "published", "featured")
    list_filter = ("published", "featured", "category", "currency", "artist__home_locale")
    list_select_related = ("artist", "category")
    search_fields = ("title", "slug", "artist__display_name")
    autocomplete_fields = ("artist", "category")
    prepopulated_fields = {"slug": ("title",)}
    list_editable = ("published", "featured")
    date_hierarchy = "created_at"
    readonly_fields = ("created_at", "updated_at")
    inlines = (GiftImageInline,)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        for image_form in formset.forms:
            instance = image_form.instance
            if isinstance(instance, GiftImage) and instance.pk and "image" in image_form.changed_data:
                try:
                    store_renditions(instance)
                except GiftImageError as error:
                    self.message_user(request, f"{instance}: {error}", messages.WARNING)
