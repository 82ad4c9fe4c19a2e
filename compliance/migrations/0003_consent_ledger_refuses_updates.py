"""The database itself refuses UPDATE on the consent ledger, so not even raw SQL can rewrite proof of consent.

Deletes stay possible: erasure removes a subject's records. On SQLite, a later migration that rebuilds the table
drops this trigger; compliance/tests/test_consent_ledger.py fails if that ever happens, and the fix is a migration
that creates the trigger again.
"""

from django.db import migrations

TABLE = "compliance_consentrecord"
TRIGGER = "compliance_consentrecord_append_only"
MESSAGE = "consent records are append-only"


def create_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            "CREATE OR REPLACE FUNCTION compliance_refuse_update() RETURNS trigger AS $$ "
            f"BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$ LANGUAGE plpgsql"
        )
        schema_editor.execute(
            f"CREATE TRIGGER {TRIGGER} BEFORE UPDATE ON {TABLE} "
            "FOR EACH ROW EXECUTE FUNCTION compliance_refuse_update()"
        )
    elif vendor == "sqlite":
        schema_editor.execute(
            f"CREATE TRIGGER {TRIGGER} BEFORE UPDATE ON {TABLE} BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )


def drop_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {TABLE}")
        schema_editor.execute("DROP FUNCTION IF EXISTS compliance_refuse_update()")
    elif vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}")


class Migration(migrations.Migration):
    dependencies = [("compliance", "0002_seed_purposes_and_first_policy")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
