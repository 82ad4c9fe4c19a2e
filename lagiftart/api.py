"""The API's root: /api/v1/ mounts each app's `api.urlpatterns`, then the OpenAPI schema and its docs page.

Each app keeps its endpoints in its own `api.py` (serializers and thin views over its services and selectors).
What all endpoints share (errors, pagination, query checks) is in lagiftart/rest.py, wired by REST_FRAMEWORK; the
schema's error documentation is in lagiftart/schema.py. Anything else under /api/ is a problem+json 404.
"""

from django.urls import Resolver404, include, path, re_path, resolve, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import exceptions
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from lagiftart.rest import KnownQueryParameters


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema, generated once per process and language rather than on every request.

    Generating it walks every view and serializer (about half a second of CPU); it changes only with the code, so
    a deploy is what renews it. Without this, each anonymous request for /api/v1/schema/ would cost that much.
    """

    _generated: dict[tuple, dict] = {}

    def _get_schema_response(self, request):
        version = self.api_version or request.version or self._get_version_parameter(request)
        key = (translation.get_language(), version)
        if key not in self._generated:
            generator = self.generator_class(urlconf=self.urlconf, api_version=version, patterns=self.patterns)
            self._generated[key] = generator.get_schema(request=request, public=self.serve_public)
        filename = self._get_filename(request, version)
        return Response(self._generated[key], headers={"Content-Disposition": f'inline; filename="{filename}"'})


@extend_schema(exclude=True)
class ApiRoot(APIView):
    """GET /api/v1/: where a client starts. Absolute links to the documentation, the OpenAPI schema, the public
    collections and the app sign-in API; anyone may read it (a partner key needs no scope), like the schema."""

    permission_classes = [AllowAny]
    required_scope = None

    ENTRY_POINTS = (
        ("docs", "api:docs"),
        ("schema", "api:schema"),
        ("gifts", "api:gift-list"),
        ("artists", "api:artist-list"),
        ("markets", "api:locale-list"),
        ("categories", "api:category-list"),
    )

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        KnownQueryParameters().filter_queryset(request, None, self)  # it takes none: a stray one is a 400

    def get(self, request):
        links = {name: request.build_absolute_uri(reverse(url_name)) for name, url_name in self.ENTRY_POINTS}
        # django-allauth's headless API for apps: sign-up, login, session tokens (docs/api.md, "Apps").
        links["app_sign_in"] = request.build_absolute_uri("/_allauth/app/v1/")
        return Response({"version": "v1", "links": links})


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
        path("", ApiRoot.as_view(), name="root"),
        # One line per app with endpoints, e.g. path("", include("gifts.api")).
        path("", include("locales.api")),
        path("", include("artists.api.catalog")),
        path("", include("gifts.api.catalog")),
        path("", include("accounts.api")),
        path("", include("gifts.api.giving")),
        path("", include("gifts.api.studio")),
        path("", include("compliance.api")),
        path("schema/", SchemaView.as_view(), name="schema"),
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
