"""The OpenAPI schema's shared parts: the problem+json error shape, documented on every operation.

Apps cannot import lagiftart, so no view lists these errors itself: REST_FRAMEWORK's DEFAULT_SCHEMA_CLASS is
`ProblemAutoSchema`, which adds them. The body they describe is written by lagiftart.rest.problem_handler.
"""

from django.utils import translation
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework import serializers

from accounts.api_auth import PublicRead
from lagiftart.rest import PROBLEM_CONTENT_TYPE, TITLES, problem_type


class ProblemSerializer(serializers.Serializer):
    """The body of every API error (RFC 9457), as the schema documents it; `problem_handler` writes it."""

    type = serializers.CharField(help_text="A stable URN to switch on, such as urn:lagiftart:problem:not_found.")
    title = serializers.CharField(help_text="A short summary of the kind of problem, in the request's language.")
    status = serializers.IntegerField(help_text="The HTTP status code.")
    detail = serializers.CharField(help_text="What went wrong with this request, in the request's language.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="For bad input: messages by field, query parameter or dotted path into the body.",
    )


PROBLEM_RESPONSES = {
    400: (
        "The query or body is not valid: `errors` names each parameter or field.",
        "invalid",
        "Some of the values sent are not valid.",
        {"errors": {"currency": ["“ZZZ” is not a valid choice."], "page": ["A whole number from 1."]}},
    ),
    401: (
        "The credentials sent (API key or session token) are missing, unknown, expired or revoked.",
        "authentication_failed",
        "Incorrect authentication credentials.",
        {},
    ),
    403: (
        "The caller may not do this, for example a partner key without the scope this endpoint needs.",
        "permission_denied",
        "This API key does not have the scope this endpoint needs.",
        {},
    ),
    404: (
        "Nothing public answers to this address (an unknown slug, or a page after the last one).",
        "not_found",
        "Not found.",
        {},
    ),
    406: (
        "The Accept header asks for something other than JSON.",
        "not_acceptable",
        "Could not satisfy the request Accept header.",
        {},
    ),
    415: ("The body is not JSON.", "unsupported_media_type", 'Unsupported media type "text/plain" in request.', {}),
    429: (
        "Too many requests from this address, user or key: wait the seconds the Retry-After header says.",
        "throttled",
        "Request was throttled. Expected available in 12 seconds.",
        {},
    ),
}
"""The problems any operation can answer: why, and an example's code, detail and extra members (in English: the
schema is written once, not per language). A view may document others (409, 428) itself."""


def problem_response(status_code: int) -> OpenApiResponse:
    """The documented problem+json response for `status_code`, with its example."""
    description, code, detail, extra = PROBLEM_RESPONSES[status_code]
    with translation.override("en"):
        title = str(TITLES[status_code])
    example = OpenApiExample(
        code,
        value={"type": problem_type(code), "title": title, "status": status_code, "detail": detail, **extra},
        status_codes=[str(status_code)],
        response_only=True,
    )
    return OpenApiResponse(ProblemSerializer, description=description, examples=[example])


BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


class ProblemAutoSchema(AutoSchema):
    """drf-spectacular's schema, with the problem+json responses of PROBLEM_RESPONSES on every operation.

    Apps cannot import this module, so they never list these errors themselves; a status a view documents on its
    own (`@extend_schema(responses=...)`) keeps the view's wording, and a 4xx it described only in words gets the
    problem body. A public read (PublicRead) also lists "no credentials" among its security requirements.
    """

    def get_auth(self):
        auths = super().get_auth()
        public = any(isinstance(permission, PublicRead) for permission in self.view.get_permissions())
        if public and self.method in ("GET", "HEAD") and {} not in auths:
            auths.append({})
        return auths

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for status_code in PROBLEM_RESPONSES:
            if status_code == 415 and self.method not in BODY_METHODS:
                continue
            key = str(status_code)
            if key not in responses:
                problem = problem_response(status_code)
                responses[key] = self._get_response_for_code(problem, key, [PROBLEM_CONTENT_TYPE], direction)
        for key, response in responses.items():
            # An error a view documents with only a description (409, or its own wording of a 404) has the same body.
            if key.startswith("4") and "content" not in response:
                status_code = int(key)
                problem = (
                    problem_response(status_code)
                    if status_code in PROBLEM_RESPONSES
                    else OpenApiResponse(ProblemSerializer)
                )
                documented = self._get_response_for_code(problem, key, [PROBLEM_CONTENT_TYPE], direction)
                responses[key] = {**documented, "description": response.get("description") or documented["description"]}
        return responses
