"""Screening: for every building of a portfolio, the candidates that can use it at all, best fit first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from objectmatch.encode import FloatArray, IdentityKernel, IntArray
from objectmatch.models import Building, Candidate, check_unique_buildings, check_unique_ids
from objectmatch.portfolio._arrays import (
    ScreenPool,
    encode_buildings,
    encode_screen_pool,
    identity_columns,
)
from objectmatch.portfolio._dask import ClientLike, resolve_client, run_tasks
from objectmatch.portfolio._kernel import BlockTop, screen_block
from objectmatch.scoring import Weights

__all__ = ["SCREEN_COLUMNS", "Shortlists", "as_buildings", "as_candidates", "screen", "shortlists"]

#: Columns of :func:`screen`'s frame.
SCREEN_COLUMNS: tuple[str, ...] = ("building", "candidate", "rank", "fit", "level", "function")
#: Default candidates per block, and buildings per block (one task on Dask).
BLOCK_SIZE = 500
BUILDING_BLOCK = 32


def as_buildings(buildings: Sequence[Building] | pd.DataFrame) -> list[Building]:
    """A list of buildings from a sequence or a frame (one row per floor, :func:`objectmatch.io.buildings_to_frame`)."""
    if isinstance(buildings, pd.DataFrame):
        from objectmatch.io import buildings_from_frame

        return buildings_from_frame(buildings)
    if isinstance(buildings, Building):
        raise TypeError("buildings must be a sequence of Building (a portfolio), got one Building; wrap it in a list")
    return check_unique_buildings(buildings)


def as_candidates(candidates: Sequence[Candidate] | pd.DataFrame) -> list[Candidate]:
    """The pool as a list sorted by id (from a sequence or a frame, :func:`objectmatch.io.candidates_to_frame`)."""
    if isinstance(candidates, pd.DataFrame):
        from objectmatch.io import candidates_from_frame

        candidates = candidates_from_frame(candidates)
    return sorted(check_unique_ids(candidates), key=lambda c: c.id)


def _positive_int(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ValueError(f"{name} must be a positive whole number, got {value!r}")
    return int(value)


def _task(
    part: tuple[tuple[Building, ...], tuple[int, ...]],
    *,
    shared: ScreenPool,
    top: int,
    block_size: int,
    weights: Weights,
    per_function: int,
    assess: bool,
) -> BlockTop:
    # Buildings are encoded inside the task, so that their assessment runs on the workers too.
    block = encode_buildings(part[0], part[1], shared, assess=assess)
    return screen_block(block, shared, top=top, block_size=block_size, weights=weights, per_function=per_function)


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
    candidates: Sequence[Candidate],
    top: int,
    *,
    weights: Weights | None = None,
    network: IdentityKernel | None = None,
    block_size: int = BLOCK_SIZE,
    building_block: int = BUILDING_BLOCK,
    per_function: int = 0,
    assess: bool = True,
    client: ClientLike = None,
) -> Shortlists:
    """The screen as arrays (``candidates`` already a list sorted by unique id; see :func:`screen`)."""
    w = weights or Weights()
    pool = encode_screen_pool(candidates, identity_columns(candidates, buildings), weights=w, network=network,
                              chunk=min(block_size, 512))
    # Blocks of buildings with similar floor counts, so that padding costs little; the kernel is
    # elementwise per building, so the grouping does not change any number.
    order = sorted(range(len(buildings)), key=lambda r: (len(buildings[r].floors), r))
    parts = [
        (tuple(buildings[r] for r in rows), tuple(rows))
        for rows in (order[s : s + building_block] for s in range(0, len(order), building_block))
    ]
    tops = run_tasks(_task, parts, resolve_client(client), shared=pool, top=top, block_size=block_size, weights=w,
                     per_function=per_function, assess=assess)
    n_b = len(buildings)
    index = np.full((n_b, top), -1, dtype=np.int64)
    fit = np.full((n_b, top), -np.inf)
    level = np.zeros((n_b, top), dtype=np.int64)
    for t in tops:
        index[t.position], fit[t.position], level[t.position] = t.index, t.fit, t.level
    return Shortlists(tuple(buildings), tuple(candidates), index, fit, level)


def screen(
    buildings: Sequence[Building] | pd.DataFrame,
    candidates: Sequence[Candidate] | pd.DataFrame,
    top: int = 50,
    *,
    weights: Weights | None = None,
    network: IdentityKernel | None = None,
    block_size: int = BLOCK_SIZE,
    building_block: int = BUILDING_BLOCK,
    per_function: int = 0,
    assess: bool = True,
    client: ClientLike = None,
) -> pd.DataFrame:
    """For every building, the candidates that can use it at all, ranked by fit: the first cut of a portfolio.

    A candidate can use a building when some run of at most ``max_floors`` contiguous floors,
    each passing the feasibility mask of :func:`objectmatch.encode.encode` (permitted function,
    ground floor if needed, free height, floor load, budget against that floor's asking rent,
    no veto by the hard-side assessment),
    together holds its ``area_min``. Its **fit** is the unary score its ``area_min`` would bring
    on its best such floor, as :class:`~objectmatch.scoring.Scorer` weighs it::

        fit = area_min / L * (w_occupancy + w_neighbourhood * cos(identity, DNA)
                              + w_building * potential * access[f] + w_budget * budget_fit[f])

        L = the building's lettable area, f = the best usable floor (the lowest of equals)

    that is, the share of the building it fills, times how well it fits there. Ties are
    broken by candidate id. With ``per_function``, the best ``per_function`` candidates of
    every function the building can take are kept first, then the best others up to ``top``
    (a shortlist a programme of several functions can be built from).

    The work runs over blocks of ``building_block`` buildings x ``block_size`` candidates
    with numpy, keeping a running top-``top`` per building, so memory is
    O(buildings x top + building_block x block_size x floors), never buildings x candidates.

    Parameters
    ----------
    buildings
        The portfolio: a sequence of :class:`~objectmatch.models.Building` (unique ids) or a
        frame with one row per floor (:func:`objectmatch.io.buildings_to_frame`).
    candidates
        The pool: a sequence of :class:`~objectmatch.models.Candidate` or a frame
        (:func:`objectmatch.io.candidates_to_frame`).
    top
        Candidates kept per building at most.
    weights
        Score weights (only the unary ones count here); default ``Weights()``.
    network
        Optional identity network for the neighbourhood fit, as in :func:`objectmatch.match`.
    block_size, building_block
        Candidates and buildings per block (each building block is one Dask task).
    per_function
        Candidates of each function kept first (0: rank by fit alone).
    assess
        Use the hard-side assessment as :func:`objectmatch.match` does by default: functions
        it vetoes for a building are not feasible there, and its transformation potential of
        the candidate's function scales the building fit. ``False`` ignores it.
    client
        ``None`` runs locally; a ``dask.distributed.Client`` (or ``True``/``"current"`` for the
        current one) runs each building block as a task, the pool scattered once to every
        worker. The result is the same, bit for bit.

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
    top = _positive_int("top", top)
    block_size = _positive_int("block_size", block_size)
    building_block = _positive_int("building_block", building_block)
    if isinstance(per_function, bool) or not isinstance(per_function, int | np.integer) or per_function < 0:
        raise ValueError(f"per_function must be a whole number >= 0, got {per_function!r}")
    found = shortlists(
        as_buildings(buildings), as_candidates(candidates), top, weights=weights, network=network,
        block_size=block_size, building_block=building_block, per_function=int(per_function), assess=assess,
        client=client,
    )
    return found.frame()
