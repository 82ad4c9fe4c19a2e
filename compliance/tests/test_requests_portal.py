"""The data-subject request portal: file with an email, confirm once, follow the deadline, download your export."""

import io
import json
import re
import zipfile
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone, translation

from compliance import links
from compliance.models import (
    ConsentRecord,
    DataSubjectRequest,
    RequestEventKind,
    RequestKind,
    RequestStatus,
)
from compliance.regimes import CCPA, GDPR
from compliance.tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

EMAIL = "ana@example.com"
CONFIRM_LINK = re.compile(r"https?://[^/\s]+(/[\w-]+/privacy/requests/confirm/[\w-]+/)")


def file(client, kind="access", email=EMAIL, language="en", headers=None, **extra):
    return client.post(f"/{language}/privacy/requests/", {"kind": kind, "email": email, **extra}, headers=headers or {})


def confirmation_path(mailoutbox) -> str:
    return CONFIRM_LINK.search(mailoutbox[-1].body).group(1)


def confirmed(client, mailoutbox, **kwargs) -> str:
    """File and confirm a request; returns the status page path."""
    file(client, **kwargs)
    response = client.post(confirmation_path(mailoutbox))
    assert response.status_code == 302
    return response["Location"]


def test_anyone_files_with_an_email_and_gets_a_link_in_their_language(client, mailoutbox, in_eu):
    response = file(client, language="fr", headers=in_eu)
    assert response.status_code == 302 and response["Location"] == "/fr/privacy/requests/sent/"
    dsr = DataSubjectRequest.objects.get()
    assert dsr.status == RequestStatus.AWAITING_CONFIRMATION and dsr.language == "fr" and dsr.regime == "gdpr"
    [message] = mailoutbox
    assert message.to == [EMAIL]
    assert (
        message.subject == "Confirmez votre demande de confidentialité"
        or message.extra_headers["Content-Language"] == "fr"
    )
    path = confirmation_path(mailoutbox)
    assert path.startswith("/fr/privacy/requests/confirm/")


def test_the_token_is_stored_only_as_a_hash(client, mailoutbox):
    file(client)
    token = confirmation_path(mailoutbox).rstrip("/").rsplit("/", 1)[1]
    dsr = DataSubjectRequest.objects.get()
    assert dsr.confirmation_token_hash == links.token_digest(token)
    assert token not in json.dumps(list(DataSubjectRequest.objects.values()), default=str)


def test_opening_the_link_does_not_confirm_but_the_button_does_once(client, mailoutbox):
    file(client)
    path = confirmation_path(mailoutbox)
    assert client.get(path).status_code == 200
    assert DataSubjectRequest.objects.get().status == RequestStatus.AWAITING_CONFIRMATION
    response = client.post(path)
    assert response.status_code == 302 and "/privacy/requests/status/" in response["Location"]
    dsr = DataSubjectRequest.objects.get()
    assert dsr.status != RequestStatus.AWAITING_CONFIRMATION and dsr.confirmation_token_hash == ""
    again = client.post(path)
    assert again.status_code == 410
    assert client.get(path).status_code == 410


def test_a_link_older_than_a_day_is_refused(client, mailoutbox):
    file(client, kind="erasure")
    DataSubjectRequest.objects.update(confirmation_expires_at=timezone.now() - timedelta(seconds=1))
    response = client.post(confirmation_path(mailoutbox))
    assert response.status_code == 410
    assert DataSubjectRequest.objects.get().status == RequestStatus.AWAITING_CONFIRMATION


@pytest.mark.parametrize("token", ["nope", "x" * 43, "x" * 200])
def test_a_made_up_token_confirms_nothing(client, token):
    assert client.post(f"/en/privacy/requests/confirm/{token}/").status_code == 410


@pytest.mark.parametrize(("place", "regime"), [("FR", GDPR), ("US,USCA", CCPA)])
def test_the_status_page_shows_the_deadline_of_the_subjects_law(client, mailoutbox, place, regime):
    status = confirmed(client, mailoutbox, kind="erasure", headers={"X-Client-Geo-Location": place})
    page = client.get(status).content.decode()
    due = regime.due_on(timezone.localdate())
    assert f'<time datetime="{due:%Y-%m-%d}">' in page
    assert str(regime.name) in page
    assert DataSubjectRequest.objects.get().due_on == due


def test_confirmation_tells_the_subject_where_to_follow_it(client, mailoutbox):
    status = confirmed(client, mailoutbox, kind="objection")
    assert status in mailoutbox[-1].body
    assert mailoutbox[-1].to == [EMAIL]


def test_the_export_is_a_zip_with_every_category_and_a_readme_in_the_subjects_language(client, mailoutbox):
    status = confirmed(client, mailoutbox, language="de")
    dsr = DataSubjectRequest.objects.get()
    assert dsr.status == RequestStatus.FULFILLED and dsr.export_file
    assert mailoutbox[-1].subject == "Die Kopie Ihrer Daten ist bereit"
    page = client.get(status).content.decode()
    download = re.search(r'href="(/de/privacy/requests/status/[^"]+/export/)"', page).group(1)
    response = client.get(download)
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = set(archive.namelist())
    assert {"README.txt", "compliance.consent.json", "compliance.requests.json"} <= names
    requests = json.loads(archive.read("compliance.requests.json"))
    assert requests[0]["kind"] == "access"
    readme = archive.read("README.txt").decode()
    assert "Jede JSON-Datei enthält eine Art von Daten" in readme
    with translation.override("de"):
        consent_label = translation.gettext("Your privacy choices (consent records)")
    assert consent_label != "Your privacy choices (consent records)"
    assert f"compliance.consent.json: {consent_label}" in readme
    assert dsr.events.filter(kind=RequestEventKind.EXPORT_DOWNLOADED).exists()


def test_nobody_but_the_subject_downloads_the_export(client, mailoutbox, make_user):
    make_user(email=EMAIL)
    status = confirmed(client, mailoutbox)
    download = status + "export/"
    dsr = DataSubjectRequest.objects.get()
    stranger = make_user(email="mallory@example.com")

    other = Client()
    assert other.get(f"/en/privacy/requests/status/{dsr.reference}/export/").status_code == 404
    forged = links.status_key(dsr.reference)[:-2] + "xx"
    assert other.get(f"/en/privacy/requests/status/{forged}/export/").status_code == 404
    other.force_login(stranger)
    assert other.get(download).status_code == 404, "another account cannot use the subject's link"
    assert other.get(status).status_code == 404


def test_an_expired_export_is_gone(client, mailoutbox):
    status = confirmed(client, mailoutbox)
    DataSubjectRequest.objects.update(export_expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(status + "export/").status_code == 404
    assert "Download my data" not in client.get(status).content.decode()


def test_a_flood_of_requests_for_one_address_sends_no_more_mail(client, mailoutbox):
    for _attempt in range(5):
        response = file(client, email="victim@example.com")
        assert response["Location"] == "/en/privacy/requests/sent/"
    assert len(mailoutbox) == 3


def test_a_correction_needs_details_and_bad_input_is_a_form_error(client):
    response = file(client, kind="rectification")
    assert response.status_code == 200 and "Tell us what to correct." in response.content.decode()
    assert file(client, kind="teleport").status_code == 200
    assert file(client, email="not-an-address").status_code == 200
    assert not DataSubjectRequest.objects.exists()


def test_do_not_sell_or_share_applies_at_once(client, mailoutbox, in_california):
    response = file(client, kind="do_not_sell_or_share", headers=in_california)
    visitor = response.cookies["consent_visitor"].value
    client.post(confirmation_path(mailoutbox), headers=in_california)
    dsr = DataSubjectRequest.objects.get()
    assert dsr.status == RequestStatus.FULFILLED
    record = ConsentRecord.objects.get(visitor_id=visitor)
    assert (record.purpose.code, record.granted, record.source) == ("marketing", False, "request")


def test_a_signed_in_person_confirms_by_reauthenticating_not_by_email(client, mailoutbox, make_user):
    user = make_user(email=EMAIL)
    client.force_login(user)
    page = client.get("/en/privacy/requests/").content.decode()
    assert 'name="email"' not in page
    response = client.post("/en/privacy/requests/", {"kind": "objection", "details": "No newsletters"})
    assert response.status_code == 302 and "/accounts/reauthenticate/" in response["Location"]
    assert not DataSubjectRequest.objects.exists()
    response = client.post(response["Location"], {"password": PASSWORD})
    dsr = DataSubjectRequest.objects.get()
    assert dsr.status == RequestStatus.OPEN and dsr.user_id == user.pk and dsr.email == EMAIL
    assert response.status_code == 302 and response["Location"].endswith(f"/status/{links.status_key(dsr.reference)}/")
    assert not any(CONFIRM_LINK.search(message.body) for message in mailoutbox)


def test_status_pages_are_never_cached_or_indexed(client, mailoutbox):
    status = confirmed(client, mailoutbox, kind="restriction")
    response = client.get(status)
    assert response["Cache-Control"].startswith("no-store") or "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "same-origin"
    assert "noindex" in response["X-Robots-Tag"]


def test_the_request_kinds_are_all_offered(client):
    page = client.get("/en/privacy/requests/").content.decode()
    for kind in RequestKind.values:
        assert f'value="{kind}"' in page
