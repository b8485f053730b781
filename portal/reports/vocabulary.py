"""The case-record vocabulary: IOM's Human Trafficking Case Data Standard (HTCDS) as
published by the Counter Trafficking Data Collaborative (CTDC).

Stored values are the standard's codes, never translated text, so records can be
linked with other HTCDS/CTDC databases. Labels are for people and are translatable;
``exchange`` labels are the fixed English words CTDC uses in its "…Concatenated"
columns and must not be translated.

Column names are CTDC's (``yearOfRegistration``, ``ageBroad``, ``isForcedLabour``,
``meansOfControlDebtBondage``…). Two columns are the portal's own, from HTCDS's
case table: ``caseStatus`` (HTCDS cas_Status) and ``referredTo`` (the HTCDS
organisation type of the referred organisation). See README, "Monitoring database and data exchange".
"""

import datetime
import re
from dataclasses import dataclass
from functools import cached_property

from django.db import models
from django.utils.translation import gettext_lazy as _

# Records before this year are outside what the network monitors; it also catches
# a birth year typed into the registration-year column.
FIRST_REGISTRATION_YEAR = 2000


def last_registration_year():
    return datetime.date.today().year


class Gender(models.TextChoices):
    FEMALE = "Female", _("Female")
    MALE = "Male", _("Male")
    TRANSGENDER = "Transgender/NonConforming", _("Transgender / non-conforming")
    UNKNOWN = "Unknown", _("Unknown")


class AgeBand(models.TextChoices):
    """CTDC's broad age bands at registration. Never an exact age."""

    AGE_0_8 = "0--8", "0–8"
    AGE_9_17 = "9--17", "9–17"
    AGE_18_20 = "18--20", "18–20"
    AGE_21_23 = "21--23", "21–23"
    AGE_24_26 = "24--26", "24–26"
    AGE_27_29 = "27--29", "27–29"
    AGE_30_38 = "30--38", "30–38"
    AGE_39_47 = "39--47", "39–47"
    AGE_48_PLUS = "48+", "48+"


MINOR_AGE_BANDS = frozenset({AgeBand.AGE_0_8, AgeBand.AGE_9_17})


class CaseStatus(models.TextChoices):
    """HTCDS cas_Status."""

    ACTIVE = "Active", _("Active")
    FOLLOW_UP = "FollowUp", _("Follow-up")
    CLOSED = "Closed", _("Closed")
    REFERRED = "ClosedReferred", _("Referred")


class ReferredTo(models.TextChoices):
    """The kind of organisation a case was referred to (HTCDS org_Type). The
    organisation itself is not recorded: a name could point to a shelter."""

    NGO = "NGO", _("NGO")
    LAW_ENFORCEMENT = "LawEnforcement", _("Law enforcement")
    HEALTH = "HealthServiceOrganisation", _("Health service")
    CENTRAL_GOVERNMENT = "CentralGovernmentOrganisation", _("Central government")
    LOCAL_GOVERNMENT = "LocalGovernmentOrganisation", _("Local government")
    IMMIGRATION = "ImmigrationService", _("Immigration service")
    LEGAL = "LegalService", _("Legal service")
    BUSINESS = "CorporateBusiness", _("Business")


# --- Flags: CTDC records multi-valued answers as one 0/1 column per value ---------


class Exploitation(models.TextChoices):
    FORCED_LABOUR = "isForcedLabour", _("Forced labour")
    SEXUAL = "isSexualExploit", _("Sexual exploitation")
    FORCED_MARRIAGE = "isForcedMarriage", _("Forced marriage")
    ORGAN_REMOVAL = "isOrganRemoval", _("Organ removal")
    OTHER = "isOtherExploit", _("Other exploitation")


class Labour(models.TextChoices):
    AGRICULTURE = "typeOfLabourAgriculture", _("Agriculture")
    AQUAFARMING = "typeOfLabourAquafarming", _("Aquafarming")
    BEGGING = "typeOfLabourBegging", _("Begging")
    CONSTRUCTION = "typeOfLabourConstruction", _("Construction")
    DOMESTIC_WORK = "typeOfLabourDomesticWork", _("Domestic work")
    HOSPITALITY = "typeOfLabourHospitality", _("Hospitality")
    ILLICIT_ACTIVITIES = "typeOfLabourIllicitActivities", _("Illicit activities")
    MANUFACTURING = "typeOfLabourManufacturing", _("Manufacturing")
    MINING = "typeOfLabourMiningOrDrilling", _("Mining or drilling")
    PEDDLING = "typeOfLabourPeddling", _("Peddling")
    TRANSPORTATION = "typeOfLabourTransportation", _("Transportation")
    OTHER = "typeOfLabourOther", _("Other")
    NOT_SPECIFIED = "typeOfLabourNotSpecified", _("Not specified")


class MeansOfControl(models.TextChoices):
    DEBT_BONDAGE = "meansOfControlDebtBondage", _("Debt bondage")
    TAKES_EARNINGS = "meansOfControlTakesEarnings", _("Takes earnings")
    RESTRICTS_FINANCIAL_ACCESS = (
        "meansOfControlRestrictsFinancialAccess",
        _("Restricts financial access"),
    )
    THREATS = "meansOfControlThreats", _("Threats")
    PSYCHOLOGICAL_ABUSE = "meansOfControlPsychologicalAbuse", _("Psychological abuse")
    PHYSICAL_ABUSE = "meansOfControlPhysicalAbuse", _("Physical abuse")
    SEXUAL_ABUSE = "meansOfControlSexualAbuse", _("Sexual abuse")
    FALSE_PROMISES = "meansOfControlFalsePromises", _("False promises")
    PSYCHOACTIVE_SUBSTANCES = "meansOfControlPsychoactiveSubstances", _("Psychoactive substances")
    RESTRICTS_MOVEMENT = "meansOfControlRestrictsMovement", _("Restricts movement")
    RESTRICTS_MEDICAL_CARE = "meansOfControlRestrictsMedicalCare", _("Restricts medical care")
    EXCESSIVE_WORKING_HOURS = "meansOfControlExcessiveWorkingHours", _("Excessive working hours")
    USES_CHILDREN = "meansOfControlUsesChildren", _("Uses children")
    THREAT_OF_LAW_ENFORCEMENT = (
        "meansOfControlThreatOfLawEnforcement",
        _("Threat of law enforcement"),
    )
    WITHHOLDS_NECESSITIES = "meansOfControlWithholdsNecessities", _("Withholds necessities")
    WITHHOLDS_DOCUMENTS = "meansOfControlWithholdsDocuments", _("Withholds documents")
    OTHER = "meansOfControlOther", _("Other")
    NOT_SPECIFIED = "meansOfControlNotSpecified", _("Not specified")


class RecruiterRelation(models.TextChoices):
    INTIMATE_PARTNER = "recruiterRelationIntimatePartner", _("Intimate partner")
    FRIEND = "recruiterRelationFriend", _("Friend")
    FAMILY = "recruiterRelationFamily", _("Family")
    OTHER = "recruiterRelationOther", _("Other")
    UNKNOWN = "recruiterRelationUnknown", _("Unknown")


# CTDC's fixed English words in the "…Concatenated" columns (data, not interface text).
EXCHANGE_LABELS = {
    Exploitation.FORCED_LABOUR: "Forced labour",
    Exploitation.SEXUAL: "Sexual exploitation",
    Exploitation.FORCED_MARRIAGE: "Forced marriage",
    Exploitation.ORGAN_REMOVAL: "Organ removal",
    Exploitation.OTHER: "Other",
    Labour.AGRICULTURE: "Agriculture",
    Labour.AQUAFARMING: "Aquafarming",
    Labour.BEGGING: "Begging",
    Labour.CONSTRUCTION: "Construction",
    Labour.DOMESTIC_WORK: "Domestic work",
    Labour.HOSPITALITY: "Hospitality",
    Labour.ILLICIT_ACTIVITIES: "Illicit activities",
    Labour.MANUFACTURING: "Manufacturing",
    Labour.MINING: "Mining or drilling",
    Labour.PEDDLING: "Peddling",
    Labour.TRANSPORTATION: "Transportation",
    Labour.OTHER: "Other",
    Labour.NOT_SPECIFIED: "Not specified",
    MeansOfControl.DEBT_BONDAGE: "Debt bondage",
    MeansOfControl.TAKES_EARNINGS: "Takes earnings",
    MeansOfControl.RESTRICTS_FINANCIAL_ACCESS: "Restricts financial access",
    MeansOfControl.THREATS: "Threats",
    MeansOfControl.PSYCHOLOGICAL_ABUSE: "Psychological abuse",
    MeansOfControl.PHYSICAL_ABUSE: "Physical abuse",
    MeansOfControl.SEXUAL_ABUSE: "Sexual abuse",
    MeansOfControl.FALSE_PROMISES: "False promises",
    MeansOfControl.PSYCHOACTIVE_SUBSTANCES: "Psychoactive substances",
    MeansOfControl.RESTRICTS_MOVEMENT: "Restricts movement",
    MeansOfControl.RESTRICTS_MEDICAL_CARE: "Restricts medical care",
    MeansOfControl.EXCESSIVE_WORKING_HOURS: "Excessive working hours",
    MeansOfControl.USES_CHILDREN: "Uses children",
    MeansOfControl.THREAT_OF_LAW_ENFORCEMENT: "Threat of law enforcement",
    MeansOfControl.WITHHOLDS_NECESSITIES: "Withholds necessities",
    MeansOfControl.WITHHOLDS_DOCUMENTS: "Withholds documents",
    MeansOfControl.OTHER: "Other",
    MeansOfControl.NOT_SPECIFIED: "Not specified",
    RecruiterRelation.INTIMATE_PARTNER: "Intimate partner",
    RecruiterRelation.FRIEND: "Friend",
    RecruiterRelation.FAMILY: "Family",
    RecruiterRelation.OTHER: "Other",
    RecruiterRelation.UNKNOWN: "Unknown",
}


def field_name(column):
    """Model field for a CTDC column: ``isForcedLabour`` -> ``is_forced_labour``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", column).lower()


@dataclass(frozen=True)
class FlagGroup:
    key: str
    label: str
    choices: type[models.TextChoices]
    concatenated_column: str

    # Asked for every row of a case table: worked out once per group.
    @cached_property
    def columns(self):
        return [choice.value for choice in self.choices]

    @cached_property
    def fields(self):
        return [field_name(choice.value) for choice in self.choices]


FLAG_GROUPS = (
    FlagGroup("exploitation", _("Type of exploitation"), Exploitation, "typeOfExploitConcatenated"),
    FlagGroup("labour", _("Type of labour"), Labour, "typeOfLabourConcatenated"),
    FlagGroup("means", _("Means of control"), MeansOfControl, "meansOfControlConcatenated"),
    FlagGroup("recruiter", _("Recruiter relationship"), RecruiterRelation, "RecruiterRelationship"),
)
FLAG_GROUPS_BY_KEY = {group.key: group for group in FLAG_GROUPS}
ALL_FLAG_COLUMNS = tuple(column for group in FLAG_GROUPS for column in group.columns)


@dataclass(frozen=True)
class CodedColumn:
    """A single-valued column: CTDC column name, model field, allowed values."""

    column: str
    field: str
    label: str
    required: bool  # must be present in an import file


YEAR = CodedColumn("yearOfRegistration", "year_of_registration", _("Year of registration"), True)
GENDER = CodedColumn("gender", "gender", _("Gender"), True)
AGE = CodedColumn("ageBroad", "age_band", _("Age band"), True)
CITIZENSHIP = CodedColumn("citizenship", "citizenship", _("Citizenship"), True)
COUNTRY = CodedColumn(
    "CountryOfExploitation", "country_of_exploitation", _("Country of exploitation"), True
)
CASE_STATUS = CodedColumn("caseStatus", "case_status", _("Case status"), False)
REFERRED_TO = CodedColumn("referredTo", "referred_to", _("Referred to"), False)

CODED_COLUMNS = (YEAR, GENDER, AGE, CITIZENSHIP, COUNTRY, CASE_STATUS, REFERRED_TO)
REQUIRED_COLUMNS = tuple(c.column for c in CODED_COLUMNS if c.required)

# Derived on export, accepted and ignored on import.
DERIVED_COLUMNS = ("majorityStatus", "isSexAndLabour")

# CTDC columns the portal does not store (see the README). Accepted in
# an import file so a CTDC extract loads, and listed back to the person as ignored.
IGNORED_CTDC_COLUMNS = (
    "Datasource",
    "majorityStatusAtExploit",
    "majorityEntry",
    "typeOfSexProstitution",
    "typeOfSexPornography",
    "typeOfSexRemoteInteractiveServices",
    "typeOfSexPrivateSexualServices",
    "typeOfSexConcatenated",
    "isAbduction",
    # Identifiers of a previous export: the import makes new records.
    "recordId",
    "reportId",
)
# Kept as "other exploitation": too rare in the region to be a category of their own.
OTHER_EXPLOITATION_COLUMNS = ("isForcedMilitary", "isSlaveryAndPractices")


def majority_status(age_band):
    if not age_band:
        return ""
    return "Minor" if age_band in MINOR_AGE_BANDS else "Adult"


# Spellings accepted on import besides the codes themselves (case-insensitive).
GENDER_ALIASES = {
    "female": Gender.FEMALE,
    "woman": Gender.FEMALE,
    "male": Gender.MALE,
    "man": Gender.MALE,
    "transgender/nonconforming": Gender.TRANSGENDER,
    "trans/transgender/nonconforming": Gender.TRANSGENDER,
    "transgender/non-conforming": Gender.TRANSGENDER,
    "unknown": Gender.UNKNOWN,
    "": Gender.UNKNOWN,
}
# CTDC's published files write "09--17"; HTCDS writes "9--17".
AGE_ALIASES = {"09--17": AgeBand.AGE_9_17}
CASE_STATUS_ALIASES = {"follow-up": CaseStatus.FOLLOW_UP, "referred": CaseStatus.REFERRED}
# Shorter names for the means-of-control flags, as some case-management exports write them.
MEANS_OF_CONTROL_ALIASES = {
    "is" + choice.value.removeprefix("meansOfControl"): choice.value for choice in MeansOfControl
}
