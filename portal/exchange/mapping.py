"""How the exchange columns map to IOM's HTCDS 2.0 and to CTDC.

Our column names are CTDC's (portal.reports.exchange.RECORD_COLUMNS); this table
says, for each, which HTCDS 2.0 field (``HTCDS Field Standards 2.0``, every field
still marked DRAFT) holds the same fact, and how well they match:

- ``exact``: the same field and the same codes;
- ``derived``: computed from an HTCDS field (an age band from a birth date);
- ``approximate``: the nearest HTCDS 2.0 field or value, not the same thing
  (HTCDS 2.0 replaced 1.0's labour types with ISIC industries, and dropped some
  means of control); a receiver must not treat it as a lossless conversion.

The schema files carry the same names as ``x-ctdc`` / ``x-htcds`` on every record
field (a test checks they agree), and the README prints ``mapping_markdown()``.
Data for partners, not interface text: nothing here is translated.
"""

from dataclasses import dataclass

from portal.reports import vocabulary as vocab
from portal.reports.anonymity import ANONYMISED_COLUMNS

EXACT = "exact"
DERIVED = "derived"
APPROXIMATE = "approximate"


@dataclass(frozen=True)
class FieldMapping:
    ctdc: str  # the CTDC column, also our column name
    htcds: str  # the HTCDS 2.0 field, "field = Value" when the column is one value of it
    match: str
    meaning: str
    values: str


EXPLOITATION_HTCDS = {
    vocab.Exploitation.FORCED_LABOUR: ("ForcedLabour", EXACT),
    vocab.Exploitation.SEXUAL: ("SexualExploitation", EXACT),
    vocab.Exploitation.FORCED_MARRIAGE: ("ForcedMarriage", EXACT),
    vocab.Exploitation.ORGAN_REMOVAL: ("OrganRemoval", EXACT),
    # Also HTCDS's Servitude, ForcedMilitaryByNonStateActors, ForcedAdoption, Surrogacy.
    vocab.Exploitation.OTHER: ("Other", APPROXIMATE),
}

# HTCDS 2.0 records the labour sector as an ISIC v4 section (vic_ForcedLabourIndustry);
# CTDC and HTCDS 1.0 kept their own list of labour types.
LABOUR_HTCDS = {
    vocab.Labour.AGRICULTURE: ("vic_ForcedLabourIndustry = A_AgricultureForestryAndFishing", EXACT),
    vocab.Labour.AQUAFARMING: (
        "vic_ForcedLabourIndustry = A_AgricultureForestryAndFishing",
        APPROXIMATE,
    ),
    vocab.Labour.BEGGING: ("vic_TypeOfExploitation = ForcedBegging", EXACT),
    vocab.Labour.CONSTRUCTION: ("vic_ForcedLabourIndustry = F_Construction", EXACT),
    vocab.Labour.DOMESTIC_WORK: (
        "vic_ForcedLabourIndustry = T_ActivitiesOfHouseholdsAsEmployers",
        EXACT,
    ),
    vocab.Labour.HOSPITALITY: (
        "vic_ForcedLabourIndustry = I_AccommodationAndFoodServiceActivities",
        EXACT,
    ),
    vocab.Labour.ILLICIT_ACTIVITIES: (
        "vic_ForcedLabourIndustry = S_OtherServiceActivities",
        APPROXIMATE,
    ),
    vocab.Labour.MANUFACTURING: ("vic_ForcedLabourIndustry = C_Manufacturing", EXACT),
    vocab.Labour.MINING: ("vic_ForcedLabourIndustry = B_MiningAndQuarrying", EXACT),
    vocab.Labour.PEDDLING: (
        "vic_ForcedLabourIndustry = G_WholesaleAndRetailTradeRepairOfMotorVehicles",
        APPROXIMATE,
    ),
    vocab.Labour.TRANSPORTATION: ("vic_ForcedLabourIndustry = H_TransportationAndStorage", EXACT),
    vocab.Labour.OTHER: ("vic_ForcedLabourIndustry (any other section)", APPROXIMATE),
    vocab.Labour.NOT_SPECIFIED: ("vic_ForcedLabourIndustry (empty)", APPROXIMATE),
}

MEANS_HTCDS = {
    vocab.MeansOfControl.DEBT_BONDAGE: ("DebtBondage", EXACT),
    vocab.MeansOfControl.TAKES_EARNINGS: ("TakesEarnings", EXACT),
    vocab.MeansOfControl.RESTRICTS_FINANCIAL_ACCESS: ("RestrictsFinancialAccess", EXACT),
    vocab.MeansOfControl.THREATS: ("PhysicalThreats", APPROXIMATE),
    vocab.MeansOfControl.PSYCHOLOGICAL_ABUSE: ("PsychologicalAbuse", EXACT),
    vocab.MeansOfControl.PHYSICAL_ABUSE: ("PhysicalAbuse", EXACT),
    vocab.MeansOfControl.SEXUAL_ABUSE: ("SexualAbuse", EXACT),
    vocab.MeansOfControl.FALSE_PROMISES: ("FalsePromises", EXACT),
    vocab.MeansOfControl.PSYCHOACTIVE_SUBSTANCES: ("PsychoactiveSubstance", EXACT),
    # HTCDS 1.0 had RestrictsMovement; 2.0 dropped it.
    vocab.MeansOfControl.RESTRICTS_MOVEMENT: ("Other", APPROXIMATE),
    vocab.MeansOfControl.RESTRICTS_MEDICAL_CARE: ("RestrictsMedicalCare", EXACT),
    vocab.MeansOfControl.EXCESSIVE_WORKING_HOURS: ("ExcessiveWorkingHours", EXACT),
    vocab.MeansOfControl.USES_CHILDREN: ("ThreatensChildrenFamily", APPROXIMATE),
    vocab.MeansOfControl.THREAT_OF_LAW_ENFORCEMENT: ("ThreatsLawEnforcement", EXACT),
    vocab.MeansOfControl.WITHHOLDS_NECESSITIES: ("WithholdsNecessities", EXACT),
    vocab.MeansOfControl.WITHHOLDS_DOCUMENTS: ("WithholdsDocuments", EXACT),
    vocab.MeansOfControl.OTHER: ("Other", EXACT),
    vocab.MeansOfControl.NOT_SPECIFIED: ("(empty)", APPROXIMATE),
}

# HTCDS 2.0 keeps three degrees of acquaintance, not the kind of relationship.
RECRUITER_HTCDS = {
    vocab.RecruiterRelation.INTIMATE_PARTNER: ("Acquainted", APPROXIMATE),
    vocab.RecruiterRelation.FRIEND: ("Acquainted", APPROXIMATE),
    vocab.RecruiterRelation.FAMILY: ("Familial", EXACT),
    vocab.RecruiterRelation.OTHER: ("Unaquainted", APPROXIMATE),
    vocab.RecruiterRelation.UNKNOWN: ("(empty)", APPROXIMATE),
}

FLAG_VALUES = "1 or 0"


def _codes(values):
    return ", ".join(f"`{value}`" for value in values)


def _flag_rows():
    rows = {}
    for column, (value, match) in EXPLOITATION_HTCDS.items():
        rows[column] = FieldMapping(
            column,
            f"vic_TypeOfExploitation = {value}",
            match,
            f"Type of exploitation: {vocab.EXCHANGE_LABELS[column]}",
            FLAG_VALUES,
        )
    for column, (htcds, match) in LABOUR_HTCDS.items():
        rows[column] = FieldMapping(
            column, htcds, match, f"Type of labour: {vocab.EXCHANGE_LABELS[column]}", FLAG_VALUES
        )
    for column, (value, match) in MEANS_HTCDS.items():
        rows[column] = FieldMapping(
            column,
            f"vic_MethodsOfControl = {value}",
            match,
            f"Means of control: {vocab.EXCHANGE_LABELS[column]}",
            FLAG_VALUES,
        )
    for column, (value, match) in RECRUITER_HTCDS.items():
        rows[column] = FieldMapping(
            column,
            f"vic_RelationshipToTrafficker = {value}",
            match,
            f"Recruiter relationship: {vocab.EXCHANGE_LABELS[column]}",
            FLAG_VALUES,
        )
    return rows


def _concatenated(htcds, match, meaning):
    return htcds, match, meaning, "the group's CTDC labels of the flags set, joined by `;`"


_COUNTRY_VALUES = "ISO 3166-1 alpha-2, empty = unknown, `withheld`"

_SINGLE = {
    "yearOfRegistration": (
        "cas_IncomingReferralDate (year)",
        APPROXIMATE,
        "Year the case was registered (HTCDS has no registration date)",
        "4-digit year, or `withheld`",
    ),
    "gender": (
        "prs_Gender",
        APPROXIMATE,
        "Gender; HTCDS 2.0 codes Feminine, Masculine, TransgenderFeminine, "
        "TransgenderMasculine, NonConforming, NonSpecifiedUnknown",
        _codes(vocab.Gender.values) + ", `withheld`",
    ),
    "ageBroad": (
        "prs_Birthdate",
        DERIVED,
        "Age band at registration, never an exact age",
        _codes(vocab.AgeBand.values) + ", `0--17`, `18+` (generalised), empty, `withheld`",
    ),
    "majorityStatus": (
        "prs_Birthdate",
        DERIVED,
        "Minor or adult at registration",
        "`Minor`, `Adult`, empty, `withheld`",
    ),
    "citizenship": ("prs_Citizenship", EXACT, "Citizenship", _COUNTRY_VALUES),
    "CountryOfExploitation": (
        "hte_Country (hte_Type = Exploitation)",
        APPROXIMATE,
        "Country of exploitation",
        _COUNTRY_VALUES,
    ),
    "isSexAndLabour": (
        "vic_TypeOfExploitation = ForcedLabour and SexualExploitation",
        DERIVED,
        "Both forced labour and sexual exploitation",
        FLAG_VALUES,
    ),
    "typeOfExploitConcatenated": _concatenated(
        "vic_TypeOfExploitation", EXACT, "Types of exploitation, as one cell"
    ),
    "typeOfLabourConcatenated": _concatenated(
        "vic_ForcedLabourIndustry", APPROXIMATE, "Types of labour, as one cell"
    ),
    "meansOfControlConcatenated": _concatenated(
        "vic_MethodsOfControl", APPROXIMATE, "Means of control, as one cell"
    ),
    "RecruiterRelationship": _concatenated(
        "vic_RelationshipToTrafficker", APPROXIMATE, "Recruiter relationship, as one cell"
    ),
    "caseStatus": (
        "cas_Status",
        EXACT,
        "Case status (ours, from HTCDS; not a CTDC column)",
        _codes(vocab.CaseStatus.values) + ", empty",
    ),
    "referredTo": (
        "cas_ReferredOrganisation → org_Type",
        DERIVED,
        "Kind of organisation the case was referred to, never its name (ours, not CTDC)",
        _codes(vocab.ReferredTo.values) + ", empty",
    ),
}


def _build():
    flags = _flag_rows()
    rows = []
    for column in ANONYMISED_COLUMNS:
        if column in flags:
            rows.append(flags[column])
        else:
            rows.append(FieldMapping(column, *_SINGLE[column]))
    return tuple(rows)


# One entry per record column, in the records' column order.
RECORD_MAPPING = _build()
MAPPING_BY_COLUMN = {entry.ctdc: entry for entry in RECORD_MAPPING}


# English, fixed: the README and the contract are not translated.
GROUP_TITLES = {
    "exploitation": "Type of exploitation",
    "labour": "Type of labour",
    "means": "Means of control",
    "recruiter": "Recruiter relationship",
}


def mapping_markdown():
    """The README's mapping table (a test checks the README holds exactly this).
    The flag columns of one group share a row, one line each, so the table stays short."""
    lines = [
        "| CTDC column (ours) | HTCDS 2.0 field | Match | Meaning | Values |",
        "| --- | --- | --- | --- | --- |",
    ]
    written = set()
    for entry in RECORD_MAPPING:
        if entry.ctdc in written:
            continue
        group = next((g for g in vocab.FLAG_GROUPS if entry.ctdc in g.columns), None)
        if group is None:
            cells = (f"`{entry.ctdc}`", entry.htcds, entry.match, entry.meaning, entry.values)
            written.add(entry.ctdc)
        else:
            entries = [MAPPING_BY_COLUMN[column] for column in group.columns]
            cells = (
                "<br>".join(f"`{e.ctdc}`" for e in entries),
                "<br>".join(e.htcds for e in entries),
                "<br>".join(e.match for e in entries),
                GROUP_TITLES[group.key],
                FLAG_VALUES,
            )
            written.update(group.columns)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
