"""Demo monitoring reports (`manage.py load_demo`): in osh-monitoring and
andijan-shelters, each with a workspace-only report and a reviewed report shared
with the network, about 300 case records in all.

The records are invented and deterministic (a seeded generator): groups of
people with the same profile, as monitoring data really clusters, so
/statistics/ shows full charts, plus a few scattered records that the
anonymiser has to generalise or leave out. Idempotent: a report that already
exists (same workspace and title) is left as it is, with its records.
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.db.models import Q

from portal.core.roles import NETWORK_COORDINATORS
from portal.members.models import Workspace, WorkspaceFile
from portal.members.permissions import create_workspace, set_membership

from . import services
from . import vocabulary as vocab
from .models import CaseRecord, MonitoringReport
from .releases import latest_release, publish_release

SEED = 20240517

WORKSPACES = {
    "osh-monitoring": (
        "alia@example.org",
        "Osh monitoring group",
        "Monitoring of labour migration and trafficking cases in Osh oblast.",
    ),
    "andijan-shelters": (
        "bakyt@example.org",
        "Andijan shelters",
        "Shelters and reintegration services in Andijan region.",
    ),
}
# Who writes and who reviews. Four eyes: the reviewer is a second person, a
# manager who neither wrote nor changed the report (portal.reports.four_eyes).
# Without the members' demo step the owner writes and the reviewer is made a
# manager here, if their account exists.
PEOPLE = {
    "osh-monitoring": {"author": "alia@example.org", "reviewer": "nurlan@example.org"},
    "andijan-shelters": {"author": "dilnoza@example.org", "reviewer": "farrukh@example.org"},
}

# Profiles: (weight in a cohort, gender, age band, citizenship, country of
# exploitation, exploitation flags, labour flags, means of control)
LABOUR_MEANS = ["meansOfControlWithholdsDocuments", "meansOfControlDebtBondage",
                "meansOfControlExcessiveWorkingHours", "meansOfControlFalsePromises",
                "meansOfControlTakesEarnings", "meansOfControlThreats"]  # fmt: skip
SEXUAL_MEANS = ["meansOfControlPsychologicalAbuse", "meansOfControlPhysicalAbuse",
                "meansOfControlRestrictsMovement", "meansOfControlWithholdsDocuments",
                "meansOfControlFalsePromises", "meansOfControlThreats"]  # fmt: skip


def _cohort(year, gender, age, citizenship, country, size, kind):
    return {"year": year, "gender": gender, "age": age, "citizenship": citizenship,
            "country": country, "size": size, "kind": kind}  # fmt: skip


REPORTS = {
    "osh-monitoring": [
        {
            "title": "Returned labour migrants, Osh oblast, 2022–2023",
            "period": (datetime.date(2022, 1, 1), datetime.date(2023, 12, 31)),
            "country": "KG",
            "region": "Osh oblast",
            "summary": (
                "Interviews with returned migrants at the Osh reception point and in "
                "Kara-Suu, Aravan and Nookat districts.\n\n"
                "Most men identified had worked on construction sites in Russia and on farms "
                "in southern Kazakhstan; employers kept their documents and paid nothing for "
                "months. Women were recruited with promises of work in cafés and were "
                "sexually exploited in Türkiye and the United Arab Emirates. Several young "
                "women were forced into marriage within Kyrgyzstan.\n\n"
                "All people identified were offered shelter, legal aid and medical help; "
                "cases were referred to the Osh city prosecutor where the person agreed."
            ),
            "status": "shared",
            "cohorts": [
                _cohort(2022, "Male", "30--38", "KG", "RU", 14, "construction"),
                _cohort(2022, "Female", "18--20", "KG", "KG", 11, "marriage"),
                _cohort(2022, "Male", "24--26", "KG", "RU", 12, "construction"),
                _cohort(2023, "Male", "24--26", "KG", "RU", 16, "construction"),
                _cohort(2023, "Male", "30--38", "KG", "RU", 13, "construction"),
                _cohort(2023, "Male", "21--23", "KG", "KZ", 12, "agriculture"),
                _cohort(2023, "Female", "18--20", "KG", "TR", 12, "sexual"),
                _cohort(2023, "Female", "24--26", "KG", "AE", 11, "sexual"),
                _cohort(2023, "Male", "9--17", "KG", "RU", 6, "begging"),
            ],
            "scattered": 10,
        },
        {
            "title": "Outreach at border crossings, spring 2024",
            "period": (datetime.date(2024, 3, 1), datetime.date(2024, 5, 31)),
            "country": "KG",
            "region": "Osh oblast, Dostuk and Kara-Suu crossings",
            "summary": (
                "Outreach team of two social workers at the Dostuk and Kara-Suu crossings, "
                "three days a week. Draft: interviews are still being coded."
            ),
            "status": "draft",
            "attach": "monitoring-visits-2025-q1.csv",
            "comment": (
                "reviewer",
                "Please add the referrals made at Kara-Suu before submitting; the shelter "
                "confirmed three admissions in May.",
            ),
            "cohorts": [
                _cohort(2024, "Male", "21--23", "KG", "RU", 9, "construction"),
                _cohort(2024, "Female", "18--20", "UZ", "KG", 6, "domestic"),
            ],
            "scattered": 10,
        },
    ],
    "andijan-shelters": [
        {
            "title": "Shelter admissions, Andijan region, 2022–2023",
            "period": (datetime.date(2022, 1, 1), datetime.date(2023, 12, 31)),
            "country": "UZ",
            "region": "Andijan region",
            "summary": (
                "People admitted to the two partner shelters in Andijan after return or "
                "referral by the migration agency.\n\n"
                "Men came mostly from construction and agriculture in Russia and Kazakhstan, "
                "often in debt bondage to the recruiter who organised the journey. Women had "
                "been exploited in domestic work and in the sex industry in Türkiye and the "
                "United Arab Emirates. Children were forced to beg in Moscow and in Tashkent."
            ),
            "status": "shared",
            "cohorts": [
                _cohort(2022, "Male", "24--26", "UZ", "RU", 15, "construction"),
                _cohort(2022, "Male", "30--38", "UZ", "KZ", 12, "agriculture"),
                _cohort(2022, "Female", "24--26", "UZ", "TR", 11, "sexual"),
                _cohort(2023, "Male", "24--26", "UZ", "RU", 17, "construction"),
                _cohort(2023, "Male", "39--47", "UZ", "RU", 12, "construction"),
                _cohort(2023, "Female", "30--38", "UZ", "RU", 13, "domestic"),
                _cohort(2023, "Female", "21--23", "UZ", "AE", 11, "sexual"),
                _cohort(2023, "Male", "9--17", "UZ", "RU", 6, "begging"),
                _cohort(2023, "Female", "9--17", "TJ", "UZ", 4, "begging"),
            ],
            "scattered": 12,
        },
        {
            "title": "Shelter admissions, first half of 2024",
            "period": (datetime.date(2024, 1, 1), datetime.date(2024, 6, 30)),
            "country": "UZ",
            "region": "Andijan region",
            "summary": (
                "Admissions to the Andijan shelters from January to June 2024. Submitted "
                "for review by the shelter coordinator."
            ),
            "status": "submitted",
            "attach": "shelter-referral-procedure.pdf",
            "comment": ("author", "Two admissions from March are still to be confirmed."),
            "cohorts": [
                _cohort(2024, "Male", "24--26", "UZ", "RU", 14, "construction"),
                _cohort(2024, "Female", "21--23", "UZ", "TR", 10, "sexual"),
                _cohort(2024, "Male", "30--38", "UZ", "KZ", 8, "agriculture"),
            ],
            "scattered": 10,
        },
    ],
}

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


def _workspace(slug, ctx):
    workspace = Workspace.objects.filter(slug=slug).first()
    if workspace is not None:
        return workspace
    # The members' demo step normally makes the workspaces; make them here when it has not.
    owner_email, name, description = WORKSPACES[slug]
    owner = get_user_model().objects.get(email=owner_email)
    ctx.say(f"created workspace {slug}")
    return create_workspace(owner=owner, slug=slug, name=name, description=description)


def _people(workspace, ctx):
    owner = workspace.memberships.get(role="owner").user
    people = {}
    for part, email in PEOPLE[workspace.slug].items():
        membership = workspace.memberships.filter(user__email=email).select_related("user").first()
        people[part] = membership.user if membership else owner
    if people["reviewer"] == people["author"]:
        reviewer = get_user_model().objects.filter(email=PEOPLE[workspace.slug]["reviewer"]).first()
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
        who, text = spec["comment"]
        services.add_comment(report, actor=people[who], body=text)
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
    rng = random.Random(SEED)  # noqa: S311 -- reproducible demo data, not a secret
    created = 0
    for slug, specs in REPORTS.items():
        workspace = _workspace(slug, ctx)
        people = _people(workspace, ctx)
        for spec in specs:
            # Draw every report's records even when it exists, so a report added
            # later to this list gets the same records on every machine.
            records = _records(rng, spec)
            if MonitoringReport.objects.filter(workspace=workspace, title=spec["title"]).exists():
                continue
            report = _load_report(workspace, spec, records, people)
            created += 1
            ctx.say(f"report “{report.title}” ({len(records)} case records, {spec['status']})")
    total = CaseRecord.objects.filter(report__workspace__slug__in=list(REPORTS)).count()
    ctx.say(f"{created} reports created; {total} demo case records in all")
    if created or latest_release() is None:
        # /statistics/ and the partner API read releases only: publish one.
        release = publish_release(force=True)  # new demo reports: show them
        ctx.say(f"statistics release {release.number} published")
