"""Checkout: pricing a cart for a destination, and turning it into a paid order in one transaction.

The quote the giver reads and the order they place come from the same function, `quote_cart`, run again under
row locks at placement, so a price, a stock level or a lane that changed in between is caught, not charged.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from babel.languages import get_official_languages
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import translation
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
from gifts.payments import PaymentError, PaymentProvider, payment_provider
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


def place_order(
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
) -> Order:
    """Turn the cart into a paid order: the same key returns the first order instead of a second.

    One transaction: the giver's row and every gift's row are locked, stock and prices are checked again, the
    payment is taken last, and any failure (a decline included) rolls everything back, leaving stock and the
    cart as they were.
    """
    if not idempotency_key:
        raise CheckoutError(_("This checkout form has expired; please reload the page."))
    existing = Order.objects.filter(giver=giver, idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    provider = provider or payment_provider()
    charged: list = []
    try:
        with transaction.atomic():
            # Serialises one giver's checkouts, so a double submit finds the first order instead of racing it.
            get_user_model().objects.select_for_update().filter(pk=giver.pk).first()
            existing = Order.objects.filter(giver=giver, idempotency_key=idempotency_key).first()
            if existing is not None:
                return existing
            return _place_locked(
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
                charged=charged,
            )
    except IntegrityError:
        existing = Order.objects.filter(giver=giver, idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
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
):
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
    result = provider.charge(
        amount=quote.total,
        token=payment_token,
        idempotency_key=f"{giver.pk}-{idempotency_key}",
        description=f"LaGiftArt order {order.pk}",
    )
    charged.append(result)
    order.status = OrderStatus.PAID
    order.payment_provider = result.provider
    order.payment_reference = result.reference
    order.card_last4 = result.last4
    order.save(update_fields=["status", "payment_provider", "payment_reference", "card_last4", "updated_at"])
    _record(order, to=OrderStatus.PAID, by=giver, previous=OrderStatus.PLACED)
    CartLine.objects.filter(cart=cart).delete()
    notify_giver(order, "gifts/email/order_placed")
    return order
