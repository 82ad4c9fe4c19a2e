"""Approved artists in the public API: /api/v1/artists/ and /api/v1/artists/<slug>/.

Thin views over artists.selectors, with language, caching and errors from locales.api. Only approved artists
exist here: one applying, in review, rejected or suspended is a 404, as on the storefront.
"""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, serializers
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.response import Response

from analytics.models import EventName
from artists.models import Artist
from artists.selectors import public_artist, public_artists
from locales.api import CachedPublicRead, MarketSummarySerializer, absolute, public_read_schema
from locales.selectors import market_for_page


class ArtistSummarySerializer(serializers.Serializer):
    """An artist named inside another resource, such as a gift."""

    slug = serializers.SlugField()
    display_name = serializers.CharField()
    craft = serializers.CharField()
    url = serializers.URLField(help_text="This artist in the API.")

    def to_representation(self, artist: Artist) -> dict:
        return {
            "slug": artist.slug,
            "display_name": artist.display_name,
            "craft": artist.craft or "",
            "url": absolute(self.context["request"], reverse("api:artist-detail", kwargs={"slug": artist.slug})),
        }


class ArtistSerializer(serializers.Serializer):
    """An approved artist: who they are, their craft and tradition, and the market they work in."""

    slug = serializers.SlugField()
    display_name = serializers.CharField()
    craft = serializers.CharField()
    tradition = serializers.CharField(allow_blank=True)
    portrait = serializers.URLField(allow_null=True)
    market = MarketSummarySerializer(help_text="The artist's home market; their gifts ship from there.")
    url = serializers.URLField(help_text="This artist in the API.")
    web_url = serializers.URLField(help_text="The artist's page on the storefront, in the response's language.")
    gifts_url = serializers.URLField(help_text="The artist's gifts in the API.")

    def to_representation(self, artist: Artist) -> dict:
        request = self.context["request"]
        return {
            "slug": artist.slug,
            "display_name": artist.display_name,
            "craft": artist.craft or "",
            "tradition": artist.tradition or "",
            "portrait": absolute(request, artist.portrait.url if artist.portrait else None),
            "market": MarketSummarySerializer(artist.home_locale, context=self.context).data,
            "url": absolute(request, reverse("api:artist-detail", kwargs={"slug": artist.slug})),
            "web_url": absolute(request, artist.get_absolute_url()),
            "gifts_url": absolute(request, f"{reverse('api:gift-list')}?artist={artist.slug}"),
        }


class ArtistDetailSerializer(ArtistSerializer):
    bio = serializers.CharField(allow_blank=True, help_text="The artist's story, in the response's language.")

    def to_representation(self, artist: Artist) -> dict:
        return {**super().to_representation(artist), "bio": artist.bio or ""}


class ArtistListQuery(serializers.Serializer):
    market = serializers.SlugField(
        required=False,
        max_length=60,
        help_text="Only artists who work in this launched market (its slug).",
    )

    def validate_market(self, slug):
        market = market_for_page(slug)
        if market is None:
            raise serializers.ValidationError(_("There is no market “%(slug)s”.") % {"slug": slug})
        return market


ARTIST_EXAMPLE = {
    "slug": "rosa-mateo",
    "display_name": "Rosa Mateo",
    "craft": "Black clay pottery",
    "tradition": "Barro negro of San Bartolo Coyotepec",
    "portrait": "https://storage.googleapis.com/lagiftart-media/artists/rosa-mateo.jpg",
    "market": {
        "slug": "oaxaca",
        "name": "Oaxaca",
        "country": "MX",
        "url": "https://lagiftart.example/api/v1/locales/oaxaca/",
    },
    "url": "https://lagiftart.example/api/v1/artists/rosa-mateo/",
    "web_url": "https://lagiftart.example/en/artists/rosa-mateo/",
    "gifts_url": "https://lagiftart.example/api/v1/gifts/?artist=rosa-mateo",
}


class ArtistList(CachedPublicRead, ListAPIView):
    queryset = Artist.objects.public()
    serializer_class = ArtistSerializer
    query_class = ArtistListQuery

    @public_read_schema(
        summary="List the approved artists",
        description="Approved artists by name, with their home market; `market` narrows them to one market.",
        response=ArtistSerializer,
        query=ArtistListQuery,
        example=ARTIST_EXAMPLE,
        tags=["catalog"],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def build(self, request, *args, **kwargs):
        artists = public_artists()
        if self.query.get("market") is not None:
            artists = artists.filter(home_locale=self.query["market"])
        page = self.paginate_queryset(artists)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class ArtistDetail(CachedPublicRead, GenericAPIView):
    queryset = Artist.objects.public()
    serializer_class = ArtistDetailSerializer
    lookup_field = "slug"

    @public_read_schema(
        summary="Read an artist",
        description="An approved artist with their story. Any other artist is a 404.",
        response=ArtistDetailSerializer,
        example={**ARTIST_EXAMPLE, "bio": "Rosa learned to burnish black clay from her grandmother."},
        tags=["catalog"],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def build(self, request, *args, **kwargs):
        artist = public_artist(kwargs["slug"])
        if artist is None:
            raise exceptions.NotFound(_("There is no artist “%(slug)s”.") % {"slug": kwargs["slug"]})
        return Response(self.get_serializer(artist).data)

    def activity(self, data):
        return EventName.ARTIST_VIEWED, {"artist": data["slug"], "origin_locale": data["market"]["slug"]}


urlpatterns = [
    path("artists/", ArtistList.as_view(), name="artist-list"),
    path("artists/<slug:slug>/", ArtistDetail.as_view(), name="artist-detail"),
]
