"""The activity stream: what happened in a workspace, newest first.

Services call ``record`` in the same transaction as the change. New discussions
and comments also notify members who chose immediate emails, once the
transaction has committed (never for a change that was rolled back).
"""

from django.db import transaction

from portal.core import activity_verbs, request_context

from . import notifications
from .models import Activity, Verb

# Members' own verbs; other apps register theirs in portal.core.activity_verbs.
for _code, _label in Verb.choices:
    activity_verbs.register(_code, _label)


def record(workspace, actor, verb, *, notify=True, **objects):
    activity = Activity.objects.create(
        workspace=workspace,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        verb=verb,
        **objects,
    )
    if notify and verb in notifications.NOTIFY_VERBS:
        # The commit may come after the request has been answered (or in a
        # test's captured callbacks): keep the host its links should use.
        context = request_context.current()

        def send():
            with request_context.using(context):
                notifications.send_immediate(activity.pk)

        transaction.on_commit(send)
    return activity


def stream(workspace, perms, limit=20):
    return list(Activity.objects.filter(workspace=workspace).visible_to(perms).for_stream()[:limit])
