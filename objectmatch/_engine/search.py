"""The search: randomised greedy construction, tabu search, and restarts from an elite pool.

Steps, for one :class:`~objectmatch._engine.problem.ArrayProblem`:

1. **Construction (GRASP).** From the must-include items, repeatedly pick at random among the few
   best entries by estimated gain *per unit of area* (the restricted candidate list) and place it,
   until no entry improves the penalised value.
2. **Tabu search.** Each iteration estimates every add, drop, swap and move at once
   (:mod:`objectmatch._engine.moves`: a few matrix products), scores the most promising exactly, and
   takes the best one that is not tabu, even if it is worse: an item that left may not come back
   for a while, one that came may not leave. A tabu move is allowed when it finds a new best.
   A swap followed by an add exchanges one large item for two small ones.
3. **Elite pool and restarts.** Every valid placement met is kept (the best few hundred); after a
   stretch without a new best the search restarts from an elite placement with a few items dropped
   and made tabu.

Programme rules that depend on the whole set (occupancy, number of functions, function share, rent,
lead function) are handled by a penalty whose weight adapts: it grows while the search stays
invalid and shrinks while it stays valid (strategic oscillation). Work is counted in units (entries
estimated plus entries re-scored), never seconds, so the same seed gives the same answer on any
machine; a wall-clock deadline is only a safety net, and the result says when it fired.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from objectmatch._engine.encode import FloatArray, IntArray
from objectmatch._engine.feasibility import placement_violations
from objectmatch._engine.moves import EXCHANGE, NEG, Move, Neighbourhood
from objectmatch._engine.problem import ArrayProblem, overlap_excess
from objectmatch._engine.state import Geometry, Placement

__all__ = ["WORK_PER_SECOND", "Found", "Search", "SearchResult"]

#: Search work units per second of ``time_limit`` (measured on the reference 2-core machine, one core).
#: A unit is about one element of the gain arrays an iteration builds; every iteration and every
#: exact re-scoring also pays a fixed overhead (numpy calls on small arrays cost their call, not
#: their size).
WORK_PER_SECOND = 8_000_000
ITERATION_UNITS = 4_000
RESCORE_UNITS = 3_500
PLAIN_UNITS = 1_000
#: One item put on or taken off a plain knapsack outside a step (restarts), about 12 microseconds.
PLAIN_MOVE_UNITS = 100
#: Entries the search re-scores exactly per iteration.
EXACT_TRIES = 6
#: Iterations without a new best before a restart from the elite pool.
STALL = 60
PLAIN_STALL = 30
#: Valid placements kept.
ELITE = 300
#: Work spent improving the starting constructions before the main search (about 0.18 s; a plain
#: knapsack's starts need less: 0.08 s). Too little, and the best start is picked before the starts
#: have shown what they lead to (measured on 200 x 12: 6.57 instead of 6.85 at the default budget).
START_UNITS = 1_400_000
PLAIN_START_UNITS = 600_000
TOLERANCE = 1e-12


@dataclass(frozen=True, eq=False)
class Found:
    """A valid placement met by the search: areas (units), its value and its item -> run key."""

    key: tuple[int, ...]
    areas: IntArray
    value: float
    base: IntArray

    @property
    def items(self) -> frozenset[int]:
        return frozenset(np.flatnonzero(self.areas.sum(axis=1) > 0).tolist())


@dataclass
class SearchResult:
    """Every valid placement kept (best first), the work done, and whether the clock stopped it."""

    found: list[Found] = field(default_factory=list)
    work: int = 0
    iterations: int = 0
    clock_stopped: bool = False


def _is_plain(problem: ArrayProblem) -> bool:
    """A plain quadratic knapsack: one floor, fixed sizes, pair values only, no programme rules."""
    rules = problem.rules
    return bool(
        problem.m == 1 and (problem.amin == problem.amax).all() and not problem.conflict_cost.any()
        and set(problem.pair) <= {"all"} and not (problem.pioneer_weight or problem.diversity_weight)
        and not problem.heart_weight and rules.min_area == 0 and rules.min_functions == 0
        and rules.max_function_share >= 1.0 and not len(rules.must) and not len(rules.forbidden)
        and rules.max_tenants is None and not rules.exclusive.any() and rules.min_rent <= 0 and rules.lead == -1
        and not rules.differ
    )


def _plain_move(kind: str, where: int, gain: float, inside: IntArray, outside: IntArray) -> Move:
    if kind == "add":
        return Move(gain, -1, int(outside[where]), 0)
    if kind == "drop":
        return Move(gain, int(inside[where]), -1, -1)
    r, c = divmod(where, len(outside))
    return Move(gain, int(inside[r]), int(outside[c]), 0)


class Search:
    """GRASP + tabu search on one array problem (see the module docstring)."""

    def __init__(self, problem: ArrayProblem, *, seed: int = 0) -> None:
        self.p = problem
        self.g = Geometry.of(problem)
        self.nb = Neighbourhood(problem, self.g)
        self.rng = np.random.default_rng(seed)
        self.must = set(problem.rules.must.tolist())
        self.kept: dict[tuple[int, ...], Found] = {}
        self.work = 0
        self.budget = 0
        self.deadline = np.inf
        self.clock_stopped = False
        self.penalty = self._initial_penalty()
        self.tabu_in = np.zeros(problem.n, dtype=np.int64)
        self.tabu_out = np.zeros(problem.n, dtype=np.int64)
        self.iteration = 0
        self._floor = NEG  # the worst value in a full elite pool
        self.plain = _is_plain(problem)
        self.stall_limit = PLAIN_STALL if self.plain else STALL

    # -- value ------------------------------------------------------------------------------------
    def _initial_penalty(self) -> float:
        p = self.p
        active = p.active
        per_item = np.abs(p.unary[active]).max(axis=1, initial=0.0) * p.amin[active] if len(active) else np.zeros(1)
        return float(max(per_item.mean() if per_item.size else 0.0, 1e-6)) * 4.0

    def violation(self, pl: Placement) -> float:
        """How far a placement is from meeting the programme rules (0 when it meets them)."""
        p, rules = self.p, self.p.rules
        chosen = pl.chosen
        areas = pl.areas
        let = float(areas.sum())
        v = max(0, rules.min_area - let) / max(rules.min_area, 1)
        v += max(0, rules.min_functions - len(np.unique(p.function[chosen])))
        v += sum(1 for i in self.must if pl.run[i] < 0)
        by_fn = np.bincount(p.function, weights=areas.sum(axis=1), minlength=p.n_functions)
        if rules.max_function_share < 1.0 and let > 0:
            v += float(np.maximum(by_fn - rules.max_function_share * let, 0.0).sum()) / let
        if rules.lead >= 0 and let > 0:
            v += float(np.maximum(by_fn - by_fn[rules.lead], 0.0).sum()) / let
        if rules.rent is not None and rules.min_rent > 0:
            v += max(0.0, rules.min_rent - float((areas * rules.rent).sum())) / rules.min_rent
        for earlier in rules.differ:
            v += overlap_excess(areas, earlier, rules.min_difference) / max(float(earlier.sum()), 1.0)
        return v

    def _penalised(self, pl: Placement) -> float:
        value, viol = self.objective(pl)
        return value - self.penalty * viol

    def objective(self, pl: Placement) -> tuple[float, float]:
        """(value, violation) of a filled placement (a plain knapsack carries its value along)."""
        if self.plain:
            if pl.known is None:
                pl.known = self.p.value(pl.areas)
            return pl.known, 0.0
        return self.p.value(pl.areas), self.violation(pl)

    def keep(self, pl: Placement, value: float) -> None:
        """Remember a valid placement (the best ``ELITE`` are kept)."""
        key = pl.key()
        if key in self.kept or (len(self.kept) >= ELITE and value < self._floor):
            return
        if not self.plain and placement_violations(self.p, pl.areas):
            return
        self.kept[key] = Found(key, pl.areas.copy(), value, pl.base.copy())
        if len(self.kept) > 2 * ELITE:
            best = sorted(self.kept.values(), key=lambda f: (-f.value, f.key))[:ELITE]
            self.kept = {f.key: f for f in best}
            self._floor = best[-1].value

    # -- budget -----------------------------------------------------------------------------------
    def spend(self, units: int) -> bool:
        """Count work; ``True`` while budget is left. The clock only stops a machine far slower than expected
        (never the first construction: a search always has an answer to give)."""
        self.work += units
        if self.work >= self.budget:
            return False
        if time.perf_counter() > self.deadline and self.kept:
            self.clock_stopped = True
            return False
        return True

    def _spend_restart(self, moved: int) -> None:
        """Count the items a restart puts or takes away. A plain knapsack restarts every few dozen cheap
        steps, and left uncounted these cost a third of its time on some instances (1 s of work took
        1.15 s); the matching search's step units were calibrated with its restarts included."""
        if self.plain:
            self.spend(PLAIN_MOVE_UNITS * moved)

    # -- construction -----------------------------------------------------------------------------
    def construct(self, start: Placement | None = None, greed: float = 0.0, lead: int | None = None) -> Placement:
        """GRASP construction: the best entries per unit of area, picked at random among the top few;
        with ``lead``, items of that function first (a function-led start), then any."""
        pl = start.copy() if start is not None else Placement(self.p, self.g)
        if self.plain:
            return self._plain_construct(pl, greed)
        for i in sorted(self.must):
            if pl.run[i] < 0:
                self._place_best(pl, i)
        pl.fill()
        value, viol = self.objective(pl)
        for only in ((lead, None) if lead is not None else (None,)):
            while self.spend(RESCORE_UNITS + self.p.n * self.g.k):
                move = self._pick_entry(pl, greed, only)
                if move is None:
                    break
                trial = self.apply(pl, move)
                t_value, t_viol = self.objective(trial)
                if t_value - self.penalty * t_viol <= value - self.penalty * viol + TOLERANCE:
                    break
                pl, value, viol = trial, t_value, t_viol
        self.keep(pl, value)
        return pl

    def lead_functions(self, most: int = 8) -> list[int]:
        """The functions with the most area among the items that may be placed, largest first."""
        active = self.p.active
        area = np.bincount(self.p.function[active], weights=self.p.amax[active], minlength=self.p.n_functions)
        return [int(g) for g in np.argsort(-area, kind="stable")[:most] if area[g] > 0]

    def _place_best(self, pl: Placement, item: int) -> None:
        ctx = self.nb.context(pl)
        rows = np.array([item])
        gains = np.where(self.nb.add_ok(pl, ctx, rows), self.nb.add_raw(pl, ctx, rows), NEG)[0]
        if np.isfinite(gains).any():
            pl.put(item, int(np.argmax(gains)))

    def _pick_entry(self, pl: Placement, greed: float, only: int | None = None) -> Move | None:
        rows = self._entrants(pl)
        if only is not None:
            rows = rows[self.p.function[rows] == only]
        if not len(rows):
            return None
        ctx = self.nb.context(pl)
        gains = self.entry_scores(pl, ctx, rows, self.nb.add_raw(pl, ctx, rows))
        best = gains.max(axis=1)
        run = gains.argmax(axis=1)
        if only is not None and len(self.p.rules.exclusive) and self.p.rules.exclusive[only]:
            # a function that holds floors alone (housing) leads from the top of the building down:
            # the floors that people live on, with the busy plinth left for the rest
            top = np.where(np.isfinite(gains), self.g.first[None, :] + self.g.length[None, :], -1)
            run = top.argmax(axis=1)
            best = gains[np.arange(len(rows)), run]
        ok = np.isfinite(best) & (best > 0)
        if not ok.any():
            return None
        density = np.where(ok, best / self.p.amin[rows], NEG)
        order = np.argsort(-density, kind="stable")[: int(ok.sum())]
        size = max(1, round(greed * min(len(order), 8)))
        r = int(order[int(self.rng.integers(size))]) if size > 1 else int(order[0])
        return Move(float(best[r]), -1, int(rows[r]), int(run[r]))

    def _relief(self, pl: Placement, rows: IntArray) -> FloatArray:
        """Penalty an entrant removes: area towards min_area, a new function towards min_functions."""
        p, rules = self.p, self.p.rules
        let = float(pl.areas.sum())
        deficit = max(0.0, rules.min_area - let)
        out = np.minimum(p.amin[rows], deficit) / max(rules.min_area, 1)
        fns = set(p.function[pl.chosen].tolist())
        if len(fns) < rules.min_functions:
            out = out + np.array([p.function[j] not in fns for j in rows.tolist()], dtype=float)
        return np.asarray(out + np.isin(rows, list(self.must)))

    def _overlap(self, rows: IntArray) -> FloatArray:
        """Per (row, run): the share of an earlier answer an entry would repeat (answers must differ)."""
        out = np.zeros((len(rows), self.g.k))
        runs = self.g.runs.T.astype(float)
        for earlier in self.p.rules.differ:
            out += np.minimum(self.p.amin[rows][:, None], earlier[rows] @ runs) / max(float(earlier.sum()), 1.0)
        return out

    def entry_scores(self, pl: Placement, ctx: object, rows: IntArray, raw: FloatArray) -> FloatArray:
        """Estimated penalised gain of each allowed entry (row, run); ``-inf`` where not allowed."""
        ok = self.nb.add_ok(pl, ctx, rows)  # type: ignore[arg-type]
        score = raw + self.penalty * self._relief(pl, rows)[:, None]
        if self.p.rules.differ:
            score = score - self.penalty * self._overlap(rows)
        return np.asarray(np.where(ok, score, NEG))

    def _entrants(self, pl: Placement) -> IntArray:
        rules = self.p.rules
        if rules.max_tenants is not None and len(pl.chosen) >= rules.max_tenants:
            return np.zeros(0, dtype=np.int64)
        rows = np.flatnonzero(self.g.allowed.any(axis=1) & (pl.run < 0))
        return rows

    # -- moves ------------------------------------------------------------------------------------
    def apply(self, pl: Placement, move: Move) -> Placement:
        """A copy of ``pl`` with ``move`` made and the areas refilled."""
        out = pl.copy()
        if move.run == EXCHANGE:
            run_out, run_into = int(pl.run[move.out]), int(pl.run[move.into])
            out.remove(move.out)
            out.remove(move.into)
            out.put(move.out, run_into)
            out.put(move.into, run_out)
        else:
            if move.out >= 0:
                out.remove(move.out)
            if move.into >= 0:
                out.put(move.into, move.run)
        out.fill()
        return out

    def candidates(self, pl: Placement) -> list[Move]:
        """The most promising moves by estimate: adds, drops, swaps and moves."""
        ctx = self.nb.context(pl)
        rows = self._entrants(pl)
        moves: list[Move] = []
        raw = self.nb.add_raw(pl, ctx, rows) if len(rows) else np.zeros((0, self.g.k))
        if len(rows):
            add = self.entry_scores(pl, ctx, rows, raw)
            flat = np.argsort(-add, axis=None, kind="stable")[: 2 * EXACT_TRIES]
            for f in flat.tolist():
                r, k = divmod(f, self.g.k)
                if np.isfinite(add[r, k]):
                    moves.append(Move(float(add[r, k]), -1, int(rows[r]), k))
        core, prog = self.nb.drop_parts(pl, ctx)
        droppable = np.array([int(i) not in self.must for i in ctx.chosen], dtype=bool)
        moves += [Move(float(core[t] + prog[t]), int(ctx.chosen[t]), -1, -1) for t in np.flatnonzero(droppable)]
        moves += self.nb.swaps(pl, ctx, raw, rows, core, prog, droppable)
        self.spend(ITERATION_UNITS + len(rows) * self.g.k + len(ctx.chosen) * (self.nb.swap_pool + 1) * self.g.k)
        moves.sort(key=lambda mv: (-mv.gain, mv.out, mv.into, mv.run))
        return moves

    def admissible(self, move: Move, value: float, best: float) -> bool:
        """Tabu rules, with aspiration: a tabu move that beats the best so far is allowed."""
        if move.run == EXCHANGE:
            tabu = bool(self.tabu_out[move.out] > self.iteration or self.tabu_out[move.into] > self.iteration)
            return not tabu or value > best + TOLERANCE
        tabu = (move.into >= 0 and self.tabu_in[move.into] > self.iteration and move.into != move.out) or (
            move.out >= 0 and self.tabu_out[move.out] > self.iteration and move.into != move.out
        )
        return not tabu or value > best + TOLERANCE

    def make_tabu(self, move: Move, size: int) -> None:
        if move.run == EXCHANGE:
            self.tabu_out[[move.out, move.into]] = self.iteration + 3 + int(self.rng.integers(3))
            return
        # short tenures (measured on the knapsack benchmark: 25 -> 34 of 38 optima within a second)
        if move.out >= 0 and move.out != move.into:
            self.tabu_in[move.out] = self.iteration + 3 + int(self.rng.integers(max(size // 10, 1) + 3))
        if move.into >= 0:
            self.tabu_out[move.into] = self.iteration + 1 + int(self.rng.integers(2))

    def step(self, pl: Placement, best: float) -> tuple[Placement, float, float] | None:
        """One tabu iteration: the best admissible of the most promising moves, scored exactly."""
        if self.plain:
            return self._plain_step(pl, best)
        chosen: tuple[Placement, float, float, Move] | None = None
        tries = 0
        for move in self.candidates(pl):
            if tries == EXACT_TRIES:
                break
            trial = self.apply(pl, move)
            value, viol = self.objective(trial)
            tries += 1
            self.spend(RESCORE_UNITS + len(trial.chosen) ** 2 + self.p.m * 8)
            if not self.admissible(move, value if viol == 0 else NEG, best):
                continue
            if viol == 0:
                self.keep(trial, value)
            penalised = value - self.penalty * viol
            if chosen is None or penalised > chosen[1] - self.penalty * chosen[2]:
                chosen = (trial, value, viol, move)
        if chosen is None:
            return None
        self.make_tabu(chosen[3], len(pl.chosen))
        return chosen[0], chosen[1], chosen[2]

    def _plain_step(self, pl: Placement, best: float) -> tuple[Placement, float, float] | None:
        """A tabu iteration on a plain knapsack, where every gain is exact: add, drop and swap gains of
        all items at once from the running pair sums ``g = P x`` (one column added or taken away per
        move), the best admissible move made in place."""
        p = self.p
        current, _ = self.objective(pl)
        it = self.iteration
        x = pl.run >= 0
        w = p.amin
        g = pl.pair["all"] if "all" in pl.pair else np.zeros(p.n)
        alone = p.unary[:, 0] * w
        room = int(p.cap[0] - w[x].sum())
        inside, outside = np.flatnonzero(x), np.flatnonzero(~x & p.mask[:, 0])
        add = alone[outside] + g[outside]
        drop = -(alone[inside] + g[inside])
        swap = add[None, :] + drop[:, None] - p.pair["all"][np.ix_(inside, outside)] if "all" in p.pair else (
            add[None, :] + drop[:, None]
        )
        free_in = self.tabu_in[outside] <= it
        free_out = self.tabu_out[inside] <= it
        options = (
            (np.where((w[outside] <= room) & (free_in | (current + add > best + TOLERANCE)), add, NEG), "add"),
            (np.where(free_out | (current + drop > best + TOLERANCE), drop, NEG), "drop"),
            (np.where((w[outside][None, :] - w[inside][:, None] <= room)
                      & ((free_out[:, None] & free_in[None, :]) | (current + swap > best + TOLERANCE)), swap, NEG),
             "swap"),
        )
        self.spend(PLAIN_UNITS + len(inside) * len(outside) // 8)
        gain, kind, where = max(
            ((float(a.max()), k, int(a.argmax())) for a, k in options if a.size and np.isfinite(a.max())),
            default=(NEG, "", -1),
        )
        if kind == "":
            return None
        move = _plain_move(kind, where, gain, inside, outside)
        self._make_plain(pl, move)
        self.make_tabu(move, len(inside))
        pl.known = current + gain if it % 64 else self.p.value(pl.areas)
        self.keep(pl, pl.known)
        return pl, pl.known, 0.0

    def _plain_construct(self, pl: Placement, greed: float) -> Placement:
        """Greedy construction on a plain knapsack: the best value per unit of size that fits (at random
        among the top few with ``greed``), one matrix column per pick, until nothing fits or gains."""
        p = self.p
        w = p.amin
        alone = p.unary[:, 0] * w
        value = self.p.value(pl.areas)
        while self.spend(PLAIN_UNITS + p.n):
            x = pl.run >= 0
            g = pl.pair["all"] if "all" in pl.pair else np.zeros(p.n)
            room = int(p.cap[0] - w[x].sum())
            gain = alone + g
            ok = ~x & p.mask[:, 0] & (w <= room) & (gain > 0) & (self.tabu_in <= self.iteration)
            if not ok.any():
                break
            density = np.where(ok, gain / w, NEG)
            order = np.argsort(-density, kind="stable")[: max(1, round(greed * min(int(ok.sum()), 8)))]
            j = int(order[int(self.rng.integers(len(order)))])
            self._make_plain(pl, Move(float(gain[j]), -1, j, 0))
            value += float(gain[j])
        pl.known = value
        self.keep(pl, value)
        return pl

    def _make_plain(self, pl: Placement, move: Move) -> None:
        """Make a plain move in place: the running sums and the areas change by one item each way."""
        if move.out >= 0:
            pl.remove(move.out)
        if move.into >= 0:
            pl.put(move.into, 0)
            pl.areas[move.into] = pl.base[move.into]

    def _adapt(self, viol: float, streak: list[int]) -> None:
        """Strategic oscillation: a longer stay on either side of validity moves the penalty weight."""
        side = 1 if viol > 0 else -1
        streak[0] = streak[0] + side if np.sign(streak[0]) == side else side
        if streak[0] >= 10:
            self.penalty *= 1.5
            streak[0] = 0
        elif streak[0] <= -10:
            self.penalty = max(self.penalty / 1.5, 1e-9)
            streak[0] = 0

    # -- the whole search --------------------------------------------------------------------------
    def perturb(self, pl: Placement) -> Placement:
        """Leave the current valley: drop a few random items, or clear a floor, or start again from one
        random item; the items dropped are tabu while the placement is rebuilt greedily with noise."""
        mode = int(self.rng.integers(3))
        movable = [i for i in pl.chosen.tolist() if i not in self.must]
        if mode == 0 and movable:
            size = min(len(movable), 1 + int(self.rng.integers(max(len(movable) // 4, 1) + 1)))
            drop = self.rng.choice(movable, size=size, replace=False).tolist()
        elif mode == 1 and movable:
            floor = int(self.rng.integers(self.p.m))
            span = [floor, floor + 1] if floor + 1 < self.p.m and self.rng.random() < 0.5 else [floor]
            drop = [i for i in movable if (pl.areas[i, span] > 0).any()]
        else:
            drop = movable
        pl = pl.copy()
        for i in drop:
            pl.remove(i)
            self.tabu_in[i] = self.iteration + 10 + int(self.rng.integers(10))
        self._spend_restart(len(drop))
        if mode == 1 and movable:
            for _ in span:
                self._seed_item(pl, floor)
        elif mode == 2:
            self._seed_item(pl)
        pl.fill()
        return self.construct(pl, greed=0.5)

    def _seed_item(self, pl: Placement, floor: int | None = None) -> None:
        """Put one random item (not tabu) on one of its runs -- on ``floor`` if given, an item of a
        function that holds floors alone (housing) half the time -- as a new start for the construction."""
        ctx = self.nb.context(pl)
        rows = self._entrants(pl)
        if not len(rows):
            return
        ok = self.nb.add_ok(pl, ctx, rows) & (self.tabu_in[rows] <= self.iteration)[:, None]
        if floor is not None:
            ok &= self.g.runs[:, floor][None, :]
            exclusive = self.nb.exclusive_item[rows][:, None]
            if (ok & exclusive).any() and self.rng.random() < 0.5:
                ok &= exclusive
        options = np.argwhere(ok)
        if len(options):
            r, k = options[int(self.rng.integers(len(options)))]
            pl.put(int(rows[r]), int(k))

    def run(self, budget: int, deadline: float = np.inf, start: Found | None = None, leads: int = 8) -> SearchResult:
        """Search until ``budget`` work units are spent (or, as a safety net, ``deadline`` passes),
        from ``start`` if given, else from the best of several constructions (a plain one and one led
        by each large function), each improved briefly first."""
        self.budget = self.work + budget
        self.deadline = deadline
        if start is not None:
            pl = self.construct(self._restore(start))
        else:
            starts = [self.construct()] + [self.construct(lead=g) for g in self.lead_functions(leads)]
            # a fixed amount, not a share of the budget: a larger budget then runs the same search further
            # (so more time never gives a worse answer), a smaller one stops within this phase
            share = (PLAIN_START_UNITS if self.plain else START_UNITS) / len(starts)
            pl = max((self._descend(s, share) for s in starts), key=self._penalised)
        self._tabu(pl)
        found = sorted(self.kept.values(), key=lambda f: (-f.value, f.key))
        return SearchResult(found, self.work, self.iteration, self.clock_stopped)

    def _descend(self, pl: Placement, units: float) -> Placement:
        """Tabu steps from ``pl`` until ``units`` of work are spent or no new best comes for a while;
        the best placement met (penalised value)."""
        stop = self.work + units
        best, best_value = pl, self._penalised(pl)
        stall = 0
        while self.work < min(stop, self.budget) and not self.clock_stopped and stall < self.stall_limit // 2:
            self.iteration += 1
            nxt = self.step(pl, NEG)
            if nxt is None:
                break
            pl = nxt[0]
            value = nxt[1] - self.penalty * nxt[2]
            if value > best_value + TOLERANCE:
                best, best_value, stall = pl, value, 0
            else:
                stall += 1
        return best

    def _tabu(self, pl: Placement) -> None:
        """The main loop: tabu steps, the penalty adapting, restarts from the elite pool when stalled."""
        value, viol = self.objective(pl)
        best_valid = value if viol == 0 else NEG
        best_any = value - self.penalty * viol
        stall = 0
        streak = [0]
        while self.work < self.budget and not self.clock_stopped:
            self.iteration += 1
            nxt = self.step(pl, best_valid)
            if nxt is None:
                pl, stall = self.perturb(self._elite_start(pl)), 0
                continue
            pl, value, viol = nxt
            self._adapt(viol, streak)
            improved = viol == 0 and value > best_valid + TOLERANCE
            if improved:
                best_valid = value
            if improved or value - self.penalty * viol > best_any + TOLERANCE:
                best_any = max(best_any, value - self.penalty * viol)
                stall = 0
            else:
                stall += 1
            if stall >= self.stall_limit:
                pl, stall = self.perturb(self._elite_start(pl)), 0

    def _elite_start(self, current: Placement) -> Placement:
        """A random one of the best kept placements, rebuilt as a placement (the current one if none)."""
        if not self.kept:
            return current
        elite = sorted(self.kept.values(), key=lambda f: (-f.value, f.key))[:8]
        return self._restore(elite[int(self.rng.integers(len(elite)))])

    def _restore(self, found: Found) -> Placement:
        """A kept placement back as a live one: items put on their runs (so the running sums hold),
        then its exact base and areas."""
        pl = Placement(self.p, self.g)
        for i, run in enumerate(found.key):
            if run >= 0:
                pl.put(i, run)
        self._spend_restart(len(found.items))
        pl.base = found.base.copy()
        pl.areas = found.areas.copy()
        pl.known = found.value if self.plain else None
        return pl
