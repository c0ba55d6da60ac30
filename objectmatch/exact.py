"""The exact engine: one CP-SAT model of the whole programme, with a compact pair linearisation.

Variables per candidate i and floor f it may use: ``x_i`` (placed), ``y_if`` (on floor f),
``a_if`` (area in tenths of m²). The pair affinity ``x^T A x`` is linearised per
candidate, not per pair (Glover's compact form): ``z_i <= sum_j A_ij x_j`` and
``z_i <= U_i x_i``, where ``U_i`` is a fractional-knapsack bound on how much affinity i
can collect in a building of this size. Conflicts, which only count between tenants on
the same or adjacent floors, get one boolean per *conflicting* pair, bounded below by
``y_if + y_jg - 1`` over neighbouring floors, and each tenant's penalty is at least its
worst conflict (conflict levels are thirds, so penalties are small integers). Occupancy, the function mix,
heart and pioneers are linear. docs/solver.md says what else was tried and measured.

Scores are floats; CP-SAT wants integers, so every coefficient is scaled by ``SCALE``
and rounded. Each answer's areas are then re-optimised exactly by the area LP
(:mod:`objectmatch.areas`) and re-scored in floating point by the caller.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from ortools.sat.python import cp_model

from objectmatch.areas import MIN_PART, allocate
from objectmatch.encode import FloatArray, IntArray
from objectmatch.problem import Problem
from objectmatch.search import Solution

__all__ = ["ExactResult", "solve_exact"]

#: Area unit of the model: units per m².
UNITS_PER_M2 = 1
#: Objective scale: score units -> integers.
SCALE = 1e7
#: Up to this many candidates the pair affinity gets one boolean per pair; above it, the compact form.
PAIR_MODEL_LIMIT = 22


@dataclass
class ExactResult:
    """Answers of the exact engine, best first, and what was proven."""

    solutions: list[Solution] = field(default_factory=list)
    proven: bool = False
    infeasible: bool = False
    bound: float | None = None
    best: float | None = None
    wall_time: float = 0.0
    status: str = ""


def _knapsack_bound(affinity: FloatArray, area_min: FloatArray, capacity: FloatArray) -> FloatArray:
    """Per row i: the most affinity i can collect from others whose area_min fits in ``capacity[i]``
    (fractional knapsack: a valid upper bound)."""
    n = len(area_min)
    out = np.zeros(n)
    ratio = np.maximum(affinity, 0.0) / area_min[None, :]
    order = np.argsort(-ratio, axis=1, kind="stable")
    for i in range(n):
        vals = np.maximum(affinity[i, order[i]], 0.0)
        sizes = area_min[order[i]]
        cum = np.cumsum(sizes)
        full = cum <= capacity[i]
        total = vals[full].sum()
        k = int(full.sum())
        if k < n and vals[k] > 0:
            rest = capacity[i] - (cum[k - 1] if k > 0 else 0.0)
            total += vals[k] * max(rest, 0.0) / sizes[k]
        out[i] = total
    return out


def solve_exact(
    problem: Problem,
    rows: Sequence[int] | IntArray,
    *,
    k: int = 1,
    min_difference: int = 1,
    time_limit: float = 10.0,
    seed: int = 0,
    hint: Solution | None = None,
    exclude_sets: Sequence[frozenset[int]] = (),
    workers: int = 1,
    fixed: bool = False,
    work_limit: float | None = None,
    parameters: dict[str, object] | None = None,
) -> ExactResult:
    """Solve the programme over candidate ``rows`` exactly; up to ``k`` answers whose tenant sets
    differ in at least ``min_difference`` candidates, each proven best given the earlier ones.

    With ``fixed=True`` every row must be placed: only floors and areas are chosen (the second
    stage of a two-stage solve: the tenant set comes from the search, its placement from here).

    ``work_limit`` bounds CP-SAT's deterministic time (a count of work, the same on every
    machine), so that a stopped search stops at the same point every run; ``time_limit`` stays
    a wall-clock safety net.
    """
    start = time.perf_counter()
    enc, scorer, cons = problem.enc, problem.scorer, problem.constraints
    rows = [int(r) for r in rows]
    result = ExactResult()
    if any(int(mu) not in rows for mu in problem.must):
        result.infeasible = True
        result.status = "a must_include candidate is not in the model"
        return result
    n_m = enc.m
    mask = enc.mask
    U = UNITS_PER_M2
    # Areas are rounded outwards (capacities and area_max up, area_min and the occupancy target
    # down), so the integer model is a relaxation of the real one: its INFEASIBLE and its bounds
    # hold for fractional m² too. Each answer's areas then come from the exact LP, and an answer
    # the LP cannot realise is dropped.
    cap = np.ceil(enc.floor_area * U - 1e-6).astype(np.int64)
    amin = np.floor(enc.pool.area_min * U + 1e-6).astype(np.int64)
    amax = np.ceil(enc.pool.area_max * U - 1e-6).astype(np.int64)
    model = cp_model.CpModel()
    x: dict[int, cp_model.IntVar] = {}
    y: dict[tuple[int, int], cp_model.IntVar] = {}
    a: dict[tuple[int, int], cp_model.IntVar] = {}
    if fixed and not all(mask[i].any() for i in rows):
        result.infeasible = True
        result.status = "a fixed tenant may use no floor"
        return result
    rows = [i for i in rows if mask[i].any()]
    for i in rows:
        x[i] = model.new_bool_var(f"x{i}")
        floors = np.flatnonzero(mask[i]).tolist()
        for f in floors:
            y[i, f] = model.new_bool_var(f"y{i}_{f}")
            a[i, f] = model.new_int_var(0, int(cap[f]), f"a{i}_{f}")
            model.add(a[i, f] <= int(cap[f]) * y[i, f])
            model.add(a[i, f] >= int(MIN_PART * U) * y[i, f])
        ys = [y[i, f] for f in floors]
        areas = [a[i, f] for f in floors]
        model.add(sum(ys) >= x[i])
        model.add(sum(ys) <= int(enc.pool.max_floors[i]) * x[i])
        model.add(sum(areas) >= int(amin[i]) * x[i])
        model.add(sum(areas) <= int(amax[i]) * x[i])
        if enc.pool.max_floors[i] > 1 and len(floors) > 1:
            # contiguous floors: at most one run starts
            starts = []
            for f in floors:
                s = model.new_bool_var(f"s{i}_{f}")
                prev = y.get((i, f - 1))
                model.add(s >= y[i, f] - prev) if prev is not None else model.add(s >= y[i, f])
                starts.append(s)
            model.add(sum(starts) <= 1)
    for f in range(n_m):
        on_f = [a[i, f] for i in rows if (i, f) in a]
        if on_f:
            model.add(sum(on_f) <= int(cap[f]))
    all_areas = list(a.values())
    need = math.floor(problem.required_area() * U + 1e-6)
    model.add(sum(all_areas) >= need)
    # function mix
    fn = enc.pool.function
    present = []
    for g in sorted({int(fn[i]) for i in rows}):
        members = [i for i in rows if fn[i] == g]
        u = model.new_bool_var(f"fn{g}")
        model.add(u <= sum(x[i] for i in members))
        present.append(u)
        if cons.max_function_share < 1.0:
            share_num = math.floor(cons.max_function_share * 10_000)
            model.add(
                10_000 * sum(a[i, f] for i in members for f in range(n_m) if (i, f) in a)
                <= share_num * sum(all_areas)
            )
    model.add(sum(present) >= cons.min_functions)
    for i in problem.must.tolist():
        model.add(x[int(i)] == 1)
    if fixed:
        for var in x.values():
            model.add(var == 1)
    row_set = set(rows)
    for i, j in problem.forbidden_pairs.tolist():
        if i in row_set and j in row_set:
            model.add(x[i] + x[j] <= 1)
    if cons.max_tenants is not None:
        model.add(sum(x.values()) <= cons.max_tenants)

    # objective
    w = scorer.weights
    obj: list[cp_model.LinearExprT] = []
    for (i, f), var in a.items():
        coef = round(SCALE * scorer.per_m2[i, f] / U)
        if coef:
            obj.append(coef * var)
    idx = np.array(rows, dtype=np.int64)
    if 1 < len(idx) <= PAIR_MODEL_LIMIT:
        # Small pools: one boolean per pair (w_ij <= x_i, w_ij <= x_j). Measured faster to prove
        # than the compact form up to about 21 candidates; the compact form wins beyond that.
        aff = problem.affinity()[np.ix_(idx, idx)]
        for r, i in enumerate(rows):
            for c in range(r + 1, len(rows)):
                coef = round(SCALE * (aff[r, c] + aff[c, r]))
                if coef <= 0:
                    continue
                j = rows[c]
                w_ij = model.new_bool_var(f"w{i}_{j}")
                model.add(w_ij <= x[i])
                model.add(w_ij <= x[j])
                obj.append(coef * w_ij)
    elif len(idx) > 1:
        aff = problem.affinity()[np.ix_(idx, idx)]
        room = enc.lettable_area - enc.pool.area_min[idx]
        bound = _knapsack_bound(aff, enc.pool.area_min[idx], room)
        for r, i in enumerate(rows):
            coefs = np.round(SCALE * aff[r]).astype(np.int64)
            ub = math.ceil(SCALE * bound[r]) + 1
            if ub <= 1 or not coefs.any():
                continue
            z = model.new_int_var(0, ub, f"z{i}")
            model.add(z <= ub * x[i])
            model.add(z <= sum(int(c) * x[j] for c, j in zip(coefs, rows, strict=True) if c and j != i))
            obj.append(z)
    # Conflict: each tenant pays its share times the worst conflict among its neighbours.
    # Conflict levels are thirds (noise excess 1..3 of 3), so pen_i counts in thirds.
    adj = scorer.floor_adjacency()
    levels = np.rint(scorer.conflict * 3).astype(np.int64)
    pen: dict[int, cp_model.IntVar] = {}
    for i, j in problem.conflict_pairs.tolist():
        if i not in row_set or j not in row_set or levels[i, j] <= 0:
            continue
        q = model.new_bool_var(f"q{i}_{j}")
        for f in np.flatnonzero(mask[i]).tolist():
            for g in np.flatnonzero(mask[j] & adj[f]).tolist():
                model.add(q >= y[i, f] + y[j, g] - 1)
        for t in (i, j):
            if t not in pen:
                pen[t] = model.new_int_var(0, 3, f"pen{t}")
            model.add(pen[t] >= int(levels[i, j]) * q)
    for t, var in pen.items():
        coef = round(SCALE * w.conflict * scorer.share[t] / 3)
        if coef > 0:
            obj.append(-coef * var)
    div = model.new_int_var(0, w.diversity_target, "diversity")
    model.add(div <= sum(present))
    obj.append(round(SCALE * w.diversity / w.diversity_target) * div)
    pioneers = [x[i] for i in rows if enc.pool.pioneer[i]]
    if pioneers and w.pioneer:
        pion = model.new_int_var(0, w.pioneer_target, "pioneer")
        model.add(pion <= sum(pioneers))
        obj.append(round(SCALE * w.pioneer / w.pioneer_target) * pion)
    eligible = problem.heart_eligible()
    street = [y[i, f] for (i, f) in y if eligible[i] and enc.street[f]]
    if street and w.heart:
        heart = model.new_bool_var("heart")
        model.add(heart <= sum(street))
        obj.append(round(SCALE * w.heart) * heart)
    model.maximize(sum(obj))

    def cut(tenants: frozenset[int], d: int) -> None:
        inside = [x[i] for i in rows if i in tenants]
        outside = [x[i] for i in rows if i not in tenants]
        model.add(sum(1 - v for v in inside) + sum(outside) >= d)

    for old in exclude_sets:
        cut(old, 1)

    def set_hint(sol: Solution) -> None:
        model.clear_hints()  # type: ignore[no-untyped-call]
        for i in rows:
            model.add_hint(x[i], int(i in sol.tenants))
        for (i, f), var in y.items():
            model.add_hint(var, int(f in sol.assignment.get(i, ())))
        for (i, f), var in a.items():
            model.add_hint(var, int(min(round(sol.areas[i, f] * U), cap[f])))

    if hint is not None and hint.tenants <= row_set:
        set_hint(hint)

    solver = cp_model.CpSolver()
    p = solver.parameters
    p.num_workers = workers
    p.random_seed = seed
    if workers == 1:
        p.linearization_level = 2
    for name, value in (parameters or {}).items():
        setattr(p, name, value)
    for t in range(k):
        remaining = time_limit - (time.perf_counter() - start)
        if remaining <= 0.01:
            break
        if work_limit is not None:
            p.max_time_in_seconds = remaining
            # the proof of the best gets most of the work; the runners-up share the rest
            p.max_deterministic_time = work_limit if t == 0 else 0.3 * work_limit / max(k - 1, 1)
        else:
            p.max_time_in_seconds = remaining / (1 if t == 0 else max(1, k - t))
        status = solver.solve(model)
        if t == 0:
            result.status = solver.status_name(status)
            if status == cp_model.INFEASIBLE:
                result.infeasible = True
            if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                result.bound = solver.best_objective_bound / SCALE
                result.best = solver.objective_value / SCALE
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            break
        tenants = frozenset(i for i in rows if solver.boolean_value(x[i]))
        assignment = {i: tuple(f for f in range(n_m) if (i, f) in y and solver.boolean_value(y[i, f]))
                      for i in sorted(tenants)}
        cut(tenants, min_difference)
        exact_areas = allocate(problem, assignment)
        if exact_areas is None:
            exact_areas = allocate(problem, assignment, trim=True)
        if exact_areas is None:
            continue  # outward rounding let through a packing that whole m² cannot realise
        if t == 0:
            result.proven = status == cp_model.OPTIMAL
        value = scorer.total(scorer.components(exact_areas))
        sol = Solution(tenants, assignment, exact_areas, value, True)
        result.solutions.append(sol)
        set_hint(sol)
    result.wall_time = time.perf_counter() - start
    return result
