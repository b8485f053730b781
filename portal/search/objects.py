"""From model instances to (kind, object_id) keys, through the registry."""

import logging

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from wagtail.models import SpecificMixin

from .registry import registry

logger = logging.getLogger(__name__)


def specific_model(obj):
    """The model that decides an object's source: for a Wagtail page loaded as
    a plain ``Page``, its specific type (from the content type, no query)."""
    if isinstance(obj, SpecificMixin) and getattr(obj, "content_type_id", None):
        return obj.specific_class or type(obj)
    return type(obj)


def owns(source, obj):
    """Whether ``source`` is the one that indexes ``obj`` (a news page is the
    news source's, not the generic page source's)."""
    return registry.source_for_model(specific_model(obj)) is source


def source_queryset(source):
    """The source's objects without those a more specific source indexes;
    None for a source without a model (its entries are written directly with
    portal.search.queue.index_entries)."""
    if source.model is None:
        return None
    queryset = source.get_queryset()
    for other in registry:
        if other is source or other.model is None or source.model is None:
            continue
        if other.model is source.model or not issubclass(other.model, source.model):
            continue
        if issubclass(source.model, SpecificMixin) and hasattr(source.model, "content_type"):
            from django.contrib.contenttypes.models import ContentType

            subclasses = [
                m for m in _concrete_models() if issubclass(m, other.model) and not m._meta.proxy
            ]
            content_types = ContentType.objects.get_for_models(*subclasses).values()
            queryset = queryset.exclude(content_type__in=list(content_types))
        else:
            queryset = queryset.exclude(pk__in=other.model._default_manager.values("pk"))
    return queryset


def _concrete_models():
    from django.apps import apps

    return [m for m in apps.get_models() if not m._meta.abstract]


def keys_for_instance(instance):
    """(kind, object_id) of every document a change of ``instance`` may affect."""
    keys = []
    source = registry.source_for_model(specific_model(instance))
    if source is not None:
        keys.append((source.kind, source.object_id(instance)))
    for watcher, resolver in registry.sources_watching(type(instance)):
        try:
            roots = resolver(instance)
        except ObjectDoesNotExist:
            # The root went first (a cascade): its own delete queued it.
            continue
        for root in roots or ():
            if root is None:
                continue
            if isinstance(root, models.Model):
                root_source = registry.source_for_model(specific_model(root)) or watcher
                keys.append((root_source.kind, root_source.object_id(root)))
            else:
                keys.append((watcher.kind, str(root)))
    return keys
