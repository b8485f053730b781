"""A new statistics release enters the exchange log in the transaction that
publishes it: the event and its pushes commit, or roll back, with it."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from portal.reports.release_models import StatisticsRelease


@receiver(post_save, sender=StatisticsRelease, dispatch_uid="exchange-release-published")
def release_published(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        from .outgoing import record_published

        record_published(instance)
