"""Template context every page needs: the site name and the same page in each language."""

from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language_info


def site(request):
    """`language_links`: the current page in every launch language.

    `url` is the bare page, for hreflang alternates; `switch_url` keeps the query string, so switching language on a
    filtered browse page keeps the filters.
    """
    path = request.path
    query = request.META.get("QUERY_STRING", "")
    links = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        url = translate_url(path, code)
        links.append(
            {"code": code, "name": info["name_local"], "url": url, "switch_url": f"{url}?{query}" if query else url}
        )
    return {"site_name": settings.SITE_NAME, "language_links": links}
