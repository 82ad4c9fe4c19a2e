"""Back-office screens for artists and their applications. Review decisions go through `change_artist_status`
and `decide_application`, which record who decided, when and why."""

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.timesince import timesince
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from artists.models import (
    ApplicationStatus,
    Artist,
    ArtistApplication,
    ArtistStatus,
    ArtistStatusChange,
)
from artists.services import (
    ALLOWED_TRANSITIONS,
    DECIDABLE_FROM,
    RESERVED_ARTIST_SLUGS,
    ApplicationDecision,
    ApplicationError,
    ArtistStatusError,
    change_artist_status,
    decide_application,
)


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

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug in RESERVED_ARTIST_SLUGS:
            raise forms.ValidationError(_("“%(slug)s” names a page of the site; choose another.") % {"slug": slug})
        return slug

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
                modeladmin.log_change(request, artist, [{"changed": {"fields": ["status"]}}])
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
    # A plain select, not an autocomplete: curators pick a market without the market manager's view permission.
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


class WaitingFilter(admin.SimpleListFilter):
    """How long an application has waited, so the oldest ones are found first."""

    title = _("waiting")
    parameter_name = "waiting"
    BUCKETS = {"week": (None, 7), "month": (7, 30), "older": (30, None)}

    def lookups(self, request, model_admin):
        return [("week", _("Less than a week")), ("month", _("1 to 4 weeks")), ("older", _("More than 30 days"))]

    def queryset(self, request, queryset):
        if self.value() not in self.BUCKETS:
            return queryset
        newest_days, oldest_days = self.BUCKETS[self.value()]
        now = timezone.now()
        if newest_days is not None:
            queryset = queryset.filter(submitted_at__lte=now - timedelta(days=newest_days))
        if oldest_days is not None:
            queryset = queryset.filter(submitted_at__gt=now - timedelta(days=oldest_days))
        return queryset


class DecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
        help_text=_("The applicant reads this in the email we send them; write it in their language if you can."),
    )


def _portfolio_html(application) -> str:
    return format_html_join(
        "",
        '<a href="{0}" target="_blank" rel="noopener"><img src="{0}" alt="" class="portfolio-image" '
        'style="max-height:240px;max-width:320px;margin:0 8px 8px 0"></a>',
        ((image.image.url,) for image in application.images.all()),
    )


def _decision_action(decision: ApplicationDecision):
    def action(modeladmin, request, queryset):
        ids = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True))
        return redirect(f"{reverse('admin:artists_application_decide', args=[decision.value])}?ids={ids}")

    action.__name__ = decision.value
    action.short_description = _("%(decision)s the selected applications…") % {"decision": decision.label}
    action.allowed_permissions = ("change",)
    return action


@admin.register(ArtistApplication)
class ArtistApplicationAdmin(admin.ModelAdmin):
    """The curators' queue: oldest waiting first; each decision asks for a reason the applicant is sent."""

    list_display = ("name", "craft", "home_locale", "language", "status", "submitted_at", "waiting_for")
    list_filter = ("status", WaitingFilter, "home_locale", "craft", "language")
    list_select_related = ("home_locale",)
    search_fields = ("name", "email", "craft")
    date_hierarchy = "submitted_at"
    ordering = ("submitted_at", "id")
    readonly_fields = (
        "reference",
        "name",
        "email",
        "language",
        "home_locale",
        "craft",
        "statement",
        "portfolio",
        "consented_to_terms_at",
        "status",
        "submitted_at",
        "artist_link",
        "decided_at",
        "decided_by",
        "decision_reason",
    )
    fieldsets = (
        (_("Applicant"), {"fields": ("reference", "name", "email", "language", "home_locale")}),
        (_("Work"), {"fields": ("craft", "statement", "portfolio")}),
        (
            _("Review"),
            {
                "fields": (
                    "status",
                    "submitted_at",
                    "consented_to_terms_at",
                    "artist_link",
                    "decided_at",
                    "decided_by",
                    "decision_reason",
                )
            },
        ),
    )
    actions = [_decision_action(decision) for decision in ApplicationDecision]
    change_form_template = "admin/artists/artistapplication/change_form.html"

    def has_add_permission(self, request):
        return False  # applications come from the public form only

    @admin.display(description=_("waiting"))
    def waiting_for(self, application):
        if application.status not in (ApplicationStatus.SUBMITTED, ApplicationStatus.CHANGES_REQUESTED):
            return "—"
        return timesince(application.submitted_at)

    @admin.display(description=_("portfolio"))
    def portfolio(self, application):
        return _portfolio_html(application)

    @admin.display(description=_("artist"))
    def artist_link(self, application):
        url = reverse("admin:artists_artist_change", args=[application.artist_id])
        return format_html('<a href="{}">{}</a> ({})', url, application.artist, application.artist.get_status_display())

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("artist", "home_locale", "decided_by")

    def get_urls(self):
        return [
            path(
                "decide/<str:decision>/",
                self.admin_site.admin_view(self.decide_view),
                name="artists_application_decide",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        application = self.get_object(request, object_id)
        decisions = []
        if application is not None and self.has_change_permission(request, application):
            base = {
                decision: reverse("admin:artists_application_decide", args=[decision.value])
                for decision in ApplicationDecision
            }
            decisions = [
                (f"{base[decision]}?ids={application.pk}", decision.label)
                for decision in ApplicationDecision
                if application.status in DECIDABLE_FROM[decision]
            ]
        extra_context = {**(extra_context or {}), "decisions": decisions, "show_save": False}
        return super().change_view(request, object_id, form_url, extra_context)

    def decide_view(self, request, decision):
        """The intermediate page of a decision: the applications concerned, their portfolios, and the reason."""
        if decision not in ApplicationDecision.values:
            raise PermissionDenied
        decision = ApplicationDecision(decision)
        ids = [int(pk) for pk in request.GET.get("ids", "").split(",") if pk.isdigit()]
        applications = list(
            self.get_queryset(request).filter(pk__in=ids).prefetch_related("images").order_by("submitted_at")
        )
        if not applications or not all(self.has_change_permission(request, a) for a in applications):
            raise PermissionDenied
        form = DecisionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            done = 0
            for application in applications:
                try:
                    decide_application(
                        application=application, decision=decision, by=request.user, reason=form.cleaned_data["reason"]
                    )
                    self.log_change(request, application, [{"changed": {"fields": ["status"]}}])
                    done += 1
                except (ApplicationError, ArtistStatusError) as error:
                    self.message_user(request, f"{application}: {error}", messages.WARNING)
            if done:
                self.message_user(
                    request,
                    _("%(decision)s: %(count)d applications; each applicant is emailed.")
                    % {"decision": decision.label, "count": done},
                    messages.SUCCESS,
                )
            if len(applications) == 1:
                return redirect("admin:artists_artistapplication_change", applications[0].pk)
            return redirect("admin:artists_artistapplication_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": _("%(decision)s: give the applicant a reason") % {"decision": decision.label},
            "decision": decision,
            "applications": [(application, _portfolio_html(application)) for application in applications],
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/artists/artistapplication/decide.html", context)
