"""GIN index on the title's stems alone, for the fallback's autocomplete, on
PostgreSQL only (portal.search.functions.TitleStemsVector is its expression).

The autocomplete matches a half-typed word as a prefix of title stems. On the
whole vector (title and body) such a prefix names every record with a body
word that starts so, and each had its vector opened to keep only the title's
(weight A)."""

from django.db import migrations

INDEX = "search_record_title_stems_gin"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    model = apps.get_model("portal_search", "SearchRecord")
    table = schema_editor.quote_name(model._meta.db_table)
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON {table} "
        "USING gin (to_tsvector('simple'::regconfig, title_stems))"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("portal_search", "0003_stems_and_terms")]

    operations = [migrations.RunPython(create, drop)]
