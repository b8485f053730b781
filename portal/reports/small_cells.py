"""The small-cell rule for live tables with totals: which figures to hide so
that none under k is shown and none can be worked out from the others.

A table's totals are sums of its cells. Hiding a cell under k is not enough
when its row total is shown: the total minus the other cells gives it back.
This module hides more until that cannot happen:

1. primary suppression: every figure under k, zero included (so "fewer than
   k" never tells that a group exists at all), totals included;
2. complementary suppression, totals first ("suppress the totals too"):
   while a hidden figure between 1 and k - 1 can be worked out (solved
   exactly from all the sums together, or given a floor above zero by bounds
   narrowed sum by sum), or the hidden figures of one sum add up to between 1
   and k - 1 (a small group told by subtraction), hide a total near it; only
   when no total there is left, a cell.

The sums are read together (linear algebra and interval propagation over
every table at once), so tables that share totals (per corridor and per
phase, by status) cannot be played against each other. Labels: a hidden
cell under k reads "fewer than k"; a hidden total, whatever its size, and a
cell hidden only by step 2 (at least k) read "not shown". The reasoning
above takes what each label tells into account. An empty group may be
worked out as zero: it tells of no one.

Reports' k-anonymous releases (``anonymity.anonymise``) protect rows; this
protects aggregate tables counted live, for network members only (the public
figures are differentially private releases instead). What remains: bounds
only a full linear programme would find, and differences between two
visits, since live figures change with every record; the pages that use it
say so.
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


def totals_of(sums):
    """The keys that are a sum's total: hidden, they read "not shown"."""
    return {one.total for one in sums}


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
        extra = _next_to_hide(figures, sums, hidden, k, leak)
        if extra is None:
            return hidden
        hidden.add(extra)


def _leak(figures, sums, hidden, k):
    """How a small group can be worked out: ("figure", key) solved exactly or
    given a floor above zero, or ("sum", i) whose unknown figures add up to a
    small group; else None."""
    determined = _determined(sums, hidden)
    for key in sorted(determined, key=str):
        if 0 < figures[key] < k:
            return ("figure", key)
    floors = _floors(figures, sums, hidden, k)
    for key in sorted(hidden, key=str):
        if 0 < figures[key] < k and floors[key] > 0:
            return ("figure", key)
    for i, one in enumerate(sums):
        if _sum_leaks(figures, sums, one, hidden, determined, k):
            return ("sum", i)
    return None


def _sum_leaks(figures, sums, one, hidden, determined, k):
    """Whether this sum's known total tells of a small group: its unknown
    figures add up to between 1 and k - 1, or their ceilings give one of them
    a floor above zero (a reader knows every hidden figure's label: "fewer
    than k" is 0 to k - 1, "not shown" at least k)."""
    if one.total in hidden and one.total not in determined:
        return False
    unknown = _expanded(sums, one, hidden, determined)
    if not unknown:
        return False
    told = sum(figures[c] for c in unknown)
    if 0 < told < k:
        return True
    # The most the other unknowns can hold; a "not shown" one has no ceiling.
    totals = {other.total for other in sums}
    ceilings = [k - 1 if figures[c] < k and c not in totals else None for c in unknown]
    if None in ceilings:
        return False
    # Each is at least the told sum less what all the others can hold.
    floor = told - (k - 1) * (len(unknown) - 1)
    return floor > 0 and any(0 < figures[cell] < k for cell in unknown)


def _expanded(sums, one, hidden, determined):
    """The unknown figures whose sum this sum tells, each hidden total among
    them replaced by the cells it is the sum of (a grand total shown over
    hidden row totals tells the sum of those rows' hidden cells)."""
    by_total = {}
    for other in sums:
        by_total.setdefault(other.total, other)
    unknown = []
    pending = [c for c in one.cells if c in hidden and c not in determined]
    used = {one.total}
    while pending:
        key = pending.pop()
        inner = by_total.get(key)
        if inner is not None and key not in used:
            used.add(key)
            pending.extend(c for c in inner.cells if c in hidden and c not in determined)
        else:
            unknown.append(key)
    return unknown


def _still(figures, sums, hidden, k, leak):
    determined = _determined(sums, hidden)
    kind, what = leak
    if kind == "figure":
        return what in determined or _floors(figures, sums, hidden, k)[what] > 0
    return _sum_leaks(figures, sums, sums[what], hidden, determined, k)


# A ceiling for a figure that has none ("not shown": k or more).
_UNBOUNDED = 10**15
# Enough rounds for the tables of one page; the floors found by then hold
# (each round only narrows what is true), later rounds could find more.
_ROUNDS = 60


def _floors(figures, sums, hidden, k):
    """The least each hidden figure can be, as a reader works it out from the
    shown figures, every sum and every hidden figure's label ("fewer than k":
    0 to k - 1; "not shown": k or more), narrowing bounds sum by sum until
    nothing changes (interval propagation: what the reader's subtraction and
    a little reasoning give, not a full linear programme)."""
    low = {}
    high = {}
    totals = {one.total for one in sums}
    for key, value in figures.items():
        if key not in hidden:
            low[key] = high[key] = value
        elif key in totals:
            low[key], high[key] = 0, _UNBOUNDED  # every hidden total reads "not shown"
        elif value < k:
            low[key], high[key] = 0, k - 1
        else:
            low[key], high[key] = k, _UNBOUNDED
    for _round in range(_ROUNDS):
        changed = False
        for one in sums:
            cells = one.cells
            sum_low = sum(low[c] for c in cells)
            sum_high = sum(high[c] for c in cells)
            if sum_low > low[one.total]:
                low[one.total], changed = sum_low, True
            if sum_high < high[one.total]:
                high[one.total], changed = sum_high, True
            for c in cells:
                floor = low[one.total] - (sum_high - high[c])
                ceiling = high[one.total] - (sum_low - low[c])
                if floor > low[c]:
                    low[c], changed = floor, True
                if ceiling < high[c]:
                    high[c], changed = ceiling, True
            # The sums above used the bounds from before this sum's changes.
        if not changed:
            break
    return low


def _next_to_hide(figures, sums, hidden, k, leak):
    """The smallest shown total near the leak whose hiding closes it;
    failing that, any such total, a cell of a sum it is in, or any figure
    (each round hides one more, so it ends)."""
    kind, what = leak
    near = [one for one in sums if what in one.entries()] if kind == "figure" else [sums[what]]

    def ordered(keys):
        shown = {key for key in keys if key not in hidden}
        return sorted(shown, key=lambda key: (figures[key], str(key)))

    totals = ordered(one.total for one in sums)
    for key in ordered(one.total for one in near) + totals[:8]:
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
    # Everything is hidden: what is left is what the labels say ("fewer than
    # k", "not shown"), which no further hiding changes.
    return None


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
