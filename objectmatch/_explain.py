"""Why: a candidate cannot come in, a request cannot be met, one programme beats another -- in words.

Reasons come from :func:`objectmatch.constraints.floor_violations`, read by their ``kind`` (never
by their wording); necessary conditions of a request are checked on the arrays of the problem.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

import numpy as np

from objectmatch._engine.encode import Encoded
from objectmatch._engine.problem import ArrayProblem
from objectmatch._engine.terms import TERMS, rent_allowed
from objectmatch.constraints import Constraints, range_text
from objectmatch.models import Building, Candidate
from objectmatch.results import Programme

__all__ = [
    "candidate_reasons", "compare_programmes", "exclusion_summary", "explain_infeasible", "left_out", "vacancy_reasons",
]

#: How each kind of floor violation reads in a summary.
KIND_TEXT = {
    "function_not_permitted": "function not permitted",
    "ground_floor": "needs the ground floor",
    "free_height": "free height too low",
    "floor_load": "floor load too low",
    "rent": "cannot pay the asking rent within the largest discount",
    "function_level": "function not allowed on these levels",
}
LABELS = {t.name: t.label for t in TERMS}


def _blockers(building: Building, enc: Encoded, cons: Constraints) -> dict[str, np.ndarray]:
    """Per rule, which (candidate, floor) it rules out: n x m booleans, in the rules' order."""
    pool = enc.pool
    fns = [pool.function_columns[g] for g in pool.function]
    lo = np.array([cons.level_range(f)[0] if cons.level_range(f)[0] is not None else -10**6 for f in fns])
    hi = np.array([cons.level_range(f)[1] if cons.level_range(f)[1] is not None else 10**6 for f in fns])
    levels = enc.levels[None, :]
    shape = (enc.n, enc.m)
    return {
        "function_not_permitted": np.broadcast_to(~enc.permitted[:, None], shape),
        "function_level": (levels < lo[:, None]) | (levels > hi[:, None]),
        "ground_floor": pool.needs_ground_floor[:, None] & (levels != 0),
        "free_height": enc.free_height[None, :] < pool.min_free_height[:, None],
        "floor_load": enc.floor_load[None, :] < pool.min_floor_load[:, None],
        "rent": ~rent_allowed(enc.asking[None, :], pool.max_rent[:, None], cons.max_discount),
    }


def _kind_text(kind: str, cand: Candidate, building: Building, enc: Encoded, cons: Constraints) -> str:
    if kind == "function_not_permitted":
        permitted = ", ".join(sorted(building.permitted_functions))
        return f"function {cand.function!r} is not permitted here (permitted: {permitted})"
    if kind == "function_level":
        return f"function {cand.function!r} may use levels {range_text(*cons.level_range(cand.function))}"
    if kind == "ground_floor":
        return "needs the ground floor"
    if kind == "free_height":
        return f"needs free height {cand.min_free_height} m, the highest floor has {enc.free_height.max()} m"
    if kind == "floor_load":
        return f"needs floor load {cand.min_floor_load} kN/m², the strongest floor has {enc.floor_load.max()} kN/m²"
    cheapest = float(enc.asking.min())
    return (f"can pay at most {cand.max_rent} EUR/m²/yr; the cheapest floor asks {cheapest:g}, "
            f"{(1 - cons.max_discount) * cheapest:g} at the largest discount ({cons.max_discount:.0%})")


def _reason(i: int, cand: Candidate, blockers: dict[str, np.ndarray], building: Building, enc: Encoded,
            cons: Constraints) -> tuple[str, list[str]]:
    everywhere = [k for k, b in blockers.items() if b[i].all()]
    if everywhere:
        return "; ".join(_kind_text(k, cand, building, enc, cons) for k in everywhere), everywhere
    on: dict[str, list[int]] = {}
    for f, level in enumerate(enc.levels.tolist()):
        on.setdefault(next(k for k, b in blockers.items() if b[i, f]), []).append(level)
    parts = [f"level{'s' if len(lv) > 1 else ''} {', '.join(map(str, lv))}: {_kind_text(k, cand, building, enc, cons)}"
             for k, lv in on.items()]
    return "; ".join(parts), sorted(on)


def _unusable(building: Building, candidates: Sequence[Candidate], enc: Encoded, cons: Constraints,
              ) -> dict[str, tuple[str, list[str]]]:
    blockers = _blockers(building, enc, cons)
    out: dict[str, tuple[str, list[str]]] = {}
    for i in np.flatnonzero(~enc.mask.any(axis=1)).tolist():
        cand = candidates[i]
        if enc.vetoed[i] is not None:
            out[cand.id] = (f"the assessment rules out {cand.function} here: {enc.vetoed[i]}", ["vetoed"])
        else:
            out[cand.id] = _reason(i, cand, blockers, building, enc, cons)
    return out


def candidate_reasons(
    building: Building, candidates: Sequence[Candidate], enc: Encoded, cons: Constraints
) -> dict[str, str]:
    """For every candidate that may use no floor at all: why, in one sentence."""
    return {cid: text for cid, (text, _) in _unusable(building, candidates, enc, cons).items()}


def exclusion_summary(building: Building, candidates: Sequence[Candidate], enc: Encoded, cons: Constraints) -> str:
    """One sentence: how many candidates may use some floor, and why the others may not."""
    counts: Counter[str] = Counter()
    for _, kinds in _unusable(building, candidates, enc, cons).values():
        for kind in kinds:
            counts["no transformation potential for its function" if kind == "vetoed" else KIND_TEXT[kind]] += 1
    excluded = sum(1 for c in candidates if c.id in cons.exclude)
    usable = int(enc.mask.any(axis=1).sum())
    parts = [f"{usable} of {enc.n} candidates may use some floor"]
    if counts:
        parts.append("ruled out: " + ", ".join(f"{v} {k}" for k, v in counts.most_common()))
    if excluded:
        parts.append(f"{excluded} excluded by the constraints")
    return "; ".join(parts)


def _must_reasons(
    building: Building, candidates: Sequence[Candidate], enc: Encoded, cons: Constraints
) -> list[str]:
    index = {c.id: i for i, c in enumerate(candidates)}
    reasons: list[str] = []
    why = candidate_reasons(building, candidates, enc, cons)
    for cid in sorted(cons.must_include):
        if cid not in index:
            reasons.append(f"must_include {cid!r} is not a candidate in the pool")
        elif cid in why:
            reasons.append(f"must_include {cid!r} cannot use any floor: {why[cid]}")
    for c in candidates:
        for other in sorted(c.incompatible & cons.must_include):
            if c.id in cons.must_include and c.id < other:
                reasons.append(f"must_include holds {c.id!r} and {other!r}, but one refuses to share the building")
    return reasons


def _capacity_reasons(problem: ArrayProblem, enc: Encoded, cons: Constraints, summary: str) -> list[str]:
    reasons: list[str] = []
    active = problem.active
    need = problem.rules.min_area * problem.unit
    if len(active) == 0:
        return [f"no candidate may use any floor ({summary})"]
    mask = problem.mask[active]
    amax = problem.amax[active] * problem.unit
    per_floor = np.minimum(problem.cap * problem.unit, (mask * amax[:, None]).sum(axis=0))
    offer = min(float(per_floor.sum()), float(amax.sum()))
    if offer < need:
        empty = [int(enc.levels[f]) for f in range(enc.m) if not mask[:, f].any()]
        detail = ""
        if empty:
            names = ", ".join("the ground floor" if lv == 0 else f"level {lv}" for lv in empty)
            detail = f"; no permitted candidate may use {names}"
        reasons.append(
            f"min_occupancy {cons.min_occupancy:.0%} needs {need:,.0f} m² of {enc.lettable_area:,.0f} m², feasible "
            f"candidates together offer at most {offer:,.0f} m²{detail} ({summary})"
        )
    if cons.max_tenants is not None and need > 0:
        top = float(np.sort(amax)[::-1][: cons.max_tenants].sum())
        if top < need:
            reasons.append(
                f"max_tenants {cons.max_tenants}: the {cons.max_tenants} largest feasible candidates together take at "
                f"most {top:,.0f} m², min_occupancy {cons.min_occupancy:.0%} needs {need:,.0f} m²"
            )
    functions = sorted({enc.pool.function_columns[g] for g in problem.function[active].tolist()})
    if len(functions) < cons.min_functions:
        reasons.append(
            f"min_functions {cons.min_functions} needs {cons.min_functions} distinct functions, feasible candidates "
            f"have {len(functions)} ({', '.join(functions) or 'none'})"
        )
    if cons.lead is not None and cons.lead not in functions:
        reasons.append(f"lead function {cons.lead!r}: no feasible candidate has it ({', '.join(functions)})")
    return reasons + _share_reasons(problem, cons, need)


def _share_reasons(problem: ArrayProblem, cons: Constraints, need: float) -> list[str]:
    """The most let area a function-share cap allows: every function keeps within ``share * T``, so
    ``T <= sum_g min(a_g, share * T)``; that concave slack has its zero at the largest possible T."""
    if cons.max_function_share >= 1.0 or need <= 0:
        return []
    active = problem.active
    unit = problem.unit
    offer = np.bincount(problem.function[active], weights=np.minimum(problem.amax[active], problem.cap.sum()) * unit)
    offer = offer[offer > 0]
    share = cons.max_function_share
    lo, hi = 0.0, float(problem.cap.sum() * unit)

    def slack(t: float) -> float:
        return float(np.minimum(offer, share * t).sum()) - t

    if slack(hi) >= 0:
        lo = hi
    else:
        for _ in range(60):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if slack(mid) >= 0 else (lo, mid)
    if lo >= need * (1 - 1e-9):
        return []
    return [
        f"max_function_share {share:.0%}: no function may take more than {share:.0%} of the let area, and the "
        f"feasible candidates' functions then fill at most {lo:,.0f} m²; min_occupancy needs {need:,.0f} m²"
    ]


def explain_infeasible(
    building: Building, candidates: Sequence[Candidate], enc: Encoded, problem: ArrayProblem, cons: Constraints
) -> list[str]:
    """Necessary conditions the request fails, each as a sentence with figures (empty: none found)."""
    summary = exclusion_summary(building, candidates, enc, cons)
    return _must_reasons(building, candidates, enc, cons) + _capacity_reasons(problem, enc, cons, summary)


def compare_programmes(first: Programme, second: Programme, top: int = 3) -> str:
    """Why ``first`` scores above (or below) ``second``: the weighted components that differ most.

    Examples
    --------
    >>> from objectmatch.results import Programme, ScoreBreakdown
    >>> def prog(occ, conf):
    ...     b = ScoreBreakdown(total=occ - 8 * conf, components={"occupancy": occ, "conflict": conf},
    ...                        weights={"occupancy": 1.0, "conflict": -8.0})
    ...     return Programme(placements={}, tenants=(), score=b.total, breakdown=b, occupancy=occ, functions=())
    >>> compare_programmes(prog(0.9, 0.0), prog(0.95, 0.05))
    'Programme 1 scores 0.350 higher: less conflict (+0.400), less occupancy (-0.050).'
    """
    a, b = first.breakdown.contributions, second.breakdown.contributions
    diffs = {name: a.get(name, 0.0) - b.get(name, 0.0) for name in set(a) | set(b)}
    ranked = sorted((d for d in diffs.items() if abs(d[1]) > 1e-12), key=lambda d: (-abs(d[1]), d[0]))[:top]
    gap = first.score - second.score
    head = f"Programme 1 scores {abs(gap):.3f} {'higher' if gap >= 0 else 'lower'}"
    if not ranked:
        return head + ": every component is the same."
    parts = []
    for name, d in ranked:
        # d is what the component adds to the score: a subtracted component adds when there is less of it
        more = (d > 0) != (first.breakdown.weights.get(name, 0.0) < 0)
        parts.append(f"{'more' if more else 'less'} {LABELS.get(name, name).lower()} ({d:+.3f})")
    return f"{head}: {', '.join(parts)}."


def relaxation_text(name: str, now: object) -> str:
    """The sentence for a constraint whose removal makes a request feasible."""
    shown = sorted(now) if isinstance(now, frozenset) else now
    return f"dropping {name} (now {shown!r}) would make it feasible"


def left_out(
    candidates: Sequence[Candidate], chosen: Mapping[str, object], reasons: Mapping[str, str], cons: Constraints
) -> dict[str, str]:
    """Why each candidate not in the best programme is not in it."""
    out: dict[str, str] = {}
    for c in candidates:
        if c.id in chosen:
            continue
        if c.id in cons.exclude:
            out[c.id] = "excluded by the constraints"
        elif c.id in reasons:
            out[c.id] = f"cannot come in: {reasons[c.id]}"
        else:
            out[c.id] = "could come in, but the programme scores higher without it"
    return out


def vacancy_reasons(
    building: Building,
    candidates: Sequence[Candidate],
    placements: Mapping[str, Mapping[int, float]],
    *,
    constraints: Constraints | None = None,
    assess: bool = True,
) -> dict[str, str | None]:
    """For every candidate not placed: ``None`` if it could come into the vacant space of ``placements``
    under the constraints (not excluded, not incompatible with a tenant, max_tenants not reached, a floor
    run it may use, room for its area_min there, no floor it would have to share against the
    exclusive-function rule), else why not, in one sentence.

    Examples
    --------
    >>> from objectmatch import load_example
    >>> building, pool = load_example()
    >>> reasons = vacancy_reasons(building, pool, {})
    >>> reasons["buurtkeuken"]
    'can pay at most 70.0 EUR/m²/yr; the cheapest floor asks 145, 101.5 at the largest discount (30%)'
    >>> sum(r is None for r in reasons.values()) > 30
    True
    """
    from objectmatch._context import context, encode_in
    from objectmatch.options import ScoringOptions

    cons = constraints if constraints is not None else Constraints()
    pool = [c for c in candidates if c.id not in placements]
    ctx = context(building, ScoringOptions(assess=assess), cons)
    enc = encode_in(building, pool, ctx, ScoringOptions(assess=assess))
    reasons: dict[str, str | None] = dict(candidate_reasons(building, pool, enc, cons))
    levels = building.levels
    used = {lv: 0.0 for lv in levels}
    fns: dict[int, set[str]] = {lv: set() for lv in levels}
    by_id = {c.id: c for c in candidates}
    for cid, floors in placements.items():
        for lv, area in floors.items():
            used[lv] += area
            if cid in by_id:
                fns[lv].add(by_id[cid].function)
    free = np.array([building.floor(lv).area - used[lv] for lv in levels])
    placed = set(placements)
    full = cons.max_tenants is not None and len(placed) >= cons.max_tenants
    for i, cand in enumerate(pool):
        if cand.id in reasons:
            continue
        refused = sorted(placed & (set(cand.incompatible) | {c.id for c in candidates if cand.id in c.incompatible}
                                   | {b for a, b in cons.incompatible if a == cand.id}
                                   | {a for a, b in cons.incompatible if b == cand.id}))
        if cand.id in cons.exclude:
            reasons[cand.id] = "excluded by the constraints"
        elif refused:
            reasons[cand.id] = f"incompatible with {', '.join(refused)}, who is already in"
        elif full:
            reasons[cand.id] = f"the programme already has max_tenants ({cons.max_tenants}) tenants"
        else:
            reasons[cand.id] = _vacancy(cand, enc.mask[i], free, [fns[lv] for lv in levels], levels, cons)
    return reasons


def _vacancy(cand: Candidate, mask: np.ndarray, free: np.ndarray, fns: list[set[str]], levels: Sequence[int],
             cons: Constraints) -> str | None:
    """Why one usable candidate cannot come into the vacant space (None: it can)."""
    exclusive = cons.exclusive_functions

    def shared_ok(f: int) -> bool:
        others = fns[f] - {cand.function}
        return not others if cand.function in exclusive else not (fns[f] & exclusive)

    ok = [bool(mask[f]) and shared_ok(f) for f in range(len(levels))]
    best = 0.0
    for length in range(1, cand.max_floors + 1):
        for start in range(len(levels) - length + 1):
            run = range(start, start + length)
            if all(ok[f] for f in run):
                room = float(free[list(run)].sum())
                best = max(best, room)
                if room >= cand.area_min:
                    return None
    if not any(ok):
        return "the floors it may use hold a function that keeps its floors alone, or it keeps its own alone"
    return f"no room: needs {cand.area_min:g} m², the most vacant space it may use is {best:,.0f} m²"
