"""Registering, changing and ending data-sharing agreements: the only code that
writes ``Agreement`` rows (the admin and the demo call it).

Who: network coordinators and superusers (``can_manage_exchange``), the people
who sign agreements on the network's behalf. Page editors and workspace
managers are refused: an agreement decides what leaves the network.

A pull agreement comes with the partner's API token (scope
``exchange:releases``), issued here and returned once as text; the portal keeps
only its hash. The token lives exactly as long as the agreement: it expires at
the start of the day after ``ends_on`` (the partner may pull all of the last
day), follows the end date when it changes, and is revoked when the agreement
is ended early. Ending early also abandons the pushes still queued for it.

Nothing here writes the token's text anywhere: not to the audit log, not to a
message, not to the agreement.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.api import tokens
from portal.api.models import ApiToken, Scope
from portal.core.policy import ALLOWED, CONFLICT, ActionRefused, refuse
from portal.core.roles import is_network_coordinator
from portal.members import audit
from portal.reports.vocabulary import FIRST_REGISTRATION_YEAR

from . import audit_actions
from .models import Agreement, Delivery, PushDelivery

# What a coordinator may set when registering an agreement.
FIELDS = (
    "title",
    "partner",
    "tier",
    "min_k",
    "countries",
    "year_from",
    "year_to",
    "starts_on",
    "ends_on",
    "contact_name",
    "contact_email",
    "delivery",
    "inbox_url",
)
# The partner and the delivery are what the token was issued for: changing
# them is a new agreement, not an amendment.
CHANGEABLE = tuple(name for name in FIELDS if name not in ("partner", "delivery"))

REASON_MAX = 500


def can_manage_exchange(user):
    """Register, change and end agreements, rotate and revoke signing keys, read
    subscriptions and imported releases."""
    if is_network_coordinator(user):
        return ALLOWED
    return refuse(_("Only network coordinators manage data exchange with partners."))


def token_expiry(ends_on):
    """The moment the partner's token stops working: the start of the day after
    the agreement's last day, in the portal's time zone."""
    day_after = ends_on + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day_after, datetime.time.min))


def _check(agreement, changed):
    """The model's rules, plus those that depend on today (checked only for the
    fields being set, so an agreement that simply ran out can still have its
    contact corrected)."""
    errors = {}
    try:
        agreement.full_clean(exclude=["token", "created_by"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if agreement.year_from is not None and agreement.year_from < FIRST_REGISTRATION_YEAR:
        errors.setdefault("year_from", []).append(
            _("The network's records start in %(year)s.") % {"year": FIRST_REGISTRATION_YEAR}
        )
    if (
        agreement.year_to is not None
        and agreement.ends_on is not None
        and agreement.year_to > agreement.ends_on.year
    ):
        errors.setdefault("year_to", []).append(
            _("The last year cannot come after the agreement ends (%(year)s).")
            % {"year": agreement.ends_on.year}
        )
    if "ends_on" in changed and agreement.ends_on and agreement.ends_on < timezone.localdate():
        errors.setdefault("ends_on", []).append(
            _("This date has passed. To stop an agreement now, end it early.")
        )
    if agreement.delivery == Delivery.PULL and agreement.inbox_url:
        errors.setdefault("inbox_url", []).append(
            _("An inbox URL is used only when the portal pushes; leave it empty for pull.")
        )
    if errors:
        raise ValidationError(errors)


def _years(agreement):
    return f"{agreement.year_from}–{agreement.year_to}"


def _normalise(fields):
    if "countries" in fields:
        fields["countries"] = sorted(set(fields["countries"] or []))
    return fields


@transaction.atomic
def create_agreement(*, actor, **fields):
    """Register an agreement. Returns (agreement, token text or None): the text
    of a pull partner's token, to show the person once. ValidationError (by
    field) when a field is wrong; ActionRefused when the actor may not."""
    can_manage_exchange(actor).require()
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"not an agreement field: {', '.join(sorted(unknown))}")
    agreement = Agreement(**_normalise(fields))
    agreement.created_by = actor
    _check(agreement, changed=set(FIELDS))
    agreement.save()
    raw = None
    if agreement.delivery == Delivery.PULL:
        token, raw = tokens.issue_token(
            # The name is what the API tokens list shows: it says whose it is.
            name=_("Agreement: %(title)s") % {"title": agreement.title[:100]},
            organisation=agreement.partner,
            scopes=[Scope.EXCHANGE],
            expires_at=token_expiry(agreement.ends_on),
            actor=actor,
        )
        agreement.token = token
        agreement.save(update_fields=["token"])
    audit.record(
        actor,
        audit_actions.AGREEMENT_CREATED,
        target=agreement,
        agreement=str(agreement.uid),
        organisation=agreement.partner_id,
        tier=agreement.tier,
        countries=agreement.countries,
        years=_years(agreement),
        period=f"{agreement.starts_on.isoformat()}–{agreement.ends_on.isoformat()}",
        delivery=agreement.delivery,
        prefix=agreement.token.prefix if agreement.token else "",
    )
    return agreement, raw


@transaction.atomic
def update_agreement(agreement, *, actor, **fields):
    """Amend an agreement (what the parties signed changed). The partner and
    the delivery cannot change: register a new agreement. The token's expiry
    follows the end date."""
    can_manage_exchange(actor).require()
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.revoked_at:
        raise ActionRefused(
            _("This agreement was ended early and cannot change. Register a new one."),
            status=CONFLICT,
        )
    unknown = set(fields) - set(CHANGEABLE)
    if unknown:
        # The partner and the delivery are what the token was issued for.
        raise TypeError(f"cannot change: {', '.join(sorted(unknown))}")
    fields = _normalise(fields)
    changed = sorted(name for name, value in fields.items() if getattr(agreement, name) != value)
    if not changed:
        return agreement
    for name in changed:
        setattr(agreement, name, fields[name])
    _check(agreement, changed=set(changed))
    agreement.save()
    if "ends_on" in changed and agreement.token_id:
        # The token must not outlive the agreement, nor stop before it ends.
        ApiToken.objects.filter(pk=agreement.token_id, revoked_at__isnull=True).update(
            expires_at=token_expiry(agreement.ends_on)
        )
    audit.record(
        actor,
        audit_actions.AGREEMENT_CHANGED,
        target=agreement,
        agreement=str(agreement.uid),
        fields=changed,
        tier=agreement.tier,
        countries=agreement.countries,
        years=_years(agreement),
        period=f"{agreement.starts_on.isoformat()}–{agreement.ends_on.isoformat()}",
    )
    return agreement


@transaction.atomic
def end_agreement(agreement, *, actor, reason):
    """End an agreement before its end date: from now on nothing is sent to the
    partner, its token is refused and queued pushes are dropped."""
    can_manage_exchange(actor).require()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the agreement ends early.")})
    if len(reason) > REASON_MAX:
        raise ValidationError(
            {"reason": _("Keep the reason under %(n)s characters.") % {"n": REASON_MAX}}
        )
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.revoked_at:
        raise ActionRefused(_("This agreement has already been ended."), status=CONFLICT)
    now = timezone.now()
    agreement.revoked_at = now
    agreement.save(update_fields=["revoked_at"])
    if agreement.token_id:
        tokens.revoke_token(agreement.token, actor=actor)
    abandoned = PushDelivery.objects.filter(
        agreement=agreement, delivered_at__isnull=True, abandoned_at__isnull=True
    ).update(abandoned_at=now, last_error="Agreement ended early.")
    audit.record(
        actor,
        audit_actions.AGREEMENT_ENDED,
        target=agreement,
        agreement=str(agreement.uid),
        reason=reason,
        pushes_dropped=abandoned,
    )
    return agreement
