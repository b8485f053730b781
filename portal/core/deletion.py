"""Guards asked before something is deleted, so the app that stores a thing
need not know every app that holds on to it.

A workspace file, for example, belongs to members, but a monitoring report
that has been submitted must keep its attachments as they were: reports
registers a guard from its ``AppConfig.ready()``, and members asks
``reasons_to_keep`` before it deletes::

    from portal.core import deletion
    deletion.register_guard(my_guard)      # my_guard(obj) -> message or None

A guard gets the object about to be deleted and returns a message saying why
it must be kept (shown to the person as it is), or None when it has no
objection. Guards run inside the caller's transaction, so they may lock what
they read until the deletion is decided. A guard that does not concern the
object's type returns None.
"""

_guards = []


def register_guard(guard):
    """Register ``guard`` (once, however often the app is made ready) and return it."""
    if guard not in _guards:
        _guards.append(guard)
    return guard


def reasons_to_keep(obj):
    """Every registered guard's objection to deleting ``obj``, in registration
    order; empty when it may go."""
    return [reason for reason in (guard(obj) for guard in _guards) if reason]
