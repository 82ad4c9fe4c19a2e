"""Storefront pages. Each view reads its input, calls selectors, and renders; the rules live in selectors."""

from functools import cache

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from analytics.events import EventName, record_event
from artists.selectors import public_artist, public_artists
from gifts import selectors
from gifts.forms import CatalogFilterForm, DestinationForm, SendPickerForm
from gifts.page_cache import render_storefront_page
from locales.currency import display_currency, display_price
from locales.selectors import (
    STOREFRONT_CACHE_SECONDS,
    default_destination,
    launched_markets,
    market_for_page,
    rate_table,
    resolve_destination,
    storefront_version,
)

PAGE_SIZE = 24


def _prices(request):
    """The buyer's display currency and today's rates, shared by every page that shows a price.

    The rates are read only when a price is worked out, which a page served from the storefront cache never does.
    """
    return display_currency(request), SimpleLazyObject(rate_table)


def _when_rendered(build):
    """A value read only if the template renders it: inside `{% cache %}`, only when the fragment is missing."""
    return SimpleLazyObject(build)


def _fragment(request, currency: str) -> dict:
    """What a page's cached fragment varies on: language, display currency, the page with its query, and the
    storefront's version (any catalog change). Nothing about the visitor: fragments never hold per-user content."""
    return {
        "fragment_seconds": STOREFRONT_CACHE_SECONDS,
        "fragment_key": f"{get_language()}|{currency}|{request.get_full_path()}|{storefront_version()}",
    }


@require_safe
def home(request):
    """The home page: featured pieces, the "send from … to …" picker and the launched markets."""
    currency, rates = _prices(request)
    markets = _when_rendered(selectors.markets_with_artist_counts)
    return render_storefront_page(
        request,
        "gifts/home.html",
        {
            "featured": _when_rendered(
                lambda: selectors.with_display_prices(selectors.featured_gifts(), currency=currency, rates=rates)
            ),
            "markets": markets,
            "picker": _when_rendered(
                lambda: SendPickerForm(markets=markets, country_codes=selectors.destination_countries())
            ),
            **_fragment(request, currency),
        },
    )


@require_safe
def gift_list(request):
    """Browse and search the catalog; anything unreadable in the request is left out with a notice."""
    currency, rates = _prices(request)

    def read_request():
        form = CatalogFilterForm(
            request.GET,
            markets=launched_markets(),
            categories=selectors.categories_for_filter(),
            artists=selectors.artists_for_filter(),
            country_codes=selectors.destination_countries(),
        )
        query, notices = form.catalog_query()
        return form, query, notices

    asked = _when_rendered(read_request)

    def catalog_page():
        gifts = selectors.catalog(asked[1], currency=currency, rates=rates)
        page = Paginator(gifts, PAGE_SIZE).get_page(request.GET.get("page"))
        page.object_list = selectors.with_display_prices(page.object_list, currency=currency, rates=rates)
        return page

    page = _when_rendered(catalog_page)
    if request.GET.get("q", "").strip():
        record_event(request, EventName.CATALOG_SEARCHED, result_count=lambda: page.paginator.count)
    params = request.GET.copy()
    params.pop("page", None)
    return render_storefront_page(
        request,
        "gifts/gift_list.html",
        {
            "form": _when_rendered(lambda: asked[0]),
            "query": _when_rendered(lambda: asked[1]),
            "notices": _when_rendered(lambda: asked[2]),
            "page": page,
            "currency": currency,
            "query_string": params.urlencode(),
            **_fragment(request, currency),
        },
    )


@require_safe
def gift_detail(request, slug):
    """A gift: images, price in the buyer's currency beside the artist's, the story, and shipping to a destination."""
    gift = selectors.public_gift(slug)
    if gift is None:
        raise Http404("No such gift")
    currency, rates = _prices(request)
    requested = request.GET.get("ships_to", "")

    @cache
    def destination():
        markets = launched_markets()
        return resolve_destination(requested, markets) or default_destination(markets, get_language())

    def shipping_price():
        shipping = page_shipping
        return display_price(shipping.lane.cost, currency, rates) if shipping and shipping.ships else None

    page_shipping = _when_rendered(lambda: selectors.shipping_for(gift, destination()) if destination() else None)
    # Priced only if the page is rendered afresh (stock and the cart form read the gift alone).
    gift.display_price = _when_rendered(
        lambda: selectors.with_display_prices([gift], currency=currency, rates=rates)[0].display_price
    )
    record_event(request, EventName.GIFT_VIEWED, gift=gift, destination_country=lambda: destination() or "")
    return render_storefront_page(
        request,
        "gifts/gift_detail.html",
        {
            "gift": gift,
            "images": _when_rendered(lambda: selectors.gift_images(gift)),
            "shipping": page_shipping,
            "shipping_price": _when_rendered(shipping_price),
            "destination_unknown": _when_rendered(
                lambda: bool(requested) and (destination() is None or destination().value != requested)
            ),
            "destination_form": _when_rendered(
                lambda: DestinationForm(
                    markets=launched_markets(), country_codes=selectors.destination_countries(), current=destination()
                )
            ),
            "more_by_artist": _when_rendered(
                lambda: selectors.with_display_prices(selectors.more_by_artist(gift), currency=currency, rates=rates)
            ),
            **_fragment(request, currency),
        },
        # The stock line and the add-to-cart form show the gift as read for this request (cached like the rest of
        # the storefront), so a sale that changes the stock is a different page, not a stale one.
        varies_on=(gift.stock,),
    )


@require_safe
def artist_list(request):
    """Every approved artist, grouped by their home market."""
    return render(request, "gifts/artist_list.html", {"artists": list(public_artists())})


@require_safe
def artist_detail(request, slug):
    """An artist: who they are, the tradition they work in, and their pieces."""
    artist = public_artist(slug)
    if artist is None:
        raise Http404("No such artist")
    record_event(request, EventName.ARTIST_VIEWED, artist=artist)
    currency, rates = _prices(request)
    page = Paginator(selectors.gifts_by_artist(artist), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.with_display_prices(page.object_list, currency=currency, rates=rates)
    return render(request, "gifts/artist_detail.html", {"artist": artist, "page": page})


@require_safe
def market_list(request):
    """The launched markets, with how many artists work in each."""
    return render(request, "gifts/market_list.html", {"markets": selectors.markets_with_artist_counts()})


@require_safe
def market_detail(request, slug):
    """A market: its cultural introduction, its artists and its newest pieces."""
    market = market_for_page(slug)
    if market is None:
        raise Http404("No such market")
    record_event(request, EventName.MARKET_VIEWED, origin_locale=market)
    currency, rates = _prices(request)
    return render_storefront_page(
        request,
        "gifts/market_detail.html",
        {
            "market": market,
            "artists": _when_rendered(lambda: list(public_artists().filter(home_locale=market))),
            "gifts": _when_rendered(
                lambda: selectors.with_display_prices(
                    selectors.gifts_from_market(market), currency=currency, rates=rates
                )
            ),
            **_fragment(request, currency),
        },
    )
