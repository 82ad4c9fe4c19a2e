"""Template context every page needs: the site name and the same page in each language."""

from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language_info


def site(request):
    """`language_links`: the current page in every launch language, for the switcher and hreflang alternates."""
    path = request.path
    links = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        links.append({"code": code, "name": info["name_local"], "url": translate_url(path, code)})
    return {"site_name": settings.SITE_NAME, "language_links": links}
