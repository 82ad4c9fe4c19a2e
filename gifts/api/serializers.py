"""The catalog as JSON: gift cards for lists, a gift with its story and pictures, categories, shipping quotes.

Serializers here only shape what selectors already loaded (`to_representation` reads attributes, never queries):
a page of cards costs the queries of `gifts.selectors.catalog`, whatever its length. The declared fields are what
the OpenAPI schema publishes and schemathesis checks the answers against.
"""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from artists.api.catalog import ArtistSummarySerializer
from gifts.models import Category, Gift, GiftImage
from locales.api import MarketSummarySerializer, MoneySerializer, absolute
from locales.currency import DisplayPrice


def _api_url(request, name: str, slug: str) -> str:
    return absolute(request, reverse(name, kwargs={"slug": slug}))


class RenditionSerializer(serializers.Serializer):
    width = serializers.IntegerField(help_text="Pixels.")
    url = serializers.URLField()


class ImageSerializer(serializers.Serializer):
    """A picture of a gift: the original and smaller stored copies to pick from (as `srcset` does)."""

    url = serializers.URLField(help_text="The original picture.")
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    alt = serializers.CharField(help_text="Alternative text, in the response's language.")
    renditions = RenditionSerializer(many=True, help_text="Smaller copies, narrowest first.")

    def to_representation(self, image: GiftImage) -> dict:
        request = self.context["request"]
        widths = sorted(int(width) for width in (image.renditions or {}))
        return {
            "url": absolute(request, image.image.url),
            "width": image.width,
            "height": image.height,
            "alt": image.alt_text or "",
            "renditions": [{"width": width, "url": absolute(request, image.rendition_url(width))} for width in widths],
        }


class CategorySummarySerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()

    def to_representation(self, category: Category) -> dict:
        return {"slug": category.slug, "name": category.name or category.slug}


class CategorySerializer(CategorySummarySerializer):
    """A top-level category and its subcategories (the catalog is two levels deep)."""

    children = CategorySummarySerializer(many=True)

    def to_representation(self, category: Category) -> dict:
        summary = CategorySummarySerializer().to_representation
        children = getattr(category, "subcategories", [])
        return {**summary(category), "children": [summary(child) for child in children]}


class GiftCategorySerializer(CategorySummarySerializer):
    parent = CategorySummarySerializer(allow_null=True, help_text="The top-level category, if this is a subcategory.")

    def to_representation(self, category: Category) -> dict:
        summary = CategorySummarySerializer().to_representation
        parent = category.parent if category.parent_id else None
        return {**summary(category), "parent": summary(parent) if parent else None}


def _prices(price: DisplayPrice) -> dict:
    return {
        "price": MoneySerializer(price.shown).data,
        "original_price": MoneySerializer(price.original).data,
        "exchange_rate_date": price.rate_date.isoformat() if price.is_converted and price.rate_date else None,
    }


class GiftCardSerializer(serializers.Serializer):
    """A gift as a list shows it: title, price in the asked currency, artist, origin, category and cover picture."""

    slug = serializers.SlugField()
    title = serializers.CharField(help_text="In the response's language (English when not translated).")
    price = MoneySerializer(help_text="In the asked currency when a rate converts it, else the artist's own.")
    original_price = MoneySerializer(help_text="As the artist set it, in their market's currency.")
    exchange_rate_date = serializers.DateField(
        allow_null=True, help_text="The date of the exchange rate behind `price`; null when it was not converted."
    )
    in_stock = serializers.BooleanField()
    artist = ArtistSummarySerializer()
    origin = MarketSummarySerializer(help_text="The market the gift ships from: its artist's home.")
    category = CategorySummarySerializer()
    image = ImageSerializer(allow_null=True, help_text="The cover picture.")
    published_at = serializers.DateTimeField()
    url = serializers.URLField(help_text="This gift in the API.")
    web_url = serializers.URLField(help_text="The gift's page on the storefront, in the response's language.")

    def to_representation(self, gift: Gift) -> dict:
        request = self.context["request"]
        covers = getattr(gift, "cover_images", None)
        cover = covers[0] if covers else None
        return {
            "slug": gift.slug,
            "title": gift.title or gift.slug,
            **_prices(gift.display_price),
            "in_stock": gift.in_stock,
            "artist": ArtistSummarySerializer(gift.artist, context=self.context).data,
            "origin": MarketSummarySerializer(gift.artist.home_locale, context=self.context).data,
            "category": CategorySummarySerializer(gift.category).data,
            "image": ImageSerializer(cover, context=self.context).data if cover else None,
            "published_at": serializers.DateTimeField().to_representation(gift.published_at),
            "url": _api_url(request, "api:gift-detail", gift.slug),
            "web_url": absolute(request, gift.get_absolute_url()),
        }


class DimensionsSerializer(serializers.Serializer):
    weight_grams = serializers.IntegerField()
    length_cm = serializers.CharField(help_text="Decimal.")
    width_cm = serializers.CharField(help_text="Decimal.")
    height_cm = serializers.CharField(help_text="Decimal.")


class GiftDetailSerializer(GiftCardSerializer):
    """A gift with its description, the cultural story behind it, every picture and its parcel size."""

    description = serializers.CharField(allow_blank=True)
    story = serializers.CharField(allow_blank=True, help_text="The cultural story behind the piece.")
    category = GiftCategorySerializer()
    images = ImageSerializer(many=True, help_text="Every picture, in display order.")
    dimensions = DimensionsSerializer()
    quote_url = serializers.URLField(help_text="Where to ask what sending it costs (add ?destination=).")

    def to_representation(self, gift: Gift) -> dict:
        request = self.context["request"]
        images = self.context["images"]
        gift.cover_images = images[:1]
        return {
            **super().to_representation(gift),
            "description": gift.description or "",
            "story": gift.story or "",
            "category": GiftCategorySerializer(gift.category).data,
            "images": [ImageSerializer(image, context=self.context).data for image in images],
            "dimensions": {
                "weight_grams": gift.weight_grams,
                "length_cm": str(gift.length_cm),
                "width_cm": str(gift.width_cm),
                "height_cm": str(gift.height_cm),
            },
            "quote_url": _api_url(request, "api:gift-quote", gift.slug),
        }


class DestinationSerializer(serializers.Serializer):
    country = serializers.CharField(help_text="ISO 3166-1 alpha-2 code.")
    market = serializers.SlugField(
        allow_null=True, help_text="The launched market inside the country, if one was asked."
    )
    label = serializers.CharField(help_text="The place, in the response's language.")


class DutiesSerializer(serializers.Serializer):
    payer = serializers.ChoiceField(
        choices=["giver", "recipient"],
        allow_null=True,
        help_text=(
            "Who pays import duties and taxes: the giver, an estimate charged at checkout; the recipient, on delivery. "
            "Null when the parcel crosses no border."
        ),
    )
    estimate = MoneySerializer(
        allow_null=True, help_text="What checkout adds for duties when the giver pays; null otherwise."
    )


class ShippingOptionSerializer(serializers.Serializer):
    price = MoneySerializer(help_text="Shipping, in the asked currency.")
    min_business_days = serializers.IntegerField()
    max_business_days = serializers.IntegerField()
    delivery_from = serializers.DateField(help_text="Earliest likely delivery if the parcel leaves today.")
    delivery_until = serializers.DateField(help_text="Latest likely delivery if the parcel leaves today.")
    crosses_border = serializers.BooleanField()
    duties = DutiesSerializer()
    customs_note = serializers.CharField(allow_blank=True, help_text="What customs on this route ask for, if anything.")
    total = MoneySerializer(help_text="The gift, shipping and any duties the giver pays: what checkout would charge.")


class QuoteSerializer(serializers.Serializer):
    """What sending a gift to a destination costs and how long it takes, or why it cannot go there."""

    gift = serializers.SlugField()
    destination = DestinationSerializer()
    currency = serializers.CharField(help_text="ISO 4217 code of every amount in the quote.")
    gift_price = MoneySerializer(allow_null=True, help_text="The gift itself; null when it cannot be sent or priced.")
    ships = serializers.BooleanField(help_text="Whether the gift can be sent there today.")
    reason = serializers.ChoiceField(
        choices=["no_lane", "paused", "restricted", "unpriced"],
        allow_null=True,
        help_text=(
            "Why it cannot: no_lane (we do not ship there from the gift's market), paused (shipping on the route is "
            "paused), restricted (customs or carriers refuse the category), unpriced (no exchange rate or duty rule "
            "prices it yet). Null when it ships."
        ),
    )
    message = serializers.CharField(allow_blank=True, help_text="Why it cannot, for people; empty when it ships.")
    options = ShippingOptionSerializer(many=True)
    exchange_rate_date = serializers.DateField(
        allow_null=True, help_text="The oldest exchange rate the quote used; null when nothing was converted."
    )
