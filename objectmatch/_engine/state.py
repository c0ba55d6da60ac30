"""A placement under construction: who sits on which run of floors, with how many area units.

The search moves items between "out" and *runs* (contiguous floors, up to an item's
``max_floors``). An item enters at its ``amin`` units (split over its run, at least its ``min_part``
on each floor); :meth:`Placement.fill` then grows items towards ``amax`` into the room left, the
most valuable units first -- for single-floor items that is the best areas for the floors chosen,
and :func:`objectmatch._engine.areas.allocate` makes it exact for the answers kept.

A placement keeps running sums that every estimate reads (what each item would get from the pair
classes on each floor, each item's worst conflict near each floor, which functions hold each floor,
how many placed partners block each item), updated in O(n) per floor when an item comes or goes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from objectmatch._engine.encode import BoolArray, FloatArray, IntArray
from objectmatch._engine.problem import ArrayProblem

__all__ = ["Geometry", "Placement"]


@dataclass(frozen=True, eq=False)
class Geometry:
    """The runs of floors items may take, and what the search reads about problem and runs.

    ``runs`` is K x m (run k covers floors ``runs[k]``); ``allowed[i, k]``: item i may take run k
    (every floor in its mask, no longer than its ``max_floors``); ``street[k]``: run k touches a
    street-facing floor; ``near[k]``: floors within one level of run k; ``unary[i, k]``: item i's mean
    value per unit over run k; ``partners[i]``: items i may not share the building with.
    """

    runs: BoolArray
    length: IntArray
    first: IntArray
    allowed: BoolArray
    street: BoolArray
    near: BoolArray
    unary: FloatArray
    partners: tuple[IntArray, ...]

    @classmethod
    def of(cls, problem: ArrayProblem) -> Geometry:
        m = problem.m
        longest = int(min(m, problem.max_floors[problem.active].max(initial=1)))
        spans = [(s, ln) for ln in range(1, longest + 1) for s in range(m - ln + 1)]
        runs = np.zeros((len(spans), m), dtype=bool)
        for k, (s, ln) in enumerate(spans):
            runs[k, s : s + ln] = True
        length = runs.sum(axis=1)
        covered = (problem.mask.astype(np.int64) @ runs.T.astype(np.int64)) == length[None, :]
        allowed = covered & (length[None, :] <= problem.max_floors[:, None])
        near = (runs.astype(float) @ problem.adjacent.astype(float)) > 0
        unary = (problem.unary @ runs.T.astype(float)) / length[None, :]
        partners: list[list[int]] = [[] for _ in range(problem.n)]
        for a, b in problem.rules.forbidden.tolist():
            partners[a].append(b)
            partners[b].append(a)
        return cls(
            runs=runs,
            length=np.asarray(length, dtype=np.int64),
            first=np.array([s for s, _ in spans], dtype=np.int64),
            allowed=np.asarray(allowed),
            street=np.asarray((runs & problem.street[None, :]).any(axis=1)),
            near=np.asarray(near),
            unary=np.asarray(unary),
            partners=tuple(np.array(x, dtype=np.int64) for x in partners),
        )

    @property
    def k(self) -> int:
        return len(self.runs)


class Placement:
    """Items on runs with their areas and running sums; mutable, owned by one search."""

    def __init__(self, problem: ArrayProblem, geometry: Geometry) -> None:
        n, m = problem.n, problem.m
        self.p = problem
        self.g = geometry
        self.run = np.full(n, -1, dtype=np.int64)
        self.base = np.zeros((n, m), dtype=np.int64)
        self.areas = np.zeros((n, m), dtype=np.int64)
        # running sums (see the module docstring)
        self.pair = {cls: np.zeros(n) if cls in ("all", "street") else np.zeros((n, m)) for cls in problem.pair}
        self.worst = np.zeros((n, m))  # worst conflict with a placed item near floor f
        self.fn_floor = np.zeros((problem.n_functions, m), dtype=np.int64)
        self.blocked = np.zeros(n, dtype=np.int64)
        self.known: float | None = None  # the value, where a search keeps it exactly without re-scoring

    def copy(self) -> Placement:
        other = Placement.__new__(Placement)
        other.p, other.g = self.p, self.g
        other.run = self.run.copy()
        other.base = self.base.copy()
        other.areas = self.areas.copy()
        other.pair = {cls: v.copy() for cls, v in self.pair.items()}
        other.worst = self.worst.copy()
        other.fn_floor = self.fn_floor.copy()
        other.blocked = self.blocked.copy()
        other.known = None
        return other

    @property
    def chosen(self) -> IntArray:
        return np.flatnonzero(self.run >= 0)

    def key(self) -> tuple[int, ...]:
        """Item -> run of every placed item, as a hashable key."""
        return tuple(self.run.tolist())

    def room(self) -> IntArray:
        """Units left on each floor by the items at their base areas."""
        return np.asarray(self.p.cap - self.base.sum(axis=0))

    def _near_floors(self, run: int) -> BoolArray:
        return np.asarray(self.g.near[run])

    def _account(self, item: int, run: int, sign: int) -> None:
        """Add (sign 1) or take away (sign -1) ``item`` on ``run`` from the running sums."""
        p = self.p
        floors = self.g.runs[run]
        for cls, total in self.pair.items():
            col = p.pair[cls][item]  # the matrices are symmetric: a row is the column, and contiguous
            if cls == "all":
                total += sign * col
            elif cls == "street":
                if self.g.street[run]:
                    total += sign * col
            elif cls == "same":
                total[:, floors] += sign * col[:, None]
            else:
                total[:, self._near_floors(run)] += sign * col[:, None]
        self.fn_floor[p.function[item], floors] += sign
        partners = self.g.partners[item]
        if len(partners):
            self.blocked[partners] += sign

    def _refresh_worst(self, floors: BoolArray) -> None:
        """Worst conflict near the given floors, recomputed from the items placed near them."""
        if not self.p.conflict_cost.any():
            return
        for f in np.flatnonzero(floors).tolist():
            near = np.flatnonzero((self.run >= 0) & self.g.near[np.maximum(self.run, 0), f])
            self.worst[:, f] = self.p.conflict[:, near].max(axis=1) if len(near) else 0.0

    def put(self, item: int, run: int) -> None:
        """Place ``item`` on ``run`` at its amin units: at least its min_part on every floor, the rest on
        its best floors first."""
        floors = np.flatnonzero(self.g.runs[run])
        if len(floors) == 1:
            self.base[item, floors[0]] = self.p.amin[item]
        else:
            room = self.room()
            share = np.full(len(floors), self.p.min_part[item], dtype=np.int64)
            rest = int(self.p.amin[item]) - int(share.sum())
            for f in sorted(range(len(floors)), key=lambda t: (-self.p.unary[item, floors[t]], t)):
                take = min(rest, int(room[floors[f]]) - int(share[f]))
                share[f] += max(take, 0)
                rest -= max(take, 0)
            self.base[item, floors] = share
        self.run[item] = run
        self._account(item, run, 1)
        if self.p.conflict_cost.any():
            near = self._near_floors(run)
            self.worst[:, near] = np.maximum(self.worst[:, near], self.p.conflict[:, item][:, None])

    def remove(self, item: int) -> None:
        run = int(self.run[item])
        self._account(item, run, -1)
        self.base[item] = 0
        self.areas[item] = 0
        self.run[item] = -1
        self._refresh_worst(self._near_floors(run))

    def fill(self) -> None:
        """Grow placed items towards amax into the room left, the most valuable units first."""
        areas = self.base.copy()
        room = self.p.cap - areas.sum(axis=0)
        rows, cols = np.nonzero(areas)
        rate = self.p.unary[rows, cols]
        order = np.lexsort((cols, rows, -rate))
        slack = self.p.amax - areas.sum(axis=1)
        for t in order.tolist():
            i, f = int(rows[t]), int(cols[t])
            if rate[t] <= 0:
                break
            add = min(int(room[f]), int(slack[i]))
            if add > 0:
                areas[i, f] += add
                room[f] -= add
                slack[i] -= add
        self.areas = areas

    def assignment(self) -> dict[int, tuple[int, ...]]:
        return {int(i): tuple(np.flatnonzero(self.g.runs[self.run[i]]).tolist()) for i in self.chosen}
