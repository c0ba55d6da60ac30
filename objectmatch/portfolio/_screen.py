"""Screening: for every building of a portfolio, the candidates that can use it at all, best fit first."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from typing_extensions import Unpack

from objectmatch._engine.encode import FloatArray, IntArray
from objectmatch._inputs import as_candidates
from objectmatch._params import InvalidParameterError
from objectmatch.constraints import Constraints
from objectmatch.models import Building, Candidate, check_unique_buildings
from objectmatch.options import ScoringOptions
from objectmatch.portfolio._arrays import encode_buildings, encode_screen_pool, identity_columns
from objectmatch.portfolio._dask import ClientLike, resolve_client, run_tasks
from objectmatch.portfolio._kernel import BlockTop, screen_block
from objectmatch.portfolio._options import ScreenOptions, ScreenParams, check_constraint_ids, validate_call
from objectmatch.portfolio._progress import SILENT, Tracker, progress_bar

__all__ = ["SCREEN_COLUMNS", "ScreenJob", "Shortlists", "as_buildings", "as_pool", "screen", "shortlists"]

#: Columns of :func:`screen`'s frame.
SCREEN_COLUMNS: tuple[str, ...] = ("building", "candidate", "rank", "fit", "level", "function")


def as_buildings(buildings: Any, function: str) -> list[Building]:
    """A list of buildings (unique ids) from a sequence or a frame (one row per floor,
    :func:`objectmatch.io.buildings_to_frame`); anything else is refused by name."""
    if isinstance(buildings, pd.DataFrame):
        from objectmatch.io import buildings_from_frame

        return buildings_from_frame(buildings)
    if isinstance(buildings, Building):
        raise InvalidParameterError([
            f"The 'buildings' parameter of {function} must be a sequence of Building (a portfolio); "
            "got one Building: wrap it in a list"
        ])
    if isinstance(buildings, str | bytes) or not hasattr(buildings, "__iter__"):
        raise InvalidParameterError([
            f"The 'buildings' parameter of {function} must be a sequence of Building or a frame; "
            f"got {type(buildings).__name__}"
        ])
    try:
        return check_unique_buildings(buildings)
    except TypeError as exc:
        raise InvalidParameterError([f"The 'buildings' parameter of {function}: {exc}"]) from None


def as_pool(candidates: Any, function: str) -> list[Candidate]:
    """The pool as a list sorted by id, from a sequence or a frame (:func:`objectmatch.io.candidates_to_frame`)."""
    if isinstance(candidates, pd.DataFrame):
        from objectmatch.io import candidates_from_frame

        candidates = candidates_from_frame(candidates)
    return sorted(as_candidates(candidates, function), key=lambda c: c.id)


@dataclass(frozen=True)
class ScreenJob:
    """What a screen needs besides the buildings and the pool: the scoring options and its own settings."""

    scoring: ScoringOptions
    top: int
    per_function: int = 0
    block_size: int = 500
    building_block: int = 32


@dataclass(frozen=True)
class _Part:
    """One task: a block of buildings, their positions in the portfolio and their constraints."""

    buildings: tuple[Building, ...]
    position: tuple[int, ...]
    constraints: tuple[Constraints, ...]


def _task(part: _Part, *, shared: Any, job: ScreenJob) -> BlockTop:
    # Buildings are encoded inside the task, so that their assessment runs on the workers too.
    block = encode_buildings(part.buildings, part.position, part.constraints, shared, job.scoring)
    return screen_block(
        block, shared, top=job.top, block_size=job.block_size, weights=job.scoring.weights,
        model=job.scoring.score_model, per_function=job.per_function,
    )


@dataclass(frozen=True, eq=False)
class Shortlists:
    """Screen results as arrays: row r of ``index``/``fit``/``level`` belongs to ``buildings[r]``.

    ``index`` holds rows of ``candidates`` (sorted by id), best first, -1 past the last kept one.
    """

    buildings: tuple[Building, ...]
    candidates: tuple[Candidate, ...]
    index: IntArray
    fit: FloatArray
    level: IntArray

    def of(self, r: int) -> list[Candidate]:
        """The kept candidates of ``buildings[r]``, best first."""
        return [self.candidates[i] for i in self.index[r].tolist() if i >= 0]

    def frame(self) -> pd.DataFrame:
        """One row per kept (building, candidate), in building order then rank (see :func:`screen`)."""
        kept = self.index >= 0
        b_rows, ranks = np.nonzero(kept)
        idx = self.index[kept]
        ids = np.array([c.id for c in self.candidates], dtype=object)
        functions = np.array([c.function for c in self.candidates], dtype=object)
        b_ids = np.array([b.id for b in self.buildings], dtype=object)
        return pd.DataFrame(
            {
                "building": pd.Series(b_ids[b_rows], dtype="str"),
                "candidate": pd.Series(ids[idx], dtype="str"),
                "rank": (ranks + 1).astype(np.int64),
                "fit": self.fit[kept].astype(float),
                "level": self.level[kept].astype(np.int64),
                "function": pd.Series(functions[idx], dtype="str"),
            },
            columns=list(SCREEN_COLUMNS),
        )


def shortlists(
    buildings: Sequence[Building],
    constraints: Sequence[Constraints],
    candidates: Sequence[Candidate],
    job: ScreenJob,
    *,
    client: Any = None,
    tracker: Tracker = SILENT,
) -> Shortlists:
    """The screen as arrays (``candidates`` a list sorted by unique id, ``client`` resolved; see :func:`screen`)."""
    columns = identity_columns(candidates, buildings, job.scoring)
    pool = encode_screen_pool(candidates, columns, job.scoring, reference=buildings[0] if buildings else None,
                              chunk=min(job.block_size, 512))
    # Blocks of buildings with similar floor counts, so that padding costs little; the kernel is
    # elementwise per building, so the grouping does not change any number.
    order = sorted(range(len(buildings)), key=lambda r: (len(buildings[r].floors), r))
    parts = [
        _Part(tuple(buildings[r] for r in rows), tuple(rows), tuple(constraints[r] for r in rows))
        for rows in (order[s : s + job.building_block] for s in range(0, len(order), job.building_block))
    ]
    tops = run_tasks(_task, parts, client, shared=pool, tracker=tracker, job=job)
    n_b = len(buildings)
    index = np.full((n_b, job.top), -1, dtype=np.int64)
    fit = np.full((n_b, job.top), -np.inf)
    level = np.zeros((n_b, job.top), dtype=np.int64)
    for t in tops:
        index[t.position], fit[t.position], level[t.position] = t.index, t.fit, t.level
    return Shortlists(tuple(buildings), tuple(candidates), index, fit, level)


def screen(
    buildings: Sequence[Building] | pd.DataFrame,
    candidates: Sequence[Candidate] | pd.DataFrame,
    *,
    top: int = 50,
    per_function: int = 0,
    constraints: Constraints | Mapping[str, Constraints] | None = None,
    client: ClientLike = None,
    progress: bool | None = None,
    **options: Unpack[ScreenParams],
) -> pd.DataFrame:
    """For every building, the candidates that can use it at all, ranked by fit: the first cut of a portfolio.

    **Can use**: some run of at most ``max_floors`` contiguous floors, each allowed by the
    feasibility mask :func:`objectmatch.match` uses (zoning, the assessment's vetoes,
    ``Constraints.function_levels``, ground floor, free height, floor load, a budget within
    ``Constraints.max_discount`` of the floor's asking rent), holds the candidate's ``area_min``
    (at least a fifth of it on each floor of a run). **Fit**: the area terms of the score
    (occupancy, rent, neighbourhood fit, building fit, budget fit, access; support and objection
    with a participation round) for its ``area_min`` on its best usable floor, weighted as
    :func:`objectmatch.score` weighs them -- what it would add to a programme on its own. **The
    screen ranks by the area terms only**: the pair terms, conflict, pioneers, diversity and the
    heart depend on the other tenants and are left to :func:`objectmatch.match`. Ties are broken
    by candidate id. Blocks of ``building_block`` buildings x ``block_size`` candidates keep
    memory O(buildings x top + block), never buildings x candidates. docs/portfolio.md gives the
    rules and formulas in full.

    Parameters
    ----------
    buildings, candidates
        The portfolio (:class:`~objectmatch.models.Building`, unique ids) and the pool, as
        sequences of models or as frames (:func:`objectmatch.io.buildings_to_frame`: one row per
        floor; :func:`objectmatch.io.candidates_to_frame`).
    top, per_function
        Candidates kept per building at most (50); the best ``per_function`` of every function the
        building can take are kept first, then the best others (0: rank by fit alone).
    constraints
        A :class:`~objectmatch.constraints.Constraints` for every building, or building id ->
        constraints (missing ids: the defaults); the screen reads ``max_discount`` and
        ``function_levels``.
    client
        ``None`` runs locally; a ``dask.distributed.Client`` (or ``True``/``"current"``) runs each
        building block as a task, the encoded pool scattered once. The result is the same, bit for bit.
    progress
        A progress bar on stderr; ``None`` (default): only when stderr is a terminal.
    **options
        The scoring options of :func:`objectmatch.match` (``weights``, ``score_model``, ``profile``,
        ``network``, ``participation``, ``potentials``, ``assess``, ``area_step``), validated by
        the same model, and the blocks: ``block_size`` (500 candidates), ``building_block`` (32).

    Returns
    -------
    pandas.DataFrame
        One row per kept (building, candidate), buildings in the order given, then by rank:
        ``building``, ``candidate``, ``rank`` (1 = best), ``fit``, ``level`` (best usable
        floor) and ``function``.

    Examples
    --------
    >>> from objectmatch.datasets import generate_pool, generate_portfolio
    >>> portfolio, pool = generate_portfolio(3, seed=1), generate_pool(400, seed=1)
    >>> shortlist = screen(portfolio, pool, top=5)
    >>> shortlist.groupby("building")["rank"].max().tolist()
    [5, 5, 5]
    >>> list(shortlist.columns)
    ['building', 'candidate', 'rank', 'fit', 'level', 'function']
    >>> bool(shortlist.groupby("building")["fit"].is_monotonic_decreasing.all())
    True
    """
    named = {"top": top, "per_function": per_function, "constraints": constraints, "client": client,
             "progress": progress}
    scoring, own = validate_call("screen", {**options, **named}, ScoringOptions, ScreenOptions)
    portfolio = as_buildings(buildings, "screen")
    pool = as_pool(candidates, "screen")
    check_constraint_ids("screen", own, portfolio)
    job = ScreenJob(scoring, own.top, own.quota(), own.block_size, own.building_block)
    cons = [own.constraints_of(b.id) for b in portfolio]
    with progress_bar(own.progress, "screening") as tracker:
        found = shortlists(portfolio, cons, pool, job, client=resolve_client(own.client), tracker=tracker)
    return found.frame()
