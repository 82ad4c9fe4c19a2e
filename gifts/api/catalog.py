"""The public catalog in the API: gifts with the storefront's filters, a gift, its shipping quote, and categories.

Thin views over gifts.selectors (the same reads as the browse and gift pages) and gifts.checkout's pricing (the
same quote checkout charges), with language, currency, caching and errors from locales.api. Only public gifts
exist here: published, by an approved artist; anything else is a 404, as on the storefront.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.core.validators import RegexValidator
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, serializers
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.response import Response

from analytics.models import EventName
from artists.selectors import public_artist
from gifts import selectors
from gifts.api.serializers import CategorySerializer, GiftCardSerializer, GiftDetailSerializer, QuoteSerializer
from gifts.checkout import quote_cart
from gifts.models import CartLine, Category, Gift
from gifts.selectors import CatalogQuery, GiftSort, ShippingRefusal
from locales.api import CachedPublicRead, MoneySerializer, PricedQuery, public_read_schema
from locales.models import DutiesPayer
from locales.selectors import launched_markets, market_for_page, rate_table, resolve_destination

AMOUNT_PATTERN = r"^\d{1,12}(\.\d{1,3})?$"


@extend_schema_field({"type": "string", "pattern": AMOUNT_PATTERN, "example": "50"})
class AmountField(serializers.CharField):
    """A price bound as a plain decimal ("50", "49.90"): no sign, no exponent, at most three decimals."""

    def __init__(self, **kwargs):
        super().__init__(
            validators=[
                RegexValidator(AMOUNT_PATTERN, gettext_lazy("Write the amount as digits, such as 50 or 49.90."))
            ],
            **kwargs,
        )

    def run_validation(self, data=serializers.empty):
        value = super().run_validation(data)
        return None if value in (None, "") else Decimal(value)


class SearchTextField(serializers.CharField):
    """Search words: control characters are dropped and spaces folded, as the storefront's search box does."""

    CONTROL = re.compile(r"[\x00-\x1f\x7f]")

    def to_internal_value(self, data):
        return " ".join(self.CONTROL.sub(" ", super().to_internal_value(data)).split())


class DestinationField(serializers.CharField):
    """A destination: a launched market's slug (lyon) or an ISO 3166-1 country code (FR)."""

    def run_validation(self, data=serializers.empty):
        value = super().run_validation(data)
        destination = resolve_destination(value, launched_markets())
        if destination is None:
            raise serializers.ValidationError(
                _("We know no destination “%(value)s”: give a market's slug or a two-letter country code.")
                % {"value": value[:60]}
            )
        return destination


SORTS = [GiftSort.NEWEST, GiftSort.POPULAR, GiftSort.PRICE_LOW, GiftSort.PRICE_HIGH, GiftSort.RELEVANCE]


class GiftListQuery(PricedQuery):
    """The storefront's browse filters, strict: a value we cannot read or do not know is a 400 naming it."""

    q = SearchTextField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text="Search words, matched in the response's language (and English) against title, description, "
        "artist and craft.",
    )
    origin = serializers.SlugField(required=False, max_length=60, help_text="A launched market's slug: gifts from it.")
    category = serializers.SlugField(
        required=False, max_length=80, help_text="A category's slug; a top-level one includes its subcategories."
    )
    artist = serializers.SlugField(required=False, max_length=80, help_text="An approved artist's slug.")
    ships_to = DestinationField(
        required=False,
        max_length=60,
        help_text="Only gifts that can be sent there today: a launched market's slug or an ISO 3166-1 country code.",
    )
    price_min = AmountField(required=False, help_text="Lowest price, in the display currency (see `currency`).")
    price_max = AmountField(required=False, help_text="Highest price, in the display currency.")
    sort = serializers.ChoiceField(
        choices=SORTS,
        required=False,
        help_text="newest (default), popular (most given), price_low, price_high, or relevance (default while "
        "searching).",
    )

    def validate_origin(self, slug):
        market = market_for_page(slug)
        if market is None:
            raise serializers.ValidationError(_("There is no market “%(slug)s”.") % {"slug": slug})
        return market

    def validate_category(self, slug) -> Category:
        category = next((known for known in selectors.categories_for_filter() if known.slug == slug), None)
        if category is None:
            raise serializers.ValidationError(_("There is no category “%(slug)s”.") % {"slug": slug})
        return category

    def validate_artist(self, slug):
        artist = public_artist(slug)
        if artist is None:
            raise serializers.ValidationError(_("There is no artist “%(slug)s”.") % {"slug": slug})
        return artist

    def validate(self, attrs):
        low, high = attrs.get("price_min"), attrs.get("price_max")
        if low is not None and high is not None and low > high:
            raise serializers.ValidationError({"price_max": [_("The highest price is below the lowest.")]})
        return attrs


def catalog_query(data: dict) -> CatalogQuery:
    """The storefront's CatalogQuery for a validated GiftListQuery; searching sorts by relevance unless told."""
    text = data.get("q", "")
    return CatalogQuery(
        text=text,
        origin=data.get("origin"),
        category=data.get("category"),
        artist=data.get("artist"),
        min_price=data.get("price_min"),
        max_price=data.get("price_max"),
        destination=data.get("ships_to"),
        sort=data.get("sort") or (GiftSort.RELEVANCE if text else GiftSort.NEWEST),
    )


class QuoteQuery(PricedQuery):
    destination = DestinationField(
        max_length=60, help_text="Where the gift should go: a launched market's slug or an ISO 3166-1 country code."
    )


def _money(value) -> dict | None:
    return MoneySerializer(value).data if value is not None else None


def refusal_message(reason: str, gift: Gift, place: str) -> str:
    """Why `gift` cannot go to `place`, in the words of the gift page."""
    if reason == ShippingRefusal.NO_LANE:
        return _("We do not ship from %(market)s to %(place)s yet.") % {
            "market": gift.artist.home_locale,
            "place": place,
        }
    if reason == ShippingRefusal.PAUSED:
        return _("Shipping to %(place)s is paused for now; please check again soon.") % {"place": place}
    return _("Customs or carriers to %(place)s do not accept %(category)s.") % {
        "place": place,
        "category": gift.category,
    }


def quote_gift(gift: Gift, destination, *, currency: str, rates) -> dict:
    """What sending one `gift` to `destination` costs in `currency`: checkout's own quote for a cart of that gift,
    or why it cannot go (the gift page's reasons), shaped like QuoteSerializer."""
    quote = quote_cart([CartLine(gift=gift, quantity=1)], destination=destination, currency=currency, rates=rates)
    answer = {
        "gift": gift.slug,
        "destination": {
            "country": destination.country,
            "market": destination.locale.slug if destination.locale else None,
            "label": destination.label,
        },
        "currency": currency,
        "gift_price": None,
        "ships": False,
        "reason": None,
        "message": "",
        "options": [],
        "exchange_rate_date": quote.rates_as_of.isoformat() if quote.converted and quote.rates_as_of else None,
    }
    shipment = quote.shipments[0] if quote.shipments else None
    if shipment is not None and shipment.lines:
        answer["gift_price"] = _money(shipment.lines[0].total)
    if quote.problems or shipment is None:
        # quote_cart only says it cannot; the gift page's own reading of the route says why.
        refusal = selectors.shipping_for(gift, destination)
        if refusal.ships:
            return {**answer, "reason": "unpriced", "message": " ".join(quote.problems)}
        message = refusal_message(refusal.reason, gift, destination.label)
        return {**answer, "reason": refusal.reason, "message": message}
    lane = shipment.lane
    giver_pays = shipment.crosses_border and shipment.duties_payer == DutiesPayer.GIVER
    option = {
        "price": _money(shipment.shipping),
        "min_business_days": lane.min_days,
        "max_business_days": lane.max_days,
        "delivery_from": shipment.delivery_from.isoformat(),
        "delivery_until": shipment.delivery_until.isoformat(),
        "crosses_border": shipment.crosses_border,
        "duties": {
            "payer": shipment.duties_payer if shipment.crosses_border else None,
            "estimate": _money(shipment.duties) if giver_pays else None,
        },
        "customs_note": lane.customs_note or "",
        "total": _money(quote.total),
    }
    return {**answer, "ships": True, "options": [option]}


GIFT_CARD_EXAMPLE = {
    "slug": "river-light-bowl-rosa-mateo",
    "title": "River Light Bowl",
    "price": {"amount": "64.00", "currency": "EUR", "formatted": "€64.00"},
    "original_price": {"amount": "1250.00", "currency": "MXN", "formatted": "MX$1,250.00"},
    "exchange_rate_date": "2026-11-23",
    "in_stock": True,
    "artist": {
        "slug": "rosa-mateo",
        "display_name": "Rosa Mateo",
        "craft": "Black clay pottery",
        "url": "https://lagiftart.example/api/v1/artists/rosa-mateo/",
    },
    "origin": {
        "slug": "oaxaca",
        "name": "Oaxaca",
        "country": "MX",
        "url": "https://lagiftart.example/api/v1/locales/oaxaca/",
    },
    "category": {"slug": "bowls", "name": "Bowls"},
    "image": {
        "url": "https://storage.googleapis.com/lagiftart-media/gifts/river-light-bowl.jpg",
        "width": 1600,
        "height": 1200,
        "alt": "A burnished black clay bowl on a wooden table",
        "renditions": [
            {"width": 480, "url": "https://storage.googleapis.com/lagiftart-media/gifts/river-light-bowl-480w.webp"},
            {"width": 960, "url": "https://storage.googleapis.com/lagiftart-media/gifts/river-light-bowl-960w.webp"},
        ],
    },
    "published_at": "2026-11-02T15:04:05Z",
    "url": "https://lagiftart.example/api/v1/gifts/river-light-bowl-rosa-mateo/",
    "web_url": "https://lagiftart.example/en/gifts/river-light-bowl-rosa-mateo/",
}


class GiftList(CachedPublicRead, ListAPIView):
    queryset = Gift.objects.public()
    serializer_class = GiftCardSerializer
    query_class = GiftListQuery

    @public_read_schema(
        summary="Browse and search the gifts",
        description=(
            "Public gifts with the storefront's filters: origin market, category, artist, price range in the display "
            "currency, destination they ship to, and search words in the response's language; sorted newest first "
            "unless `sort` says otherwise. A filter naming something we do not know is a 400 naming the parameter."
        ),
        response=GiftCardSerializer,
        query=GiftListQuery,
        example=GIFT_CARD_EXAMPLE,
        tags=["catalog"],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def build(self, request, *args, **kwargs):
        currency, rates = self.currency, rate_table()
        gifts = selectors.catalog(catalog_query(self.query), currency=currency, rates=rates)
        page = selectors.with_display_prices(self.paginate_queryset(gifts), currency=currency, rates=rates)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def activity(self, data):
        """A search, as on the storefront: only with words, and only how many it found, never the words."""
        if not self.query.get("q"):
            return None
        return EventName.CATALOG_SEARCHED, {"result_count": data["count"]}


def _public_gift(slug: str) -> Gift:
    gift = selectors.public_gift(slug)
    if gift is None:
        raise exceptions.NotFound(_("There is no gift “%(slug)s”.") % {"slug": slug})
    return gift


class GiftDetail(CachedPublicRead, GenericAPIView):
    queryset = Gift.objects.public()
    serializer_class = GiftDetailSerializer
    query_class = PricedQuery
    lookup_field = "slug"

    @public_read_schema(
        summary="Read a gift",
        description=(
            "A public gift with its description, the cultural story behind it, every picture with its smaller "
            "copies, its artist, origin market and category, and its price in the display currency."
        ),
        response=GiftDetailSerializer,
        query=PricedQuery,
        example={
            **GIFT_CARD_EXAMPLE,
            "description": "Burnished by hand with a quartz stone, then fired in an open pit.",
            "story": "Barro negro has been made in San Bartolo Coyotepec since Zapotec times.",
            "category": {"slug": "bowls", "name": "Bowls", "parent": {"slug": "ceramics", "name": "Ceramics"}},
            "images": [GIFT_CARD_EXAMPLE["image"]],
            "dimensions": {"weight_grams": 900, "length_cm": "22.0", "width_cm": "22.0", "height_cm": "9.0"},
            "quote_url": "https://lagiftart.example/api/v1/gifts/river-light-bowl-rosa-mateo/quote/",
        },
        tags=["catalog"],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def build(self, request, *args, **kwargs):
        gift = _public_gift(kwargs["slug"])
        currency = self.currency
        rates = rate_table()
        selectors.with_display_prices([gift], currency=currency, rates=rates)
        context = {**self.get_serializer_context(), "images": selectors.gift_images(gift)}
        return Response(GiftDetailSerializer(gift, context=context).data)

    def activity(self, data):
        return EventName.GIFT_VIEWED, {
            "gift": data["slug"],
            "artist": data["artist"]["slug"],
            "origin_locale": data["origin"]["slug"],
        }


class GiftQuote(CachedPublicRead, GenericAPIView):
    queryset = Gift.objects.public()
    serializer_class = QuoteSerializer
    query_class = QuoteQuery
    lookup_field = "slug"

    @public_read_schema(
        summary="Quote shipping a gift",
        description=(
            "What sending this gift to a destination costs and how long it takes, priced exactly as checkout would "
            "price a cart holding it: shipping, the duties the giver pays at checkout when the route says so, and "
            "the total. When it cannot go there, `ships` is false and `reason` says why (still a 200: the question "
            "was a good one). Today each route has one carrier option; `options` is a list so more can come."
        ),
        response=QuoteSerializer,
        query=QuoteQuery,
        example={
            "gift": "river-light-bowl-rosa-mateo",
            "destination": {"country": "FR", "market": None, "label": "France"},
            "currency": "EUR",
            "gift_price": {"amount": "64.00", "currency": "EUR", "formatted": "€64.00"},
            "ships": True,
            "reason": None,
            "message": "",
            "options": [
                {
                    "price": {"amount": "21.60", "currency": "EUR", "formatted": "€21.60"},
                    "min_business_days": 6,
                    "max_business_days": 12,
                    "delivery_from": "2026-12-03",
                    "delivery_until": "2026-12-11",
                    "crosses_border": True,
                    "duties": {
                        "payer": "giver",
                        "estimate": {"amount": "12.80", "currency": "EUR", "formatted": "€12.80"},
                    },
                    "customs_note": "",
                    "total": {"amount": "98.40", "currency": "EUR", "formatted": "€98.40"},
                }
            ],
            "exchange_rate_date": "2026-11-23",
        },
        tags=["catalog"],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def build(self, request, *args, **kwargs):
        gift = _public_gift(kwargs["slug"])
        destination = self.query["destination"]
        return Response(quote_gift(gift, destination, currency=self.currency, rates=rate_table()))


class CategoryTree(CachedPublicRead, GenericAPIView):
    queryset = Category.objects.all()
    serializer_class = CategorySerializer
    pagination_class = None

    @public_read_schema(
        summary="List the categories",
        description=(
            "Every category as a tree two levels deep: top-level categories in display order, each with its "
            "subcategories. Filter gifts with `GET /api/v1/gifts/?category=<slug>`."
        ),
        response=CategorySerializer(many=True),
        # One category: the schema shows it inside the array the endpoint answers.
        example={
            "slug": "ceramics",
            "name": "Ceramics",
            "children": [{"slug": "bowls", "name": "Bowls"}, {"slug": "vases", "name": "Vases"}],
        },
        tags=["catalog"],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def build(self, request, *args, **kwargs):
        ordered = selectors.categories_for_filter()
        tops = [category for category in ordered if category.parent_id is None]
        for top in tops:
            top.subcategories = [category for category in ordered if category.parent_id == top.pk]
        return Response(CategorySerializer(tops, many=True).data)


urlpatterns = [
    path("gifts/", GiftList.as_view(), name="gift-list"),
    path("gifts/<slug:slug>/", GiftDetail.as_view(), name="gift-detail"),
    path("gifts/<slug:slug>/quote/", GiftQuote.as_view(), name="gift-quote"),
    path("categories/", CategoryTree.as_view(), name="category-list"),
]
