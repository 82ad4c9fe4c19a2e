"""The BigQuery backfill: every line `export_events` writes is a row the table's schema accepts."""

import io
import json
import re
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from analytics.models import ActivityEvent, EventName

ROOT = Path(__file__).parents[2]
SCHEMA = json.loads((ROOT / "analytics" / "bigquery" / "activity_events.schema.json").read_text())
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$")


def schema_errors(row: dict) -> list[str]:
    """What BigQuery's NEWLINE_DELIMITED_JSON load would refuse in `row` under the schema (a small validator)."""
    errors = [f"unknown field {key}" for key in set(row) - {field["name"] for field in SCHEMA}]
    for field in SCHEMA:
        value = row.get(field["name"])
        if value is None:
            if field["mode"] == "REQUIRED":
                errors.append(f"{field['name']} is required")
            continue
        kind = field["type"]
        if kind == "STRING" and not isinstance(value, str):
            errors.append(f"{field['name']} is not a string")
        elif kind == "TIMESTAMP" and not (isinstance(value, str) and RFC3339.match(value)):
            errors.append(f"{field['name']} is not an RFC 3339 timestamp")
        elif kind == "INTEGER" and (isinstance(value, bool) or not isinstance(value, int)):
            errors.append(f"{field['name']} is not an integer")
        elif kind == "NUMERIC":
            try:
                number = Decimal(str(value))
            except InvalidOperation:
                errors.append(f"{field['name']} is not a number")
                continue
            if number.as_tuple().exponent < -9:
                errors.append(f"{field['name']} has more than 9 decimal places")
    return errors


def test_the_schema_is_the_models_columns_and_is_valid_bigquery_json():
    from analytics.events import COLUMNS

    assert [field["name"] for field in SCHEMA] == list(COLUMNS)
    for field in SCHEMA:
        assert set(field) <= {"name", "type", "mode", "description"}
        assert field["type"] in {"STRING", "TIMESTAMP", "NUMERIC", "INTEGER"}
        assert field["mode"] in {"REQUIRED", "NULLABLE"}


def test_export_writes_one_valid_row_per_event_in_the_period(db):
    inside = datetime(2026, 3, 5, 12, 30, 15, 123456, tzinfo=UTC)
    ActivityEvent.objects.create(
        name=EventName.ORDER_PLACED,
        occurred_at=inside,
        visitor="v1",
        value=Decimal("49.900"),
        value_currency="EUR",
        origin_locale="oaxaca",
        destination_country="FR",
        consent_basis="consent",
    )
    ActivityEvent.objects.create(
        name=EventName.CATALOG_SEARCHED, occurred_at=inside, result_count=0, consent_basis="opt_out"
    )
    ActivityEvent.objects.create(
        name=EventName.GIFT_VIEWED, occurred_at=datetime(2026, 3, 7, tzinfo=UTC), consent_basis="opt_out"
    )
    out, err = io.StringIO(), io.StringIO()
    call_command("export_events", "--since", "2026-03-05", "--until", "2026-03-07", stdout=out, stderr=err)
    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    rows = [json.loads(line) for line in lines]
    for row in rows:
        assert schema_errors(row) == []
    assert rows[0]["occurred_at"] == "2026-03-05T12:30:15.123456Z"
    assert rows[0]["value"] == "49.900" and rows[0]["user"] is None
    assert rows[1]["result_count"] == 0
    assert "2 events written" in err.getvalue()


def test_the_validator_catches_what_bigquery_would_refuse():
    assert schema_errors({"name": "x", "event_id": "e", "consent_basis": "consent", "occurred_at": "yesterday"})
    assert schema_errors({"name": "x", "event_id": "e", "occurred_at": "2026-01-01T00:00:00Z"})  # basis missing


@pytest.mark.parametrize(
    "arguments", [["--since", "2026-03-05", "--until", "2026-03-05"], ["--since", "March", "--until", "2026-03-06"]]
)
def test_export_refuses_an_unreadable_or_empty_period(db, arguments):
    with pytest.raises(CommandError):
        call_command("export_events", *arguments, stdout=io.StringIO(), stderr=io.StringIO())


def test_operations_docs_route_the_activity_logger_to_bigquery():
    operations = (ROOT / "docs" / "operations.md").read_text()
    assert "gcloud logging sinks create" in operations
    assert 'labels.python_logger="lagiftart.activity"' in operations
    assert "--use-partitioned-tables" in operations
    assert "--clustering_fields name" in operations
