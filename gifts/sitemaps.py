"""sitemap.xml: every public storefront page, in every launch language, with hreflang alternates."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from artists.models import Artist
from gifts.models import Gift
from locales.models import Locale


class _Storefront(Sitemap):
    i18n = True
    alternates = True
    x_default = True
    # Six languages per page: keep each sitemap page well under the protocol's 50,000 URLs.
    limit = 5000


class StorefrontPagesSitemap(_Storefront):
    changefreq = "daily"
    priority = 0.8

    def items(self):
        return ["gifts:home", "gifts:gift_list", "gifts:market_list", "gifts:artist_list"]

    def location(self, item):
        return reverse(item)


class MarketSitemap(_Storefront):
    changefreq = "weekly"

    def items(self):
        return Locale.objects.launched().only("slug", "updated_at").order_by("position", "slug")

    def lastmod(self, market):
        return market.updated_at


class ArtistSitemap(_Storefront):
    changefreq = "weekly"

    def items(self):
        return Artist.objects.public().only("slug", "updated_at").order_by("slug")

    def lastmod(self, artist):
        return artist.updated_at


class GiftSitemap(_Storefront):
    changefreq = "weekly"

    def items(self):
        return Gift.objects.public().only("slug", "updated_at").order_by("id")

    def lastmod(self, gift):
        return gift.updated_at


SITEMAPS = {
    "pages": StorefrontPagesSitemap,
    "markets": MarketSitemap,
    "artists": ArtistSitemap,
    "gifts": GiftSitemap,
}
