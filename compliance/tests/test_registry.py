"""Export and erasure walk the personal-data registry: every category is exported, erasure is all or nothing."""

import pytest
from django.core.files.base import ContentFile

from compliance import services
from compliance.consent import ConsentSubject, accept_all, record_choice
from compliance.models import ConsentRecord, ConsentSource, DataSubjectRequest, ErasureReceipt, RequestKind
from compliance.regimes import GDPR
from compliance.registry import PersonalDataProvider, PersonalDataRegistry, RegistryError, Subject, registry

pytestmark = pytest.mark.django_db

EMAIL = "Ana.Lima@Example.com"
VISITOR = "visitor-0123456789abcdef"


@pytest.fixture
def notebook():
    """A stand-in app that registers its personal data: what it erased is written down, in order."""
    log = []

    def export(subject):
        return {"notes": [f"note about {subject.email}"]}

    def erase(subject):
        log.append(("notebook", subject.email))
        return {"deleted": 1}

    provider = PersonalDataProvider(category="notebook.notes", label="Notes", export=export, erase=erase)
    registry.register(provider)
    yield log
    registry.unregister("notebook.notes")


@pytest.fixture
def consent_on_record():
    return record_choice(
        subject=ConsentSubject(visitor_id=VISITOR),
        choices=accept_all(),
        source=ConsentSource.BANNER,
        regime=GDPR,
    )


def test_compliance_registers_its_own_data_like_any_app():
    assert "compliance.consent" in registry
    assert "compliance.requests" in registry


def test_registering_the_same_provider_twice_is_harmless_but_two_for_one_category_is_an_error():
    local = PersonalDataRegistry()
    provider = PersonalDataProvider(category="a.b", label="AB", export=lambda s: [], erase=lambda s: {})
    local.register(provider)
    local.register(provider)
    with pytest.raises(RegistryError):
        local.register(PersonalDataProvider(category="a.b", label="AB", export=lambda s: [1], erase=lambda s: {}))


def test_erasure_runs_dependents_before_the_account():
    local = PersonalDataRegistry()
    for category, order in [("accounts.user", 900), ("gifts.orders", 100), ("compliance.consent", 1000)]:
        local.register(PersonalDataProvider(category, category, lambda s: [], lambda s: {}, erase_order=order))
    assert [p.category for p in local.erasure_order()] == ["gifts.orders", "accounts.user", "compliance.consent"]


def test_the_export_holds_every_registered_category(notebook, consent_on_record):
    data = services.export_subject(Subject(email=EMAIL, visitor_ids=(VISITOR,)))
    assert set(data) == {provider.category for provider in registry.providers()}
    assert data["notebook.notes"] == {"notes": [f"note about {EMAIL}"]}
    assert {row["purpose"] for row in data["compliance.consent"]} == {"analytics", "marketing", "personalisation"}


def test_erasure_deletes_consent_and_keeps_a_receipt_that_names_nobody(notebook, consent_on_record):
    receipt = services.erase_subject(Subject(email=EMAIL, visitor_ids=(VISITOR,)))
    assert not ConsentRecord.objects.exists()
    assert receipt.summary["compliance.consent"] == {"deleted": 3}
    assert receipt.summary["notebook.notes"] == {"deleted": 1}
    summary = str(receipt.summary).casefold()
    assert EMAIL.casefold() not in receipt.email_digest
    assert "ana.lima" not in summary and "lima" not in summary
    assert services.is_erased("ana.lima@example.com ")
    assert not services.is_erased("someone.else@example.com")
    assert not services.is_erased("")


def test_a_failing_provider_rolls_the_whole_erasure_back(consent_on_record):
    def broken(subject):
        raise RuntimeError("disk on fire")

    registry.register(PersonalDataProvider("aaa.broken", "Broken", lambda s: [], broken, erase_order=2000))
    try:
        with pytest.raises(services.ErasureFailed, match=r"aaa\.broken"):
            services.erase_subject(Subject(email=EMAIL, visitor_ids=(VISITOR,)))
    finally:
        registry.unregister("aaa.broken")
    assert ConsentRecord.objects.count() == 3
    assert not ErasureReceipt.objects.exists()


def test_an_erased_address_is_still_recognised_after_the_key_rotates(settings):
    services.erase_subject(Subject(email=EMAIL))
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY = "a-new-key-" + "x" * 50
    settings.SECRET_KEY_FALLBACKS = [old_key]
    assert services.is_erased(EMAIL)
    settings.SECRET_KEY_FALLBACKS = []
    assert not services.is_erased(EMAIL)


def test_erasure_keeps_requests_as_proof_without_the_person(settings, tmp_path, django_capture_on_commit_callbacks):
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {"BACKEND": "lagiftart.storage.PrivateFileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    dsr = DataSubjectRequest.objects.create(
        kind=RequestKind.ACCESS,
        email=EMAIL,
        visitor_id=VISITOR,
        language="en",
        regime="gdpr",
        details="I am Ana Lima of 12 Rua Augusta",
        due_on="2026-12-01",
    )
    dsr.export_file = services.private_storage().save("exports/x.zip", ContentFile(b"zip"))
    dsr.save()
    with django_capture_on_commit_callbacks(execute=True):
        receipt = services.erase_subject(Subject(email=EMAIL.lower()))
    dsr.refresh_from_db()
    assert (dsr.email, dsr.details, dsr.visitor_id, dsr.export_file) == ("", "", "", "")
    assert dsr.kind == RequestKind.ACCESS and dsr.due_on.isoformat() == "2026-12-01"
    assert receipt.summary["compliance.requests"] == {"pseudonymized": 1, "export_files_deleted": 1}
    assert not (tmp_path / "exports" / "x.zip").exists()
