"""The search's neighbourhood: the estimated gain of every add, drop, swap and move at once.

For the current placement, a handful of matrix products give

* ``add[j, k]``: item j entering on run k -- its area value, its pair value with everyone already
  placed by where they sit relative to run k (one product per pair class), the conflict it brings
  and raises, the growth it gives up or displaces, and the count and presence terms it switches on;
* ``drop[i]``: item i leaving -- the same parts, with the conflict relief exact (each tenant's
  worst and second-worst neighbour);
* ``swap[i]``: i leaving for the best (j, k) among the most promising entrants, j on run k with i's
  room freed; j = i is a move of i to another run.

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
    """What every estimate of one placement shares."""

    chosen: IntArray
    occ: FloatArray
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
        self.classes = {c: m for c, m in problem.pair.items() if m is not None}
        self.partners: list[IntArray] = _partners(problem)
        self.exclusive_item = problem.rules.exclusive[problem.function] if len(problem.rules.exclusive) else (
            np.zeros(problem.n, dtype=bool)
        )

    # -- shared context ---------------------------------------------------------------------------
    def context(self, pl: Placement) -> Context:
        p, g = self.p, self.g
        chosen = pl.chosen
        occ = (pl.areas[chosen] > 0).astype(float)
        same = ((occ @ g.runs.T.astype(float)) > 0).astype(float)
        near = ((occ @ g.near.T.astype(float)) > 0).astype(float)
        street = ((occ @ p.street.astype(float)) > 0).astype(float)
        grown = pl.areas - pl.base
        rate = np.where(grown > 0, p.unary, np.inf).min(axis=0)
        slack = (p.amax - pl.areas.sum(axis=1))[:, None] > 0
        growing = (pl.areas > 0) & slack & (p.unary > 0)
        refill = np.where(growing, p.unary, 0.0).max(axis=0)
        refill_units = (growing * (p.amax - pl.areas.sum(axis=1))[:, None]).sum(axis=0)
        worst, second, worst_of = _worst_two(p, chosen, occ)
        return Context(
            chosen=chosen,
            occ=occ,
            same=same,
            near=near,
            street=street,
            room=pl.room(),
            free=np.asarray(p.cap - pl.areas.sum(axis=0)),
            grow_units=np.asarray(grown.sum(axis=0)),
            grow_rate=np.asarray(np.where(np.isfinite(rate), rate, 0.0)),
            refill_rate=np.asarray(refill),
            refill_units=np.asarray(refill_units),
            worst=worst,
            second=second,
            worst_of=worst_of,
            fn_count=np.bincount(p.function[chosen], minlength=p.n_functions),
            pioneers=int(p.pioneer[chosen].sum()),
            hearts_on_street=chosen[(p.heart[chosen]) & (street > 0)],
        )

    # -- adds ------------------------------------------------------------------------------------
    def pair_gain(self, ctx: Context, rows: IntArray) -> FloatArray:
        """Pair value ``rows`` would get from the placed items, per run (len(rows) x K)."""
        s = ctx.chosen
        out = np.zeros((len(rows), self.g.k))
        if not len(s):
            return out
        for cls, mat in self.classes.items():
            block = mat[np.ix_(rows, s)]
            if cls == "all":
                out += block.sum(axis=1)[:, None]
            elif cls == "near":
                out += block @ ctx.near
            elif cls == "same":
                out += block @ ctx.same
            else:
                out += (block @ ctx.street)[:, None] * self.g.street[None, :]
        return out

    def conflict_gain(self, ctx: Context, rows: IntArray) -> FloatArray:
        """Minus the conflict ``rows`` would bring (its own worst neighbour) and raise (neighbours'
        worst), per run."""
        p, g = self.p, self.g
        s = ctx.chosen
        if not len(s) or not p.conflict_cost.any():
            return np.zeros((len(rows), g.k))
        kk = p.conflict[np.ix_(rows, s)]
        # own worst neighbour: per floor, the worst among tenants within one level; per run, the max
        near_floor = (ctx.occ @ p.adjacent.astype(float)) > 0
        per_floor = (kk[:, :, None] * near_floor[None, :, :]).max(axis=1)
        own = np.where(g.runs[None, :, :], per_floor[:, None, :], 0.0).max(axis=2)
        raised = (np.maximum(kk - ctx.worst[None, :], 0.0) * p.conflict_cost[s][None, :]) @ ctx.near
        return np.asarray(-(p.conflict_cost[rows][:, None] * own) - raised)

    def growth_gain(self, ctx: Context, rows: IntArray) -> FloatArray:
        """Growth the entrant gives itself minus growth of others it displaces, per run."""
        p, g = self.p, self.g
        runs = g.runs.astype(float)
        free = runs @ ctx.free
        grow = runs @ ctx.grow_units
        rate = (runs @ ctx.grow_rate) / g.length
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
        gain = p.amin[rows][:, None] * g.unary[rows]
        gain = gain + self.pair_gain(ctx, rows) + self.conflict_gain(ctx, rows) + self.growth_gain(ctx, rows)
        if programme:
            gain = gain + self.programme_gain(pl, ctx, rows)
        return np.asarray(gain)

    def add_gains(
        self, pl: Placement, ctx: Context, rows: IntArray, room: IntArray | None = None, *, programme: bool = True
    ) -> FloatArray:
        """Estimated gain of ``rows`` entering on each run (``-inf`` where it cannot)."""
        gain = self.add_raw(pl, ctx, rows, programme=programme)
        return np.asarray(np.where(self.add_ok(pl, ctx, rows, room), gain, NEG))

    def add_ok(self, pl: Placement, ctx: Context, rows: IntArray, room: IntArray | None = None) -> BoolArray:
        """Which (row, run) entries are allowed: mask and length, room, exclusive floors, no forbidden partner."""
        free = ctx.room if room is None else room
        ok = self.room_ok(rows, free[None, :])[0] & self._exclusive_ok(pl, rows)
        placed = pl.run >= 0
        free_of_partners = np.array([not placed[self.partners[j]].any() for j in rows.tolist()], dtype=bool)
        return np.asarray(ok & free_of_partners[:, None])

    def room_ok(self, rows: IntArray, rooms: IntArray) -> BoolArray:
        """For each room vector (r x m), which (row, run) entries fit: ``r x len(rows) x K``."""
        p, g = self.p, self.g
        run_room = rooms @ g.runs.T.astype(np.int64)
        run_min = np.where(g.runs[None, :, :], rooms[:, None, :], np.iinfo(np.int64).max).min(axis=2)
        part = np.where(g.length[None, :] > 1, p.min_part[rows][:, None], 1)
        fits = (run_room[:, None, :] >= p.amin[rows][None, :, None]) & (run_min[:, None, :] >= part[None, :, :])
        return np.asarray(g.allowed[rows][None, :, :] & fits)

    def _exclusive_ok(self, pl: Placement, rows: IntArray, without: IntArray | None = None) -> BoolArray:
        """Exclusive functions hold their floors alone: per (row, run), no floor of the run mixes; with
        ``without`` (placed items), one answer per item left out: ``len(without) x len(rows) x K``."""
        p, g = self.p, self.g
        shape = (len(rows), g.k) if without is None else (len(without), len(rows), g.k)
        if not self.exclusive_item.any():
            return np.ones(shape, dtype=bool)
        on = pl.base > 0
        fn_floor = np.zeros((p.n_functions, p.m), dtype=np.int64)
        items, floors = np.nonzero(on)
        np.add.at(fn_floor, (p.function[items], floors), 1)
        if without is None:
            return self._exclusive_rows(fn_floor[None], rows)[0]
        stacks = np.repeat(fn_floor[None], len(without), axis=0)
        for t, i in enumerate(without.tolist()):
            stacks[t, p.function[i]] -= on[i]
        return self._exclusive_rows(stacks, rows)

    def _exclusive_rows(self, fn_floor: np.ndarray, rows: IntArray) -> BoolArray:
        p, g = self.p, self.g
        total = fn_floor.sum(axis=1)
        excl_on_floor = (fn_floor[:, p.rules.exclusive] > 0).any(axis=1)
        own = fn_floor[:, p.function[rows]]
        # an exclusive entrant needs floors holding only its function; others need floors with no exclusive one
        bad_floor = np.where(self.exclusive_item[rows][None, :, None], total[:, None, :] > own, excl_on_floor[:, None, :])
        return np.asarray(~((bad_floor.astype(np.int64) @ g.runs.T.astype(np.int64)) > 0))

    # -- drops -----------------------------------------------------------------------------------
    def drop_parts(self, pl: Placement, ctx: Context) -> tuple[FloatArray, FloatArray]:
        """(core, programme) change of each placed item leaving, in ``ctx.chosen`` order."""
        p = self.p
        s = ctx.chosen
        if not len(s):
            return np.zeros(0), np.zeros(0)
        unary = (pl.areas[s] * p.unary[s]).sum(axis=1)
        pair = np.zeros(len(s))
        same_ss = (ctx.occ @ ctx.occ.T) > 0
        near_ss = (ctx.occ @ p.adjacent.astype(float) @ ctx.occ.T) > 0
        for cls, mat in self.classes.items():
            block = mat[np.ix_(s, s)]
            ind = {"all": 1.0, "near": near_ss, "same": same_ss, "street": np.outer(ctx.street, ctx.street)}[cls]
            pair += (block * ind).sum(axis=1)
        relief = self._conflict_relief(ctx)
        refill = (np.minimum(pl.areas[s], ctx.refill_units[None, :]) * ctx.refill_rate[None, :]).sum(axis=1)
        core = -unary - pair + relief + refill
        return core, self._programme_loss(ctx)

    def _conflict_relief(self, ctx: Context) -> FloatArray:
        p = self.p
        s = ctx.chosen
        cost = p.conflict_cost[s]
        if not cost.any():
            return np.zeros(len(s))
        own = cost * ctx.worst
        # others whose worst neighbour was i fall back to their second worst
        drop = (ctx.worst - ctx.second) * cost
        others = np.bincount(ctx.worst_of[ctx.worst_of >= 0], weights=drop[ctx.worst_of >= 0], minlength=len(s))
        return np.asarray(own + others)

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

    # -- swaps and moves -------------------------------------------------------------------------
    def swaps(self, pl: Placement, ctx: Context, raw: FloatArray, rows: IntArray, core: FloatArray,
              prog: FloatArray, droppable: BoolArray) -> list[Move]:
        """For each droppable item i, the best entrant (j, run) with i's room freed, and the best run to
        move i to; estimated for all i, j and runs at once (``s x pool x K``)."""
        s = ctx.chosen
        drop_rows = np.flatnonzero(droppable)
        if not len(drop_rows):
            return []
        out = self._entries(pl, ctx, raw, rows, core, prog, drop_rows)
        out += self._moves(pl, ctx, core, drop_rows)
        return out + self._exchanges(pl, ctx, drop_rows)

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
        value = self.add_raw(pl, ctx, items, programme=False)
        at = value[:, runs]  # at[a, b]: item a at b's run
        own = np.diag(at)
        same = self._pair_at_same(ctx, rows, items)
        now = self._pair_now(ctx, rows, items)
        gain = at + at.T - own[:, None] - own[None, :] - (same + same.T - 2 * now)
        floors = g.first[runs]
        room = ctx.room[floors][None, :] + pl.base[items, floors][None, :]  # room at b's floor with b gone
        fits = (room >= p.amin[items][:, None]) & (room.T >= p.amin[items][None, :])
        ok = fits & fits.T & g.allowed[items][:, runs] & g.allowed[items][:, runs].T & (floors[:, None] != floors[None, :])
        gain = np.where(np.triu(ok, 1), gain, NEG)
        out: list[Move] = []
        for flat in np.argsort(-gain, axis=None, kind="stable")[:8].tolist():
            a, b = divmod(flat, len(items))
            if np.isfinite(gain[a, b]):
                out.append(Move(float(gain[a, b]), int(items[a]), int(items[b]), EXCHANGE))
        return out

    def _pair_at_same(self, ctx: Context, rows: IntArray, items: IntArray) -> FloatArray:
        """``S[a, b]``: pair value of a with b as the add estimate counts it for a at b's run (a
        neighbour on the same floor, street as b's)."""
        out = np.zeros((len(items), len(items)))
        for cls, mat in self.classes.items():
            block = mat[np.ix_(items, items)]
            out += block * ctx.street[rows][None, :] if cls == "street" else block
        return out

    def _pair_now(self, ctx: Context, rows: IntArray, items: IntArray) -> FloatArray:
        """Pair value of two placed items where they sit now."""
        occ = ctx.occ[rows]
        same = (occ @ occ.T) > 0
        near = (occ @ self.p.adjacent.astype(float) @ occ.T) > 0
        out = np.zeros((len(items), len(items)))
        for cls, mat in self.classes.items():
            block = mat[np.ix_(items, items)]
            ind = {"all": 1.0, "near": near, "same": same, "street": np.outer(ctx.street[rows], ctx.street[rows])}[cls]
            out += block * ind
        return out

    def _freed(self, pl: Placement, ctx: Context, drop_rows: IntArray) -> IntArray:
        """Room per floor with each droppable item gone (``len(drop_rows) x m``)."""
        return np.asarray(ctx.room[None, :] + pl.base[ctx.chosen[drop_rows]])

    def _entries(self, pl: Placement, ctx: Context, raw: FloatArray, rows: IntArray, core: FloatArray,
                 prog: FloatArray, drop_rows: IntArray) -> list[Move]:
        g = self.g
        if not len(rows):
            return []
        best = np.where(np.isfinite(raw), raw, NEG).max(axis=1)
        pick = np.argsort(-best, kind="stable")[: self.swap_pool]
        pool = rows[pick]
        leaving = ctx.chosen[drop_rows]
        gains = raw[pick][None, :, :] - self._pair_with(pool, drop_rows, ctx)
        gains += (core[drop_rows] + prog[drop_rows])[:, None, None]
        ok = self.room_ok(pool, self._freed(pl, ctx, drop_rows)) & self._exclusive_ok(pl, pool, leaving)
        ok &= self._partners_ok(pl, pool, leaving)[:, :, None]
        gains = np.where(ok, gains, NEG)
        out: list[Move] = []
        flat = gains.reshape(len(drop_rows), -1)
        best_flat = flat.argmax(axis=1)
        for t, f in enumerate(best_flat.tolist()):
            if np.isfinite(flat[t, f]):
                r, k = divmod(f, g.k)
                out.append(Move(float(flat[t, f]), int(leaving[t]), int(pool[r]), k))
        return out

    def _partners_ok(self, pl: Placement, pool: IntArray, leaving: IntArray) -> BoolArray:
        """Entrant j may come in for i: no forbidden partner of j stays placed (``len(leaving) x pool``)."""
        placed = pl.run >= 0
        out = np.ones((len(leaving), len(pool)), dtype=bool)
        for r, j in enumerate(pool.tolist()):
            partners = self.partners[j][placed[self.partners[j]]]
            if len(partners) == 1:
                out[:, r] = leaving == partners[0]
            elif len(partners) > 1:
                out[:, r] = False
        return out

    def _moves(self, pl: Placement, ctx: Context, core: FloatArray, drop_rows: IntArray) -> list[Move]:
        """Each droppable item to its best other run, its own room freed."""
        g = self.g
        items = ctx.chosen[drop_rows]
        raw = self.add_raw(pl, ctx, items, programme=False) + core[drop_rows][:, None]
        ok = self.room_ok(items, self._freed(pl, ctx, drop_rows))
        ok = ok[np.arange(len(items)), np.arange(len(items))] & self._exclusive_ok(pl, items, items)[
            np.arange(len(items)), np.arange(len(items))
        ]
        gains = np.where(ok, raw + np.stack([self._heart_shift(ctx, int(t)) for t in drop_rows]), NEG)
        gains[np.arange(len(items)), pl.run[items]] = NEG  # staying put is no move
        out: list[Move] = []
        for t, i in enumerate(items.tolist()):
            k = int(np.argmax(gains[t]))
            if np.isfinite(gains[t, k]):
                out.append(Move(float(gains[t, k]), i, i, k))
        return out

    def _heart_shift(self, ctx: Context, t: int) -> FloatArray:
        """Heart term change when the t-th placed item moves to each run."""
        p, g = self.p, self.g
        i = int(ctx.chosen[t])
        if not p.heart_weight or not p.heart[i]:
            return np.zeros(g.k)
        hearts = set(ctx.hearts_on_street.tolist())
        if hearts == {i}:
            return np.asarray(-p.heart_weight * ~g.street)
        if not hearts:
            return np.asarray(p.heart_weight * g.street.astype(float))
        return np.zeros(g.k)

    def _pair_with(self, pool: IntArray, drop_rows: IntArray, ctx: Context) -> FloatArray:
        """Pair value each entrant would have had with each leaving item, per run (``t x pool x K``)."""
        leaving = ctx.chosen[drop_rows]
        out = np.zeros((len(leaving), len(pool), self.g.k))
        for cls, mat in self.classes.items():
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


def _partners(problem: ArrayProblem) -> list[IntArray]:
    partners: list[list[int]] = [[] for _ in range(problem.n)]
    for a, b in problem.rules.forbidden.tolist():
        partners[a].append(b)
        partners[b].append(a)
    return [np.array(x, dtype=np.int64) for x in partners]


def _worst_two(problem: ArrayProblem, chosen: IntArray, occ: FloatArray) -> tuple[FloatArray, FloatArray, IntArray]:
    """Per placed item: its worst and second-worst conflict among neighbours, and who the worst is."""
    s = len(chosen)
    if s == 0:
        return np.zeros(0), np.zeros(0), np.zeros(0, dtype=np.int64)
    near = (occ @ problem.adjacent.astype(float) @ occ.T) > 0
    kn = problem.conflict[np.ix_(chosen, chosen)] * near
    np.fill_diagonal(kn, 0.0)
    if s == 1:
        return np.zeros(1), np.zeros(1), np.full(1, -1, dtype=np.int64)
    order = np.argsort(-kn, axis=1, kind="stable")
    worst = kn[np.arange(s), order[:, 0]]
    second = kn[np.arange(s), order[:, 1]]
    worst_of = np.where(worst > 0, order[:, 0], -1)
    return worst, second, np.asarray(worst_of, dtype=np.int64)
