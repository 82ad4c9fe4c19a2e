"""The API's root: /api/v1/ mounts each app's `api.urlpatterns`, then the OpenAPI schema and its docs page.

Each app keeps its endpoints in its own `api.py` (serializers and thin views over its services and selectors).
What all endpoints share (errors, pagination, query checks) is in lagiftart/rest.py, wired by REST_FRAMEWORK; the
schema's error documentation is in lagiftart/schema.py. Anything else under /api/ is a problem+json 404.
"""

from django.urls import Resolver404, include, path, re_path, resolve
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import exceptions
from rest_framework.views import APIView


@extend_schema(exclude=True)
class NoSuchEndpoint(APIView):
    """Any address under /api/ that no endpoint serves, with any method: a problem+json 404, not the HTML page.

    Routed last under /api/. A path that only lacks its trailing slash says which address exists.
    """

    authentication_classes = []
    permission_classes = []

    def initial(self, request, *args, **kwargs):
        detail = _("There is no API endpoint at this address.")
        if not request.path.endswith("/"):
            try:
                match = resolve(f"{request.path}/")
            except Resolver404:
                match = None
            if match is not None and match.url_name != "not_found":
                detail = _("There is no API endpoint at this address. Did you mean %(path)s?") % {
                    "path": f"{request.path}/"
                }
        raise exceptions.NotFound(detail)


def api_urls():
    """The apps' endpoints, each app's `api.urlpatterns` under /api/v1/, then the schema and its docs page."""
    return [
        # One line per app with endpoints, e.g. path("", include("gifts.api")).
        path("", include("locales.api")),
        path("", include("artists.api.catalog")),
        path("", include("gifts.api.catalog")),
        path("", include("accounts.api")),
        path("", include("gifts.api.giving")),
        path("", include("gifts.api.studio")),
        path("", include("compliance.api")),
        path("schema/", SpectacularAPIView.as_view(), name="schema"),
        # The page's own styles come from a static file (no inline <style>), so the site's CSP holds unchanged.
        path(
            "docs/",
            SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="lagiftart/api_docs.html"),
            name="docs",
        ),
    ]


urlpatterns = [
    path("api/v1/", include((api_urls(), "api"), namespace="api")),
    # Last: any other address under /api/ is a problem+json 404, never the storefront's HTML page.
    re_path(r"^api(?:/[\s\S]*)?\Z", NoSuchEndpoint.as_view(), name="not_found"),
]
