"""Safety net for writes that bypass services (the admin, a shell): any change to
a report or a case record drops the public statistics cache after commit."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import CaseRecord, MonitoringReport
from .statistics import invalidate_statistics


@receiver([post_save, post_delete], sender=MonitoringReport)
@receiver([post_save, post_delete], sender=CaseRecord)
def drop_statistics_cache(sender, **kwargs):
    transaction.on_commit(invalidate_statistics)
