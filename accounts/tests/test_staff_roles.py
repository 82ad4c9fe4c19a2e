"""Staff roles from the data migration, least privilege: each role opens its own screens and nothing else."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.tests.backoffice import sign_in_with_mfa
from accounts.tests.factories import UserFactory
from gifts.tests.world import build_world

pytestmark = pytest.mark.django_db

SCREENS = {
    "artists": "artists_artist",
    "applications": "artists_artistapplication",
    "gifts": "gifts_gift",
    "categories": "gifts_category",
    "markets": "locales_locale",
    "lanes": "locales_shippinglane",
    "rates": "locales_exchangerate",
    "requests": "compliance_datasubjectrequest",
    "consent ledger": "compliance_consentrecord",
    "users": "accounts_user",
    "orders": "gifts_order",
}

OPENS = {
    "Curator": {"artists", "applications", "gifts", "categories"},
    "Market manager": {"markets", "lanes", "rates"},
    "Compliance officer": {"requests", "consent ledger"},
    "Support": {"orders"},
}


def staff_in(role: str, client):
    user = UserFactory(email=f"{role.lower().replace(' ', '-')}@lagiftart.example", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return sign_in_with_mfa(client, user)


def test_the_roles_exist_and_none_may_delete_a_gift_an_artist_or_a_market():
    for group in Group.objects.filter(name__in=OPENS):
        codenames = set(group.permissions.values_list("codename", flat=True))
        assert not codenames & {"delete_gift", "delete_artist", "delete_locale", "delete_datasubjectrequest"}
    assert set(Group.objects.values_list("name", flat=True)) >= set(OPENS)


@pytest.mark.parametrize("role", sorted(OPENS))
def test_each_role_opens_its_own_screens_and_no_others(client, role):
    staff_in(role, client)
    for screen, url_name in SCREENS.items():
        status = client.get(reverse(f"admin:{url_name}_changelist")).status_code
        assert status == (200 if screen in OPENS[role] else 403), f"{role} on {screen}: {status}"


def test_support_cannot_edit_a_gift_and_a_curator_can(client):
    world = build_world()
    url = reverse("admin:gifts_gift_change", args=[world.tea_bowl.pk])
    staff_in("Support", client)
    assert client.get(url).status_code == 403
    assert client.post(url, {"title_en": "Changed"}).status_code == 403
    client.logout()
    staff_in("Curator", client)
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="title_en"' in page.content.decode()


def test_a_curator_cannot_open_a_data_subject_request_or_a_market(client):
    world = build_world()
    staff_in("Curator", client)
    assert client.get(reverse("admin:locales_locale_change", args=[world.kyoto.pk])).status_code == 403
    assert client.get(reverse("admin:compliance_datasubjectrequest_changelist")).status_code == 403
