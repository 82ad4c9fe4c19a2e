"""The compliance officer's queue: deadlines, overdue at a glance, extend/fulfil/decline with a reason, audit trail."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.backoffice import sign_in_with_mfa
from compliance import services
from compliance.consent import ConsentSubject, accept_all, record_choice
from compliance.models import (
    ConsentRecord,
    ConsentSource,
    DataSubjectRequest,
    ErasureReceipt,
    RequestEventKind,
    RequestKind,
    RequestStatus,
)
from compliance.regimes import GDPR, LGPD

pytestmark = pytest.mark.django_db

EMAIL = "ana@example.com"


@pytest.fixture
def officer(make_user, client):
    user = make_user(email="officer@lagiftart.example", is_staff=True, is_superuser=True)
    sign_in_with_mfa(client, user)  # the back office requires a second factor in the session
    return user


def open_request(kind=RequestKind.OBJECTION, regime=GDPR, received=None, email=EMAIL, **fields):
    received = received or timezone.now()
    return DataSubjectRequest.objects.create(
        kind=kind,
        email=email,
        language="es",
        regime=regime.code,
        status=RequestStatus.OPEN,
        received_at=received,
        confirmed_at=received,
        due_on=regime.due_on(timezone.localdate(received)),
        **fields,
    )


def test_the_queue_shows_deadlines_and_highlights_the_overdue(client, officer):
    late = open_request(received=timezone.now() - timedelta(days=60))
    on_time = open_request(kind=RequestKind.RESTRICTION)
    page = client.get(reverse("admin:compliance_datasubjectrequest_changelist")).content.decode()
    assert f'<span class="dsr-overdue">{late.deadline} · overdue</span>' in page
    assert str(on_time.deadline) in page
    assert page.index(str(late.reference)[:8]) < page.index(str(on_time.reference)[:8]), "most urgent first"
    overdue_only = client.get(reverse("admin:compliance_datasubjectrequest_changelist") + "?deadline=overdue")
    assert str(on_time.reference)[:8] not in overdue_only.content.decode()


def test_extending_needs_a_reason_and_uses_the_regimes_extension_once(client, officer, mailoutbox):
    dsr = open_request(received=timezone.make_aware(timezone.datetime(2026, 3, 10, 12)))
    url = reverse("admin:compliance_dsr_extend", args=[dsr.pk])
    assert client.post(url, {"reason": ""}).status_code == 200
    response = client.post(url, {"reason": "Several systems to search."})
    assert response.status_code == 302
    dsr.refresh_from_db()
    assert dsr.extended_due_on == date(2026, 6, 10) and dsr.deadline == date(2026, 6, 10)
    event = dsr.events.get(kind=RequestEventKind.EXTENDED)
    assert (event.actor, event.note) == (officer, "Several systems to search.")
    assert mailoutbox[-1].to == [EMAIL] and "Several systems to search." in mailoutbox[-1].body
    again = client.post(url, {"reason": "More"})
    assert "already been extended" in again.content.decode()


def test_a_law_without_extensions_offers_none(client, officer):
    dsr = open_request(regime=LGPD)
    page = client.get(reverse("admin:compliance_datasubjectrequest_change", args=[dsr.pk])).content.decode()
    assert reverse("admin:compliance_dsr_extend", args=[dsr.pk]) not in page
    response = client.post(reverse("admin:compliance_dsr_extend", args=[dsr.pk]), {"reason": "Busy"})
    assert "allows no extension" in response.content.decode()
    assert DataSubjectRequest.objects.get(pk=dsr.pk).extended_due_on is None


def test_declining_tells_the_subject_why(client, officer, mailoutbox):
    dsr = open_request()
    client.post(reverse("admin:compliance_dsr_deny", args=[dsr.pk]), {"reason": "We hold no data on you."})
    dsr.refresh_from_db()
    assert dsr.status == RequestStatus.DENIED and dsr.resolution == "We hold no data on you."
    assert "We hold no data on you." in mailoutbox[-1].body
    assert mailoutbox[-1].extra_headers["Content-Language"] == "es"


def test_fulfilling_an_erasure_erases_and_writes_to_the_last_address(client, officer, mailoutbox):
    dsr = open_request(kind=RequestKind.ERASURE, visitor_id="visitor-0123456789abcdef", details="I am Ana")
    record_choice(
        subject=ConsentSubject(visitor_id="visitor-0123456789abcdef"),
        choices=accept_all(),
        source=ConsentSource.BANNER,
        regime=GDPR,
    )
    response = client.post(reverse("admin:compliance_dsr_fulfil", args=[dsr.pk]), {"reason": ""})
    assert response.status_code == 302
    dsr.refresh_from_db()
    assert dsr.status == RequestStatus.FULFILLED and dsr.email == "" and dsr.details == ""
    assert not ConsentRecord.objects.exists()
    receipt = ErasureReceipt.objects.get()
    assert receipt.request == dsr and receipt.performed_by == officer
    assert services.is_erased(EMAIL)
    assert mailoutbox[-1].to == [EMAIL]
    kinds = list(dsr.events.values_list("kind", flat=True))
    assert kinds == [RequestEventKind.ERASED, RequestEventKind.FULFILLED, RequestEventKind.NOTIFIED]


def test_a_closed_request_takes_no_more_steps(client, officer):
    dsr = open_request()
    services.deny_request(dsr=dsr, reason="Duplicate", actor=officer)
    response = client.post(reverse("admin:compliance_dsr_fulfil", args=[dsr.pk]), {"reason": "Done"})
    assert "still open" in response.content.decode()


def test_the_audit_trail_is_on_the_request(client, officer):
    dsr = open_request()
    services.extend_request(dsr=dsr, reason="Complex", actor=officer)
    page = client.get(reverse("admin:compliance_datasubjectrequest_change", args=[dsr.pk])).content.decode()
    assert "Deadline extended" in page and "Complex" in page
    assert reverse("admin:compliance_dsr_fulfil", args=[dsr.pk]) in page


def test_requests_cannot_be_added_or_deleted_in_the_admin(client, officer):
    dsr = open_request()
    assert client.get(reverse("admin:compliance_datasubjectrequest_add")).status_code == 403
    assert client.get(reverse("admin:compliance_datasubjectrequest_delete", args=[dsr.pk])).status_code == 403


def test_the_consent_ledger_is_read_only_in_the_admin(client, officer):
    [record, *_rest] = record_choice(
        subject=ConsentSubject(user_id=7), choices=accept_all(), source=ConsentSource.BANNER, regime=GDPR
    )
    assert client.get(reverse("admin:compliance_consentrecord_changelist")).status_code == 200
    change = reverse("admin:compliance_consentrecord_change", args=[record.pk])
    assert client.get(change).status_code == 200
    assert client.post(change, {"granted": ""}).status_code == 403
    assert client.get(reverse("admin:compliance_consentrecord_add")).status_code == 403
    assert client.get(reverse("admin:compliance_consentrecord_delete", args=[record.pk])).status_code == 403
    assert ConsentRecord.objects.get(pk=record.pk).granted is True


def test_a_policy_version_people_agreed_to_is_frozen(client, officer):
    record_choice(subject=ConsentSubject(user_id=7), choices=accept_all(), source=ConsentSource.BANNER, regime=GDPR)
    policy = ConsentRecord.objects.first().policy_version
    page = client.get(reverse("admin:compliance_policyversion_change", args=[policy.pk])).content.decode()
    assert 'name="text_en"' not in page


@pytest.mark.parametrize("term", ["not-a-uuid", EMAIL, "6f1c"])
def test_the_queue_can_be_searched_by_anything_without_error(client, officer, term):
    dsr = open_request()
    response = client.get(reverse("admin:compliance_datasubjectrequest_changelist"), {"q": term})
    assert response.status_code == 200
    page = response.content.decode()
    assert (str(dsr.reference)[:8] in page) == (term == EMAIL)
    full = client.get(reverse("admin:compliance_datasubjectrequest_changelist"), {"q": str(dsr.reference)})
    assert str(dsr.reference)[:8] in full.content.decode()
