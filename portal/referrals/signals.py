"""Public pages show the public providers (the get-help page): any change of a
provider makes the cached public pages stale, as a hotline's change does."""

from django.db.models.signals import post_delete, post_save


def _purge(sender, **kwargs):
    from portal.home.signals import purge

    purge()


def connect():
    from .documents import remove_blob
    from .models import ReferralDocument, ServiceProvider

    post_delete.connect(remove_blob, sender=ReferralDocument, dispatch_uid="referral_document_blob")

    post_save.connect(_purge, sender=ServiceProvider, dispatch_uid="referrals_provider_saved")
    post_delete.connect(_purge, sender=ServiceProvider, dispatch_uid="referrals_provider_deleted")
