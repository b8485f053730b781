"""Releases published before the exchange existed enter its log, in the order
they were published, so partners can read them like any later one."""

from django.db import migrations


def backfill(apps, schema_editor):
    StatisticsRelease = apps.get_model("reports", "StatisticsRelease")
    ReleaseEvent = apps.get_model("exchange", "ReleaseEvent")
    for release in StatisticsRelease.objects.order_by("number"):
        ReleaseEvent.objects.get_or_create(
            release=release,
            version=1,
            defaults={
                "kind": "published",
                "at": release.published_at,
                "actor_id": release.published_by_id,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("exchange", "0001_exchange")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
