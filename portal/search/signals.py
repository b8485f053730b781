"""Signal receivers: every change that may alter a search document queues it.

Receivers are connected per model (each source's model and its subclasses, and
the models it watches) rather than for every model, so Django keeps its fast
path for bulk deletes of unrelated tables.
"""

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_delete, post_save, pre_delete
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from .objects import keys_for_instance
from .queue import enqueue
from .registry import registry

_connected = set()


def _on_change(sender, instance, **kwargs):
    enqueue(keys_for_instance(instance))


def _with_subclasses(model):
    return [m for m in apps.get_models() if issubclass(m, model)]


def _connect(model):
    if model in _connected:
        return
    uid = f"portal.search.{model._meta.label_lower}"
    post_save.connect(_on_change, sender=model, dispatch_uid=f"{uid}.save", weak=False)
    post_delete.connect(_on_change, sender=model, dispatch_uid=f"{uid}.delete", weak=False)
    _connected.add(model)


def _connect_watched_delete(model):
    # A delete can sever the link a watch resolver follows before post_delete
    # runs (SET_NULL and CASCADE are applied first), so the roots of a watched
    # object are also found just before it goes.
    uid = f"portal.search.{model._meta.label_lower}.pre_delete"
    pre_delete.connect(_on_change, sender=model, dispatch_uid=uid, weak=False)


def connect_source(source):
    for watched in source.models_to_watch():
        if watched is None:
            continue
        for model in _with_subclasses(watched):
            _connect(model)
    for watched in source.watch:
        for model in _with_subclasses(watched):
            _connect_watched_delete(model)


def page_and_descendants_keys(page):
    """Keys of a page and everything under it (their URLs, or their privacy,
    follow the page's)."""
    keys = []
    rows = Page.objects.descendant_of(page, inclusive=True).values_list("pk", "content_type_id")
    for pk, content_type_id in rows.iterator():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        source = registry.source_for_model(model) if model else None
        if source is not None:
            keys.append((source.kind, str(pk)))
    return keys


def _on_page_published(sender, instance, **kwargs):
    enqueue(keys_for_instance(instance))


def _on_page_tree_change(sender, instance, **kwargs):
    enqueue(page_and_descendants_keys(instance))


def _on_view_restriction(sender, instance, **kwargs):
    page = Page.objects.filter(pk=instance.page_id).first()
    if page is not None:  # else the page is being deleted and queues itself
        enqueue(page_and_descendants_keys(page))


def connect():
    registry.on_register(connect_source)
    page_published.connect(_on_page_published, dispatch_uid="portal.search.published")
    page_unpublished.connect(_on_page_published, dispatch_uid="portal.search.unpublished")
    post_page_move.connect(_on_page_tree_change, dispatch_uid="portal.search.moved")
    page_slug_changed.connect(_on_page_tree_change, dispatch_uid="portal.search.slug")
    # Any restriction (password, login, groups) takes the page and its
    # descendants out of search; lifting it brings them back.
    post_save.connect(
        _on_view_restriction, sender=PageViewRestriction, dispatch_uid="portal.search.restrict"
    )
    post_delete.connect(
        _on_view_restriction, sender=PageViewRestriction, dispatch_uid="portal.search.unrestrict"
    )
