"""An artist's studio over the API: their own pieces and the orders holding them, read-only (docs/api.md).

Approved artists only (gifts/studio.py says who that is and what an order shows them, and why); anyone else signed
in gets a 403, and no partner key reaches the studio. The module lives in gifts, not artists: it reads gifts and
orders, and artists may not import gifts (dependencies flow locales ← artists ← gifts).
"""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import BasePermission
from rest_framework.settings import api_settings

from gifts import studio
from gifts.models import Gift, Order, OrderStatus
from locales.api import MoneySerializer


def studio_schema(*, description: str = "", **kwargs):
    """`extend_schema` with who may call the studio: an approved artist, signed in; never a partner key."""
    access = (
        "An approved artist, signed in (a browser session or an app's `X-Session-Token`); anyone else is a 403. "
        "No partner key opens it."
    )
    return extend_schema(description=f"{description}\n\n{access}".strip(), **kwargs)


class ApprovedArtist(BasePermission):
    """The caller speaks for at least one approved artist; the artists are kept on the view for its queryset."""

    message = gettext_lazy("This part of the API is for LaGiftArt's approved artists.")

    def has_permission(self, request, view):
        view.artists = studio.artists_of(request.user)
        return bool(view.artists)


class StudioGiftSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()
    artist = serializers.SlugField(source="artist.slug")
    category = serializers.SlugField(source="category.slug")
    price = MoneySerializer(source="price_money", help_text="In the artist's currency.")
    stock = serializers.IntegerField()
    published = serializers.BooleanField()
    published_at = serializers.DateTimeField(allow_null=True)
    given = serializers.IntegerField(source="popularity", help_text="How many of this piece have been given.")
    updated_at = serializers.DateTimeField()


class StudioLineSerializer(serializers.Serializer):
    gift = serializers.SlugField(source="gift.slug")
    title = serializers.CharField()
    quantity = serializers.IntegerField()
    unit = MoneySerializer(source="unit_money", help_text="The artist's price when the order was placed.")
    shipment = serializers.IntegerField(source="shipment_id")


class StudioShipmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    origin = serializers.SlugField(source="origin.slug")
    destination = serializers.CharField(source="lane.destination_label", help_text="The lane's destination.")
    min_days = serializers.IntegerField(help_text="Business days the lane takes, at least.")
    max_days = serializers.IntegerField(help_text="Business days the lane takes, at most.")
    estimated_from = serializers.DateField()
    estimated_until = serializers.DateField()
    crosses_border = serializers.BooleanField()
    hs_code = serializers.CharField()
    marked_as_gift = serializers.BooleanField()
    shipped_at = serializers.DateTimeField(allow_null=True)


class StudioOrderSerializer(serializers.Serializer):
    """What the artist needs to make and have ready their pieces: no giver, recipient, message or payment."""

    id = serializers.IntegerField(help_text="The order number, as LaGiftArt's staff know it.")
    placed_at = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=OrderStatus.choices)
    destination_country = serializers.CharField(source="recipient_country.code")
    destination_market = serializers.SlugField(source="destination_locale.slug", allow_null=True, default=None)
    lines = StudioLineSerializer(many=True, source="artist_lines", help_text="Your pieces in this order only.")
    shipments = StudioShipmentSerializer(many=True, source="artist_shipments")


class StudioView(generics.ListAPIView):
    required_scope = None  # personal: no partner key opens an artist's studio
    permission_classes = [*api_settings.DEFAULT_PERMISSION_CLASSES, ApprovedArtist]
    artists: list = []


class StudioGiftList(StudioView):
    """Your pieces, published or not, newest first."""

    serializer_class = StudioGiftSerializer
    queryset = Gift.objects.none()

    def get_queryset(self):
        return studio.studio_gifts(self.artists)

    @studio_schema(
        summary="Your pieces (artists)",
        description="Published or not, newest first.",
        examples=[
            OpenApiExample(
                "A scarf on sale",
                value={
                    "slug": "silk-scarf",
                    "title": "River Light silk scarf",
                    "artist": "claire",
                    "category": "weaving",
                    "price": {"amount": "90.00", "currency": "EUR", "formatted": "€90.00"},
                    "stock": 3,
                    "published": True,
                    "published_at": "2026-11-02T15:04:05Z",
                    "given": 12,
                    "updated_at": "2026-11-20T09:12:00Z",
                },
                response_only=True,
                status_codes=["200"],
            )
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class StudioOrderList(StudioView):
    """Orders holding your pieces, newest first, cancelled ones included so you can stop making them."""

    serializer_class = StudioOrderSerializer
    queryset = Order.objects.none()

    def get_queryset(self):
        return studio.studio_orders(self.artists)

    @studio_schema(
        summary="Orders holding your pieces (artists)",
        description=(
            "Newest first, cancelled ones included. Only what making and readying your pieces needs: your lines, "
            "the destination and the parcels carrying them; never the giver, the recipient, the message or the "
            "price paid."
        ),
        examples=[
            OpenApiExample(
                "A scarf going to Lyon",
                value={
                    "id": 1042,
                    "placed_at": "2026-11-20T14:03:00Z",
                    "status": "paid",
                    "destination_country": "FR",
                    "destination_market": "lyon",
                    "lines": [
                        {
                            "gift": "silk-scarf",
                            "title": "River Light silk scarf",
                            "quantity": 1,
                            "unit": {"amount": "90.00", "currency": "EUR", "formatted": "€90.00"},
                            "shipment": 77,
                        }
                    ],
                    "shipments": [
                        {
                            "id": 77,
                            "origin": "lyon",
                            "destination": "France",
                            "min_days": 2,
                            "max_days": 5,
                            "estimated_from": "2026-11-24",
                            "estimated_until": "2026-11-27",
                            "crosses_border": False,
                            "hs_code": "621410",
                            "marked_as_gift": True,
                            "shipped_at": None,
                        }
                    ],
                },
                response_only=True,
                status_codes=["200"],
            )
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


urlpatterns = [
    path("studio/gifts/", StudioGiftList.as_view(), name="studio_gifts"),
    path("studio/orders/", StudioOrderList.as_view(), name="studio_orders"),
]
