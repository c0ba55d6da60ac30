"""The screen's kernel: one block of buildings against the whole pool, a block of candidates at a time.

Every number is computed elementwise per (candidate, building, floor), never by a reduction whose
order depends on the block shapes, so the result of a building does not depend on which block it
is in, on ``block_size``, or on whether it ran locally or on a Dask worker: the same inputs give
the same bits.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from objectmatch.constraints import AREA_TOLERANCE
from objectmatch.encode import BoolArray, FloatArray, IntArray
from objectmatch.portfolio._arrays import BuildingBlock, ScreenPool
from objectmatch.scoring import FULL_HEADROOM, Weights

__all__ = ["BlockTop", "screen_block"]


@dataclass(frozen=True, eq=False)
class BlockTop:
    """The kept candidates of a block of buildings: b x top arrays, best first, padded with -1 / -inf."""

    position: IntArray
    index: IntArray
    fit: FloatArray
    level: IntArray


class Workspace:
    """Buffers of c x b x F reused by every block of candidates of one block of buildings.

    Allocating fresh multi-MB temporaries per block is slow where the allocator hands each one
    back to the system at once (Dask workers run with ``MALLOC_TRIM_THRESHOLD_=65536``).
    """

    def __init__(self, c: int, b: int, f: int) -> None:
        self.mask = np.empty((c, b, f), dtype=bool)
        self.flag = np.empty((c, b, f), dtype=bool)
        self.covered = np.empty((c, b, f), dtype=bool)
        self.key = np.empty((c, b, f))
        self.other = np.empty((c, b, f))

    def take(self, c: int) -> tuple[BoolArray, BoolArray, BoolArray, FloatArray, FloatArray]:
        """Views of the first ``c`` rows of every buffer."""
        return self.mask[:c], self.flag[:c], self.covered[:c], self.key[:c], self.other[:c]


def _usable_floors(
    mask: BoolArray, area: FloatArray, need: FloatArray, max_floors: IntArray, covered: BoolArray, flag: BoolArray
) -> BoolArray:
    """Floors that lie in some run of at most ``max_floors`` contiguous allowed floors holding ``need`` m².

    ``mask`` is c x b x F (candidate may use floor), ``area`` b x F. A run is contiguous in
    floor order, as :func:`objectmatch.constraints.placement_violations` requires. The result
    is written to ``covered``; ``flag`` is scratch space.
    """
    np.greater_equal(area[None, :, :], need[:, None, None], out=flag)
    np.logical_and(mask, flag, out=covered)  # runs of one floor
    f = mask.shape[2]
    multi = np.flatnonzero(max_floors >= 2)  # most candidates take one floor: runs only for the others
    longest = min(f, int(max_floors.max(initial=1)))
    if longest < 2 or not multi.size:
        return covered
    sub = mask[multi]
    need_sub, span = need[multi, None, None], max_floors[multi, None, None]
    window = np.where(sub, area[None, :, :], 0.0)  # sums of runs of length 1
    allowed = sub.copy()  # every floor of the run is allowed
    extra = np.zeros(sub.shape, dtype=bool)
    floor = np.arange(f)
    for length in range(2, longest + 1):
        # sums grow one floor at a time, so each is the same left-to-right sum in every block
        window = window[:, :, :-1] + np.where(sub[:, :, length - 1 :], area[None, :, length - 1 :], 0.0)
        allowed = allowed[:, :, :-1] & sub[:, :, length - 1 :]
        good = allowed & (window >= need_sub) & (length <= span)
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

    All-zero DNA columns are skipped: adding an exact zero leaves a sum unchanged.
    """
    out = np.zeros((ident.shape[0], dna.shape[0]))
    for j in np.flatnonzero(dna.any(axis=0) & ident.any(axis=0)).tolist():
        out += ident[:, j, None] * dna[None, :, j]
    return np.clip(out, 0.0, 1.0, out=out)


def budget_fit(rent: FloatArray, max_rent: FloatArray) -> FloatArray:
    """``objectmatch.scoring``'s budget fit, elementwise over arrays of the same shape (same operations)."""
    headroom = (max_rent - rent) / rent
    fit = np.clip(0.5 + 0.5 * headroom / FULL_HEADROOM, 0.0, 1.0)
    return np.asarray(np.where(np.isinf(max_rent), 1.0, fit), dtype=float)


def block_fit(
    block: BuildingBlock, pool: ScreenPool, rows: slice, weights: Weights, workspace: Workspace | None = None
) -> tuple[FloatArray, IntArray]:
    """Fit and best floor index of candidates ``rows`` in every building of ``block`` (c x b each).

    The fit is the unary score (occupancy, neighbourhood fit, building fit, budget fit, as
    :class:`~objectmatch.scoring.Scorer` weighs them) of the candidate's ``area_min`` on its
    best usable floor; ``-inf`` where it cannot use the building at all.
    """
    fn = pool.function[rows]
    pub, max_rent, area_min = pool.publicness[rows], pool.max_rent[rows], pool.area_min[rows]
    mask, flag, covered, key, other = (workspace or Workspace(len(fn), *block.level.shape)).take(len(fn))
    # The feasibility mask of objectmatch.encode.encode, for c candidates x b buildings x F floors.
    np.logical_and(block.permitted[:, fn].T[:, :, None], block.valid[None, :, :], out=mask)
    np.logical_or(~pool.needs_ground_floor[rows, None, None], (block.level == 0)[None, :, :], out=flag)
    mask &= flag
    np.greater_equal(block.free_height[None, :, :], pool.min_free_height[rows, None, None], out=flag)
    mask &= flag
    np.greater_equal(block.floor_load[None, :, :], pool.min_floor_load[rows, None, None], out=flag)
    mask &= flag
    np.less_equal(block.rent[None, :, :], max_rent[:, None, None], out=flag)
    mask &= flag
    # the checker's area rule (objectmatch.constraints): at least area_min, up to its tolerance
    need = area_min * (1 - AREA_TOLERANCE) - AREA_TOLERANCE
    usable = _usable_floors(mask, block.area, need, pool.max_floors[rows], covered, flag)
    w = weights
    # The best floor: the floor terms of Scorer.per_m2 (building fit and budget fit; the rest is
    # the same on every floor of a building), largest first, the lowest of equals.
    pot = block.potential[:, fn].T  # c x b: the assessment's potential of each one's function
    np.multiply(pub[:, None, None], (1.0 - block.reach)[None, :, :], out=key)
    key *= (-w.building_fit * pot)[:, :, None]
    headroom = np.subtract(max_rent[:, None, None], block.rent[None, :, :], out=other)
    headroom *= (0.5 / FULL_HEADROOM / block.rent)[None, :, :]
    headroom += 0.5
    np.clip(headroom, 0.0, 1.0, out=headroom)
    headroom *= w.budget_fit
    key += headroom
    np.logical_not(usable, out=flag)
    np.copyto(key, -np.inf, where=flag)
    best = np.argmax(key, axis=2)
    ok = usable.any(axis=2)
    # Scorer.per_m2 at the best floor, term by term in its order, so the numbers are the engine's.
    reach = np.take_along_axis(block.reach, best.T, axis=1).T
    rent = np.take_along_axis(block.rent, best.T, axis=1).T
    access = 1.0 - pub[:, None] * (1.0 - reach)
    per_m2 = (
        w.occupancy
        + w.neighbourhood_fit * _neighbourhood(pool.ident[rows], block.dna)
        + w.building_fit * (pot * access)
        + w.budget_fit * budget_fit(rent, np.broadcast_to(max_rent[:, None], rent.shape))
    ) / block.lettable[None, :]
    fit = np.where(ok, per_m2 * area_min[:, None], -np.inf)
    return fit, best


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
    per_function: int = 0,
) -> BlockTop:
    """The ``top`` best candidates of every building in ``block``, by fit, ties by candidate id.

    With ``per_function``, the best ``per_function`` candidates of every function are kept
    first (when the building has them), then the best others. Candidates are visited in
    blocks of ``block_size`` rows in id order and merged into running b x top lists: memory is
    O(block_size x b x F + b x top), whatever the pool size.
    """
    b = block.b
    best = _Running(b, top)
    quota = min(per_function, top)
    per_fn = [_Running(b, quota) for _ in pool.function_columns] if quota else []
    workspace = Workspace(min(block_size, pool.n), b, block.floors)
    for start in range(0, pool.n, block_size):
        rows = slice(start, min(start + block_size, pool.n))
        fit, floor = block_fit(block, pool, rows, weights, workspace)
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
