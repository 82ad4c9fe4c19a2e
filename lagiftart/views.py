"""Project-level views that belong to no app."""

from django.http import HttpResponse
from django.views.decorators.http import require_safe


@require_safe
def floor(request):
    """The benchmark floor: a fixed small response through the full middleware stack, no database, no template."""
    return HttpResponse(b"ok\n", content_type="text/plain")


@require_safe
def robots_txt(request):
    """Keep crawlers out of private paths; point them at the sitemap."""
    from django.conf import settings

    lines = ["User-agent: *"]
    for path in (
        "/" + settings.ADMIN_URL_PREFIX,
        "/api/",
        "/accounts/",
        "/*/accounts/",
        "/*/account/",
        "/*/cart/",
        "/*/currency/",
        "/*/privacy/",
        "/g/",
    ):
        lines.append(f"Disallow: {path}")
    lines.append(f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
