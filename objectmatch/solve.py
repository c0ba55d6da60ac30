"""Matching: the best tenant programmes for an object, ranked, exact where it can be, explained where it cannot.

:func:`match` encodes the object and the pool once, then

1. checks necessary conditions and explains in words what cannot be met
   (:mod:`objectmatch.explain`);
2. runs the fast search (:mod:`objectmatch.search`) for a pool of good programmes;
3. runs the exact CP-SAT engine (:mod:`objectmatch.exact`): on the whole pool when it is
   small enough to prove optimality, otherwise on a neighbourhood of the best programmes
   found (the candidates in them plus the most promising others) to polish them;
4. re-optimises every answer's areas exactly (:mod:`objectmatch.areas`), re-scores it with
   :func:`objectmatch.score` -- so a programme's score is always reproducible -- checks it
   with the independent :func:`objectmatch.check`, and returns the best ``k`` whose tenant
   sets differ in at least ``min_difference`` candidates.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence

import numpy as np

from objectmatch.areas import allocate
from objectmatch.constraints import Constraints, check
from objectmatch.encode import IdentityKernel, encode
from objectmatch.exact import solve_exact
from objectmatch.explain import exclusion_summary, explain_infeasible
from objectmatch.models import Building, Candidate, check_unique_ids
from objectmatch.problem import Problem
from objectmatch.results import MatchResult, MatchStatus, Programme
from objectmatch.scoring import Scorer, Weights, score
from objectmatch.search import Search, Solution

__all__ = ["EXACT_LIMIT", "match"]

#: Pools with at most this many usable candidates are solved exactly by default.
EXACT_LIMIT = 30
#: Default time budgets, seconds: exact solves of small pools; search + polish of large pools.
EXACT_TIME = 10.0
LARGE_TIME = 0.8
#: Search budgets in scored packings (about 2,000 a second on one core for 200 candidates).
SMALL_EVALUATIONS = 300
LARGE_EVALUATIONS = 1000
#: CP-SAT work units for the exact placement of one tenant set.
PLACEMENT_WORK = 0.2
#: Wall-clock safety net, seconds (at least; ten times the budget if that is more). Work budgets,
#: not seconds, decide where the search stops, so that a busy machine does not change the answer;
#: this cap only stops a machine that is far slower than expected.
WALL_CAP = 10.0


def _hamming(a: frozenset[int], b: frozenset[int]) -> int:
    return len(a ^ b)


def _programme(
    sol: Solution,
    building: Building,
    pool: Sequence[Candidate],
    weights: Weights | None,
    network: IdentityKernel | None,
    potentials: Mapping[str, float] | None,
    assess: bool,
) -> Programme:
    placements: dict[str, dict[int, float]] = {}
    levels = [f.level for f in building.floors]
    for i in sorted(sol.tenants):
        floors = {levels[f]: float(sol.areas[i, f]) for f in range(len(levels)) if sol.areas[i, f] > 0}
        placements[pool[i].id] = floors
    breakdown = score(building, pool, placements, weights, network=network, potentials=potentials, assess=assess)
    by_id = {c.id: c for c in pool}
    tenants = tuple(sorted(placements, key=lambda cid: (min(placements[cid]), cid)))
    areas: dict[str, float] = {}
    for cid, floors in placements.items():
        fn = by_id[cid].function
        areas[fn] = areas.get(fn, 0.0) + math.fsum(floors.values())
    let = math.fsum(a for floors in placements.values() for a in floors.values())
    profile: dict[str, float] = {}
    for cid, floors in placements.items():
        share = math.fsum(floors.values()) / let
        for tag, weight in by_id[cid].identities.items():
            profile[tag] = profile.get(tag, 0.0) + share * weight
    return Programme(
        placements=placements,
        tenants=tenants,
        score=breakdown.total,
        breakdown=breakdown,
        occupancy=let / building.lettable_area,
        functions=tuple(sorted(areas)),
        function_areas=dict(sorted(areas.items())),
        identities={tag: profile[tag] for tag in sorted(profile)},
    )


def _distinct(solutions: Sequence[Solution], count: int, min_difference: int) -> list[Solution]:
    """The best ``count`` solutions whose tenant sets differ pairwise in at least ``min_difference``."""
    out: list[Solution] = []
    for s in solutions:
        if len(out) == count:
            break
        if all(_hamming(s.tenants, t.tenants) >= min_difference for t in out):
            out.append(s)
    return out


def _relaxations(problem: Problem, building: Building, pool: Sequence[Candidate], seed: int) -> list[str]:
    """Which single programme-level constraint, dropped, would make the request feasible."""
    cons = problem.constraints
    trials: dict[str, dict[str, object]] = {
        "min_occupancy": {"min_occupancy": 0.0},
        "min_functions": {"min_functions": 0},
        "max_function_share": {"max_function_share": 1.0},
        "max_tenants": {"max_tenants": None},
        "must_include": {"must_include": frozenset()},
        "incompatible": {"incompatible": frozenset()},
    }
    out: list[str] = []
    for name, change in trials.items():
        if getattr(cons, name) == change[name]:
            continue
        relaxed = Problem.build(pool, problem.scorer, cons.model_copy(update=change))
        res = solve_exact(relaxed, relaxed.active, k=1, time_limit=WALL_CAP, seed=seed, work_limit=2.0)
        if res.solutions:
            now = getattr(cons, name)
            shown = sorted(now) if isinstance(now, frozenset) else now
            out.append(f"dropping {name} (now {shown!r}) would make it feasible")
    return out


def match(
    building: Building,
    candidates: Sequence[Candidate],
    k: int = 10,
    constraints: Constraints | None = None,
    weights: Weights | None = None,
    time_limit: float | None = None,
    seed: int = 0,
    *,
    network: IdentityKernel | None = None,
    min_difference: int = 2,
    exact: bool | None = None,
    potentials: Mapping[str, float] | None = None,
    assess: bool = True,
) -> MatchResult:
    """The best tenant programmes for ``building`` from ``candidates``, ranked, best first.

    Parameters
    ----------
    building, candidates
        The object and the pool (unique ids). Neither is changed.
    k
        How many programmes to return at most.
    constraints
        Hard requirements; default ``Constraints()`` (80% occupancy, 2 functions).
    weights
        Score weights; default ``Weights()``.
    time_limit
        The search's budget, in seconds of work on one core: it sets how many packings the
        search scores and how much work CP-SAT may do (counted in CP-SAT's deterministic units),
        so the same seed gives the same answer on any machine. Wall time follows it loosely
        (encoding large pools adds to it) and is capped at ten times it (at least 10 s). Default: 10 for small
        pools (usually far less: they are proven optimal), 0.8 for large ones.
    seed
        Seeds the search's restarts and CP-SAT: the same inputs and seed give the same answer.
    network
        Optional identity network (``objectmatch.culture.IdentityNetwork``) for shared identity.
    min_difference
        Returned programmes' tenant sets differ in at least this many candidates (2 keeps the
        list from filling with copies that differ by one small tenant).
    exact
        Force (True) or skip (False) exact solving of the whole pool; default: when the pool
        has at most ``EXACT_LIMIT`` usable candidates.
    potentials
        Transformation potential per function for the building-fit term; default from the
        hard-side assessment (:mod:`objectmatch.assess`). Pass the same to
        :func:`objectmatch.score` to reproduce the scores.
    assess
        Use the hard-side assessment: candidates of a function it vetoes for this building are
        left out (the status says how many and why) and its potentials enter building fit, as
        :func:`objectmatch.score` does by default. ``False`` ignores it; pass the same to
        :func:`objectmatch.score` to reproduce the scores.

    Returns
    -------
    MatchResult
        ``programmes`` (each valid by :func:`objectmatch.check` and re-scored by
        :func:`objectmatch.score`) and a ``status`` saying whether the best is proven
        optimal, with bound and gap when known, or in words why nothing can be found.

    Examples
    --------
    >>> from objectmatch import load_example, match
    >>> building, pool = load_example()
    >>> result = match(building, pool, k=3)
    >>> len(result.programmes), result.programmes[0].occupancy >= 0.8
    (3, True)
    >>> result.programmes[0].score >= result.programmes[1].score
    True
    """
    started = time.perf_counter()
    if not isinstance(k, int) or k < 1:
        raise ValueError(f"k must be a positive whole number, got {k!r}")
    if time_limit is not None and not (time_limit > 0 and math.isfinite(time_limit)):
        raise ValueError(f"time_limit must be a positive number of seconds, got {time_limit!r}")
    if min_difference < 1:
        raise ValueError(f"min_difference must be at least 1, got {min_difference!r}")
    cons = constraints if constraints is not None else Constraints()
    pool = sorted(check_unique_ids(candidates), key=lambda c: c.id)
    enc = encode(building, pool, potentials=potentials, assess=assess)
    scorer = Scorer.build(enc, weights, network)
    problem = Problem.build(pool, scorer, cons)

    def finish(programmes: list[Programme], status: MatchStatus) -> MatchResult:
        wall = time.perf_counter() - started
        return MatchResult(programmes=tuple(programmes), status=status.model_copy(update={"wall_time": wall}))

    reasons = explain_infeasible(problem, building)
    if reasons:
        return finish([], MatchStatus(code="infeasible", message="; ".join(reasons), reasons=tuple(reasons)))

    n_active = len(problem.active)
    use_exact = exact if exact is not None else n_active <= EXACT_LIMIT
    budget = time_limit if time_limit is not None else (EXACT_TIME if use_exact else LARGE_TIME)
    # Work is budgeted in evaluations and CP-SAT work units, not seconds, so that the same
    # inputs and seed give the same answer on any machine; seconds only cap it.
    scale = budget / (EXACT_TIME if use_exact else LARGE_TIME) if time_limit is not None else 1.0
    search = Search(problem, seed=seed)
    # Small pools always get the full search (it is cheap there and seeds the exact model well).
    evaluations = SMALL_EVALUATIONS if use_exact else max(50, int(LARGE_EVALUATIONS * scale))
    # The wall-clock cap is a safety net far above the work budget, so that a busy machine
    # does not change the answer.
    wall_cap = max(10 * budget, WALL_CAP)
    found = search.run(restarts=8, max_evaluations=evaluations, time_cap=wall_cap)
    solutions: dict[frozenset[int], Solution] = {s.tenants: s for s in found}

    # Second stage for large pools: the most promising tenant sets get an exact placement (floors and
    # areas) by CP-SAT, as many as the budget affords. Small pools go to the whole-pool model instead.
    polish = 0 if use_exact else min(k, max(2, int(scale * LARGE_TIME / 0.4)))
    for s in _distinct(found, polish, min_difference):
        placed = solve_exact(
            problem, sorted(s.tenants), fixed=True, time_limit=wall_cap, seed=seed, hint=s,
            work_limit=PLACEMENT_WORK,
        )
        for p in placed.solutions:
            if p.value > solutions[s.tenants].value:
                solutions[s.tenants] = p
    proven = False
    bound: float | None = None
    solver_name = "search + exact placement" if found else "search"
    if use_exact:
        hint = max(solutions.values(), key=lambda s: s.value) if solutions else None
        res = solve_exact(
            problem, problem.active, k=k, min_difference=min_difference,
            time_limit=wall_cap, seed=seed, hint=hint, work_limit=0.7 * budget,
        )
        solver_name = "CP-SAT (whole pool)"
        proven, bound = res.proven, res.bound
        for s in res.solutions:
            if s.tenants not in solutions or solutions[s.tenants].value < s.value:
                solutions[s.tenants] = s
        if res.infeasible and not solutions:
            relax = _relaxations(problem, building, pool, seed)
            msg = "no programme meets all constraints together (proven by CP-SAT)"
            detail = (*relax, exclusion_summary(problem, building))
            return finish([], MatchStatus(code="infeasible", message=f"{msg}: " + "; ".join(detail), reasons=detail))

    if not solutions:
        res = solve_exact(problem, problem.active, k=1, time_limit=wall_cap, seed=seed,
                          work_limit=max(2.0, budget))
        for s in res.solutions:
            solutions[s.tenants] = s
        if not solutions:
            if res.infeasible:
                relax = _relaxations(problem, building, pool, seed)
                detail = (*relax, exclusion_summary(problem, building))
                msg = "no programme meets all constraints together (proven by CP-SAT): " + "; ".join(detail)
                return finish([], MatchStatus(code="infeasible", message=msg, reasons=detail))
            msg = f"no programme found within the time limit ({budget:g} s); the request was not proven infeasible"
            return finish([], MatchStatus(code="infeasible", message=msg, reasons=(msg,)))

    # Exact areas for the most promising answers, then the best k distinct ones.
    ranked = sorted(solutions.values(), key=lambda s: (-s.value, sorted(s.tenants)))
    polished: list[Solution] = []
    for s in ranked[: k + 5]:
        for trim in (False, True):
            areas = allocate(problem, s.assignment, trim=trim)
            if areas is not None:
                value = scorer.total(scorer.components(areas))
                if value >= s.value - 1e-12:
                    floors = {i: tuple(np.flatnonzero(areas[i] > 0).tolist()) for i in s.tenants}
                    s = Solution(s.tenants, floors, areas, value, True)
        polished.append(s)
    polished.sort(key=lambda s: (-s.value, sorted(s.tenants)))
    programmes: list[Programme] = []
    picked: list[frozenset[int]] = []
    invalid = 0
    for s in polished:
        if len(programmes) == k:
            break
        if any(_hamming(s.tenants, t) < min_difference for t in picked):
            continue
        prog = _programme(s, building, pool, weights, network, potentials, assess)
        if check(building, pool, prog.placements, cons, assess=assess):
            invalid += 1  # a packing the independent checker refuses is never returned
            continue
        picked.append(s.tenants)
        programmes.append(prog)
    programmes.sort(key=lambda p: (-p.score, p.tenants))
    programmes = [p.model_copy(update={"rank": r}) for r, p in enumerate(programmes, start=1)]
    best = programmes[0].score if programmes else None
    if bound is not None and best is not None:
        # CP-SAT bounds the integer-scaled objective; never report a bound below an answer in hand
        bound = best if proven else max(bound, best)
    gap = None
    if bound is not None and best is not None:
        gap = max(0.0, (bound - best) / abs(bound)) if bound else 0.0
    if proven:
        code, message = "optimal", f"best programme proven optimal by CP-SAT over all {n_active} usable candidates"
    else:
        code = "feasible"
        message = f"best programme found by {solver_name}; not proven optimal"
        if gap is not None:
            message += f" (bound {bound:.4f}, gap {gap:.2%})"
    vetoed: dict[str, tuple[int, str]] = {}
    for cand, reason in zip(pool, enc.excluded_reason, strict=True):
        if reason is not None:
            vetoed[cand.function] = (vetoed.get(cand.function, (0, reason))[0] + 1, reason)
    if vetoed:
        message += "; left out by the hard-side assessment: " + "; ".join(
            f"{n} {fn} candidate(s) ({reason})" for fn, (n, reason) in sorted(vetoed.items())
        )
    if invalid:
        message += f"; {invalid} packings refused by the checker were dropped"
    summary = "" if programmes else exclusion_summary(problem, building)
    status = MatchStatus(
        code=code if programmes else "infeasible",
        message=message if programmes else f"no valid programme found: {summary}",
        reasons=() if programmes else (summary,),
        bound=bound,
        gap=gap,
        solver=solver_name,
    )
    return finish(programmes, status)
