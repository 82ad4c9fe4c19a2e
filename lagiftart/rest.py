"""What every API endpoint shares, reached through the REST_FRAMEWORK settings so apps never import it.

One error shape (`problem_handler`), page-number pagination (`PagePagination`), the refusal of query parameters
a view does not declare (`KnownQueryParameters`) and the language of every answer from Accept-Language alone
(`AcceptHeadersNegotiation`). The schema documents the error shape on every operation (lagiftart/schema.py); the
routes themselves are in lagiftart/api.py.

DRF imports this module while it defines its own generic views, so it must not import them (nor drf-spectacular).
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions
from rest_framework.filters import BaseFilterBackend
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error

PROBLEM_CONTENT_TYPE = "application/problem+json"

# A stable, readable `title` per status, translated; `detail` says what happened to this request.
TITLES = {
    400: gettext_lazy("Bad request"),
    401: gettext_lazy("Authentication required"),
    403: gettext_lazy("Forbidden"),
    404: gettext_lazy("Not found"),
    405: gettext_lazy("Method not allowed"),
    406: gettext_lazy("Not acceptable"),
    409: gettext_lazy("Conflict"),
    412: gettext_lazy("Precondition failed"),
    415: gettext_lazy("Unsupported media type"),
    422: gettext_lazy("Unprocessable request"),
    428: gettext_lazy("Precondition required"),
    429: gettext_lazy("Too many requests"),
}


def problem_type(code: str) -> str:
    """The `type` URI of a problem: a stable name clients can switch on, documented in docs/api.md."""
    return f"urn:lagiftart:problem:{code}"


def problem_handler(exc, context):
    """Every API error as an RFC 9457 problem: type, title, status, detail, and `errors` by field for bad input.

    Django's own 404 and PermissionDenied, and model ValidationErrors raised by services, become their API
    counterparts; anything else is a real bug and stays a 500 that Error Reporting sees.
    """
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    if not isinstance(exc, exceptions.APIException):
        return None

    if isinstance(exc, exceptions.ParseError):
        exc = exceptions.ValidationError({BODY: [_not_json(exc)]}, code="invalid")
    code = exc.get_codes() if isinstance(exc, exceptions.ValidationError) else exc.default_code
    body = {
        "type": problem_type(code if isinstance(code, str) else "invalid"),
        "title": str(TITLES.get(exc.status_code, exc.default_detail)),
        "status": exc.status_code,
    }
    if isinstance(exc, exceptions.ValidationError):
        errors = _field_errors(exc.detail)
        general = errors.pop("non_field_errors", []) + errors.pop("detail", [])
        body["detail"] = " ".join(general) if general else _("Some of the values sent are not valid.")
        if errors:
            body["errors"] = errors
    else:
        body["detail"] = str(exc.detail)

    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(max(1, int(exc.wait)))
    return Response(body, status=exc.status_code, headers=headers, content_type=PROBLEM_CONTENT_TYPE)


BODY = "body"
"""The `errors` member naming the request body as a whole: not JSON, or not a JSON object."""


def _not_json(exc: exceptions.ParseError) -> str:
    """What is wrong with a body that is not JSON, in the request's language, with where the parser stopped."""
    cause = exc.__context__
    if hasattr(cause, "lineno") and hasattr(cause, "colno"):
        return _("This is not JSON (line %(line)d, column %(column)d).") % {"line": cause.lineno, "column": cause.colno}
    return _("This is not JSON.")


def _field_errors(detail, prefix: str | None = None) -> dict[str, list[str]]:
    """DRF's nested error detail flattened to dotted paths: {"recipient.postal_code": ["…"], "lines.0.quantity": …}."""
    if isinstance(detail, dict):
        flat = {}
        for key, value in detail.items():
            flat.update(_field_errors(value, str(key) if prefix is None else f"{prefix}.{key}"))
        return flat
    if isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        flat = {}
        for index, value in enumerate(detail):
            if value:
                flat.update(_field_errors(value, str(index) if prefix is None else f"{prefix}.{index}"))
        return flat
    messages = detail if isinstance(detail, list) else [detail]
    whole = prefix in (None, "non_field_errors")
    if whole and any(getattr(message, "code", None) in WHOLE_BODY_CODES for message in messages):
        # A body that is JSON null: DRF names no field, and says "No data provided", untranslated.
        return {BODY: [_("Send a JSON object with the fields this endpoint takes.")]}
    # A body field may be called "" (an unknown one, refused by name): only no prefix at all is non-field.
    return {"non_field_errors" if prefix is None else prefix: [str(message) for message in messages]}


WHOLE_BODY_CODES = frozenset({"null"})
"""DRF's code for a null body; a list, string or number is refused as the body by the serializers' KnownFields."""


class PagePagination(PageNumberPagination):
    """`?page=` and `?page_size=` (at most 100); the count and the page's links ride with the results.

    A page or page size that is not a whole number in range is a 400 naming the parameter (DRF would quietly use
    the default size, and answer "not found" for `page=abc`); a page after the last one is a 404.
    """

    page_size = 24
    page_size_query_param = "page_size"
    max_page_size = 100
    last_page_strings = ()
    invalid_page_message = gettext_lazy("There is no page {page_number}.")

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        size = _whole_number(raw)
        if size is None or not 1 <= size <= self.max_page_size:
            message = _("A whole number from 1 to %(maximum)d.") % {"maximum": self.max_page_size}
            raise exceptions.ValidationError({self.page_size_query_param: [message]})
        return size

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param)
        if raw is None:
            return 1
        number = _whole_number(raw)
        if number is None or number < 1:
            raise exceptions.ValidationError({self.page_query_param: [_("A whole number from 1.")]})
        return number

    def get_paginated_response_schema(self, schema):
        """The page envelope in the schema, with examples of our own addresses rather than DRF's placeholder."""
        response = super().get_paginated_response_schema(schema)
        properties = response["properties"]
        properties["count"]["example"] = 57
        properties["next"]["example"] = "https://lagiftart.example/api/v1/gifts/?page=3"
        properties["previous"]["example"] = "https://lagiftart.example/api/v1/gifts/?page=1"
        return response

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"].update({"minimum": 1, "maximum": MAX_PAGE_NUMBER})
            elif parameter["name"] == self.page_size_query_param:
                parameter["schema"].update({"minimum": 1, "maximum": self.max_page_size, "default": self.page_size})
        return parameters


MAX_PAGE_NUMBER = 10**9
"""Larger page numbers are refused as bad input rather than looked for."""


def _whole_number(raw: str) -> int | None:
    """`raw` as a non-negative integer written in ASCII digits, or None; "1e3", " 2", "٣" and "+4" are not."""
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 10:
        return None
    number = int(raw)
    return number if number <= MAX_PAGE_NUMBER else None


class KnownQueryParameters(BaseFilterBackend):
    """A query parameter the view does not declare is a 400 with its name, not silently ignored.

    Views list theirs in `query_parameters`; pagination's and `format` are always allowed. It runs for list views
    and, through `get_object()`, for detail views, as the first of the default filter backends.
    """

    always_allowed = frozenset({"page", "page_size"})

    def filter_queryset(self, request, queryset, view):
        allowed = self.always_allowed | set(getattr(view, "query_parameters", ()))
        unknown = sorted(set(request.query_params) - allowed)
        if unknown:
            message = _("Unknown query parameter. This endpoint accepts: %s.") % ", ".join(sorted(allowed))
            raise exceptions.ValidationError({name: [message] for name in unknown})
        return queryset


class AcceptHeadersNegotiation(DefaultContentNegotiation):
    """Both Accept headers, before anything else a view does: JSON from `Accept` (else 406), and the language of the
    answer, errors included, from `Accept-Language` alone.

    Django's LocaleMiddleware also reads the storefront's language cookie; a browser calling the API would then get
    another language than the header asks for, and the same request two answers. The catalog's reads do the same
    (locales.api.CachedPublicRead), since their 405 comes before negotiation.
    """

    def select_renderer(self, request, renderers, format_suffix=None):
        from locales.api import language_from_header

        language = language_from_header(request)
        translation.activate(language)
        request._request.LANGUAGE_CODE = language
        return super().select_renderer(request, renderers, format_suffix)
