"""A person's privacy over the API: consent read and changed through the ledger (source "api"), and their own
data-subject requests, filed only after they confirmed who they are, as on the portal."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.tests.api_clients import APP, key_headers, make_key, session_token, token_headers
from accounts.tests.factories import PASSWORD, UserFactory
from compliance.models import (
    ConsentRecord,
    ConsentSource,
    DataSubjectRequest,
    PolicyVersion,
    RequestKind,
    RequestStatus,
)
from compliance.regimes import GDPR
from compliance.services import file_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(client):
    user = UserFactory(email="noor@example.com")
    client.force_login(user)
    return user


def problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    return response.json()


def purposes(body) -> dict:
    return {purpose["code"]: purpose for purpose in body["purposes"]}


# Consent -------------------------------------------------------------------------------------------------------


def test_the_consent_state_follows_the_regime_before_any_choice(client, person, in_eu):
    body = client.get("/api/v1/consent/", headers=in_eu).json()
    assert body["regime"]["code"] == "gdpr" and body["regime"]["asks_first"] is True
    assert body["needs_choice"] is True and body["policy"]["version"]
    state = purposes(body)
    assert state["necessary"]["allowed"] is True and state["necessary"]["necessary"] is True
    assert (state["analytics"]["allowed"], state["analytics"]["chosen"], state["analytics"]["source"]) == (
        False,
        None,
        None,
    )


def test_a_choice_over_the_api_is_a_ledger_row_with_source_api(client, person, in_eu):
    response = client.patch(
        "/api/v1/consent/", {"purposes": {"analytics": True}}, content_type="application/json", headers=in_eu
    )
    assert response.status_code == 200
    analytics = purposes(response.json())["analytics"]
    assert (analytics["allowed"], analytics["chosen"], analytics["source"]) == (True, True, "api")
    record = ConsentRecord.objects.get()
    assert (record.user_id, record.purpose.code, record.granted, record.source, record.regime) == (
        person.pk,
        "analytics",
        True,
        ConsentSource.API,
        "gdpr",
    )
    # The same choice again changes nothing, so it adds nothing.
    client.patch("/api/v1/consent/", {"purposes": {"analytics": True}}, content_type="application/json", headers=in_eu)
    assert ConsentRecord.objects.count() == 1


def test_a_withdrawal_applies_at_once(client, person, in_eu):
    client.patch("/api/v1/consent/", {"purposes": {"marketing": True}}, content_type="application/json", headers=in_eu)
    response = client.patch(
        "/api/v1/consent/", {"purposes": {"marketing": False}}, content_type="application/json", headers=in_eu
    )
    assert purposes(response.json())["marketing"]["allowed"] is False
    assert purposes(client.get("/api/v1/consent/", headers=in_eu).json())["marketing"]["allowed"] is False
    assert list(ConsentRecord.objects.order_by("id").values_list("granted", flat=True)) == [True, False]


def test_put_sets_every_purpose_and_refuses_a_partial_set(client, person):
    body = problem(
        client.put("/api/v1/consent/", {"purposes": {"analytics": True}}, content_type="application/json"), 400
    )
    assert "missing" in body["errors"]["purposes"][0]
    everything = {"analytics": True, "marketing": False, "personalisation": False}
    response = client.put("/api/v1/consent/", {"purposes": everything}, content_type="application/json")
    assert response.status_code == 200
    assert ConsentRecord.objects.filter(user_id=person.pk).count() == 3


@pytest.mark.parametrize(
    ("choice", "field"),
    [
        ({"purposes": {"necessary": False}}, "purposes.necessary"),
        ({"purposes": {"tracking": True}}, "purposes.tracking"),
        ({"purposes": {"analytics": "sometimes"}}, "purposes.analytics"),
        ({"purposes": []}, "purposes"),
    ],
)
def test_a_bad_choice_is_a_400_naming_the_purpose(client, person, choice, field):
    body = problem(client.patch("/api/v1/consent/", choice, content_type="application/json"), 400)
    assert field in body["errors"], body
    assert not ConsentRecord.objects.exists()


def test_a_patch_naming_no_purpose_changes_nothing_and_a_put_must_name_them_all(client, person):
    assert client.patch("/api/v1/consent/", {}, content_type="application/json").status_code == 200
    body = problem(client.put("/api/v1/consent/", {}, content_type="application/json"), 400)
    assert "purposes" in body["errors"]
    assert not ConsentRecord.objects.exists()


def test_global_privacy_control_refuses_a_sale_where_the_law_says_so(client, person, in_california):
    headers = {**in_california, "Sec-GPC": "1"}
    response = client.patch(
        "/api/v1/consent/", {"purposes": {"marketing": True}}, content_type="application/json", headers=headers
    )
    marketing = purposes(response.json())["marketing"]
    assert (marketing["allowed"], marketing["locked_by_gpc"]) == (False, True)
    assert ConsentRecord.objects.get().source == ConsentSource.GPC


def test_without_a_policy_in_effect_no_choice_is_recorded(client, person):
    PolicyVersion.objects.all().delete()
    body = problem(
        client.patch("/api/v1/consent/", {"purposes": {"analytics": True}}, content_type="application/json"), 503
    )
    assert body["detail"] == "Consent cannot be recorded right now. Please try again later."


def test_an_app_reads_consent_for_its_account(person):
    app = Client()
    token = session_token(app, person.email)
    app.patch(
        "/api/v1/consent/",
        {"purposes": {"analytics": True}},
        content_type="application/json",
        headers=token_headers(token),
    )
    assert ConsentRecord.objects.get().user_id == person.pk


# Data-subject requests -----------------------------------------------------------------------------------------


def reauthenticated_app(user) -> tuple[Client, dict]:
    """An app that signed in and then confirmed the password again, as allauth's headless API lets it."""
    app = Client()
    headers = token_headers(session_token(app, user.email))
    response = app.post(
        f"{APP}/auth/reauthenticate", {"password": PASSWORD}, content_type="application/json", headers=headers
    )
    assert response.status_code == 200, response.content
    return app, headers


def test_filing_needs_a_fresh_confirmation_of_who_you_are(person, mailoutbox):
    app = Client()
    headers = token_headers(session_token(app, person.email))
    body = problem(
        app.post("/api/v1/privacy/requests/", {"kind": "access"}, content_type="application/json", headers=headers), 403
    )
    assert body["type"] == "urn:lagiftart:problem:reauthentication_required"
    assert not DataSubjectRequest.objects.exists()


def test_an_app_files_a_request_after_reauthenticating_and_it_is_confirmed_at_once(person, in_eu):
    app, headers = reauthenticated_app(person)
    response = app.post(
        "/api/v1/privacy/requests/",
        {"kind": "objection", "details": "No newsletters"},
        content_type="application/json",
        headers={**headers, **in_eu},
    )
    assert response.status_code == 201, response.content
    dsr = DataSubjectRequest.objects.get()
    assert (dsr.user_id, dsr.email, dsr.status, dsr.regime, dsr.kind) == (
        person.pk,
        person.email,
        RequestStatus.OPEN,
        "gdpr",
        RequestKind.OBJECTION,
    )
    body = response.json()
    assert response["Location"] == f"/api/v1/privacy/requests/{dsr.reference}/"
    assert body["reference"] == str(dsr.reference) and body["status"] == "open"
    assert [event["kind"] for event in body["events"]] == ["filed", "confirmed"]
    assert "/privacy/requests/status/" in body["status_page"]


def test_a_browser_files_after_reauthenticating_on_the_site(client, person):
    assert (
        client.post("/api/v1/privacy/requests/", {"kind": "access"}, content_type="application/json").status_code == 403
    )
    client.post("/en/accounts/reauthenticate/", {"password": PASSWORD})
    response = client.post("/api/v1/privacy/requests/", {"kind": "access"}, content_type="application/json")
    assert response.status_code == 201
    assert DataSubjectRequest.objects.get().kind == RequestKind.ACCESS


def test_a_correction_needs_details(person):
    app, headers = reauthenticated_app(person)
    body = problem(
        app.post(
            "/api/v1/privacy/requests/", {"kind": "rectification"}, content_type="application/json", headers=headers
        ),
        400,
    )
    assert body["errors"]["details"] == ["Tell us what to correct."]


def test_an_unknown_kind_is_a_400(person):
    app, headers = reauthenticated_app(person)
    body = problem(
        app.post(
            "/api/v1/privacy/requests/", {"kind": "delete-everything"}, content_type="application/json", headers=headers
        ),
        400,
    )
    assert "kind" in body["errors"]


def filed_for(user, kind=RequestKind.ACCESS):
    return file_request(kind=kind, email=user.email, language="en", regime=GDPR, user_id=user.pk)


def test_a_person_lists_and_opens_only_their_own_requests(client, person):
    mine = filed_for(person, RequestKind.RESTRICTION)
    theirs = filed_for(UserFactory(email="other@example.com"))
    listed = client.get("/api/v1/privacy/requests/").json()
    assert [item["reference"] for item in listed["results"]] == [str(mine.reference)]
    address = f"http://testserver/api/v1/privacy/requests/{mine.reference}/"
    assert listed["results"][0]["url"] == address
    assert client.get(address).json()["kind"] == "restriction"
    body = problem(client.get(f"/api/v1/privacy/requests/{theirs.reference}/"), 404)
    assert body["detail"] == "You have no request with this reference."
    problem(client.get("/api/v1/privacy/requests/00000000-0000-0000-0000-000000000000/"), 404)
    problem(client.get("/api/v1/privacy/requests/not-a-uuid/"), 404)


def test_listing_requests_costs_the_same_queries_for_one_or_many(client, person):
    filed_for(person)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/v1/privacy/requests/").status_code == 200
        return len(captured)

    one = queries()
    filed_for(person, RequestKind.OBJECTION)
    filed_for(person, RequestKind.RESTRICTION)
    assert queries() == one


@pytest.mark.parametrize("path", ["/api/v1/consent/", "/api/v1/privacy/requests/"])
def test_no_partner_key_reaches_a_persons_privacy(client, path):
    _key, full_key = make_key(UserFactory())
    assert problem(client.get(path, headers=key_headers(full_key)), 403)
