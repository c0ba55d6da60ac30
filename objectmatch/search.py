"""The fast search: greedy construction and local search over tenant sets, packed onto floors.

Steps (each restart):

1. **Greedy construction.** Start from the must-include tenants. Rank every candidate
   still allowed by its estimated gain (unary value of the m² it could take, plus
   ``2 (A x)_j`` of pair affinity with the current set, minus expected conflict, plus the
   programme terms it would switch on) -- one matrix-vector product for the whole pool --
   and add the best one that still packs. Until the programme meets min_occupancy and
   min_functions, any candidate that packs is taken; after that only improving ones.
2. **Local search.** Estimate the gain of every add, drop and swap at once (swap gains are
   an |S| x |pool| matrix from the same products) and try the most promising moves exactly,
   taking the first that improves the score, until none of them does.
3. **Packing.** A tenant set is placed by putting the most constrained tenants first, each
   on the floor (or run of contiguous floors, up to its max_floors) that is worth most
   (unary fit, heart, conflicts with neighbours already placed) with room for its
   area_min; then tenants grow towards area_max by value per m². If that fails a best-fit
   order is tried.

Restarts perturb the ranking with seeded noise. Every feasible programme met on the way
is kept, so the top-k come from a large, varied pool of answers.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from objectmatch.areas import MIN_PART, allocate
from objectmatch.encode import BoolArray, FloatArray, IntArray
from objectmatch.problem import Problem

__all__ = ["Search", "Solution"]

TOLERANCE = 1e-9


@dataclass(frozen=True, eq=False)
class Solution:
    """A packed tenant set: floors per tenant, m² per (tenant, floor), and its exact score."""

    tenants: frozenset[int]
    assignment: dict[int, tuple[int, ...]]
    areas: FloatArray
    value: float
    feasible: bool


class Search:
    """Greedy + local search for one :class:`~objectmatch.problem.Problem`."""

    def __init__(self, problem: Problem, seed: int = 0) -> None:
        self.p = problem
        enc = problem.enc
        self.rng = np.random.default_rng(seed)
        self.n, self.m = enc.n, enc.m
        self.L = enc.lettable_area
        self.area_min = enc.pool.area_min
        self.area_max = enc.pool.area_max
        self.per_m2 = problem.scorer.per_m2
        self.unit = np.where(enc.mask, self.per_m2, -np.inf).max(axis=1, initial=-np.inf)
        self.A = problem.affinity()
        self.C = problem.conflict_weighted()
        self.adj = problem.scorer.floor_adjacency().astype(float)
        self.heart_ok = problem.heart_eligible()
        self.street = enc.street
        self.function = enc.pool.function
        self.pioneer = enc.pool.pioneer
        self.options = [self._options(i) for i in range(self.n)]
        self.n_options = np.array([len(o) for o in self.options])
        self.allowed = np.zeros(self.n, dtype=bool)
        self.allowed[problem.active] = True
        self.must = [int(i) for i in problem.must]
        self.partners: list[set[int]] = [set() for _ in range(self.n)]
        for i, j in problem.forbidden_pairs.tolist():
            self.partners[i].add(j)
            self.partners[j].add(i)
        self.seen: dict[frozenset[int], Solution] = {}
        self.evaluations = 0
        w = problem.scorer.weights
        self.w_div = w.diversity / w.diversity_target
        self.w_pion = w.pioneer / w.pioneer_target
        self.w_heart = w.heart
        self.div_target = w.diversity_target
        self.pion_target = w.pioneer_target
        # chance that two tenants end up on the same or adjacent floors, for conflict estimates
        self.rho = min(1.0, 3.0 / max(self.m, 1))

    # -- packing -------------------------------------------------------------------------
    def _options(self, i: int) -> list[tuple[int, ...]]:
        ok = self.p.enc.mask[i]
        out: list[tuple[int, ...]] = [(f,) for f in np.flatnonzero(ok).tolist()]
        span = int(self.p.enc.pool.max_floors[i])
        for length in range(2, min(span, self.m) + 1):
            for start in range(self.m - length + 1):
                run = tuple(range(start, start + length))
                if ok[list(run)].all():
                    out.append(run)
        return out

    def _place(
        self, tenants: Sequence[int], best_fit: bool
    ) -> tuple[dict[int, tuple[int, ...]], FloatArray] | None:
        """Floors for each tenant and its area_min split over them; ``None`` if some tenant finds no room."""
        room = self.p.enc.floor_area.astype(float).copy()
        base = np.zeros((self.n, self.m))
        order = sorted(tenants, key=lambda i: (self.n_options[i], -self.area_min[i], i))
        assignment: dict[int, tuple[int, ...]] = {}
        near = np.zeros((self.n, self.m))
        placed: list[int] = []
        heart = False
        for i in order:
            penalty = 2.0 * (self.C[i, placed] @ near[placed]) if placed else np.zeros(self.m)
            best: tuple[float, ...] | None = None
            choice: tuple[int, ...] | None = None
            need = self.area_min[i]
            for opt in self.options[i]:
                idx = list(opt)
                cap = room[idx].sum()
                if cap + TOLERANCE < need or (len(opt) > 1 and room[idx].min() < MIN_PART):
                    continue
                leftover = cap - need
                if best_fit:
                    key: tuple[float, ...] = (-leftover, -len(opt), -float(penalty[idx].max()))
                else:
                    value = float(self.per_m2[i, idx].mean()) * need - float(penalty[idx].max())
                    if not heart and self.heart_ok[i] and self.street[idx].any():
                        value += self.w_heart
                    key = (round(value, 12), -len(opt), -leftover)
                if best is None or key > best:
                    best, choice = key, opt
            if choice is None:
                return None
            remaining = need
            for k, f in enumerate(choice):
                later = len(choice) - 1 - k
                take = remaining if later == 0 else max(MIN_PART, min(room[f], remaining - MIN_PART * later))
                base[i, f] = take
                room[f] -= take
                remaining -= take
            assignment[i] = choice
            near[i] = (self.adj[list(choice)].sum(axis=0) > 0).astype(float)
            placed.append(i)
            heart = heart or bool(self.heart_ok[i] and self.street[list(choice)].any())
        return assignment, base

    def _grow(self, assignment: dict[int, tuple[int, ...]], base: FloatArray) -> FloatArray:
        """Grow each tenant from its area_min towards area_max, the most valuable m² first."""
        areas = base.copy()
        room = self.p.enc.floor_area - areas.sum(axis=0)
        pairs = [(i, f) for i, floors in assignment.items() for f in floors]
        pairs.sort(key=lambda p: (-self.per_m2[p[0], p[1]], p[0], p[1]))
        totals = areas.sum(axis=1)
        for i, f in pairs:
            add = min(room[f], self.area_max[i] - totals[i])
            if add > 0:
                areas[i, f] += add
                room[f] -= add
                totals[i] += add
        return areas

    def _programme_ok(self, tenants: Iterable[int], areas: FloatArray) -> bool:
        cons = self.p.constraints
        rows = list(tenants)
        let = areas.sum()
        if let < self.p.required_area() * (1 - 1e-9):
            return False
        fns = self.function[rows]
        if len(np.unique(fns)) < cons.min_functions:
            return False
        if cons.max_tenants is not None and len(rows) > cons.max_tenants:
            return False
        if cons.max_function_share < 1.0 and let > 0:
            share = np.bincount(fns, weights=areas[rows].sum(axis=1)) / let
            if share.max() > cons.max_function_share + 1e-9:
                return False
        return True

    def evaluate(self, tenants: Iterable[int]) -> Solution | None:
        """Pack ``tenants`` and score them; ``None`` if they do not fit."""
        key = frozenset(int(i) for i in tenants)
        if key in self.seen:
            return self.seen[key]
        self.evaluations += 1
        rows = sorted(key)
        for best_fit in (False, True):
            placed = self._place(rows, best_fit)
            if placed is None:
                continue
            assignment, base = placed
            areas = self._grow(assignment, base)
            feasible = self._programme_ok(rows, areas)
            if not feasible and self.p.constraints.max_function_share < 1.0:
                exact = allocate(self.p, assignment)
                if exact is not None:
                    areas, feasible = exact, True
            value = self.p.scorer.total(self.p.scorer.components(areas))
            sol = Solution(key, assignment, areas, value, feasible)
            if feasible:
                self.seen[key] = sol
            return sol
        return None

    # -- gain estimates (vectorised over the pool) ------------------------------------------
    def _programme_bonus(self, tenants: Sequence[int], cand: IntArray) -> FloatArray:
        fns = set(self.function[list(tenants)].tolist())
        bonus = np.zeros(len(cand))
        if len(fns) < self.div_target:
            bonus += self.w_div * ~np.isin(self.function[cand], list(fns))
        if int(self.pioneer[list(tenants)].sum()) < self.pion_target:
            bonus += self.w_pion * self.pioneer[cand]
        return bonus

    def add_gains(self, sol: Solution | None, tenants: Sequence[int], cand: IntArray) -> FloatArray:
        x = np.zeros(self.n)
        x[list(tenants)] = 1.0
        let = sol.areas.sum() if sol is not None else 0.0
        free = max(self.L - let, 0.0)
        area = np.minimum(self.area_max[cand], free)
        gain = self.unit[cand] * area
        gain += 2.0 * (self.A[cand] @ x) - 2.0 * self.rho * (self.C[cand] @ x)
        return np.asarray(gain + self._programme_bonus(tenants, cand))

    def _candidates(self, tenants: Sequence[int]) -> IntArray:
        ok = self.allowed.copy()
        ok[list(tenants)] = False
        for i in tenants:
            for j in self.partners[i]:
                ok[j] = False
        return np.flatnonzero(ok)

    # -- construction and improvement ----------------------------------------------------------
    def greedy(self, noise: float = 0.0, tries: int = 8) -> Solution | None:
        tenants = list(self.must)
        current = self.evaluate(tenants) if tenants else None
        if tenants and current is None:
            return None
        max_t = self.p.constraints.max_tenants or self.n
        while len(tenants) < max_t:
            cand = self._candidates(tenants)
            if len(cand) == 0:
                break
            gains = self.add_gains(current, tenants, cand)
            if noise > 0:
                gains = gains + noise * np.abs(gains).mean() * self.rng.standard_normal(len(gains))
            order = cand[np.argsort(-gains, kind="stable")]
            accepted = False
            for j in order[:tries]:
                sol = self.evaluate([*tenants, int(j)])
                if sol is None:
                    continue
                if current is None or not current.feasible or sol.value > current.value + TOLERANCE:
                    tenants.append(int(j))
                    current = sol
                    accepted = True
                    break
            if not accepted:
                break
        return current

    def improve(self, sol: Solution, tries: int = 10, max_rounds: int = 60, deadline: float = np.inf) -> Solution:
        must = set(self.must)
        for _ in range(max_rounds):
            if time.perf_counter() > deadline:
                break
            tenants = sorted(sol.tenants)
            cand = self._candidates(tenants)
            moves: list[tuple[float, tuple[int, ...]]] = []
            x = np.zeros(self.n)
            x[tenants] = 1.0
            if len(cand):
                add = self.add_gains(sol, tenants, cand)
                moves += [(float(g), (*tenants, int(j))) for g, j in zip(add, cand, strict=True)]
            droppable = np.array([i for i in tenants if i not in must], dtype=np.int64)
            if len(droppable):
                area_i = sol.areas[droppable].sum(axis=1)
                loss = self.unit[droppable] * area_i + 2.0 * (self.A[droppable] @ x) - 2.0 * self.rho * (
                    self.C[droppable] @ x
                )
                moves += [
                    (float(-g), tuple(t for t in tenants if t != i)) for g, i in zip(loss, droppable, strict=True)
                ]
                if len(cand):
                    # swap i -> j: gain of j once i has gone, minus what i brought
                    freed = np.minimum(self.area_max[cand][None, :], area_i[:, None] + (self.L - sol.areas.sum()))
                    swap = (
                        self.unit[cand][None, :] * freed
                        + 2.0 * (self.A[cand] @ x)[None, :]
                        - 2.0 * self.A[np.ix_(droppable, cand)]
                        - 2.0 * self.rho * ((self.C[cand] @ x)[None, :] - self.C[np.ix_(droppable, cand)])
                        - loss[:, None]
                    )
                    forbidden = np.array(
                        [[int(j) in self.partners[i] for j in cand] for i in droppable], dtype=bool
                    ) if any(self.partners[i] for i in droppable) else np.zeros(swap.shape, dtype=bool)
                    swap = np.where(forbidden, -np.inf, swap)
                    top = np.argsort(-swap, axis=None, kind="stable")[: tries * 2]
                    for flat in top:
                        r, c = divmod(int(flat), len(cand))
                        if np.isfinite(swap[r, c]):
                            i, j = int(droppable[r]), int(cand[c])
                            moves.append((float(swap[r, c]), tuple(sorted([t for t in tenants if t != i] + [j]))))
            moves.sort(key=lambda mv: (-mv[0], mv[1]))
            improved = False
            for _, new in moves[:tries]:
                cap = self.p.constraints.max_tenants
                if cap is not None and len(new) > cap:
                    continue
                cand_sol = self.evaluate(new)
                if cand_sol is not None and cand_sol.feasible and cand_sol.value > sol.value + TOLERANCE:
                    sol = cand_sol
                    improved = True
                    break
            if not improved:
                break
        return sol

    def run(self, restarts: int = 6, time_budget: float = 1.0) -> list[Solution]:
        """Greedy + local search from ``restarts`` seeded starts; every feasible solution seen, best first."""
        deadline = time.perf_counter() + time_budget
        for r in range(max(restarts, 1)):
            if r > 0 and time.perf_counter() > deadline:
                break
            start = self.greedy(noise=0.0 if r == 0 else 0.3 + 0.1 * r)
            if start is not None and start.feasible:
                self.improve(start, deadline=deadline)
        return sorted(self.seen.values(), key=lambda s: (-s.value, sorted(s.tenants)))

    def tenant_mask(self, sol: Solution) -> BoolArray:
        out = np.zeros(self.n, dtype=bool)
        out[list(sol.tenants)] = True
        return out
