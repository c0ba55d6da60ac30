"""Why a request cannot be met: necessary conditions checked on arrays, said in words and figures.

:func:`explain_infeasible` returns sentences such as "min_occupancy 80% needs 3,200 m²,
feasible candidates together offer at most 2,450 m²". An empty list means none of these
quick conditions rules the request out (the solver may still prove it infeasible;
:func:`objectmatch.solve.match` then names the constraints whose removal would help).
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from objectmatch.constraints import floor_violations
from objectmatch.models import Building
from objectmatch.problem import Problem

__all__ = ["exclusion_summary", "explain_infeasible"]


def _reason_kind(text: str) -> str:
    for key, label in (
        ("not permitted", "function not permitted"),
        ("ground floor", "needs the ground floor"),
        ("free height", "free height too low"),
        ("floor load", "floor load too low"),
        ("can pay at most", "asking rent above budget"),
    ):
        if key in text:
            return label
    return text


def exclusion_summary(problem: Problem, building: Building) -> str:
    """One sentence: how many candidates may use some floor, and why the others may not."""
    enc = problem.enc
    counts: Counter[str] = Counter()
    for i in np.flatnonzero(~enc.mask.any(axis=1)).tolist():
        cand = problem.candidates[i]
        if enc.excluded_reason[i] is not None:
            counts["no transformation potential for its function"] += 1
            continue
        kinds = set()
        for floor in building.floors:
            kinds |= {_reason_kind(r) for r in floor_violations(building, floor, cand)}
        for kind in sorted(kinds):
            counts[kind] += 1
    excluded = sum(1 for cid in problem.constraints.exclude if cid in enc.pool.index())
    usable = len(problem.active)
    parts = [f"{usable} of {enc.n} candidates may use some floor"]
    if counts:
        parts.append("ruled out: " + ", ".join(f"{v} {k}" for k, v in counts.most_common()))
    if excluded:
        parts.append(f"{excluded} excluded by the constraints")
    return "; ".join(parts)


def explain_infeasible(problem: Problem, building: Building) -> list[str]:
    """Necessary conditions the request fails, each as a sentence with figures (empty: none found)."""
    enc, cons = problem.enc, problem.constraints
    reasons: list[str] = []
    index = enc.pool.index()
    active = problem.active
    for cid in sorted(cons.must_include):
        if cid not in index:
            reasons.append(f"must_include {cid!r} is not a candidate in the pool")
            continue
        i = index[cid]
        if not enc.mask[i].any():
            cand = problem.candidates[i]
            why = enc.excluded_reason[i]
            if why is None:
                found = sorted(
                    {r.split(": ", 1)[1] for f in building.floors for r in floor_violations(building, f, cand)}
                )
                why = "; ".join(found)
            reasons.append(f"must_include {cid!r} cannot use any floor: {why}")
    for a, b in sorted(cons.incompatible):
        if a in cons.must_include and b in cons.must_include:
            reasons.append(f"must_include holds {a!r} and {b!r}, which are incompatible")
    for i, j in problem.forbidden_pairs.tolist():
        a, b = enc.pool.ids[i], enc.pool.ids[j]
        if a in cons.must_include and b in cons.must_include and (a, b) not in cons.incompatible:
            reasons.append(f"must_include holds {a!r} and {b!r}, but one refuses to share the building with the other")

    lettable = enc.lettable_area
    need = problem.required_area()
    if len(active) == 0:
        reasons.append(f"no candidate may use any floor ({exclusion_summary(problem, building)})")
        return reasons
    amax = enc.pool.area_max
    mask = enc.mask[active]
    per_floor = np.minimum(enc.floor_area, (mask * amax[active, None]).sum(axis=0))
    offer = min(float(per_floor.sum()), float(amax[active].sum()))
    if offer < need * (1 - 1e-9):
        empty = [int(enc.levels[f]) for f in range(enc.m) if not mask[:, f].any()]
        detail = ""
        if empty:
            names = ", ".join("the ground floor" if lv == 0 else f"level {lv}" for lv in empty)
            detail = f"; no permitted candidate may use {names} ({enc.floor_area[~mask.any(axis=0)].sum():,.0f} m²)"
        reasons.append(
            f"min_occupancy {cons.min_occupancy:.0%} needs {need:,.0f} m² of {lettable:,.0f} m², feasible "
            f"candidates together offer at most {offer:,.0f} m²{detail} ({exclusion_summary(problem, building)})"
        )
    if cons.max_tenants is not None and need > 0:
        top = np.sort(amax[active])[::-1][: cons.max_tenants].sum()
        if top < need * (1 - 1e-9):
            reasons.append(
                f"max_tenants {cons.max_tenants}: the {cons.max_tenants} largest feasible candidates together take at "
                f"most {top:,.0f} m², min_occupancy {cons.min_occupancy:.0%} needs {need:,.0f} m²"
            )
    functions = sorted({enc.pool.function_columns[g] for g in enc.pool.function[active].tolist()})
    if len(functions) < cons.min_functions:
        reasons.append(
            f"min_functions {cons.min_functions} needs {cons.min_functions} distinct functions, feasible candidates "
            f"have {len(functions)} ({', '.join(functions) or 'none'})"
        )
    if cons.max_function_share < 1.0 and need > 0:
        # with shares capped, the let area is at most (sum over functions of their area) and each
        # function counts for at most share * let, so sum_g min(area_g, ...) bounds it
        by_fn = np.bincount(enc.pool.function[active], weights=np.minimum(amax[active], lettable))
        by_fn = by_fn[by_fn > 0]
        share = cons.max_function_share

        # The most let area T such that every function keeps within share * T:
        # h(T) = sum_g min(a_g, share * T) - T is concave with h(0) = 0, so {h >= 0} = [0, T*].
        def slack(t: float) -> float:
            return float(np.minimum(by_fn, share * t).sum()) - t

        lo, hi = 0.0, float(lettable)
        if slack(hi) >= 0:
            lo = hi
        else:
            for _ in range(60):
                mid = (lo + hi) / 2
                lo, hi = (mid, hi) if slack(mid) >= 0 else (lo, mid)
        best = lo
        if best < need * (1 - 1e-9):
            reasons.append(
                f"max_function_share {share:.0%}: no function may take more than {share:.0%} of the let area, and the "
                f"feasible candidates' functions then fill at most {best:,.0f} m²; min_occupancy needs {need:,.0f} m²"
            )
    return reasons
