"""What accounts/ holds about a person: the account, its sign-in methods and the address book.

Registered from AccountsConfig.ready() (docs/compliance.md). Addresses go first (erase order 100, with the other
data that points at the account); the account itself goes at 900, after gifts has pseudonymized the orders that
point at it (`Order.giver` is SET_NULL, and gifts clears it itself). A customer's account is deleted with its
email addresses, authenticators and social logins. A staff account is kept but emptied and disabled instead, so
the admin's history of who did what still points at one (now nameless) account rather than vanishing with it.
Admin log entries about the account or its addresses name them in `object_repr`; those names are replaced.

Authenticator secrets and recovery codes are never exported: they are credentials, not information about anyone.
A partner's API keys hold nothing about a person but the link to the account and when they were last used; that
is exported (never the digest) and the keys are deleted with the rest, before the account, so a kept staff account
keeps no working key.
"""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Address, ApiKey, User
from compliance.registry import PersonalDataProvider, Subject, register


def _user(subject: Subject) -> User | None:
    if subject.user_id is None:
        return None
    return User.objects.filter(pk=subject.user_id).first()


def _email_addresses(subject: Subject):
    """The account's addresses, and any other account's unconfirmed claim to the subject's address."""
    condition = Q(pk__in=[])
    if subject.user_id is not None:
        condition |= Q(user_id=subject.user_id)
    if subject.email:
        condition |= Q(email__iexact=subject.email, verified=False)
    return EmailAddress.objects.filter(condition)


def export_account(subject: Subject) -> dict | None:
    user = _user(subject)
    if user is None:
        return None
    return {
        "email": user.email,
        "full_name": user.full_name,
        "preferred_language": user.preferred_language,
        "preferred_currency": user.preferred_currency,
        "joined_at": user.date_joined,
        "last_login_at": user.last_login,
        "active": user.is_active,
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in _email_addresses(subject).order_by("-primary", "email")
        ],
        "two_factor_methods": [
            {
                "type": authenticator.type,
                "added_at": authenticator.created_at,
                "last_used_at": authenticator.last_used_at,
            }
            for authenticator in Authenticator.objects.filter(user=user).order_by("created_at")
        ],
        "linked_logins": [
            {
                "provider": account.provider,
                "account_id": account.uid,
                "linked_at": account.date_joined,
                "last_login_at": account.last_login,
                "profile_received": account.extra_data,
            }
            for account in SocialAccount.objects.filter(user=user).order_by("date_joined")
        ],
    }


def _keeps_history(user: User) -> bool:
    """Staff accounts stay (emptied): the admin's audit trail and curation history point at them."""
    return user.is_staff or user.is_superuser or LogEntry.objects.filter(user=user).exists()


def _forget_admin_log_entries(model, object_ids) -> int:
    object_ids = [str(pk) for pk in object_ids]
    if not object_ids:
        return 0
    content_type = ContentType.objects.get_for_model(model)
    return LogEntry.objects.filter(content_type=content_type, object_id__in=object_ids).update(
        object_repr=f"{model._meta.verbose_name} (erased)"
    )


def erase_account(subject: Subject) -> dict:
    """Delete the sign-in methods and the account; a staff account is disabled and emptied instead."""
    email_addresses, _detail = _email_addresses(subject).delete()
    user = _user(subject)
    if user is None:
        return {"email_addresses_deleted": email_addresses, "account": "none"}
    authenticators, _detail = Authenticator.objects.filter(user=user).delete()
    social_accounts, _detail = SocialAccount.objects.filter(user=user).delete()  # their tokens go with them
    log_entries = _forget_admin_log_entries(User, [user.pk])
    summary = {
        "email_addresses_deleted": email_addresses,
        "authenticators_deleted": authenticators,
        "linked_logins_deleted": social_accounts,
        "admin_log_entries_anonymized": log_entries,
    }
    if _keeps_history(user):
        user.email = f"erased-{user.pk}@erased.invalid"
        user.full_name = ""
        user.preferred_currency = ""
        user.is_active = False
        user.is_staff = False
        user.is_superuser = False
        user.set_unusable_password()  # also ends every session: the session hash no longer matches
        user.save()
        user.groups.clear()
        user.user_permissions.clear()
        summary["account"] = "disabled and emptied"
    else:
        user.delete()
        summary["account"] = "deleted"
    return summary


def export_addresses(subject: Subject) -> list[dict]:
    if subject.user_id is None:
        return []
    return [
        {
            "recipient_name": address.recipient_name,
            "lines": address.lines(),
            "country": address.country.code,
            "phone": address.phone,
            "default": address.is_default,
            "added_at": address.created_at,
            "updated_at": address.updated_at,
        }
        for address in Address.objects.filter(user_id=subject.user_id)
    ]


def erase_addresses(subject: Subject) -> dict:
    """The address book goes entirely: orders keep their own copy of an address, pseudonymized by gifts."""
    if subject.user_id is None:
        return {"deleted": 0}
    addresses = Address.objects.filter(user_id=subject.user_id)
    _forget_admin_log_entries(Address, addresses.values_list("pk", flat=True))
    deleted, _detail = addresses.delete()
    return {"deleted": deleted}


register(
    PersonalDataProvider(
        category="accounts.account",
        label=_("Your account and how you sign in"),
        export=export_account,
        erase=erase_account,
        erase_order=900,
    )
)
register(
    PersonalDataProvider(
        category="accounts.addresses",
        label=_("Your address book"),
        export=export_addresses,
        erase=erase_addresses,
        erase_order=100,
    )
)


def export_api_keys(subject: Subject) -> list[dict]:
    if subject.user_id is None:
        return []
    return [
        {
            "name": key.name,
            "prefix": key.prefix,
            "scopes": key.scopes,
            "created_at": key.created_at,
            "expires_at": key.expires_at,
            "revoked_at": key.revoked_at,
            "last_used_at": key.last_used_at,
        }
        for key in ApiKey.objects.filter(user_id=subject.user_id).order_by("created_at", "id")
    ]


def erase_api_keys(subject: Subject) -> dict:
    if subject.user_id is None:
        return {"deleted": 0}
    keys = ApiKey.objects.filter(user_id=subject.user_id)
    _forget_admin_log_entries(ApiKey, keys.values_list("pk", flat=True))
    deleted, _detail = keys.delete()
    return {"deleted": deleted}


register(
    PersonalDataProvider(
        category="accounts.api_keys",
        label=_("Your API keys (partners)"),
        export=export_api_keys,
        erase=erase_api_keys,
        erase_order=100,
    )
)
