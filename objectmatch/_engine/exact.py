"""The exact engine: one CP-SAT model of an :class:`~objectmatch._engine.problem.ArrayProblem`.

Laid out the way OR-Tools' own samples are: data, variables with their meaning, one helper per
constraint family, one helper per objective kind (each returning its objective terms), solve.

Variables per item i and floor f it may use: ``x_i`` (placed), ``y_if`` (on floor f), ``a_if``
(area units on floor f). Pair terms get one boolean per pair and class, bounded above by what the
class needs: both placed (``all``); a floor of one within a level of a floor of the other
(``near``) or a shared floor (``same``), through one boolean per pair and floor; both on a
street-facing floor (``street``). Every class value is non-negative, so upper bounds suffice.
Conflict is the one subtracted pair term: a boolean per conflicting pair, forced up by any two
neighbouring floors, and each item pays at least its worst neighbour. Count and presence terms are
linear. Areas are integers (grid units), so every rule is exact; rent and function-share rules
with fractional data are rounded outwards (a relaxation: the exact rules are re-checked on every
answer).

Scores are floats and CP-SAT wants integers: coefficients are scaled so that the largest possible
objective is about 2**40, and rounded. :func:`solve` then re-scores every answer in floating point,
and before it calls the best one optimal it searches the rounding window (every placement whose
integer objective is within the total rounding error of the optimum) for one that is better in
floating point: what it calls optimal is optimal under the float score.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
from ortools.sat.python import cp_model

from objectmatch._engine.areas import AREA_NODES, allocate
from objectmatch._engine.encode import IntArray
from objectmatch._engine.problem import ArrayProblem

__all__ = ["ExactOptions", "ExactResult", "solve"]

#: The objective is scaled so that its largest possible value is about this.
OBJECTIVE_RANGE = 2.0**40
#: Pools up to this size get one boolean per pair for the ``all`` class; above, Glover's compact form.
PAIR_LIMIT = 40
#: Placements in the rounding window examined before a proof is given up as "optimal to 1e-9" (interchangeable
#: candidates tie in many assignments: three alike on three floors took 18).
WINDOW_TRIES = 64

LinearExpr = cp_model.LinearExprT


@dataclass(frozen=True)
class ExactOptions:
    """How to solve: answers wanted and how different, limits, hints, and the model's shape.

    ``min_difference`` is the share of the let area in which two answers must differ (tenant-to-floor
    assignment); ``fixed`` places exactly ``rows``; ``textbook`` builds the plain model (one boolean per
    pair, no symmetry breaking, no window search) for benchmarks.
    """

    k: int = 1
    min_difference: float = 0.0
    time_limit: float = 10.0
    work_limit: float | None = None
    seed: int = 0
    workers: int = 1
    hints: tuple[IntArray, ...] = ()
    fixed: bool = False
    textbook: bool = False
    verify: bool = True


@dataclass
class ExactResult:
    """Answers (area matrices in units, best first, with their float values) and what was proven."""

    answers: list[tuple[IntArray, float]] = field(default_factory=list)
    proven: bool = False
    infeasible: bool = False
    bound: float | None = None
    status: str = ""
    wall_time: float = 0.0
    clock_stopped: bool = False


class Seat:
    """A placement as the hint rules read it: one method per kind of auxiliary variable."""

    def __init__(self, areas: IntArray) -> None:
        self.areas = areas
        self.on: np.ndarray = np.asarray(areas > 0, dtype=bool)
        self.x: np.ndarray = np.asarray(self.on.any(axis=1), dtype=bool)
        self.values: dict[int, int] = {}

    def value_of(self, var: cp_model.IntVar) -> int:
        return self.values.get(var.index, 0)

    def run_start(self, i: int, f: int) -> int:
        return int(bool(self.on[i, f]) and not (f > 0 and bool(self.on[i, f - 1])))

    def any_placed(self, items: Sequence[int]) -> int:
        return int(any(bool(self.x[i]) for i in items))

    def any_on(self, f: int, items: Sequence[int]) -> int:
        return int(any(bool(self.on[i, f]) for i in items))

    def both(self, i: int, j: int) -> int:
        return int(bool(self.x[i]) and bool(self.x[j]))

    def on_with(self, i: int, f: int, j: int, reach: np.ndarray) -> int:
        return int(bool(self.on[i, f]) and bool(self.on[j, reach].any()))

    def linked(self, links: Sequence[cp_model.IntVar]) -> int:
        return int(any(self.value_of(z) for z in links))

    def fronts(self, i: int, street: np.ndarray) -> int:
        return int(bool((self.on[i] & street).any()))

    def both_front(self, i: int, j: int, street: np.ndarray) -> int:
        return int(self.fronts(i, street) and self.fronts(j, street))

    def neighbours(self, i: int, j: int, adjacent: np.ndarray) -> int:
        return int(bool((self.on[i].astype(int) @ adjacent.astype(int) @ self.on[j].astype(int)) > 0))

    def distinct(self, labels: Sequence[int], items: Sequence[int], target: int) -> int:
        return min(target, len({labels[t] for t, i in enumerate(items) if self.x[i]}))

    def count(self, items: Sequence[int], target: int) -> int:
        return min(target, sum(int(self.x[i]) for i in items))

    def any_cell(self, cells: Sequence[tuple[int, int]]) -> int:
        return int(any(bool(self.on[i, f]) for i, f in cells))

    def glover(self, i: int, later: Sequence[int], ints: Sequence[int], bound: int) -> int:
        return min(bound * int(self.x[i]), sum(int(c) for c, j in zip(ints, later, strict=True) if self.x[j]))

    def worst(self, scaled: Sequence[tuple[int, float, cp_model.IntVar]]) -> int:
        return max((sv for sv, _, q in scaled if self.value_of(q)), default=0)

    def overlap(self, i: int, f: int, cap: int) -> int:
        return min(int(self.areas[i, f]), cap)

    def larger(self, total: int) -> int:
        return max(int(self.areas.sum()), total)


class Builder:
    """Builds the model family by family; ``terms`` collects (integer coefficient, variable, float coefficient)."""

    def __init__(self, problem: ArrayProblem, rows: Sequence[int], options: ExactOptions) -> None:
        self.p = problem
        self.opt = options
        self.rows = [int(i) for i in rows if problem.mask[int(i)].any()]
        self.model = cp_model.CpModel()
        self.x: dict[int, cp_model.IntVar] = {}
        self.y: dict[tuple[int, int], cp_model.IntVar] = {}
        self.a: dict[tuple[int, int], cp_model.IntVar] = {}
        self.fn_present: dict[int, cp_model.IntVar] = {}
        self.terms: list[tuple[float, LinearExpr, int]] = []  # (float coefficient, expression, max value)
        self.glover_rows: list[tuple[cp_model.IntVar, int, list[int], list[float], float]] = []
        self.penalties: dict[int, list[tuple[float, cp_model.IntVar]]] = {}
        self.scale = 1.0
        self.objective_terms: list[tuple[int, LinearExpr]] = []
        self.error = 0.0
        self.links: dict[tuple[bool, int, int], list[tuple[int, cp_model.IntVar]]] = {}
        self.partners: dict[int, list[tuple[int, cp_model.IntVar]]] = {}
        self.pair_value: dict[str, np.ndarray] = {}
        self.area_coefs: list[tuple[float, cp_model.IntVar]] = []
        # how each auxiliary variable follows from a placement (a Seat method and its arguments): complete hints
        self.derived: list[tuple[cp_model.IntVar, Callable[..., int], tuple[Any, ...]]] = []

    def derive(self, var: cp_model.IntVar, rule: Callable[..., int], *args: Any) -> cp_model.IntVar:
        """Register how ``var`` follows from a placement (``rule(seat, *args)``); returns ``var``."""
        self.derived.append((var, rule, args))
        return var

    # -- variables --------------------------------------------------------------------------------
    def placement_variables(self) -> None:
        """x_i placed; y_if on floor f; a_if area units on floor f; contiguous runs of max_floors."""
        p, model = self.p, self.model
        for i in self.rows:
            self.x[i] = model.new_bool_var(f"x{i}")
            floors = np.flatnonzero(p.mask[i]).tolist()
            for f in floors:
                self.y[i, f] = model.new_bool_var(f"y{i}_{f}")
                self.a[i, f] = model.new_int_var(0, int(p.cap[f]), f"a{i}_{f}")
                model.add(self.a[i, f] <= int(p.cap[f]) * self.y[i, f])
                model.add(self.a[i, f] >= int(p.min_part[i]) * self.y[i, f])
                model.add_implication(self.y[i, f], self.x[i])
            ys = [self.y[i, f] for f in floors]
            model.add(sum(ys) >= self.x[i])
            model.add(sum(ys) <= int(p.max_floors[i]) * self.x[i])
            areas = [self.a[i, f] for f in floors]
            model.add(sum(areas) >= int(p.amin[i]) * self.x[i])
            model.add(sum(areas) <= int(p.amax[i]) * self.x[i])
            if p.max_floors[i] > 1 and len(floors) > 1:
                self._contiguous(i, floors)

    def _contiguous(self, i: int, floors: list[int]) -> None:
        """At most one run of floors starts: s_if >= y_if - y_i,f-1."""
        starts = []
        for f in floors:
            s = self.derive(self.model.new_bool_var(f"s{i}_{f}"), Seat.run_start, i, f)
            prev = self.y.get((i, f - 1))
            self.model.add(s >= self.y[i, f] - prev if prev is not None else s >= self.y[i, f])
            starts.append(s)
        self.model.add(sum(starts) <= 1)

    # -- constraint families ----------------------------------------------------------------------
    def capacity(self) -> None:
        for f in range(self.p.m):
            on_f = [self.a[i, f] for i in self.rows if (i, f) in self.a]
            if on_f:
                self.model.add(sum(on_f) <= int(self.p.cap[f]))

    def occupancy(self) -> None:
        """At least one tenant (an empty building is no programme), and the let area's minimum."""
        self.model.add_bool_or(list(self.x.values()))
        if self.p.rules.min_area > 0:
            self.model.add(sum(self.a.values()) >= int(self.p.rules.min_area))

    def _function_area(self, g: int) -> LinearExpr:
        return sum(v for (i, _), v in self.a.items() if self.p.function[i] == g)

    def function_mix(self) -> None:
        """u_g: function g present; min_functions; max_function_share; the lead function's area is largest."""
        p, model, rules = self.p, self.model, self.p.rules
        groups = sorted({int(p.function[i]) for i in self.rows})
        for g in groups:
            members = [i for i in self.rows if p.function[i] == g]
            u = self.derive(model.new_bool_var(f"fn{g}"), Seat.any_placed, members)
            model.add(u <= sum(self.x[i] for i in self.rows if p.function[i] == g))
            self.fn_present[g] = u
        if rules.min_functions > 0:
            model.add(sum(self.fn_present.values()) >= rules.min_functions)
        total = sum(self.a.values())
        if rules.max_function_share < 1.0:
            share = Fraction(rules.max_function_share).limit_denominator(10**6)
            for g in groups:
                model.add(share.denominator * self._function_area(g) <= share.numerator * total)
        if rules.lead >= 0:
            lead = self._function_area(rules.lead)
            for g in groups:
                if g != rules.lead:
                    model.add(lead >= self._function_area(g))
        elif rules.lead == -2:
            model.add(sum(self.x.values()) <= -1)  # the lead function has no candidate: nothing is valid

    def tenants(self) -> None:
        """must_include, forbidden pairs, max_tenants; with ``fixed`` every row is placed."""
        model, rules = self.model, self.p.rules
        for i in rules.must.tolist():
            if i in self.x:
                model.add(self.x[i] == 1)
            else:
                model.add(sum(self.x.values()) <= -1)  # a must-include item cannot be placed
        for i, j in rules.forbidden.tolist():
            if i in self.x and j in self.x:
                model.add(self.x[i] + self.x[j] <= 1)
        if rules.max_tenants is not None:
            model.add(sum(self.x.values()) <= rules.max_tenants)
        if self.opt.fixed:
            for v in self.x.values():
                model.add(v == 1)

    def exclusive_floors(self) -> None:
        """A floor holding an exclusive function holds no other: e_gf marks floor f as g's alone."""
        p, model = self.p, self.model
        exclusive = p.rules.exclusive
        if not len(exclusive) or not exclusive.any():
            return
        for f in range(p.m):
            on_f = [i for i in self.rows if (i, f) in self.y]
            groups = sorted({int(p.function[i]) for i in on_f if exclusive[p.function[i]]})
            if not groups:
                continue
            marks = {}
            for g in groups:
                members = [i for i in on_f if p.function[i] == g]
                marks[g] = self.derive(model.new_bool_var(f"e{g}_{f}"), Seat.any_on, f, members)
            model.add(sum(marks.values()) <= 1)
            for i in on_f:
                g_i = int(p.function[i])
                for g, e in marks.items():
                    model.add(self.y[i, f] <= e) if g == g_i else model.add(self.y[i, f] <= 1 - e)

    def rent(self) -> None:
        """Rent at least min_rent, in cents, coefficients rounded up (a relaxation of the exact rule)."""
        rules = self.p.rules
        if rules.rent is None or rules.min_rent <= 0:
            return
        income = sum(math.ceil(100 * rules.rent[i, f] - 1e-9) * v for (i, f), v in self.a.items())
        self.model.add(income >= math.floor(100 * rules.min_rent + 1e-9))

    def interchangeable_floors(self) -> None:
        """Order the loads of floors that nothing tells apart (only when every item takes one floor and
        no term depends on where items sit relative to each other)."""
        p = self.p
        if self.opt.textbook or any(p.max_floors[i] > 1 for i in self.rows):
            return
        if set(p.pair) - {"all"} or p.conflict_cost.any():
            return
        signature = [
            (int(p.cap[f]), bool(p.street[f]), p.mask[:, f].tobytes(), np.round(p.unary[:, f], 12).tobytes())
            for f in range(p.m)
        ]
        for f in range(p.m):
            for g in range(f + 1, p.m):
                if signature[f] == signature[g]:
                    load_f = sum(v for (i, h), v in self.a.items() if h == f)
                    load_g = sum(v for (i, h), v in self.a.items() if h == g)
                    self.model.add(load_f >= load_g)
                    break

    # -- objective kinds --------------------------------------------------------------------------
    def area_terms(self) -> None:
        """Linear in the areas; kept apart, because all areas together never exceed the building's
        capacity, which bounds their total rounding error far tighter than area by area."""
        for (i, f), var in self.a.items():
            if self.p.unary[i, f]:
                self.area_coefs.append((float(self.p.unary[i, f]), var))

    def _pair_bool(self, name: str, i: int, j: int) -> cp_model.IntVar:
        w = self.derive(self.model.new_bool_var(f"{name}{i}_{j}"), Seat.both, i, j)
        self.model.add_implication(w, self.x[i])
        self.model.add_implication(w, self.x[j])
        self.partners.setdefault(i, []).append((j, w))
        self.partners.setdefault(j, []).append((i, w))
        return w

    def _floor_link(self, name: str, i: int, j: int, near: bool) -> cp_model.IntVar | None:
        """A boolean that may be 1 only if i and j share a floor (or, ``near``, sit within a level), through
        one boolean per floor of i; those floor booleans also enter :meth:`floor_cuts`."""
        p, model = self.p, self.model
        adj = p.adjacent
        links = []
        for f in np.flatnonzero(p.mask[i]).tolist():
            reach = adj[f] if near else np.eye(p.m, dtype=bool)[f]
            partners = [self.y[j, g] for g in np.flatnonzero(p.mask[j] & reach).tolist()]
            if not partners:
                continue
            z = self.derive(model.new_bool_var(f"{name}{i}_{j}_{f}"), Seat.on_with, i, f, j, reach)
            model.add_implication(z, self.y[i, f])
            model.add(z <= sum(partners))
            links.append(z)
            self.links.setdefault((near, i, f), []).append((j, z))
            if not near:
                self.links.setdefault((near, j, f), []).append((i, z))
        if not links:
            return None
        w = self.derive(model.new_bool_var(f"{name}{i}_{j}"), Seat.linked, links)
        model.add(w <= sum(links))
        return w

    def floor_cuts(self) -> None:
        """Partners on a floor must fit on it: the items i is linked with on floor f (sharing f, or within a
        level of it) take at least their smallest part there, so
        ``sum_j part_j z_ijf <= (capacity around f - part_i) y_if``. Valid for every answer, and it stops the
        relaxation from seating everyone with everyone by spreading fractions over the floors."""
        p = self.p
        part = np.where(p.max_floors > 1, p.min_part, p.amin)
        capacity = int(p.cap.sum())
        for i, partners in self.partners.items():  # the partners of a placed item fit in the building
            self.model.add(sum(int(p.amin[j]) * w for j, w in partners) <= (capacity - int(p.amin[i])) * self.x[i])
        for (near, i, f), partners in self.links.items():
            room = int(p.cap[p.adjacent[f]].sum() if near else p.cap[f]) - int(part[i])
            self.model.add(sum(int(part[j]) * z for j, z in partners) <= max(room, 0) * self.y[i, f])

    def _street(self, i: int, cache: dict[int, cp_model.IntVar | None]) -> cp_model.IntVar | None:
        if i not in cache:
            floors = [self.y[i, f] for f in np.flatnonzero(self.p.mask[i] & self.p.street).tolist()]
            if floors:
                s = self.derive(self.model.new_bool_var(f"st{i}"), Seat.fronts, i, self.p.street)
                self.model.add(s <= sum(floors))
                cache[i] = s
            else:
                cache[i] = None
        return cache[i]

    def _forced(self) -> dict[str, np.ndarray]:
        """Per class, the pairs it counts wherever the two sit (their floors leave no choice): those
        values fold into the ``all`` class and need no variables of their own."""
        p = self.p
        masks = p.mask.astype(int)
        single = masks.sum(axis=1) == 1
        same = single[:, None] & single[None, :] & ((masks @ masks.T) == 1)
        far = (masks @ (~p.adjacent).astype(int) @ masks.T) > 0  # some pair of their floors is not near
        on_street = ~(p.mask & ~p.street[None, :]).any(axis=1)
        return {"same": same, "near": ~far, "street": np.outer(on_street, on_street)}

    def pair_terms(self) -> None:
        """One boolean per pair and class; above PAIR_LIMIT items the ``all`` class uses Glover's form. A class
        the floors force (both on the same only floor, ...) counts in ``all``."""
        p = self.p
        rows = self.rows
        compact = len(rows) > PAIR_LIMIT and not self.opt.textbook
        forced = {} if self.opt.textbook else self._forced()
        self.pair_value = {cls: np.asarray(mat) for cls, mat in p.pair.items()}
        if forced:
            total = self.pair_value.get("all", np.zeros((p.n, p.n))).copy()
            for cls, mask in forced.items():
                if cls in self.pair_value:
                    total += np.where(mask, self.pair_value[cls], 0.0)
                    self.pair_value[cls] = np.where(mask, 0.0, self.pair_value[cls])
            self.pair_value["all"] = total
        street_cache: dict[int, cp_model.IntVar | None] = {}
        for r, i in enumerate(rows):
            for j in rows[r + 1 :]:
                self._pair(i, j, compact, street_cache)
        if compact and "all" in self.pair_value:
            self._glover(self.pair_value["all"])

    def _pair(self, i: int, j: int, compact: bool, street_cache: dict[int, cp_model.IntVar | None]) -> None:
        for cls, mat in self.pair_value.items():
            value = float(mat[i, j])
            if value <= 0 or (cls == "all" and compact):
                continue
            if cls == "all":
                var: cp_model.IntVar | None = self._pair_bool("w", i, j)
            elif cls in ("near", "same"):
                var = self._floor_link(cls[0], i, j, near=cls == "near")
            else:
                si, sj = self._street(i, street_cache), self._street(j, street_cache)
                var = None
                if si is not None and sj is not None:
                    var = self.derive(self.model.new_bool_var(f"t{i}_{j}"), Seat.both_front, i, j, self.p.street)
                    self.model.add_implication(var, si)
                    self.model.add_implication(var, sj)
            if var is not None:
                self.terms.append((value, var, 1))

    def _glover(self, mat: np.ndarray) -> None:
        """Glover's compact form of sum_{i<j} P_ij x_i x_j: z_i <= sum_{j>i} P_ij x_j, z_i <= U_i x_i."""
        rows = self.rows
        for r, i in enumerate(rows):
            later = rows[r + 1 :]
            coefs = [float(mat[i, j]) for j in later]
            upper = sum(c for c in coefs if c > 0)
            if upper <= 0:
                continue
            z = self.model.new_int_var(0, 2**42, f"z{i}")
            self.glover_rows.append((z, i, later, coefs, upper))

    def conflict_terms(self) -> None:
        """Each item pays its worst conflict with a neighbour: pen_i >= c_ij q_ij, q_ij forced by any
        two neighbouring floors."""
        p, model = self.p, self.model
        if not p.conflict_cost.any():
            return
        adj = p.adjacent
        row_set = set(self.rows)
        iu, ju = np.nonzero(np.triu(p.conflict, 1) > 0)
        for i, j in zip(iu.tolist(), ju.tolist(), strict=True):
            if i not in row_set or j not in row_set:
                continue
            q = self.derive(model.new_bool_var(f"q{i}_{j}"), Seat.neighbours, i, j, adj)
            for f in np.flatnonzero(p.mask[i]).tolist():
                for g in np.flatnonzero(p.mask[j] & adj[f]).tolist():
                    model.add(q >= self.y[i, f] + self.y[j, g] - 1)
            for t, other in ((i, j), (j, i)):
                cost = float(p.conflict_cost[t] * p.conflict[t, other])
                if cost > 0:
                    self.penalties.setdefault(t, []).append((cost, q))

    def programme_terms(self) -> None:
        """Diversity (distinct functions), pioneers, heart: linear."""
        p, model = self.p, self.model
        if p.diversity_weight and self.fn_present:
            labels = [int(p.function[i]) for i in self.rows]
            div = self.derive(model.new_int_var(0, p.diversity_target, "diversity"), Seat.distinct, labels,
                              self.rows, p.diversity_target)
            model.add(div <= sum(self.fn_present.values()))
            self.terms.append((p.diversity_weight / p.diversity_target, div, p.diversity_target))
        pioneers = [self.x[i] for i in self.rows if p.pioneer[i]]
        if p.pioneer_weight and pioneers:
            pion = self.derive(model.new_int_var(0, p.pioneer_target, "pioneer"), Seat.count,
                               [i for i in self.rows if p.pioneer[i]], p.pioneer_target)
            model.add(pion <= sum(pioneers))
            self.terms.append((p.pioneer_weight / p.pioneer_target, pion, p.pioneer_target))
        street = [self.y[i, f] for (i, f) in self.y if p.heart[i] and p.street[f]]
        if p.heart_weight and street:
            cells = [(i, f) for (i, f) in self.y if p.heart[i] and p.street[f]]
            heart = self.derive(model.new_bool_var("heart"), Seat.any_cell, cells)
            model.add(heart <= sum(street))
            self.terms.append((p.heart_weight, heart, 1))

    # -- objective --------------------------------------------------------------------------------
    def objective(self) -> None:
        """Integer objective terms and the largest total rounding error (in integer units)."""
        capacity = float(self.p.cap.sum())
        magnitude = max((abs(c) for c, _ in self.area_coefs), default=0.0) * capacity
        magnitude += sum(abs(c) * ub for c, _, ub in self.terms)
        magnitude += sum(upper for _, _, _, _, upper in self.glover_rows)
        magnitude += sum(max(c for c, _ in pens) for pens in self.penalties.values())
        self.scale = OBJECTIVE_RANGE / max(magnitude, 1e-12)
        out: list[tuple[int, LinearExpr]] = []
        area_error = 0.0
        for coef, area in self.area_coefs:
            scaled = round(coef * self.scale)
            area_error = max(area_error, abs(scaled - coef * self.scale))
            if scaled:
                out.append((scaled, area))
        error = area_error * capacity  # areas never sum to more than the capacity
        for coef, var, ub in self.terms:
            scaled = round(coef * self.scale)
            error += abs(scaled - coef * self.scale) * ub
            if scaled:
                out.append((scaled, var))
        error += self._scaled_glover(out) + self._scaled_penalties(out)
        self.objective_terms, self.error = out, error
        self.model.maximize(sum(c * v for c, v in out))

    def _scaled_glover(self, out: list[tuple[int, LinearExpr]]) -> float:
        error = 0.0
        for z, i, later, coefs, upper in self.glover_rows:
            ints = [round(c * self.scale) for c in coefs]
            error += sum(abs(s - c * self.scale) for s, c in zip(ints, coefs, strict=True))
            bound = math.ceil(upper * self.scale) + len(coefs)
            self.derive(z, Seat.glover, i, later, ints, bound)
            self.model.add(z <= bound * self.x[i])
            self.model.add(z <= sum(s * self.x[j] for s, j in zip(ints, later, strict=True) if s))
            out.append((1, z))
        return error

    def _scaled_penalties(self, out: list[tuple[int, LinearExpr]]) -> float:
        error = 0.0
        for t, pens in self.penalties.items():
            scaled = [(round(c * self.scale), c, q) for c, q in pens]
            pen = self.model.new_int_var(0, max(s for s, _, _ in scaled), f"pen{t}")
            self.derive(pen, Seat.worst, scaled)
            for s, _, q in scaled:
                self.model.add(pen >= s * q)
            error += max(abs(s - c * self.scale) for s, c, _ in scaled)
            out.append((-1, pen))
        return error

    def build(self) -> Builder:
        self.placement_variables()
        for family in (self.capacity, self.occupancy, self.function_mix, self.tenants, self.exclusive_floors,
                       self.rent, self.interchangeable_floors):
            family()
        for kind in (self.area_terms, self.pair_terms, self.conflict_terms, self.programme_terms):
            kind()
        if not self.opt.textbook:
            self.floor_cuts()
        for earlier in self.p.rules.differ:
            self.differ_from(earlier, self.p.rules.min_difference)
        self.objective()
        return self

    # -- answers ----------------------------------------------------------------------------------
    def assignment(self, solver: cp_model.CpSolver) -> dict[int, tuple[int, ...]]:
        return {
            i: tuple(f for f in range(self.p.m) if (i, f) in self.y and solver.boolean_value(self.y[i, f]))
            for i in self.rows if solver.boolean_value(self.x[i])
        }

    def hint(self, areas: IntArray) -> None:
        """A complete hint: the placement's x, y and areas, and every auxiliary variable as it follows."""
        self.model.clear_hints()  # type: ignore[no-untyped-call]
        seat = Seat(areas)
        for i, v in self.x.items():
            self.model.add_hint(v, int(areas[i].sum() > 0))
        for (i, f), v in self.y.items():
            self.model.add_hint(v, int(areas[i, f] > 0))
        for (i, f), v in self.a.items():
            self.model.add_hint(v, int(areas[i, f]))
        for var, rule, args in self.derived:  # in creation order: later ones may read earlier ones
            seat.values[var.index] = rule(seat, *args)
            self.model.add_hint(var, seat.values[var.index])

    def exclude_assignment(self, assignment: dict[int, tuple[int, ...]]) -> None:
        """No-good: the same items on the same floors are not an answer again."""
        on = [self.y[i, f] for i, fs in assignment.items() for f in fs]
        off = [v for (i, f), v in self.y.items() if f not in assignment.get(i, ())]
        self.model.add(sum(1 - v for v in on) + sum(off) >= 1)

    def differ_from(self, areas: IntArray, share: float) -> None:
        """Later answers put at most (1 - share) of the larger let area where this one does (same item, floor)."""
        if share <= 0:
            return
        model = self.model
        total = int(areas.sum())
        overlap: list[cp_model.IntVar] = []
        for (i, f), var in self.a.items():
            if areas[i, f] > 0:
                o = self.derive(model.new_int_var(0, int(areas[i, f]), f"o{i}_{f}_{len(overlap)}"), Seat.overlap,
                                i, f, int(areas[i, f]))
                model.add_min_equality(o, [var, int(areas[i, f])])
                overlap.append(o)
        let = sum(self.a.values())
        bigger = self.derive(model.new_int_var(0, int(self.p.cap.sum()), f"M{total}_{len(overlap)}"), Seat.larger,
                             total)
        model.add_max_equality(bigger, [let, total])
        keep = Fraction(1.0 - share).limit_denominator(1000)
        model.add(keep.denominator * sum(overlap) <= keep.numerator * bigger)


def _parameters(solver: cp_model.CpSolver, options: ExactOptions) -> None:
    params = solver.parameters
    params.num_workers = options.workers
    params.random_seed = options.seed
    if options.workers == 1:
        params.linearization_level = 2


def _limits(solver: cp_model.CpSolver, options: ExactOptions, started: float, share: float) -> bool:
    remaining = options.time_limit - (time.perf_counter() - started)
    if remaining <= 0.005:
        return False
    solver.parameters.max_time_in_seconds = remaining
    if options.work_limit is not None:
        solver.parameters.max_deterministic_time = max(options.work_limit * share, 0.01)
    return True


def solve(problem: ArrayProblem, rows: Sequence[int], options: ExactOptions | None = None) -> ExactResult:
    """Up to ``k`` answers over ``rows``, best first, each differing from the earlier ones in at least
    ``min_difference`` of the let area; the first proven optimal under the float score when it says so."""
    opt = options or ExactOptions()
    started = time.perf_counter()
    builder = Builder(problem, rows, opt)
    result = ExactResult()
    if not builder.rows:
        result.infeasible, result.status = True, "no item may be placed"
        return result
    builder.build()
    if opt.hints:
        builder.hint(opt.hints[0])
    solver = cp_model.CpSolver()
    _parameters(solver, opt)
    for t in range(opt.k):
        if not _limits(solver, opt, started, 1.0 if t == 0 else 0.3 / max(opt.k - 1, 1)):
            result.clock_stopped = True
            break
        status = solver.solve(builder.model)
        result.clock_stopped |= _clock_cut(solver, status, opt)
        if t == 0:
            _first(result, status, solver, builder)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            break
        assignment = builder.assignment(solver)
        # the first answer's areas are exact (its proof rests on them); later ones, which must differ from
        # the earlier answers, get a bounded effort
        limit = None if t == 0 else AREA_NODES
        areas = allocate(problem.differing(problem.rules.differ + tuple(a for a, _ in result.answers),
                                           opt.min_difference) if result.answers else problem, assignment, limit)
        builder.exclude_assignment(assignment)
        if areas is None:
            continue  # outward rounding let through a placement the exact rules refuse
        if t == 0:
            result.proven = status == cp_model.OPTIMAL
            if result.proven and opt.verify and not opt.textbook:
                areas, result.proven, cut = _window(problem, builder, solver.objective_value, areas, opt, started)
                result.clock_stopped |= cut
        result.answers.append((areas, problem.value(areas)))
        builder.differ_from(areas, opt.min_difference)
        builder.hint(areas)
    result.answers.sort(key=lambda av: -av[1])
    result.wall_time = time.perf_counter() - started
    return result


def _clock_cut(solver: cp_model.CpSolver, status: cp_model.CpSolverStatus, opt: ExactOptions) -> bool:
    """Did the wall clock, not the work limit, stop this solve (so a faster machine would go further)?"""
    if status in (cp_model.OPTIMAL, cp_model.INFEASIBLE):
        return False
    params = solver.parameters
    by_clock = solver.wall_time >= 0.98 * params.max_time_in_seconds
    by_work = opt.work_limit is not None and solver.deterministic_time >= 0.98 * params.max_deterministic_time
    return bool(by_clock and not by_work)


def _first(result: ExactResult, status: cp_model.CpSolverStatus, solver: cp_model.CpSolver, builder: Builder) -> None:
    result.status = solver.status_name(status)
    result.infeasible = status == cp_model.INFEASIBLE
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        result.bound = (solver.best_objective_bound + builder.error) / builder.scale


def _window(
    problem: ArrayProblem, builder: Builder, optimum: float, areas: IntArray, opt: ExactOptions, started: float
) -> tuple[IntArray, bool, bool]:
    """Search the rounding window of a proven integer optimum for a placement better in floating point.

    Every placement's float value lies within ``error / scale`` of its integer objective over ``scale``
    (``error``: the largest total rounding error). So the placements to examine are those whose integer
    objective is at least ``optimum - 2 * error``: they are found best first (the same model, the found
    assignments cut off, the window's floor on the objective), each with its areas re-optimised exactly
    and valued in floating point, until the next one's integer objective is too low to beat the best
    float value found. Returns the best areas, whether the window was exhausted (then it is optimal) and
    whether the wall clock cut the window short (a faster or less busy machine would have gone further).
    """
    best_value = problem.value(areas)
    window = Builder(problem, builder.rows, opt).build()
    window.model.add(sum(c * v for c, v in window.objective_terms) >= math.floor(optimum - 2 * builder.error) - 1)
    window.exclude_assignment(
        {int(i): tuple(np.flatnonzero(areas[i]).tolist()) for i in np.flatnonzero(areas.sum(axis=1))}
    )
    window.hint(areas)
    solver = cp_model.CpSolver()
    _parameters(solver, opt)
    for _ in range(WINDOW_TRIES):
        if not _limits(solver, opt, started, 0.5):
            return areas, False, True
        status = solver.solve(window.model)
        if status == cp_model.INFEASIBLE:
            return areas, True, False
        if status != cp_model.OPTIMAL:
            return areas, False, _clock_cut(solver, status, opt)
        if (solver.objective_value + window.error) / window.scale <= best_value:
            return areas, True, False  # the best left in the window cannot beat what we have
        assignment = window.assignment(solver)
        window.exclude_assignment(assignment)
        other = allocate(problem, assignment)
        if other is not None and problem.value(other) > best_value:
            areas, best_value = other, problem.value(other)
    return areas, False, False
