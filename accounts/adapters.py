"""How django-allauth fits LaGiftArt: one full-name field, the language people signed up in, emails by the worker."""

from datetime import datetime

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.utils import user_email
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import Http404
from django.utils.translation import get_language

from accounts.tasks import send_email


def _valid_email(value: str | None) -> str:
    try:
        validate_email(value)
    except ValidationError:
        return ""
    return value or ""


def _page_language() -> str:
    language = get_language() or settings.LANGUAGE_CODE
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _plain_context(context: dict) -> dict:
    """allauth's email context as JSON the task queue can store: the user becomes their display name."""
    plain: dict = {"current_site": {"name": settings.SITE_NAME, "domain": settings.SITE_URL.split("://")[-1]}}
    for key, value in context.items():
        if key in {"request", "current_site"}:
            continue
        if key == "user":
            plain["user_display"] = value.get_full_name() if value is not None else ""
        elif isinstance(value, datetime):
            plain[key] = value.strftime("%Y-%m-%d %H:%M %Z")
        elif value is None or isinstance(value, str | int | float | bool):
            plain[key] = value
        else:
            plain[key] = str(value)
    return plain


class AccountAdapter(DefaultAccountAdapter):
    """New accounts remember the language they signed up in; allauth's emails go out through the task worker,
    in the recipient's language, so a slow mail provider never holds up signing up or resetting a password."""

    def save_user(self, request, user, form, commit=True):
        user.preferred_language = _page_language()
        return super().save_user(request, user, form, commit=commit)

    def send_notification_mail(self, template_prefix, user, context=None, email=None):
        # allauth leaves the user out of a notification's context; we need it for the language.
        return super().send_notification_mail(template_prefix, user, {**(context or {}), "user": user}, email)

    def send_mail(self, template_prefix, email, context):
        user = context.get("user")
        language = getattr(user, "preferred_language", "") or _page_language()
        send_email.enqueue(to=email, template=template_prefix, context=_plain_context(context), language=language)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """A Google sign-up fills our single name field instead of the first/last name fields we do not have; a
    provider without keys in the settings is a 404, not a server error."""

    def get_provider(self, request, provider, client_id=None):
        from allauth.socialaccount.models import SocialApp

        try:
            return super().get_provider(request, provider, client_id=client_id)
        except SocialApp.DoesNotExist as error:
            raise Http404("This sign-in provider is not configured.") from error

    def populate_user(self, request, sociallogin, data):
        user = sociallogin.user
        user_email(user, _valid_email(data.get("email")))
        extra = sociallogin.account.extra_data or {}
        parts = (data.get("first_name") or "", data.get("last_name") or "")
        full_name = extra.get("name") or " ".join(part for part in parts if part)
        user.full_name = full_name[: user._meta.get_field("full_name").max_length]
        user.preferred_language = _page_language()
        return user
