"""Checkout: pricing a cart for a destination, and turning it into a paid order in one transaction.

The quote the giver reads and the order they place come from the same function, `quote_cart`, run again under
row locks at placement, so a price, a stock level or a lane that changed in between is caught, not charged.

When the card's bank asks the giver to authenticate (3-D Secure), a checkout that can send the giver to the bank
(`place_order_with_authentication`) commits the order as placed, holding its stock, and `confirm_order_payment`
marks it paid once the bank said yes, or cancels it and returns the stock when it said no (docs/giving.md).
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from babel.languages import get_official_languages
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gifts.models import (
    Cart,
    CartLine,
    DutyRule,
    Gift,
    Order,
    OrderLine,
    OrderStatus,
    OrderStatusChange,
    Shipment,
)
from gifts.payments import (
    ORDER_METADATA_KEY,
    PaymentAuthentication,
    PaymentDeclined,
    PaymentError,
    PaymentProvider,
    PaymentRequiresAction,
    PaymentResult,
    payment_provider,
)
from gifts.selectors import shipping_for
from locales.models import DutiesPayer, Locale, ShippingLane
from locales.money import Money, RateTable
from locales.selectors import Destination

logger = logging.getLogger(__name__)


class CheckoutError(Exception):
    """An order we cannot place as asked; the message tells the giver what changed and what to do."""


class OutOfStock(CheckoutError):
    pass


class LaneClosed(CheckoutError):
    pass


class PricesChanged(CheckoutError):
    pass


class PaymentArrivedLate(CheckoutError):
    """The bank confirmed a payment for an order that was no longer waiting for it; the money went back."""


AUTHENTICATION_WINDOW = timedelta(minutes=30)
"""How long an order waiting for the bank's authentication holds its stock before another checkout may take it."""
RELEASE_GRACE = timedelta(minutes=1)
"""The hold's timer runs this long after the window closes, so a bank answer in the last second still lands first."""


@dataclass(frozen=True)
class OrderPlacement:
    """What placing an order led to: a paid order, or (`authentication` set) an order whose payment waits for the
    giver's bank, with what the browser needs to show the bank's challenge."""

    order: Order
    authentication: PaymentAuthentication | None = None
    replayed: bool = False
    """True when the idempotency key had already placed this order (a double submit, a retried request)."""

    @property
    def awaits_authentication(self) -> bool:
        return self.order.status == OrderStatus.PLACED


@dataclass(frozen=True)
class Recipient:
    """Who receives the gift and where, already checked against the destination country's address rules."""

    name: str
    country: str
    street_address_1: str
    street_address_2: str = ""
    city: str = ""
    city_area: str = ""
    country_area: str = ""
    postal_code: str = ""
    phone: str = ""
    language: str = "en"


@dataclass
class QuotedLine:
    gift: Gift
    quantity: int
    unit: Money
    total: Money
    """In the order's currency."""


@dataclass
class QuotedShipment:
    """One parcel: the pieces from one origin on one lane, what it costs and what customs will see."""

    origin: Locale
    lane: ShippingLane
    lines: list[QuotedLine] = field(default_factory=list)
    shipping: Money | None = None
    """In the order's currency."""
    delivery_from: date | None = None
    delivery_until: date | None = None
    crosses_border: bool = True
    declared: Money | None = None
    """The pieces' value in the origin's currency, as the customs declaration states it."""
    duties_payer: str = DutiesPayer.RECIPIENT
    duties: Money | None = None
    """What the giver pays towards duties (order currency); zero when the recipient pays or nothing is due."""

    @property
    def recipient_pays_duties(self) -> bool:
        return self.crosses_border and self.duties_payer == DutiesPayer.RECIPIENT


@dataclass
class Quote:
    """What an order would cost, parcel by parcel, in `currency`; `problems` say why it cannot be placed as is."""

    currency: str
    destination: Destination
    shipments: list[QuotedShipment] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    rates_as_of: date | None = None
    converted: bool = False

    def _sum(self, amounts) -> Money:
        return Money(sum((amount.amount for amount in amounts if amount is not None), Decimal(0)), self.currency)

    @property
    def items_total(self) -> Money:
        return self._sum(line.total for shipment in self.shipments for line in shipment.lines)

    @property
    def shipping_total(self) -> Money:
        return self._sum(shipment.shipping for shipment in self.shipments)

    @property
    def duties_total(self) -> Money:
        return self._sum(shipment.duties for shipment in self.shipments)

    @property
    def total(self) -> Money:
        return self._sum([self.items_total, self.shipping_total, self.duties_total]).rounded()

    @property
    def recipient_may_pay_duties(self) -> bool:
        return any(shipment.recipient_pays_duties for shipment in self.shipments)


def _convert(money: Money, currency: str, rates: RateTable, quote: Quote) -> Money | None:
    if money.currency == currency:
        return money.rounded()
    found = rates.rate(money.currency, currency)
    if found is None:
        return None
    rate, as_of = found
    quote.converted = True
    if as_of is not None and (quote.rates_as_of is None or as_of < quote.rates_as_of):
        quote.rates_as_of = as_of
    return money.convert(currency, rate)


def estimate_duties(declared: Money, rule: DutyRule, currency: str, rates: RateTable, quote: Quote) -> Money | None:
    """Duties and taxes on a gift declared at `declared`: nothing at or below the gift exemption, else the rate
    on the whole declared value (how most countries treat a gift over the threshold). None when unconvertible."""
    in_rule_currency = _convert(declared, rule.currency, rates, quote)
    in_order_currency = _convert(declared, currency, rates, quote)
    if in_rule_currency is None or in_order_currency is None:
        return None
    if in_rule_currency.amount <= rule.gift_exemption_threshold:
        return Money(0, currency)
    return Money(in_order_currency.amount * rule.rate, currency).rounded()


def quote_cart(
    lines: list[CartLine], *, destination: Destination, currency: str, rates: RateTable, gifts: dict | None = None
) -> Quote:
    """Price the cart's lines for `destination` in `currency`: pieces grouped into one parcel per origin lane.

    `gifts` (id → Gift) replaces each line's gift with a fresher copy, as placement does with locked rows.
    """
    quote = Quote(currency=currency, destination=destination)
    if not lines:
        quote.problems.append(_("Your cart is empty."))
        return quote
    duty_rule = DutyRule.objects.filter(country=destination.country).first()
    by_lane: OrderedDict[int, QuotedShipment] = OrderedDict()
    for line in lines:
        gift = (gifts or {}).get(line.gift_id, line.gift)
        answer = shipping_for(gift, destination)
        if not answer.ships:
            quote.problems.append(
                _("%(title)s cannot be sent to %(place)s at the moment.") % {"title": gift, "place": destination.label}
            )
            continue
        lane = answer.lane
        shipment = by_lane.get(lane.pk)
        if shipment is None:
            origin = gift.artist.home_locale
            shipment = QuotedShipment(
                origin=origin,
                lane=lane,
                delivery_from=answer.delivery_from,
                delivery_until=answer.delivery_until,
                crosses_border=origin.country.code != destination.country,
                duties_payer=lane.duties_payer,
            )
            by_lane[lane.pk] = shipment
        unit = Money(gift.price, gift.currency)
        total = _convert(Money(gift.price * line.quantity, gift.currency), currency, rates, quote)
        if total is None:
            quote.problems.append(
                _("We cannot price %(title)s in %(currency)s today.") % {"title": gift, "currency": currency}
            )
            continue
        shipment.lines.append(QuotedLine(gift=gift, quantity=line.quantity, unit=unit, total=total))
    for shipment in by_lane.values():
        if not shipment.lines:
            continue
        origin_currency = shipment.origin.currency
        declared_amount = Decimal(0)
        for quoted in shipment.lines:
            value = _convert(
                Money(quoted.unit.amount * quoted.quantity, quoted.unit.currency), origin_currency, rates, quote
            )
            declared_amount += value.amount if value else Decimal(0)
        shipment.declared = Money(declared_amount, origin_currency).rounded()
        shipment.shipping = _convert(shipment.lane.cost, currency, rates, quote)
        if shipment.shipping is None:
            quote.problems.append(_("We cannot price shipping in %(currency)s today.") % {"currency": currency})
        shipment.duties = Money(0, currency)
        if shipment.crosses_border and shipment.duties_payer == DutiesPayer.GIVER:
            duties = estimate_duties(shipment.declared, duty_rule, currency, rates, quote) if duty_rule else None
            if duties is None:
                quote.problems.append(
                    _("We cannot estimate import duties for %(place)s yet, so this parcel cannot be sent.")
                    % {"place": destination.label}
                )
            else:
                shipment.duties = duties
        quote.shipments.append(shipment)
    return quote


def recipient_languages(destination: Destination) -> list[str]:
    """Languages we offer that the destination speaks (French in Lyon, French and German in Switzerland),
    the market's own first; every language when the country speaks none of ours."""
    offered = [code for code, _name in settings.LANGUAGES]
    spoken: list[str] = []
    if destination.locale is not None:
        spoken.append(destination.locale.default_language)
    for language in get_official_languages(destination.country, de_facto=True):
        for code in offered:
            if code == language.lower() or (
                code.startswith(f"{language.lower()}-") and code.endswith(destination.country.lower())
            ):
                spoken.append(code)
    ordered = list(dict.fromkeys(code for code in spoken if code in offered))
    return ordered or offered


def destination_for_address(*, country: str, country_area: str, city: str, markets: list[Locale]) -> Destination:
    """The most specific destination an address lies in: a launched market (by subdivision or city), else its
    country, so a market's own lane applies when the recipient lives there."""
    for market in markets:
        if market.country.code != country:
            continue
        if market.subdivision and country_area and market.subdivision == f"{country}-{country_area}".upper():
            return Destination(country=country, locale=market)
        if market.city and city and market.city.casefold() == city.strip().casefold():
            return Destination(country=country, locale=market)
    return Destination(country=country)


def _record(order: Order, *, to: str, by, note: str = "", previous: str = "") -> None:
    OrderStatusChange.objects.create(order=order, from_status=previous, to_status=to, changed_by=by, note=note)


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def recipient_page_path(order: Order, language: str | None = None) -> str:
    with translation.override(language or order.recipient_language):
        return reverse("gifts:recipient_page", kwargs={"token": order.recipient_token})


def notify_giver(order: Order, template: str) -> None:
    """Queue an email to the giver in their language, after the transaction that records the event commits."""
    from accounts.tasks import send_email

    if not order.giver_email:
        return
    language = order.giver_language
    with translation.override(language):
        context = {
            "order_number": order.pk,
            "recipient_name": order.recipient_name,
            "total": order.total_money.format(language),
            "order_url": absolute_url(order.get_absolute_url()),
            "recipient_url": absolute_url(recipient_page_path(order)),
            "status": str(OrderStatus(order.status).label),
        }
    transaction.on_commit(
        lambda: send_email.enqueue(to=order.giver_email, template=template, context=context, language=language)
    )


def place_paid_order(
    *,
    cart: Cart,
    giver,
    recipient: Recipient,
    destination: Destination,
    currency: str,
    rates: RateTable,
    message: str,
    reveal_giver: bool,
    giver_name: str,
    payment_token: str,
    idempotency_key: str,
    expected_total: Decimal | None = None,
    provider: PaymentProvider | None = None,
) -> OrderPlacement:
    """Turn the cart into a paid order: the same key returns the first order instead of a second.

    One transaction: the giver's row and every gift's row are locked, stock and prices are checked again, the
    payment is taken last, and any failure (a decline included) rolls everything back, leaving stock and the
    cart as they were. A bank that asks for authentication is refused (PaymentRequiresAction): callers with a page
    to send the giver to use `place_order_with_authentication`. The placement's `replayed` tells a new order from
    one the same key had already placed (the API answers 201 or 200 by it, and counts an order once).
    """
    return _place(
        cart=cart,
        giver=giver,
        recipient=recipient,
        destination=destination,
        currency=currency,
        rates=rates,
        message=message,
        reveal_giver=reveal_giver,
        giver_name=giver_name,
        payment_token=payment_token,
        idempotency_key=idempotency_key,
        expected_total=expected_total,
        provider=provider,
        can_authenticate=False,
    )


def place_order(**details) -> Order:
    """`place_paid_order` for a caller that needs only the order (scripts, tests)."""
    return place_paid_order(**details).order


def place_order_with_authentication(
    *,
    cart: Cart,
    giver,
    recipient: Recipient,
    destination: Destination,
    currency: str,
    rates: RateTable,
    message: str,
    reveal_giver: bool,
    giver_name: str,
    payment_token: str,
    idempotency_key: str,
    expected_total: Decimal | None = None,
    provider: PaymentProvider | None = None,
) -> OrderPlacement:
    """`place_order` for a checkout that can take the giver through their bank's authentication (3-D Secure).

    When the bank asks for it, the order, its stock and the waiting payment are committed together, the cart stays
    as it is, and the placement carries the authentication to finish with `confirm_order_payment`.
    """
    return _place(
        cart=cart,
        giver=giver,
        recipient=recipient,
        destination=destination,
        currency=currency,
        rates=rates,
        message=message,
        reveal_giver=reveal_giver,
        giver_name=giver_name,
        payment_token=payment_token,
        idempotency_key=idempotency_key,
        expected_total=expected_total,
        provider=provider,
        can_authenticate=True,
    )


def _place(*, cart, giver, idempotency_key, provider, **details) -> OrderPlacement:
    if not idempotency_key:
        raise CheckoutError(_("This checkout form has expired; please reload the page."))
    existing = Order.objects.filter(giver=giver, idempotency_key=idempotency_key).first()
    if existing is not None:
        return OrderPlacement(existing, replayed=True)
    provider = provider or payment_provider()
    release_expired_authentications(gift_ids=list(CartLine.objects.filter(cart=cart).values_list("gift_id", flat=True)))
    charged: list = []
    try:
        with transaction.atomic():
            # Serialises one giver's checkouts, so a double submit finds the first order instead of racing it.
            get_user_model().objects.select_for_update().filter(pk=giver.pk).first()
            existing = Order.objects.filter(giver=giver, idempotency_key=idempotency_key).first()
            if existing is not None:
                return OrderPlacement(existing, replayed=True)
            return _place_locked(
                cart=cart,
                giver=giver,
                idempotency_key=idempotency_key,
                provider=provider,
                charged=charged,
                **details,
            )
    except IntegrityError:
        existing = Order.objects.filter(giver=giver, idempotency_key=idempotency_key).first()
        if existing is not None:
            return OrderPlacement(existing, replayed=True)
        _refund_after_failure(provider, charged, idempotency_key)
        raise
    except CheckoutError:
        raise
    except Exception:
        _refund_after_failure(provider, charged, idempotency_key)
        raise


def _refund_after_failure(provider: PaymentProvider, charged: list, idempotency_key: str) -> None:
    """Money taken for an order that did not commit goes straight back."""
    for result in charged:
        try:
            provider.refund(reference=result.reference, idempotency_key=idempotency_key)
        except PaymentError:
            logger.exception("refund after a failed checkout did not go through", extra={"reference": result.reference})


def _place_locked(
    *,
    cart,
    giver,
    recipient,
    destination,
    currency,
    rates,
    message,
    reveal_giver,
    giver_name,
    payment_token,
    idempotency_key,
    expected_total,
    provider,
    charged,
    can_authenticate,
) -> OrderPlacement:
    lines = list(CartLine.objects.filter(cart=cart).order_by("added_at", "id"))
    if not lines:
        raise CheckoutError(_("Your cart is empty."))
    locked = {
        gift.pk: gift
        for gift in Gift.objects.select_for_update(of=("self",))
        .select_related("artist__home_locale", "category__parent")
        .filter(pk__in=[line.gift_id for line in lines])
        .order_by("pk")
    }
    public_ids = set(Gift.objects.public().filter(pk__in=locked).values_list("pk", flat=True))
    short = [
        locked[line.gift_id]
        for line in lines
        if line.gift_id not in public_ids or locked[line.gift_id].stock < line.quantity
    ]
    if short:
        raise OutOfStock(
            _("Sorry, %(titles)s sold out while you were checking out. Your cart shows what is left.")
            % {"titles": ", ".join(str(gift) for gift in short)}
        )
    quote = quote_cart(lines, destination=destination, currency=currency, rates=rates, gifts=locked)
    if quote.problems:
        raise LaneClosed(" ".join(quote.problems))
    if expected_total is not None and quote.total.amount != expected_total:
        raise PricesChanged(
            _("The total changed to %(total)s while you were checking out. Please check it and place the order again.")
            % {"total": quote.total.format()}
        )
    order = Order.objects.create(
        giver=giver,
        giver_email=giver.email,
        giver_name=giver_name.strip(),
        giver_language=translation.get_language() or settings.LANGUAGE_CODE,
        reveal_giver=reveal_giver,
        recipient_name=recipient.name,
        recipient_country=recipient.country,
        recipient_street_address_1=recipient.street_address_1,
        recipient_street_address_2=recipient.street_address_2,
        recipient_city=recipient.city,
        recipient_city_area=recipient.city_area,
        recipient_country_area=recipient.country_area,
        recipient_postal_code=recipient.postal_code,
        recipient_phone=recipient.phone,
        recipient_language=recipient.language,
        destination_locale=destination.locale,
        message=message.strip(),
        currency=currency,
        items_total=quote.items_total.rounded().amount,
        shipping_total=quote.shipping_total.rounded().amount,
        duties_total=quote.duties_total.rounded().amount,
        total=quote.total.amount,
        rates_as_of=quote.rates_as_of,
        idempotency_key=idempotency_key,
    )
    for quoted in quote.shipments:
        category = quoted.lines[0].gift.category
        shipment = Shipment.objects.create(
            order=order,
            origin=quoted.origin,
            lane=quoted.lane,
            price=quoted.lane.price,
            price_currency=quoted.lane.currency,
            price_in_order_currency=quoted.shipping.amount,
            min_days=quoted.lane.min_days,
            max_days=quoted.lane.max_days,
            estimated_from=quoted.delivery_from,
            estimated_until=quoted.delivery_until,
            crosses_border=quoted.crosses_border,
            hs_code=category.customs_code,
            declared_value=quoted.declared.amount,
            declared_currency=quoted.declared.currency,
            marked_as_gift=True,
            duties_payer=quoted.duties_payer,
            duties_estimate=quoted.duties.amount,
        )
        for line in quoted.lines:
            OrderLine.objects.create(
                order=order,
                shipment=shipment,
                gift=line.gift,
                title=line.gift.title,
                quantity=line.quantity,
                unit_price=line.unit.amount,
                unit_currency=line.unit.currency,
                line_total=line.total.amount,
            )
            Gift.objects.filter(pk=line.gift.pk).update(
                stock=F("stock") - line.quantity, popularity=F("popularity") + line.quantity
            )
    _record(order, to=OrderStatus.PLACED, by=giver)
    try:
        result = provider.charge(
            amount=quote.total,
            token=payment_token,
            idempotency_key=f"{giver.pk}-{idempotency_key}",
            description=f"LaGiftArt order {order.pk}",
            order_id=order.pk,
            can_authenticate=can_authenticate,
        )
    except PaymentRequiresAction as action:
        if not can_authenticate or action.authentication is None:
            raise
        # Committed as placed: the stock stays held for the giver while their bank asks them to confirm.
        order.payment_provider = provider.name
        order.save(update_fields=["payment_provider", "updated_at"])
        transaction.on_commit(lambda: _schedule_release(order.pk))
        return OrderPlacement(order, action.authentication)
    charged.append(result)
    _mark_paid(order, result, by=giver)
    CartLine.objects.filter(cart=cart).delete()
    return OrderPlacement(order)


def _mark_paid(order: Order, result: PaymentResult, *, by, note: str = "") -> None:
    order.status = OrderStatus.PAID
    order.payment_provider = result.provider
    order.payment_reference = result.reference
    order.card_last4 = result.last4
    order.save(update_fields=["status", "payment_provider", "payment_reference", "card_last4", "updated_at"])
    _record(order, to=OrderStatus.PAID, by=by, previous=OrderStatus.PLACED, note=note)
    notify_giver(order, "gifts/email/order_placed")


def awaiting_authentication():
    """Orders committed while the card's bank asks the giver to confirm: placed, sent to a provider, not yet paid."""
    return Order.objects.filter(status=OrderStatus.PLACED, payment_reference="").exclude(payment_provider="")


def is_awaiting_authentication(order: Order) -> bool:
    return order.status == OrderStatus.PLACED and not order.payment_reference and bool(order.payment_provider)


def release_unpaid_order(*, order_id: int, note: str, tell_giver: bool = False) -> bool:
    """Cancel an order whose payment the bank never confirmed and put its pieces back on the shelf; the cart was
    never emptied. False when the order is no longer waiting (paid, or already released).

    `tell_giver` emails the giver that the order did not go through: for a release they cannot see happen (the
    hold's timer, the provider's notice), not for a refusal the checkout page is showing them."""
    with transaction.atomic():
        order = awaiting_authentication().select_for_update().filter(pk=order_id).first()
        if order is None:
            return False
        returned: dict[int, int] = {}
        for gift_id, quantity in order.lines.values_list("gift_id", "quantity"):
            returned[gift_id] = returned.get(gift_id, 0) + quantity
        # In id order, as placement locks them, so a release and a checkout never wait on each other in a circle.
        for gift_id in sorted(returned):
            Gift.objects.filter(pk=gift_id).update(
                stock=F("stock") + returned[gift_id], popularity=F("popularity") - returned[gift_id]
            )
        order.status = OrderStatus.CANCELLED
        order.save(update_fields=["status", "updated_at"])
        _record(order, to=OrderStatus.CANCELLED, by=None, previous=OrderStatus.PLACED, note=note)
        if tell_giver:
            notify_giver(order, "gifts/email/order_not_confirmed")
    return True


def _expired_authentications():
    return awaiting_authentication().filter(placed_at__lt=timezone.now() - AUTHENTICATION_WINDOW)


def _release_expired(order_id: int) -> bool:
    return release_unpaid_order(
        order_id=order_id,
        note=_("Your bank's confirmation did not arrive in time; the pieces went back on sale."),
        tell_giver=True,
    )


def release_expired_authentications(*, gift_ids: list[int] | None = None) -> int:
    """Release orders that waited longer than AUTHENTICATION_WINDOW for the bank (the giver left the challenge);
    `gift_ids` limits it to orders holding those pieces. Returns how many were released."""
    waiting = _expired_authentications()
    if gift_ids is not None:
        if not gift_ids:
            return 0
        waiting = waiting.filter(lines__gift_id__in=gift_ids)
    return sum(_release_expired(order_id) for order_id in waiting.values_list("pk", flat=True).distinct())


def release_if_unconfirmed(*, order_id: int) -> bool:
    """The hold's timer (gifts.tasks.release_unconfirmed_payment): release one order if it is still waiting for the
    bank once its window has passed. False when it was paid, already released, or is still inside the window."""
    if not _expired_authentications().filter(pk=order_id).exists():
        return False
    return _release_expired(order_id)


def _schedule_release(order_id: int) -> None:
    """Queue the hold's timer to run just after the window closes, so a giver who leaves the bank's challenge does
    not keep the pieces off sale until the next checkout of the same piece happens to free them.

    Backends that cannot defer (the immediate one the test suite uses) would run it at once, inside the window, where
    it does nothing: they are skipped, and the next checkout of the piece still frees it (release_expired_…)."""
    from gifts.tasks import release_unconfirmed_payment

    if not release_unconfirmed_payment.get_backend().supports_defer:
        return
    run_after = timezone.now() + AUTHENTICATION_WINDOW + RELEASE_GRACE
    release_unconfirmed_payment.using(run_after=run_after).enqueue(order_id=order_id)


def confirm_order_payment(*, order: Order, reference: str, by=None, provider: PaymentProvider | None = None) -> Order:
    """After the giver's bank authentication: ask the provider how the payment ended and settle the order.

    Paid: the order is marked paid, the ordered pieces leave the cart and the giver gets the confirmation (all in
    one transaction; a second call, e.g. the webhook after the browser, finds it paid and changes nothing).
    Refused: the order is cancelled, its stock returned, the cart untouched, and PaymentDeclined says so.
    Still waiting: PaymentRequiresAction or PaymentPending, nothing changes. A payment that arrives for an order
    that stopped waiting is refunded (PaymentArrivedLate).
    """
    if order.status != OrderStatus.PLACED and order.payment_reference == reference:
        return order
    provider = provider or payment_provider()
    try:
        result = provider.confirm(reference=reference, order_id=order.pk, amount=order.total_money)
    except PaymentDeclined:
        release_unpaid_order(order_id=order.pk, note=_("The card's bank did not confirm the payment."))
        provider.cancel(reference=reference, idempotency_key=f"order-{order.pk}")
        raise
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.status != OrderStatus.PLACED and locked.payment_reference == result.reference:
            return locked
        if is_awaiting_authentication(locked):
            _mark_paid(locked, result, by=by, note=_("Confirmed by the card's bank."))
            CartLine.objects.filter(cart__user_id=locked.giver_id, gift_id__in=locked.lines.values("gift_id")).delete()
            return locked
    try:
        provider.refund(reference=result.reference, idempotency_key=f"late-{result.reference}")
    except PaymentError:
        logger.exception("refund of a late payment did not go through", extra={"reference": result.reference})
        raise PaymentArrivedLate(
            _("Your bank confirmed the payment after this order was cancelled. Support will refund it in full.")
        ) from None
    raise PaymentArrivedLate(
        _("Your bank confirmed the payment after this order was cancelled, so we refunded it in full.")
    )


def apply_payment_event(*, event: dict, provider: PaymentProvider | None = None) -> str:
    """Settle an order from a provider's signed notice about its payment (Stripe's `payment_intent.*` webhooks), for
    the giver who closed the page between their bank's answer and ours. Returns what happened, for the log.

    Idempotent: an order already paid, or already released, is left as it is. A notice about an order we cannot
    see is ignored: it is a checkout whose transaction has not committed yet, which settles itself.
    """
    kind = event.get("type", "")
    intent = (event.get("data") or {}).get("object") or {}
    order_id = str((intent.get("metadata") or {}).get(ORDER_METADATA_KEY, ""))
    if intent.get("object") != "payment_intent" or not order_id.isdigit() or not intent.get("id"):
        return "ignored"
    order = Order.objects.filter(pk=int(order_id)).first()
    if order is None:
        return "ignored"
    if kind == "payment_intent.succeeded":
        if order.status != OrderStatus.PLACED and order.payment_reference == intent["id"]:
            return "already paid"
        try:
            confirm_order_payment(order=order, reference=intent["id"], provider=provider)
        except PaymentArrivedLate:
            return "refunded"
        except PaymentDeclined:
            return "released"
        return "paid"
    if kind in {"payment_intent.payment_failed", "payment_intent.canceled"}:
        if order.payment_reference == intent["id"]:
            return "already paid"
        released = release_unpaid_order(
            order_id=order.pk, note=_("The card's bank did not confirm the payment."), tell_giver=True
        )
        return "released" if released else "unchanged"
    return "ignored"
