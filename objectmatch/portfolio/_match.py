"""Programmes for a whole portfolio: screen, match each building, then make candidates exclusive.

The steps of :func:`match_all`:

1. **Screen** (:func:`screen`): each building's ``top`` best-fitting candidates that can
   use it, at least ``per_function`` of every function it can take.
2. **Match** each building on its shortlist as :func:`objectmatch.match` does, with the match
   options given to :func:`match_all`: its ``k`` best programmes. Without exclusivity, each building takes
   its best, and that is the answer.
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
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from typing_extensions import Unpack

from objectmatch.constraints import Constraints
from objectmatch.models import Building, Candidate
from objectmatch.options import MatchOptions
from objectmatch.portfolio._dask import ClientLike, resolve_client, run_tasks
from objectmatch.portfolio._draft import draft
from objectmatch.portfolio._options import MatchAllOptions, MatchAllParams, check_constraint_ids, validate_call
from objectmatch.portfolio._packing import pack
from objectmatch.portfolio._progress import Tracker, progress_bar
from objectmatch.portfolio._result import BUILDING_COLUMNS, PLACEMENT_COLUMNS, PortfolioResult, typed_frame
from objectmatch.portfolio._screen import ScreenJob, as_buildings, as_pool, shortlists
from objectmatch.results import MatchResult, Programme
from objectmatch.solve import prepare, solve_prepared

__all__ = ["match_all"]

#: match_all's defaults for the match options it passes on: programmes per building, seconds of
#: work per building match.
K = 3
TIME_LIMIT = 1.0
#: Re-match drafts: at most this many list entries over all buildings (8 bytes each), and each
#: building drafts candidates until their area_max adds up to this many times its lettable area.
DRAFT_ENTRIES = 4_000_000
DRAFT_AREA = 2.0


@dataclass(frozen=True)
class _Job:
    """One building's match: its shortlist and its constraints (the other options are shared)."""

    building: Building
    candidates: tuple[Candidate, ...]
    constraints: Constraints


def _match_task(job: _Job, *, shared: MatchOptions) -> MatchResult:
    """:func:`objectmatch.match` on one shortlist, with options validated once for the portfolio."""
    started = time.perf_counter()
    options = shared.model_copy(update={"constraints": job.constraints})
    return solve_prepared(prepare(job.building, job.candidates, options), started)


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


@dataclass
class _Rounds:
    """The state of a portfolio match: what is settled, what is on offer, which candidates are held.

    Each round matches the buildings with nothing on offer against the free candidates (a *wave*),
    then, when exclusive, packs one programme per building; the packing settles at least one.
    """

    portfolio: list[Building]
    pool: list[Candidate]
    own: MatchAllOptions
    options: MatchOptions
    client: Any
    tracker: Tracker
    settled: dict[int, _Settled] = field(default_factory=dict)
    independent: dict[int, float] = field(default_factory=dict)
    offers: dict[int, _Offer] = field(default_factory=dict)
    pending: list[int] = field(default_factory=list)
    used: set[str] = field(default_factory=set)
    rounds: int = 0
    waves: int = 0
    matches: int = 0
    packing_optimal: bool = True

    def __post_init__(self) -> None:
        self.pending = list(range(len(self.portfolio)))
        self.by_id = {c.id: c for c in self.pool}
        self.cons = [self.own.constraints_of(b.id) for b in self.portfolio]

    def run(self) -> None:
        """Rounds until every building is settled (or ``max_rounds``)."""
        limit = self.own.max_rounds
        while self.pending and (limit is None or self.rounds < limit):
            self._match_stale()
            if not self.own.exclusive:
                for p in self.pending:
                    if p in self.offers:
                        offer = self.offers[p]
                        self.settled[p] = _Settled(offer.programmes[0], "assigned", self.rounds, 1, offer.message)
                self.pending = []
            else:
                self._pack()
            self.rounds += 1
        for p in self.pending:
            self.settled[p] = _Settled(None, "infeasible", self.rounds, 0, f"not settled within max_rounds={limit}")

    def _describe(self, doing: str) -> None:
        self.tracker.describe(f"round {self.rounds + 1}: {doing} ({len(self.settled)}/{len(self.portfolio)} settled)")

    def _match_stale(self) -> None:
        """Match (again) the buildings with nothing on offer, against the candidates still free."""
        stale = [p for p in self.pending if p not in self.offers]
        if not stale:
            return
        free = [c for c in self.pool if c.id not in self.used]
        drafting = self.own.rematch == "draft" and self.waves > 0 and len(stale) > 1
        if drafting:
            stale.sort(key=lambda p: (-_or_low(self.independent[p]), self.portfolio[p].id))
        self._describe(f"screening {len(stale)} buildings")
        rows = self._shortlist_rows(stale, free, drafting)
        jobs = [self._job(p, [free[i] for i in r]) for p, r in zip(stale, rows, strict=True)]
        self._describe(f"matching {len(jobs)} buildings")
        results = run_tasks(_match_task, jobs, self.client, shared=self.options, tracker=self.tracker)
        self.matches += len(jobs)
        for p, res in zip(stale, results, strict=True):
            self.independent.setdefault(p, res.best.score if res.best else math.nan)
            if res.programmes:
                ranks = list(range(1, len(res.programmes) + 1))
                self.offers[p] = _Offer(list(res.programmes), ranks, self.waves, res.status.message)
            else:
                self.settled[p] = _Settled(None, "infeasible", self.rounds, 0, res.status.message)
        self.pending = [p for p in self.pending if p not in self.settled]
        self.waves += 1

    def _shortlist_rows(self, stale: list[int], free: list[Candidate], drafting: bool) -> list[list[int]]:
        """Each stale building's shortlist as rows of ``free``: screened, and drafted apart when re-matching."""
        top, quota = self.own.top, self.own.quota()
        # lists long enough that no building runs dry while others draft (within a memory cap)
        depth = max(1, min(len(stale), DRAFT_ENTRIES // (len(stale) * top))) if drafting else 1
        job = ScreenJob(self.options.scoring(), top * depth, quota * depth, self.own.block_size,
                        self.own.building_block)
        found = shortlists([self.portfolio[p] for p in stale], [self.cons[p] for p in stale], free, job,
                           client=self.client)
        rows = [[i for i in found.index[r].tolist() if i >= 0] for r in range(len(stale))]
        if not drafting:
            return rows
        codes = {f: g for g, f in enumerate(sorted({c.function for c in free}))}
        return draft(rows, [codes[c.function] for c in free], [c.area_max for c in free],
                     [DRAFT_AREA * self.portfolio[p].lettable_area for p in stale], top, quota)

    def _job(self, p: int, shortlist: list[Candidate]) -> _Job:
        """A building's match; its must-include candidates join the shortlist if nobody holds them yet."""
        ids = {c.id for c in shortlist}
        must = [self.by_id[cid] for cid in sorted(self.cons[p].must_include) if cid in self.by_id]
        extra = [c for c in must if c.id not in self.used and c.id not in ids]
        return _Job(self.portfolio[p], tuple(shortlist + extra), self.cons[p])

    def _pack(self) -> None:
        """One programme per building on offer, no candidate twice; the losers keep what still fits."""
        live = [p for p in self.pending if p in self.offers]
        packing = pack([[(prog.score, frozenset(prog.placements)) for prog in self.offers[p].programmes]
                        for p in live])
        self.packing_optimal = self.packing_optimal and packing.optimal
        losers = []
        for p, choice in zip(live, packing.choice, strict=True):
            offer = self.offers[p]
            if choice is None:
                losers.append(p)
                continue
            prog = offer.programmes[choice]
            status = "assigned" if offer.wave == 0 else "reassigned"
            self.settled[p] = _Settled(prog, status, self.rounds, offer.ranks[choice], offer.message)
            self.used.update(prog.placements)
        # programmes that still avoid every settled candidate stay on offer; the others go
        for p in losers:
            offer = self.offers.pop(p)
            keep = [j for j, prog in enumerate(offer.programmes) if self.used.isdisjoint(prog.placements)]
            if keep:
                self.offers[p] = _Offer([offer.programmes[j] for j in keep], [offer.ranks[j] for j in keep],
                                        offer.wave, offer.message)
        self.pending = [p for p in self.pending if p not in self.settled]

    def result(self) -> PortfolioResult:
        """The settled programmes as a :class:`PortfolioResult`."""
        rows: list[dict[str, Any]] = []
        places: list[dict[str, Any]] = []
        for p, building in enumerate(self.portfolio):
            rows.append(_building_row(building, self.settled[p], self.independent.get(p, math.nan)))
            places += _placement_rows(building, self.settled[p].programme, self.by_id)
        return PortfolioResult(
            typed_frame(rows, BUILDING_COLUMNS),
            typed_frame(places, PLACEMENT_COLUMNS),
            exclusive=self.own.exclusive,
            rounds=self.rounds,
            matches=self.matches,
            packing_optimal=self.packing_optimal,
        )


def _building_row(building: Building, s: _Settled, independent: float) -> dict[str, Any]:
    prog = s.programme
    return {
        "building": building.id,
        "status": s.status,
        "score": prog.score if prog else math.nan,
        "independent_score": independent,
        "occupancy": prog.occupancy if prog else math.nan,
        "annual_rent": prog.annual_rent if prog else math.nan,
        "tenants": len(prog.tenants) if prog else 0,
        "functions": ", ".join(prog.functions) if prog else "",
        "candidates": ", ".join(prog.tenants) if prog else "",
        "round": s.round,
        "programme": s.rank,
        "message": s.message,
    }


def _placement_rows(
    building: Building, prog: Programme | None, by_id: Mapping[str, Candidate]
) -> list[dict[str, Any]]:
    if prog is None:
        return []
    return [
        {"building": building.id, "candidate": cid, "level": level, "area": round(area),
         "function": by_id[cid].function}
        for cid in prog.tenants
        for level, area in sorted(prog.placements[cid].items())
    ]


def match_all(
    buildings: Sequence[Building] | pd.DataFrame,
    candidates: Sequence[Candidate] | pd.DataFrame,
    *,
    top: int = 60,
    per_function: int | None = None,
    exclusive: bool = True,
    constraints: Constraints | Mapping[str, Constraints] | None = None,
    client: ClientLike = None,
    progress: bool | None = None,
    **options: Unpack[MatchAllParams],
) -> PortfolioResult:
    """A tenant programme for every building of a portfolio, from one pool; exclusive by default.

    Screen each building (its ``top`` best candidates, ``per_function`` of each function), match
    each on its shortlist as :func:`objectmatch.match` does (its ``k`` best programmes), then, when
    exclusive, choose one programme per building with no candidate in two (an exact set packing)
    and re-match the buildings that lost a clash against the free candidates, round by round (the
    steps are in this module's docstring and docs/portfolio.md).
    The total score against the sum of the buildings' independent best scores (``result.ratio``)
    is the measured cost of exclusivity.

    Parameters
    ----------
    buildings, candidates
        The portfolio and the pool (sequences of models, or frames as :func:`screen` takes).
    top, per_function
        Shortlist size per building (60), and candidates of each function kept first in it
        (default ``top // 10``, so that a programme of several functions can be found).
    exclusive
        No candidate in two buildings (default). ``False``: every building its own best.
    constraints
        One :class:`~objectmatch.constraints.Constraints` for every building, or building id
        -> constraints (missing ids: the defaults).
    client
        ``None`` runs locally; a ``dask.distributed.Client`` (or ``True``/``"current"``) runs the
        screen per block of buildings and each match as a task, with the same result whenever each
        match is reproducible (only ``match``'s wall-clock safety net, on an overloaded machine,
        can cut one short; its status says so).
    progress
        A progress bar of the matches on stderr; ``None`` (default): when stderr is a terminal.
    **options
        The match options of :func:`objectmatch.match` but ``constraints``, validated by the same
        model (:class:`~objectmatch.options.MatchOptions`) and passed to every building's match:
        ``k`` (here 3), ``time_limit`` (here 1.0 s per building), ``seed``, ``exact``,
        ``min_difference``, ``weights``, ``score_model``, ``profile``, ``network``,
        ``participation``, ``potentials``, ``assess``, ``area_step`` (the scoring ones rank the
        screen too); and the portfolio's tuning: ``max_rounds`` (default: until every building
        is settled; the rest are then ``"infeasible"``), ``rematch`` (``"draft"`` or
        ``"screen"``), ``block_size`` and ``building_block`` (the screen's blocks).

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
    >>> sorted(set(result.buildings["status"]) - {"assigned", "reassigned", "infeasible"})
    []
    >>> int(result.placements.groupby("candidate")["building"].nunique().max())  # nobody in two buildings
    1
    """
    named = {"top": top, "per_function": per_function, "exclusive": exclusive, "constraints": constraints,
             "client": client, "progress": progress}
    opts, own = validate_call("match_all", {"k": K, "time_limit": TIME_LIMIT, **options, **named}, MatchOptions,
                              MatchAllOptions)
    portfolio = as_buildings(buildings, "match_all")
    pool = as_pool(candidates, "match_all")
    check_constraint_ids("match_all", own, portfolio)
    if not portfolio:
        return PortfolioResult.empty(own.exclusive)
    with progress_bar(own.progress, "matching") as tracker:
        rounds = _Rounds(portfolio, pool, own, opts, resolve_client(own.client), tracker)
        rounds.run()
    return rounds.result()
