"""Abuse limits of /api/v1/, on the shared limiter (portal.core.ratelimit).

Checked in this order, cheapest first, so a flood costs as little as possible:

1. every call, per client address (``api.address``), before anything else;
2. a call with a bearer token, per address, while that address has used up
   its refused tokens (``api.refused``): refused without even looking the
   token up, which stops token guessing;
3. a valid token, per token (``api.token``); a signed-in member, per person
   (``api.member``).

Refused (unknown, made-up, expired, revoked) tokens count against
``api.refused``. A call over a limit is answered 429 with ``Retry-After``
(seconds) and writes no audit row.
"""

from functools import wraps

from django.utils.translation import ngettext

from portal.core.ratelimit import client_address, consume, peek


class RateLimited(Exception):
    def __init__(self, retry_after):
        self.retry_after = max(int(retry_after), 1)
        super().__init__(self.retry_after)

    @property
    def message(self):
        return ngettext(
            "Too many requests. Try again in %(seconds)s second.",
            "Too many requests. Try again in %(seconds)s seconds.",
            self.retry_after,
        ) % {"seconds": self.retry_after}


def _enforce(outcome):
    if not outcome.allowed:
        raise RateLimited(outcome.retry_after)


def check_address(request):
    _enforce(consume("api.address", key=client_address(request)))


def check_refused_tokens(request):
    """Before a token is looked up: has this address guessed enough?"""
    _enforce(peek("api.refused", key=client_address(request)))


def count_refused_token(request):
    # The gate above has already let this call through, so the count cannot
    # be refused here except in a race; the next call meets the gate.
    consume("api.refused", key=client_address(request))


def check_token(request, api_token):
    _enforce(consume("api.token", key=api_token.prefix or api_token.pk))


def check_member(request, user):
    _enforce(consume("api.member", key=user.pk))


def address_gate(respond):
    """A django-ninja "view" decorator (it wraps the whole operation, before
    authentication) that answers with ``respond(request, RateLimited)`` when
    the address is over its limit. Exceptions raised at that level would
    bypass the API's handlers, hence the explicit responder."""

    def decorator(run):
        @wraps(run)
        def limited(request, *args, **kwargs):
            try:
                check_address(request)
            except RateLimited as exc:
                return respond(request, exc)
            return run(request, *args, **kwargs)

        return limited

    return decorator


def document_429(schema, error_ref):
    """Every operation of the OpenAPI document can answer 429 (the limits
    apply to all routes, including ones added later), with Retry-After."""
    response = {
        "description": "Too many requests: wait the number of seconds in Retry-After.",
        "headers": {
            "Retry-After": {
                "description": "Seconds to wait before trying again.",
                "schema": {"type": "integer", "minimum": 1},
            }
        },
        "content": {"application/json": {"schema": {"$ref": error_ref}}},
    }
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            if isinstance(operation, dict) and "responses" in operation:
                operation["responses"].setdefault(429, response)
    return schema
