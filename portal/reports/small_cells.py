"""The small-cell rule for live tables with totals: which figures to hide so
that none under k is shown and none can be worked out from the others.

A table's totals are sums of its cells. Hiding a cell under k is not enough
when its row total is shown: the total minus the other cells gives it back.
This module hides more until that cannot happen:

1. primary suppression: every figure under k, zero included (so "fewer than
   k" never tells that a group exists at all), totals included;
2. complementary suppression, totals first ("suppress the totals too"):
   while a hidden figure between 1 and k - 1 can be solved exactly from all
   the sums together, or the hidden figures of one sum add up to between 1
   and k - 1 (a small group told by subtraction), hide a total of a sum
   involved; only when no total is left there, a cell.

The sums are solved together (linear algebra over every table at once), so
tables that share totals (per corridor and per phase, by status) cannot be
played against each other. A figure hidden only by step 2 is at least k: the
pages say "not shown", never "fewer than k", which would be false. An empty
group may be worked out as zero: it tells of no one.

Reports' k-anonymous releases (``anonymity.anonymise``) protect rows; this
protects aggregate tables counted live, for network members only (the public
figures are differentially private releases instead). What remains: bounds
from several sums together (an interval, never one exact small figure), and
differences between two visits, since live figures change with every record;
the pages that use it say so.
"""

from dataclasses import dataclass

# Elimination runs modulo this prime: exact integers, no fractions to grow.
# The sums' coefficients are 0 and 1 and their tables small, so a rank that
# differs from the rational one would need a minor divisible by it.
_PRIME = 2**61 - 1


@dataclass(frozen=True)
class Sum:
    """``total`` is the sum of ``cells`` (keys into the figures)."""

    total: object
    cells: tuple

    def entries(self):
        return (self.total, *self.cells)


def protect(figures, sums, k):
    """The keys of ``figures`` ({key: count}) to hide, given the ``sums`` a
    reader can check (each a Sum over keys of ``figures``)."""
    if k <= 1:
        return set()
    hidden = {key for key, value in figures.items() if value < k}
    while True:
        leak = _leak(figures, sums, hidden, k)
        if leak is None:
            return hidden
        hidden.add(_next_to_hide(figures, sums, hidden, k, leak))


def _leak(figures, sums, hidden, k):
    """How a small group can be worked out: ("figure", key) solved exactly,
    or ("sum", i) whose unknown figures add up to a small group; else None."""
    determined = _determined(sums, hidden)
    for key in sorted(determined, key=str):
        if 0 < figures[key] < k:
            return ("figure", key)
    for i, one in enumerate(sums):
        total_known = one.total not in hidden or one.total in determined
        unknown = [c for c in one.cells if c in hidden and c not in determined]
        if total_known and unknown and 0 < sum(figures[c] for c in unknown) < k:
            return ("sum", i)
    return None


def _still(figures, sums, hidden, k, leak):
    determined = _determined(sums, hidden)
    kind, what = leak
    if kind == "figure":
        return what in determined
    one = sums[what]
    if one.total in hidden and one.total not in determined:
        return False
    unknown = [c for c in one.cells if c in hidden and c not in determined]
    return bool(unknown) and 0 < sum(figures[c] for c in unknown) < k


def _next_to_hide(figures, sums, hidden, k, leak):
    """The smallest shown total whose hiding closes this leak; failing that,
    the smallest shown total of a sum it is in, a cell of one, or any figure
    (each round hides one more, so it ends)."""
    kind, what = leak
    near = [one for one in sums if what in one.entries()] if kind == "figure" else [sums[what]]

    def ordered(keys):
        shown = {key for key in keys if key not in hidden}
        return sorted(shown, key=lambda key: (figures[key], str(key)))

    totals = ordered(one.total for one in sums)
    for key in totals:
        if not _still(figures, sums, hidden | {key}, k, leak):
            return key
    for candidates in (
        ordered(one.total for one in near),
        ordered(key for one in near for key in one.cells),
        totals,
        ordered(figures),
    ):
        if candidates:
            return candidates[0]
    raise AssertionError("everything is hidden and a figure still leaks")  # cannot happen


def _determined(sums, hidden):
    """The hidden figures the sums fix exactly: those whose unit vector is a
    row of the reduced row echelon form of the sums over the hidden figures."""
    unknowns = sorted(hidden, key=str)
    index = {key: i for i, key in enumerate(unknowns)}
    matrix = []
    for one in sums:
        row = [0] * len(unknowns)
        for key, sign in ((one.total, -1), *((cell, 1) for cell in one.cells)):
            if key in index:
                row[index[key]] = (row[index[key]] + sign) % _PRIME
        if any(row):
            matrix.append(row)
    pivots = []
    pivot_row = 0
    for column in range(len(unknowns)):
        if pivot_row == len(matrix):
            break
        found = next((r for r in range(pivot_row, len(matrix)) if matrix[r][column]), None)
        if found is None:
            continue
        matrix[pivot_row], matrix[found] = matrix[found], matrix[pivot_row]
        inverse = pow(matrix[pivot_row][column], -1, _PRIME)
        matrix[pivot_row] = [value * inverse % _PRIME for value in matrix[pivot_row]]
        for r in range(len(matrix)):
            if r != pivot_row and matrix[r][column]:
                factor = matrix[r][column]
                matrix[r] = [
                    (a - factor * b) % _PRIME
                    for a, b in zip(matrix[r], matrix[pivot_row], strict=True)
                ]
        pivots.append((pivot_row, column))
        pivot_row += 1
    return {
        unknowns[column] for row, column in pivots if sum(1 for value in matrix[row] if value) == 1
    }
