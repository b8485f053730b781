from django.utils import translation

from portal.referrals.directory import save_provider
from portal.referrals.models import Language, ServiceProvider


def make_provider(**fields):
    """A provider saved the way the admin saves one (validated), as nobody."""
    values = {
        "organisation": None,
        "name": "Listed provider",
        "services": ["shelter"],
        "country": "KG",
        "city": "Osh",
        "languages": ["ru"],
    }
    values.update(fields)
    return save_provider(ServiceProvider(**values), actor=None, check=False)


# The directory's labels shown to readers. Their Russian arrives with the
# merged catalogue (helpers write PO fragments); until then journeys allow the
# English words of those still untranslated, and nothing once they are.
LABELS = (
    "Where to get help",
    "Service directory",
    "Services",
    "Hours",
    "Languages",
    "Phone",
    "Email",
    "Website",
    "Filter",
    "Country",
    "Service",
    "Language spoken",
    "Any country",
    "Any service",
    "Any language",
    "Accepts referrals through the portal",
    "Show providers",
    "Clear",
    "Internal notes",
    "Referrals through the portal",
    "Accepted",
    "Not through the portal",
    "Listed publicly",
    "Yes",
    "No",
    "provider",
    "providers",
    "No provider matches these filters.",
    "Shelters, legal aid, medical and psychological help, return and reintegration "
    "programmes and labour-rights organisations, in the network and outside it. "
    "Internal notes are for network members only.",
)


def untranslated_words(language="ru"):
    from portal.referrals.models import Service

    with translation.override("en"):
        labels = [str(label) for label in (*LABELS, *Service.labels, *Language.labels)]
    words = set()
    with translation.override(language):
        for label in labels:
            if translation.gettext(label) == label:
                words.update(label.replace(",", " ").replace(".", " ").split())
    return sorted(words)


# A referral's world: a case in Osh, a shelter in Andijan ----------------------

CONSENT_ALL = {
    "given": True,
    "given_by": "person",
    "method": "written",
    "services": ("shelter", "psychological", "legal_aid"),
    "data": ("profile", "exploitation", "control", "status"),
}


def referral_world():
    """Two verified member organisations, each with a workspace holding one
    person per role: "Osh Migrant Help" (KG), which holds a report with a
    case, and "Andijan Shelter" (UZ), whose workspace receives the referrals
    sent to its provider entry. Plus a third organisation's case worker, a
    coordinator and an outsider."""
    import datetime

    from portal.core.roles import NETWORK_COORDINATORS
    from portal.members.models import Organisation
    from tests.factories import OrganisationFactory, UserFactory, add_member, make_workspace
    from tests.reports.factories import add_cases, make_report

    def org(name, country):
        return Organisation.objects.filter(name=name).first() or OrganisationFactory(
            name=name, country=country, city="", verified=True
        )

    osh_org = org("Osh Migrant Help", "KG")
    andijan_org = org("Andijan Shelter", "UZ")
    third_org = org("Khujand Legal Clinic", "TJ")

    def person(email, organisation):
        return UserFactory(email=email, organisation=organisation)

    people = {}
    osh_owner = person("osh.owner@example.org", osh_org)
    osh = make_workspace(owner=osh_owner, slug="osh-cases", name="Osh cases", organisation=osh_org)
    people["osh_owner"] = osh_owner
    for role in ("manager", "member", "observer"):
        people[f"osh_{role}"] = add_member(osh, person(f"osh.{role}@example.org", osh_org), role)
    andijan_owner = person("andijan.owner@example.org", andijan_org)
    andijan = make_workspace(
        owner=andijan_owner, slug="andijan-intake", name="Andijan intake", organisation=andijan_org
    )
    people["andijan_owner"] = andijan_owner
    for role in ("manager", "member", "observer"):
        people[f"andijan_{role}"] = add_member(
            andijan, person(f"andijan.{role}@example.org", andijan_org), role
        )
    third_owner = person("khujand.owner@example.org", third_org)
    third = make_workspace(
        owner=third_owner, slug="khujand-cases", name="Khujand cases", organisation=third_org
    )
    people["third_owner"] = third_owner
    coordinator = UserFactory(email="coordinator@example.org")
    from django.contrib.auth.models import Group

    coordinator.groups.add(Group.objects.get(name=NETWORK_COORDINATORS))
    people["coordinator"] = type(coordinator).objects.get(pk=coordinator.pk)
    people["outsider"] = UserFactory(email="outsider@example.org")

    report = make_report(
        osh,
        author=osh_owner,
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 3, 31),
    )
    (case,) = add_cases(
        report,
        citizenship="UZ",
        gender="Female",
        age_band="18--20",
        is_sexual_exploit=True,
        means_of_control_withholds_documents=True,
    )
    provider = make_provider(
        organisation=andijan_org,
        name="",
        services=["shelter", "psychological", "medical"],
        country="UZ",
        city="Andijan",
        languages=["uz", "ru"],
        accepts_referrals=True,
        receiving_workspace=andijan,
        public=True,
    )
    return {
        "osh": osh,
        "andijan": andijan,
        "third": third,
        "report": report,
        "case": case,
        "provider": provider,
        **people,
    }


def send_referral(world, *, actor=None, consent=None, **request):
    """A referral sent by the services, as the Osh member."""
    import datetime

    from portal.referrals import lifecycle

    values = {
        "services": ("shelter", "psychological"),
        "phase": "first_assistance",
        "urgency": "urgent",
        "languages": ("uz", "ru"),
        "needs": "Safe accommodation for two weeks and counselling in Uzbek.",
        "sender_contact": "Weekdays 9-18 through the portal thread.",
        "data_categories": ("profile", "exploitation"),
    }
    values.update(request)
    if consent is None:
        consent = lifecycle.Consent(date=datetime.date.today(), **CONSENT_ALL)
    return lifecycle.send(
        actor or world["osh_member"],
        world["case"],
        world["provider"],
        lifecycle.Request(**values),
        consent,
    )
