"""GIN indexes for catalog search, one per storefront language, on PostgreSQL only.

Each indexes exactly `gifts.search.gift_document(language)`, the expression searches filter on, so PostgreSQL
answers a search from the index instead of building every gift's tsvector. SQLite searches by substring and
gets no index. If `gift_document` changes, add a migration that rebuilds these indexes.
"""

from django.db import migrations

LANGUAGES = ("en", "es", "fr", "de", "ja", "pt-br")


def index_name(language: str) -> str:
    return f"gift_search_{language.replace('-', '_')}"


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from django.contrib.postgres.indexes import GinIndex

    from gifts.search import gift_document

    Gift = apps.get_model("gifts", "Gift")
    for language in LANGUAGES:
        schema_editor.add_index(Gift, GinIndex(gift_document(language), name=index_name(language)))


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for language in LANGUAGES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{index_name(language)}"')


class Migration(migrations.Migration):
    dependencies = [("gifts", "0001_initial")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
