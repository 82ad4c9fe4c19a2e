"""The back office's front page as a staff dashboard: the queues that wait for someone, each a count that links
to its filtered list, shown only to staff who may open that list.

Models are looked up by label rather than imported, so accounts depends on no domain app and a queue whose
model does not exist (yet) simply does not show.
"""

from datetime import timedelta

from django import template
from django.apps import apps
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

register = template.Library()


def _model(label: str):
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def _queues(user):
    today = timezone.localdate()
    Application = _model("artists.ArtistApplication")
    if Application and user.has_perm("artists.view_artistapplication"):
        yield (
            _("Artist applications waiting for review"),
            Application.objects.filter(status="submitted").count(),
            reverse("admin:artists_artistapplication_changelist") + "?status__exact=submitted",
        )
    Order = _model("gifts.Order")
    if Order and user.has_perm("gifts.view_order"):
        yield (
            _("Orders to ship (paid or in production)"),
            Order.objects.filter(status__in=["paid", "in_production"]).count(),
            reverse("admin:gifts_order_changelist") + "?status__in=paid,in_production",
        )
    Request = _model("compliance.DataSubjectRequest")
    if Request and user.has_perm("compliance.view_datasubjectrequest"):
        url = reverse("admin:compliance_datasubjectrequest_changelist")
        soon = today + timedelta(days=7)
        due_soon = Q(extended_due_on__isnull=True, due_on__range=(today, soon)) | Q(
            extended_due_on__range=(today, soon)
        )
        yield (_("Data-subject requests overdue"), Request.objects.overdue(today).count(), url + "?deadline=overdue")
        yield (
            _("Data-subject requests due within 7 days"),
            Request.objects.open().filter(due_soon).count(),
            url + "?deadline=week",
        )


@register.inclusion_tag("admin/includes/staff_dashboard.html", takes_context=True)
def staff_dashboard(context):
    """Each queue the signed-in staff member may open: its name, how many wait, and the link to them."""
    return {"queues": list(_queues(context["request"].user))}
