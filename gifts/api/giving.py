"""The giver's API: the cart, checkout and their own orders (docs/api.md, "Carts, checkout and orders").

Thin views over the storefront's own services (gifts/cart.py, gifts/checkout.py, gifts/orders.py): the rules live
there, so a partner's order and a browser's order are the same order. Every endpoint needs a signed-in person or a
partner key with the scope named on the view; an order or cart line that is not the caller's is a 404, the same
as one that does not exist, so ids reveal nothing.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import exceptions, generics, serializers, status
from rest_framework.response import Response

from accounts.api_auth import record_activity
from accounts.models import ApiScope
from analytics.models import EventName
from gifts import cart as carts
from gifts import checkout, orders
from gifts.giving_forms import CheckoutForm, RecipientAddressForm
from gifts.models import MESSAGE_MAX_LENGTH, CartLine, Gift, Order, OrderStatus, Shipment
from gifts.payments import PaymentDeclined, PaymentError, PaymentRequiresAction
from locales.api import KnownFields, MoneySerializer, absolute
from locales.currency import DISPLAY_CURRENCIES, display_currency
from locales.money import Money
from locales.selectors import launched_markets, rate_table, resolve_destination

IDEMPOTENCY_HEADER = "Idempotency-Key"
IDEMPOTENCY_KEY_MAX_LENGTH = 64


class Conflict(exceptions.APIException):
    """The request is well formed but the world changed under it (stock, a lane, a price, an order's state)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("The request conflicts with the current state of the resource.")
    default_code = "conflict"


class PaymentRefused(exceptions.APIException):
    """The card was declined, or the bank wants an authentication this channel cannot show: no money moved."""

    status_code = status.HTTP_402_PAYMENT_REQUIRED
    default_detail = gettext_lazy("Your card was declined. No money was taken; please try another card.")
    default_code = "payment_declined"


class PaymentUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = gettext_lazy("We could not reach the payment service. No money was taken; please try again.")
    default_code = "payment_unavailable"


class IdempotencyKeyRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = gettext_lazy(
        "Send an Idempotency-Key header (1 to 64 visible ASCII characters, no spaces, new for each order) so a "
        "retried checkout cannot place a second order."
    )
    default_code = "idempotency_key_required"


def _problem(description: str) -> OpenApiResponse:
    """An error this module's endpoints answer beyond those every endpoint documents; the schema adds its body."""
    return OpenApiResponse(description=description)


def giver_schema(*, scope: str, description: str = "", **kwargs):
    """`extend_schema` with the sentence every endpoint here shares: who may call it, and the key scope it needs."""
    access = (
        "Signed in (a browser session, with its CSRF token on writes, or an app's `X-Session-Token`), or a partner "
        f"key holding `{scope}`. It acts on the caller's own account only."
    )
    return extend_schema(description=f"{description}\n\n{access}".strip(), **kwargs)


class StrictQueryMixin:
    """Unknown query parameters are a 400 on every method, as on the catalog (REST_FRAMEWORK's filter backends)."""

    query_parameters: tuple[str, ...] = ()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.filter_queryset(self.get_queryset().none())


# The cart ------------------------------------------------------------------------------------------------------


class CartGiftSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()
    artist = serializers.CharField(source="artist.display_name")
    origin = serializers.SlugField(source="artist.home_locale.slug", help_text="The artist's market.")
    price = MoneySerializer(source="price_money", help_text="In the artist's currency.")


class CartLineSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    gift = CartGiftSerializer()
    quantity = serializers.IntegerField()
    available = serializers.SerializerMethodField(help_text="The most of this piece the cart may hold now.")

    def get_available(self, line: CartLine) -> int:
        return min(line.gift.stock, carts.MAX_QUANTITY)


class CartDestinationSerializer(serializers.Serializer):
    value = serializers.CharField(help_text="A launched market's slug, or an ISO 3166-1 country code.")
    country = serializers.CharField()
    label = serializers.CharField()


class CartQuoteLineSerializer(serializers.Serializer):
    gift = serializers.SlugField(source="gift.slug")
    title = serializers.CharField(source="gift.title")
    quantity = serializers.IntegerField()
    unit = MoneySerializer(help_text="In the artist's currency.")
    total = MoneySerializer(help_text="In the quote's currency.")


class CartParcelSerializer(serializers.Serializer):
    origin = serializers.SlugField(source="origin.slug")
    lines = CartQuoteLineSerializer(many=True)
    shipping = MoneySerializer()
    delivery_from = serializers.DateField()
    delivery_until = serializers.DateField()
    crosses_border = serializers.BooleanField()
    recipient_pays_duties = serializers.BooleanField(help_text="The recipient may be asked for duties at the door.")
    duties = MoneySerializer(help_text="Estimated duties the giver pays now (zero when the recipient pays).")


class CartQuoteSerializer(serializers.Serializer):
    currency = serializers.CharField()
    destination = CartDestinationSerializer()
    shipments = CartParcelSerializer(many=True)
    items_total = MoneySerializer()
    shipping_total = MoneySerializer()
    duties_total = MoneySerializer()
    total = MoneySerializer(help_text="Send this as `expected_total` at checkout to refuse a changed price.")
    rates_as_of = serializers.DateField(allow_null=True, help_text="The exchange rates' date, when prices converted.")
    problems = serializers.ListField(child=serializers.CharField(), help_text="Why it cannot be ordered as it is.")


class CartSerializer(serializers.Serializer):
    lines = CartLineSerializer(many=True)
    quote = CartQuoteSerializer(allow_null=True, help_text="With `?destination=`: parcels, shipping, duties, totals.")


class CartLineCreateSerializer(KnownFields, serializers.Serializer):
    gift = serializers.SlugField(help_text="The gift's slug.")
    quantity = serializers.IntegerField(min_value=1, max_value=carts.MAX_QUANTITY, default=1)

    def validate_gift(self, slug: str) -> Gift:
        gift = Gift.objects.public().filter(slug=slug).first()
        if gift is None:
            raise serializers.ValidationError(_("No gift on offer has this slug."))
        return gift


class CartLineQuantitySerializer(KnownFields, serializers.Serializer):
    quantity = serializers.IntegerField(
        min_value=0, max_value=carts.MAX_QUANTITY, required=False, help_text="Zero removes the line; left out, none."
    )


def _destination_and_currency(request, *, destination_value: str | None, currency: str | None):
    """The destination named by a market slug or country code, and the currency (the caller's display one unless
    given); a ValidationError naming the parameter otherwise."""
    destination = None
    if destination_value:
        destination = resolve_destination(destination_value, launched_markets())
        if destination is None or destination.value.lower() != destination_value.strip().lower():
            message = _("Not a market we deliver to or a country code: %(value)s.") % {"value": destination_value}
            raise exceptions.ValidationError({"destination": [message]})
    if currency is not None and currency not in DISPLAY_CURRENCIES:
        raise exceptions.ValidationError(
            {"currency": [_("Choose one of: %(codes)s.") % {"codes": ", ".join(DISPLAY_CURRENCIES)}]}
        )
    return destination, currency or display_currency(request)


def _example_money(amount: str, currency: str = "EUR", formatted: str = "") -> dict:
    """A money object for the schema's examples."""
    return {"amount": amount, "currency": currency, "formatted": formatted or f"€{amount}"}


CART_LINE_EXAMPLE = {
    "id": 12,
    "gift": {
        "slug": "silk-scarf",
        "title": "River Light silk scarf",
        "artist": "Claire Duvernay",
        "origin": "lyon",
        "price": _example_money("90.00"),
    },
    "quantity": 1,
    "available": 3,
}
CART_EXAMPLE = {
    "lines": [CART_LINE_EXAMPLE],
    "quote": {
        "currency": "EUR",
        "destination": {"value": "lyon", "country": "FR", "label": "Lyon"},
        "shipments": [
            {
                "origin": "lyon",
                "lines": [
                    {
                        "gift": "silk-scarf",
                        "title": "River Light silk scarf",
                        "quantity": 1,
                        "unit": _example_money("90.00"),
                        "total": _example_money("90.00"),
                    }
                ],
                "shipping": _example_money("7.50"),
                "delivery_from": "2026-11-27",
                "delivery_until": "2026-12-02",
                "crosses_border": False,
                "recipient_pays_duties": False,
                "duties": _example_money("0.00"),
            }
        ],
        "items_total": _example_money("90.00"),
        "shipping_total": _example_money("7.50"),
        "duties_total": _example_money("0.00"),
        "total": _example_money("97.50"),
        "rates_as_of": None,
        "problems": [],
    },
}
"""The cart the examples speak of: a scarf from Lyon, quoted for Lyon in euros."""
CART_AFTER_ADDING_EXAMPLE = {"lines": [{**CART_LINE_EXAMPLE, "quantity": 2}], "quote": None}


class CartView(StrictQueryMixin, generics.GenericAPIView):
    """The caller's cart; with `?destination=` the storefront's quote for it: parcels, shipping, duties, totals."""

    required_scope = ApiScope.CART_WRITE
    query_parameters = ("destination", "currency")
    queryset = CartLine.objects.all()
    serializer_class = CartSerializer

    @giver_schema(
        scope=ApiScope.CART_WRITE,
        summary="Your cart, with a quote for a destination",
        parameters=[
            OpenApiParameter("destination", str, description="A launched market's slug (`lyon`) or a country (`FR`)."),
            OpenApiParameter("currency", str, enum=list(DISPLAY_CURRENCIES), description="Prices in this currency."),
        ],
        responses={200: CartSerializer},
        examples=[
            OpenApiExample("A scarf for Lyon, in euros", value=CART_EXAMPLE, response_only=True, status_codes=["200"])
        ],
    )
    def get(self, request):
        return Response(
            cart_body(
                request,
                destination_value=request.query_params.get("destination"),
                currency=request.query_params.get("currency"),
            )
        )


def cart_body(request, *, destination_value: str | None = None, currency: str | None = None) -> dict:
    cart = carts.cart_for_request(request)
    lines = carts.cart_lines(cart)
    destination, currency = _destination_and_currency(request, destination_value=destination_value, currency=currency)
    quote = None
    if destination is not None and lines:
        quote = checkout.quote_cart(lines, destination=destination, currency=currency, rates=rate_table())
    return CartSerializer({"lines": lines, "quote": quote}).data


class CartLinesView(StrictQueryMixin, generics.GenericAPIView):
    required_scope = ApiScope.CART_WRITE
    queryset = CartLine.objects.all()
    serializer_class = CartLineCreateSerializer

    @giver_schema(
        scope=ApiScope.CART_WRITE,
        summary="Put a gift in your cart",
        description="A gift already in the cart gains quantity, up to what is in stock (and at most 20).",
        request=CartLineCreateSerializer,
        responses={201: CartSerializer, 409: _problem("Sold out, no longer offered, or more than is in stock.")},
        examples=[
            OpenApiExample("Two silk scarves", value={"gift": "silk-scarf", "quantity": 2}, request_only=True),
            OpenApiExample("The cart, now", value=CART_AFTER_ADDING_EXAMPLE, response_only=True, status_codes=["201"]),
        ],
    )
    def post(self, request):
        serializer = CartLineCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        cart = carts.cart_for_request(request, create=True)
        gift = serializer.validated_data["gift"]
        try:
            carts.add_to_cart(cart=cart, gift=gift, quantity=serializer.validated_data["quantity"])
        except carts.CartError as error:
            raise Conflict(str(error)) from error
        record_activity(request, EventName.CART_ADDED, gift=gift, value=gift.price, value_currency=gift.currency)
        return Response(cart_body(request), status=status.HTTP_201_CREATED)


class CartLineView(StrictQueryMixin, generics.GenericAPIView):
    required_scope = ApiScope.CART_WRITE
    queryset = CartLine.objects.all()
    serializer_class = CartLineQuantitySerializer

    def _own_line(self, request, pk: int):
        cart = carts.cart_for_request(request)
        if cart is None or not CartLine.objects.filter(cart=cart, pk=pk).exists():
            raise exceptions.NotFound(_("There is no such line in your cart."))
        return cart

    @giver_schema(
        scope=ApiScope.CART_WRITE,
        summary="Change how many of a piece your cart holds",
        request=CartLineQuantitySerializer,
        responses={
            200: CartSerializer,
            404: _problem("Not a line of your cart."),
            409: _problem("More than in stock."),
        },
        examples=[
            OpenApiExample("Two of them", value={"quantity": 2}, request_only=True),
            OpenApiExample("The cart, now", value=CART_AFTER_ADDING_EXAMPLE, response_only=True, status_codes=["200"]),
        ],
    )
    def patch(self, request, pk: int):
        serializer = CartLineQuantitySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        cart = self._own_line(request, pk)
        if "quantity" in serializer.validated_data:
            try:
                carts.update_cart_line(cart=cart, line_id=pk, quantity=serializer.validated_data["quantity"])
            except carts.CartError as error:
                raise Conflict(str(error)) from error
        return Response(cart_body(request))

    @giver_schema(
        scope=ApiScope.CART_WRITE,
        summary="Take a piece out of your cart",
        description="Answers 204 with no body: `curl -X DELETE …/api/v1/cart/lines/12/` empties line 12.",
        request=None,
        responses={204: None, 404: _problem("Not a line of your cart.")},
    )
    def delete(self, request, pk: int):
        cart = self._own_line(request, pk)
        carts.remove_cart_line(cart=cart, line_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


# Orders --------------------------------------------------------------------------------------------------------


class OrderLineSummarySerializer(serializers.Serializer):
    title = serializers.CharField()
    quantity = serializers.IntegerField()


class OrderSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The order number.")
    status = serializers.ChoiceField(choices=OrderStatus.choices)
    placed_at = serializers.DateTimeField()
    recipient_name = serializers.CharField()
    destination_country = serializers.CharField(source="recipient_country.code")
    total = MoneySerializer(source="total_money")
    lines = OrderLineSummarySerializer(many=True)
    url = serializers.SerializerMethodField()

    def get_url(self, order: Order) -> str:
        return absolute(self.context["request"], reverse("api:order", kwargs={"pk": order.pk}))


class RecipientOutSerializer(serializers.Serializer):
    name = serializers.CharField(source="recipient_name")
    address_lines = serializers.ListField(child=serializers.CharField(), source="recipient_address_lines")
    country = serializers.CharField(source="recipient_country.code")
    phone = serializers.CharField(source="recipient_phone")
    language = serializers.CharField(source="recipient_language")


class ShipmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    origin = serializers.SlugField(source="origin.slug")
    shipping = serializers.SerializerMethodField()
    estimated_from = serializers.DateField()
    estimated_until = serializers.DateField()
    crosses_border = serializers.BooleanField()
    hs_code = serializers.CharField()
    declared_value = MoneySerializer(source="declared_money", help_text="On the customs declaration, origin currency.")
    recipient_pays_duties = serializers.BooleanField()
    shipped_at = serializers.DateTimeField(allow_null=True)
    tracking_reference = serializers.CharField()

    @extend_schema_field(MoneySerializer)
    def get_shipping(self, shipment: Shipment) -> dict:
        return MoneySerializer(Money(shipment.price_in_order_currency, shipment.order.currency)).data


class OrderLineSerializer(serializers.Serializer):
    gift = serializers.SlugField(source="gift.slug")
    title = serializers.CharField()
    quantity = serializers.IntegerField()
    shipment = serializers.IntegerField(source="shipment_id")
    unit = MoneySerializer(source="unit_money", help_text="The artist's price when the order was placed.")
    total = MoneySerializer(source="total_money", help_text="In the order's currency.")


class StatusChangeSerializer(serializers.Serializer):
    from_status = serializers.CharField()
    to_status = serializers.ChoiceField(choices=OrderStatus.choices)
    changed_at = serializers.DateTimeField()
    note = serializers.CharField()


class OrderSerializer(OrderSummarySerializer):
    """An order as its giver sees it on the storefront's order page."""

    lines = OrderLineSerializer(many=True)
    currency = serializers.CharField()
    items_total = MoneySerializer(source="items_money")
    shipping_total = MoneySerializer(source="shipping_money")
    duties_total = MoneySerializer(source="duties_money")
    rates_as_of = serializers.DateField(allow_null=True)
    recipient = RecipientOutSerializer(source="*")
    message = serializers.CharField()
    reveal_giver = serializers.BooleanField()
    giver_name = serializers.CharField()
    card_last4 = serializers.CharField()
    cancellable = serializers.BooleanField()
    recipient_url = serializers.SerializerMethodField(
        help_text="The recipient's page, to share; null once the order is cancelled or refunded."
    )
    shipments = ShipmentSerializer(many=True)
    history = StatusChangeSerializer(many=True, source="status_changes")

    def get_recipient_url(self, order: Order) -> str | None:
        if order.status in {OrderStatus.CANCELLED, OrderStatus.REFUNDED}:
            return None
        return checkout.absolute_url(checkout.recipient_page_path(order))


ORDER_SUMMARY_EXAMPLE = {
    "id": 1042,
    "status": "paid",
    "placed_at": "2026-11-20T14:03:00Z",
    "recipient_name": "Claire Martin",
    "destination_country": "FR",
    "total": _example_money("97.50"),
    "lines": [{"title": "River Light silk scarf", "quantity": 1}],
    "url": "https://lagiftart.example/api/v1/orders/1042/",
}
ORDER_EXAMPLE = {
    **ORDER_SUMMARY_EXAMPLE,
    "lines": [
        {
            "gift": "silk-scarf",
            "title": "River Light silk scarf",
            "quantity": 1,
            "shipment": 77,
            "unit": _example_money("90.00"),
            "total": _example_money("90.00"),
        }
    ],
    "currency": "EUR",
    "items_total": _example_money("90.00"),
    "shipping_total": _example_money("7.50"),
    "duties_total": _example_money("0.00"),
    "rates_as_of": None,
    "recipient": {
        "name": "Claire Martin",
        "address_lines": ["Claire Martin", "12 rue de la République", "69002 LYON"],
        "country": "FR",
        "phone": "",
        "language": "fr",
    },
    "message": "Bon anniversaire !",
    "reveal_giver": True,
    "giver_name": "Sam",
    "card_last4": "4242",
    "cancellable": True,
    "recipient_url": "https://lagiftart.example/fr/g/8BgsTcKGSD57wkKYYoEeEJ0C8w_oamedeb_pThySZt4/",
    "shipments": [
        {
            "id": 77,
            "origin": "lyon",
            "shipping": _example_money("7.50"),
            "estimated_from": "2026-11-24",
            "estimated_until": "2026-11-27",
            "crosses_border": False,
            "hs_code": "621410",
            "declared_value": _example_money("90.00"),
            "recipient_pays_duties": False,
            "shipped_at": None,
            "tracking_reference": "",
        }
    ],
    "history": [
        {"from_status": "", "to_status": "placed", "changed_at": "2026-11-20T14:03:00Z", "note": ""},
        {"from_status": "placed", "to_status": "paid", "changed_at": "2026-11-20T14:03:01Z", "note": ""},
    ],
}
"""An order as its giver reads it: the cart example, placed and paid."""
CANCELLED_ORDER_EXAMPLE = {
    **ORDER_EXAMPLE,
    "status": "refunded",
    "cancellable": False,
    "recipient_url": None,
    "history": [
        *ORDER_EXAMPLE["history"],
        {
            "from_status": "paid",
            "to_status": "cancelled",
            "changed_at": "2026-11-21T09:30:00Z",
            "note": "Cancelled by the giver.",
        },
        {
            "from_status": "cancelled",
            "to_status": "refunded",
            "changed_at": "2026-11-21T09:30:01Z",
            "note": "Refund on cancellation.",
        },
    ],
}


class OrderListView(generics.ListAPIView):
    """The caller's orders, newest first."""

    required_scope = ApiScope.ORDERS_READ
    serializer_class = OrderSummarySerializer

    def get_queryset(self):
        return orders.orders_of(self.request.user)

    @giver_schema(
        scope=ApiScope.ORDERS_READ,
        summary="Your orders",
        description="Newest first, in pages.",
        examples=[
            OpenApiExample("A paid order", value=ORDER_SUMMARY_EXAMPLE, response_only=True, status_codes=["200"])
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


def _own_order(request, pk: int) -> Order:
    order = orders.order_for_giver(giver=request.user, pk=pk)
    if order is None:
        raise exceptions.NotFound(_("You have no order with this number."))
    return order


def _own_order_data(request, pk: int) -> dict:
    """One of the caller's orders as the API shows it (its links absolute, for this request's host)."""
    return OrderSerializer(_own_order(request, pk), context={"request": request}).data


class OrderDetailView(StrictQueryMixin, generics.GenericAPIView):
    required_scope = ApiScope.ORDERS_READ
    serializer_class = OrderSerializer
    queryset = Order.objects.all()

    @giver_schema(
        scope=ApiScope.ORDERS_READ,
        summary="One of your orders, with its parcels and history",
        responses={200: OrderSerializer, 404: _problem("You have no order with this number.")},
        examples=[OpenApiExample("A paid order", value=ORDER_EXAMPLE, response_only=True, status_codes=["200"])],
    )
    def get(self, request, pk: int):
        return Response(_own_order_data(request, pk))


class OrderCancelView(StrictQueryMixin, generics.GenericAPIView):
    required_scope = ApiScope.ORDERS_WRITE
    serializer_class = OrderSerializer
    queryset = Order.objects.all()

    @giver_schema(
        scope=ApiScope.ORDERS_WRITE,
        summary="Cancel one of your orders before it ships",
        description="The pieces go back on the shelf and a paid order is refunded at once.",
        request=None,
        responses={
            200: OrderSerializer,
            404: _problem("You have no order with this number."),
            409: _problem("The order has left the workshop."),
        },
        examples=[OpenApiExample("Refunded", value=CANCELLED_ORDER_EXAMPLE, response_only=True, status_codes=["200"])],
    )
    def post(self, request, pk: int):
        order = _own_order(request, pk)
        try:
            orders.cancel_order(order=order, by=request.user)
        except orders.OrderError as error:
            raise Conflict(str(error)) from error
        record_activity(request, EventName.ORDER_CANCELLED, value=order.total, value_currency=order.currency)
        return Response(_own_order_data(request, pk))


# Checkout ------------------------------------------------------------------------------------------------------


class RecipientInSerializer(KnownFields, serializers.Serializer):
    """The recipient's address in the destination country: which parts are required follows that country's post
    (accounts/address_formats.py), as on the storefront's checkout page."""

    name = serializers.CharField(max_length=150)
    street_address_1 = serializers.CharField(max_length=255)
    street_address_2 = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    city = serializers.CharField(max_length=128, required=False, allow_blank=True, default="")
    city_area = serializers.CharField(max_length=128, required=False, allow_blank=True, default="")
    country_area = serializers.CharField(max_length=128, required=False, allow_blank=True, default="")
    postal_code = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    language = serializers.ChoiceField(
        choices=settings.LANGUAGES, help_text="The language of the recipient's page: one spoken at the destination."
    )


TOTAL_PATTERN = r"^\d{1,11}(\.\d{1,3})?$"


@extend_schema_field({"type": "string", "pattern": TOTAL_PATTERN, "example": "97.50"})
class TotalField(serializers.DecimalField):
    """An amount as plain digits ("97.50"): no sign, no exponent, at most three decimals, as the schema says."""

    default_error_messages = {"invalid": gettext_lazy("Write the total as digits, such as 97.50.")}

    def __init__(self, **kwargs):
        super().__init__(max_digits=14, decimal_places=3, **kwargs)

    def to_internal_value(self, data):
        if not re.fullmatch(TOTAL_PATTERN, str(data)):
            self.fail("invalid")
        return super().to_internal_value(data)


class CheckoutSerializer(KnownFields, serializers.Serializer):
    destination = serializers.CharField(help_text="A launched market's slug (`lyon`) or a country code (`FR`).")
    currency = serializers.ChoiceField(
        choices=list(DISPLAY_CURRENCIES), required=False, help_text="Charged in it; your display currency if left out."
    )
    recipient = RecipientInSerializer()
    message = serializers.CharField(max_length=MESSAGE_MAX_LENGTH, required=False, allow_blank=True, default="")
    reveal_giver = serializers.BooleanField(default=True)
    giver_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    payment_token = serializers.CharField(
        max_length=100,
        help_text="A Stripe PaymentMethod id (`pm_…`); in test mode a test card number (4242424242424242 pays).",
    )
    expected_total = TotalField(
        required=False, help_text="The quote's total you showed; a different total now is a 409 instead of a charge."
    )


def _checkout_errors(address_form, form) -> dict[str, list[str]]:
    """The storefront forms' errors under the API's field names (`recipient.postal_code`, `recipient.language`)."""
    errors: dict[str, list[str]] = {}
    for name, messages in address_form.errors.items():
        key = "recipient" if name == "__all__" else "recipient." + ("name" if name == "recipient_name" else name)
        errors.setdefault(key, []).extend(messages)
    for name, messages in form.errors.items():
        key = {"__all__": "non_field_errors", "recipient_language": "recipient.language"}.get(name, name)
        errors.setdefault(key, []).extend(messages)
    return errors


IDEMPOTENCY_KEY_PATTERN = re.compile(rf"[!-~]{{1,{IDEMPOTENCY_KEY_MAX_LENGTH}}}")
"""1 to 64 visible ASCII characters: a UUID, a ULID, or any token the client keeps for the order it means."""


def idempotency_key_from(request) -> str:
    key = request.headers.get(IDEMPOTENCY_HEADER, "").strip()
    if not IDEMPOTENCY_KEY_PATTERN.fullmatch(key):
        raise IdempotencyKeyRequired
    return key


class CheckoutView(StrictQueryMixin, generics.GenericAPIView):
    """Place an order for everything in the caller's cart, paid at once: the storefront's `place_order`."""

    required_scope = ApiScope.ORDERS_WRITE
    serializer_class = CheckoutSerializer
    queryset = Order.objects.all()

    @giver_schema(
        scope=ApiScope.ORDERS_WRITE,
        summary="Check out your cart",
        description=(
            "Needs an `Idempotency-Key` header, new for each order: sending the same key again returns the order it "
            "placed (200) and never places or charges a second one, whatever the body says."
        ),
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_HEADER,
                {"type": "string", "minLength": 1, "maxLength": IDEMPOTENCY_KEY_MAX_LENGTH},
                OpenApiParameter.HEADER,
                required=True,
                pattern=f"^{IDEMPOTENCY_KEY_PATTERN.pattern}$",
                description="1 to 64 visible ASCII characters, new for each order: a UUID, say.",
            )
        ],
        request=CheckoutSerializer,
        responses={
            201: OrderSerializer,
            200: OpenApiResponse(OrderSerializer, description="This key already placed this order."),
            402: _problem("The card was declined (or needs an authentication the API cannot show): nothing charged."),
            409: _problem("Your cart is empty, a piece sold out, a lane closed, or the total changed."),
            428: _problem("The Idempotency-Key header is missing."),
            503: _problem("The payment service could not be reached: nothing charged."),
        },
        examples=[
            OpenApiExample(
                "A scarf to Lyon",
                value={
                    "destination": "lyon",
                    "currency": "EUR",
                    "recipient": {
                        "name": "Claire Martin",
                        "street_address_1": "12 rue de la République",
                        "city": "Lyon",
                        "postal_code": "69002",
                        "language": "fr",
                    },
                    "message": "Bon anniversaire !",
                    "reveal_giver": True,
                    "giver_name": "Sam",
                    "payment_token": "4242424242424242",
                    "expected_total": "97.50",
                },
                request_only=True,
            ),
            OpenApiExample(
                "Placed and paid",
                value=ORDER_EXAMPLE,
                response_only=True,
                status_codes=["201", "200"],
            ),
        ],
    )
    def post(self, request):
        key = idempotency_key_from(request)
        placed = Order.objects.filter(giver=request.user, idempotency_key=key).first()
        if placed is not None:
            return Response(_own_order_data(request, placed.pk), status=status.HTTP_200_OK)
        serializer = CheckoutSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        markets = launched_markets()
        destination, currency = _destination_and_currency(
            request, destination_value=data["destination"], currency=data.get("currency")
        )
        rates = rate_table()
        recipient = data["recipient"]
        address_form = RecipientAddressForm(
            {f"recipient-{name}": value for name, value in recipient.items() if name not in {"name", "language"}}
            | {"recipient-recipient_name": recipient["name"]},
            destination=destination,
            markets=markets,
        )
        form = CheckoutForm(
            {
                "message": data["message"],
                "reveal_giver": data["reveal_giver"],
                "giver_name": data["giver_name"],
                "recipient_language": recipient["language"],
                "payment_token": data["payment_token"],
                "idempotency_key": key,
                "expected_total": data.get("expected_total", 0),
            },
            languages=checkout.recipient_languages(destination),
        )
        address_valid = address_form.is_valid()
        if not (form.is_valid() and address_valid):
            raise exceptions.ValidationError(_checkout_errors(address_form, form))
        cart = carts.cart_for_request(request, create=True)
        if CartLine.objects.filter(cart=cart).exists():
            # The storefront records this when its checkout page opens; the API has no such page, so a checkout
            # that gets as far as paying is one started (a declined card included), valued as quoted now.
            record_activity(
                request,
                EventName.CHECKOUT_STARTED,
                value=lambda: (
                    checkout.quote_cart(
                        carts.cart_lines(cart), destination=destination, currency=currency, rates=rates
                    ).total.amount
                ),
                value_currency=currency,
                destination_country=destination,
                currency=currency,
            )
        try:
            placement = checkout.place_paid_order(
                cart=cart,
                giver=request.user,
                recipient=address_form.recipient(recipient["language"]),
                destination=destination,
                currency=currency,
                rates=rates,
                message=data["message"],
                reveal_giver=data["reveal_giver"],
                giver_name=data["giver_name"],
                payment_token=data["payment_token"],
                idempotency_key=key,
                expected_total=data.get("expected_total"),
            )
        except checkout.CheckoutError as error:
            raise Conflict(str(error)) from error
        except (PaymentDeclined, PaymentRequiresAction) as error:
            raise PaymentRefused(str(error)) from error
        except PaymentError as error:
            raise PaymentUnavailable(str(error)) from error
        order = placement.order
        if placement.replayed:
            # The same key's first request won a race with this one: answer as a replay does, and count it once.
            return Response(_own_order_data(request, order.pk), status=status.HTTP_200_OK)
        record_activity(
            request,
            EventName.ORDER_PLACED,
            value=order.total,
            value_currency=order.currency,
            destination_country=destination,
            currency=currency,
        )
        response = Response(_own_order_data(request, order.pk), status=status.HTTP_201_CREATED)
        response["Location"] = reverse("api:order", kwargs={"pk": order.pk})
        return response


urlpatterns = [
    path("cart/", CartView.as_view(), name="cart"),
    path("cart/lines/", CartLinesView.as_view(), name="cart_lines"),
    path("cart/lines/<int:pk>/", CartLineView.as_view(), name="cart_line"),
    path("checkout/", CheckoutView.as_view(), name="checkout"),
    path("orders/", OrderListView.as_view(), name="orders"),
    path("orders/<int:pk>/", OrderDetailView.as_view(), name="order"),
    path("orders/<int:pk>/cancel/", OrderCancelView.as_view(), name="order_cancel"),
]
