"""The API's markets, and what every public catalog endpoint shares: language, display currency and caching.

Languages, money and markets live in locales, so the pieces the artists' and gifts' endpoints reuse live here too:
`MoneySerializer` (a price as JSON), `PricedQuery` (the `?currency=` parameter), `KnownFields` (a body field an
endpoint does not take is a 400; the signed-in endpoints use it too), `public_read_schema` (what the schema says of
every public read) and `CachedPublicRead`, the base of every public, read-only catalog view:

- the language comes from `Accept-Language` alone (never a cookie), so a cached response can say `Vary:
  Accept-Language` and be right; the response carries `Content-Language`;
- each representation is built once per language and URL, then reused for STOREFRONT_CACHE_SECONDS like the
  storefront's own reads (a catalog change retires it), so a repeated or conditional request costs no query;
- its ETag is a digest of the bytes sent, the same on every instance, so `If-None-Match` answers 304 and
  `Cache-Control: public, max-age=60` lets clients and shared caches reuse it;
- the activity event an answer means (a gift viewed, a search) is cached with it and recorded on every 200 and 304.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotModified
from django.urls import path, reverse
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import parse_etags
from django.utils.translation import gettext_lazy as _
from django.utils.translation.trans_real import parse_accept_lang_header
from django_countries import countries
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from accounts.api_auth import PublicRead, record_activity
from analytics.models import EventName
from locales.compression import accepts_gzip, deflate_each, gzip_response
from locales.currency import DISPLAY_CURRENCIES, default_currency_for_language
from locales.models import Locale
from locales.money import Money, format_money
from locales.selectors import STOREFRONT_CACHE_SECONDS, launched_markets, market_for_page, remembered

CATALOG_SCOPE = "catalog:read"
"""The scope a partner key needs for every public catalog endpoint."""

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def language_from_header(request) -> str:
    """The first language of `Accept-Language` we speak (pt-BR → pt-br, de-CH → de), else the default.

    The storefront also reads a language cookie; the API does not, so its answers vary by this header alone.
    """
    for code, _quality in parse_accept_lang_header(request.META.get("HTTP_ACCEPT_LANGUAGE", "")):
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


def absolute(request, url: str | None) -> str | None:
    """`url` as an absolute URL for API clients (media on a bucket already is one)."""
    return request.build_absolute_uri(url) if url else None


class MoneySerializer(serializers.Serializer):
    """An amount of money: a decimal string rounded to the currency's minor units, its ISO code, and the amount
    written as a reader of the response's language expects ("1.234,50 €" in German)."""

    amount = serializers.CharField(help_text="Decimal, rounded to the currency's minor units (JPY none, EUR two).")
    currency = serializers.CharField(help_text="ISO 4217 code.")
    formatted = serializers.CharField(help_text="For display, in the response's language.")

    def to_representation(self, instance: Money) -> dict:
        rounded = instance.rounded()
        return {"amount": str(rounded.amount), "currency": rounded.currency, "formatted": format_money(rounded)}


class PricedQuery(serializers.Serializer):
    """`?currency=`: the currency prices are shown in (the response's language's usual one when absent)."""

    currency = serializers.ChoiceField(
        choices=DISPLAY_CURRENCIES,
        required=False,
        help_text=(
            "Show prices in this currency, converted at the latest exchange rate. Without it, the usual currency of "
            "the response's language: USD for English, EUR for French and German, JPY for Japanese, BRL for "
            "Brazilian Portuguese."
        ),
        error_messages={"invalid_choice": _("“{input}” is not a currency we show prices in.")},
    )


class KnownFields:
    """Mixed into a serializer that reads a request body: a field it does not take is a 400 naming it.

    DRF drops unknown fields silently, so a misspelt `preferred_langauge` would change nothing and answer 200; the
    query string is held to the same rule (lagiftart.rest.KnownQueryParameters). Read-only fields are not taken.
    """

    def to_internal_value(self, data):
        if not isinstance(data, Mapping) and self.parent is None:
            # A list, a string or a number where the body should be an object: named as the body, as null is.
            raise serializers.ValidationError({"body": [_("Send a JSON object with the fields this endpoint takes.")]})
        if isinstance(data, Mapping):
            accepted = sorted(name for name, field in self.fields.items() if not field.read_only)
            unknown = sorted(set(data) - set(accepted))
            if unknown:
                message = _("Unknown field. This accepts: %(fields)s.") % {"fields": ", ".join(accepted)}
                raise serializers.ValidationError({name: [message] for name in unknown})
        return super().to_internal_value(data)


def query_parameter_names(query_class: type[serializers.Serializer] | None) -> tuple[str, ...]:
    """The parameters a view accepts, read from the serializer that validates them (for KnownQueryParameters)."""
    return tuple(query_class().fields) if query_class else ()


IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="The ETag of a copy you hold: if it is still current the answer is 304 with no body.",
)
ACCEPT_LANGUAGE = OpenApiParameter(
    "Accept-Language",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=(
        "The language of translated fields, messages and formatted amounts: en, es, fr, de, ja or pt-br "
        "(regional variants such as fr-CA pick their language). English when none of them is asked for."
    ),
    examples=[OpenApiExample("French, else English", value="fr, en;q=0.8")],
)
CACHE_HEADERS = [
    OpenApiParameter(
        "ETag",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        response=[200, 304],
        description="Validator of this representation; send it back in If-None-Match.",
    ),
    OpenApiParameter(
        "Cache-Control",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        response=[200, 304],
        description=f"public, max-age={STOREFRONT_CACHE_SECONDS}",
    ),
    OpenApiParameter(
        "Content-Language",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        response=[200],
        description="The language the response is written in.",
    ),
]
NOT_MODIFIED = OpenApiResponse(description="Not modified: the copy named in If-None-Match is current. No body.")


def public_read_schema(*, summary: str, description: str, response, query=None, example=None, tags=None):
    """drf-spectacular's documentation of a public catalog read: its parameters, cache headers, 200 and 304.

    A list's `example` is one item (the schema wraps it in the page envelope). The problem responses (400, 401, 403,
    404, 406, 429) are added to every operation by the project's schema class.
    """
    access = (
        "\n\nPublic: no credentials needed. A partner key must hold the `catalog:read` scope. "
        "Cacheable: answers carry an ETag, and a conditional GET with If-None-Match answers 304."
    )
    examples = [OpenApiExample(summary, value=example, response_only=True, status_codes=["200"])] if example else None
    return extend_schema(
        summary=summary,
        description=description + access,
        parameters=[*([query] if query else []), ACCEPT_LANGUAGE, IF_NONE_MATCH, *CACHE_HEADERS],
        responses={200: response, 304: NOT_MODIFIED},
        examples=examples,
        tags=tags,
    )


class CachedPublicRead:
    """Mixed into a GenericAPIView: a public, cacheable GET of the catalog in the request's language.

    Subclasses set `queryset` (for the query-parameter check and the schema), `query_class` (a serializer for their
    query parameters) and implement `build()`, which returns the DRF Response to send; `get()` caches its JSON.
    A subclass whose answer is an activity event (docs/analytics.md) says which in `activity()`: it is worked out
    with the answer and cached beside it, and recorded on every 200 and 304 GET, cached or not, since each is a
    person looking.
    """

    permission_classes = [PublicRead]
    required_scope = CATALOG_SCOPE
    query_class: type[serializers.Serializer] | None = None
    cache_seconds = STOREFRONT_CACHE_SECONDS

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.query_parameters = query_parameter_names(cls.query_class)

    def initial(self, request, *args, **kwargs):
        # A write to a read-only endpoint is a 405 before credentials are even looked at (DRF would check
        # permissions first and answer 401 or 403, which tells a client nothing useful).
        if request.method not in SAFE_METHODS:
            raise exceptions.MethodNotAllowed(request.method)
        language = language_from_header(request)
        translation.activate(language)
        request._request.LANGUAGE_CODE = language
        super().initial(request, *args, **kwargs)

    @property
    def query(self) -> dict:
        """The validated query parameters; bad values are a 400 naming each parameter.

        Read as a plain dict, not a QueryDict: DRF treats `?origin=` in a QueryDict as a form's empty field and
        drops it, where the schema (a slug has at least one character) says it is bad input.
        """
        if not hasattr(self, "_query"):
            if self.query_class is None:
                self._query = {}
            else:
                params = self.request.query_params
                checked = self.query_class(data={name: params.get(name) for name in params})
                checked.is_valid(raise_exception=True)
                self._query = checked.validated_data
        return self._query

    @property
    def currency(self) -> str:
        return self.query.get("currency") or default_currency_for_language(translation.get_language())

    def activity(self, data) -> tuple[str, dict] | None:
        """The activity event this answer means (its name and `record_event` fields), from the built `data`; None
        when it means none. Called while building, so the fields must not depend on who asks."""
        return None

    def get(self, request, *args, **kwargs):
        language = translation.get_language()
        address = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()

        def representation() -> tuple[bytes, str, tuple[str, dict] | None]:
            self.filter_queryset(self.queryset.none())  # unknown query parameters: a 400 before any work
            data = self.build(request, *args, **kwargs).data
            body = JSONRenderer().render(data)
            activity = self.activity(data)
            if activity is not None:
                # The currency the answer shows prices in, not the one a cookie or profile would pick.
                activity = (activity[0], {"currency": self.currency, **activity[1]})
            return body, deflate_each([body])[0], f'"{hashlib.sha256(body).hexdigest()[:32]}"', activity

        body, deflated, etag, activity = remembered(f"api-read:{language}:{address}", representation)
        if _matches(request, etag):
            response = HttpResponseNotModified()
        elif accepts_gzip(request) and len(deflated) < len(body):  # compressed once, when cached (locales.compression)
            response = gzip_response([(body, deflated)], content_type="application/json")
            etag = "W/" + etag  # as GZipMiddleware says of any body it compresses (RFC 9110, 8.8.1)
        else:
            response = HttpResponse(body, "application/json")
        response["ETag"] = etag
        response["Content-Language"] = language
        patch_cache_control(response, public=True, max_age=self.cache_seconds)
        patch_vary_headers(response, ("Accept-Language",))
        if activity is not None and request.method == "GET":
            name, fields = activity
            record_activity(request, name, **fields)
        return response


def _matches(request, etag: str) -> bool:
    """Does If-None-Match name this ETag (weak comparison, as for any GET) or `*`?"""
    header = request.headers.get("If-None-Match", "")
    if not header:
        return False
    tags = parse_etags(header)
    return "*" in tags or etag in {tag.removeprefix("W/") for tag in tags}


class MarketSummarySerializer(serializers.Serializer):
    """A market named inside another resource: a gift's origin, an artist's home."""

    slug = serializers.SlugField()
    name = serializers.CharField()
    country = serializers.CharField(help_text="ISO 3166-1 alpha-2 code.")
    url = serializers.URLField(help_text="This market in the API.")

    def to_representation(self, market: Locale) -> dict:
        request = self.context["request"]
        return {
            "slug": market.slug,
            "name": market.name or market.slug,
            "country": market.country.code,
            "url": absolute(request, reverse("api:locale-detail", kwargs={"slug": market.slug})),
        }


class MarketSerializer(MarketSummarySerializer):
    """A launched market: where it is, and the language, currency and time zone it lives in."""

    country_name = serializers.CharField()
    subdivision = serializers.CharField(help_text="ISO 3166-2 code, empty for a whole country.", allow_blank=True)
    subdivision_name = serializers.CharField(allow_blank=True)
    city = serializers.CharField(allow_blank=True)
    default_language = serializers.CharField()
    currency = serializers.CharField(help_text="ISO 4217 code of the market's prices.")
    time_zone = serializers.CharField(help_text="IANA name.")
    hero_image = serializers.URLField(allow_null=True)
    web_url = serializers.URLField(help_text="The market's page on the storefront, in the response's language.")

    def to_representation(self, market: Locale) -> dict:
        request = self.context["request"]
        return {
            **super().to_representation(market),
            "country_name": str(countries.name(market.country.code)),
            "subdivision": market.subdivision,
            "subdivision_name": market.subdivision_name,
            "city": market.city,
            "default_language": market.default_language,
            "currency": market.currency,
            "time_zone": market.time_zone,
            "hero_image": absolute(request, market.hero_image.url if market.hero_image else None),
            "web_url": absolute(request, market.get_absolute_url()),
        }


class MarketDetailSerializer(MarketSerializer):
    introduction = serializers.CharField(allow_blank=True, help_text="The market's cultural introduction.")

    def to_representation(self, market: Locale) -> dict:
        return {**super().to_representation(market), "introduction": market.introduction or ""}


MARKET_EXAMPLE = {
    "slug": "oaxaca",
    "name": "Oaxaca",
    "country": "MX",
    "country_name": "Mexico",
    "subdivision": "MX-OAX",
    "subdivision_name": "Oaxaca",
    "city": "Oaxaca de Juárez",
    "default_language": "es",
    "currency": "MXN",
    "time_zone": "America/Mexico_City",
    "hero_image": "https://storage.googleapis.com/lagiftart-media/markets/oaxaca.jpg",
    "url": "https://lagiftart.example/api/v1/locales/oaxaca/",
    "web_url": "https://lagiftart.example/en/markets/oaxaca/",
}


class MarketList(CachedPublicRead, ListAPIView):
    queryset = Locale.objects.launched()
    serializer_class = MarketSerializer

    @public_read_schema(
        summary="List the launched markets",
        description=(
            "Markets open to buyers, in display order. Markets being prepared are not listed; "
            "`GET /api/v1/artists/?market=<slug>` lists a market's artists."
        ),
        response=MarketSerializer,
        example=MARKET_EXAMPLE,
        tags=["catalog"],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def build(self, request, *args, **kwargs):
        page = self.paginate_queryset(launched_markets())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class MarketDetail(CachedPublicRead, GenericAPIView):
    queryset = Locale.objects.launched()
    serializer_class = MarketDetailSerializer
    lookup_field = "slug"

    @public_read_schema(
        summary="Read a market",
        description="A launched market with its cultural introduction. A market being prepared is a 404.",
        response=MarketDetailSerializer,
        example={**MARKET_EXAMPLE, "introduction": "The valleys of Oaxaca have shaped clay and wool for centuries."},
        tags=["catalog"],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def build(self, request, *args, **kwargs):
        market = market_for_page(kwargs["slug"])
        if market is None:
            raise exceptions.NotFound(_("There is no market “%(slug)s”.") % {"slug": kwargs["slug"]})
        return Response(self.get_serializer(market).data)

    def activity(self, data):
        return EventName.MARKET_VIEWED, {"origin_locale": data["slug"]}


urlpatterns = [
    path("locales/", MarketList.as_view(), name="locale-list"),
    path("locales/<slug:slug>/", MarketDetail.as_view(), name="locale-detail"),
]
