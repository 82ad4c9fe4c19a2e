"""The back office's analytics: a read-only list of events and the staff dashboard (`analytics.view_dashboard`)."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path

from analytics import charts, selectors
from analytics.forms import PeriodForm
from analytics.models import ActivityEvent, VitalMetric


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def _vital_text(metric: VitalMetric, value: float | None, size: int) -> str:
    if value is None:
        return "no samples"
    shown = f"{value:.3f}" if metric == VitalMetric.CLS else f"{value:.0f} ms"
    return f"{shown} (p75 of {size})"


@admin.register(ActivityEvent)
class ActivityEventAdmin(admin.ModelAdmin):
    list_display = ["occurred_at", "name", "origin_locale", "destination_country", "gift", "consent_basis"]
    list_filter = ["name", "consent_basis", "user_agent_family"]
    date_hierarchy = "occurred_at"
    show_full_result_count = False
    change_list_template = "admin/analytics/activityevent/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        dashboard = self.admin_site.admin_view(self.dashboard_view)
        return [path("dashboard/", dashboard, name="analytics_dashboard"), *super().get_urls()]

    def dashboard_view(self, request):
        """Orders per day, top lanes, the funnel, consent acceptance by regime and Web Vitals p75 for a period."""
        if not request.user.has_perm("analytics.view_dashboard"):
            raise PermissionDenied
        form = PeriodForm(request.GET if request.GET else None, initial=PeriodForm.default_initial())
        data = form.cleaned_data if form.is_bound and form.is_valid() else PeriodForm.default_initial()
        period = selectors.Period(since=data["since"], until=data["until"])
        if not form.is_bound:
            form = PeriodForm(initial=data)

        orders = selectors.orders_per_day(period)
        lanes = selectors.top_lanes(period)
        funnel = selectors.funnel(period)
        consent = selectors.consent_acceptance(period)
        vitals = selectors.vitals_p75(period)
        first = funnel[0][1] if funnel else 0
        context = {
            **self.admin_site.each_context(request),
            "title": "Analytics",
            "opts": self.model._meta,
            "form": form,
            "period": period,
            "orders_total": sum(count for _day, count in orders),
            "orders_chart": charts.columns([(day.isoformat(), count) for day, count in orders]),
            "lanes_chart": charts.rows([(f"{origin} → {dest}", count, str(count)) for origin, dest, count in lanes]),
            "funnel_chart": charts.rows(
                [(label, count, f"{count} ({_percent(count, first)}%)") for label, count in funnel]
            ),
            "consent_chart": charts.rows(
                [
                    (regime, _percent(granted, total), f"{_percent(granted, total)}% of {total}")
                    for regime, total, granted in consent
                ]
            ),
            "vitals": [
                {
                    "metric": metric,
                    "label": metric.label,
                    "text": _vital_text(metric, value, size),
                    "good": value is not None and value <= selectors.VITAL_GOOD[metric],
                    "chart": charts.rows(
                        [(metric.label, value or 0, _vital_text(metric, value, size))], label_width=260
                    ),
                }
                for metric, value, size in vitals
            ],
        }
        return TemplateResponse(request, "admin/analytics/dashboard.html", context)
