"""A placement under construction: who sits on which run of floors, with how many area units.

The search moves items between "out" and *runs* (contiguous floors, up to an item's
``max_floors``). An item enters at its ``amin`` units (split over its run, at least its ``min_part``
on each floor); :meth:`Placement.fill` then grows items towards ``amax`` into the room left, the
most valuable units first -- for single-floor items that is the best areas for the floors chosen,
and :func:`objectmatch._engine.areas.allocate` makes it exact for the answers kept.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from objectmatch._engine.encode import BoolArray, FloatArray, IntArray
from objectmatch._engine.feasibility import programme_violations
from objectmatch._engine.problem import ArrayProblem

__all__ = ["Geometry", "Placement"]


@dataclass(frozen=True, eq=False)
class Geometry:
    """The runs of floors items may take, and which item may take which run.

    ``runs`` is K x m (run k covers floors ``runs[k]``); ``allowed[i, k]``: item i may take run k
    (every floor in its mask, no longer than its ``max_floors``); ``street[k]``: run k touches a
    street-facing floor; ``near[k]``: floors within one level of run k; ``unary[i, k]``: item i's mean
    value per unit over run k.
    """

    runs: BoolArray
    length: IntArray
    first: IntArray
    allowed: BoolArray
    street: BoolArray
    near: BoolArray
    unary: FloatArray

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
        return cls(
            runs=runs,
            length=np.asarray(length, dtype=np.int64),
            first=np.array([s for s, _ in spans], dtype=np.int64),
            allowed=np.asarray(allowed),
            street=np.asarray((runs & problem.street[None, :]).any(axis=1)),
            near=np.asarray(near),
            unary=np.asarray(unary),
        )

    @property
    def k(self) -> int:
        return len(self.runs)


class Placement:
    """Items on runs with their areas; mutable, owned by one search."""

    def __init__(self, problem: ArrayProblem, geometry: Geometry) -> None:
        self.p = problem
        self.g = geometry
        self.run = np.full(problem.n, -1, dtype=np.int64)
        self.base = np.zeros((problem.n, problem.m), dtype=np.int64)
        self.areas = np.zeros((problem.n, problem.m), dtype=np.int64)

    def copy(self) -> Placement:
        other = Placement(self.p, self.g)
        other.run = self.run.copy()
        other.base = self.base.copy()
        other.areas = self.areas.copy()
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

    def fits(self, item: int, run: int, room: IntArray | None = None) -> bool:
        floors = self.g.runs[run]
        free = self.room() if room is None else room
        part = self.p.min_part[item] if len(np.flatnonzero(floors)) > 1 else 1
        return bool(free[floors].sum() >= self.p.amin[item] and (free[floors] >= part).all())

    def put(self, item: int, run: int) -> None:
        """Place ``item`` on ``run`` at its amin units: at least its min_part on every floor, the rest on
        its best floors first."""
        floors = np.flatnonzero(self.g.runs[run])
        room = self.room()
        share = np.full(len(floors), self.p.min_part[item] if len(floors) > 1 else self.p.amin[item], dtype=np.int64)
        rest = int(self.p.amin[item]) - int(share.sum())
        for f in sorted(range(len(floors)), key=lambda t: (-self.p.unary[item, floors[t]], t)):
            take = min(rest, int(room[floors[f]]) - int(share[f]))
            share[f] += max(take, 0)
            rest -= max(take, 0)
        self.base[item, floors] = share
        self.run[item] = run

    def remove(self, item: int) -> None:
        self.base[item] = 0
        self.areas[item] = 0
        self.run[item] = -1

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

    def violations(self) -> list[str]:
        return programme_violations(self.p, self.areas)

    def assignment(self) -> dict[int, tuple[int, ...]]:
        return {int(i): tuple(np.flatnonzero(self.g.runs[self.run[i]]).tolist()) for i in self.chosen}
