"""What gifts/ holds about a person: their cart and the orders they sent, recipients and messages included.

Registered from GiftsConfig.ready() (docs/compliance.md). Carts are deleted. Orders are kept for the origin
country's tax retention period but pseudonymized: amounts, currencies, dates, pieces, shipments and customs papers
stay; the giver's link, name and email, the recipient's name, address and phone, and the message go. The
recipient's link is replaced, so the old page no longer opens.

Retention (`manage.py enforce_retention`): orders past their origin country's tax retention are pseudonymized the
same way, and visitors' carts that no session can reach any more are deleted.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from compliance.registry import PersonalDataProvider, Subject, register
from gifts.models import Cart, CartLine, Order, OrderStatusChange, Shipment, new_recipient_token


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
    _pseudonymize(orders)
    if subject.user_id is not None:
        OrderStatusChange.objects.filter(changed_by_id=subject.user_id).update(changed_by=None)
    return {"pseudonymized": len(orders)}


def _pseudonymize(orders: list[Order]) -> None:
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


# Years an order's records must be kept for the tax authority of the country the pieces ship from; the longest
# applies when an order ships from several. Countries not listed keep DEFAULT_TAX_RETENTION_YEARS, the longest
# period among our markets, so an unknown country is never cut short. A change here is a reviewed diff.
TAX_RETENTION_YEARS = {
    "BR": 5,  # Código Tributário Nacional, arts. 173-174
    "CA": 6,  # Income Tax Act, s. 230(4)
    "ES": 6,  # Código de Comercio, art. 30
    "FR": 10,  # Code de commerce, art. L123-22
    "GB": 6,  # HMRC: company and VAT records
    "MX": 5,  # Código Fiscal de la Federación, art. 30
    "US": 7,  # IRS record keeping, longest general case
}
DEFAULT_TAX_RETENTION_YEARS = 10


def tax_retention_years(order: Order) -> int:
    """The retention period of `order`: the longest among the countries its parcels ship from."""
    countries = {shipment.origin.country.code for shipment in order.shipments.all()}
    if not countries:
        return DEFAULT_TAX_RETENTION_YEARS
    return max(TAX_RETENTION_YEARS.get(country, DEFAULT_TAX_RETENTION_YEARS) for country in countries)


def _years_before(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February in a year that has none
        return moment.replace(year=moment.year - years, day=28)


def retain_orders(now: datetime, dry_run: bool) -> dict:
    """Pseudonymize orders whose tax retention has run out: after it, nothing justifies keeping who they were."""
    shortest = min([DEFAULT_TAX_RETENTION_YEARS, *TAX_RETENTION_YEARS.values()])
    candidates = (
        Order.objects.filter(pseudonymized_at__isnull=True, placed_at__lt=_years_before(now, shortest))
        .prefetch_related(Prefetch("shipments", queryset=Shipment.objects.select_related("origin")))
        .order_by("pk")
    )
    due = [order for order in candidates if order.placed_at < _years_before(now, tax_retention_years(order))]
    if not dry_run:
        _pseudonymize(due)
    return {"pseudonymized": len(due)}


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


def retain_carts(now: datetime, dry_run: bool) -> dict:
    """Delete visitors' carts untouched for longer than a session lives: no browser can reach them any more."""
    cutoff = now - timedelta(seconds=settings.SESSION_COOKIE_AGE)
    stale = Cart.objects.filter(user__isnull=True, updated_at__lt=cutoff).exclude(lines__added_at__gte=cutoff)
    if dry_run:
        return {"deleted": stale.count()}
    deleted, _detail = Cart.objects.filter(pk__in=list(stale.values_list("pk", flat=True))).delete()
    return {"deleted": deleted}


register(
    PersonalDataProvider(
        category="gifts.orders",
        label=_("Gifts you sent"),
        export=export_orders,
        erase=erase_orders,
        erase_order=100,
        retain=retain_orders,
    )
)
register(
    PersonalDataProvider(
        category="gifts.cart", label=_("Your cart"), export=export_cart, erase=erase_cart, retain=retain_carts
    )
)
