"""k-anonymity for everything that leaves the network.

Quasi-identifiers (what someone could know about a person and use to find their
row): year of registration, gender, age band, citizenship, country of
exploitation. A release is k-anonymous when every combination of those five
values that appears in it appears at least k times (k = settings.PORTAL_K_ANONYMITY,
11 by default, as CTDC publishes).

Method: generalise, then suppress values, then suppress rows. Rows in a
combination rarer than k go through these steps in order, each applied only to
rows that are still rare, recounting between steps:

1. age band -> minor/adult ("0--17" / "18+");
2. citizenship -> withheld;
3. country of exploitation -> withheld;
4. age -> withheld;
5. gender -> withheld;
6. year -> withheld;
7. rows still in a combination rarer than k are left out entirely.

The order keeps what the network's trend analysis needs most (year, gender,
cross-border movement) and gives up age detail first. "withheld" is a value of
its own: a row with a withheld citizenship only counts together with other rows
whose citizenship is withheld, never with rows of a known citizenship, so every
released combination still has at least k rows. Rows that are already common
are never changed.

The released rows carry no narrative, no identifiers and no free text; their
order is sorted, so it says nothing about when a record was entered.

``anonymise`` is the one function behind the partner rows of a statistics
release (portal.reports.releases), which the partner API and the workspaces'
"for partners" exports serve. The public figures are not made from its output:
one record can change how many other rows are generalised, so their sensitivity
would be unbounded; they are differentially private counts instead.
"""

from collections import Counter
from dataclasses import dataclass

from django.conf import settings

from . import vocabulary as vocab
from .exchange import RECORD_COLUMNS

WITHHELD = "withheld"
QUASI_IDENTIFIERS = (
    "yearOfRegistration",
    "gender",
    "ageBroad",
    "citizenship",
    "CountryOfExploitation",
)
MINOR_BAND = "0--17"
ADULT_BAND = "18+"
GENERALISED_AGE_BANDS = (MINOR_BAND, ADULT_BAND)

# What an anonymised row holds: the exchange columns, minus nothing else than
# identifiers (RECORD_COLUMNS has none). majorityStatus is recomputed from the
# released age so it cannot reveal a withheld age.
ANONYMISED_COLUMNS = RECORD_COLUMNS


def _generalise_age(value):
    if value in ("", WITHHELD) or value in GENERALISED_AGE_BANDS:
        return value
    return MINOR_BAND if value in vocab.MINOR_AGE_BANDS else ADULT_BAND


def _withhold(value):
    return WITHHELD


STEPS = (
    ("ageBroad", _generalise_age),
    ("citizenship", _withhold),
    ("CountryOfExploitation", _withhold),
    ("ageBroad", _withhold),
    ("gender", _withhold),
    ("yearOfRegistration", _withhold),
)


def released_majority_status(age_band):
    if age_band == WITHHELD:
        return WITHHELD
    if age_band == MINOR_BAND:
        return "Minor"
    if age_band == ADULT_BAND:
        return "Adult"
    return vocab.majority_status(age_band)


@dataclass(frozen=True)
class AnonymisedData:
    rows: tuple  # of dicts with ANONYMISED_COLUMNS
    k: int
    records_in: int
    values_generalised: int
    values_withheld: int
    rows_withheld: int

    @property
    def records_out(self):
        return len(self.rows)


def quasi_identifier_key(row):
    return tuple(row[column] for column in QUASI_IDENTIFIERS)


def default_k():
    return settings.PORTAL_K_ANONYMITY


def anonymise(rows, k=None, *, carry=()):
    """A k-anonymous release of exchange rows (see the module docstring).
    ``carry``: columns kept on each released row untouched and never counted
    (a release's internal note of where a row came from)."""
    k = default_k() if k is None else k
    if k < 1:
        raise ValueError("k must be at least 1")
    columns = (*ANONYMISED_COLUMNS, *carry)
    working = [{column: row.get(column, "") for column in columns} for row in rows]
    generalised = withheld_values = 0
    for column, transform in STEPS:
        counts = Counter(quasi_identifier_key(row) for row in working)
        for row in working:
            if counts[quasi_identifier_key(row)] < k:
                new = transform(row[column])
                if new != row[column]:
                    if new == WITHHELD:
                        withheld_values += 1
                    else:
                        generalised += 1
                    row[column] = new
    counts = Counter(quasi_identifier_key(row) for row in working)
    released = [row for row in working if counts[quasi_identifier_key(row)] >= k]
    for row in released:
        row["majorityStatus"] = released_majority_status(row["ageBroad"])
    released.sort(key=lambda row: tuple(str(row[column]) for column in ANONYMISED_COLUMNS))
    return AnonymisedData(
        rows=tuple(released),
        k=k,
        records_in=len(working),
        values_generalised=generalised,
        values_withheld=withheld_values,
        rows_withheld=len(working) - len(released),
    )


def is_k_anonymous(rows, k):
    counts = Counter(quasi_identifier_key(row) for row in rows)
    return all(count >= k for count in counts.values())
