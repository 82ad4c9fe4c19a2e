"""Reads for the storefront catalog, each shaped for its page so templates never trigger a query."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import get_language

from artists.models import Artist
from gifts.models import Category, Gift, GiftImage
from gifts.search import language_field, search_gifts
from locales.currency import display_price
from locales.models import Locale, ShippingLane
from locales.money import Money, RateTable, smallest_unit
from locales.selectors import Destination, forget_storefront_on_change, lanes_to, remembered

forget_storefront_on_change(Artist, Category, Gift, GiftImage)

CARD_HEAVY_FIELDS = ("description", "story")
"""Translated long texts a gift card never shows: left out of list queries in every language."""


class GiftSort:
    """The orders a buyer can browse in; `relevance` only means something while searching."""

    RELEVANCE = "relevance"
    NEWEST = "newest"
    PRICE_LOW = "price_low"
    PRICE_HIGH = "price_high"
    POPULAR = "popular"


@dataclass(frozen=True)
class CatalogQuery:
    """What a buyer asked the catalog for, already validated (see gifts.forms.CatalogFilterForm)."""

    text: str = ""
    origin: Locale | None = None
    category: Category | None = None
    artist: Artist | None = None
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    destination: Destination | None = None
    sort: str = GiftSort.NEWEST


def _deferred_translations() -> list[str]:
    from django.conf import settings

    return [language_field(name, code) for name in CARD_HEAVY_FIELDS for code, _label in settings.LANGUAGES]


def cover_image_prefetch() -> Prefetch:
    """The first image of each gift only: one query for a whole page of cards."""
    return Prefetch("images", queryset=GiftImage.objects.order_by("position", "id")[:1], to_attr="cover_images")


def public_gift_cards() -> QuerySet[Gift]:
    """Public gifts with everything a gift card shows: artist, market, category and the cover image."""
    return (
        Gift.objects.public()
        .select_related("artist__home_locale", "category")
        .defer(*_deferred_translations())
        .prefetch_related(cover_image_prefetch())
    )


def display_amount(currency: str, rates: RateTable) -> Case:
    """A SQL expression for each gift's price in `currency` (NULL where no rate converts it)."""
    whens = [When(currency=currency, then=F("price"))]
    for source in sorted(rates.currencies() - {currency}):
        found = rates.rate(source, currency)
        if found is not None:
            whens.append(
                When(
                    currency=source,
                    then=ExpressionWrapper(
                        F("price") * Value(found[0].quantize(Decimal("1e-10"))),
                        output_field=DecimalField(max_digits=30, decimal_places=10),
                    ),
                )
            )
    return Case(*whens, default=None, output_field=DecimalField(max_digits=30, decimal_places=10))


def ships_to(destination: Destination) -> Exists:
    """Gifts with an active lane from their artist's market to the destination that may carry their category."""
    restricted = Category.restricted_lanes.through.objects.filter(shippinglane_id=OuterRef("pk")).filter(
        Q(category_id=OuterRef(OuterRef("category_id"))) | Q(category_id=OuterRef(OuterRef("category__parent_id")))
    )
    lanes = ShippingLane.objects.filter(
        lanes_to(destination), active=True, origin_id=OuterRef("artist__home_locale_id")
    ).filter(~Exists(restricted))
    return Exists(lanes)


def catalog(query: CatalogQuery, *, currency: str, rates: RateTable) -> QuerySet[Gift]:
    """The browse page's gifts for a buyer reading prices in `currency`: filtered, searched and sorted."""
    language = get_language() or "en"
    gifts = public_gift_cards()
    if query.origin is not None:
        gifts = gifts.filter(artist__home_locale=query.origin)
    if query.category is not None:
        gifts = gifts.filter(Q(category=query.category) | Q(category__parent=query.category))
    if query.artist is not None:
        gifts = gifts.filter(artist=query.artist)
    if query.destination is not None:
        gifts = gifts.filter(ships_to(query.destination))
    needs_amount = (
        query.min_price is not None
        or query.max_price is not None
        or query.sort
        in {
            GiftSort.PRICE_LOW,
            GiftSort.PRICE_HIGH,
        }
    )
    if needs_amount:
        gifts = gifts.annotate(display_amount=display_amount(currency, rates))
        # Compare with what the buyer reads: a price shown as 50.00 is within "at most 50" even if it was 50.004.
        half = smallest_unit(currency) / 2
        if query.min_price is not None:
            gifts = gifts.filter(display_amount__gte=query.min_price - half)
        if query.max_price is not None:
            gifts = gifts.filter(display_amount__lt=query.max_price + half)
    ranked = False
    if query.text:
        gifts, ranked = search_gifts(gifts, query.text, language)
    return gifts.order_by(*_ordering(query.sort, ranked))


def _ordering(sort: str, ranked: bool) -> list:
    if sort == GiftSort.PRICE_LOW:
        return [F("display_amount").asc(nulls_last=True), "-id"]
    if sort == GiftSort.PRICE_HIGH:
        return [F("display_amount").desc(nulls_last=True), "-id"]
    if sort == GiftSort.POPULAR:
        return ["-popularity", "-published_at", "-id"]
    if sort == GiftSort.RELEVANCE and ranked:
        return ["-search_rank", "-published_at", "-id"]
    return ["-published_at", "-id"]


def with_display_prices(gifts, *, currency: str, rates: RateTable):
    """Attach `display_price` to each gift: the buyer's currency beside the artist's own price."""
    gifts = list(gifts)
    for gift in gifts:
        gift.display_price = display_price(Money(gift.price, gift.currency), currency, rates)
    return gifts


def featured_gifts(limit: int = 8) -> list[Gift]:
    """Pieces for the home page: featured ones first, then the most given, so the shelf is never empty (cached)."""
    return remembered(
        f"featured-{limit}",
        lambda: list(public_gift_cards().order_by("-featured", "-popularity", "-published_at", "-id")[:limit]),
    )


def public_gift(slug: str) -> Gift | None:
    """A public gift with its artist, market and category (one query, cached); its images come from `gift_images`.

    Cached like the rest of the storefront: unpublishing the gift or suspending its artist retires the entry.
    """
    return remembered(
        f"gift:{slug}",
        lambda: (
            Gift.objects.public().select_related("artist__home_locale", "category__parent").filter(slug=slug).first()
        ),
    )


def gift_images(gift: Gift) -> list[GiftImage]:
    """Every image of a gift in display order (one query), read apart so a cached gift page need not read them."""
    return list(gift.images.order_by("position", "id"))


def more_by_artist(gift: Gift, limit: int = 4) -> list[Gift]:
    """Other public pieces by the same artist, newest first."""
    return list(
        public_gift_cards().filter(artist_id=gift.artist_id).exclude(pk=gift.pk).order_by(*_ordering("", False))[:limit]
    )


def gifts_by_artist(artist: Artist) -> QuerySet[Gift]:
    return public_gift_cards().filter(artist=artist).order_by(*_ordering("", False))


def gifts_from_market(market: Locale, limit: int = 12) -> list[Gift]:
    return list(public_gift_cards().filter(artist__home_locale=market).order_by(*_ordering("", False))[:limit])


def categories_for_filter() -> list[Category]:
    """Every category, parents before their children, for the browse filter (one query, cached)."""
    return remembered("filter-categories", _categories_in_order)


def _categories_in_order() -> list[Category]:
    categories = list(Category.objects.select_related("parent").order_by("position", "slug"))
    parents = [category for category in categories if category.parent_id is None]
    ordered = []
    for parent in parents:
        ordered.append(parent)
        ordered.extend(child for child in categories if child.parent_id == parent.pk)
    return ordered


def artists_for_filter() -> list[Artist]:
    """Approved artists by name with their market, for the browse filter (one query, cached)."""
    from artists.selectors import public_artists

    return remembered("filter-artists", lambda: list(public_artists()))


def destination_countries() -> list[str]:
    """ISO codes of the countries an active lane reaches, for "ships to" pickers (one query, cached)."""
    return remembered(
        "lane-countries",
        lambda: sorted(
            set(ShippingLane.objects.active().values_list("destination_country", flat=True).order_by().distinct())
        ),
    )


def markets_with_artist_counts(markets_queryset=None) -> list[Locale]:
    """Launched markets, each with `artist_count`: how many approved artists work there (one query).

    The launched markets' list is cached; a narrower `markets_queryset` is read fresh.
    """
    from artists.models import ArtistStatus

    def annotated(queryset):
        return list(queryset.annotate(artist_count=Count("artists", filter=Q(artists__status=ArtistStatus.APPROVED))))

    if markets_queryset is not None:
        return annotated(markets_queryset)
    return remembered("markets-with-artist-counts", lambda: annotated(Locale.objects.launched()))


@dataclass(frozen=True)
class ShippingAnswer:
    """Whether and how a gift reaches a destination: the lane and its cost, or the reason it cannot go."""

    destination: Destination
    lane: ShippingLane | None = None
    reason: str = ""
    delivery_from: date | None = None
    delivery_until: date | None = None

    @property
    def ships(self) -> bool:
        return self.lane is not None and not self.reason


class ShippingRefusal:
    """Why a gift does not ship to a destination, worded for the buyer on the gift page."""

    NO_LANE = "no_lane"
    PAUSED = "paused"
    RESTRICTED = "restricted"


def shipping_for(gift: Gift, destination: Destination) -> ShippingAnswer:
    """How `gift` reaches `destination` from its artist's market (one query): the market's own lane first."""
    category_ids = [gift.category_id]
    if gift.category.parent_id:
        category_ids.append(gift.category.parent_id)
    restricted = Category.restricted_lanes.through.objects.filter(
        shippinglane_id=OuterRef("pk"), category_id__in=category_ids
    )
    lanes = list(
        ShippingLane.objects.filter(lanes_to(destination), origin_id=gift.artist.home_locale_id).annotate(
            carries_category=~Exists(restricted)
        )
    )
    lanes.sort(key=lambda lane: lane.destination_locale_id is None)
    for lane in lanes:
        if lane.active and lane.carries_category:
            # The parcel leaves today as the artist's market counts days, not as the server does.
            today = timezone.localdate(timezone=zoneinfo.ZoneInfo(gift.artist.home_locale.time_zone))
            earliest, latest = lane.delivery_window(today)
            return ShippingAnswer(destination=destination, lane=lane, delivery_from=earliest, delivery_until=latest)
    if any(lane.active for lane in lanes):
        blocked = next(lane for lane in lanes if lane.active)
        return ShippingAnswer(destination=destination, lane=blocked, reason=ShippingRefusal.RESTRICTED)
    if lanes:
        return ShippingAnswer(destination=destination, lane=lanes[0], reason=ShippingRefusal.PAUSED)
    return ShippingAnswer(destination=destination, reason=ShippingRefusal.NO_LANE)
