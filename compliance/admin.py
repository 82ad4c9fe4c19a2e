"""The compliance officer's back office: the request queue with its deadlines, and the read-only consent ledger.

Requests arrive only through the portal and change only through the services (extend, fulfil, decline), each
with a reason that goes into the audit trail and to the subject. Nothing here edits a request's fields directly.
"""

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Q, Value, When
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from compliance import services
from compliance.models import (
    ConsentPurpose,
    ConsentRecord,
    DataSubjectRequest,
    ErasureReceipt,
    PolicyVersion,
    RequestEvent,
    RequestKind,
    RequestStatus,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Visible to staff with the view permission; nobody adds, changes or deletes here."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ConsentRecord)
class ConsentRecordAdmin(ReadOnlyAdmin):
    list_display = ("recorded_at", "purpose", "granted", "source", "regime", "policy_version", "user_id", "visitor")
    list_filter = ("purpose", "granted", "source", "regime", "policy_version")
    list_select_related = ("purpose", "policy_version")
    search_fields = ("=user_id", "=visitor_id")
    date_hierarchy = "recorded_at"
    show_full_result_count = False

    @admin.display(description=_("visitor"))
    def visitor(self, record) -> str:
        return f"{record.visitor_id[:8]}…" if record.visitor_id else ""


@admin.register(ConsentPurpose)
class ConsentPurposeAdmin(TranslationAdmin):
    list_display = ("code", "name", "position")
    ordering = ("position", "code")

    def get_readonly_fields(self, request, obj=None):
        # Code asks has_consent() by this code: renaming one would silently refuse or allow the wrong thing.
        return ("code",) if obj is not None else ()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PolicyVersion)
class PolicyVersionAdmin(TranslationAdmin):
    list_display = ("version", "effective_on", "created_at")
    ordering = ("-effective_on",)

    def get_readonly_fields(self, request, obj=None):
        # A version people have agreed to is evidence: new wording is a new version.
        if obj is not None and obj.consent_records.exists():
            return [field.name for field in obj._meta.fields]
        return ()

    def has_delete_permission(self, request, obj=None) -> bool:
        return obj is None or not obj.consent_records.exists()


class RequestEventInline(admin.TabularInline):
    model = RequestEvent
    extra = 0
    can_delete = False
    fields = ("at", "kind", "actor", "note")
    readonly_fields = fields
    ordering = ("at", "id")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class OverdueFilter(admin.SimpleListFilter):
    title = _("deadline")
    parameter_name = "deadline"

    def lookups(self, request, model_admin):
        return [("overdue", _("Overdue")), ("week", _("Due within 7 days"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "overdue":
            return queryset.overdue(today)
        if self.value() == "week":
            soon = today + timedelta(days=7)
            due_soon = Q(extended_due_on__isnull=True, due_on__range=(today, soon)) | Q(
                extended_due_on__range=(today, soon)
            )
            return queryset.open().filter(due_soon)
        return queryset


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
        max_length=2000,
        help_text=_("The subject reads this. Write no personal data you would not send them."),
    )


@admin.register(DataSubjectRequest)
class DataSubjectRequestAdmin(admin.ModelAdmin):
    list_display = ("short_reference", "kind", "status", "regime", "received_at", "deadline_column", "closed_at")
    list_filter = (OverdueFilter, "status", "kind", "regime")
    search_fields = ("=reference", "email")
    readonly_fields = (
        "reference",
        "kind",
        "status",
        "email",
        "user_id",
        "language",
        "regime",
        "details",
        "received_at",
        "confirmed_at",
        "due_on",
        "extended_due_on",
        "extension_reason",
        "closed_at",
        "resolution",
        "export_expires_at",
    )
    fields = readonly_fields
    inlines = [RequestEventInline]
    change_form_template = "admin/compliance/datasubjectrequest/change_form.html"

    class Media:
        css = {"all": ["compliance/admin.css"]}

    def get_queryset(self, request):
        # Open requests first, the most urgent at the top; then the ones waiting for confirmation; closed last.
        status_rank = Case(
            When(status=RequestStatus.OPEN, then=Value(0)),
            When(status=RequestStatus.AWAITING_CONFIRMATION, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
        return super().get_queryset(request).annotate(status_rank=status_rank).order_by("status_rank", "due_on")

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("reference"))
    def short_reference(self, dsr) -> str:
        return str(dsr.reference)[:8]

    @admin.display(description=_("deadline"), ordering="due_on")
    def deadline_column(self, dsr):
        # ISO dates: unambiguous for an officer reading requests from every market.
        deadline = dsr.deadline.isoformat()
        if dsr.is_overdue():
            return format_html('<span class="dsr-overdue">{} · {}</span>', deadline, _("overdue"))
        if dsr.extended_due_on:
            return format_html('{} <span class="dsr-extended">({})</span>', deadline, _("extended"))
        return deadline

    def get_urls(self):
        def wrap(view):
            return self.admin_site.admin_view(view)

        return [
            path("<int:pk>/extend/", wrap(self.extend_view), name="compliance_dsr_extend"),
            path("<int:pk>/fulfil/", wrap(self.fulfil_view), name="compliance_dsr_fulfil"),
            path("<int:pk>/deny/", wrap(self.deny_view), name="compliance_dsr_deny"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        dsr = self.get_object(request, object_id)
        extra_context = {
            **(extra_context or {}),
            "dsr_actions": self._actions_for(request, dsr) if dsr is not None else [],
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def _actions_for(self, request, dsr) -> list[tuple[str, str]]:
        if dsr.status != RequestStatus.OPEN or not self.has_change_permission(request, dsr):
            return []
        actions = []
        if dsr.extended_due_on is None and dsr.regime_rules.extension:
            actions.append((reverse("admin:compliance_dsr_extend", args=[dsr.pk]), _("Extend the deadline")))
        label = _("Erase the subject's data and close") if dsr.kind == RequestKind.ERASURE else _("Fulfil")
        actions.append((reverse("admin:compliance_dsr_fulfil", args=[dsr.pk]), label))
        actions.append((reverse("admin:compliance_dsr_deny", args=[dsr.pk]), _("Decline")))
        return actions

    def _action_view(self, request, pk, *, title, service, argument, reason_required=True):
        dsr = get_object_or_404(DataSubjectRequest, pk=pk)
        if not self.has_change_permission(request, dsr):
            raise PermissionDenied
        form = ReasonForm(request.POST or None)
        form.fields["reason"].required = reason_required
        if request.method == "POST" and form.is_valid():
            try:
                service(dsr=dsr, actor=request.user, **{argument: form.cleaned_data["reason"]})
            except services.RequestError as error:
                form.add_error(None, str(error))
            else:
                self.message_user(request, _("Done: %(title)s.") % {"title": title}, messages.SUCCESS)
                return redirect("admin:compliance_datasubjectrequest_change", dsr.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "dsr": dsr,
            "form": form,
            "opts": self.model._meta,
            "original": dsr,
        }
        return TemplateResponse(request, "admin/compliance/datasubjectrequest/action.html", context)

    def extend_view(self, request, pk):
        return self._action_view(
            request, pk, title=_("Extend the deadline"), service=services.extend_request, argument="reason"
        )

    def fulfil_view(self, request, pk):
        return self._action_view(
            request,
            pk,
            title=_("Fulfil the request"),
            service=services.fulfil_request,
            argument="resolution",
            reason_required=False,
        )

    def deny_view(self, request, pk):
        return self._action_view(
            request, pk, title=_("Decline the request"), service=services.deny_request, argument="reason"
        )


@admin.register(ErasureReceipt)
class ErasureReceiptAdmin(ReadOnlyAdmin):
    list_display = ("erased_at", "short_digest", "request", "performed_by")
    readonly_fields = ("erased_at", "email_digest", "request", "summary", "performed_by")
    list_select_related = ("request", "performed_by")

    @admin.display(description=_("email digest"))
    def short_digest(self, receipt) -> str:
        return receipt.email_digest[:16]
