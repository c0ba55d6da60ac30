"""A cheap upper bound on the best value of an array problem, for pools too large to prove.

Every placement's value is at most

* the count and presence terms at their most (all pioneers, all functions, a heart);
* plus, per placed item, half of the most pair value it could collect: its partners' best class
  values, taken best value per unit of size first until its partners fill the building (a
  fractional knapsack per item, Glover's bound); each pair is shared by two items, hence the half;
* plus the area terms: the best value per unit on any floor, for as many units as the building holds;

where the items placed and their areas are chosen by a linear programme over the building's capacity
(HiGHS). Conflict is left out (it only subtracts). The bound is valid, never tight: the status reports
the gap it leaves, so a user sees how far a large pool's answer could be from the best.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linprog

from objectmatch._engine.encode import FloatArray
from objectmatch._engine.problem import ArrayProblem

__all__ = ["upper_bound"]


def _partner_value(problem: ArrayProblem, rows: np.ndarray) -> FloatArray:
    """Per row, the most pair value its partners could bring within the building's capacity."""
    best = sum((np.maximum(m[np.ix_(rows, rows)], 0.0) for m in problem.pair.values()), np.zeros((len(rows),) * 2))
    size = problem.amin[rows].astype(float)
    room = float(problem.cap.sum()) - size
    order = np.argsort(-(best / size[None, :]), axis=1, kind="stable")
    values = np.take_along_axis(best, order, axis=1)
    sizes = size[order]
    filled = np.cumsum(sizes, axis=1)
    whole = filled <= room[:, None]
    total = (values * whole).sum(axis=1)
    k = whole.sum(axis=1)
    part = np.zeros(len(rows))
    has_next = k < len(rows)
    if has_next.any():
        r = np.flatnonzero(has_next)
        before = np.where(k[r] > 0, filled[r, np.maximum(k[r] - 1, 0)], 0.0)
        left = np.maximum(room[r] - before, 0.0)
        part[r] = values[r, k[r]] * np.minimum(left / sizes[r, k[r]], 1.0)
    return np.asarray(total + part)


def upper_bound(problem: ArrayProblem) -> float:
    """A valid upper bound on ``problem``'s best value (see the module docstring)."""
    rows = problem.active
    if not len(rows):
        return 0.0
    n = len(rows)
    pair = 0.5 * _partner_value(problem, rows)
    unit = np.where(problem.mask[rows], problem.unary[rows], -np.inf).max(axis=1)
    # variables: x (placed, 0..1) then a (units); maximise pair.x + unit.a
    cost = -np.concatenate([pair, np.maximum(unit, 0.0)])
    a_ub = np.zeros((1 + 2 * n, 2 * n))
    b_ub = np.zeros(1 + 2 * n)
    a_ub[0, n:] = 1.0
    b_ub[0] = float(problem.cap.sum())
    idx = np.arange(n)
    a_ub[1 + idx, n + idx] = 1.0
    a_ub[1 + idx, idx] = -problem.amax[rows]  # a <= amax x
    a_ub[1 + n + idx, n + idx] = -1.0
    a_ub[1 + n + idx, idx] = problem.amin[rows]  # a >= amin x
    res = linprog(cost, A_ub=a_ub, b_ub=b_ub, bounds=[(0.0, 1.0)] * n + [(0.0, None)] * n, method="highs")
    programme = problem.pioneer_weight + problem.diversity_weight + problem.heart_weight
    return float(-res.fun) + programme if res.status == 0 else float("inf")
