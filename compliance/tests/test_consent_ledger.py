"""The consent ledger is proof: rows are only ever added, never changed, and removed only by erasure."""

import pytest
from django.db import DatabaseError, connection, transaction

from compliance.consent import ConsentSubject, record_choice, reject_all, truncated_ip
from compliance.models import ConsentRecord, ConsentSource, LedgerIsAppendOnly
from compliance.regimes import GDPR

pytestmark = pytest.mark.django_db


@pytest.fixture
def record():
    records = record_choice(
        subject=ConsentSubject(visitor_id="v" * 22),
        choices=reject_all(),
        source=ConsentSource.BANNER,
        regime=GDPR,
        ip_address="203.0.113.77",
    )
    return records[0]


def test_a_record_cannot_be_saved_again(record):
    record.granted = True
    with pytest.raises(LedgerIsAppendOnly):
        record.save()
    assert ConsentRecord.objects.get(pk=record.pk).granted is False


def test_records_cannot_be_updated_in_bulk(record):
    with pytest.raises(LedgerIsAppendOnly):
        ConsentRecord.objects.filter(pk=record.pk).update(granted=True)
    with pytest.raises(LedgerIsAppendOnly):
        ConsentRecord.objects.bulk_update([record], ["granted"])


def test_records_cannot_be_deleted_except_by_erasure(record):
    with pytest.raises(LedgerIsAppendOnly):
        record.delete()
    with pytest.raises(LedgerIsAppendOnly):
        ConsentRecord.objects.all().delete()
    assert ConsentRecord.objects.count() == 3
    assert ConsentRecord.objects.for_subject(user_id=None, visitor_id="v" * 22).erase() == 3
    assert not ConsentRecord.objects.exists()


def test_the_database_refuses_an_update_even_in_raw_sql(record):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE compliance_consentrecord SET granted = %s WHERE id = %s", [True, record.pk])
    assert ConsentRecord.objects.get(pk=record.pk).granted is False


def test_a_record_keeps_only_the_network_of_the_address(record):
    assert record.ip_prefix == "203.0.113.0/24"
    assert record.policy_version.version == "2026-11"
    assert record.regime == "gdpr"


@pytest.mark.parametrize(
    ("address", "network"),
    [
        ("198.51.100.23", "198.51.100.0/24"),
        ("2001:db8:abcd:12:1:2:3:4", "2001:db8:abcd::/48"),
        ("::ffff:192.0.2.9", "192.0.2.0/24"),
        ("[2001:db8::1]", "2001:db8::/48"),
        ("not an address", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_addresses_are_truncated_to_their_network(address, network):
    assert truncated_ip(address) == network
