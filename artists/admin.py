"""Back-office screens for artists. Review decisions go through `change_artist_status`, which records why."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from artists.models import Artist, ArtistStatus, ArtistStatusChange
from artists.services import ALLOWED_TRANSITIONS, ArtistStatusError, change_artist_status


class ArtistAdminForm(forms.ModelForm):
    """The artist's fields plus a review decision: a new status takes effect only with a reason."""

    new_status = forms.ChoiceField(
        label=_("Change status to"),
        required=False,
        choices=[("", _("(keep the current status)")), *ArtistStatus.choices],
    )
    status_reason = forms.CharField(label=_("Reason for the change"), required=False, widget=forms.Textarea)

    class Meta:
        model = Artist
        fields = ("slug", "display_name", "home_locale", "craft", "tradition", "bio", "portrait")

    def clean(self):
        cleaned = super().clean()
        new_status = cleaned.get("new_status")
        if not new_status:
            return cleaned
        if not (cleaned.get("status_reason") or "").strip():
            self.add_error("status_reason", _("Say why the artist's status changes."))
        current = self.instance.status if self.instance.pk else ArtistStatus.APPLIED
        if new_status != current and new_status not in ALLOWED_TRANSITIONS.get(current, ()):
            self.add_error(
                "new_status",
                _("An artist who is %(from)s cannot become %(to)s.")
                % {"from": ArtistStatus(current).label, "to": ArtistStatus(new_status).label},
            )
        return cleaned


class ArtistStatusChangeInline(admin.TabularInline):
    model = ArtistStatusChange
    extra = 0
    can_delete = False
    fields = ("changed_at", "from_status", "to_status", "changed_by", "reason")
    readonly_fields = fields
    ordering = ("-changed_at", "-id")

    def has_add_permission(self, request, obj=None):
        return False


def _bulk_status_action(to_status: str, label):
    def action(modeladmin, request, queryset):
        changed = 0
        for artist in queryset:
            try:
                change_artist_status(
                    artist=artist, to_status=to_status, by=request.user, reason=f"Bulk action: {label}"
                )
                changed += 1
            except ArtistStatusError as error:
                modeladmin.message_user(request, f"{artist}: {error}", messages.WARNING)
        if changed:
            modeladmin.message_user(request, _("%(count)d artists changed.") % {"count": changed}, messages.SUCCESS)

    action.__name__ = f"mark_{to_status}"
    action.short_description = label
    return action


@admin.register(Artist)
class ArtistAdmin(TranslationAdmin):
    form = ArtistAdminForm
    list_display = ("display_name", "slug", "home_locale", "craft", "status", "approved_at")
    list_filter = ("status", "home_locale")
    list_select_related = ("home_locale",)
    search_fields = ("display_name", "slug", "craft", "tradition")
    autocomplete_fields = ("home_locale",)
    prepopulated_fields = {"slug": ("display_name",)}
    readonly_fields = ("status", "approved_at", "created_at", "updated_at")
    inlines = (ArtistStatusChangeInline,)
    actions = (
        _bulk_status_action(ArtistStatus.IN_REVIEW, _("Start review")),
        _bulk_status_action(ArtistStatus.APPROVED, _("Approve")),
        _bulk_status_action(ArtistStatus.SUSPENDED, _("Suspend")),
    )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        new_status = form.cleaned_data.get("new_status")
        if new_status and new_status != obj.status:
            try:
                change_artist_status(
                    artist=obj, to_status=new_status, by=request.user, reason=form.cleaned_data["status_reason"]
                )
            except ArtistStatusError as error:
                self.message_user(request, str(error), messages.ERROR)


@admin.register(ArtistStatusChange)
class ArtistStatusChangeAdmin(admin.ModelAdmin):
    """The review history, read only: it is the record of who decided what."""

    list_display = ("artist", "from_status", "to_status", "changed_by", "changed_at")
    list_filter = ("to_status",)
    list_select_related = ("artist", "changed_by")
    search_fields = ("artist__display_name", "reason")
    date_hierarchy = "changed_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
