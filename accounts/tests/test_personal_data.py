"""The account and address book in the personal-data registry: exported in full, credentials excepted; erased
entirely for a customer, emptied and disabled for a staff member whose admin history must keep pointing somewhere."""

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType

from accounts.models import Address, User
from accounts.tests.factories import AddressFactory, UserFactory
from compliance.registry import Subject, registry
from compliance.services import erase_subject, export_subject

pytestmark = pytest.mark.django_db

TOTP_SECRET = "JBSWY3DPEHPK3PXP"


@pytest.fixture
def giver():
    user = UserFactory(email="noor@example.com", full_name="Noor Haddad", preferred_currency="EUR")
    AddressFactory(user=user, recipient_name="Claire Martin", phone="+33472000000", is_default=True)
    EmailAddress.objects.create(user=user, email="noor.work@example.com", verified=False)
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": TOTP_SECRET})
    google = SocialApp.objects.create(provider="google", name="Google", client_id="id", secret="s")
    account = SocialAccount.objects.create(
        user=user, provider="google", uid="1089", extra_data={"email": "noor@example.com", "name": "Noor Haddad"}
    )
    SocialToken.objects.create(app=google, account=account, token="ya29.token")
    return user


def subject_of(user):
    return Subject(email=user.email, user_id=user.pk)


def test_accounts_registers_the_account_after_what_points_at_it():
    order = {provider.category: provider.erase_order for provider in registry.providers()}
    assert order["accounts.addresses"] < order["accounts.account"] == 900
    assert order["gifts.orders"] < order["accounts.account"] < order["compliance.requests"]


def test_the_export_holds_the_account_sign_in_methods_and_addresses_but_no_secret(giver):
    data = export_subject(subject_of(giver))

    account = data["accounts.account"]
    assert (account["email"], account["full_name"], account["preferred_currency"]) == (
        "noor@example.com",
        "Noor Haddad",
        "EUR",
    )
    assert {a["email"] for a in account["email_addresses"]} == {"noor@example.com", "noor.work@example.com"}
    assert [m["type"] for m in account["two_factor_methods"]] == ["totp"]
    assert account["linked_logins"][0]["profile_received"]["name"] == "Noor Haddad"
    assert TOTP_SECRET not in repr(data) and "ya29.token" not in repr(data)
    [address] = data["accounts.addresses"]
    assert address["recipient_name"] == "Claire Martin" and address["phone"] == "+33472000000"
    assert "12 rue de la République" in address["lines"]


def test_someone_without_an_account_exports_nothing_from_accounts():
    data = export_subject(Subject(email="nobody@example.com"))
    assert data["accounts.account"] is None and data["accounts.addresses"] == []


def test_erasing_a_customer_deletes_the_account_and_everything_it_signs_in_with(giver):
    other = UserFactory(email="someone.else@example.com")
    AddressFactory(user=other)

    receipt = erase_subject(subject_of(giver))

    assert not User.objects.filter(pk=giver.pk).exists()
    assert not EmailAddress.objects.filter(email__icontains="noor").exists()
    assert not Authenticator.objects.exists()
    assert not SocialAccount.objects.exists() and not SocialToken.objects.exists()
    assert list(Address.objects.values_list("user__email", flat=True)) == ["someone.else@example.com"]
    assert receipt.summary["accounts.account"]["account"] == "deleted"
    assert receipt.summary["accounts.addresses"] == {"deleted": 1}


def test_another_accounts_unconfirmed_claim_to_the_address_goes_too(giver):
    squatter = UserFactory(email="squatter@example.com")
    EmailAddress.objects.create(user=squatter, email="NOOR@example.com", verified=False)

    erase_subject(subject_of(giver))

    assert list(EmailAddress.objects.values_list("email", flat=True)) == ["squatter@example.com"]


def test_erasing_a_staff_member_keeps_a_nameless_disabled_account_for_the_admin_history(giver):
    giver.is_staff = True
    giver.save()
    customer = UserFactory(email="customer@example.com")
    user_type = ContentType.objects.get_for_model(User)
    LogEntry.objects.create(
        user=giver, content_type=user_type, object_id=str(customer.pk), object_repr=str(customer), action_flag=CHANGE
    )
    about_them = LogEntry.objects.create(
        user=customer, content_type=user_type, object_id=str(giver.pk), object_repr=str(giver), action_flag=CHANGE
    )

    receipt = erase_subject(subject_of(giver))

    kept = User.objects.get(pk=giver.pk)
    assert kept.email == f"erased-{giver.pk}@erased.invalid" and kept.full_name == ""
    assert not kept.is_active and not kept.is_staff and not kept.has_usable_password()
    assert LogEntry.objects.filter(user=kept).count() == 1
    about_them.refresh_from_db()
    assert "noor" not in about_them.object_repr
    assert not Address.objects.filter(user=kept).exists() and not Authenticator.objects.exists()
    assert receipt.summary["accounts.account"]["account"] == "disabled and emptied"
