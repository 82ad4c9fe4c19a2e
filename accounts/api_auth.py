"""Who is calling the API, what they may reach, and how often: authentication, scopes and throttles for /api/v1/.

Three ways in, tried in this order (REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"], docs/api.md):
1. `Authorization: Api-Key <prefix>.<secret>`: a partner key (accounts/api_keys.py). It acts as its owner's
   account, limited to its scopes; a key that is unknown, expired or revoked is a 401, never anonymous.
2. `X-Session-Token: <token>`: an app signed in through django-allauth's headless API (/_allauth/app/v1/).
   The token is the key of a Django session, so it carries allauth's record of how and when the person signed in
   (two-factor included) and ends with it; an unknown or ended token is a 401.
3. The browser's session cookie, with Django's CSRF check on every unsafe method (DRF's SessionAuthentication).

Views name the scope a key needs in `required_scope` (for example "catalog:read"); a view without one is closed to
keys. A browser session or an app's session token acts as its user, whose own rights the view's other permission
classes decide. Throttles count per anonymous client address, per user and per key, with rates from settings.
"""

from allauth.headless.contrib.rest_framework.authentication import XSessionTokenAuthentication
from django.utils.translation import gettext_lazy
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle

from accounts import api_keys
from accounts.models import ApiKey
from analytics.events import record_event

API_KEY_KEYWORD = "Api-Key"
SESSION_TOKEN_HEADER = "X-Session-Token"  # noqa: S105 (a header name, not a secret)


class ScopedAccess(BasePermission):
    """A partner key reaches only the views whose `required_scope` it holds; other callers pass through."""

    message = gettext_lazy("This API key does not have the scope this endpoint needs.")

    def has_permission(self, request, view):
        scopes = getattr(request.auth, "scopes", None)
        if scopes is None:
            return True
        required = getattr(view, "required_scope", None)
        return bool(required) and required in scopes


class PublicRead(ScopedAccess):
    """Anyone may read (a partner key needs the view's scope); nothing is written through this view."""

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS and super().has_permission(request, view)


def by_partner_key(request) -> bool:
    """Did a partner key authenticate this request (rather than a person, or no one)?"""
    return isinstance(request.auth, ApiKey)


def record_activity(request, name, **fields):
    """`analytics.events.record_event` for an API view, except for partner keys: a key is a partner's server acting
    for a business, not a visitor browsing, and its calls would swell the funnel and the catalog's popularity.

    Consent, pseudonyms and batching are record_event's own; call it once the answer is known to be a success.
    """
    if by_partner_key(request):
        return None
    return record_event(request, name, **fields)


class InvalidApiKey(exceptions.AuthenticationFailed):
    default_detail = gettext_lazy("This API key is not valid.")
    default_code = "api_key_invalid"


class ExpiredApiKey(exceptions.AuthenticationFailed):
    default_detail = gettext_lazy("This API key has expired. Ask LaGiftArt for a new one.")
    default_code = "api_key_expired"


class RevokedApiKey(exceptions.AuthenticationFailed):
    default_detail = gettext_lazy("This API key was revoked. Ask LaGiftArt for a new one.")
    default_code = "api_key_revoked"


class InvalidSessionToken(exceptions.AuthenticationFailed):
    default_detail = gettext_lazy("This session token is not valid or has ended. Sign in again.")
    default_code = "session_token_invalid"


_REFUSALS = {"invalid": InvalidApiKey, "expired": ExpiredApiKey, "revoked": RevokedApiKey}


class ApiKeyAuthentication(BaseAuthentication):
    """`Authorization: Api-Key <prefix>.<secret>`: the key's owner, with the key (and its scopes) as `request.auth`.

    Also the first class listed, so its `authenticate_header` makes a request without credentials a 401 with
    `WWW-Authenticate` rather than a 403.
    """

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != API_KEY_KEYWORD.lower().encode():
            return None
        if len(parts) != 2:
            raise InvalidApiKey(gettext_lazy("Send the key as: Authorization: Api-Key <prefix>.<secret>."))
        try:
            presented = parts[1].decode("ascii")
        except UnicodeDecodeError as error:
            raise InvalidApiKey from error
        try:
            key = api_keys.key_for(presented)
        except api_keys.KeyRefused as refusal:
            raise _REFUSALS[refusal.reason](str(refusal)) from refusal
        api_keys.note_use(key)
        return key.user, key

    def authenticate_header(self, request):
        return f'{API_KEY_KEYWORD} realm="api"'


class AppSessionTokenAuthentication(BaseAuthentication):
    """`X-Session-Token`, as allauth's headless API hands it to an app at login: the session's user.

    allauth's own DRF class (`XSessionTokenAuthentication`) treats an unknown token as no credentials at all; here
    it is a 401, so an app learns at once that it must sign in again instead of reading the catalog anonymously.
    """

    def authenticate(self, request):
        allauth_class = XSessionTokenAuthentication()
        if not allauth_class.get_session_token(request):
            return None
        found = allauth_class.authenticate(request)
        if found is None:
            raise InvalidSessionToken
        return found

    def authenticate_header(self, request):
        return SESSION_TOKEN_HEADER


class _RateFromSettings:
    """Read the rate from REST_FRAMEWORK when the throttle is made (per request), not when DRF was imported, so a
    changed setting (a test's, an environment's) takes effect."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonymousRateThrottle(_RateFromSettings, AnonRateThrottle):
    """Requests without credentials, per client address (REST_FRAMEWORK["NUM_PROXIES"] picks it out of
    X-Forwarded-For exactly as allauth's rate limits do with ALLAUTH_TRUSTED_PROXY_COUNT)."""

    scope = "anon"


class UserRateThrottle(_RateFromSettings, SimpleRateThrottle):
    """A signed-in person (browser or app), per account, whichever device they use."""

    scope = "user"

    def get_cache_key(self, request, view):
        if not request.user.is_authenticated or by_partner_key(request):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class ApiKeyRateThrottle(_RateFromSettings, SimpleRateThrottle):
    """A partner key, per key (by its public prefix): two keys of one partner count apart."""

    scope = "api_key"

    def get_cache_key(self, request, view):
        if not by_partner_key(request):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.prefix}


class ApiKeyScheme(OpenApiAuthenticationExtension):
    """Names the partner key scheme in the OpenAPI schema."""

    target_class = "accounts.api_auth.ApiKeyAuthentication"
    name = "apiKeyAuth"

    def get_security_requirement(self, auto_schema):
        """Only on endpoints a key can open: those that name a scope."""
        if not getattr(auto_schema.view, "required_scope", None):
            return None
        return super().get_security_requirement(auto_schema)

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "A partner key, sent as `Authorization: Api-Key <prefix>.<secret>`. Each endpoint says "
            "the scope it needs; endpoints about a person (profile, consent, privacy requests, studio) take none.",
        }


class AppSessionTokenScheme(OpenApiAuthenticationExtension):
    """Names the app session token (django-allauth headless) in the OpenAPI schema."""

    target_class = "accounts.api_auth.AppSessionTokenAuthentication"
    name = "sessionTokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": SESSION_TOKEN_HEADER,
            "description": "The `session_token` an app receives from /_allauth/app/v1/auth/login (or signup).",
        }
