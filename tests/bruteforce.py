"""Brute force for small matching problems: every tenant subset, every floor assignment, exact areas.

A reference for ``match(..., exact=True)`` on pools of up to ~14 candidates and 2-4 floors.
It shares no search code with the solver (:mod:`objectmatch.search`, :mod:`objectmatch.exact`,
:mod:`objectmatch.areas`): it enumerates

1. every tenant subset that can be valid (must_include in, excluded and forbidden pairs out,
   max_tenants, enough distinct functions, area_min sum within the lettable area, area_max
   sum reaching min_occupancy);
2. for each subset, every assignment of each tenant to one permitted floor or a run of
   contiguous permitted floors of at most ``max_floors`` (pruned by a necessary capacity
   condition: the area_min of the tenants inside any window of floors fits the window);
3. for each assignment, the best areas by its own linear programme
   (:func:`scipy.optimize.linprog`): maximise the per-m² part of the score subject to
   area_min..area_max, floor capacity, min_occupancy and max_function_share.

Why one LP per assignment is exact: once the tenant set and every tenant's floors are fixed,
the pair terms (weighted by ``area_min`` shares, so independent of the chosen areas), the
conflicts (each tenant's ``area_min`` share times its worst conflict with a tenant on the same
or an adjacent floor: fixed by the floors), diversity, pioneers and the heart
are all fixed; only occupancy and the area-weighted unary fits vary, linearly in the m².

Enumerating every assignment of every subset would take minutes, so the enumeration is a
branch and bound that only skips what provably cannot win: subsets are visited in order of
an upper bound (exact pair terms + optimistic programme terms + a fractional-knapsack bound
on the per-m² part), assignments likewise, and an LP is solved only when its bound beats the
best value found. Every new best is re-scored with :func:`objectmatch.score`, and the
reconstruction used for the bounds must agree with it (else :class:`AssertionError`).

Convention shared with the solver: a tenant takes at least ``MIN_PART`` = 1 m² on each floor
of its run (a placement keeps its floors; with "any positive area" the optimum would be a
supremum that is never attained).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog

from objectmatch import Building, Candidate, Constraints, Weights, score
from objectmatch.assess import excluded_functions
from objectmatch.encode import encode
from objectmatch.scoring import Scorer, pairwise_components

MIN_PART = 1.0
PUBLIC = frozenset({"assembly", "retail", "sport", "education", "healthcare"})


@dataclass
class BruteResult:
    """The optimum (``None`` when no programme is feasible) and how much work it took."""

    value: float | None
    placements: dict[str, dict[int, float]] | None
    subsets: int
    assignments: int
    lps: int


def floor_allowed(building: Building, level: int, c: Candidate) -> bool:
    """The feasibility mask, from the issue text: function permitted (and not vetoed by the hard-side
    assessment, :func:`objectmatch.assess.excluded_functions`), ground floor, height, load, rent."""
    floor = building.floor(level)
    rent = floor.asking_rent if floor.asking_rent is not None else building.asking_rent
    return (
        c.function in building.permitted_functions
        and c.function not in excluded_functions(building)
        and (not c.needs_ground_floor or level == 0)
        and floor.free_height >= c.min_free_height
        and floor.floor_load >= c.min_floor_load
        and (c.max_rent is None or rent <= c.max_rent)
    )


def runs(building: Building, c: Candidate) -> list[tuple[int, ...]]:
    """Floor positions (indices into ``building.floors``) ``c`` may take: single floors and contiguous runs."""
    ok = [floor_allowed(building, f.level, c) for f in building.floors]
    m = len(ok)
    return [
        tuple(range(start, start + length))
        for length in range(1, min(c.max_floors, m) + 1)
        for start in range(m - length + 1)
        if all(ok[start : start + length])
    ]


def _knapsack(values: Sequence[float], sizes: Sequence[float], capacity: float) -> float:
    """Fractional knapsack: an upper bound on sum(value * m²) with at most ``capacity`` m² in all."""
    total, room = 0.0, capacity
    for v, s in sorted(zip(values, sizes, strict=True), key=lambda t: -t[0]):
        if v <= 0 or room <= 0:
            break
        take = min(s, room)
        total += v * take
        room -= take
    return total


def brute_force(
    building: Building,
    candidates: Sequence[Candidate],
    constraints: Constraints | None = None,
    weights: Weights | None = None,
    *,
    prune: bool = True,
    max_assignments: int = 300_000,
) -> BruteResult:
    """The best score over all subsets, floor assignments and areas (see the module docstring).

    ``prune=False`` solves the LP of every assignment that passes the capacity test (slow; used to
    check the branch and bound itself). More than ``max_assignments`` floor assignments in all
    raise ``RuntimeError`` rather than run for minutes (4 floors and many small tenants with
    ``max_floors`` 4 can reach 10^8): keep the instances small.
    """
    cons = constraints if constraints is not None else Constraints()
    w = weights or Weights()
    pool = sorted(candidates, key=lambda c: c.id)
    n, floors = len(pool), building.floors
    m = len(floors)
    caps = np.array([f.area for f in floors])
    levels = np.array([f.level for f in floors])
    street = np.array([f.street_frontage for f in floors])
    lettable = math.fsum(caps)
    need = cons.min_occupancy * lettable
    index = {c.id: i for i, c in enumerate(pool)}
    amin = np.array([c.area_min for c in pool])
    amax = np.array([c.area_max for c in pool])

    # Score pieces: the per-m² coefficients and the pair matrices (area_min shares), as documented in
    # objectmatch.scoring; every new best is re-scored with objectmatch.score and must agree.
    # as match encodes by default: the hard-side assessment's potentials enter building fit
    enc = encode(building, pool, assess=True)
    scorer = Scorer.build(enc, w)
    pos = enc.pool.index()
    per_m2 = np.array([scorer.per_m2[pos[c.id]] for c in pool])
    comps = pairwise_components(pool, w)
    s = amin / lettable
    outer = np.outer(s, s)
    affinity = (
        w.shared_identity * comps["shared_identity"]
        + w.complementarity * comps["complementarity"]
        + w.time_complementarity * comps["time_complementarity"]
    ) * outer
    # conflict: each tenant pays its area_min share times its worst conflict with a neighbour
    conflict = comps["conflict"]
    function = [c.function for c in pool]
    heart_ok = [c.pioneer or c.function in PUBLIC for c in pool]

    options = [runs(building, c) for c in pool]
    forbidden: set[tuple[int, int]] = set()
    for c in pool:
        for other in c.incompatible:
            if other in index:
                forbidden.add(tuple(sorted((index[c.id], index[other]))))  # type: ignore[arg-type]
    for a, b in cons.incompatible:
        if a in index and b in index:
            forbidden.add(tuple(sorted((index[a], index[b]))))  # type: ignore[arg-type]
    if any(cid not in index or not options[index[cid]] for cid in cons.must_include):
        return BruteResult(None, None, 0, 0, 0)
    must = sorted(index[cid] for cid in cons.must_include)
    free = [i for i in range(n) if options[i] and pool[i].id not in cons.exclude and i not in must]
    reach = np.array([max((caps[list(r)].sum() for r in o), default=0.0) for o in options])
    best_unit = np.array([max((per_m2[i, list(r)].max() for r in options[i]), default=0.0) for i in range(n)])
    windows = [tuple(range(a, b + 1)) for a in range(m) for b in range(a, m)]

    def programme_terms(rows: Sequence[int]) -> float:
        fns = len({function[i] for i in rows})
        pioneers = sum(pool[i].pioneer for i in rows)
        return (
            w.diversity * min(fns, w.diversity_target) / w.diversity_target
            + w.pioneer * min(pioneers, w.pioneer_target) / w.pioneer_target
        )

    # -- subsets, each with an upper bound ------------------------------------------------------
    subsets: list[tuple[float, tuple[int, ...]]] = []
    max_extra = len(free) if cons.max_tenants is None else cons.max_tenants - len(must)
    for r in range(max(max_extra, -1) + 1):
        for extra in itertools.combinations(free, r):
            rows = tuple(sorted((*must, *extra)))
            if not rows:
                continue
            if any((a, b) in forbidden for a, b in itertools.combinations(rows, 2)):
                continue
            if len({function[i] for i in rows}) < cons.min_functions:
                continue
            idx = list(rows)
            if amin[idx].sum() > lettable * (1 + 1e-9):
                continue
            if min(lettable, np.minimum(amax[idx], reach[idx]).sum()) < need * (1 - 1e-9):
                continue
            pair = float(affinity[np.ix_(idx, idx)].sum())
            street_ok = any(heart_ok[i] and any(street[list(o)].any() for o in options[i]) for i in rows)
            heart = w.heart if street_ok else 0.0
            unary = _knapsack(best_unit[idx].tolist(), np.minimum(amax[idx], reach[idx]).tolist(), lettable)
            subsets.append((pair + programme_terms(rows) + heart + unary, rows))
    subsets.sort(key=lambda t: -t[0])

    best_value: float | None = None
    best_place: dict[str, dict[int, float]] | None = None
    n_assign = n_lp = 0

    def areas_lp(assignment: dict[int, tuple[int, ...]]) -> tuple[float, dict[tuple[int, int], float]] | None:
        pairs = [(i, f) for i in sorted(assignment) for f in assignment[i]]
        k = len(pairs)
        cost = np.array([-per_m2[i, f] for i, f in pairs])
        a_ub: list[np.ndarray] = []
        b_ub: list[float] = []
        for i in assignment:
            row = np.array([1.0 if p[0] == i else 0.0 for p in pairs])
            a_ub += [row, -row]
            b_ub += [amax[i], -amin[i]]
        for f in range(m):
            row = np.array([1.0 if p[1] == f else 0.0 for p in pairs])
            if row.any():
                a_ub.append(row)
                b_ub.append(caps[f])
        a_ub.append(-np.ones(k))
        b_ub.append(-need)
        if cons.max_function_share < 1.0:
            for g in sorted({function[i] for i in assignment}):
                a_ub.append(np.array([1.0 if function[p[0]] == g else 0.0 for p in pairs]) - cons.max_function_share)
                b_ub.append(0.0)
        res = linprog(cost, A_ub=np.vstack(a_ub), b_ub=np.array(b_ub), bounds=[(MIN_PART, None)] * k, method="highs")
        if res.status != 0:
            return None
        return -float(res.fun), {p: float(v) for p, v in zip(pairs, res.x, strict=True)}

    for bound, rows in subsets:
        if prune and best_value is not None and bound <= best_value + 1e-12:
            break  # sorted: no later subset can win
        idx = list(rows)
        base = float(affinity[np.ix_(idx, idx)].sum()) + programme_terms(rows)
        # every assignment of this subset that passes the window capacity test
        found: list[dict[int, tuple[int, ...]]] = []
        order = sorted(rows, key=lambda i: (len(options[i]), -amin[i]))

        def dfs(
            k: int,
            load: dict[tuple[int, ...], float],
            chosen: dict[int, tuple[int, ...]],
            order: list[int] = order,
            found: list[dict[int, tuple[int, ...]]] = found,
            before: int = n_assign,
        ) -> None:
            if k == len(order):
                found.append(dict(chosen))
                if len(found) + before > max_assignments:
                    raise RuntimeError(f"brute force: more than {max_assignments:,} floor assignments")
                return
            i = order[k]
            for run in options[i]:
                lo, hi = run[0], run[-1]
                if caps[list(run)].min() < MIN_PART:
                    continue
                touched = [win for win in windows if win[0] <= lo and hi <= win[-1]]
                if any(load.get(win, 0.0) + max(amin[i], MIN_PART * len(run)) > caps[list(win)].sum() + 1e-9
                       for win in touched):
                    continue
                for win in touched:
                    load[win] = load.get(win, 0.0) + max(amin[i], MIN_PART * len(run))
                chosen[i] = run
                dfs(k + 1, load, chosen)
                del chosen[i]
                for win in touched:
                    load[win] -= max(amin[i], MIN_PART * len(run))

        dfs(0, {}, {})
        n_assign += len(found)
        scored: list[tuple[float, float, dict[int, tuple[int, ...]]]] = []
        for assignment in found:
            near = np.zeros((len(idx), len(idx)), dtype=bool)
            for a, i in enumerate(idx):
                for b, j in enumerate(idx):
                    if a != b:
                        li, lj = levels[list(assignment[i])], levels[list(assignment[j])]
                        near[a, b] = bool((np.abs(li[:, None] - lj[None, :]) <= 1).any())
            worst = (conflict[np.ix_(idx, idx)] * near).max(axis=1, initial=0.0)
            fixed = base - w.conflict * float(s[idx] @ worst)
            if any(heart_ok[i] and street[list(assignment[i])].any() for i in rows):
                fixed += w.heart
            unit = [per_m2[i, list(assignment[i])].max() for i in idx]
            size = [min(amax[i], caps[list(assignment[i])].sum()) for i in idx]
            scored.append((fixed + _knapsack(unit, size, lettable), fixed, assignment))
        scored.sort(key=lambda t: -t[0])
        for ub, fixed, assignment in scored:
            if prune and best_value is not None and ub <= best_value + 1e-12:
                break
            n_lp += 1
            solved = areas_lp(assignment)
            if solved is None:
                continue
            value = fixed + solved[0]
            if best_value is not None and value <= best_value + 1e-12:
                continue
            placements: dict[str, dict[int, float]] = {}
            for (i, f), area in solved[1].items():
                placements.setdefault(pool[i].id, {})[int(levels[f])] = area
            official = score(building, pool, placements, w).total
            assert abs(official - value) <= 1e-9 * max(1.0, abs(value)), (
                f"the brute force's reconstruction of the score ({value!r}) disagrees with score() "
                f"({official!r}) for {placements}: it must follow objectmatch.scoring"
            )
            best_value, best_place = official, placements
    return BruteResult(best_value, best_place, len(subsets), n_assign, n_lp)
