"""The hidden-data test: after an erasure, no text column of any table still names the person.

A giver with an account, an address book, a sent gift, a cart, consent choices, activity events, an application to
sell, an admin log entry and an erasure request is erased through the registry; then every char, text and JSON
column of every table (many-to-many tables included) is read back with plain SQL and searched for their email,
their names, the street and the phone. Nothing may remain: the orders the law keeps stay, but pseudonymized, and
the receipt keeps only a keyed hash. A new model holding personal data that no provider erases fails this test.
"""

import json

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.utils import translation

from accounts.tests.factories import AddressFactory, UserFactory
from analytics.events import user_pseudonym, visitor_pseudonym
from analytics.models import ActivityEvent
from artists.services import submit_application
from compliance.consent import ConsentSubject, accept_all, record_choice
from compliance.models import ConsentSource, DataSubjectRequest, ErasureReceipt, RequestKind
from compliance.regimes import GDPR
from compliance.services import email_digest, erase_subject, file_request, is_erased, subject_for_request
from gifts.checkout import place_order
from gifts.models import Cart, Order
from gifts.payments import TEST_CARD_PAID
from gifts.tests.giving import build_giving_world, cart_with, lyon_recipient, to_lyon
from locales.selectors import rate_table

pytestmark = pytest.mark.django_db

EMAIL = "ohio.giver@example.com"
VISITOR = "visitor-hidden-data-0123456789"
# What identifies the giver and the person they sent a gift to, casefolded. "rivera" also catches a slug.
NEEDLES = ("ohio.giver", "sam rivera", "rivera", "claire martin", "rue de la république", "472000000", "pour claire")
TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)  # EmailField, SlugField, FileField included


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }


@pytest.fixture
def giver_with_a_history():
    world = build_giving_world()
    giver = world.giver
    AddressFactory(
        user=giver,
        recipient_name="Sam Rivera",
        street_address_1="12 rue de la République",
        phone="+33472000000",
        is_default=True,
    )
    with translation.override("en"):
        order = place_order(
            cart=cart_with(giver, (world.alebrije, 1)),
            giver=giver,
            recipient=lyon_recipient(phone="+33472000000"),
            destination=to_lyon(world),
            currency="USD",
            rates=rate_table(),
            message="Pour Claire, from Sam Rivera",
            reveal_giver=True,
            giver_name="Sam Rivera",
            payment_token=TEST_CARD_PAID,
            idempotency_key="hidden-data",
        )
    Cart.objects.filter(user=giver).delete()
    cart_with(giver, (world.scarf, 1))
    record_choice(
        subject=ConsentSubject(user_id=giver.pk, visitor_id=VISITOR),
        choices=accept_all(),
        source=ConsentSource.BANNER,
        regime=GDPR,
    )
    today = order.placed_at.date()
    ActivityEvent.objects.create(name="order_placed", user=user_pseudonym(giver.pk), consent_basis="consent")
    ActivityEvent.objects.create(name="gift_viewed", visitor=visitor_pseudonym(VISITOR, today), consent_basis="consent")
    with translation.override("en"):
        submit_application(
            name="Sam Rivera",
            email=EMAIL,
            language="en",
            home_locale=world.ohio,
            craft="Quilting",
            statement="I am Sam Rivera; my studio is at 12 rue de la République.",
            portfolio=[],
        )
    LogEntry.objects.create(
        user=giver,
        content_type=ContentType.objects.get_for_model(Order),
        object_id=str(order.pk),
        object_repr=str(order),
        action_flag=CHANGE,
    )
    LogEntry.objects.create(
        user=UserFactory(email="officer@lagiftart.example", full_name="Dana Officer", is_staff=True),
        content_type=ContentType.objects.get_for_model(giver),
        object_id=str(giver.pk),
        object_repr=str(giver),
        action_flag=CHANGE,
    )
    dsr = file_request(
        kind=RequestKind.ERASURE,
        email=EMAIL,
        language="en",
        regime=GDPR,
        details="Please erase Sam Rivera, 12 rue de la République, +33472000000.",
        user_id=giver.pk,
        visitor_id=VISITOR,
    )
    return giver, order, dsr


def _text_columns():
    """(table, column) for every char, text and JSON column of every table, auto-created m2m tables included."""
    seen = set()
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        for field in model._meta.concrete_fields:
            if isinstance(field, TEXT_FIELDS) and (table, field.column) not in seen:
                seen.add((table, field.column))
                yield table, field.column, isinstance(field, models.JSONField)


def _as_text(value, is_json: bool) -> str:
    if value is None:
        return ""
    if is_json:
        # SQLite returns the stored text with \u escapes; PostgreSQL's driver returns Python objects.
        decoded = json.loads(value) if isinstance(value, str) else value
        return json.dumps(decoded, ensure_ascii=False)
    return str(value)


def _find_everywhere(needles) -> list[tuple[str, str, str]]:
    found = []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, column, is_json in _text_columns():
            cursor.execute(f"SELECT {quote(column)} FROM {quote(table)}")  # noqa: S608 (names from the models)
            for (value,) in cursor.fetchall():
                text = _as_text(value, is_json).casefold()
                found += [(table, column, needle) for needle in needles if needle in text]
    return found


def test_the_scan_sees_the_person_before_erasure(giver_with_a_history):
    """The scan must be able to fail: before erasure it finds the giver in every app that holds them."""
    tables = {table for table, _column, _needle in _find_everywhere(NEEDLES)}
    assert {
        "accounts_user",
        "accounts_address",
        "account_emailaddress",
        "gifts_order",
        "artists_artist",
        "artists_artistapplication",
        "compliance_datasubjectrequest",
        "django_admin_log",
    } <= tables


def test_erasure_leaves_no_email_name_street_or_phone_in_any_table(giver_with_a_history):
    _giver, order, dsr = giver_with_a_history

    receipt = erase_subject(subject_for_request(dsr), request=dsr)

    assert _find_everywhere(NEEDLES) == []
    # What the rules keep, pseudonymized: the order with its amounts, items and dates; the request as proof that
    # we answered; the admin's log entry about the order, which never named anyone; a receipt holding a keyed hash.
    kept = Order.objects.get(pk=order.pk)
    assert (kept.giver_id, kept.total, kept.placed_at) == (None, order.total, order.placed_at)
    assert [line.title for line in kept.lines.all()] == ["Jaguar alebrije"]
    assert DataSubjectRequest.objects.filter(pk=dsr.pk, email="", user_id=None).exists()
    assert ErasureReceipt.objects.get() == receipt and receipt.email_digest == email_digest(EMAIL)
    assert is_erased(EMAIL)
    assert not ActivityEvent.objects.exists()
