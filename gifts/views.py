"""Storefront pages. Each view reads its input, calls selectors, and renders; the rules live in selectors."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from artists.selectors import public_artist, public_artists
from gifts import selectors
from gifts.forms import CatalogFilterForm, DestinationForm, SendPickerForm
from locales.currency import display_currency, display_price
from locales.selectors import default_destination, launched_markets, market_for_page, rate_table, resolve_destination

PAGE_SIZE = 24


def _prices(request):
    """The buyer's display currency and today's rates, shared by every page that shows a price."""
    return display_currency(request), rate_table()


@require_safe
def home(request):
    """The home page: featured pieces, the "send from … to …" picker and the launched markets."""
    currency, rates = _prices(request)
    markets = selectors.markets_with_artist_counts()
    featured = selectors.with_display_prices(selectors.featured_gifts(), currency=currency, rates=rates)
    return render(
        request,
        "gifts/home.html",
        {
            "featured": featured,
            "markets": markets,
            "picker": SendPickerForm(markets=markets, country_codes=selectors.destination_countries()),
        },
    )


@require_safe
def gift_list(request):
    """Browse and search the catalog; anything unreadable in the request is left out with a notice."""
    currency, rates = _prices(request)
    markets = launched_markets()
    form = CatalogFilterForm(
        request.GET,
        markets=markets,
        categories=selectors.categories_for_filter(),
        artists=list(public_artists()),
        country_codes=selectors.destination_countries(),
    )
    query, notices = form.catalog_query()
    gifts = selectors.catalog(query, currency=currency, rates=rates)
    page = Paginator(gifts, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.with_display_prices(page.object_list, currency=currency, rates=rates)
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "gifts/gift_list.html",
        {
            "form": form,
            "query": query,
            "page": page,
            "notices": notices,
            "currency": currency,
            "query_string": params.urlencode(),
        },
    )


@require_safe
def gift_detail(request, slug):
    """A gift: images, price in the buyer's currency beside the artist's, the story, and shipping to a destination."""
    gift = selectors.public_gift(slug)
    if gift is None:
        raise Http404("No such gift")
    currency, rates = _prices(request)
    selectors.with_display_prices([gift], currency=currency, rates=rates)
    markets = launched_markets()
    requested = request.GET.get("ships_to", "")
    destination = resolve_destination(requested, markets) or default_destination(markets, get_language())
    shipping = selectors.shipping_for(gift, destination) if destination else None
    shipping_price = display_price(shipping.lane.cost, currency, rates) if shipping and shipping.ships else None
    more = selectors.with_display_prices(selectors.more_by_artist(gift), currency=currency, rates=rates)
    return render(
        request,
        "gifts/gift_detail.html",
        {
            "gift": gift,
            "images": list(gift.images.all()),
            "shipping": shipping,
            "shipping_price": shipping_price,
            "destination_unknown": bool(requested) and (destination is None or destination.value != requested),
            "destination_form": DestinationForm(
                markets=markets, country_codes=selectors.destination_countries(), current=destination
            ),
            "more_by_artist": more,
        },
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
    currency, rates = _prices(request)
    gifts = selectors.with_display_prices(selectors.gifts_from_market(market), currency=currency, rates=rates)
    artists = list(public_artists().filter(home_locale=market))
    return render(request, "gifts/market_detail.html", {"market": market, "artists": artists, "gifts": gifts})
