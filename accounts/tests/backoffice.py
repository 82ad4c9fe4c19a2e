"""Test helpers for the back office: a staff member signed in with a second factor, as the admin requires."""

import time

from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.account.internal.flows.login import _AUTHENTICATION_METHODS_USER_SESSION_KEY
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret


def enrol_totp(user) -> Authenticator:
    """Give `user` an authenticator app (TOTP), as enrolling through allauth's pages would."""
    existing = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    return existing or TOTP.activate(user, generate_totp_secret()).instance


def sign_in_with_mfa(client, user, *, signed_in_at: float | None = None):
    """Log `client` in as `user` with a password and a TOTP code recorded in the session, the way allauth's
    login records them; returns the client."""
    authenticator = enrol_totp(user)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    at = time.time() if signed_in_at is None else signed_in_at
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": at, "email": user.email},
        {"method": "mfa", "at": at, "id": authenticator.pk, "type": authenticator.type},
    ]
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
    session.save()
    return client
