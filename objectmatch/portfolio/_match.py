"""Programmes for a whole portfolio: screen, match each building, then make candidates exclusive."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from objectmatch.constraints import Constraints
from objectmatch.encode import IdentityKernel
from objectmatch.models import Building, Candidate
from objectmatch.portfolio._dask import ClientLike, resolve_client, run_tasks
from objectmatch.portfolio._draft import draft
from objectmatch.portfolio._packing import pack
from objectmatch.portfolio._result import BUILDING_COLUMNS, PLACEMENT_COLUMNS, PortfolioResult, typed_frame
from objectmatch.portfolio._screen import BLOCK_SIZE, _positive_int, as_buildings, as_candidates, shortlists
from objectmatch.results import MatchResult, Programme
from objectmatch.scoring import Weights
from objectmatch.solve import match

__all__ = ["match_all"]

#: Default shortlist per building, and default time limit per building match (seconds).
TOP = 60
TIME_LIMIT = 1.0
#: Re-match drafts: at most this many list entries over all buildings (8 bytes each), and each
#: building drafts candidates until their area_max adds up to this many times its lettable area.
DRAFT_ENTRIES = 4_000_000
DRAFT_AREA = 2.0


@dataclass(frozen=True)
class _Job:
    building: Building
    candidates: tuple[Candidate, ...]
    constraints: Constraints


def _match_task(job: _Job, *, shared: None, options: dict[str, Any]) -> MatchResult:
    return match(job.building, job.candidates, constraints=job.constraints, **options)


@dataclass
class _Offer:
    """A building's programmes still on offer, their ranks in its match, and which wave of matches made them."""

    programmes: list[Programme]
    ranks: list[int]
    wave: int
    message: str


@dataclass
class _Settled:
    programme: Programme | None
    status: str
    round: int
    rank: int
    message: str


def _or_low(score: float) -> float:
    return -math.inf if math.isnan(score) else score


def _constraints_of(constraints: Constraints | Mapping[str, Constraints] | None, building_id: str) -> Constraints:
    if constraints is None:
        return Constraints()
    if isinstance(constraints, Constraints):
        return constraints
    found = constraints.get(building_id, Constraints())
    if not isinstance(found, Constraints):
        raise TypeError(f"constraints[{building_id!r}] is a {type(found).__name__}, not a Constraints")
    return found


def match_all(
    buildings: Sequence[Building] | pd.DataFrame,
    candidates: Sequence[Candidate] | pd.DataFrame,
    k: int = 3,
    exclusive: bool = True,
    *,
    top: int = TOP,
    per_function: int | None = None,
    constraints: Constraints | Mapping[str, Constraints] | None = None,
    weights: Weights | None = None,
    time_limit: float | None = TIME_LIMIT,
    seed: int = 0,
    network: IdentityKernel | None = None,
    exact: bool | None = None,
    min_difference: int = 2,
    max_rounds: int | None = None,
    rematch: Literal["draft", "screen"] = "draft",
    assess: bool = True,
    block_size: int = BLOCK_SIZE,
    client: ClientLike = None,
) -> PortfolioResult:
    """A tenant programme for every building of a portfolio, from one pool; exclusive by default.

    Steps:

    1. **Screen** (:func:`screen`): each building's ``top`` best-fitting candidates that can
       use it, at least ``per_function`` of every function it can take.
    2. **Match** each building on its shortlist with :func:`objectmatch.match`: its ``k`` best
       programmes. Without exclusivity, each building takes its best, and that is the answer.
    3. **Exclusivity**: choose one of its k programmes per building, maximising the total score
       with no candidate in two chosen programmes -- a set packing solved exactly by CP-SAT
       (one boolean per (building, programme), at most one per building, at most one per
       shared candidate). The chosen programmes are settled. The other buildings lost a
       clash: those of their programmes that avoid every settled candidate stay on offer; the
       buildings with none left are re-matched (step 2, all at once) against the candidates
       nobody holds. With ``rematch="draft"`` (default) their shortlists are made disjoint
       first: strongest building first (by its independent best score), they take turns in a
       snake draft through their own rankings, each until it holds ``top`` candidates whose
       area_max adds up to twice its lettable area -- so the new programmes cannot clash and
       one more round settles them. With ``rematch="screen"`` each is screened on its own
       against the free pool, and the rounds repeat until no clash is left (fewer candidates
       lost to the draft, many more rounds). Every round settles at least one building;
       nothing depends on the order in which the work is done.

    The total score against the sum of the buildings' independent best scores
    (``result.ratio``) is the measured cost of exclusivity.

    Parameters
    ----------
    buildings, candidates
        The portfolio and the pool (sequences of models, or frames as :func:`screen` takes).
    k
        Programmes per building per round: the alternatives the packing can choose from.
    exclusive
        No candidate in two buildings (default). ``False``: every building its own best.
    top, per_function
        Shortlist size per building, and candidates of each function kept first in it
        (default ``top // 10``, so that a programme of several functions can be found).
    constraints
        One :class:`~objectmatch.constraints.Constraints` for every building, or building id
        -> constraints (missing ids: the defaults).
    weights, time_limit, seed, network, exact, min_difference
        Passed to :func:`objectmatch.match` for each building (``time_limit`` is per building).
    max_rounds
        Stop after this many packing rounds (default: until consistent); buildings still
        unsettled are then reported ``"infeasible"``.
    assess
        Use the hard-side assessment (vetoes and potentials), in the screen and in each match.
    block_size
        Candidates per block of the screen.
    client
        ``None`` runs locally; a ``dask.distributed.Client`` (or ``True``/``"current"``) runs the
        screen per block of buildings and each building's match as a task. Results are the
        same as the local run whenever :func:`objectmatch.match` is itself reproducible (an
        exact solve that finishes within ``time_limit``; a time-limited search can stop at
        different points under different load).

    Returns
    -------
    PortfolioResult
        ``buildings`` (one row per building) and ``placements`` (one row per tenant and floor)
        frames, the total score, the independent total and their ratio.

    Examples
    --------
    >>> from objectmatch.datasets import generate_pool, generate_portfolio
    >>> portfolio, pool = generate_portfolio(3, seed=4, floors=(2, 4)), generate_pool(200, seed=4)
    >>> result = match_all(portfolio, pool, k=2, top=8, time_limit=1.0)
    >>> result.buildings["status"].tolist()
    ['assigned', 'assigned', 'reassigned']
    >>> int(result.placements.groupby("candidate")["building"].nunique().max())  # nobody in two buildings
    1
    """
    k = _positive_int("k", k)
    top = _positive_int("top", top)
    block_size = _positive_int("block_size", block_size)
    if per_function is None:
        per_function = max(1, top // 10)
    if isinstance(per_function, bool) or not isinstance(per_function, int) or per_function < 0:
        raise ValueError(f"per_function must be a whole number >= 0, got {per_function!r}")
    if max_rounds is not None:
        max_rounds = _positive_int("max_rounds", max_rounds)
    if rematch not in ("draft", "screen"):
        raise ValueError(f"rematch must be 'draft' or 'screen', got {rematch!r}")
    portfolio = as_buildings(buildings)
    pool = as_candidates(candidates)
    if not portfolio:
        return PortfolioResult.empty(exclusive)
    if constraints is not None and not isinstance(constraints, Constraints | Mapping):
        raise TypeError(f"constraints must be a Constraints or a mapping of building id -> Constraints, "
                        f"got a {type(constraints).__name__}")
    cons = [_constraints_of(constraints, b.id) for b in portfolio]
    by_id = {c.id: c for c in pool}
    dask_client = resolve_client(client)
    options: dict[str, Any] = {
        "k": k, "weights": weights, "time_limit": time_limit, "seed": seed, "network": network,
        "exact": exact, "min_difference": min_difference, "assess": assess,
    }

    settled: dict[int, _Settled] = {}
    independent: dict[int, float] = {}
    offers: dict[int, _Offer] = {}
    pending = list(range(len(portfolio)))
    used: set[str] = set()
    rounds = waves = matches = 0
    packing_optimal = True
    while pending and (max_rounds is None or rounds < max_rounds):
        stale = [p for p in pending if p not in offers]
        if stale:
            # match (again) the buildings with nothing on offer, against the candidates still free
            free = [c for c in pool if c.id not in used]
            drafting = rematch == "draft" and waves > 0 and len(stale) > 1
            if drafting:
                stale.sort(key=lambda p: (-_or_low(independent[p]), portfolio[p].id))
            # lists long enough that no building runs dry while others draft (within a memory cap)
            depth = max(1, min(len(stale), DRAFT_ENTRIES // (len(stale) * top))) if drafting else 1
            found = shortlists([portfolio[p] for p in stale], free, top * depth, weights=weights, network=network,
                               block_size=block_size, per_function=per_function * depth, assess=assess,
                               client=dask_client)
            rows = [[i for i in found.index[r].tolist() if i >= 0] for r in range(len(stale))]
            if drafting:
                codes = {f: g for g, f in enumerate(sorted({c.function for c in free}))}
                rows = draft(rows, [codes[c.function] for c in free], [c.area_max for c in free],
                             [DRAFT_AREA * portfolio[p].lettable_area for p in stale], top, per_function)
            jobs = []
            for r, p in enumerate(stale):
                shortlist = [free[i] for i in rows[r]]
                ids = {c.id for c in shortlist}
                # must-include candidates join the shortlist (if nobody holds them yet)
                extra = [by_id[cid] for cid in sorted(cons[p].must_include) if cid in by_id and cid not in used]
                shortlist += [c for c in extra if c.id not in ids]
                jobs.append(_Job(portfolio[p], tuple(shortlist), cons[p]))
            results = run_tasks(_match_task, jobs, dask_client, options=options)
            matches += len(jobs)
            for p, res in zip(stale, results, strict=True):
                independent.setdefault(p, res.best.score if res.best else math.nan)
                if res.programmes:
                    offers[p] = _Offer(list(res.programmes), list(range(1, len(res.programmes) + 1)), waves,
                                       res.status.message)
                else:
                    settled[p] = _Settled(None, "infeasible", rounds, 0, res.status.message)
            waves += 1
        live = [p for p in pending if p in offers]
        if not exclusive:
            for p in live:
                settled[p] = _Settled(offers[p].programmes[0], "assigned", rounds, 1, offers[p].message)
            pending = []
            rounds += 1
            break
        packing = pack([[(prog.score, frozenset(prog.placements)) for prog in offers[p].programmes] for p in live])
        packing_optimal = packing_optimal and packing.optimal
        pending = []
        for p, choice in zip(live, packing.choice, strict=True):
            offer = offers[p]
            if choice is None:
                pending.append(p)
                continue
            prog = offer.programmes[choice]
            status = "assigned" if offer.wave == 0 else "reassigned"
            settled[p] = _Settled(prog, status, rounds, offer.ranks[choice], offer.message)
            used.update(prog.placements)
        # programmes that still avoid every settled candidate stay on offer; the others go
        for p in pending:
            offer = offers.pop(p)
            keep = [j for j, prog in enumerate(offer.programmes) if used.isdisjoint(prog.placements)]
            if keep:
                offers[p] = _Offer([offer.programmes[j] for j in keep], [offer.ranks[j] for j in keep], offer.wave,
                                   offer.message)
        rounds += 1
    for p in pending:
        settled[p] = _Settled(None, "infeasible", rounds, 0, f"not settled within max_rounds={max_rounds}")
    return _result(portfolio, by_id, settled, independent, exclusive, rounds, matches, packing_optimal)


def _result(
    portfolio: Sequence[Building],
    by_id: Mapping[str, Candidate],
    settled: Mapping[int, _Settled],
    independent: Mapping[int, float],
    exclusive: bool,
    rounds: int,
    matches: int,
    packing_optimal: bool,
) -> PortfolioResult:
    rows: list[dict[str, Any]] = []
    places: list[dict[str, Any]] = []
    for p, building in enumerate(portfolio):
        s = settled[p]
        prog = s.programme
        rows.append(
            {
                "building": building.id,
                "status": s.status,
                "score": prog.score if prog else math.nan,
                "independent_score": independent.get(p, math.nan),
                "occupancy": prog.occupancy if prog else math.nan,
                "tenants": len(prog.tenants) if prog else 0,
                "functions": ", ".join(prog.functions) if prog else "",
                "candidates": ", ".join(prog.tenants) if prog else "",
                "round": s.round,
                "programme": s.rank,
                "message": s.message,
            }
        )
        if prog is None:
            continue
        for cid in prog.tenants:
            for level, area in sorted(prog.placements[cid].items()):
                places.append(
                    {"building": building.id, "candidate": cid, "level": level, "area": area,
                     "function": by_id[cid].function}
                )
    return PortfolioResult(
        typed_frame(rows, BUILDING_COLUMNS),
        typed_frame(places, PLACEMENT_COLUMNS),
        exclusive=exclusive,
        rounds=rounds,
        matches=matches,
        packing_optimal=packing_optimal,
    )
