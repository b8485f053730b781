"""The activity stream: what happened in a workspace, newest first.

Services call ``record`` in the same transaction as the change. New discussions
and comments also notify members who chose immediate emails, once the
transaction has committed (never for a change that was rolled back).
"""

from django.db import transaction

from portal.core import request_context

from .models import Activity, Verb

_VERB_LABELS = dict(Verb.choices)


def register_verb(code, label):
    """Let another app put its events in the stream (e.g. "report_submitted")."""
    _VERB_LABELS[code] = label


def verb_label(code):
    return _VERB_LABELS.get(code, code)


NOTIFY_VERBS = frozenset({Verb.DISCUSSION_STARTED, Verb.COMMENTED})
DIGEST_VERBS = frozenset({Verb.DISCUSSION_STARTED, Verb.COMMENTED, Verb.FILE_UPLOADED})


def record(workspace, actor, verb, *, notify=True, **objects):
    activity = Activity.objects.create(
        workspace=workspace,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        verb=verb,
        **objects,
    )
    if notify and verb in NOTIFY_VERBS:
        from . import notifications

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
