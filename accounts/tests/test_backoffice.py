"""The back office opens only for staff who used a second factor in this session; sessions end sooner; changes
are audited."""

import logging
import time

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from accounts.tests.backoffice import enrol_totp, sign_in_with_mfa
from accounts.tests.factories import PASSWORD, UserFactory
from accounts.tests.test_mfa import current_code, log_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return UserFactory(email="curator@lagiftart.example", is_staff=True, is_superuser=True)


@pytest.fixture
def tolerant_clock(settings):
    settings.MFA_TOTP_TOLERANCE = 1


def test_nobody_signed_in_is_sent_to_the_rate_limited_login_not_the_admin_form(client):
    assert (
        client.get("/backoffice/gifts/gift/")["Location"] == "/en/accounts/login/?next=%2Fbackoffice%2Fgifts%2Fgift%2F"
    )
    admin_login = client.get("/backoffice/login/?next=/backoffice/artists/")
    assert admin_login["Location"] == "/en/accounts/login/?next=%2Fbackoffice%2Fartists%2F"


def test_the_admin_login_form_cannot_be_used_to_sign_in(client, staff):
    response = client.post("/backoffice/login/", {"username": staff.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/")
    assert client.session.get(SESSION_KEY) is None


def test_a_customer_is_refused(client):
    customer = UserFactory(email="giver@example.com")
    sign_in_with_mfa(client, customer)
    assert client.get("/backoffice/").status_code == 403


def test_staff_without_an_authenticator_app_are_sent_to_enrol(client, staff):
    client.force_login(staff)
    response = client.get("/backoffice/")
    assert response["Location"] == "/en/accounts/2fa/totp/activate/?next=%2Fbackoffice%2F"


def test_staff_who_enrolled_but_did_not_use_a_code_this_session_are_asked_for_one(client, staff):
    enrol_totp(staff)
    client.force_login(staff)
    response = client.get("/backoffice/")
    assert response["Location"] == "/en/accounts/2fa/reauthenticate/?next=%2Fbackoffice%2F"


def test_staff_who_log_in_with_password_and_code_reach_the_back_office(client, staff, tolerant_clock):
    secret = enrol_totp(staff).data["secret"]
    log_in(client, staff.email)
    client.post("/en/accounts/2fa/authenticate/", {"code": current_code(secret)})
    assert client.session.get(SESSION_KEY) == str(staff.pk)

    assert client.get("/backoffice/").status_code == 200


def test_entering_a_code_in_the_session_opens_the_back_office(client, staff, tolerant_clock):
    secret = enrol_totp(staff).data["secret"]
    client.force_login(staff)
    page = client.post(
        "/en/accounts/2fa/reauthenticate/?next=/backoffice/", {"code": current_code(secret), "next": "/backoffice/"}
    )
    assert page["Location"] == "/backoffice/"
    assert client.get("/backoffice/").status_code == 200


def test_a_staff_session_ends_two_hours_after_login(client, staff, settings):
    sign_in_with_mfa(client, staff, signed_in_at=time.time() - settings.STAFF_SESSION_MAX_AGE - 5)
    response = client.get("/backoffice/")
    assert response["Location"].startswith("/en/accounts/login/")
    assert client.session.get(SESSION_KEY) is None


def test_a_staff_session_ends_after_idling(client, staff, settings):
    sign_in_with_mfa(client, staff)
    assert client.get("/backoffice/").status_code == 200
    session = client.session
    session["backoffice_last_seen"] = time.time() - settings.STAFF_SESSION_IDLE_TIMEOUT - 5
    session.save()
    assert client.get("/backoffice/")["Location"].startswith("/en/accounts/login/")


def test_the_session_cookie_expires_with_the_idle_timeout(client, staff, settings):
    sign_in_with_mfa(client, staff)
    client.get("/backoffice/")
    assert 0 < client.session.get_expiry_age() <= settings.STAFF_SESSION_IDLE_TIMEOUT


def test_every_admin_change_writes_an_audit_line_even_for_bulk_deletions(client, staff, caplog):
    sign_in_with_mfa(client, staff)
    leaving = [UserFactory(email="someone@example.com"), UserFactory(email="another@example.com")]
    with caplog.at_level(logging.INFO, logger="lagiftart.audit"):
        response = client.post(
            reverse("admin:accounts_user_changelist"),
            {"action": "delete_selected", "_selected_action": [user.pk for user in leaving], "post": "yes"},
        )
    assert response.status_code == 302
    audit = [record.json_fields for record in caplog.records if record.name == "lagiftart.audit"]
    assert sorted((line["object_id"], line["action"], line["actor_id"]) for line in audit) == sorted(
        (str(user.pk), "deleted", staff.pk) for user in leaving
    )
    assert {line["object_type"] for line in audit} == {"accounts.user"}
    assert "someone@example.com" not in caplog.text


def test_the_front_page_counts_each_queue_and_links_to_it(client, staff):
    from datetime import timedelta

    from django.contrib.auth.models import Group
    from django.utils import timezone

    from artists.models import ArtistApplication
    from artists.tests.factories import ArtistFactory
    from compliance.models import DataSubjectRequest, RequestKind, RequestStatus
    from compliance.regimes import GDPR

    artist = ArtistFactory(status="applied")
    ArtistApplication.objects.create(
        artist=artist,
        name="Rosa",
        email="rosa@example.com",
        language="es",
        home_locale=artist.home_locale,
        craft="Barro negro",
        statement="Hola",
        consented_to_terms_at=timezone.now(),
    )
    received = timezone.now() - timedelta(days=60)
    DataSubjectRequest.objects.create(
        kind=RequestKind.OBJECTION,
        email="ana@example.com",
        language="es",
        regime=GDPR.code,
        status=RequestStatus.OPEN,
        received_at=received,
        confirmed_at=received,
        due_on=GDPR.due_on(timezone.localdate(received)),
    )
    sign_in_with_mfa(client, staff)
    page = client.get("/backoffice/").content.decode()
    assert (
        '<a href="/backoffice/artists/artistapplication/?status__exact=submitted" class="staff-dashboard-count">1</a>'
        in page
    )
    assert (
        '<a href="/backoffice/compliance/datasubjectrequest/?deadline=overdue" class="staff-dashboard-count">1</a>'
        in page
    )
    assert "/backoffice/gifts/order/?status__in=paid,in_production" in page
    assert client.get("/backoffice/gifts/order/?status__in=paid,in_production").status_code == 200

    curator = UserFactory(email="only-curator@lagiftart.example", is_staff=True)
    curator.groups.add(Group.objects.get(name="Curator"))
    client.logout()
    sign_in_with_mfa(client, curator)
    page = client.get("/backoffice/").content.decode()
    assert "artistapplication/?status__exact=submitted" in page
    assert "datasubjectrequest" not in page
