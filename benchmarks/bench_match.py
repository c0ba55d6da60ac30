"""Benchmark: ``match`` against a plain greedy and a textbook CP-SAT model, side by side in one run.

For generated pools of 25, 50, 200 and 1,000 candidates on one generated 12-floor building
(``generate_building(12, seed)``, ``generate_pool(n, seed)``), four ways to the best programme:

* ``match(k=10)`` with its default settings, and with an explicit ``time_limit`` equal to the
  baselines' (``--limits``); for small pools also ``match(k=1)``, the time to a proven optimum;
* a plain greedy (written here): candidates by unary value per m² (or by area), each put
  first-fit on the lowest floor or run of floors with room, no local search; the best valid one;
* a textbook CP-SAT model (written here): one boolean ``w_ij <= x_i, w_ij <= x_j`` per pair for
  the pair affinity, every other constraint and objective term as in ``objectmatch.exact``
  (same arrays, same scaling, ``num_workers=1, linearization_level=2``), at the same time limit
  (model building not counted in the limit; reported apart). Its floor assignment gets the
  same exact area LP as ours, so the comparison is of the formulations, not of the areas;
* for 200 candidates (and whatever ``--long-sizes`` says) the best known score: a long run of
  ``objectmatch.exact.solve_exact`` on the whole pool, hinted with the best answer seen, or the
  best of all runs if that is higher.

Every score is ``objectmatch.score(...)`` of a placement that ``objectmatch.check`` accepts.
Targets (issue 4): pools up to 25 proven optimal in under 1 s; 200 candidates, top-10 in under
1 s with the best within 0.5% of the best known; never worse than the plain CP-SAT model at
equal time. Writes ``benchmarks/results/match.md``.

Run: ``python benchmarks/bench_match.py`` (about 8 minutes on 2 cores).
"""

from __future__ import annotations

import argparse
import datetime
import math
import os
import platform
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import ortools
from ortools.sat.python import cp_model

from objectmatch import Building, Candidate, Constraints, check, match, score
from objectmatch.areas import MIN_PART, allocate
from objectmatch.datasets import generate_building, generate_pool
from objectmatch.encode import encode
from objectmatch.exact import SCALE, UNITS_PER_M2, solve_exact
from objectmatch.problem import Problem
from objectmatch.scoring import Scorer
from objectmatch.search import Solution

RESULTS = Path(__file__).resolve().parent / "results" / "match.md"
Placements = dict[str, dict[int, float]]


@dataclass
class Run:
    """One method on one pool: its best valid programme's score, wall time and what it said."""

    method: str
    limit: float | None
    wall: float
    score: float | None
    note: str = ""
    extra: dict[str, float] = field(default_factory=dict)


def setup(n: int, seed: int, floors: int, occupancy: float | None) -> tuple[Building, list[Candidate], Constraints]:
    building = generate_building(floors, seed)
    pool = generate_pool(n, seed)
    cons = Constraints() if occupancy is None else Constraints(min_occupancy=occupancy)
    return building, pool, cons


def problem_of(building: Building, pool: Sequence[Candidate], cons: Constraints) -> Problem:
    """The arrays ``match`` builds by default (the hard-side assessment's vetoes and potentials included)."""
    ordered = sorted(pool, key=lambda c: c.id)
    return Problem.build(ordered, Scorer.build(encode(building, ordered, assess=True)), cons)


def placements_of(problem: Problem, building: Building, sol: Solution) -> Placements:
    levels = [f.level for f in building.floors]
    return {
        problem.candidates[i].id: {levels[f]: float(sol.areas[i, f]) for f in sol.assignment[i] if sol.areas[i, f] > 0}
        for i in sorted(sol.tenants)
    }


def solution_of(problem: Problem, building: Building, placements: Placements) -> Solution:
    """A programme's placements as the solver's Solution (for hints)."""
    index = problem.enc.pool.index()
    column = {f.level: j for j, f in enumerate(building.floors)}
    areas = np.zeros((problem.n, problem.m))
    assignment: dict[int, tuple[int, ...]] = {}
    for cid, floors in placements.items():
        i = index[cid]
        assignment[i] = tuple(sorted(column[lv] for lv in floors))
        for lv, a in floors.items():
            areas[i, column[lv]] = a
    value = problem.scorer.total(problem.scorer.components(areas))
    return Solution(frozenset(assignment), assignment, areas, value, True)


def verified(building: Building, pool: Sequence[Candidate], cons: Constraints, placements: Placements) -> float | None:
    """``score()`` of a placement that ``check()`` accepts, else ``None``."""
    if not placements or check(building, pool, placements, cons):
        return None
    return score(building, pool, placements).total


# -- baseline (a): plain greedy -------------------------------------------------------------------


def greedy(building: Building, pool: Sequence[Candidate], cons: Constraints, order_by: str) -> Placements | None:
    """First-fit greedy: must_include first, then one candidate of each function until min_functions
    is met, then the rest, each in ``order_by`` order ("value": best unary score per m²; "area":
    largest area_max), each on the first floor (lowest level) or run of floors with room for its
    area_min, taking up to its area_max there. No local search, no look-ahead."""
    problem = problem_of(building, pool, cons)
    enc = problem.enc
    per_m2 = np.where(enc.mask, problem.scorer.per_m2, -np.inf).max(axis=1)
    active = problem.active.tolist()
    if order_by == "value":
        order = sorted(active, key=lambda i: (-per_m2[i], enc.pool.ids[i]))
    else:
        order = sorted(active, key=lambda i: (-enc.pool.area_max[i], enc.pool.ids[i]))
    must = [int(i) for i in problem.must]
    first_of_function: list[int] = []
    seen: set[int] = {int(enc.pool.function[i]) for i in must}
    for i in order:
        if len(seen) >= cons.min_functions:
            break
        if int(enc.pool.function[i]) not in seen:
            seen.add(int(enc.pool.function[i]))
            first_of_function.append(i)
    queue = list(dict.fromkeys([*must, *first_of_function, *order]))
    forbidden = {tuple(p) for p in problem.forbidden_pairs.tolist()}
    room = enc.floor_area.astype(float).copy()
    placed: dict[int, dict[int, float]] = {}
    m = enc.m
    def place(i: int) -> bool:
        if cons.max_tenants is not None and len(placed) >= cons.max_tenants:
            return False
        if i in placed or any((min(i, j), max(i, j)) in forbidden for j in placed):
            return False
        need, want = enc.pool.area_min[i], enc.pool.area_max[i]
        ok = enc.mask[i]
        runs = [
            tuple(range(s, s + length))
            for length in range(1, int(enc.pool.max_floors[i]) + 1)
            for s in range(m - length + 1)
            if ok[s : s + length].all()
        ]
        for run in runs:
            idx = list(run)
            if room[idx].sum() + 1e-9 < need or room[idx].min() < MIN_PART:
                continue
            left = min(want, room[idx].sum())
            parts: dict[int, float] = {}
            for k, f in enumerate(run):
                later = len(run) - 1 - k
                a = left if later == 0 else min(room[f], left - MIN_PART * later)
                parts[f] = a
                room[f] -= a
                left -= a
            placed[i] = parts
            return True
        return False

    for i in queue:
        place(i)
    # one repair pass: if the first picks of new functions did not fit, any other of a new function
    for i in order:
        functions = {int(enc.pool.function[j]) for j in placed}
        if len(functions) >= cons.min_functions:
            break
        if int(enc.pool.function[i]) not in functions:
            place(i)
    levels = [f.level for f in building.floors]
    return {enc.pool.ids[i]: {levels[f]: a for f, a in parts.items()} for i, parts in placed.items()}


def run_greedy(building: Building, pool: Sequence[Candidate], cons: Constraints) -> Run:
    started = time.perf_counter()
    best: float | None = None
    notes = []
    for order_by in ("value", "area"):
        placements = greedy(building, pool, cons, order_by)
        value = verified(building, pool, cons, placements) if placements else None
        notes.append(f"by {order_by}: {'invalid' if value is None else f'{value:.4f}'}")
        if value is not None and (best is None or value > best):
            best = value
    return Run("plain greedy (first-fit)", None, time.perf_counter() - started, best, "; ".join(notes))


# -- baseline (b): textbook CP-SAT, one boolean per pair --------------------------------------------


def plain_cpsat(problem: Problem, time_limit: float, seed: int = 0) -> tuple[Solution | None, dict[str, float], str]:
    """The whole programme in CP-SAT with one boolean per pair for the pair affinity.

    Variables, constraints and every objective term but the pair affinity are built as in
    ``objectmatch.exact.solve_exact`` (same units, same SCALE); the pair affinity ``x^T A x``
    is ``sum_{i<j} 2 A_ij w_ij`` with ``w_ij <= x_i, w_ij <= x_j`` (A >= 0 off the diagonal).
    """
    built = time.perf_counter()
    enc, scorer, cons = problem.enc, problem.scorer, problem.constraints
    rows = [int(i) for i in problem.active]
    mask = enc.mask
    u = UNITS_PER_M2
    cap = np.floor(enc.floor_area * u + 1e-6).astype(np.int64)
    amin = np.ceil(enc.pool.area_min * u - 1e-6).astype(np.int64)
    amax = np.floor(enc.pool.area_max * u + 1e-6).astype(np.int64)
    amin = np.minimum(amin, amax)
    model = cp_model.CpModel()
    x: dict[int, cp_model.IntVar] = {}
    y: dict[tuple[int, int], cp_model.IntVar] = {}
    a: dict[tuple[int, int], cp_model.IntVar] = {}
    for i in rows:
        x[i] = model.new_bool_var(f"x{i}")
        floors = np.flatnonzero(mask[i]).tolist()
        for f in floors:
            y[i, f] = model.new_bool_var(f"y{i}_{f}")
            a[i, f] = model.new_int_var(0, int(cap[f]), f"a{i}_{f}")
            model.add(a[i, f] <= int(cap[f]) * y[i, f])
            model.add(a[i, f] >= int(MIN_PART * u) * y[i, f])
        model.add(sum(y[i, f] for f in floors) >= x[i])
        model.add(sum(y[i, f] for f in floors) <= int(enc.pool.max_floors[i]) * x[i])
        model.add(sum(a[i, f] for f in floors) >= int(amin[i]) * x[i])
        model.add(sum(a[i, f] for f in floors) <= int(amax[i]) * x[i])
        if enc.pool.max_floors[i] > 1 and len(floors) > 1:
            starts = []
            for f in floors:
                s = model.new_bool_var(f"s{i}_{f}")
                prev = y.get((i, f - 1))
                model.add(s >= y[i, f] - prev) if prev is not None else model.add(s >= y[i, f])
                starts.append(s)
            model.add(sum(starts) <= 1)
    for f in range(enc.m):
        on_f = [a[i, f] for i in rows if (i, f) in a]
        if on_f:
            model.add(sum(on_f) <= int(cap[f]))
    all_areas = list(a.values())
    model.add(sum(all_areas) >= math.ceil(problem.required_area() * u - 1e-6))
    fn = enc.pool.function
    present = []
    for g in sorted({int(fn[i]) for i in rows}):
        members = [i for i in rows if fn[i] == g]
        v = model.new_bool_var(f"fn{g}")
        model.add(v <= sum(x[i] for i in members))
        present.append(v)
        if cons.max_function_share < 1.0:
            share = math.floor(cons.max_function_share * 10_000)
            model.add(10_000 * sum(a[i, f] for i in members for f in range(enc.m) if (i, f) in a)
                      <= share * sum(all_areas))
    model.add(sum(present) >= cons.min_functions)
    for i in problem.must.tolist():
        model.add(x[int(i)] == 1)
    row_set = set(rows)
    for i, j in problem.forbidden_pairs.tolist():
        if i in row_set and j in row_set:
            model.add(x[i] + x[j] <= 1)
    if cons.max_tenants is not None:
        model.add(sum(x.values()) <= cons.max_tenants)
    w = scorer.weights
    obj: list[cp_model.LinearExprT] = []
    for (i, f), var in a.items():
        coef = round(SCALE * scorer.per_m2[i, f] / u)
        if coef:
            obj.append(coef * var)
    # the textbook pair term: one boolean per pair
    idx = np.array(rows, dtype=np.int64)
    aff = problem.affinity()[np.ix_(idx, idx)]
    n_pairs = 0
    for r, i in enumerate(rows):
        coefs = np.round(SCALE * 2 * aff[r, r + 1 :]).astype(np.int64)
        for c, j in zip(coefs.tolist(), rows[r + 1 :], strict=True):
            if c > 0:
                wv = model.new_bool_var(f"w{i}_{j}")
                model.add_implication(wv, x[i])
                model.add_implication(wv, x[j])
                obj.append(c * wv)
                n_pairs += 1
    adj = scorer.floor_adjacency()
    conflict = problem.conflict_weighted()
    for i, j in problem.conflict_pairs.tolist():
        if i not in row_set or j not in row_set:
            continue
        coef = round(SCALE * 2 * conflict[i, j])
        if coef <= 0:
            continue
        q = model.new_bool_var(f"q{i}_{j}")
        for f in np.flatnonzero(mask[i]).tolist():
            for g in np.flatnonzero(mask[j] & adj[f]).tolist():
                model.add(q >= y[i, f] + y[j, g] - 1)
        obj.append(-coef * q)
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
    build_time = time.perf_counter() - built

    solver = cp_model.CpSolver()
    p = solver.parameters
    p.num_workers = 1
    p.linearization_level = 2
    p.random_seed = seed
    p.max_time_in_seconds = time_limit
    started = time.perf_counter()
    status = solver.solve(model)
    info = {"build": build_time, "solve": time.perf_counter() - started, "pairs": float(n_pairs)}
    name = solver.status_name(status)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, info, name
    info["bound"] = solver.best_objective_bound / SCALE
    tenants = frozenset(i for i in rows if solver.boolean_value(x[i]))
    assignment = {i: tuple(f for f in range(enc.m) if (i, f) in y and solver.boolean_value(y[i, f]))
                  for i in sorted(tenants)}
    areas = allocate(problem, assignment)
    if areas is None:
        return None, info, name + " (no areas)"
    value = scorer.total(scorer.components(areas))
    return Solution(tenants, assignment, areas, value, True), info, name


def run_plain(building: Building, pool: Sequence[Candidate], cons: Constraints, limit: float) -> Run:
    started = time.perf_counter()
    problem = problem_of(building, pool, cons)
    sol, info, status = plain_cpsat(problem, limit)
    wall = time.perf_counter() - started
    value = verified(building, pool, cons, placements_of(problem, building, sol)) if sol else None
    gap = ""
    if value is not None and "bound" in info:
        gap = f", bound {info['bound']:.4f} (gap {max(0.0, info['bound'] - value) / info['bound']:.2%})"
    note = (f"{status}{gap}; {int(info['pairs']):,} pair booleans; model built in {info['build']:.2f} s, "
            f"solved in {info['solve']:.2f} s")
    return Run("plain CP-SAT (boolean per pair)", limit, wall, value, note, info)


# -- ours ---------------------------------------------------------------------------------------------


def run_match(building: Building, pool: Sequence[Candidate], cons: Constraints, limit: float | None,
              k: int = 10) -> tuple[Run, Placements | None, tuple[tuple[float, Placements], ...]]:
    started = time.perf_counter()
    result = match(building, pool, k=k, constraints=cons, time_limit=limit)
    wall = time.perf_counter() - started
    best = result.programmes[0] if result.programmes else None
    value = verified(building, pool, cons, best.placements) if best else None
    assert best is None or value == best.score, "match's score must be reproduced by score()"
    st = result.status
    note = f"{st.code}, {len(result.programmes)} programmes"
    if st.gap is not None:
        note += f", gap {st.gap:.2%}"
    if st.code == "infeasible":
        note += f": {st.message[:80]}"
    label = f"match(k={k})" + (" default" if limit is None else "")
    key = tuple((p.score, p.placements) for p in result.programmes)
    return Run(label, limit, wall, value, note), (best.placements if best else None), key


# -- the two formulations head to head ------------------------------------------------------------


def formulations(cases: Sequence[tuple[int, int, float | None]], seed: int, limit: float) -> list[str]:
    """Whole-pool CP-SAT, compact (``objectmatch.exact``) against one boolean per pair, no hints, same limit."""
    lines = [
        "| pool | floors | usable | compact: status | time (s) | best | bound | per pair: status | time (s) | best "
        "| bound |",
        "| ---: | ---: | ---: | --- | ---: | ---: | ---: | --- | ---: | ---: | ---: |",
    ]
    for n, floors, occupancy in cases:
        building, pool, cons = setup(n, seed, floors, occupancy)
        problem = problem_of(building, pool, cons)
        started = time.perf_counter()
        res = solve_exact(problem, problem.active, k=1, time_limit=limit, seed=seed)
        t_compact = time.perf_counter() - started
        best_c = res.solutions[0].value if res.solutions else None
        sol, info, status = plain_cpsat(problem, limit, seed)
        label = f"{n}" + (f" (min_occupancy {occupancy})" if occupancy is not None else "")
        lines.append(
            f"| {label} | {floors} | {len(problem.active)} | {res.status} | {t_compact:.2f} | {fmt(best_c)} | "
            f"{fmt(res.bound)} | {status} | {info['solve']:.2f} | {fmt(sol.value if sol else None)} | "
            f"{fmt(info.get('bound'))} |"
        )
        print("  formulation", lines[-1], flush=True)
    return lines


# -- the run --------------------------------------------------------------------------------------------


@dataclass
class Case:
    n: int
    floors: int
    occupancy: float | None
    why: str = ""


def fmt(x: float | None, spec: str = ".4f") -> str:
    return "—" if x is None else format(x, spec)


def bench_case(
    case: Case, seed: int, limits: Sequence[float], long_limit: float | None
) -> tuple[list[str], dict[str, object]]:
    building, pool, cons = setup(case.n, seed, case.floors, case.occupancy)
    problem = problem_of(building, pool, cons)
    usable = len(problem.active)
    runs: list[Run] = []
    facts: dict[str, object] = {"n": case.n, "usable": usable, "floors": case.floors}
    print(f"n={case.n}: {usable} usable candidates, lettable {building.lettable_area:,.0f} m²", flush=True)

    default, best_place, key1 = run_match(building, pool, cons, None)
    _, _, key2 = run_match(building, pool, cons, None)
    default.note += "; same answer when run again" if key1 == key2 else "; DIFFERENT answer when run again"
    facts["deterministic"] = key1 == key2
    runs.append(default)
    facts["default"] = default
    if case.n <= 50:
        proof, _, _ = run_match(building, pool, cons, None, k=1)
        runs.append(proof)
        facts["k1"] = proof
    runs.append(run_greedy(building, pool, cons))
    for limit in limits:
        ours, place, _ = run_match(building, pool, cons, limit)
        if ours.score is not None and (default.score is None or ours.score > default.score) and place:
            best_place = place
        plain = run_plain(building, pool, cons, limit)
        runs += [ours, plain]
        facts[f"ours@{limit:g}"] = ours
        facts[f"plain@{limit:g}"] = plain
        print(f"  limit {limit:g} s: ours {fmt(ours.score)} in {ours.wall:.2f} s, plain {fmt(plain.score)} in "
              f"{plain.wall:.2f} s ({plain.note})", flush=True)
    best_known = max((r.score for r in runs if r.score is not None), default=None)
    known_from = "best of all runs"
    if long_limit is not None and best_place is not None:
        hint = solution_of(problem, building, best_place)
        started = time.perf_counter()
        res = solve_exact(problem, problem.active, k=1, time_limit=long_limit, seed=seed, hint=hint)
        wall = time.perf_counter() - started
        value = None
        if res.solutions:
            value = verified(building, pool, cons, placements_of(problem, building, res.solutions[0]))
        note = f"{res.status}, bound {fmt(res.bound)}"
        runs.append(Run("exact.solve_exact, whole pool, hinted (long run)", long_limit, wall, value, note))
        if value is not None and (best_known is None or value > best_known):
            best_known, known_from = value, "the long exact run"
        facts["bound"] = res.bound
        long_match, _, _ = run_match(building, pool, cons, long_limit / 3, k=1)
        long_match.method = "match(k=1), long budget"
        runs.append(long_match)
        if long_match.score is not None and (best_known is None or long_match.score > best_known):
            best_known, known_from = long_match.score, f"match(k=1, time_limit={long_limit / 3:g})"
    facts["best_known"] = best_known
    print(f"  best known {fmt(best_known)} ({known_from})", flush=True)

    ref = default
    lines = [
        f"### {case.n:,} candidates ({usable} usable), 12 floors" if case.floors == 12 else
        f"### {case.n:,} candidates ({usable} usable), {case.floors} floors",
        "",
        f"`generate_building({case.floors}, {seed})` ({building.lettable_area:,.0f} m² lettable), "
        f"`generate_pool({case.n}, {seed})`, constraints: "
        + (f"`Constraints(min_occupancy={case.occupancy})`" if case.occupancy is not None else "defaults")
        + (f" ({case.why})" if case.why else "") + ".",
        f"Best known: {fmt(best_known)} ({known_from}).",
        "",
        "| method | time limit (s) | wall (s) | best score | ours (default) / this score | ours (default) / this time "
        "| gap to best known | notes |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in runs:
        ratio = f"{ref.score / r.score:.4f}" if ref.score and r.score else "—"
        tratio = f"{ref.wall / r.wall:.2f}" if r.wall > 0 else "—"
        gap = f"{(best_known - r.score) / best_known:.2%}" if best_known and r.score else "—"
        lines.append(f"| {r.method} | {fmt(r.limit, 'g')} | {r.wall:.2f} | {fmt(r.score)} | {ratio} | {tratio} | "
                     f"{gap} | {r.note} |")
    lines.append("")
    return lines, facts


def machine() -> list[str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return [
        f"- CPU: {cpu}; {os.cpu_count()} logical cores, {len(os.sched_getaffinity(0))} usable",
        f"- Python {platform.python_version()}, numpy {np.__version__}, OR-Tools {ortools.__version__}",
    ]


def verdicts(all_facts: list[dict[str, object]], limits: Sequence[float]) -> list[str]:
    lines = ["| target | measured | |", "| --- | --- | --- |"]

    def mark(ok: bool) -> str:
        return "met" if ok else "**missed**"

    for f in all_facts:
        n = int(f["n"])  # type: ignore[call-overload]
        where = f"{n} candidates, {f['floors']} floors"
        if n <= 25:
            for key, label in (("k1", "k=1"), ("default", "k=10")):
                r = f.get(key)
                if isinstance(r, Run):
                    ok = r.note.startswith("optimal") and r.wall < 1.0
                    lines.append(f"| {where}: proven optimal in under 1 s ({label}) | {r.note.split(',')[0]} "
                                 f"in {r.wall:.2f} s | {mark(ok)} |")
        if n == 200:
            r = f["default"]
            known = f.get("best_known")
            assert isinstance(r, Run)
            ok_t = r.wall < 1.0
            lines.append(f"| 200 candidates: top-10 in under 1 s | {r.wall:.2f} s | {mark(ok_t)} |")
            if isinstance(known, float) and r.score:
                gap = (known - r.score) / known
                lines.append(f"| 200 candidates: best within 0.5% of best known | {gap:.2%} | {mark(gap <= 0.005)} |")
        for limit in limits:
            ours, plain = f.get(f"ours@{limit:g}"), f.get(f"plain@{limit:g}")
            if isinstance(ours, Run) and isinstance(plain, Run):
                ok = plain.score is None or (ours.score is not None and ours.score >= plain.score - 1e-9)
                lines.append(f"| {where}, {limit:g} s: not worse than plain CP-SAT | ours {fmt(ours.score)}, "
                             f"plain {fmt(plain.score)} | {mark(ok)} |")
        lines.append(f"| {where}: same answer twice (default settings) | {f['deterministic']} | "
                     f"{mark(bool(f['deterministic']))} |")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=[25, 50, 200, 1000])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--limits", type=float, nargs="+", default=[1.0, 5.0], help="equal time limits, s")
    parser.add_argument("--long", type=float, default=90.0, help="seconds for the long exact run")
    parser.add_argument("--long-sizes", type=int, nargs="*", default=[200], help="sizes that get a long run")
    parser.add_argument("--formulation-limit", type=float, default=30.0, help="seconds per model in the head-to-head")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    body: list[str] = []
    facts = []
    cases: list[Case] = []
    for n in args.sizes:
        if n <= 25:
            # 25 generated candidates cannot fill 80% (or 50%) of the 12-floor building: ask for 40%; and
            # the same pool on a 4-floor building with the default constraints.
            cases.append(Case(n, 12, 0.4, "the pool cannot fill 50% of 12 floors; CP-SAT proves it"))
            cases.append(Case(n, 4, None))
        else:
            cases.append(Case(n, 12, None))
    for case in cases:
        lines, f = bench_case(case, args.seed, args.limits, args.long if case.n in args.long_sizes else None)
        body += lines
        facts.append(f)
    head_to_head = formulations(
        [(15, 3, None), (20, 4, None), (25, 4, None), (25, 12, 0.4), (40, 4, None), (200, 12, None)],
        args.seed, args.formulation_limit,
    )
    total = time.perf_counter() - started
    cmd = "python benchmarks/bench_match.py" + (
        "" if argv is None else " " + " ".join(argv)
    )
    report = [
        "# Benchmark: match against a plain greedy and a textbook CP-SAT model",
        "",
        f"Generated by `{cmd}` on {datetime.date.today().isoformat()} in {total / 60:.1f} min.",
        "",
        "Every score is `objectmatch.score()` of a placement `objectmatch.check()` accepts. Ratios are "
        "ours (default `match(k=10)`) over the row: a score ratio above 1 means ours is better, a time ratio "
        "below 1 means ours is faster. The plain CP-SAT's floor assignment gets the same exact area LP as ours; "
        "its model-building time is outside its limit but inside its wall time.",
        "",
        "## Targets",
        "",
        *verdicts(facts, args.limits),
        "",
        "## Runs",
        "",
        *body,
        "## Formulations head to head",
        "",
        f"The whole pool in CP-SAT, no hint, {args.formulation_limit:g} s each, one worker with "
        "`linearization_level=2`: the compact per-candidate linearisation of `objectmatch.exact` "
        "(`z_i <= sum_j A_ij x_j`, `z_i <= U_i x_i`) against one boolean per pair. Scores after the exact area LP; "
        "bounds are CP-SAT's, on its integer-scaled objective.",
        "",
        *head_to_head,
        "",
        "Machine:",
        "",
        *machine(),
        "",
    ]
    text = "\n".join(report)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(text)
    print(f"written to {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
