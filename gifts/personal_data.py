"""What gifts/ holds about a person: their cart and the orders they sent, recipients and messages included.

Registered from GiftsConfig.ready() (docs/compliance.md). Carts are deleted. Orders are kept for the origin
country's tax retention period but pseudonymized: amounts, currencies, dates, pieces, shipments and customs papers
stay; the giver's link, name and email, the recipient's name, address and phone, and the message go. The
recipient's link is replaced, so the old page no longer opens.
"""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from compliance.registry import PersonalDataProvider, Subject, register
from gifts.models import Cart, CartLine, Order, OrderStatusChange, new_recipient_token


def _orders(subject: Subject):
    match = Q(pk__in=[])
    if subject.user_id is not None:
        match |= Q(giver_id=subject.user_id)
    if subject.email:
        match |= Q(giver_email__iexact=subject.email)
    return Order.objects.filter(match)


def export_orders(subject: Subject) -> list[dict]:
    return [
        {
            "order": order.pk,
            "placed_at": order.placed_at,
            "status": order.status,
            "giver_name": order.giver_name,
            "giver_email": order.giver_email,
            "reveal_name_to_recipient": order.reveal_giver,
            "recipient": {
                "name": order.recipient_name,
                "address": order.recipient_address_lines(),
                "country": order.recipient_country.code,
                "phone": order.recipient_phone,
                "language": order.recipient_language,
            },
            "message": order.message,
            "currency": order.currency,
            "total": str(order.total),
            "pieces": [{"title": line.title, "quantity": line.quantity} for line in order.lines.all()],
            "card_ending": order.card_last4,
            "history": [
                {"status": change.to_status, "at": change.changed_at, "note": change.note}
                for change in order.status_changes.all()
            ],
        }
        for order in _orders(subject).prefetch_related("lines", "status_changes")
    ]


def erase_orders(subject: Subject) -> dict:
    """Pseudonymize the subject's orders in place: what tax law keeps stays, everything about people goes."""
    orders = list(_orders(subject))
    for order in orders:
        order.giver = None
        order.giver_email = ""
        order.giver_name = ""
        order.reveal_giver = False
        order.recipient_name = ""
        order.recipient_street_address_1 = ""
        order.recipient_street_address_2 = ""
        order.recipient_city = ""
        order.recipient_city_area = ""
        order.recipient_country_area = ""
        order.recipient_postal_code = ""
        order.recipient_phone = ""
        order.message = ""
        order.card_last4 = ""
        order.recipient_token = new_recipient_token()
        order.pseudonymized_at = timezone.now()
        order.save()
    changes = OrderStatusChange.objects.filter(order__in=orders)
    changes.exclude(note="").update(note="")
    if subject.user_id is not None:
        OrderStatusChange.objects.filter(changed_by_id=subject.user_id).update(changed_by=None)
    return {"pseudonymized": len(orders)}


def export_cart(subject: Subject) -> list[dict]:
    if subject.user_id is None:
        return []
    return [
        {"gift": line.gift.slug, "quantity": line.quantity, "added_at": line.added_at}
        for line in CartLine.objects.filter(cart__user_id=subject.user_id).select_related("gift")
    ]


def erase_cart(subject: Subject) -> dict:
    if subject.user_id is None:
        return {"deleted": 0}
    deleted, _detail = Cart.objects.filter(user_id=subject.user_id).delete()
    return {"deleted": deleted}


register(
    PersonalDataProvider(
        category="gifts.orders", label=_("Gifts you sent"), export=export_orders, erase=erase_orders, erase_order=100
    )
)
register(PersonalDataProvider(category="gifts.cart", label=_("Your cart"), export=export_cart, erase=erase_cart))
