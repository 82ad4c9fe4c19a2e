"""Back-office screens for the catalog: curators translate in tabs, publish, feature and keep stock."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationTabularInline

from gifts.models import Category, Gift, GiftImage
from gifts.services import GiftImageError, store_renditions
from locales.admin import MissingTranslationFilter, TabbedTranslationAdmin


@admin.register(Category)
class CategoryAdmin(TabbedTranslationAdmin):
    list_display = ("name", "slug", "parent", "position")
    list_filter = ("parent", MissingTranslationFilter)
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


def _set_flag(modeladmin, request, queryset, *, field: str, value: bool, done) -> None:
    """Set `field` on each selected gift through save() (publishing stamps the date) and log each change."""
    changed = 0
    for gift in queryset.exclude(**{field: value}):
        setattr(gift, field, value)
        gift.save(update_fields=[field, "updated_at"])
        modeladmin.log_change(request, gift, [{"changed": {"fields": [field]}}])
        changed += 1
    modeladmin.message_user(request, done % {"count": changed}, messages.SUCCESS)


@admin.register(Gift)
class GiftAdmin(TabbedTranslationAdmin):
    list_display = ("title", "artist", "category", "price", "currency", "stock", "published", "featured")
    list_filter = ("published", "featured", MissingTranslationFilter, "category", "currency", "artist__home_locale")
    list_select_related = ("artist", "category")
    search_fields = ("title", "slug", "artist__display_name")
    autocomplete_fields = ("artist", "category")
    prepopulated_fields = {"slug": ("title",)}
    list_editable = ("stock",)
    date_hierarchy = "created_at"
    readonly_fields = ("published_at", "created_at", "updated_at")
    inlines = (GiftImageInline,)
    actions = ("publish", "unpublish", "feature", "unfeature")

    @admin.action(description=_("Publish the selected gifts"), permissions=["change"])
    def publish(self, request, queryset):
        _set_flag(self, request, queryset, field="published", value=True, done=_("%(count)d gifts published."))

    @admin.action(description=_("Unpublish the selected gifts"), permissions=["change"])
    def unpublish(self, request, queryset):
        _set_flag(self, request, queryset, field="published", value=False, done=_("%(count)d gifts unpublished."))

    @admin.action(description=_("Feature the selected gifts on the home page"), permissions=["change"])
    def feature(self, request, queryset):
        _set_flag(self, request, queryset, field="featured", value=True, done=_("%(count)d gifts featured."))

    @admin.action(description=_("Stop featuring the selected gifts"), permissions=["change"])
    def unfeature(self, request, queryset):
        _set_flag(self, request, queryset, field="featured", value=False, done=_("%(count)d gifts no longer featured."))

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        for image_form in formset.forms:
            instance = image_form.instance
            if isinstance(instance, GiftImage) and instance.pk and "image" in image_form.changed_data:
                try:
                    store_renditions(instance)
                except GiftImageError as error:
                    self.message_user(request, f"{instance}: {error}", messages.WARNING)
