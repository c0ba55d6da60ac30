"""The search's neighbourhood: the estimated gain of every add, drop, swap, move and exchange at once.

From the running sums a placement keeps (:mod:`objectmatch._engine.state`), a few array operations give

* ``add[j, k]``: item j entering on run k -- its area value, its pair value with everyone placed by
  where they sit relative to run k, the conflict it brings (its worst neighbour) and raises (its
  neighbours' worst), the growth it gives up or displaces, and the count and presence terms it
  switches on;
* ``drop[i]``: item i leaving -- the same parts, with the conflict relief exact (each tenant's
  worst and second-worst neighbour);
* swaps: i leaving for the best few (j, k) among the most promising entrants, j on run k with i's
  room freed (``s x pool x K`` at once; the part of i's room j takes is not counted as refilled by
  the others); moves: i to its best other run; exchanges: two
  single-floor items trade floors.

Estimates are exact for plain quadratic knapsacks (one floor, fixed sizes); elsewhere the search
re-scores the most promising moves exactly (:meth:`~objectmatch._engine.state.Placement.fill` and
:meth:`~objectmatch._engine.problem.ArrayProblem.value`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from objectmatch._engine.encode import BoolArray, FloatArray, IntArray
from objectmatch._engine.problem import ArrayProblem
from objectmatch._engine.state import Geometry, Placement

__all__ = ["EXCHANGE", "Move", "Neighbourhood"]

NEG = -np.inf
#: ``Move.run`` of an exchange of two placed items' runs.
EXCHANGE = -2
#: Swaps offered per leaving item: its best few entrants (measured on 200 x 12 and 100 x 8 pools: three
#: beat one, six spread the exact re-scoring too thin).
SWAPS_PER_LEAVER = 3


@dataclass(frozen=True, order=True)
class Move:
    """One move: ``out`` leaves (or -1), ``into`` enters on ``run`` (or -1); with ``run == EXCHANGE``
    the placed items ``out`` and ``into`` trade places. ``gain`` is estimated."""

    gain: float
    out: int
    into: int
    run: int


@dataclass
class Context:
    """What every estimate of one placement shares (``chosen``-indexed arrays are per placed item)."""

    chosen: IntArray
    same: FloatArray
    near: FloatArray
    street: FloatArray
    room: IntArray
    free: IntArray
    grow_units: IntArray
    grow_rate: FloatArray
    refill_rate: FloatArray
    refill_units: IntArray
    worst: FloatArray
    second: FloatArray
    worst_of: IntArray
    fn_count: IntArray
    pioneers: int
    hearts_on_street: IntArray


class Neighbourhood:
    """Estimated gains of moves from a placement (see the module docstring)."""

    def __init__(self, problem: ArrayProblem, geometry: Geometry, swap_pool: int = 48) -> None:
        self.p = problem
        self.g = geometry
        self.swap_pool = swap_pool
        self.runs_f = geometry.runs.T.astype(float)
        self.runs_i = geometry.runs.T.astype(np.int64)
        self.has_conflict = bool(problem.conflict_cost.any())
        self.exclusive_item = (
            problem.rules.exclusive[problem.function] if len(problem.rules.exclusive) else np.zeros(problem.n, bool)
        )

    # -- shared context ---------------------------------------------------------------------------
    def context(self, pl: Placement) -> Context:
        p, g = self.p, self.g
        chosen = pl.chosen
        runs = pl.run[chosen]
        grown = pl.areas - pl.base
        rate = np.where(grown > 0, p.unary, np.inf).min(axis=0)
        slack = p.amax - pl.areas.sum(axis=1)
        growing = (pl.areas > 0) & (slack > 0)[:, None] & (p.unary > 0)
        worst, second, worst_of = self._worst_two(chosen, runs)
        street = g.street[runs].astype(float)
        return Context(
            chosen=chosen,
            same=(g.runs[runs].astype(float) @ self.runs_f > 0).astype(float),
            near=(g.near[runs].astype(float) @ self.runs_f > 0).astype(float),
            street=street,
            room=pl.room(),
            free=np.asarray(p.cap - pl.areas.sum(axis=0)),
            grow_units=np.asarray(grown.sum(axis=0)),
            grow_rate=np.asarray(np.where(np.isfinite(rate), rate, 0.0)),
            refill_rate=np.asarray(np.where(growing, p.unary, 0.0).max(axis=0)),
            refill_units=np.asarray((growing * slack[:, None]).sum(axis=0)),
            worst=worst,
            second=second,
            worst_of=worst_of,
            fn_count=np.bincount(p.function[chosen], minlength=p.n_functions),
            pioneers=int(p.pioneer[chosen].sum()),
            hearts_on_street=chosen[p.heart[chosen] & (street > 0)],
        )

    def _worst_two(self, chosen: IntArray, runs: IntArray) -> tuple[FloatArray, FloatArray, IntArray]:
        """Per placed item: its worst and second-worst conflict among neighbours, and which (position) is worst."""
        s = len(chosen)
        if s < 2 or not self.has_conflict:
            return np.zeros(s), np.zeros(s), np.full(s, -1, dtype=np.int64)
        g = self.g
        near = (g.runs[runs].astype(float) @ g.near[runs].T.astype(float)) > 0
        kn = self.p.conflict[np.ix_(chosen, chosen)] * near
        np.fill_diagonal(kn, 0.0)
        order = np.argsort(-kn, axis=1, kind="stable")
        worst = kn[np.arange(s), order[:, 0]]
        second = kn[np.arange(s), order[:, 1]]
        return worst, second, np.asarray(np.where(worst > 0, order[:, 0], -1), dtype=np.int64)

    # -- adds ------------------------------------------------------------------------------------
    def pair_gain(self, pl: Placement, rows: IntArray) -> FloatArray:
        """Pair value ``rows`` would get from the placed items, per run (len(rows) x K)."""
        g = self.g
        out = np.zeros((len(rows), g.k))
        for cls, total in pl.pair.items():
            if cls == "all":
                out += total[rows][:, None]
            elif cls == "street":
                out += total[rows][:, None] * g.street[None, :]
            else:  # per floor; a run takes the mean over its floors (exact for single floors)
                out += (total[rows] @ self.runs_f) / g.length[None, :]
        return out

    def conflict_gain(self, pl: Placement, ctx: Context, rows: IntArray) -> FloatArray:
        """Minus the conflict ``rows`` would bring (its worst neighbour) and raise (neighbours' worst), per run."""
        p, g = self.p, self.g
        if not self.has_conflict or not len(ctx.chosen):
            return np.zeros((len(rows), g.k))
        own = np.where(g.runs[None, :, :], pl.worst[rows][:, None, :], 0.0).max(axis=2)
        s = ctx.chosen
        raised = (np.maximum(p.conflict[np.ix_(rows, s)] - ctx.worst[None, :], 0.0) * p.conflict_cost[s][None, :])
        return np.asarray(-(p.conflict_cost[rows][:, None] * own) - raised @ ctx.near)

    def growth_gain(self, ctx: Context, rows: IntArray) -> FloatArray:
        """Growth the entrant gives itself minus growth of others it displaces, per run."""
        p, g = self.p, self.g
        free = ctx.free @ self.runs_f
        grow = ctx.grow_units @ self.runs_f
        rate = (ctx.grow_rate @ self.runs_f) / g.length
        amin = p.amin[rows][:, None].astype(float)
        displaced = np.clip(amin - free[None, :], 0.0, grow[None, :])
        own = np.minimum((p.amax[rows] - p.amin[rows])[:, None], np.maximum(free[None, :] - amin, 0.0))
        return np.asarray(own * np.maximum(g.unary[rows], 0.0) - displaced * rate[None, :])

    def programme_gain(self, pl: Placement, ctx: Context, rows: IntArray) -> FloatArray:
        """Count and presence terms an entrant switches on, per run (a placed row only moves)."""
        p, g = self.p, self.g
        gain = np.zeros((len(rows), g.k))
        n_fn = int((ctx.fn_count > 0).sum())
        if p.diversity_weight and n_fn < p.diversity_target:
            gain += (p.diversity_weight / p.diversity_target) * (ctx.fn_count[p.function[rows]] == 0)[:, None]
        if p.pioneer_weight and ctx.pioneers < p.pioneer_target:
            gain += (p.pioneer_weight / p.pioneer_target) * (p.pioneer[rows] & (pl.run[rows] < 0))[:, None]
        if p.heart_weight and not len(ctx.hearts_on_street):
            gain += p.heart_weight * (p.heart[rows][:, None] & g.street[None, :])
        return gain

    def add_raw(self, pl: Placement, ctx: Context, rows: IntArray, *, programme: bool = True) -> FloatArray:
        """Estimated gain of ``rows`` entering on each run, whether or not it may."""
        p, g = self.p, self.g
        gain = p.amin[rows][:, None] * g.unary[rows] + self.pair_gain(pl, rows)
        gain = gain + self.conflict_gain(pl, ctx, rows) + self.growth_gain(ctx, rows)
        if programme:
            gain = gain + self.programme_gain(pl, ctx, rows)
        return np.asarray(gain)

    def add_ok(self, pl: Placement, ctx: Context, rows: IntArray) -> BoolArray:
        """Which (row, run) entries are allowed: mask and length, room, exclusive floors, no forbidden partner."""
        ok = self.room_ok(rows, ctx.room[None, :])[0] & self.exclusive_ok(pl, rows)
        return np.asarray(ok & (pl.blocked[rows] == 0)[:, None])

    def room_ok(self, rows: IntArray, rooms: IntArray) -> BoolArray:
        """For each room vector (r x m), which (row, run) entries fit: ``r x len(rows) x K``."""
        p, g = self.p, self.g
        run_room = rooms @ self.runs_i
        run_min = np.where(g.runs[None, :, :], rooms[:, None, :], np.iinfo(np.int64).max).min(axis=2)
        part = np.where(g.length[None, :] > 1, p.min_part[rows][:, None], 1)
        fits = (run_room[:, None, :] >= p.amin[rows][None, :, None]) & (run_min[:, None, :] >= part[None, :, :])
        return np.asarray(g.allowed[rows][None, :, :] & fits)

    def exclusive_ok(self, pl: Placement, rows: IntArray, without: IntArray | None = None) -> BoolArray:
        """Exclusive functions hold their floors alone: per (row, run), no floor of the run mixes; with
        ``without`` (placed items), one answer per item left out: ``len(without) x len(rows) x K``."""
        p, g = self.p, self.g
        shape = (len(rows), g.k) if without is None else (len(without), len(rows), g.k)
        if not self.exclusive_item.any() or not (
            self.exclusive_item[rows].any() or pl.fn_floor[p.rules.exclusive].any()
        ):
            return np.ones(shape, dtype=bool)
        if without is None:
            return np.asarray(self._exclusive_rows(pl.fn_floor[None], rows)[0], dtype=bool)
        stacks = np.repeat(pl.fn_floor[None], len(without), axis=0)
        for t, i in enumerate(without.tolist()):
            stacks[t, p.function[i]] -= self.g.runs[pl.run[i]]
        return self._exclusive_rows(stacks, rows)

    def _exclusive_rows(self, fn_floor: np.ndarray, rows: IntArray) -> BoolArray:
        p = self.p
        total = fn_floor.sum(axis=1)
        excl_on_floor = np.asarray((fn_floor[:, p.rules.exclusive] > 0).any(axis=1), dtype=bool)
        own = fn_floor[:, p.function[rows]]
        # an exclusive entrant needs floors holding only its function; others need floors with no exclusive one
        bad = np.where(self.exclusive_item[rows][None, :, None], total[:, None, :] > own, excl_on_floor[:, None, :])
        return np.asarray((bad.astype(np.int64) @ self.runs_i) == 0)

    # -- drops -----------------------------------------------------------------------------------
    def drop_parts(self, pl: Placement, ctx: Context) -> tuple[FloatArray, FloatArray]:
        """(core, programme) change of each placed item leaving, in ``ctx.chosen`` order."""
        p = self.p
        s = ctx.chosen
        if not len(s):
            return np.zeros(0), np.zeros(0)
        unary = (pl.areas[s] * p.unary[s]).sum(axis=1)
        pair = self.pair_gain(pl, s)[np.arange(len(s)), pl.run[s]]
        core = -unary - pair + self._conflict_relief(ctx) + self._refill(pl, ctx)
        return core, self._programme_loss(ctx)

    def _refill(self, pl: Placement, ctx: Context) -> FloatArray:
        """Value others regain by growing into each placed item's room when it leaves."""
        s = ctx.chosen
        return np.asarray((np.minimum(pl.areas[s], ctx.refill_units[None, :]) * ctx.refill_rate[None, :]).sum(axis=1))

    def _conflict_relief(self, ctx: Context) -> FloatArray:
        s = ctx.chosen
        cost = self.p.conflict_cost[s]
        if not self.has_conflict:
            return np.zeros(len(s))
        fall = (ctx.worst - ctx.second) * cost  # others whose worst neighbour leaves fall back to their second
        hit = ctx.worst_of >= 0
        return np.asarray(cost * ctx.worst + np.bincount(ctx.worst_of[hit], weights=fall[hit], minlength=len(s)))

    def _programme_loss(self, ctx: Context) -> FloatArray:
        p = self.p
        s = ctx.chosen
        loss = np.zeros(len(s))
        n_fn = int((ctx.fn_count > 0).sum())
        if p.diversity_weight and n_fn <= p.diversity_target:
            loss -= (p.diversity_weight / p.diversity_target) * (ctx.fn_count[p.function[s]] == 1)
        if p.pioneer_weight and ctx.pioneers <= p.pioneer_target:
            loss -= (p.pioneer_weight / p.pioneer_target) * p.pioneer[s]
        if p.heart_weight and len(ctx.hearts_on_street) == 1:
            loss -= p.heart_weight * (s == ctx.hearts_on_street[0])
        return loss

    # -- swaps, moves, exchanges ------------------------------------------------------------------
    def swaps(self, pl: Placement, ctx: Context, raw: FloatArray, rows: IntArray, core: FloatArray,
              prog: FloatArray, droppable: BoolArray) -> list[Move]:
        """For each droppable item i, the best entrant (j, run) with i's room freed, the best run to move
        i to, and the best exchanges of two placed items' floors."""
        drop_rows = np.flatnonzero(droppable)
        if not len(drop_rows):
            return []
        out = self._entries(pl, ctx, raw, rows, core, prog, drop_rows)
        return out + self._moves(pl, ctx, core, drop_rows) + self._exchanges(pl, ctx, drop_rows)

    def _freed(self, pl: Placement, ctx: Context, drop_rows: IntArray) -> IntArray:
        """Room per floor with each droppable item gone (``len(drop_rows) x m``)."""
        return np.asarray(ctx.room[None, :] + pl.base[ctx.chosen[drop_rows]])

    def _entries(self, pl: Placement, ctx: Context, raw: FloatArray, rows: IntArray, core: FloatArray,
                 prog: FloatArray, drop_rows: IntArray) -> list[Move]:
        g = self.g
        if not len(rows):
            return []
        pick = np.argsort(-raw.max(axis=1), kind="stable")[: self.swap_pool]
        pool = rows[pick]
        leaving = ctx.chosen[drop_rows]
        gains = raw[pick][None, :, :] - self._pair_with(pool, drop_rows, ctx)
        gains += (core[drop_rows] + prog[drop_rows])[:, None, None]
        # the entrant takes part of the room the leaver frees: that part is not refilled by the others
        left = pl.areas[leaving].sum(axis=1).astype(float)
        taken = np.minimum(self.p.amin[pool][None, :] / np.maximum(left, 1.0)[:, None], 1.0)
        gains -= (self._refill(pl, ctx)[drop_rows][:, None] * taken)[:, :, None]
        ok = self.room_ok(pool, self._freed(pl, ctx, drop_rows)) & self.exclusive_ok(pl, pool, leaving)
        ok &= self._partners_ok(pl, pool, leaving)[:, :, None]
        flat = np.where(ok, gains, NEG).reshape(len(drop_rows), -1)
        top = np.argsort(-flat, axis=1, kind="stable")[:, :SWAPS_PER_LEAVER]
        out: list[Move] = []
        for t, row in enumerate(top.tolist()):
            for f in row:
                if np.isfinite(flat[t, f]):
                    r, k = divmod(f, g.k)
                    out.append(Move(float(flat[t, f]), int(leaving[t]), int(pool[r]), k))
        return out

    def _partners_ok(self, pl: Placement, pool: IntArray, leaving: IntArray) -> BoolArray:
        """Entrant j may come in for i: no forbidden partner of j stays placed (``len(leaving) x pool``)."""
        out = np.ones((len(leaving), len(pool)), dtype=bool)
        for r in np.flatnonzero(pl.blocked[pool] > 0).tolist():
            partners = self.g.partners[pool[r]]
            placed = partners[pl.run[partners] >= 0]
            out[:, r] = (leaving == placed[0]) if len(placed) == 1 else False
        return out

    def _moves(self, pl: Placement, ctx: Context, core: FloatArray, drop_rows: IntArray) -> list[Move]:
        """Each droppable item to its best other run, its own room freed."""
        items = ctx.chosen[drop_rows]
        diag = np.arange(len(items))
        raw = self.add_raw(pl, ctx, items, programme=False) + core[drop_rows][:, None]
        ok = self.room_ok(items, self._freed(pl, ctx, drop_rows))[diag, diag]
        ok &= self.exclusive_ok(pl, items, items)[diag, diag]
        gains = np.where(ok, raw + self._heart_shift(ctx, drop_rows), NEG)
        gains[diag, pl.run[items]] = NEG  # staying put is no move
        best = gains.argmax(axis=1)
        return [Move(float(gains[t, k]), int(i), int(i), int(k))
                for t, (i, k) in enumerate(zip(items.tolist(), best.tolist(), strict=True)) if np.isfinite(gains[t, k])]

    def _heart_shift(self, ctx: Context, drop_rows: IntArray) -> FloatArray:
        """Heart term change when each placed item moves to each run."""
        p, g = self.p, self.g
        out = np.zeros((len(drop_rows), g.k))
        if not p.heart_weight:
            return out
        items = ctx.chosen[drop_rows]
        hearts = set(ctx.hearts_on_street.tolist())
        for t, i in enumerate(items.tolist()):
            if p.heart[i] and hearts == {i}:
                out[t] = -p.heart_weight * ~g.street
            elif p.heart[i] and not hearts:
                out[t] = p.heart_weight * g.street
        return out

    def _exchanges(self, pl: Placement, ctx: Context, rows: IntArray) -> list[Move]:
        """Two single-floor items trade floors: each one's value at the other's run minus at its own,
        the pair between them unchanged (they keep their distance), where both fit."""
        p, g = self.p, self.g
        items = ctx.chosen[rows]
        single = g.length[pl.run[items]] == 1
        items, rows = items[single], rows[single]
        if len(items) < 2:
            return []
        runs = pl.run[items]
        at = self.add_raw(pl, ctx, items, programme=False)[:, runs]  # at[a, b]: item a at b's run
        own = np.diag(at)
        same, now = self._pair_at_same(ctx, rows, items), self._pair_now(pl, ctx, rows, items)
        gain = at + at.T - own[:, None] - own[None, :] - (same + same.T - 2 * now)
        floors = g.first[runs]
        room = ctx.room[floors][None, :] + pl.base[items, floors][None, :]  # room at b's floor with b gone
        fits = (room >= p.amin[items][:, None]) & g.allowed[items][:, runs]
        ok = fits & fits.T & (floors[:, None] != floors[None, :])
        if self.exclusive_item.any():
            ok &= p.function[items][:, None] == p.function[items][None, :]
        gain = np.where(np.triu(ok, 1), gain, NEG)
        out: list[Move] = []
        for flat in np.argsort(-gain, axis=None, kind="stable")[:8].tolist():
            a, b = divmod(flat, len(items))
            if np.isfinite(gain[a, b]):
                out.append(Move(float(gain[a, b]), int(items[a]), int(items[b]), EXCHANGE))
        return out

    def _pair_at_same(self, ctx: Context, rows: IntArray, items: IntArray) -> FloatArray:
        """``S[a, b]``: pair value of a with b as the add estimate counts it for a at b's run."""
        out = np.zeros((len(items), len(items)))
        for cls, mat in self.p.pair.items():
            block = mat[np.ix_(items, items)]
            out += block * ctx.street[rows][None, :] if cls == "street" else block
        return out

    def _pair_now(self, pl: Placement, ctx: Context, rows: IntArray, items: IntArray) -> FloatArray:
        """Pair value of two placed items where they sit now."""
        g = self.g
        runs = pl.run[items]
        on = g.runs[runs].astype(float)
        indicator = {
            "all": np.ones((len(items), len(items))),
            "near": (on @ g.near[runs].T.astype(float)) > 0,
            "same": (on @ on.T) > 0,
            "street": np.outer(ctx.street[rows], ctx.street[rows]),
        }
        out = np.zeros((len(items), len(items)))
        for cls, mat in self.p.pair.items():
            out += mat[np.ix_(items, items)] * indicator[cls]
        return out

    def _pair_with(self, pool: IntArray, drop_rows: IntArray, ctx: Context) -> FloatArray:
        """Pair value each entrant would have had with each leaving item, per run (``t x pool x K``)."""
        leaving = ctx.chosen[drop_rows]
        out = np.zeros((len(leaving), len(pool), self.g.k))
        for cls, mat in self.p.pair.items():
            col = mat[np.ix_(leaving, pool)][:, :, None]
            if cls == "all":
                out += col
            elif cls == "near":
                out += col * ctx.near[drop_rows][:, None, :]
            elif cls == "same":
                out += col * ctx.same[drop_rows][:, None, :]
            else:
                out += col * (ctx.street[drop_rows][:, None, None] * self.g.street[None, None, :])
        return out
