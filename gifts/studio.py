"""Reads for an artist's studio: who is an artist, their pieces, and the orders that hold their pieces.

An account is an artist's when the artist's "Become an artist" application came from an email address the account
has verified (allauth's EmailAddress): the curators approved that address's application, and allauth proved the
account holds the address. Only approved artists have a studio; suspended, rejected or pending ones do not.

What an artist reads of an order is what they need to make their pieces and have them ready: their own lines, the
destination country and market, and each parcel's lane, delivery window and customs marks. LaGiftArt ships: staff
mark parcels shipped in the back office and print the label and the message card, so the artist never sees the
recipient's name, address, phone or message, nor who gave the gift, what they paid or how, nor other artists'
pieces in the same order (a parcel's declared value includes them, so it is left out too).
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from artists.models import Artist, ArtistStatus
from gifts.models import Gift, Order, OrderLine, Shipment


def artists_of(user) -> list[Artist]:
    """The approved artists this account speaks for (usually one), in one query; empty for anyone else."""
    if not user.is_authenticated:
        return []
    verified = EmailAddress.objects.filter(user_id=user.pk, verified=True, email__iexact=OuterRef("application__email"))
    return list(
        Artist.objects.filter(status=ArtistStatus.APPROVED).filter(Exists(verified)).select_related("home_locale")
    )


def studio_gifts(artists: list[Artist]) -> QuerySet[Gift]:
    """The artists' pieces, published or not, newest first, with their category."""
    return Gift.objects.filter(artist__in=artists).select_related("category", "artist").order_by("-created_at", "-id")


def studio_orders(artists: list[Artist]) -> QuerySet[Order]:
    """Orders holding at least one of the artists' pieces, newest first, each with only those pieces
    (`artist_lines`) and the parcels that carry them (`artist_shipments`): three queries for any number."""
    lines = OrderLine.objects.filter(gift__artist__in=artists)
    return (
        Order.objects.filter(Exists(lines.filter(order_id=OuterRef("pk"))))
        .select_related("destination_locale")
        .prefetch_related(
            Prefetch("lines", queryset=lines.select_related("gift").order_by("id"), to_attr="artist_lines"),
            Prefetch(
                "shipments",
                queryset=Shipment.objects.filter(Exists(lines.filter(shipment_id=OuterRef("pk"))))
                .select_related("origin", "lane__destination_locale")
                .order_by("id"),
                to_attr="artist_shipments",
            ),
        )
        .order_by("-placed_at", "-id")
    )
