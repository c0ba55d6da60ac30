"""Area allocation: given who sits on which floors, the area units each takes, exactly.

Once the items and their floors are fixed, every pair, conflict, count and presence term is
fixed too; only the area terms vary, linearly in the areas, and so do the rules (sizes, floor
capacity, occupancy, function share, rent, lead function, difference from earlier answers). The
best areas are one small integer programme, solved exactly with HiGHS through
:func:`scipy.optimize.milp`. Without share, rent, lead or difference rules the constraint matrix
is a network matrix and the LP optimum is already integral; the MILP costs no more than the LP then.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from objectmatch._engine.encode import FloatArray, IntArray
from objectmatch._engine.feasibility import placement_violations
from objectmatch._engine.problem import ArrayProblem

__all__ = ["AREA_NODES", "allocate"]

#: Branch-and-bound nodes HiGHS may spend on one answer's areas where they need not be proven (the
#: search's polish, later answers of the exact model); most take a handful.
AREA_NODES = 20

Assignment = Mapping[int, Sequence[int]]


@dataclass
class _Programme:
    """A MILP under construction: the area variables first, auxiliaries appended."""

    n_areas: int
    objective: list[float]
    lower: list[float]
    upper: list[float]
    integer: list[int]
    rows: list[dict[int, float]] = field(default_factory=list)
    row_lo: list[float] = field(default_factory=list)
    row_hi: list[float] = field(default_factory=list)

    def var(self, lo: float, hi: float, integer: int = 1) -> int:
        self.objective.append(0.0)
        self.lower.append(lo)
        self.upper.append(hi)
        self.integer.append(integer)
        return len(self.objective) - 1

    def row(self, coefs: dict[int, float], lo: float, hi: float) -> None:
        self.rows.append(coefs)
        self.row_lo.append(lo)
        self.row_hi.append(hi)

    def solve(self, node_limit: int | None = None) -> FloatArray | None:
        """The optimum (or, after ``node_limit`` branch-and-bound nodes, the best feasible point found)."""
        n = len(self.objective)
        matrix = np.zeros((len(self.rows), n))
        for r, coefs in enumerate(self.rows):
            for j, c in coefs.items():
                matrix[r, j] += c
        res = milp(
            np.array(self.objective),
            integrality=np.array(self.integer),
            bounds=Bounds(np.array(self.lower), np.array(self.upper)),
            constraints=LinearConstraint(matrix, np.array(self.row_lo), np.array(self.row_hi)),
            options={"mip_rel_gap": 0.0} if node_limit is None else {"mip_rel_gap": 0.0, "node_limit": node_limit},
        )
        return None if res.status not in (0, 1) or res.x is None else np.asarray(res.x)


def _each(idx: np.ndarray) -> dict[int, float]:
    return {int(t): 1.0 for t in np.flatnonzero(idx)}


def _size_and_capacity(mp: _Programme, problem: ArrayProblem, items: IntArray, floors: IntArray) -> None:
    for i in np.unique(items).tolist():
        mp.row(_each(items == i), float(problem.amin[i]), float(problem.amax[i]))
    for f in np.unique(floors).tolist():
        mp.row(_each(floors == f), 0.0, float(problem.cap[f]))
    if problem.rules.min_area > 0:
        mp.row(_each(np.ones(len(items), dtype=bool)), float(problem.rules.min_area), np.inf)


def _mix_and_rent(mp: _Programme, problem: ArrayProblem, items: IntArray, floors: IntArray) -> None:
    rules = problem.rules
    fn = problem.function[items]
    k = len(items)
    if rules.max_function_share < 1.0:
        for g in np.unique(fn).tolist():
            mp.row({t: float(fn[t] == g) - rules.max_function_share for t in range(k)}, -np.inf, 0.0)
    if rules.lead >= 0:
        for g in np.unique(fn).tolist():
            if g != rules.lead:
                mp.row({t: float(fn[t] == rules.lead) - float(fn[t] == g) for t in range(k)}, 0.0, np.inf)
    if rules.rent is not None and rules.min_rent > 0:
        mp.row({t: float(rules.rent[items[t], floors[t]]) for t in range(k)}, rules.min_rent, np.inf)


def _difference(mp: _Programme, problem: ArrayProblem, items: IntArray, floors: IntArray, earlier: IntArray) -> None:
    """overlap = sum_t min(a_t, A_t) <= (1 - share) * max(sum a, sum A), with min and max made exact by
    one binary each (big-M = the floor's capacity, the building's capacity)."""
    big = float(problem.cap.sum())
    k = len(items)
    overlap: dict[int, float] = {}
    for t in range(k):
        target = float(earlier[items[t], floors[t]])
        if target <= 0:
            continue
        cap = float(problem.cap[floors[t]])
        o = mp.var(0.0, target)
        b = mp.var(0.0, 1.0)
        mp.row({o: 1.0, t: -1.0}, -np.inf, 0.0)  # o <= a
        mp.row({t: 1.0, o: -1.0, b: -cap}, -np.inf, 0.0)  # b = 0: o >= a
        mp.row({o: -1.0, b: cap}, -np.inf, cap - target)  # b = 1: o >= A
        overlap[o] = 1.0
    if not overlap:
        return
    total = float(earlier.sum())
    bigger = mp.var(total, big, integer=0)
    c = mp.var(0.0, 1.0)
    every = dict.fromkeys(range(k), -1.0)
    mp.row({bigger: 1.0, **every}, 0.0, np.inf)  # M >= sum a
    mp.row({bigger: 1.0, **every, c: -big}, -np.inf, 0.0)  # c = 0: M <= sum a
    mp.row({bigger: 1.0, c: big}, -np.inf, total + big)  # c = 1: M <= sum A
    mp.row({**overlap, bigger: -(1.0 - problem.rules.min_difference)}, -np.inf, 0.0)


def _greedy(problem: ArrayProblem, assignment: Assignment) -> IntArray | None:
    """The exact areas when every item has one floor and only sizes, capacity and occupancy bind: floor by
    floor a knapsack with one constraint, whose optimum fills by value per unit (integral, no MILP needed).
    ``None`` if that case does not apply or the greedy cannot meet occupancy."""
    rules = problem.rules
    if any(len(f) != 1 for f in assignment.values()) or rules.max_function_share < 1.0 or rules.lead != -1:
        return None
    if (rules.rent is not None and rules.min_rent > 0) or rules.differ:
        return None
    areas = np.zeros((problem.n, problem.m), dtype=np.int64)
    items = np.array(sorted(assignment), dtype=np.int64)
    floors = np.array([assignment[i][0] for i in items], dtype=np.int64)
    areas[items, floors] = problem.amin[items]
    room = problem.cap - areas.sum(axis=0)
    if (room < 0).any():
        return None
    rate = problem.unary[items, floors]
    if (rate <= 0).any():
        return None  # growing such an item only pays to meet occupancy: a choice the MILP makes
    for t in np.lexsort((items, -rate)).tolist():
        i, f = int(items[t]), int(floors[t])
        grow = min(int(room[f]), int(problem.amax[i] - problem.amin[i]))
        areas[i, f] += grow
        room[f] -= grow
    return areas if areas.sum() >= rules.min_area else None


def allocate(problem: ArrayProblem, assignment: Assignment, node_limit: int | None = None) -> IntArray | None:
    """Best areas (n x m units) for ``assignment`` (item -> floor indices), or ``None`` if none meet the rules.

    Every assigned floor gets at least the item's ``min_part`` units, so the placement keeps its floors and the
    pair terms fixed by the assignment stay what they are. With ``node_limit``, the best valid areas HiGHS has
    after that many branch-and-bound nodes (a count, so the answer does not depend on the machine; exact only
    without it: the rules that answers differ add big-M binaries, and a few such programmes take HiGHS minutes).
    """
    pairs = [(i, f) for i in sorted(assignment) for f in sorted(assignment[i])]
    if not pairs or problem.rules.lead == -2:
        return None
    greedy = _greedy(problem, assignment)
    if greedy is not None and not placement_violations(problem, greedy):
        return greedy
    if problem.rules.differ:
        # the best areas without the rule to differ are the best with it whenever they keep it (often:
        # the floors already differ); only when they do not is the big-M programme needed
        free = allocate(problem.differing((), problem.rules.min_difference), assignment, node_limit)
        if free is not None and not placement_violations(problem, free):
            return free
    items = np.array([p[0] for p in pairs], dtype=np.int64)
    floors = np.array([p[1] for p in pairs], dtype=np.int64)
    mp = _Programme(
        n_areas=len(pairs),
        objective=(-problem.unary[items, floors]).tolist(),
        lower=problem.min_part[items].astype(float).tolist(),
        upper=problem.cap[floors].astype(float).tolist(),
        integer=[1] * len(pairs),
    )
    _size_and_capacity(mp, problem, items, floors)
    _mix_and_rent(mp, problem, items, floors)
    for earlier in problem.rules.differ:
        _difference(mp, problem, items, floors, earlier)
    x = mp.solve(node_limit)
    if x is None:
        return None
    areas = np.zeros((problem.n, problem.m), dtype=np.int64)
    areas[items, floors] = np.rint(x[: len(pairs)]).astype(np.int64)
    # Rounding HiGHS's near-integers can only break a float rule at its tolerance; keep only a valid answer.
    return None if placement_violations(problem, areas) else areas
