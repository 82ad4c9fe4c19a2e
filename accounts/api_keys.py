"""Partner API keys: issuing and revoking them (staff, in the admin) and checking one on each API request.

A key reads `<prefix>.<secret>`: twelve public characters that find the key, a dot, and 43 characters carrying 256
random bits. Only the SHA-256 digest of the secret is stored. A slow password hash (PBKDF2, scrypt) protects short
secrets people choose against guessing; a 256-bit random secret cannot be guessed however fast the hash, while a
slow hash would cost every API request tens of milliseconds of CPU. The same reasoning as the recipient links and
the data-subject confirmation tokens (compliance/links.py).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from accounts.models import ApiKey, ApiScope, User

PREFIX_LENGTH = 12
PREFIX_ALPHABET = string.ascii_lowercase + string.digits
SECRET_BYTES = 32
LAST_USED_PRECISION = timedelta(minutes=1)
"""`last_used_at` is written at most this often per key, so a busy partner does not cost a write per request."""
DEFAULT_LIFETIME = timedelta(days=365)
"""What the admin proposes as a new key's expiry; staff may choose a shorter one."""


class ApiKeyError(Exception):
    """A key cannot be issued as asked; the message is for the staff member."""


class KeyRefused(Exception):
    """The key on a request does not open the API; the message tells the partner why (and `reason` which case)."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


def secret_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _new_prefix() -> str:
    while True:
        prefix = get_random_string(PREFIX_LENGTH, PREFIX_ALPHABET)
        if not ApiKey.objects.filter(prefix=prefix).exists():
            return prefix


@transaction.atomic
def issue_api_key(
    *, user: User, name: str, scopes: Iterable[str], expires_at: datetime, created_by: User | None
) -> tuple[ApiKey, str]:
    """Make a key for `user`'s account; returns the key and the full key text, which exists only in this answer."""
    name = name.strip()
    scopes = sorted(set(scopes))
    if not name:
        raise ApiKeyError(_("Give the key a name that says what it is for."))
    unknown = [scope for scope in scopes if scope not in ApiScope.values]
    if unknown:
        raise ApiKeyError(_("Unknown scope: %(scopes)s.") % {"scopes": ", ".join(unknown)})
    if not scopes:
        raise ApiKeyError(_("Choose at least one scope."))
    if expires_at <= timezone.now():
        raise ApiKeyError(_("The expiry must be in the future."))
    if not user.is_active:
        raise ApiKeyError(_("This account is disabled, so a key for it would open nothing."))
    secret = secrets.token_urlsafe(SECRET_BYTES)
    key = ApiKey.objects.create(
        user=user,
        name=name,
        prefix=_new_prefix(),
        secret_digest=secret_digest(secret),
        scopes=scopes,
        expires_at=expires_at,
        created_by=created_by,
    )
    return key, f"{key.prefix}.{secret}"


def revoke_api_keys(keys) -> int:
    """Revoke these keys at once (those already revoked keep their date); returns how many were revoked now."""
    return ApiKey.objects.filter(pk__in=[key.pk for key in keys], revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def key_for(presented: str, *, now: datetime | None = None) -> ApiKey:
    """The key whose text was presented, with its account; KeyRefused says why it does not open the API."""
    prefix, dot, secret = presented.strip().partition(".")
    key = (
        ApiKey.objects.select_related("user").filter(prefix=prefix).first()
        if dot and secret and len(prefix) == PREFIX_LENGTH
        else None
    )
    if key is None or not hmac.compare_digest(key.secret_digest, secret_digest(secret)):
        raise KeyRefused("invalid", _("This API key is not valid."))
    if key.is_revoked:
        raise KeyRefused("revoked", _("This API key was revoked. Ask LaGiftArt for a new one."))
    if key.is_expired(now):
        raise KeyRefused("expired", _("This API key has expired. Ask LaGiftArt for a new one."))
    if not key.user.is_active:
        raise KeyRefused("invalid", _("The account this API key belongs to is disabled."))
    return key


def note_use(key: ApiKey, *, now: datetime | None = None) -> None:
    """Stamp `last_used_at`, at most once a minute: one conditional UPDATE, none while the stamp is fresh."""
    now = now or timezone.now()
    if key.last_used_at is not None and now - key.last_used_at < LAST_USED_PRECISION:
        return
    ApiKey.objects.filter(pk=key.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_PRECISION)
    ).update(last_used_at=now)
    key.last_used_at = now
