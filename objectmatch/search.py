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
    base: FloatArray | None = None  # area_min of each tenant on its floors: where incremental moves start


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
        self.options = [self._options(i) if enc.mask[i].any() else [] for i in range(self.n)]
        self.n_options = np.array([len(o) for o in self.options])
        # per candidate, its options as arrays: floors (k x m), size, value per m², street, floors it touches
        self.opt_mask = [self._option_matrix(o) for o in self.options]
        self.opt_len = [m.sum(axis=1) for m in self.opt_mask]
        self.opt_unit = [
            (m * self.per_m2[i]).sum(axis=1) / np.maximum(m.sum(axis=1), 1) for i, m in enumerate(self.opt_mask)
        ]
        self.opt_street: list[BoolArray] = [np.asarray((m & enc.street).any(axis=1)) for m in self.opt_mask]
        adj = problem.scorer.floor_adjacency()
        self.opt_near = [((m.astype(float) @ adj.astype(float)) > 0).astype(float) for m in self.opt_mask]
        self.allowed = np.zeros(self.n, dtype=bool)
        self.allowed[problem.active] = True
        self.must = [int(i) for i in problem.must]
        self.partners: list[set[int]] = [set() for _ in range(self.n)]
        for i, j in problem.forbidden_pairs.tolist():
            self.partners[i].add(j)
            self.partners[j].add(i)
        self.seen: dict[frozenset[int], Solution] = {}
        self.evaluations = 0  # packings scored
        self.work = 0.0  # packings scored, plus a twentieth for every repeat found in the cache
        w = problem.scorer.weights
        self.w_div = w.diversity / w.diversity_target
        self.w_pion = w.pioneer / w.pioneer_target
        self.w_heart = w.heart
        self.div_target = w.diversity_target
        self.pion_target = w.pioneer_target
        # chance that two tenants end up on the same or adjacent floors, for conflict estimates
        self.rho = min(1.0, 3.0 / max(self.m, 1))
        self.max_evaluations = float(10**9)
        self.deadline = np.inf

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

    def _option_matrix(self, options: list[tuple[int, ...]]) -> BoolArray:
        out = np.zeros((len(options), self.m), dtype=bool)
        for k, o in enumerate(options):
            out[k, list(o)] = True
        return out

    def _fits(self, i: int, room: FloatArray) -> tuple[BoolArray, FloatArray]:
        """Which of i's options have room for its area_min (at least MIN_PART on each floor), and the room left."""
        o = self.opt_mask[i]
        cap = o @ room
        min_room = np.where(o, room, np.inf).min(axis=1)
        ok = (cap + TOLERANCE >= self.area_min[i]) & ((self.opt_len[i] == 1) | (min_room >= MIN_PART))
        return ok, cap - self.area_min[i]

    def _place(
        self,
        tenants: Sequence[int],
        best_fit: bool,
        start: tuple[dict[int, tuple[int, ...]], FloatArray] | None = None,
    ) -> tuple[dict[int, tuple[int, ...]], FloatArray] | None:
        """Floors for each tenant and its area_min split over them; ``None`` if some tenant finds no room.

        With ``start`` (an assignment and its area_min matrix), ``tenants`` are added to it rather
        than packed from scratch: the cheap path for add and swap moves."""
        assignment: dict[int, tuple[int, ...]] = dict(start[0]) if start is not None else {}
        base = start[1].copy() if start is not None else np.zeros((self.n, self.m))
        room = self.p.enc.floor_area - base.sum(axis=0)
        order = sorted(tenants, key=lambda i: (self.n_options[i], -self.area_min[i], i))
        near = np.zeros((self.n, self.m))
        placed: list[int] = list(assignment)
        heart = False
        for i, floors in assignment.items():
            near[i] = (self.adj[list(floors)].sum(axis=0) > 0).astype(float)
            heart = heart or bool(self.heart_ok[i] and self.street[list(floors)].any())
        for i in order:
            ok, leftover = self._fits(i, room)
            if not ok.any():
                return None
            o = self.opt_mask[i]
            if placed:
                pen_f = self.C[i, placed] @ near[placed]
                penalty = np.where(o, pen_f, -np.inf).max(axis=1)
            else:
                penalty = np.zeros(len(o))
            if best_fit:
                keys = (-penalty, -self.opt_len[i], -leftover)
            else:
                value = self.opt_unit[i] * self.area_min[i] - penalty
                if not heart and self.heart_ok[i]:
                    value = value + self.w_heart * self.opt_street[i]
                keys = (-leftover, -self.opt_len[i], np.round(value, 12))
            cand = np.flatnonzero(ok)
            k = int(cand[np.lexsort(tuple(key[cand] for key in keys))[-1]])
            choice = self.options[i][k]
            self._split(i, choice, room, base)
            assignment[i] = choice
            near[i] = self.opt_near[i][k]
            placed.append(i)
            heart = heart or bool(self.heart_ok[i] and self.opt_street[i][k])
        self._repair(assignment, base, room, near)
        return assignment, base

    def _repair(
        self, assignment: dict[int, tuple[int, ...]], base: FloatArray, room: FloatArray, near: FloatArray
    ) -> None:
        """Move tenants to the floors where they clash least with their neighbours.

        Tenants placed early did not know who would come later; one or two passes of moves,
        each judged by value per m² and conflict with everyone else, repair most of that."""
        placed = list(assignment)
        if len(placed) < 2 or not self.C[np.ix_(placed, placed)].any():
            return
        occ = np.zeros((self.n, self.m))
        for i, floors in assignment.items():
            occ[i, list(floors)] = 1.0
        street_hearts = {i for i in placed if self.heart_ok[i] and self.street[list(assignment[i])].any()}
        for _ in range(2):
            moved = False
            for i in placed:
                others = [j for j in placed if j != i]
                if not self.C[i, others].any():
                    continue
                current = assignment[i]
                if street_hearts == {i}:
                    continue  # the only heart on the street stays there
                touching = (occ[others] @ self.opt_near[i].T) > 0
                penalty = self.C[i, others] @ touching
                value = self.opt_unit[i] * self.area_min[i] - penalty
                free = room.copy()
                free[list(current)] += base[i, list(current)]
                ok, _ = self._fits(i, free)
                k0 = self.options[i].index(current)
                ok[k0] = True
                k = int(np.flatnonzero(ok)[np.argmax(value[ok])])
                if k == k0 or value[k] <= value[k0] + 1e-12:
                    continue
                best = self.options[i][k]
                room[list(current)] += base[i, list(current)]
                base[i, list(current)] = 0.0
                occ[i] = 0.0
                self._split(i, best, room, base)
                assignment[i] = best
                occ[i, list(best)] = 1.0
                near[i] = self.opt_near[i][k]
                street_hearts.discard(i)
                if self.heart_ok[i] and self.opt_street[i][k]:
                    street_hearts.add(i)
                moved = True
            if not moved:
                break

    def _split(self, i: int, floors: tuple[int, ...], room: FloatArray, base: FloatArray) -> None:
        """Put tenant i's area_min on ``floors``, at least MIN_PART on each, filling them in order."""
        remaining = self.area_min[i]
        for k, f in enumerate(floors):
            later = len(floors) - 1 - k
            take = remaining if later == 0 else max(MIN_PART, min(room[f], remaining - MIN_PART * later))
            base[i, f] = take
            room[f] -= take
            remaining -= take

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

    def evaluate(self, tenants: Iterable[int], parent: Solution | None = None) -> Solution | None:
        """Pack ``tenants`` and score them; ``None`` if they do not fit.

        With ``parent``, the tenants it shares with ``tenants`` keep their floors and the others
        are slotted in; only if that fails is the whole set packed again."""
        key = frozenset(int(i) for i in tenants)
        if key in self.seen:
            # a repeat costs little, but a search that only repeats itself must still run out of budget
            self.work += 0.05
            return self.seen[key]
        self.evaluations += 1
        self.work += 1.0
        rows = sorted(key)
        attempts: list[tuple[Sequence[int], bool, tuple[dict[int, tuple[int, ...]], FloatArray] | None]] = []
        if parent is not None and parent.base is not None:
            kept = {i: f for i, f in parent.assignment.items() if i in key}
            base = parent.base.copy()
            gone = [i for i in parent.assignment if i not in key]
            base[gone] = 0.0
            attempts.append((sorted(key - set(kept)), False, (kept, base)))
        attempts += [(rows, False, None), (rows, True, None)]
        for todo, best_fit, start in attempts:
            placed = self._place(todo, best_fit, start)
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
            sol = Solution(key, assignment, areas, value, feasible, base)
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
        gain += 2.0 * (self.A[cand] @ x) - self.rho * (self.C[cand] @ x)
        return np.asarray(gain + self._programme_bonus(tenants, cand))

    def _candidates(self, tenants: Sequence[int]) -> IntArray:
        ok = self.allowed.copy()
        ok[list(tenants)] = False
        for i in tenants:
            for j in self.partners[i]:
                ok[j] = False
        return np.flatnonzero(ok)

    # -- construction and improvement ----------------------------------------------------------
    def greedy(self, noise: float = 0.0, tries: int = 8, start: Sequence[int] | None = None) -> Solution | None:
        tenants = sorted(set(self.must) | set(start or ()))
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
                sol = self.evaluate([*tenants, int(j)], parent=current)
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

    def out_of_budget(self) -> bool:
        """Work done is counted in evaluations (deterministic); wall time is only a safety net."""
        return self.work >= self.max_evaluations or time.perf_counter() > self.deadline

    def improve(self, sol: Solution, tries: int = 10, max_rounds: int = 60) -> Solution:
        must = set(self.must)
        for _ in range(max_rounds):
            if self.out_of_budget():
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
                loss = self.unit[droppable] * area_i + 2.0 * (self.A[droppable] @ x) - self.rho * (
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
                        - self.rho * ((self.C[cand] @ x)[None, :] - self.C[np.ix_(droppable, cand)])
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
                cand_sol = self.evaluate(new, parent=sol)
                if cand_sol is not None and cand_sol.feasible and cand_sol.value > sol.value + TOLERANCE:
                    sol = cand_sol
                    improved = True
                    break
            if not improved:
                break
        return sol

    def perturb(self, sol: Solution, strength: int) -> Solution | None:
        """Drop ``strength`` random tenants (never must-includes) and rebuild greedily with noise."""
        movable = sorted(set(sol.tenants) - set(self.must))
        if not movable:
            return None
        drop = set(self.rng.choice(movable, size=min(strength, len(movable)), replace=False).tolist())
        kept = [i for i in sorted(sol.tenants) if i not in drop]
        # the dropped tenants sit out this rebuild, so that the search really goes elsewhere
        saved = self.allowed[list(drop)].copy()
        self.allowed[list(drop)] = False
        try:
            return self.greedy(noise=0.2, start=kept)
        finally:
            self.allowed[list(drop)] = saved

    def run(self, restarts: int = 6, max_evaluations: int = 2000, time_cap: float = np.inf) -> list[Solution]:
        """Seeded greedy starts with local search, then iterated local search from the best, until
        ``max_evaluations`` packings have been scored (or, as a safety net, ``time_cap`` seconds);
        every feasible solution seen, best first. The same seed and budget give the same answer."""
        self.max_evaluations = self.work + max_evaluations
        self.deadline = time.perf_counter() + time_cap
        best: Solution | None = None
        for r in range(max(restarts, 1)):
            if r > 0 and self.out_of_budget():
                break
            start = self.greedy(noise=0.0 if r == 0 else 0.3 + 0.1 * r)
            if start is not None and start.feasible:
                local = self.improve(start)
                if best is None or local.value > best.value:
                    best = local
        stale = 0
        while best is not None and not self.out_of_budget() and stale < 200:
            kicked = self.perturb(best, strength=2 + stale % 3)
            stale += 1
            if kicked is None or not kicked.feasible:
                continue
            local = self.improve(kicked)
            if local.value > best.value + TOLERANCE:
                best, stale = local, 0
        return sorted(self.seen.values(), key=lambda s: (-s.value, sorted(s.tenants)))
