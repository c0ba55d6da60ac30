"""The screen's kernel: one block of buildings against the whole pool, a block of candidates at a time.

**Can use.** Candidate ``i`` can use a building when some run of at most ``max_floors`` contiguous
floors, each allowed by the core's feasibility mask, holds its ``area_min`` -- the placement rules
of :func:`objectmatch.check` for that one tenant. The mask is the one of
:func:`objectmatch._engine.encode.encode` (permitted function and no veto of the assessment, the
levels its function may use, ground floor if needed, free height, floor load, a rent within
``Constraints.max_discount`` of the floor's asking rent via
:func:`~objectmatch._engine.terms.rent_allowed`), and, as the array problem adds, an ``area_min``
that fits within ``area_max`` on the area grid. A run of several floors needs at least the
smallest part (:func:`objectmatch.constraints.min_part`) on each.

**Fit.** The area terms of the score (:data:`~objectmatch._engine.terms.AREA_COMPONENTS`) for the
candidate's ``area_min`` on its best usable floor, each from its formula function, weighted by the
signed weights. The pair, conflict, count and presence terms need the other tenants: the screen
ranks by the area terms only and leaves the rest to :func:`objectmatch.match`.

Every number is computed elementwise per (candidate, building, floor), never by a reduction whose
order depends on the block shapes, so the result of a building does not depend on which block it is
in, on ``block_size``, or on whether it ran locally or on a Dask worker: the same inputs give the
same bits.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from objectmatch._engine.encode import BoolArray, FloatArray, IntArray
from objectmatch._engine.terms import (
    AREA_COMPONENTS,
    ScoreModel,
    Weights,
    access_fit,
    agreed_rent,
    budget_fit,
    rent_allowed,
)
from objectmatch.portfolio._arrays import BuildingBlock, ScreenPool

__all__ = ["BlockTop", "block_fit", "screen_block"]

#: Area terms whose value per m² depends on the floor -- through the candidate's budget alone, or
#: through its visitors -- and those that are the same on every floor of a building: together every
#: one of ``AREA_COMPONENTS`` (checked before any is computed).
BUDGET_TERMS = ("rent", "budget_fit")
VISITOR_TERMS = ("access",)
BUILDING_TERMS = ("occupancy", "neighbourhood_fit", "building_fit", "support", "objection")


@dataclass(frozen=True, eq=False)
class BlockTop:
    """The kept candidates of a block of buildings: b x top arrays, best first, padded with -1 / -inf."""

    position: IntArray
    index: IntArray
    fit: FloatArray
    level: IntArray


@dataclass(frozen=True, eq=False)
class _Budgets:
    """The distinct budgets (``max_rent``) of a block of candidates. The rent rule and the rent terms
    read a candidate only through its budget, and a pool has far fewer budgets than candidates, so
    they are computed once per distinct budget (U x b x F) and gathered with ``inverse``."""

    values: FloatArray
    inverse: IntArray


def _budgets(pool: ScreenPool, rows: slice) -> _Budgets:
    values, inverse = np.unique(pool.max_rent[rows], return_inverse=True)
    return _Budgets(values[:, None, None], inverse.reshape(-1))


class Workspace:
    """Buffers of c x b x F reused by every block of candidates of one block of buildings.

    Fresh multi-MB temporaries per block are slow where the allocator hands each one back to the
    system at once: Dask workers run with ``MALLOC_TRIM_THRESHOLD_=65536``, which also fixes
    glibc's mmap threshold, so every array over 128 KB costs fresh pages (measured: twice the CPU
    of the same screen in one process). The kernel therefore writes its c x b x F arrays into these
    buffers; only the formula functions of the access term allocate their own.
    """

    def __init__(self, c: int, b: int, f: int) -> None:
        self.mask = np.empty((c, b, f), dtype=bool)
        self.flag = np.empty((c, b, f), dtype=bool)
        self.covered = np.empty((c, b, f), dtype=bool)
        self.key = np.empty((c, b, f))

    def take(self, c: int) -> tuple[BoolArray, BoolArray, BoolArray, FloatArray]:
        """Views of the first ``c`` rows of every buffer."""
        return self.mask[:c], self.flag[:c], self.covered[:c], self.key[:c]


def feasible(
    block: BuildingBlock, pool: ScreenPool, rows: slice, budgets: _Budgets, out: BoolArray, flag: BoolArray
) -> BoolArray:
    """The core's feasibility mask for candidates ``rows`` x buildings x floors (c x b x F), into ``out``
    (``flag``: scratch of the same shape)."""
    fn = pool.function[rows]
    level = block.level[None, :, :]
    np.logical_and(block.permitted[:, fn].T[:, :, None], block.valid[None, :, :], out=out)
    for compare, bound in ((np.greater_equal, block.lowest), (np.less_equal, block.highest)):
        compare(level, bound[:, fn].T[:, :, None], out=flag)
        out &= flag
    np.logical_or(~pool.needs_ground_floor[rows, None, None], level == 0, out=flag)
    out &= flag
    np.greater_equal(block.free_height[None, :, :], pool.min_free_height[rows, None, None], out=flag)
    out &= flag
    np.greater_equal(block.floor_load[None, :, :], pool.min_floor_load[rows, None, None], out=flag)
    out &= flag
    # rent_allowed takes one discount: one call per distinct discount of the block (usually one)
    allowed = np.empty((len(budgets.values), *block.asking.shape), dtype=bool)
    for discount in np.unique(block.max_discount).tolist():
        sel = np.flatnonzero(block.max_discount == discount)
        allowed[:, sel] = rent_allowed(block.asking[None, sel, :], budgets.values, discount)
    np.take(allowed, budgets.inverse, axis=0, out=flag)
    out &= flag
    # as the array problem: an area_min that fits its area_max on the grid
    out &= ((pool.area_min[rows] <= pool.area_max[rows]) & (pool.area_min[rows] > 0))[:, None, None]
    return out


def usable_floors(
    mask: BoolArray, capacity: IntArray, pool: ScreenPool, rows: slice, out: BoolArray, flag: BoolArray
) -> BoolArray:
    """Floors that lie in some run of at most ``max_floors`` contiguous allowed floors holding ``area_min``.

    ``mask`` is c x b x F, ``capacity`` b x F (area units); the result goes to ``out``. One floor
    must hold ``area_min``; on a run of several, each floor takes at least the smallest part, so
    each must hold it, and the parts must fit within ``area_max``. Sums are of integers: exact in
    any order.
    """
    need, span, smallest = pool.area_min[rows], pool.max_floors[rows], pool.part[rows]
    np.greater_equal(capacity[None, :, :], need[:, None, None], out=flag)
    covered = np.logical_and(mask, flag, out=out)
    f = mask.shape[2]
    multi = np.flatnonzero(span >= 2)  # most candidates take one floor: runs only for the others
    longest = min(f, int(span.max(initial=1)))
    if longest < 2 or not multi.size:
        return covered
    allowed = mask[multi] & (capacity[None, :, :] >= smallest[multi, None, None])
    window = np.where(allowed, capacity[None, :, :], 0)  # sums of runs of one floor
    run_ok = allowed.copy()  # every floor of the run is allowed
    extra = np.zeros(allowed.shape, dtype=bool)
    floor = np.arange(f)
    for length in range(2, longest + 1):
        window = window[:, :, :-1] + np.where(allowed[:, :, length - 1 :], capacity[None, :, length - 1 :], 0)
        run_ok = run_ok[:, :, :-1] & allowed[:, :, length - 1 :]
        fits = (length <= span[multi]) & (length * smallest[multi] <= pool.area_max[rows][multi])
        good = run_ok & (window >= need[multi, None, None]) & fits[:, None, None]
        if not good.any():
            continue
        # floor i lies in a good run starting at s for some s in [i - length + 1, i]
        starts = f - length + 1
        counts = np.zeros((*good.shape[:2], starts + 1), dtype=np.int32)
        np.cumsum(good, axis=2, out=counts[:, :, 1:])
        hi = np.minimum(floor, starts - 1) + 1
        lo = np.maximum(floor - length + 1, 0)
        extra |= (counts[:, :, hi] - counts[:, :, lo]) > 0
    covered[multi] |= extra
    return covered


def _neighbourhood(ident: FloatArray, dna: FloatArray) -> FloatArray:
    """``clip(ident @ dna.T, 0, 1)`` summed column by column, so each entry is the same sum in any block.

    All-zero columns are skipped: adding an exact zero leaves a sum unchanged.
    """
    out = np.zeros((ident.shape[0], dna.shape[0]))
    term = np.empty_like(out)
    for j in np.flatnonzero(dna.any(axis=0) & ident.any(axis=0)).tolist():
        np.multiply(ident[:, j, None], dna[None, :, j], out=term)
        out += term
    return np.clip(out, 0.0, 1.0, out=out)


def _budget_terms(block: BuildingBlock, budgets: _Budgets, model: ScoreModel) -> dict[str, FloatArray]:
    """Per m², U budgets x b x F: the area terms that depend on the floor and the budget."""
    asking = block.asking[None, :, :]
    return {
        "rent": agreed_rent(asking, budgets.values) / block.rent_roll[None, :, None],
        "budget_fit": budget_fit(asking, budgets.values, model) / block.lettable[None, :, None],
    }


def _visitor_terms(block: BuildingBlock, pool: ScreenPool, rows: slice, names: list[str]) -> dict[str, FloatArray]:
    """Per m², c x b x F: those of ``names`` among the area terms that depend on the floor and the
    candidate's visitors (each a fresh array, divided in place)."""
    out: dict[str, FloatArray] = {}
    if "access" in names:
        out["access"] = access_fit(pool.public[rows, None, None], block.reach[None, :, :])
        out["access"] /= block.lettable[None, :, None]
    return out


def _building_terms(block: BuildingBlock, pool: ScreenPool, rows: slice) -> dict[str, FloatArray]:
    """Per m², c x b: the area terms that are the same on every floor of a building."""
    fn = pool.function[rows]
    lettable = block.lettable[None, :]
    c = len(fn)
    return {
        "occupancy": np.ones((c, 1)) / lettable,
        "neighbourhood_fit": _neighbourhood(pool.ident[rows], block.dna) / lettable,
        "building_fit": block.potential[:, fn].T / lettable,
        "support": pool.wish[rows, None] / lettable,
        "objection": pool.objection[rows, None] / lettable,
    }


def _ordered(names: tuple[str, ...]) -> tuple[str, ...]:
    """``names`` in the order of ``AREA_COMPONENTS``."""
    return tuple(n for n in AREA_COMPONENTS if n in names)


def _weighted(terms: dict[str, FloatArray], signed: dict[str, float], names: tuple[str, ...]) -> FloatArray | float:
    """``sum_k signed[k] * terms[k]`` over ``names`` with a non-zero weight, in ``AREA_COMPONENTS`` order."""
    total: FloatArray | float = 0.0
    for name in names:
        if signed[name]:
            total = total + signed[name] * terms[name]
    return total


def block_fit(
    block: BuildingBlock,
    pool: ScreenPool,
    rows: slice,
    weights: Weights,
    model: ScoreModel,
    workspace: Workspace | None = None,
) -> tuple[FloatArray, IntArray]:
    """Fit and best floor index of candidates ``rows`` in every building of ``block`` (c x b each).

    The fit is the area terms' score of the candidate's ``area_min`` on its best usable floor (the
    floor with the largest floor-dependent terms, the lowest of equals); ``-inf`` where it cannot
    use the building at all.
    """
    unknown = set(AREA_COMPONENTS) - {*BUDGET_TERMS, *VISITOR_TERMS, *BUILDING_TERMS}
    if unknown:  # a new area term must be given a formula here, never silently left out
        raise NotImplementedError(f"the portfolio screen has no formula for the area terms {sorted(unknown)}")
    signed = weights.signed()
    c = rows.stop - rows.start
    mask, flag, covered, key = (workspace or Workspace(c, block.b, block.floors)).take(c)
    budgets = _budgets(pool, rows)
    usable = usable_floors(feasible(block, pool, rows, budgets, mask, flag), block.capacity, pool, rows, covered, flag)
    _floor_values(block, pool, rows, budgets, signed, model, key)
    np.logical_not(usable, out=flag)
    np.copyto(key, -np.inf, where=flag)
    best = np.argmax(key, axis=2)
    on_best = np.take_along_axis(key, best[:, :, None], axis=2)[:, :, 0]
    per_building = _weighted(_building_terms(block, pool, rows), signed, _ordered(BUILDING_TERMS))
    area = (pool.area_min[rows] * pool.area_step).astype(float)[:, None]
    fit = np.where(usable.any(axis=2), (per_building + on_best) * area, -np.inf)
    return np.asarray(fit, dtype=float), np.asarray(best, dtype=np.int64)


def _floor_values(
    block: BuildingBlock, pool: ScreenPool, rows: slice, budgets: _Budgets, signed: dict[str, float],
    model: ScoreModel, out: FloatArray,
) -> None:
    """The weighted floor-dependent terms per m², c x b x F, into ``out``: the budget's terms (once
    per distinct budget, gathered), then the visitors', in ``AREA_COMPONENTS`` order."""
    by_budget = _weighted(_budget_terms(block, budgets, model), signed, _ordered(BUDGET_TERMS))
    if isinstance(by_budget, np.ndarray):
        np.take(by_budget, budgets.inverse, axis=0, out=out)
    else:
        out.fill(by_budget)
    names = [n for n in _ordered(VISITOR_TERMS) if signed[n]]
    for name, term in _visitor_terms(block, pool, rows, names).items():
        term *= signed[name]  # in place: the same operations as signed * term
        out += term


class _Running:
    """A running top-``size`` list per building: fit, candidate row and floor index, best first."""

    def __init__(self, b: int, size: int) -> None:
        self.fit = np.full((b, size), -np.inf)
        self.index = np.full((b, size), -1, dtype=np.int64)
        self.floor = np.zeros((b, size), dtype=np.int64)

    def merge(self, fit: FloatArray, index: IntArray, floor: IntArray) -> None:
        """Merge b x c new entries whose rows all come after the ones kept (ids in increasing order)."""
        size = self.fit.shape[1]
        # New entries no better than the worst kept one lose to it (its id is smaller): drop them,
        # and the candidates that are left out everywhere, before sorting.
        worst = self.fit[:, -1:]
        fit = np.where(fit > worst, fit, -np.inf)
        cols = np.flatnonzero(np.isfinite(fit).any(axis=0))
        if not cols.size:
            return
        fit, index, floor = fit[:, cols], index[:, cols], floor[:, cols]
        all_fit = np.concatenate([self.fit, fit], axis=1)
        # A stable sort ranks equal fits by id: the kept entries come from earlier blocks (smaller
        # ids), and each part is in id order among equal fits. (np.argpartition would be O(n) but
        # breaks ties arbitrarily; the rows are only size + block_size long.)
        order = np.argsort(-all_fit, axis=1, kind="stable")[:, :size]
        rows = np.arange(all_fit.shape[0])[:, None]
        self.fit = all_fit[rows, order]
        self.index = np.where(np.isfinite(self.fit), np.concatenate([self.index, index], axis=1)[rows, order], -1)
        self.floor = np.concatenate([self.floor, floor], axis=1)[rows, order]


def _with_quotas(best: _Running, per_fn: list[_Running], top: int) -> _Running:
    """Per building: the best ``per_function`` of every function, then the best others up to ``top``."""
    out = _Running(best.fit.shape[0], top)
    for r in range(best.fit.shape[0]):
        picks: dict[int, tuple[float, int]] = {}
        for run in per_fn:
            for j in np.flatnonzero(run.index[r] >= 0).tolist():
                picks[int(run.index[r, j])] = (float(run.fit[r, j]), int(run.floor[r, j]))
        for j in np.flatnonzero(best.index[r] >= 0).tolist():
            if len(picks) >= top:
                break
            picks.setdefault(int(best.index[r, j]), (float(best.fit[r, j]), int(best.floor[r, j])))
        ranked = sorted(picks.items(), key=lambda item: (-item[1][0], item[0]))[:top]
        for j, (i, (fit, floor)) in enumerate(ranked):
            out.fit[r, j], out.index[r, j], out.floor[r, j] = fit, i, floor
    return out


def screen_block(
    block: BuildingBlock,
    pool: ScreenPool,
    *,
    top: int,
    block_size: int,
    weights: Weights,
    model: ScoreModel,
    per_function: int = 0,
) -> BlockTop:
    """The ``top`` best candidates of every building in ``block``, by fit, ties by candidate id.

    With ``per_function``, the best ``per_function`` candidates of every function are kept first
    (when the building has them), then the best others. Candidates are visited in blocks of
    ``block_size`` rows in id order and merged into running b x top lists: memory is
    O(block_size x b x F + b x top), whatever the pool size.
    """
    b = block.b
    best = _Running(b, top)
    quota = min(per_function, top)
    per_fn = [_Running(b, quota) for _ in pool.function_columns] if quota else []
    workspace = Workspace(min(block_size, pool.n), b, block.floors)
    for start in range(0, pool.n, block_size):
        rows = slice(start, min(start + block_size, pool.n))
        fit, floor = block_fit(block, pool, rows, weights, model, workspace)
        fit, floor = fit.T, floor.T
        if not np.isfinite(fit).any():
            continue
        index = np.broadcast_to(np.arange(rows.start, rows.stop), fit.shape)
        best.merge(fit, index, floor)
        if quota:
            fn = pool.function[rows]
            for g in np.unique(fn).tolist():
                cols = np.flatnonzero(fn == g)
                per_fn[g].merge(fit[:, cols], index[:, cols], floor[:, cols])
    if quota:
        best = _with_quotas(best, per_fn, top)
    level = np.take_along_axis(block.level, best.floor, axis=1)
    return BlockTop(
        position=block.position, index=best.index, fit=best.fit, level=np.where(best.index >= 0, level, 0)
    )
