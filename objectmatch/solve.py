"""Matching: the best tenant programmes for an object, ranked, exact where it can be, explained where it cannot.

:func:`match` validates its options once, encodes the object and the pool once, and then

1. checks necessary conditions and explains in words what cannot be met;
2. runs the search (:mod:`objectmatch._engine.search`: GRASP construction, tabu search, restarts
   from an elite pool) for a pool of good programmes, with a work budget that grows with the pool;
3. on pools small enough to prove (at most ``EXACT_LIMIT`` usable candidates, or ``exact=True``),
   runs the exact CP-SAT model of the whole pool, hinted with the search's best, for ``k`` answers
   that differ in at least ``min_difference`` of the let area, the best proven optimal under the
   float score when the status says so;
4. gives every answer its best areas exactly (:mod:`objectmatch._engine.areas`), re-scores it with
   :func:`objectmatch.score`, checks it with the independent :func:`objectmatch.check`, and returns
   the best ``k`` that differ pairwise in at least ``min_difference`` of the let area.

:func:`scenarios` runs one match per leading function: real alternatives side by side.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from typing_extensions import Unpack

from objectmatch import _explain
from objectmatch._context import Context, context, encode_in
from objectmatch._engine import exact as exact_engine
from objectmatch._engine.areas import AREA_NODES, allocate
from objectmatch._engine.bound import upper_bound
from objectmatch._engine.encode import Encoded, IntArray
from objectmatch._engine.feasibility import placement_violations
from objectmatch._engine.problem import ArrayProblem, RuleInputs, from_terms
from objectmatch._engine.scorer import term_arrays
from objectmatch._engine.search import WORK_PER_SECOND, Found, Search
from objectmatch._engine.shortlist import LIMIT as SHORTLIST_LIMIT
from objectmatch._engine.shortlist import shortlist
from objectmatch._engine.terms import agreed_rent
from objectmatch._inputs import as_building, as_candidates
from objectmatch._params import validate
from objectmatch.constraints import Constraints, check
from objectmatch.models import Building, Candidate, area_weighted_identities
from objectmatch.options import MatchOptions, MatchParams
from objectmatch.results import MatchResult, MatchStatus, Programme, Scenario, ScenarioSet
from objectmatch.scoring import score_with

__all__ = ["EXACT_LIMIT", "WALL_CONSTANT", "WALL_SLACK", "match", "scenarios"]

#: Pools with at most this many usable candidates are solved exactly by default.
EXACT_LIMIT = 30
#: Default seconds of work for a pool of 200 usable candidates (less than a second of wall time, top 10
#: included, on the reference machine).
BASE_SECONDS = 0.7
#: Default seconds of work for exact pools (they usually prove far sooner).
EXACT_TIME = 10.0
#: The wall-clock safety net: a match returns within ``time_limit * (1 + WALL_SLACK) + WALL_CONSTANT``
#: seconds (encoding the pool, proving and polishing included; an unusually slow machine stops early
#: and the status says so).
WALL_SLACK = 0.1
WALL_CONSTANT = 0.5
#: Without a ``time_limit`` the default work budget is done in full on a machine up to this many times
#: slower than the reference (a busy one: the same answer at load 1 and load 5 on two cores); the safety
#: net is ``seconds * DEFAULT_WALL_FACTOR + WALL_CONSTANT`` then.
DEFAULT_WALL_FACTOR = 4.0
#: Share of the budget the search gets before the exact model of a small pool (at most EXACT_SEARCH_CAP s).
SEARCH_SHARE_EXACT = 0.1
EXACT_SEARCH_CAP = 0.3
#: Pools of up to this many usable candidates (not solved exactly) get a CP-SAT bound after the search,
#: with this share of the best programme's time; larger pools get the cheap bound of ``_engine.bound``.
BOUND_LIMIT = 60
BOUND_SHARE = 0.4
#: ... when there is time to build the model (a few seconds of work at least).
BOUND_SECONDS = 3.0
#: The best answers of the search whose areas are re-optimised exactly (a small MILP each) for the best
#: programme; runners-up polish their own best only.
POLISH_BEST = 6
#: Seconds kept back from the search to polish, score and check the answers.
POLISH_RESERVE = 0.15
#: Share of the budget the best programme's search gets (without, with runners-up to find).
ALTERNATIVE_SHARE = {False: 1.0, True: 0.75}


def default_time(n_usable: int, exact: bool) -> float:
    """Default seconds of work: 10 for exact pools; for larger pools a budget that grows with the number
    of usable candidates, so a larger pool is never searched less: 0.7 s at 200, about 1.06 s at 400
    (the shortlist's size, so the engine's problem stops growing there), then more slowly (about 1.45 s at
    1,100 usable candidates, 2.3 s at 5,700), at most 10 s.

    >>> round(default_time(200, False), 2), round(default_time(5_700, False), 2)
    (0.7, 2.35)
    """
    if exact:
        return EXACT_TIME
    listed = min(max(n_usable, 200), SHORTLIST_LIMIT)
    beyond = max(n_usable, SHORTLIST_LIMIT) / SHORTLIST_LIMIT
    return float(min(10.0, BASE_SECONDS * (listed / 200) ** 0.6 * beyond**0.3))


@dataclass(frozen=True, eq=False)
class Prepared:
    """One request, encoded: the models, the options, the context, the arrays and the array problem.

    ``pool`` is what the engine works on (the whole pool sorted by id, or its shortlist when it has more
    than ``SHORTLIST_LIMIT`` usable candidates); ``everyone`` the whole pool sorted by id; ``reasons``
    why candidates cannot come in at all; ``unlisted`` the usable ones the shortlist left out.
    """

    building: Building
    pool: tuple[Candidate, ...]
    options: MatchOptions
    ctx: Context
    enc: Encoded
    problem: ArrayProblem
    reasons: dict[str, str]
    everyone: tuple[Candidate, ...] = ()
    unlisted: frozenset[str] = frozenset()


def _rules(pool: Sequence[Candidate], cons: Constraints) -> RuleInputs:
    index = {c.id: i for i, c in enumerate(pool)}
    forbidden = {tuple(sorted((index[a], index[b]))) for a, b in cons.incompatible if a in index and b in index}
    for c in pool:
        forbidden |= {tuple(sorted((index[c.id], index[o]))) for o in c.incompatible if o in index}
    return RuleInputs(
        min_occupancy=cons.min_occupancy,
        min_functions=cons.min_functions,
        max_function_share=cons.max_function_share,
        must=tuple(sorted(index[c] for c in cons.must_include if c in index)),
        exclude=tuple(sorted(index[c] for c in cons.exclude if c in index)),
        forbidden=tuple(sorted((int(a), int(b)) for a, b in forbidden)),
        max_tenants=cons.max_tenants,
        exclusive_functions=cons.exclusive_functions,
        min_rent_share=cons.min_rent_share,
        lead=cons.lead,
    )


def prepare(building: Building, pool: Sequence[Candidate], options: MatchOptions) -> Prepared:
    """Encode a request once (``pool`` sorted by id, so the answer does not depend on its order)."""
    everyone = tuple(sorted(pool, key=lambda c: c.id))
    cons = options.constraints
    ctx = context(building, options, cons)
    enc = encode_in(building, everyone, ctx, options)
    reasons = _explain.candidate_reasons(building, everyone, enc, cons)
    rows = shortlist(enc, options.weights, options.score_model)
    engine_pool = everyone
    if len(rows) < int(enc.mask.any(axis=1).sum()):
        engine_pool = tuple(everyone[i] for i in rows)
        enc = encode_in(building, engine_pool, ctx, options)
    arrays = term_arrays(enc, options.weights, options.score_model)
    problem = from_terms(arrays, _rules(engine_pool, cons), options.area_step)
    listed = {c.id for c in engine_pool}
    unlisted = frozenset(c.id for c in everyone if c.id not in listed and c.id not in reasons)
    return Prepared(building, engine_pool, options, ctx, enc, problem, reasons, everyone, unlisted)


# -- answers --------------------------------------------------------------------------------------


def _difference(a: IntArray, b: IntArray) -> float:
    """Share of the larger let area that two placements put differently (tenant-to-floor)."""
    overlap = float(np.minimum(a, b).sum())
    return 1.0 - overlap / max(float(a.sum()), float(b.sum()), 1.0)


def _distinct(answers: Sequence[tuple[IntArray, float]], k: int, share: float) -> list[tuple[IntArray, float]]:
    out: list[tuple[IntArray, float]] = []
    for areas, value in answers:
        if len(out) == k:
            break
        if all(_difference(areas, o) >= share - 1e-12 for o, _ in out):
            out.append((areas, value))
    return out


def _placements(prep: Prepared, areas: IntArray) -> dict[str, dict[int, float]]:
    unit = prep.problem.unit
    levels = prep.enc.levels.tolist()
    return {
        prep.pool[i].id: {int(levels[f]): float(areas[i, f] * unit) for f in np.flatnonzero(areas[i]).tolist()}
        for i in np.flatnonzero(areas.sum(axis=1)).tolist()
    }


def programme_of(prep: Prepared, areas: IntArray) -> Programme:
    """A :class:`Programme` from an area matrix: placements in m², the score from ``score``, money."""
    b, opts = prep.building, prep.options
    placements = _placements(prep, areas)
    breakdown = score_with(b, prep.pool, placements, opts.scoring())
    by_id = {c.id: c for c in prep.pool}
    fn_areas: dict[str, float] = {}
    for cid, fl in placements.items():
        fn_areas[by_id[cid].function] = fn_areas.get(by_id[cid].function, 0.0) + math.fsum(fl.values())
    rents = {
        cid: {lvl: float(agreed_rent(b.rent(lvl), by_id[cid].max_rent or math.inf)) for lvl in fl}
        for cid, fl in placements.items()
    }
    carried: tuple[str, ...] = ()
    if opts.participation is not None:
        carried = tuple(sorted(cid for cid in placements if opts.participation.carries(by_id[cid].activity)))
    return Programme(
        placements=placements,
        tenants=tuple(sorted(placements, key=lambda cid: (min(placements[cid]), cid))),
        score=breakdown.total,
        breakdown=breakdown,
        occupancy=math.fsum(fn_areas.values()) / b.lettable_area,
        functions=tuple(sorted(fn_areas)),
        function_areas=dict(sorted(fn_areas.items())),
        identities=area_weighted_identities(placements, by_id),
        rents=rents,
        asking={lvl: float(b.rent(lvl)) for lvl in b.levels},
        full_rent_roll=math.fsum(f.area * b.rent(f.level) for f in b.floors),
        capex=math.fsum(area * b.conversion_cost(fn) for fn, area in fn_areas.items()),
        carried=carried,
    )


def _polish(
    problem: ArrayProblem, answers: Sequence[tuple[IntArray, float]], limit: int, deadline: float
) -> list[tuple[IntArray, float]]:
    """Best areas for the most promising answers (exact integer programme), best first; an answer
    whose exact areas break a rule (cannot happen but for rounding), or that the wall clock leaves no
    time for, keeps its own."""
    out: dict[bytes, tuple[IntArray, float]] = {}
    for areas, value in sorted(answers, key=lambda av: -av[1])[:limit]:
        if time.perf_counter() > deadline:
            out[areas.tobytes()] = (areas, value)
            continue
        assignment = {int(i): tuple(np.flatnonzero(areas[i]).tolist()) for i in np.flatnonzero(areas.sum(axis=1))}
        # an answer that must differ from earlier ones gets the best areas that ignore that rule when they
        # keep it, else its own (the rule's big-M programme costs HiGHS up to half a second)
        best = allocate(problem.differing((), problem.rules.min_difference), assignment, node_limit=AREA_NODES)
        if best is not None and problem.rules.differ and placement_violations(problem, best):
            best = None
        pick = (best, problem.value(best)) if best is not None and problem.value(best) >= value else (areas, value)
        out[pick[0].tobytes()] = pick
    return sorted(out.values(), key=lambda av: (-av[1], av[0].tobytes()))


# -- the match ------------------------------------------------------------------------------------


@dataclass
class Plan:
    """How a match spends its time: exact or not, seconds of work, the wall-clock deadline (and the
    search's, which leaves room to polish, score and check the answers)."""

    exact: bool
    seconds: float
    deadline: float
    search_deadline: float

    @property
    def polish_deadline(self) -> float:
        """After this, answers keep the search's areas (the wall-clock safety net)."""
        return self.deadline - POLISH_RESERVE / 2


def _plan(prep: Prepared, started: float) -> Plan:
    opts = prep.options
    n_active = len(prep.problem.active)
    use_exact = opts.exact if opts.exact is not None else n_active <= EXACT_LIMIT
    n_usable = n_active + len(prep.unlisted)
    seconds = opts.time_limit if opts.time_limit is not None else default_time(n_usable, use_exact)
    factor = 1 + WALL_SLACK if opts.time_limit is not None or use_exact else DEFAULT_WALL_FACTOR
    deadline = started + seconds * factor + WALL_CONSTANT
    return Plan(use_exact, seconds, deadline, deadline - POLISH_RESERVE - 0.01 * opts.k)


@dataclass
class Outcome:
    """What the engines found: the ranked answers (area matrices with values) and what was proven."""

    answers: list[tuple[IntArray, float]]
    proven: bool = False
    bound: float | None = None
    infeasible_proven: bool = False
    work: int = 0
    clock_stopped: bool = False
    solver: str = "search"


def _search(
    problem: ArrayProblem, seconds: float, seed: int, deadline: float, start: Found | None = None, leads: int = 8
) -> tuple[list[Found], int, bool]:
    search = Search(problem, seed=seed)
    found = search.run(int(seconds * WORK_PER_SECOND), deadline=deadline, start=start, leads=leads)
    return found.found, found.work, found.clock_stopped


def _pairs(found: Sequence[Found]) -> list[tuple[IntArray, float]]:
    return [(f.areas, f.value) for f in found]


def _alternatives(prep: Prepared, plan: Plan, outcome: Outcome, seconds: float, elite: Sequence[Found]) -> None:
    """Runners-up that differ from every answer before them in ``min_difference`` of the let area:
    each one the best answer of a search told to differ (a penalty until it does), started from the
    best programme of the first search that already differs, if there is one."""
    opts = prep.options
    chosen = [outcome.answers[0][0]]
    for t in range(1, opts.k):
        problem = prep.problem.differing(tuple(chosen), opts.min_difference)
        start = next((f for f in elite if all(_difference(f.areas, c) >= opts.min_difference for c in chosen)), None)
        found, work, stopped = _search(
            problem, seconds / max(opts.k - 1, 1), opts.seed + t, plan.search_deadline, start, leads=0
        )
        outcome.work += work
        outcome.clock_stopped |= stopped
        best = _polish(problem, _pairs(found), limit=1, deadline=plan.polish_deadline)
        outcome.clock_stopped |= time.perf_counter() > plan.polish_deadline  # (a polish may have been skipped)
        if not best:
            break
        chosen.append(best[0][0])
        outcome.answers.append(best[0])


def _bound_by_cpsat(prep: Prepared, plan: Plan, outcome: Outcome, seconds: float) -> None:
    """Mid-size pools: CP-SAT on the whole pool, hinted with the search's best, for a bound (and a
    better answer when it finds one)."""
    res = exact_engine.solve(
        prep.problem, prep.problem.active.tolist(),
        exact_engine.ExactOptions(k=1, time_limit=max(plan.search_deadline - time.perf_counter(), 0.01),
                                  work_limit=seconds, seed=prep.options.seed,
                                  hints=(outcome.answers[0][0],) if outcome.answers else ()),
    )
    if res.answers and (not outcome.answers or res.answers[0][1] > outcome.answers[0][1]):
        outcome.answers = [res.answers[0]]
        outcome.solver = "search + CP-SAT"
    outcome.proven, outcome.bound = res.proven, res.bound
    outcome.clock_stopped |= res.clock_stopped


def _run_engines(prep: Prepared, plan: Plan) -> Outcome:
    opts = prep.options
    share = ALTERNATIVE_SHARE[opts.k > 1]
    search_seconds = min(plan.seconds * SEARCH_SHARE_EXACT, EXACT_SEARCH_CAP) if plan.exact else plan.seconds * share
    mid = not plan.exact and len(prep.problem.active) <= BOUND_LIMIT and plan.seconds >= BOUND_SECONDS
    found, work, stopped = _search(prep.problem, search_seconds * (1 - BOUND_SHARE * mid), opts.seed,
                                   plan.search_deadline)
    polished = _polish(prep.problem, _pairs(found), limit=POLISH_BEST, deadline=plan.polish_deadline)
    stopped |= time.perf_counter() > plan.polish_deadline  # (a polish may have been skipped)
    outcome = Outcome(polished[:1], work=work, clock_stopped=stopped)
    if not plan.exact:
        if mid:
            _bound_by_cpsat(prep, plan, outcome, search_seconds * BOUND_SHARE)
        cheap = upper_bound(prep.problem)  # valid too: the status reports the tighter of the two
        outcome.bound = cheap if outcome.bound is None else min(outcome.bound, cheap)
        if outcome.answers and opts.k > 1:
            _alternatives(prep, plan, outcome, plan.seconds - search_seconds, found)
        return outcome
    hints = (outcome.answers[0][0],) if outcome.answers else ()
    res = exact_engine.solve(
        prep.problem, prep.problem.active.tolist(),
        exact_engine.ExactOptions(
            k=opts.k, min_difference=opts.min_difference, time_limit=max(plan.deadline - time.perf_counter(), 0.01),
            work_limit=plan.seconds, seed=opts.seed, hints=hints,
        ),
    )
    searched = outcome.answers
    if res.answers or res.infeasible:
        outcome.answers = _keep_better_search(searched, res.answers, opts.k, opts.min_difference)
    outcome.proven, outcome.bound = res.proven, res.bound
    outcome.infeasible_proven = res.infeasible
    outcome.clock_stopped |= res.clock_stopped
    kept_search = bool(searched) and outcome.answers[0][0] is searched[0][0]
    outcome.solver = "search + CP-SAT" if kept_search else "CP-SAT (whole pool)"
    return outcome


def _keep_better_search(
    searched: list[tuple[IntArray, float]], exact: list[tuple[IntArray, float]], k: int, share: float
) -> list[tuple[IntArray, float]]:
    """CP-SAT's answers, unless a clock-cut solve ended below the search's best: then that best comes
    first, followed by CP-SAT's answers that differ from it enough."""
    if not searched or (exact and exact[0][1] >= searched[0][1]):
        return exact
    return _distinct([searched[0], *exact], k, share)


def _relaxations(prep: Prepared, plan: Plan) -> list[str]:
    """Which single programme-level constraint, dropped, would make the request feasible."""
    cons = prep.options.constraints
    trials: dict[str, object] = {
        "min_occupancy": 0.0, "min_functions": 0, "max_function_share": 1.0, "max_tenants": None,
        "must_include": frozenset(), "incompatible": frozenset(), "min_rent_share": None, "lead": None,
    }
    out: list[str] = []
    for name, relaxed in trials.items():
        if getattr(cons, name) == relaxed:
            continue
        options = prep.options.model_copy(update={"constraints": cons.model_copy(update={name: relaxed})})
        trial = prepare(prep.building, prep.pool, options)
        res = exact_engine.solve(trial.problem, trial.problem.active.tolist(), exact_engine.ExactOptions(
            time_limit=max(min(2.0, plan.deadline - time.perf_counter()), 0.05), work_limit=1.0, verify=False))
        if res.answers:
            out.append(_explain.relaxation_text(name, getattr(cons, name)))
    return out


def _result(prep: Prepared, programmes: Sequence[Programme], status: MatchStatus) -> MatchResult:
    chosen = programmes[0].placements if programmes else {}
    left_out = _explain.left_out(prep.everyone, chosen, prep.reasons, prep.options.constraints)
    for cid in prep.unlisted:
        left_out[cid] = ("could come in, but the pool has more usable candidates than the engine takes at once "
                         "and its shortlist ranked this one lower")
    return MatchResult(
        building=prep.building,
        candidates=prep.everyone,
        options=prep.options,
        programmes=tuple(programmes),
        status=status,
        left_out=left_out,
    )


def _infeasible(prep: Prepared, reasons: Sequence[str], started: float, *, clock_stopped: bool = False) -> MatchResult:
    message = "; ".join(reasons)
    status = MatchStatus(code="infeasible", message=message, reasons=tuple(reasons),
                         wall_time=time.perf_counter() - started, clock_stopped=clock_stopped)
    return _result(prep, [], status)


def _status(
    prep: Prepared, outcome: Outcome, programmes: Sequence[Programme], dropped: int, started: float
) -> MatchStatus:
    best = programmes[0].score
    bound = outcome.bound
    proven = outcome.proven and abs(best - max(a[1] for a in outcome.answers)) <= 1e-9 * max(1.0, abs(best))
    gap = None
    if bound is not None:
        bound = best if proven else max(bound, best)
        gap = max(0.0, (bound - best) / abs(bound)) if bound else 0.0
    n_active = len(prep.problem.active)
    if proven:
        message = f"best programme proven optimal by {outcome.solver} over all {n_active} usable candidates"
    else:
        message = f"best programme found by {outcome.solver}; not proven optimal"
        if gap is not None:
            message += f" (bound {bound:.4f}, gap {gap:.2%})"
    vetoed = sorted({f"{c.function} ({why})" for c, why in zip(prep.pool, prep.enc.vetoed, strict=True) if why})
    if vetoed:
        message += "; left out by the hard-side assessment: " + "; ".join(vetoed)
    if outcome.clock_stopped:
        message += "; the wall-clock safety net stopped the work early (a busier machine may give another answer)"
    if dropped:
        message += f"; {dropped} answers refused by the checker were dropped"
    return MatchStatus(
        code="optimal" if proven else "feasible", message=message, bound=bound, gap=gap, solver=outcome.solver,
        wall_time=time.perf_counter() - started, work=outcome.work, clock_stopped=outcome.clock_stopped,
    )


def _programmes(prep: Prepared, outcome: Outcome) -> tuple[list[Programme], int]:
    """The best k valid, distinct programmes, ranked; and how many answers the checker refused."""
    opts = prep.options
    programmes: list[Programme] = []
    dropped = 0
    for areas, _ in _distinct(outcome.answers, len(outcome.answers), opts.min_difference):
        if len(programmes) == opts.k:
            break
        prog = programme_of(prep, areas)
        if check(prep.building, prep.pool, prog.placements, constraints=opts.constraints, assess=opts.assess,
                 area_step=opts.area_step):
            dropped += 1  # a placement the independent checker refuses is never returned
            continue
        programmes.append(prog)
    programmes.sort(key=lambda p: (-p.score, p.tenants))
    return [p.model_copy(update={"rank": r}) for r, p in enumerate(programmes, start=1)], dropped


def solve_prepared(prep: Prepared, started: float) -> MatchResult:
    """Run a prepared request to a result."""
    reasons = _explain.explain_infeasible(prep.building, prep.pool, prep.enc, prep.problem, prep.options.constraints)
    if reasons:
        return _infeasible(prep, reasons, started)
    plan = _plan(prep, started)
    outcome = _run_engines(prep, plan)
    programmes, dropped = _programmes(prep, outcome) if outcome.answers else ([], 0)
    if programmes:
        return _result(prep, programmes, _status(prep, outcome, programmes, dropped, started))
    summary = _explain.exclusion_summary(prep.building, prep.pool, prep.enc, prep.options.constraints)
    if outcome.infeasible_proven:
        detail = [*_relaxations(prep, plan), summary]
        return _infeasible(prep, ["no programme meets all constraints together (proven by CP-SAT)", *detail], started)
    msg = f"no valid programme found within the time limit ({plan.seconds:g} s); not proven infeasible"
    return _infeasible(prep, [msg, summary], started, clock_stopped=outcome.clock_stopped)


def match(building: Building, candidates: Sequence[Candidate], **options: Unpack[MatchParams]) -> MatchResult:
    """The best tenant programmes for ``building`` from ``candidates``, ranked, best first.

    Parameters
    ----------
    building, candidates
        The object and the pool (unique ids). Neither is changed.
    **options
        Keyword-only, validated once (:class:`objectmatch.options.MatchOptions`; every bad one is
        named with its constraint and value) and remembered in ``result.options``:

        - ``k`` (10): programmes to return at most;
        - ``constraints`` (``Constraints()``): hard requirements;
        - ``weights`` (``Weights()``), ``score_model`` (``ScoreModel()``): the score;
        - ``profile``: the neighbourhood (its DNA and identity network enter the score);
          ``network``: a custom identity network instead;
        - ``participation``: a participation round (the support and objection terms);
        - ``potentials``, ``assess`` (True): the hard-side assessment's potentials and vetoes;
        - ``area_step`` (1): areas are whole multiples of this many m²;
        - ``min_difference`` (0.2): returned programmes differ pairwise in at least this share of
          the let area (tenant-to-floor);
        - ``time_limit``: seconds of work (default: 10 for pools small enough to prove, else a budget
          growing with the pool); work is counted in deterministic units, so the same seed gives the
          same answer on any machine; the call returns within ``time_limit * 1.1 + 0.5`` s (the
          status says if that safety net cut the work short); without ``time_limit`` the default
          budget is done in full unless the machine is over 4 times slower than the reference;
        - ``seed`` (0); ``exact``: force or skip the whole-pool exact model.

    Returns
    -------
    MatchResult
        ``programmes`` (each valid by ``result.check`` and scored by ``result.score``) and a ``status``
        saying whether the best is proven optimal, with bound and gap when known, or why nothing fits.

    Examples
    --------
    >>> from objectmatch import load_example, match
    >>> building, pool = load_example()
    >>> result = match(building, pool, k=3)
    >>> len(result.programmes), result.best.occupancy >= 0.8
    (3, True)
    >>> result.check(result.best), result.score(result.best).total == result.best.score
    ([], True)
    """
    started = time.perf_counter()
    opts = validate(MatchOptions, "match", options)
    prep = prepare(as_building(building, "match"), as_candidates(candidates, "match"), opts)
    return solve_prepared(prep, started)


def _check_leads(leads: object) -> None:
    """``leads`` is None or a sequence of known function names."""
    from objectmatch._params import InvalidParameterError, short
    from objectmatch.vocabulary import active_vocabulary

    if leads is None:
        return
    known = set(active_vocabulary().functions)
    ok = isinstance(leads, Sequence) and not isinstance(leads, str) and all(
        isinstance(f, str) and f in known for f in leads)
    if not ok:
        raise InvalidParameterError(
            [f"The 'leads' parameter of scenarios must be None or a list of function names "
             f"({', '.join(sorted(known))}); got {short(leads)}"]
        )


def suitable_leads(prep: Prepared) -> list[str]:
    """Functions the assessment does not veto and the pool can fill as the largest share."""
    active = prep.problem.active
    fns = prep.enc.pool.function_columns
    present = sorted({fns[g] for g in prep.problem.function[active].tolist()})
    return [f for f in present if prep.ctx.potentials.get(f, 1.0) > 0]


def scenarios(
    building: Building, candidates: Sequence[Candidate], *, leads: Sequence[str] | None = None,
    **options: Unpack[MatchParams],
) -> ScenarioSet:
    """For each leading function, the best programme in which that function holds the largest area.

    ``leads`` defaults to every function the assessment finds suitable and the pool can fill. Each
    scenario is a :func:`match` with ``Constraints.lead`` set (and ``k=1`` unless given); compare them
    with ``ScenarioSet.to_frame()``.

    Examples
    --------
    >>> from objectmatch import load_example, scenarios
    >>> s = scenarios(*load_example(), leads=["office", "residential"], time_limit=2)
    >>> [sc.lead for sc in s]
    ['office', 'residential']
    """
    opts = validate(MatchOptions, "scenarios", {"k": 1, **options})
    _check_leads(leads)
    building = as_building(building, "scenarios")
    pool = as_candidates(candidates, "scenarios")
    base = prepare(building, pool, opts)
    chosen = list(leads) if leads is not None else suitable_leads(base)
    out: list[Scenario] = []
    for lead in chosen:
        started = time.perf_counter()
        lead_opts = opts.model_copy(update={"constraints": opts.constraints.model_copy(update={"lead": lead})})
        result = solve_prepared(prepare(building, pool, lead_opts), started)
        out.append(Scenario(lead=lead, programme=result.best, status=result.status))
    return ScenarioSet(building=building, candidates=base.pool, options=opts, scenarios=tuple(out))
