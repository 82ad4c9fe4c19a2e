"""The signed-in person's profile over the API: /api/v1/me/ (docs/api.md).

Only the person themself, signed in through the browser or an app: no partner key reaches it (no `required_scope`).
Changes go through `accounts.services.update_profile`, the storefront profile page's own service.
"""

from django.conf import settings
from django.urls import path
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from accounts import services
from locales.api import KnownFields
from locales.currency import DISPLAY_CURRENCIES

PERSONAL_ACCESS = (
    "Signed in as the person (a browser session, with its CSRF token on writes, or an app's `X-Session-Token`). "
    "No partner key opens it."
)


def personal_schema(*, description: str = "", **kwargs):
    """`extend_schema` with who may call the endpoint: the person, never a partner key."""
    return extend_schema(description=f"{description}\n\n{PERSONAL_ACCESS}".strip(), **kwargs)


class ProfileSerializer(KnownFields, serializers.Serializer):
    """The account as its owner sees it; the email is changed on the storefront, where allauth verifies it."""

    email = serializers.EmailField(read_only=True)
    full_name = serializers.CharField(max_length=150, allow_blank=True, required=False)
    preferred_language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)
    preferred_currency = serializers.ChoiceField(
        choices=list(DISPLAY_CURRENCIES),
        allow_blank=True,
        required=False,
        help_text="Prices show in this currency when it converts; empty follows the language.",
    )


PROFILE_EXAMPLE = {
    "email": "ana@example.com",
    "full_name": "Ana Giver",
    "preferred_language": "fr",
    "preferred_currency": "EUR",
}


class ProfileView(APIView):
    """Read and change the signed-in person's name, language and currency."""

    serializer_class = ProfileSerializer
    query_parameters = ()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # Unknown query parameters are a 400 here too: an APIView has no queryset to run the filter backends on.
        for backend in api_settings.DEFAULT_FILTER_BACKENDS:
            backend().filter_queryset(request, None, self)

    @personal_schema(
        summary="Your profile",
        responses={200: ProfileSerializer},
        examples=[OpenApiExample("Profile", value=PROFILE_EXAMPLE, response_only=True)],
    )
    def get(self, request):
        return Response(ProfileSerializer(request.user).data)

    @personal_schema(
        summary="Change your name, language or currency",
        request=ProfileSerializer,
        responses={200: ProfileSerializer},
        examples=[
            OpenApiExample("New language", value={"preferred_language": "ja"}, request_only=True),
            OpenApiExample("Profile", value={**PROFILE_EXAMPLE, "preferred_language": "ja"}, response_only=True),
        ],
    )
    def patch(self, request):
        user = request.user
        serializer = ProfileSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = serializer.validated_data
        user = services.update_profile(
            user=user,
            full_name=changes.get("full_name", user.full_name),
            preferred_language=changes.get("preferred_language", user.preferred_language),
            preferred_currency=changes.get("preferred_currency", user.preferred_currency),
        )
        return Response(ProfileSerializer(user).data)


urlpatterns = [path("me/", ProfileView.as_view(), name="me")]
