"""Template context every page needs: the site name and the same page in each language."""

from functools import lru_cache

from django.conf import settings
from django.urls import get_urlconf, translate_url
from django.utils.translation import get_language, get_language_info


def site(request):
    """`language_links`: the current page in every launch language.

    `url` is the bare page, for hreflang alternates; `switch_url` keeps the query string, so switching language on a
    filtered browse page keeps the filters.
    """
    query = request.META.get("QUERY_STRING", "")
    links = [
        {"code": code, "name": name, "url": url, "switch_url": f"{url}?{query}" if query else url}
        for code, name, url in _page_in_languages(
            request.path, tuple(settings.LANGUAGES), get_language(), get_urlconf() or settings.ROOT_URLCONF
        )
    ]
    return {"site_name": settings.SITE_NAME, "language_links": links}


@lru_cache(maxsize=4096)
def _page_in_languages(
    path: str, languages: tuple, active: str | None, urlconf: str
) -> tuple[tuple[str, str, str], ...]:
    """(code, local name, path) of `path` in each of `languages`, kept per process.

    Translating a path resolves it and reverses it once per language, a few milliseconds on every page. The answer
    is the same for every visitor: it depends only on the path, the languages, the active language (which the
    resolver reads) and the URLconf, which is why they are all part of the cache key.
    """
    return tuple((code, get_language_info(code)["name_local"], translate_url(path, code)) for code, _name in languages)
