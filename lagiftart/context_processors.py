"""Template context every page needs: the site name and the same page in each language."""

from functools import lru_cache

from django.conf import settings
from django.urls import get_urlconf, translate_url
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language, get_language_info


def site(request):
    """`language_links`: the current page in every launch language.

    `url` is the bare page, for hreflang alternates; `switch_url` keeps the query string, so switching language on a
    filtered browse page keeps the filters. The links are built only when a template reads them: a storefront page
    whose header comes from the shared cache (templates/base.html) never does.
    """
    return {"site_name": settings.SITE_NAME, "language_links": SimpleLazyObject(lambda: language_links(request))}


def language_links(request) -> list[dict[str, str]]:
    query = request.META.get("QUERY_STRING", "")
    return [
        {"code": code, "name": name, "url": url, "switch_url": f"{url}?{query}" if query else url}
        for code, name, url in _page_in_languages(
            request.path,
            # Codes only: the names in LANGUAGES are lazy translations, and hashing one (as an LRU key must)
            # translates it again.
            tuple(code for code, _name in settings.LANGUAGES),
            get_language(),
            get_urlconf() or settings.ROOT_URLCONF,
        )
    ]


@lru_cache(maxsize=4096)
def _page_in_languages(
    path: str, languages: tuple[str, ...], active: str | None, urlconf: str
) -> tuple[tuple[str, str, str], ...]:
    """(code, local name, path) of `path` in each of `languages`, kept per process.

    Translating a path resolves it and reverses it once per language, a few milliseconds on every page. The answer
    is the same for every visitor: it depends only on the path, the languages, the active language (which the
    resolver reads) and the URLconf, which is why they are all part of the cache key.
    """
    return tuple((code, get_language_info(code)["name_local"], translate_url(path, code)) for code in languages)
