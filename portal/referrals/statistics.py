"""Referral figures for the network statistics page (issue 16): per corridor
(from country -> to country) and per TRM phase, how many referrals were sent
and where they stand now, the median time to acceptance, and the outcomes of
the closed ones.

Counted live from the referrals, for the people ``policy.
can_view_referral_statistics`` allows (never the public: the public figures
are releases). Every figure follows the small-cell rule with complementary
suppression (portal.reports.small_cells) over all the tables at once, since
they share their totals: a figure under k reads "fewer than k", and no hidden
figure can be worked out from the totals. A corridor with fewer than k
referrals is not named: it counts under "Other corridors", so a row never
tells that someone was referred along a rare route (the row is there when
some corridor is rare, without saying which). A median is shown only
for a group of at least k accepted referrals.

Registered as a section of /network/statistics/ (portal.reports.
statistics_sections) from the app's ready().
"""

import statistics as stats
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from portal.core.countries import country_name
from portal.reports.anonymity import default_k
from portal.reports.small_cells import Sum, protect, totals_of

from .models import Referral
from .policy import can_view_referral_statistics
from .vocabulary import Outcome, Phase, Status

STATUSES = (Status.PENDING, Status.ACCEPTED, Status.DECLINED, Status.REVOKED, Status.CLOSED)
# Column headings: how many referrals are in each status now (Russian needs
# the plural here, hence the context).
STATUS_HEADINGS = {
    Status.PENDING: pgettext_lazy("referral figures", "Waiting"),
    Status.ACCEPTED: pgettext_lazy("referral figures", "In progress"),
    Status.DECLINED: pgettext_lazy("referral figures", "Declined"),
    Status.REVOKED: pgettext_lazy("referral figures", "Revoked"),
    Status.CLOSED: pgettext_lazy("referral figures", "Closed"),
}
TOTAL = "total"
# The corridor row of every corridor with fewer than k referrals.
OTHER_CORRIDORS = ("*", "*")
# Under this a median reads in hours, from it in days.
HOURS_UP_TO = 48


@dataclass(frozen=True)
class Figure:
    count: int | None  # None: not shown
    k: int
    # Not shown because it is under k; else hidden only so that a small figure
    # cannot be worked out from it (portal.reports.small_cells).
    small: bool = False

    @property
    def suppressed(self):
        return self.count is None

    def __str__(self):
        if self.count is not None:
            return f"{self.count:,}".replace(",", "\u202f")
        if self.small:
            return _("fewer than %(k)s") % {"k": self.k}
        return _("not shown")


@dataclass(frozen=True)
class Row:
    key: object
    label: str
    total: Figure
    statuses: tuple  # of Figure, in STATUSES' order
    median_hours: float | None  # None: fewer than k accepted

    @property
    def median_text(self):
        return median_text(self.median_hours, self.total.k)

    @property
    def status_cells(self):
        """(heading, figure) for each status, for the stacked phone layout."""
        return [
            (STATUS_HEADINGS[status], f) for status, f in zip(STATUSES, self.statuses, strict=True)
        ]


@dataclass(frozen=True)
class ReferralStatistics:
    k: int
    corridors: tuple  # of Row, most referrals first, other corridors last
    phases: tuple  # of Row, in the TRM's order
    network: Row
    outcomes: tuple  # of (label, Figure), in the vocabulary's order
    closed: Figure  # the outcomes' total

    @property
    def status_headings(self):
        return [STATUS_HEADINGS[status] for status in STATUSES]


def median_text(hours, k):
    if hours is None:
        return _("not shown (fewer than %(k)s accepted)") % {"k": k}
    if hours < HOURS_UP_TO:
        return _("%(hours)s h") % {"hours": f"{hours:.0f}"}
    return _("%(days)s d") % {"days": f"{hours / 24:.1f}"}


def corridor_label(key):
    if key == OTHER_CORRIDORS:
        return _("Other corridors")
    origin, destination = key
    return _("%(origin)s → %(destination)s") % {
        "origin": country_name(origin) if origin else _("Unknown"),
        "destination": country_name(destination) if destination else _("Unknown"),
    }


def _was_accepted(status, responded_at):
    # Accepted, then perhaps closed or revoked; a declined one was answered too.
    if status in (Status.ACCEPTED, Status.CLOSED):
        return True
    return status == Status.REVOKED and responded_at is not None


def _median(hours, k):
    return stats.median(hours) if len(hours) >= k else None


def referral_statistics(k=None):
    """The figures of every referral held, k from settings unless given."""
    k = default_k() if k is None else k
    referrals = list(
        Referral.objects.values_list(
            "from_country", "to_country", "phase", "status", "outcome", "sent_at", "responded_at"
        )
    )
    by_corridor = {}
    for origin, destination, *_rest in referrals:
        by_corridor[(origin, destination)] = by_corridor.get((origin, destination), 0) + 1
    named = {key for key, count in by_corridor.items() if count >= k}
    corridor_keys = sorted(named, key=lambda key: (-by_corridor[key], corridor_label(key)))
    if len(named) < len(by_corridor):
        corridor_keys.append(OTHER_CORRIDORS)
    phase_keys = [phase.value for phase in Phase]
    outcome_keys = [outcome.value for outcome in Outcome]

    figures = {}
    hours = {}

    def add(key, amount=1):
        figures[key] = figures.get(key, 0) + amount

    for key in corridor_keys:
        for column in (*STATUSES, TOTAL):
            figures[("corridor", key, column)] = 0
    for key in phase_keys:
        for column in (*STATUSES, TOTAL):
            figures[("phase", key, column)] = 0
    for column in (*STATUSES, TOTAL):
        figures[("network", column)] = 0
    for key in outcome_keys:
        figures[("outcome", key)] = 0

    for origin, destination, phase, status, outcome, sent_at, responded_at in referrals:
        corridor = (origin, destination) if (origin, destination) in named else OTHER_CORRIDORS
        groups = [("corridor", corridor), ("phase", phase)]
        for kind, key in groups:
            add((kind, key, status))
            add((kind, key, TOTAL))
        add(("network", status))
        add(("network", TOTAL))
        if status == Status.CLOSED and outcome:
            add(("outcome", outcome))
        if _was_accepted(status, responded_at) and responded_at and sent_at:
            waited = max((responded_at - sent_at).total_seconds(), 0) / 3600
            for group in (*groups, ("network",)):
                hours.setdefault(group, []).append(waited)

    sums = [Sum(("network", TOTAL), tuple(("network", status) for status in STATUSES))]
    for kind, keys in (("corridor", corridor_keys), ("phase", phase_keys)):
        for key in keys:
            sums.append(Sum((kind, key, TOTAL), tuple((kind, key, status) for status in STATUSES)))
        for column in (*STATUSES, TOTAL):
            sums.append(Sum(("network", column), tuple((kind, key, column) for key in keys)))
    # A closed referral without an outcome (none is closed without one today)
    # would break the sum; the outcomes then are not a sum of the closed.
    if (
        sum(figures[("outcome", key)] for key in outcome_keys)
        == figures[("network", Status.CLOSED)]
    ):
        sums.append(
            Sum(("network", Status.CLOSED), tuple(("outcome", key) for key in outcome_keys))
        )
    hidden = protect(figures, sums, k)

    totals = totals_of(sums)

    def figure(key):
        if key in hidden:
            # A hidden total reads "not shown" whatever its size, so its label
            # tells a reader nothing (portal.reports.small_cells).
            return Figure(None, k, small=figures[key] < k and key not in totals)
        return Figure(figures[key], k)

    def row(kind, key, label):
        return Row(
            key=key,
            label=label,
            total=figure((kind, key, TOTAL)),
            statuses=tuple(figure((kind, key, status)) for status in STATUSES),
            median_hours=_median(hours.get((kind, key), []), k),
        )

    return ReferralStatistics(
        k=k,
        corridors=tuple(row("corridor", key, corridor_label(key)) for key in corridor_keys),
        phases=tuple(row("phase", key, Phase(key).label) for key in phase_keys),
        network=Row(
            key=TOTAL,
            label=_("All referrals"),
            total=figure(("network", TOTAL)),
            statuses=tuple(figure(("network", status)) for status in STATUSES),
            median_hours=_median(hours.get(("network",), []), k),
        ),
        outcomes=tuple((Outcome(key).label, figure(("outcome", key))) for key in outcome_keys),
        closed=figure(("network", Status.CLOSED)),
    )


def statistics_section(request):
    """The section's data for this person, or None (the page leaves it out)."""
    if not can_view_referral_statistics(request.user):
        return None
    return referral_statistics()
