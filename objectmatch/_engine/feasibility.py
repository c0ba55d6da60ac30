"""The hard rules of an :class:`~objectmatch._engine.problem.ArrayProblem`, checked on a placement.

Every engine keeps an answer only if :func:`placement_violations` finds nothing; the independent
:func:`objectmatch.check` then re-verifies it from the models. Area comparisons are exact (units
are integers); the function-share and rent rules compare floats with a relative slack of 1e-9.
"""

from __future__ import annotations

import numpy as np

from objectmatch._engine.encode import IntArray
from objectmatch._engine.problem import ArrayProblem, overlap_excess

__all__ = ["placement_violations", "programme_violations"]

SLACK = 1e-9


def _item_violations(problem: ArrayProblem, areas: IntArray) -> list[str]:
    """Per item (vectorised): mask, size, contiguous run of at most max_floors, smallest part; per floor: capacity."""
    on = areas > 0
    placed = on.any(axis=1)
    totals = areas.sum(axis=1)
    count = on.sum(axis=1)
    idx = np.arange(problem.m)
    first = np.where(on, idx[None, :], problem.m).min(axis=1)
    last = np.where(on, idx[None, :], -1).max(axis=1)
    bad = {
        "on a floor it may not use": (on & ~problem.mask).any(axis=1),
        "outside its sizes": placed & ((totals < problem.amin) | (totals > problem.amax)),
        "not a contiguous run of at most max_floors": placed & (
            (count > problem.max_floors) | (last - first + 1 != count)),
        "below the smallest part on a floor": (count > 1) & (on & (areas < problem.min_part[:, None])).any(axis=1),
    }
    out = [f"item {i} {what}" for what, rows in bad.items() for i in np.flatnonzero(rows).tolist()]
    return out + [f"floor {f} over capacity" for f in np.flatnonzero(areas.sum(axis=0) > problem.cap).tolist()]


def _function_areas(problem: ArrayProblem, areas: IntArray) -> np.ndarray:
    return np.bincount(problem.function, weights=areas.sum(axis=1), minlength=problem.n_functions)


def _exclusive_violations(problem: ArrayProblem, on: np.ndarray) -> list[str]:
    exclusive = problem.rules.exclusive
    if not exclusive.any():
        return []
    out: list[str] = []
    for f in range(problem.m):
        fns = np.unique(problem.function[on[:, f]])
        if len(fns) > 1 and exclusive[fns].any():
            out.append(f"floor {f} shares an exclusive function with another")
    return out


def _share_violations(problem: ArrayProblem, areas: IntArray) -> list[str]:
    rules = problem.rules
    let = float(areas.sum())
    by_fn = _function_areas(problem, areas)
    out: list[str] = []
    if rules.max_function_share < 1.0 and let > 0 and by_fn.max() > rules.max_function_share * let * (1 + SLACK):
        out.append("a function takes more than max_function_share")
    if rules.lead == -2 or (rules.lead >= 0 and let > 0 and (by_fn > by_fn[rules.lead] * (1 + SLACK)).any()):
        out.append("the lead function does not hold the largest area")
    if rules.rent is not None and rules.min_rent > 0:
        income = float((areas * rules.rent).sum())
        if income < rules.min_rent * (1 - SLACK):
            out.append(f"rent {income:.2f} below the minimum {rules.min_rent:.2f}")
    return out


def programme_violations(problem: ArrayProblem, areas: IntArray) -> list[str]:
    """Programme-level rules: occupancy, function mix, tenants, pairs, exclusive floors, rent, lead."""
    rules = problem.rules
    on = areas > 0
    chosen = np.flatnonzero(on.any(axis=1))
    out: list[str] = [] if len(chosen) else ["no tenant placed"]
    if areas.sum() < rules.min_area:
        out.append(f"{int(areas.sum())} units let, below {rules.min_area}")
    if len(np.unique(problem.function[chosen])) < rules.min_functions:
        out.append("too few functions")
    if rules.max_tenants is not None and len(chosen) > rules.max_tenants:
        out.append("too many tenants")
    placed = np.asarray(on.any(axis=1), dtype=bool)
    if len(rules.must) and not placed[rules.must].all():
        out.append("a must-include item is not placed")
    if len(rules.forbidden) and (placed[rules.forbidden[:, 0]] & placed[rules.forbidden[:, 1]]).any():
        out.append("a forbidden pair is placed together")
    for earlier in rules.differ:
        if overlap_excess(areas, earlier, rules.min_difference) > SLACK * max(float(areas.sum()), 1.0):
            out.append(f"differs from an earlier answer in less than {rules.min_difference:.0%} of the let area")
    return out + _exclusive_violations(problem, on) + _share_violations(problem, areas)


def placement_violations(problem: ArrayProblem, areas: IntArray) -> list[str]:
    """Every rule a placement breaks: per item, per floor and per programme (empty: valid)."""
    areas = np.asarray(areas)
    return _item_violations(problem, areas) + programme_violations(problem, areas)
