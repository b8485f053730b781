"""Purge the public page cache when what public pages show changes.

The version is bumped at once (so a request inside the same transaction, or a
test, sees fresh pages) and again after the transaction commits (so a request
that rendered the old content in between cannot leave it cached).
"""

import logging

from django.db import DatabaseError, transaction
from django.db.models.signals import post_delete, post_migrate, post_save
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Locale, Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from . import cache, hotline_snapshot

logger = logging.getLogger(__name__)


def _purge_after_commit():
    cache.purge()


def purge(**kwargs):
    cache.purge()
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return
    # One purge after commit is enough, however many objects the transaction
    # saves (an import, the demo loader).
    if not any(entry[1] is _purge_after_commit for entry in connection.run_on_commit):
        transaction.on_commit(_purge_after_commit)


def purge_for_page(sender, instance, **kwargs):
    if isinstance(instance, Page):
        purge()


def purge_after_migrate(sender, **kwargs):
    """Deployments run migrate: pages rendered by the previous release (old
    templates, old translations) go. Once per run, from this app's signal."""
    if sender.name != "portal.home":
        return
    try:
        cache.purge()
    except DatabaseError:
        # A fresh installation creates the cache tables after migrating.
        logger.debug("public page cache not purged: its table does not exist yet")


def connect():
    from taggit.models import Tag

    from portal.members.models import Organisation

    from .models import Hotline

    page_published.connect(purge, dispatch_uid="public_cache_published")
    page_unpublished.connect(purge, dispatch_uid="public_cache_unpublished")
    post_page_move.connect(purge, dispatch_uid="public_cache_moved")
    post_migrate.connect(purge_after_migrate, dispatch_uid="public_cache_migrated")
    # Deleting a page deletes its specific row and the Page row: any page class.
    post_delete.connect(purge_for_page, dispatch_uid="public_cache_page_deleted")
    post_save.connect(
        hotline_snapshot.write_after_commit, sender=Hotline, dispatch_uid="hotline_file_saved"
    )
    post_delete.connect(
        hotline_snapshot.write_after_commit, sender=Hotline, dispatch_uid="hotline_file_deleted"
    )
    for model in (
        Hotline,
        Organisation,
        PageViewRestriction,
        Site,
        Locale,
        Tag,
        get_image_model(),
        get_document_model(),
    ):
        post_save.connect(
            purge, sender=model, dispatch_uid=f"public_cache_save_{model._meta.label}"
        )
        post_delete.connect(
            purge, sender=model, dispatch_uid=f"public_cache_del_{model._meta.label}"
        )
