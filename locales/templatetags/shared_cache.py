"""`{% sharedcache %}`: Django's `{% cache %}` for the parts of a page every visitor shares, forms included.

    {% sharedcache 60 page_top page_key request.get_host user.is_authenticated %} … {% endsharedcache %}

It takes the same arguments as `{% cache %}` (a timeout, a fragment name, the values the fragment varies on) and
differs in two ways:

* **Nothing is cached without a key.** When the first value it varies on is empty, the fragment is rendered for this
  request alone. A page opts in by giving that key (the storefront views pass `fragment_key`); every other page
  renders as if the tag were not there, so a page whose blocks hold something personal is never stored by mistake.
* **The CSRF token stays per visitor.** The fragment is rendered with a secret placeholder in place of the token,
  and each response gets the visitor's own token in its place. Only a fragment that holds a form pays for it: a
  token (and its cookie) is made only when the fragment uses one, as with a plain render.
* **One render at a time, and nobody waits for an expired copy.** When a fragment is missing (first visit, or the
  storefront changed and so did its key), the other requests of the process that want it wait for the one that
  renders it instead of all rendering it at once. When it has merely outlived its timeout, the request that finds it
  renders it again while the requests arriving meanwhile still get the previous copy: no copy is served more than
  one render past its timeout, and the timeout no longer makes a burst of visitors pay for the same render.

Whatever else the fragment shows must be the same for every visitor sharing the key: vary on it, or keep it outside.
"""

import threading
import time
from collections.abc import Callable
from functools import cache
from typing import TypeVar

from django import template
from django.core.cache import caches
from django.core.cache.utils import make_template_fragment_key
from django.template import TemplateSyntaxError
from django.template.defaulttags import CsrfTokenNode
from django.utils.crypto import salted_hmac

register = template.Library()

T = TypeVar("T")


_CSRF_NODE = CsrfTokenNode()


@cache
def csrf_placeholder() -> tuple[str, str]:
    """The stand-in for the CSRF token, and the `{% csrf_token %}` field that holds it.

    Nobody can guess it, so a URL cannot smuggle it into a page (it is a keyed hash of SECRET_KEY); it is the same in
    every process sharing that key, so a cache shared between processes still works.
    """
    placeholder = "csrf" + salted_hmac("locales.shared_cache.csrf", "placeholder", algorithm="sha256").hexdigest()
    return placeholder, _CSRF_NODE.render(template.Context({"csrf_token": placeholder}))


_rendering: dict[str, threading.Lock] = {}
_rendering_guard = threading.Lock()


def _render_lock(key: str) -> threading.Lock:
    """The lock held while `key` is being rendered in this process."""
    with _rendering_guard:
        return _rendering.setdefault(key, threading.Lock())


def _rendered(key: str) -> None:
    with _rendering_guard:
        _rendering.pop(key, None)


def reuse_or_render(key: str, timeout: int | None, render: Callable[[], T]) -> T:
    """The copy of `key` in the cache, else `render()` stored under it, by the rules in the module docstring.

    What `render` returns must be the same for every visitor sharing `key` (a CSRF token only as its placeholder);
    the page cache (gifts.page_cache) shares whole pages, stored cut where each visitor's own parts go, this way too.
    """
    stored = caches["default"].get(key)
    if stored is None:
        with _render_lock(key):  # another request may be rendering it: wait for that copy
            stored = caches["default"].get(key) or _store(key, timeout, render())
        _rendered(key)
    elif stored[1] is not None and stored[1] <= time.time():
        lock = _render_lock(key)
        if lock.acquire(blocking=False):  # else another request is renewing it: keep serving this copy
            try:
                stored = _store(key, timeout, render())
            finally:
                lock.release()
                _rendered(key)
    return stored[0]


def _store(key: str, timeout: int | None, value: T) -> tuple[T, float | None]:
    """Keep `value` twice the timeout, so an expired copy can stand in while the next one renders.
    Returns (value, time it is fresh until)."""
    stored = (value, None if timeout is None else time.time() + timeout)
    caches["default"].set(key, stored, None if timeout is None else 2 * timeout)
    return stored


def with_visitor_token(value: str, context) -> str:
    """`value` with this visitor's CSRF token where the placeholder stands (the token is made only if needed).

    `context` is a template context or a plain dict holding `csrf_token`, as Django's csrf context processor gives it.
    """
    placeholder, field = csrf_placeholder()
    if placeholder not in value:
        return value
    value = value.replace(field, _CSRF_NODE.render(context))
    visitor_csrf = context.get("csrf_token")
    return value.replace(placeholder, "" if visitor_csrf in (None, "", "NOTPROVIDED") else str(visitor_csrf))


class SharedCacheNode(template.Node):
    def __init__(self, nodelist, timeout, fragment_name: str, vary_on):
        self.nodelist = nodelist
        self.timeout = timeout
        self.fragment_name = fragment_name
        self.vary_on = vary_on

    def render(self, context):
        vary_on = [value.resolve(context) for value in self.vary_on]
        if not vary_on[0]:
            return self.nodelist.render(context)
        timeout = self.timeout.resolve(context)
        try:
            timeout = None if timeout is None else int(timeout)
        except (TypeError, ValueError) as error:
            raise TemplateSyntaxError(f"sharedcache needs a whole number of seconds, not {timeout!r}") from error
        key = make_template_fragment_key(f"shared:{self.fragment_name}", vary_on)
        return with_visitor_token(reuse_or_render(key, timeout, lambda: self.render_shared(context)), context)

    def render_shared(self, context) -> str:
        """The fragment as every visitor shares it: the CSRF token's placeholder in place of this visitor's token."""
        with context.push(csrf_token=csrf_placeholder()[0]):
            return self.nodelist.render(context)


@register.tag("sharedcache")
def do_shared_cache(parser, token):
    """{% sharedcache timeout name key [more values…] %} … {% endsharedcache %}: see the module docstring."""
    bits = token.split_contents()
    if len(bits) < 4:
        raise TemplateSyntaxError(f"'{bits[0]}' takes a timeout, a fragment name and at least one value to vary on.")
    nodelist = parser.parse(("endsharedcache",))
    parser.delete_first_token()
    return SharedCacheNode(
        nodelist,
        parser.compile_filter(bits[1]),
        bits[2],
        [parser.compile_filter(bit) for bit in bits[3:]],
    )
