"""The API's root: /api/v1/ mounts each app's `api.urlpatterns`, then the OpenAPI schema and its docs page.

Each app keeps its endpoints in its own `api.py` (serializers and thin views over its services and selectors).
What all endpoints share (errors, pagination, query checks) is in lagiftart/rest.py, wired by REST_FRAMEWORK.
"""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView


def api_urls():
    """The apps' endpoints, each app's `api.urlpatterns` under /api/v1/, then the schema and its docs page."""
    return [
        # One line per app with endpoints, e.g. path("", include("gifts.api")).
        path("schema/", SpectacularAPIView.as_view(), name="schema"),
        path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    ]


urlpatterns = [path("api/v1/", include((api_urls(), "api"), namespace="api"))]
