"""An order's life after checkout: status changes with their history, cancellation, and the reads its pages use."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gifts.checkout import notify_giver
from gifts.models import (
    CANCELLABLE_STATUSES,
    Gift,
    GiftImage,
    Order,
    OrderLine,
    OrderStatus,
    OrderStatusChange,
    Shipment,
)
from gifts.payments import PaymentError, payment_provider


class OrderError(Exception):
    """A change an order cannot take in its current state; the message is for the person who asked."""


ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    OrderStatus.PLACED: frozenset({OrderStatus.PAID, OrderStatus.CANCELLED}),
    OrderStatus.PAID: frozenset({OrderStatus.IN_PRODUCTION, OrderStatus.SHIPPED, OrderStatus.CANCELLED}),
    OrderStatus.IN_PRODUCTION: frozenset({OrderStatus.SHIPPED, OrderStatus.CANCELLED}),
    OrderStatus.SHIPPED: frozenset({OrderStatus.DELIVERED, OrderStatus.REFUNDED}),
    OrderStatus.DELIVERED: frozenset({OrderStatus.REFUNDED}),
    OrderStatus.CANCELLED: frozenset({OrderStatus.REFUNDED}),
    OrderStatus.REFUNDED: frozenset(),
}
"""Where an order may go next. Cancelling returns stock, so it is only possible before a parcel leaves."""


def _record(order: Order, *, previous: str, to: str, by, note: str = "") -> OrderStatusChange:
    return OrderStatusChange.objects.create(order=order, from_status=previous, to_status=to, changed_by=by, note=note)


def _return_stock(order: Order) -> None:
    for line in order.lines.all():
        Gift.objects.filter(pk=line.gift_id).update(stock=F("stock") + line.quantity)


@transaction.atomic
def change_order_status(*, order: Order, to: str, by=None, note: str = "") -> Order:
    """Move an order to `to`, recording who and why; cancelling returns stock, refunding gives the money back,
    shipping dates the parcels and tells the giver."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    previous = order.status
    if to not in ALLOWED_TRANSITIONS.get(previous, frozenset()):
        raise OrderError(
            _("An order that is %(current)s cannot become %(next)s.")
            % {"current": OrderStatus(previous).label, "next": OrderStatus(to).label}
        )
    if to == OrderStatus.CANCELLED:
        _return_stock(order)
    order.status = to
    order.save(update_fields=["status", "updated_at"])
    _record(order, previous=previous, to=to, by=by, note=note)
    if to == OrderStatus.SHIPPED:
        order.shipments.filter(shipped_at__isnull=True).update(shipped_at=timezone.now())
        notify_giver(order, "gifts/email/order_shipped")
    if to == OrderStatus.REFUNDED and order.payment_reference:
        try:
            payment_provider().refund(reference=order.payment_reference, idempotency_key=f"order-{order.pk}")
        except PaymentError as error:
            raise OrderError(str(error)) from error
    return order


@transaction.atomic
def cancel_order(*, order: Order, by) -> Order:
    """The giver changes their mind before the parcel leaves: the pieces go back on the shelf and a paid order
    is refunded at once."""
    locked = Order.objects.select_for_update().get(pk=order.pk)
    if locked.status not in CANCELLABLE_STATUSES:
        raise OrderError(_("This order has already left the workshop, so it can no longer be cancelled."))
    was_paid = bool(locked.payment_reference)
    order = change_order_status(order=locked, to=OrderStatus.CANCELLED, by=by, note=_("Cancelled by the giver."))
    if was_paid:
        order = change_order_status(order=order, to=OrderStatus.REFUNDED, by=by, note=_("Refund on cancellation."))
    return order


def orders_of(giver) -> QuerySet[Order]:
    """A giver's orders, newest first, with their lines for the list page."""
    return Order.objects.filter(giver=giver).prefetch_related("lines").order_by("-placed_at", "-id")


def order_for_giver(*, giver, pk: int) -> Order | None:
    """One of the giver's own orders with everything its page shows; None for anyone else's."""
    return (
        Order.objects.filter(giver=giver, pk=pk)
        .select_related("destination_locale")
        .prefetch_related(
            Prefetch("shipments", queryset=Shipment.objects.select_related("origin", "lane")),
            Prefetch("lines", queryset=OrderLine.objects.select_related("gift", "shipment")),
            Prefetch("status_changes", queryset=OrderStatusChange.objects.order_by("changed_at", "id")),
        )
        .first()
    )


def order_for_recipient(token: str) -> Order | None:
    """The order behind a recipient's link, with the pieces, their artists and markets; None for a wrong token.

    Cancelled and refunded orders have no recipient page: the gift is not coming.
    """
    if not token or len(token) > 64:
        return None
    return (
        Order.objects.filter(recipient_token=token)
        .exclude(status__in=[OrderStatus.CANCELLED, OrderStatus.REFUNDED])
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=OrderLine.objects.select_related(
                    "gift__artist__home_locale", "gift__category"
                ).prefetch_related(Prefetch("gift__images", queryset=GiftImage.objects.order_by("position", "id"))),
            ),
            Prefetch("shipments", queryset=Shipment.objects.select_related("origin")),
        )
        .first()
    )
