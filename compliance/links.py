"""The links a data subject receives: a one-time confirmation link and a signed link to follow their request.

The status key is the request's reference signed with SECRET_KEY (salted for this use), so only a link we made
opens a request's status page and export; the reference alone, which staff see, opens nothing.
"""

import hashlib
import secrets

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import translation

_STATUS_SALT = "compliance.request-status"


def new_confirmation_token() -> tuple[str, str]:
    """A fresh one-time token and the SHA-256 digest we store instead of it (256 random bits need no slow hash)."""
    token = secrets.token_urlsafe(32)
    return token, token_digest(token)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def status_key(reference) -> str:
    return signing.Signer(salt=_STATUS_SALT).sign(str(reference))


def reference_from_status_key(key: str) -> str | None:
    """The reference a status key was made for; None for a forged, altered or foreign key."""
    try:
        return signing.Signer(salt=_STATUS_SALT).unsign(key)
    except signing.BadSignature:
        return None


def _absolute(view_name: str, language: str, **kwargs) -> str:
    with translation.override(language):
        return settings.SITE_URL + reverse(view_name, kwargs=kwargs)


def confirmation_url(token: str, language: str) -> str:
    return _absolute("compliance:confirm_request", language, token=token)


def status_url(reference, language: str) -> str:
    return _absolute("compliance:request_status", language, key=status_key(reference))
