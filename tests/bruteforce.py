"""Brute force for tiny matching problems: every tenant subset, every floor assignment, exact areas.

A reference for ``match(..., exact=True)`` on pools of up to ~6 candidates and 2-3 floors. It shares
no code with the engine (:mod:`objectmatch._engine`): it enumerates

1. every tenant subset (must_include in, excluded and refused pairs out, max_tenants);
2. for each subset, every assignment of each tenant to one floor or a run of contiguous floors of at
   most ``max_floors`` that it may use (the rules written out below from the issue texts: zoning, the
   assessment's vetoes, ground floor, height, load, rent within the largest discount, the function's
   levels), skipping assignments that mix an exclusive function with another on a floor;
3. for each assignment, the best areas on the area grid by its own integer programme
   (:func:`scipy.optimize.milp`): maximise the per-m² part of the score subject to area_min..area_max,
   the smallest part on each floor of a multi-floor run, floor capacity, min_occupancy,
   max_function_share, min_rent_share and the lead function.

Why one integer programme per assignment is exact: once the tenants and their floors are fixed, the
pair terms (weighted by ``area_min`` shares and by where the tenants sit), conflict, pioneers,
diversity and the heart are fixed; only the area terms vary, linearly in the m². The per-m²
coefficients are written out here from docs/scoring.md (occupancy, rent, neighbourhood fit, building
fit, budget fit, access); the fixed part is read off :func:`objectmatch.score` at one feasible point,
and the value at the optimum is re-scored with :func:`objectmatch.score` and must agree with the
linear reconstruction (else :class:`AssertionError`): that checks the coefficients too.
Every answer is validated with :func:`objectmatch.check`.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from objectmatch import Building, Candidate, Constraints, Weights, check, score
from objectmatch.assess import excluded_functions, potentials
from objectmatch.scoring import ScoreModel

PUBLIC_VISITORS = 200.0


@dataclass
class BruteResult:
    """The optimum (``None`` when no programme is feasible) and how much work it took."""

    value: float | None
    placements: dict[str, dict[int, float]] | None
    assignments: int
    programmes: int


def floor_allowed(building: Building, level: int, c: Candidate, cons: Constraints) -> bool:
    """May ``c`` use ``level`` at all (written from the issue texts, not from the engine)."""
    floor = building.floor(level)
    asking = floor.asking_rent if floor.asking_rent is not None else building.asking_rent
    lo, hi = cons.function_levels.get(c.function, (None, None))
    return (
        c.function in building.permitted_functions
        and c.function not in excluded_functions(building)
        and (not c.needs_ground_floor or level == 0)
        and floor.free_height >= c.min_free_height
        and floor.floor_load >= c.min_floor_load
        and (c.max_rent is None or c.max_rent >= (1 - cons.max_discount) * asking * (1 - 1e-12))
        and (lo is None or level >= lo)
        and (hi is None or level <= hi)
    )


def runs(building: Building, c: Candidate, cons: Constraints) -> list[tuple[int, ...]]:
    """Levels ``c`` may take: single floors and contiguous runs of at most max_floors."""
    levels = building.levels
    ok = [floor_allowed(building, lv, c, cons) for lv in levels]
    m = len(levels)
    return [
        tuple(levels[start : start + length])
        for length in range(1, min(c.max_floors, m) + 1)
        for start in range(m - length + 1)
        if all(ok[start : start + length])
    ]


def _unit(v: Any) -> np.ndarray:
    a = np.asarray(v, dtype=float)
    n = float(np.linalg.norm(a))
    return a / n if n > 0 else a


def per_m2(building: Building, c: Candidate, level: int, w: Weights, model: ScoreModel) -> float:
    """The per-m² part of the score for ``c`` on ``level`` (docs/scoring.md, area terms; no network, no round)."""
    floor = building.floor(level)
    asking = floor.asking_rent if floor.asking_rent is not None else building.asking_rent
    lettable = building.lettable_area
    full = math.fsum(f.area * (f.asking_rent if f.asking_rent is not None else building.asking_rent)
                     for f in building.floors)
    tags = sorted(set(c.identities) | set(building.location.dna))
    fit = float(np.clip(_unit([c.identities.get(t, 0.0) for t in tags]) @ _unit(
        [building.location.dna.get(t, 0.0) for t in tags]), 0.0, 1.0))
    budget = 1.0 if c.max_rent is None else min(1.0, max(0.0, 0.5 + 0.5 * (c.max_rent - asking) / asking
                                                        / model.full_headroom))
    public = min(1.0, c.visitors_per_day / model.public_visitors)
    step = model.reach_with_lift if floor.elevator else model.reach_without_lift
    reach = 1.0 if floor.street_frontage else step ** abs(level)
    rent = asking if c.max_rent is None else min(asking, c.max_rent)
    return (
        w.occupancy / lettable
        + w.rent * rent / full
        + w.neighbourhood_fit * fit / lettable
        + w.building_fit * potentials(building).get(c.function, 1.0) / lettable
        + w.budget_fit * budget / lettable
        + w.access * (1.0 - public * (1.0 - reach)) / lettable
    )


def _exclusive_ok(pool: Sequence[Candidate], assignment: dict[int, tuple[int, ...]], cons: Constraints) -> bool:
    on: dict[int, set[str]] = {}
    for i, levels in assignment.items():
        for lv in levels:
            on.setdefault(lv, set()).add(pool[i].function)
    return all(len(fns) == 1 or not (fns & cons.exclusive_functions) for fns in on.values())


@dataclass
class _Ctx:
    building: Building
    pool: list[Candidate]
    cons: Constraints
    w: Weights
    model: ScoreModel
    step: int


def _best_areas(ctx: _Ctx, assignment: dict[int, tuple[int, ...]]) -> dict[str, dict[int, float]] | None:
    """The best areas (multiples of the step) for one assignment, by an integer programme in step units."""
    b, pool, cons, step = ctx.building, ctx.pool, ctx.cons, ctx.step
    pairs = [(i, lv) for i in sorted(assignment) for lv in assignment[i]]
    k = len(pairs)
    cost = np.array([-per_m2(b, pool[i], lv, ctx.w, ctx.model) * step for i, lv in pairs])
    rows: list[np.ndarray] = []
    lo: list[float] = []
    hi: list[float] = []

    def add(row: np.ndarray, low: float, high: float) -> None:
        rows.append(row)
        lo.append(low)
        hi.append(high)

    for i in assignment:
        sel = np.array([p[0] == i for p in pairs], dtype=float)
        add(sel, math.ceil(pool[i].area_min / step - 1e-9), math.floor(pool[i].area_max / step + 1e-9))
    for lv in b.levels:
        sel = np.array([p[1] == lv for p in pairs], dtype=float)
        if sel.any():
            add(sel, 0.0, math.floor(b.floor(lv).area / step + 1e-9))
    add(np.ones(k), math.ceil(cons.min_occupancy * b.lettable_area / step - 1e-9), np.inf)
    fns = [pool[i].function for i, _ in pairs]
    if cons.max_function_share < 1.0:
        for g in set(fns):
            add(np.array([float(f == g) for f in fns]) - cons.max_function_share, -np.inf, 0.0)
    if cons.lead is not None:
        for g in set(fns) - {cons.lead}:
            add(np.array([float(f == cons.lead) - float(f == g) for f in fns]), 0.0, np.inf)
    if cons.min_rent_share is not None:
        full = math.fsum(f.area * b.rent(f.level) for f in b.floors)
        rent = [min(b.rent(lv), pool[i].max_rent or math.inf) * step for i, lv in pairs]
        add(np.array(rent), cons.min_rent_share * full, np.inf)
    lower = []
    for i, _lv in pairs:
        multi = len(assignment[i]) > 1
        lower.append(max(1, math.ceil(0.2 * pool[i].area_min / step - 1e-9)) if multi else 1)
    res = milp(cost, integrality=np.ones(k), bounds=Bounds(np.array(lower, dtype=float), np.inf),
               constraints=LinearConstraint(np.vstack(rows), np.array(lo), np.array(hi)),
               options={"mip_rel_gap": 0.0})
    if res.status != 0:
        return None
    out: dict[str, dict[int, float]] = {}
    for (i, lv), units in zip(pairs, np.rint(res.x).astype(int), strict=True):
        out.setdefault(pool[i].id, {})[int(lv)] = float(units * step)
    return out


def _linear_check(ctx: _Ctx, placements: dict[str, dict[int, float]], value: float) -> None:
    """The score is affine in the areas of a fixed assignment: moving one m² changes it by per_m2."""
    by_id = {c.id: c for c in ctx.pool}
    for cid, floors in placements.items():
        for lv, area in floors.items():
            if area - ctx.step >= 1 and sum(floors.values()) - ctx.step >= by_id[cid].area_min and (
                    len(floors) == 1 or area - ctx.step >= max(1, math.ceil(0.2 * by_id[cid].area_min))):
                smaller = {c: dict(f) for c, f in placements.items()}
                smaller[cid][lv] = area - ctx.step
                other = score(ctx.building, ctx.pool, smaller, weights=ctx.w, score_model=ctx.model,
                              area_step=ctx.step).total
                expected = value - ctx.step * per_m2(ctx.building, by_id[cid], lv, ctx.w, ctx.model)
                assert abs(other - expected) <= 1e-9 * max(1.0, abs(value)), (
                    f"score is not affine in {cid}'s m² on level {lv}: {other!r} vs {expected!r}; the brute force's "
                    "per-m² coefficients must follow docs/scoring.md"
                )
                return


def _subsets(
    pool: Sequence[Candidate], options: list[list[tuple[int, ...]]], cons: Constraints
) -> list[tuple[int, ...]]:
    index = {c.id: i for i, c in enumerate(pool)}
    forbidden = {tuple(sorted((index[c.id], index[o]))) for c in pool for o in c.incompatible if o in index}
    forbidden |= {tuple(sorted((index[a], index[b]))) for a, b in cons.incompatible if a in index and b in index}
    must = [index[c] for c in cons.must_include if c in index]
    free = [i for i in range(len(pool)) if options[i] and pool[i].id not in cons.exclude and i not in must]
    most = len(free) if cons.max_tenants is None else cons.max_tenants - len(must)
    out = []
    for r in range(max(most, -1) + 1):
        for extra in itertools.combinations(free, r):
            rows = tuple(sorted((*must, *extra)))
            if rows and not any(p in forbidden for p in itertools.combinations(rows, 2)):
                out.append(rows)
    return out


def brute_force(
    building: Building,
    candidates: Sequence[Candidate],
    constraints: Constraints | None = None,
    weights: Weights | None = None,
    *,
    score_model: ScoreModel | None = None,
    area_step: int = 1,
    max_assignments: int = 20_000,
) -> BruteResult:
    """The best score over all subsets, floor assignments and areas (see the module docstring)."""
    cons = constraints if constraints is not None else Constraints()
    ctx = _Ctx(building, sorted(candidates, key=lambda c: c.id), cons, weights or Weights(),
               score_model or ScoreModel(), area_step)
    options = [runs(building, c, cons) for c in ctx.pool]
    if any(cid not in {c.id for c in ctx.pool} or not options[[c.id for c in ctx.pool].index(cid)]
           for cid in cons.must_include):
        return BruteResult(None, None, 0, 0)
    best: tuple[float, dict[str, dict[int, float]]] | None = None
    n_assign = n_prog = 0
    for rows in _subsets(ctx.pool, options, cons):
        for choice in itertools.product(*(options[i] for i in rows)):
            n_assign += 1
            if n_assign > max_assignments:
                raise RuntimeError(f"brute force: more than {max_assignments:,} assignments; keep instances small")
            assignment = dict(zip(rows, choice, strict=True))
            if not _exclusive_ok(ctx.pool, assignment, cons):
                continue
            placements = _best_areas(ctx, assignment)
            if placements is None or check(building, ctx.pool, placements, constraints=cons, area_step=area_step):
                continue
            n_prog += 1
            value = score(building, ctx.pool, placements, weights=ctx.w, score_model=ctx.model,
                          area_step=area_step).total
            if best is None or value > best[0]:
                _linear_check(ctx, placements, value)
                best = (value, placements)
    return BruteResult(best[0] if best else None, best[1] if best else None, n_assign, n_prog)
