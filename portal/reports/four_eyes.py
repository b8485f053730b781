"""Four eyes before the network: who wrote a report may not be who vouches for it.

A report's *contributors* are its author and everyone who changed what it
says: its fields, or its case rows (added, changed, deleted, imported). The
report's edit history (ReportChange, written by portal.reports.services in the
same transaction as every change) names them, so the answer cannot drift from
what happened. A contributor may not review the report; a report whose
reviewer is a contributor may not be shared. Without that one manager could
invent case records, review them and publish them alone (issue 10).

Submitting, commenting, reviewing and attaching files (which stay inside the
workspace) do not make anyone a contributor: they do not change what the
network would receive.
"""

from .models import ChangeKind, ReportChange

# History kinds that change what the network would read or count.
CONTRIBUTING_CHANGES = (
    ChangeKind.CREATED,
    ChangeKind.FIELD,
    ChangeKind.CASE_ADDED,
    ChangeKind.CASE_CHANGED,
    ChangeKind.CASE_DELETED,
    ChangeKind.IMPORTED,
)


def report_contributors(report):
    """Primary keys of the people who created or changed ``report`` (one query).
    People whose account was deleted are no longer known and cannot review."""
    actors = set(
        ReportChange.objects.filter(
            report_id=report.pk, kind__in=CONTRIBUTING_CHANGES, actor__isnull=False
        )
        .values_list("actor_id", flat=True)
        .distinct()
    )
    if report.created_by_id is not None:
        actors.add(report.created_by_id)
    return frozenset(actors)


def is_contributor(user, report):
    return getattr(user, "pk", None) in report_contributors(report)


def reviewed_by_second_person(report):
    """True when the recorded reviewer exists and did not contribute: the only
    reviews that let a report reach the network."""
    return report.reviewed_by_id is not None and report.reviewed_by_id not in report_contributors(
        report
    )
