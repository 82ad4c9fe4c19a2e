"""Whole storefront pages rendered once and shared by the anonymous visitors who would read the same HTML.

Rendering a page whose parts all come from `{% sharedcache %}` still costs the layout, a dozen tags and the context
processors: about half of what a browse page cost beyond the floor (docs/performance.md, 2026-12-02). So a page that
every visitor without an account reads alike is kept whole instead, keyed by everything it shows:

* language, display currency, the address with its query, scheme and host, the storefront's version (any catalog
  change), and what the view adds (a gift page adds its stock, so stock is as fresh as the gift it reads);
* the consent banner as this visitor gets it: none, or the regime's wording and the Global Privacy Control notice.

What stays each visitor's own is filled in on every response: the CSRF token of each form (a placeholder in the
stored page, as in `{% sharedcache %}`) and the Web Vitals script with this response's CSP nonce. A page is never
shared with or from a signed-in member, nor when the visitor has a message waiting; those render as before.

The stored page is also compressed once, for the browsers that take gzip (all of them): each response joins the
compressed shared parts and the visitor's own parts into one gzip stream (locales.compression) instead of compressing
the whole page again.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache
from typing import NamedTuple

from django.conf import settings
from django.contrib.messages import get_messages
from django.http import HttpResponse
from django.shortcuts import render
from django.template.context_processors import csrf
from django.template.defaulttags import CsrfTokenNode
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.utils.crypto import salted_hmac
from django.utils.translation import get_language

from analytics.templatetags.analytics import vitals_script
from compliance.templatetags.compliance import consent_banner
from locales.compression import accepts_gzip, deflate_each, gzip_response
from locales.currency import display_currency
from locales.selectors import STOREFRONT_CACHE_SECONDS, storefront_version
from locales.templatetags.shared_cache import csrf_placeholder, reuse_or_render

VARY_ON_HEADERS = ("Cookie", "Sec-GPC")
"""Request headers a shared page depends on besides its address: cookies (currency, consent, session) and the
browser's privacy signal (the banner's wording). The visitor's region, when a geo header is configured, is part of
it too (`page_vary_headers`)."""

_CSRF_NODE = CsrfTokenNode()


@cache
def vitals_placeholder() -> str:
    """Stands in the stored page where the Web Vitals script goes; nobody can guess it to put it in a URL."""
    return "<!--vitals" + salted_hmac("gifts.page_cache.vitals", "placeholder", algorithm="sha256").hexdigest() + "-->"


def page_vary_headers() -> tuple[str, ...]:
    """The request headers a storefront page's HTML depends on (the `Vary` header of every such response)."""
    geo = settings.COMPLIANCE_GEO_HEADER
    return (*VARY_ON_HEADERS, geo) if geo else VARY_ON_HEADERS


def shared_page_key(request, template_name: str, varies_on: tuple = ()) -> str | None:
    """The cache key of the page this request would read, or None when it must be rendered for this visitor alone."""
    user = getattr(request, "user", None)
    if user is None or user.is_authenticated:
        return None
    if len(get_messages(request)):  # counting does not mark them read: the normal render still shows them
        return None
    banner = consent_banner({"request": request})
    parts = (
        template_name,
        get_language(),
        display_currency(request),
        request.scheme,
        request.get_host(),
        request.get_full_path(),
        None if banner is None else (banner.asks_first, banner.gpc_honored),
        storefront_version(),
        *varies_on,
    )
    return "storefront:page:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def render_storefront_page(request, template_name: str, context: dict, *, varies_on: tuple = ()) -> HttpResponse:
    """`render()` for a storefront page: shared whole between anonymous visitors who would read the same HTML.

    `varies_on` holds anything else the page shows that the address does not name. Values in `context` should be
    lazy (gifts.views._when_rendered), so a page served from the cache costs no query.
    """
    key = shared_page_key(request, template_name, varies_on)
    if key is None:
        response = render(request, template_name, context)
    else:
        stored = reuse_or_render(key, STOREFRONT_CACHE_SECONDS, lambda: shared_render(request, template_name, context))
        response = for_this_visitor(stored, request)
    patch_vary_headers(response, page_vary_headers())
    return response


class SharedPage(NamedTuple):
    """A page as every visitor sharing its key reads it, cut where each visitor's own parts go.

    `parts` holds the page's bytes with the names of those parts in between: (bytes, part, bytes, …, bytes), and
    `deflated` each run of those bytes compressed on its own (locales.compression). Stored cut and compressed, a page
    costs no search, replace, encoding or compression of its shared text on each response.
    """

    parts: tuple
    deflated: tuple[bytes, ...]


def shared_render(request, template_name: str, context: dict) -> SharedPage:
    """Render the page once for every visitor who shares its key (see SharedPage)."""
    html = render_to_string(
        template_name,
        {**context, "csrf_token": csrf_placeholder()[0], "vitals_placeholder": vitals_placeholder()},
        request,
    )
    holes, pattern = _holes()
    parts = tuple(part.encode() if index % 2 == 0 else holes[part] for index, part in enumerate(pattern.split(html)))
    return SharedPage(parts, deflate_each(parts[::2]))


@cache
def _holes() -> tuple[dict[str, str], re.Pattern]:
    """What stands in a stored page for each visitor's own part, by the part's name, and a pattern finding them.

    The CSRF field comes first: it holds the bare token's placeholder, which stands alone elsewhere
    (`{{ csrf_token }}`)."""
    token, field = csrf_placeholder()
    holes = {field: "csrf_field", token: "csrf_token", vitals_placeholder(): "vitals"}
    return holes, re.compile("(" + "|".join(re.escape(placeholder) for placeholder in holes) + ")")


def _csrf_field(context) -> str:
    return _CSRF_NODE.render(context)


def _csrf_token(context) -> str:
    token = context["csrf_token"]
    return "" if token in (None, "", "NOTPROVIDED") else str(token)


_FILLERS = {"csrf_field": _csrf_field, "csrf_token": _csrf_token, "vitals": vitals_script}


def for_this_visitor(page: SharedPage, request) -> HttpResponse:
    """The stored page with this visitor's CSRF token in its forms and this response's Web Vitals script, gzipped
    when the browser takes gzip.

    The token (and the CSRF cookie that goes with it) is made only when the page has a form, as with `render()`.
    """
    shared, holes = page.parts[::2], page.parts[1::2]
    own = ()
    if holes:
        context = {"request": request, **csrf(request)}
        own = tuple(_FILLERS[hole](context).encode() for hole in holes)
    if accepts_gzip(request):
        pieces = [(shared[0], page.deflated[0])]
        for text, deflated, visitors in zip(shared[1:], page.deflated[1:], own, strict=True):
            pieces += [(visitors, None), (text, deflated)]
        return gzip_response(pieces)
    return HttpResponse(b"".join(part for pair in zip(shared, (*own, b""), strict=True) for part in pair))
