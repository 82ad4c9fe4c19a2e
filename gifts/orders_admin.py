"""Back office for orders and duty rules. Orders are read-only snapshots: their status moves only through the
actions below, which call the same service as everyone else and so record who changed what."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from gifts.models import DutyRule, Order, OrderLine, OrderStatus, OrderStatusChange, Shipment
from gifts.orders import OrderError, change_order_status


@admin.register(DutyRule)
class DutyRuleAdmin(admin.ModelAdmin):
    list_display = ["country", "rate", "gift_exemption_threshold", "currency", "updated_at"]
    search_fields = ["country"]


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ShipmentInline(ReadOnlyInline):
    model = Shipment
    fields = [
        "origin",
        "lane",
        "price",
        "price_currency",
        "estimated_from",
        "estimated_until",
        "crosses_border",
        "hs_code",
        "declared_value",
        "declared_currency",
        "marked_as_gift",
        "duties_payer",
        "duties_estimate",
        "shipped_at",
    ]
    readonly_fields = fields


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = ["title", "quantity", "unit_price", "unit_currency", "line_total", "shipment"]
    readonly_fields = fields


class StatusChangeInline(ReadOnlyInline):
    model = OrderStatusChange
    fields = ["changed_at", "from_status", "to_status", "changed_by", "note"]
    readonly_fields = fields


def _move_to(status):
    def action(modeladmin, request, queryset):
        moved = 0
        for order in queryset:
            try:
                change_order_status(order=order, to=status, by=request.user, note=_("From the back office."))
                moved += 1
            except OrderError as error:
                modeladmin.message_user(request, f"{order}: {error}", messages.WARNING)
        if moved:
            modeladmin.message_user(request, _("%(count)s orders updated.") % {"count": moved})

    action.__name__ = f"mark_{status}"
    action.short_description = _("Mark as %(status)s") % {"status": OrderStatus(status).label}
    return action


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["pk", "placed_at", "status", "recipient_country", "currency", "total"]
    list_filter = ["status", "recipient_country", "currency"]
    search_fields = ["pk", "giver_email", "recipient_name", "payment_reference"]
    date_hierarchy = "placed_at"
    inlines = [ShipmentInline, OrderLineInline, StatusChangeInline]
    actions = [_move_to(status) for status in (OrderStatus.IN_PRODUCTION, OrderStatus.SHIPPED, OrderStatus.DELIVERED)]
    exclude = ["recipient_token", "idempotency_key"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Order._meta.fields if field.name not in self.exclude]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
