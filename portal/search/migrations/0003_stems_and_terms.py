"""Stems for every backend (portal.search.analysis) and the vocabulary the
PostgreSQL fallback finds typos in (pg_trgm, trusted since PostgreSQL 13: the
database owner may create it).

Existing records get their stems and vectors here, from their own title and
body, so the fallback keeps working before the next rebuild; Elasticsearch
needs `manage.py search_index rebuild` (its mapping changed, and
`search_index status` says so)."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

TERM_INDEX = "search_term_trigram"
BATCH = 500


def trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("portal_search", "SearchTerm")._meta.db_table)
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {TERM_INDEX} ON {table} USING gin (term gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TERM_INDEX}")


def stem_existing(apps, schema_editor):
    from django.contrib.postgres.search import SearchVector

    from portal.search.analysis import stem_text, stem_words, words

    record_model = apps.get_model("portal_search", "SearchRecord")
    term_model = apps.get_model("portal_search", "SearchTerm")
    postgresql = schema_editor.connection.vendor == "postgresql"
    vector = SearchVector("title_stems", weight="A", config="simple") + SearchVector(
        "body_stems", weight="B", config="simple"
    )
    ids = list(record_model.objects.filter(deleted=False).values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        batch = list(record_model.objects.filter(pk__in=ids[start : start + BATCH]))
        found = set()
        for record in batch:
            title, body = stem_text(record.title), stem_text(record.body)
            record.title_stems = f" {title} " if title else ""
            record.body_stems = f" {body} " if body else ""
            found.update(words(record.title) + words(record.body))
        record_model.objects.bulk_update(batch, ["title_stems", "body_stems"])
        if postgresql:
            record_model.objects.filter(pk__in=[r.pk for r in batch]).update(search_vector=vector)
            found = sorted(w for w in found if len(w) > 2)
            term_model.objects.bulk_create(
                [term_model(term=w, stem=s) for w, s in zip(found, stem_words(found), strict=True)],
                ignore_conflicts=True,
            )


class Migration(migrations.Migration):
    dependencies = [("portal_search", "0002_search_vector_gin")]

    operations = [
        TrigramExtension(),
        migrations.CreateModel(
            name="SearchTerm",
            fields=[
                ("term", models.CharField(max_length=64, primary_key=True, serialize=False)),
                ("stem", models.CharField(max_length=64)),
            ],
            options={"verbose_name": "search term"},
        ),
        migrations.AddField(
            model_name="searchrecord",
            name="body_stems",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="searchrecord",
            name="title_stems",
            field=models.TextField(blank=True),
        ),
        migrations.RunPython(trigram_index, drop_trigram_index),
        migrations.RunPython(stem_existing, migrations.RunPython.noop),
    ]
