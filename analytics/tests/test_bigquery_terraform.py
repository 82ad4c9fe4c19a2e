"""The BigQuery backfill table Terraform creates is the repo's schema, partitioned by event day, clustered by name.

The table is where `manage.py export_events` output is loaded; if Terraform pointed at another schema, or another
partition column, `bq load` of a backfill would fail or land in the wrong partitions.
"""

import json
from pathlib import Path

import hcl2
from hcl2 import SerializationOptions

ROOT = Path(__file__).parents[2]
LOGS_TF = ROOT / "deploy" / "terraform" / "modules" / "platform" / "logs.tf"
SCHEMA = ROOT / "analytics" / "bigquery" / "activity_events.schema.json"


def backfill_table() -> dict:
    options = SerializationOptions(strip_string_quotes=True, explicit_blocks=False, with_comments=False)
    parsed = hcl2.loads(LOGS_TF.read_text(), serialization_options=options)
    tables = [block["google_bigquery_table"] for block in parsed["resource"] if "google_bigquery_table" in block]
    (table,) = tables
    return table["activity_events"]


def test_the_backfill_table_uses_the_schema_file_in_the_repo():
    table = backfill_table()
    relative = table["schema"].removeprefix('${file("${path.module}/').removesuffix('")}')
    assert (LOGS_TF.parent / relative).resolve() == SCHEMA.resolve()
    assert json.loads(SCHEMA.read_text())  # a schema BigQuery can read


def test_the_backfill_table_is_partitioned_by_event_day_and_clustered_by_event_name():
    table = backfill_table()
    partitioning = table["time_partitioning"][0]
    assert (partitioning["type"], partitioning["field"]) == ("DAY", "occurred_at")
    assert table["clustering"] == ["name"]
    fields = {field["name"]: field for field in json.loads(SCHEMA.read_text())}
    assert fields["occurred_at"]["type"] == "TIMESTAMP" and fields["name"]["type"] == "STRING"
    assert table["dataset_id"] == '${google_bigquery_dataset.logs["activity"].dataset_id}'
