"""Demo monitoring reports: in osh-monitoring and andijan-shelters, each with
a workspace-only report and a reviewed report shared with the network, about
300 case records in all. Titles, periods, summaries and cohorts:
data/reports.json.

The records are invented and deterministic (a seeded generator): groups of
people with the same profile, as monitoring data really clusters, so
/statistics/ shows full charts, plus a few scattered records that the
anonymiser has to generalise or leave out. Idempotent: a report that already
exists (same workspace and title) is left as it is, with its records.
"""

import random

from django.contrib.auth import get_user_model
from django.db.models import Q

from portal.core.roles import NETWORK_COORDINATORS
from portal.members.models import Workspace, WorkspaceFile
from portal.members.permissions import create_workspace, set_membership
from portal.reports import services
from portal.reports import vocabulary as vocab
from portal.reports.models import CaseRecord, MonitoringReport
from portal.reports.releases import latest_release, publish_release

from .. import data

# The generator's vocabulary: which flags each kind of exploitation sets.
LABOUR_MEANS = ["meansOfControlWithholdsDocuments", "meansOfControlDebtBondage",
                "meansOfControlExcessiveWorkingHours", "meansOfControlFalsePromises",
                "meansOfControlTakesEarnings", "meansOfControlThreats"]  # fmt: skip
SEXUAL_MEANS = ["meansOfControlPsychologicalAbuse", "meansOfControlPhysicalAbuse",
                "meansOfControlRestrictsMovement", "meansOfControlWithholdsDocuments",
                "meansOfControlFalsePromises", "meansOfControlThreats"]  # fmt: skip

KINDS = {
    "construction": (["isForcedLabour"], ["typeOfLabourConstruction"], LABOUR_MEANS),
    "agriculture": (["isForcedLabour"], ["typeOfLabourAgriculture"], LABOUR_MEANS),
    "domestic": (["isForcedLabour"], ["typeOfLabourDomesticWork"], LABOUR_MEANS),
    "begging": (["isForcedLabour"], ["typeOfLabourBegging"], ["meansOfControlPhysicalAbuse",
                "meansOfControlRestrictsMovement", "meansOfControlTakesEarnings"]),
    "sexual": (["isSexualExploit"], [], SEXUAL_MEANS),
    "marriage": (["isForcedMarriage"], [], ["meansOfControlRestrictsMovement",
                 "meansOfControlPsychologicalAbuse", "meansOfControlThreats"]),
}  # fmt: skip
RECRUITERS = ["recruiterRelationFriend", "recruiterRelationFamily", "recruiterRelationOther",
              "recruiterRelationIntimatePartner", "recruiterRelationUnknown"]  # fmt: skip
CASE_STATUSES = ["Active", "FollowUp", "Closed", "ClosedReferred"]
REFERRALS = ["NGO", "LegalService", "HealthServiceOrganisation", "LawEnforcement", ""]
SCATTER_COUNTRIES = ["RU", "KZ", "TR", "AE", "KR", "PL", "KG", "UZ"]


def _record(rng, *, year, gender, age, citizenship, country, kind):
    exploitation, labour, means = KINDS[kind]
    flags = set(exploitation) | set(labour)
    flags.update(rng.sample(means, k=rng.randint(1, 3)))
    flags.add(rng.choice(RECRUITERS[:3]) if rng.random() < 0.85 else rng.choice(RECRUITERS[3:]))
    if kind == "sexual" and rng.random() < 0.2:
        flags.update(["isForcedLabour", "typeOfLabourHospitality"])
    values = {
        "year_of_registration": year,
        "gender": gender,
        "age_band": age,
        "citizenship": citizenship,
        "country_of_exploitation": country,
        "case_status": rng.choice(CASE_STATUSES),
        "referred_to": rng.choice(REFERRALS),
    }
    for column in vocab.ALL_FLAG_COLUMNS:
        values[vocab.field_name(column)] = column in flags
    return CaseRecord(**values)


def _scattered(rng, period):
    years = list(range(period[0].year, period[1].year + 1))
    kind = rng.choice(["construction", "agriculture", "sexual", "domestic", "marriage"])
    record = _record(
        rng,
        year=rng.choice(years),
        gender=rng.choice(["Male", "Female", "Female", "Male", "Unknown"]),
        age=rng.choice([band.value for band in vocab.AgeBand] + [""]),
        citizenship=rng.choice(["KG", "UZ", "TJ", "KZ"]),
        country=rng.choice(SCATTER_COUNTRIES),
        kind=kind,
    )
    if rng.random() < 0.15:
        record.is_organ_removal = True
    if rng.random() < 0.1:
        record.is_other_exploit = True
    return record


def _records(rng, spec):
    records = []
    for cohort in spec["cohorts"]:
        for _ in range(cohort["size"]):
            records.append(
                _record(
                    rng,
                    year=cohort["year"],
                    gender=cohort["gender"],
                    age=cohort["age"],
                    citizenship=cohort["citizenship"],
                    country=cohort["country"],
                    kind=cohort["kind"],
                )
            )
    records.extend(_scattered(rng, spec["period"]) for _ in range(spec["scattered"]))
    return records


def _workspace(slug, spec, ctx):
    workspace = Workspace.objects.filter(slug=slug).first()
    if workspace is not None:
        return workspace
    # The workspaces step normally makes them; make them here when it has not.
    owner = get_user_model().objects.get(email=spec["owner"])
    ctx.say(f"created workspace {slug}")
    return create_workspace(
        owner=owner, slug=slug, name=spec["name"], description=spec["description"]
    )


def _people(workspace, spec, ctx):
    """Who writes and who reviews (data/reports.json). Four eyes: the reviewer
    is a second person, a manager who neither wrote nor changed the report
    (portal.reports.four_eyes). Without the workspaces step the owner writes and
    the reviewer is made a manager here, if their account exists."""
    owner = workspace.memberships.get(role="owner").user
    people = {}
    for part in ("author", "reviewer"):
        membership = (
            workspace.memberships.filter(user__email=spec[part]).select_related("user").first()
        )
        people[part] = membership.user if membership else owner
    if people["reviewer"] == people["author"]:
        reviewer = get_user_model().objects.filter(email=spec["reviewer"]).first()
        if reviewer is not None:
            set_membership(workspace, reviewer, "manager", actor=None, via="demo")
            ctx.say(f"{reviewer.email} made a manager of {workspace.slug}, to review reports")
        people["reviewer"] = reviewer
    return people


def _office_coordinator():
    """Who approves the demo's shares when the office must approve them."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(groups__name=NETWORK_COORDINATORS))
        .order_by("-is_superuser", "pk")
        .first()
    )


def _load_report(workspace, spec, records, people):
    author, reviewer = people["author"], people["reviewer"]
    report = services.create_report(
        workspace,
        actor=author,
        title=spec["title"],
        period_start=spec["period"][0],
        period_end=spec["period"][1],
        country=spec["country"],
        region=spec["region"],
        summary=spec["summary"],
    )
    services.import_cases(report, records, actor=author, file_format="demo", via="demo")
    stored = WorkspaceFile.objects.filter(
        workspace=workspace, original_name=spec.get("attach", "")
    ).first()
    if stored is not None:
        services.attach_file(report, stored, actor=author)
    if spec.get("comment"):
        comment = spec["comment"]
        services.add_comment(report, actor=people[comment["by"]], body=comment["text"])
    if spec["status"] in ("submitted", "reviewed", "shared"):
        services.submit_report(report, actor=author)
    if reviewer is None:
        # Nobody to review: the demo never reviews its own reports.
        return report
    if spec["status"] in ("reviewed", "shared"):
        services.review_report(report, actor=reviewer)
    if spec["status"] == "shared":
        services.share_report(report, actor=reviewer)
        approval = services.pending_share(report)
        coordinator = _office_coordinator()
        if approval is not None and coordinator is not None:
            services.approve_share(approval, actor=coordinator)
    return report


def load_reports(ctx):
    content = data.reports()
    rng = random.Random(content["seed"])  # noqa: S311 -- reproducible demo data, not a secret
    created = 0
    for slug, workspace_spec in content["workspaces"].items():
        workspace = _workspace(slug, workspace_spec, ctx)
        people = _people(workspace, workspace_spec, ctx)
        for spec in workspace_spec["reports"]:
            # Draw every report's records even when it exists, so a report added
            # later to this list gets the same records on every machine.
            records = _records(rng, spec)
            if MonitoringReport.objects.filter(workspace=workspace, title=spec["title"]).exists():
                continue
            report = _load_report(workspace, spec, records, people)
            created += 1
            ctx.say(f"report “{report.title}” ({len(records)} case records, {spec['status']})")
    total = CaseRecord.objects.filter(
        report__workspace__slug__in=list(content["workspaces"])
    ).count()
    ctx.say(f"{created} reports created; {total} demo case records in all")
    if created or latest_release() is None:
        # /statistics/ and the partner API read releases only: publish one.
        release = publish_release(force=True)  # new demo reports: show them
        ctx.say(f"statistics release {release.number} published")
