"""The audit actions of data exchange (registered with portal.core.audit_actions;
written through portal.members.audit.record). Every release that leaves, every
pull, push and import is one of these."""

from django.utils.translation import gettext_lazy as _

from portal.core import audit_actions
from portal.core.audit_actions import CODE, NUMBER, register_detail, register_values

AGREEMENT_CREATED = audit_actions.register("exchange.agreement_created", _("Agreement registered"))
AGREEMENT_CHANGED = audit_actions.register("exchange.agreement_changed", _("Agreement changed"))
AGREEMENT_ENDED = audit_actions.register("exchange.agreement_ended", _("Agreement ended early"))
RELEASE_SENT = audit_actions.register(
    "exchange.release_sent", _("Signed release sent to a partner")
)
FEED_READ = audit_actions.register("exchange.feed_read", _("Release feed read by a partner"))
PULL_REFUSED = audit_actions.register(
    "exchange.pull_refused", _("Partner refused: no agreement in force")
)
PUSH_DELIVERED = audit_actions.register(
    "exchange.push_delivered", _("Signed release pushed to a partner")
)
PUSH_FAILED = audit_actions.register("exchange.push_failed", _("Push to a partner failed"))
RELEASE_WITHDRAWN = audit_actions.register(
    "exchange.release_withdrawn", _("Release withdrawn from partners")
)
RELEASE_IMPORTED = audit_actions.register(
    "exchange.release_imported", _("Partner network's release imported")
)
IMPORT_REFUSED = audit_actions.register(
    "exchange.import_refused", _("Partner network's release refused")
)
SUBSCRIBED = audit_actions.register(
    "exchange.subscribed", _("Subscribed to a partner network's releases")
)
KEY_CREATED = audit_actions.register("exchange.key_created", _("Signing key created"))
KEY_REVOKED = audit_actions.register("exchange.key_revoked", _("Signing key revoked"))


def register_details():
    # "release" (the number) is registered by portal.reports.
    register_detail("release_version", _("Release version"), kind=NUMBER)
    register_detail("agreement", _("Agreement"), kind=CODE)
    register_detail("tier", _("Tier"), kind=CODE)
    register_detail("kid", _("Signing key"), kind=CODE)
    register_detail("origin", _("Origin"))
    register_detail("cursor", _("Cursor"), kind=NUMBER)
    register_detail("events", _("Events"), kind=NUMBER)
    register_detail("records", _("Records"), kind=NUMBER)
    register_detail("reason", _("Reason"))
    register_detail("status_code", _("HTTP status"), kind=NUMBER)
    register_detail("attempt", _("Attempt"), kind=NUMBER)
    # Agreements (portal.exchange.agreements); never the partner's token.
    from .models import Delivery, Tier

    register_values("tier", Tier.choices)
    # Refused-token windows (portal.api) also count tokens whose agreement ended.
    register_values("first_outcome", {"no_agreement": _("no data-sharing agreement in force")})
    register_detail("countries", _("Countries"), kind=CODE)
    register_detail("years", _("Years"))
    register_detail("period", _("In force"))
    register_detail("delivery", _("Delivery"), values=Delivery.choices)
    register_detail("pushes_dropped", _("Queued pushes dropped"), kind=NUMBER)
