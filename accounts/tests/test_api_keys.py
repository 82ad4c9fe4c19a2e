"""Partner API keys: issued in the back office and shown once, stored as a digest, scoped, expiring, revocable,
stamped when used, and gone with their owner's erasure."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from accounts import api_keys
from accounts.models import ApiKey, ApiScope
from accounts.tests.api_clients import key_headers, make_key
from accounts.tests.backoffice import sign_in_with_mfa
from accounts.tests.factories import UserFactory
from compliance.registry import Subject
from compliance.services import erase_subject, export_subject

pytestmark = pytest.mark.django_db

KEY_PATTERN = re.compile(r'value="([a-z0-9]{12}\.[A-Za-z0-9_-]{43})"')


@pytest.fixture
def partner():
    return UserFactory(email="api@acme.example", full_name="Acme Gifts")


def add_key(client, **overrides):
    data = {
        "partner_email": "api@acme.example",
        "name": "Acme gift portal",
        "scopes": ["catalog:read", "orders:read"],
        "expires_at_0": (timezone.now() + timedelta(days=90)).strftime("%Y-%m-%d"),
        "expires_at_1": "12:00:00",
    }
    data.update(overrides)
    return client.post(reverse("admin:accounts_apikey_add"), data)


def test_staff_see_the_full_key_once_and_only_its_digest_is_stored(admin_client, partner):
    response = add_key(admin_client)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    full_key = KEY_PATTERN.search(response.content.decode()).group(1)
    key = ApiKey.objects.get()
    prefix, secret = full_key.split(".")
    assert (key.user, key.name, key.prefix, key.scopes) == (
        partner,
        "Acme gift portal",
        prefix,
        ["catalog:read", "orders:read"],
    )
    assert key.secret_digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(ApiKey.objects.values().get())
    assert key.created_by.is_superuser
    assert LogEntry.objects.filter(object_id=str(key.pk)).exists()
    change_page = admin_client.get(reverse("admin:accounts_apikey_change", args=[key.pk])).content.decode()
    assert prefix in change_page and secret not in change_page
    assert secret not in admin_client.get(reverse("admin:accounts_apikey_changelist")).content.decode()


def test_the_new_key_opens_the_api_as_its_partner(admin_client, client, partner):
    full_key = KEY_PATTERN.search(add_key(admin_client, scopes=["orders:read"]).content.decode()).group(1)
    response = client.get("/api/v1/orders/", headers=key_headers(full_key))
    assert response.status_code == 200 and response.json()["count"] == 0


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"partner_email": "nobody@example.com"}, "partner_email", "No account has this email address"),
        ({"scopes": []}, "scopes", "This field is required"),
        ({"scopes": ["orders:delete"]}, "scopes", "Select a valid choice"),
        ({"expires_at_0": "2020-01-01"}, "expires_at", "The expiry must be in the future"),
        ({"name": ""}, "name", "This field is required"),
    ],
)
def test_a_key_is_not_issued_from_a_bad_form(admin_client, partner, overrides, field, message):
    response = add_key(admin_client, **overrides)
    assert response.status_code == 200
    assert message in str(response.context["adminform"].form.errors[field])
    assert not ApiKey.objects.exists()


def test_the_service_refuses_what_the_form_would(partner):
    soon = timezone.now() + timedelta(days=1)
    with pytest.raises(api_keys.ApiKeyError, match="at least one scope"):
        api_keys.issue_api_key(user=partner, name="x", scopes=[], expires_at=soon, created_by=None)
    with pytest.raises(api_keys.ApiKeyError, match="Unknown scope"):
        api_keys.issue_api_key(user=partner, name="x", scopes=["admin"], expires_at=soon, created_by=None)
    partner.is_active = False
    with pytest.raises(api_keys.ApiKeyError, match="disabled"):
        api_keys.issue_api_key(user=partner, name="x", scopes=["catalog:read"], expires_at=soon, created_by=None)


def test_revoking_in_the_admin_stops_the_key_at_once(admin_client, client, partner):
    key, full_key = make_key(partner, [ApiScope.ORDERS_READ])
    assert client.get("/api/v1/orders/", headers=key_headers(full_key)).status_code == 200
    response = admin_client.post(
        reverse("admin:accounts_apikey_changelist"), {"action": "revoke", "_selected_action": [key.pk]}
    )
    assert response.status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None
    refused = client.get("/api/v1/orders/", headers=key_headers(full_key))
    assert refused.status_code == 401
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["type"] == "urn:lagiftart:problem:api_key_revoked"
    assert "revoked" in refused.json()["detail"]
    assert refused["WWW-Authenticate"] == 'Api-Key realm="api"'


def test_keys_are_never_deleted_in_the_admin(admin_client, partner):
    key, _full = make_key(partner)
    assert admin_client.get(reverse("admin:accounts_apikey_delete", args=[key.pk])).status_code == 403


def test_staff_may_extend_or_rename_a_key_but_not_change_its_owner_or_scopes(admin_client, partner):
    key, _full = make_key(partner, [ApiScope.CATALOG_READ])
    later = timezone.now() + timedelta(days=200)
    response = admin_client.post(
        reverse("admin:accounts_apikey_change", args=[key.pk]),
        {
            "name": "Acme (renewed)",
            "expires_at_0": later.strftime("%Y-%m-%d"),
            "expires_at_1": "08:00:00",
            "scopes": ["orders:write"],
        },
    )
    assert response.status_code == 302
    key.refresh_from_db()
    assert key.name == "Acme (renewed)" and key.expires_at.date() == later.date()
    assert key.scopes == ["catalog:read"] and key.user == partner


def test_the_list_says_which_keys_still_work(admin_client, partner):
    usable, _ = make_key(partner)
    expired, _ = make_key(partner, expires_in=timedelta(days=-1))
    revoked, _ = make_key(partner, revoked=True)
    url = reverse("admin:accounts_apikey_changelist")
    assert list(admin_client.get(url, {"state": "usable"}).context["cl"].result_list) == [usable]
    assert list(admin_client.get(url, {"state": "expired"}).context["cl"].result_list) == [expired]
    assert list(admin_client.get(url, {"state": "revoked"}).context["cl"].result_list) == [revoked]


def test_the_partner_manager_role_manages_keys_and_nothing_else(client, partner):
    staff = UserFactory(email="partners@lagiftart.example", is_staff=True)
    staff.groups.add(Group.objects.get(name="Partner manager"))
    sign_in_with_mfa(client, staff)
    assert client.get(reverse("admin:accounts_apikey_changelist")).status_code == 200
    assert add_key(client).status_code == 200 and ApiKey.objects.count() == 1
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 403
    assert client.get(reverse("admin:gifts_order_changelist")).status_code == 403


def test_an_expired_key_is_refused_with_a_clear_problem(client, partner):
    _key, full_key = make_key(partner, expires_in=timedelta(seconds=-1))
    response = client.get("/api/v1/orders/", headers=key_headers(full_key))
    assert response.status_code == 401
    assert response.json()["type"] == "urn:lagiftart:problem:api_key_expired"
    assert response.json()["detail"] == "This API key has expired. Ask LaGiftArt for a new one."


@pytest.mark.parametrize(
    "presented",
    ["", "nodot", "abcdefghijkl.wrong-secret", "short.secret", "Api-Key two parts", "ünïcode.x"],
)
def test_a_malformed_or_unknown_key_is_a_401_never_anonymous(client, partner, presented):
    make_key(partner)
    response = client.get("/api/v1/gifts/", headers={"Authorization": f"Api-Key {presented}"})
    assert response.status_code == 401
    assert response.json()["type"] == "urn:lagiftart:problem:api_key_invalid"


def test_a_right_prefix_with_a_wrong_secret_is_refused(client, partner):
    _key, full_key = make_key(partner)
    prefix = full_key.split(".")[0]
    response = client.get("/api/v1/orders/", headers=key_headers(f"{prefix}.{'x' * 43}"))
    assert response.status_code == 401 and response.json()["type"] == "urn:lagiftart:problem:api_key_invalid"


def test_a_key_of_a_disabled_account_opens_nothing(client, partner):
    _key, full_key = make_key(partner)
    partner.is_active = False
    partner.save(update_fields=["is_active"])
    assert client.get("/api/v1/orders/", headers=key_headers(full_key)).status_code == 401


def test_last_used_is_stamped_at_most_once_a_minute(client, partner):
    key, full_key = make_key(partner, [ApiScope.ORDERS_READ])
    assert key.last_used_at is None
    client.get("/api/v1/orders/", headers=key_headers(full_key))
    key.refresh_from_db()
    first = key.last_used_at
    assert first is not None
    client.get("/api/v1/orders/", headers=key_headers(full_key))
    key.refresh_from_db()
    assert key.last_used_at == first
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=first - timedelta(minutes=2))
    client.get("/api/v1/orders/", headers=key_headers(full_key))
    key.refresh_from_db()
    assert key.last_used_at > first


def test_a_fresh_stamp_costs_no_write(partner, django_assert_num_queries):
    key, _full = make_key(partner)
    now = timezone.now()
    api_keys.note_use(key, now=now)
    with django_assert_num_queries(0):
        api_keys.note_use(key, now=now + timedelta(seconds=30))


def test_erasing_the_partner_exports_then_deletes_their_keys(partner):
    key, full_key = make_key(partner)
    subject = Subject(email=partner.email, user_id=partner.pk)
    [exported] = export_subject(subject)["accounts.api_keys"]
    assert exported["prefix"] == key.prefix and "secret_digest" not in exported
    assert full_key.split(".")[1] not in str(exported)
    receipt = erase_subject(subject)
    assert receipt.summary["accounts.api_keys"] == {"deleted": 1}
    assert not ApiKey.objects.exists()


def test_a_kept_staff_account_keeps_no_working_key(client):
    staff = UserFactory(email="ops@lagiftart.example", is_staff=True)
    _key, full_key = make_key(staff)
    erase_subject(Subject(email=staff.email, user_id=staff.pk))
    staff.refresh_from_db()
    assert not staff.is_active and not ApiKey.objects.exists()
    assert client.get("/api/v1/gifts/", headers=key_headers(full_key)).status_code == 401
