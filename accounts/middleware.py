"""The back office gate: only staff who proved a second factor in this session reach an admin page.

The admin lives under `settings.ADMIN_URL_PREFIX`. For every path under it:
- nobody signed in → allauth's login page (rate limited), never the admin's own login form;
- signed in but not staff → 403;
- staff without an authenticator app (TOTP) → enrolment, staff with one who did not use a code in this
  session (signed in before enrolling, say) → allauth's "enter a code" page, which records the code in the session;
- staff sessions end 2 hours after the login and 30 minutes after the last admin page (both from settings);
- every change the admin writes (Django's LogEntry) also becomes a line on the `lagiftart.audit` log.
"""

import logging
import time
from urllib.parse import urlencode

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

audit_logger = logging.getLogger("lagiftart.audit")

LAST_SEEN_SESSION_KEY = "backoffice_last_seen"
_ACTIONS = {ADDITION: "added", CHANGE: "changed", DELETION: "deleted"}


def is_back_office_path(path: str) -> bool:
    return path.startswith("/" + settings.ADMIN_URL_PREFIX)


def _to(url_name: str, next_url: str):
    return redirect(f"{reverse(url_name)}?{urlencode({'next': next_url})}")


def mfa_verified_at(request) -> list[float]:
    """When this session's user entered a second-factor code (TOTP or a recovery code), per allauth's records."""
    return [
        record.get("at", 0)
        for record in get_authentication_records(request, request.user)
        if record.get("method") == "mfa"
    ]


def signed_in_at(request) -> float | None:
    """The time of the first authentication step of this session (the password, usually)."""
    times = [record.get("at", 0) for record in get_authentication_records(request, request.user)]
    return min(times) if times else None


class StaffBackOfficeMiddleware:
    """Guard every admin URL (see the module docstring); must come after AuthenticationMiddleware and
    allauth's AccountMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_back_office_path(request.path_info):
            return self.get_response(request)
        refused = self.refuse(request)
        if refused is not None:
            return refused
        started = timezone.now()
        response = self.get_response(request)
        if request.method == "POST":
            log_admin_changes(user_id=request.user.pk, since=started)
        return response

    def refuse(self, request):
        """A response that turns the request away, or None when it may go on."""
        next_url = self.next_url(request)
        user = request.user
        if not user.is_authenticated:
            return _to("account_login", next_url)
        if not (user.is_active and user.is_staff):
            raise PermissionDenied(_("The back office is for LaGiftArt staff."))
        if not Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists():
            messages.warning(
                request,
                _("Staff need an authenticator app before opening the back office. Set it up, then come back."),
            )
            return _to("mfa_activate_totp", next_url)
        if not mfa_verified_at(request):
            return _to("mfa_reauthenticate", next_url)
        now = time.time()
        login_at = signed_in_at(request) or now
        last_seen = request.session.get(LAST_SEEN_SESSION_KEY, now)
        if now - login_at > settings.STAFF_SESSION_MAX_AGE or now - last_seen > settings.STAFF_SESSION_IDLE_TIMEOUT:
            logout(request)
            messages.info(request, _("Your back-office session has ended. Please sign in again."))
            return _to("account_login", next_url)
        request.session[LAST_SEEN_SESSION_KEY] = now
        # The cookie and the stored session die with the sooner of the two limits, even away from the admin.
        remaining = settings.STAFF_SESSION_MAX_AGE - (now - login_at)
        request.session.set_expiry(max(1, int(min(settings.STAFF_SESSION_IDLE_TIMEOUT, remaining))))
        return None

    @staticmethod
    def next_url(request) -> str:
        """Where to come back to: the page asked for, or for the admin's login page, the page it was asked for."""
        if request.path_info == reverse("admin:login"):
            return request.GET.get("next") or reverse("admin:index")
        return request.get_full_path()


def log_admin_changes(*, user_id: int, since) -> None:
    """One structured audit line per LogEntry the request wrote (bulk deletions write several at once, without
    signals, so the entries are read back rather than caught on save)."""
    entries = LogEntry.objects.filter(user_id=user_id, action_time__gte=since).select_related("content_type")
    for entry in entries.order_by("id"):
        action = _ACTIONS.get(entry.action_flag, str(entry.action_flag))
        object_type = f"{entry.content_type.app_label}.{entry.content_type.model}" if entry.content_type else ""
        audit_logger.info(
            "admin %s %s %s by user %s",
            action,
            object_type,
            entry.object_id,
            user_id,
            extra={
                "json_fields": {
                    "event": "admin_change",
                    "actor_id": user_id,
                    "object_type": object_type,
                    "object_id": entry.object_id,
                    "action": action,
                    "log_entry_id": entry.pk,
                }
            },
        )
