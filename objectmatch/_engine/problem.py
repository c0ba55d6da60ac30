"""One matching problem as plain arrays: what every engine (search, exact model, area allocation) reads.

:class:`ArrayProblem` knows nothing of buildings or candidates: items with sizes on a grid of
area units, floors with capacities, a per-unit value of each item on each floor, pair values by
where two items sit (:data:`~objectmatch._engine.terms.PAIR_CLASSES`), a worst-neighbour conflict,
count and presence terms, and the hard constraints. :func:`from_terms` builds one from the term
arrays of an encoding; :func:`objectmatch._engine.qkp.qkp_problem` builds one from a plain
quadratic knapsack. Its :meth:`~ArrayProblem.value` is the weighted score of a placement.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np

from objectmatch._engine.encode import BoolArray, FloatArray, IntArray
from objectmatch._engine.scorer import TermArrays
from objectmatch._engine.terms import AREA_COMPONENTS, PAIR_CLASSES, count_component, near_floors
from objectmatch.constraints import min_part

__all__ = ["ArrayProblem", "ProgrammeRules", "from_terms", "overlap_excess"]



@dataclass(frozen=True)
class ProgrammeRules:
    """The hard constraints of a programme, in array form.

    ``min_area`` and sizes count area units; ``exclusive[g]``: function g holds its floors alone;
    ``rent[i, f]``: rent per unit of item i on floor f; ``lead``: the function that must hold the
    largest area (scenarios), or -1; ``differ``: earlier answers this one must differ from in at
    least ``min_difference`` of the larger let area (tenant-to-floor), for real alternatives.
    """

    min_area: int = 0
    min_functions: int = 0
    max_function_share: float = 1.0
    must: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    forbidden: IntArray = field(default_factory=lambda: np.zeros((0, 2), dtype=np.int64))
    max_tenants: int | None = None
    exclusive: BoolArray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    rent: FloatArray | None = None
    min_rent: float = 0.0
    lead: int = -1
    differ: tuple[IntArray, ...] = ()
    min_difference: float = 0.0


def overlap_excess(areas: IntArray | FloatArray, earlier: IntArray, share: float) -> float:
    """How far ``areas`` overlaps ``earlier`` beyond ``1 - share`` of the larger let area (0: different enough)."""
    overlap = float(np.minimum(areas, earlier).sum())
    return max(0.0, overlap - (1.0 - share) * max(float(np.sum(areas)), float(earlier.sum())))


@dataclass(frozen=True, eq=False)
class ArrayProblem:
    """Items to place on floors, with values and rules, all as arrays (units of ``unit`` m²).

    The value of a placement ``a`` (n x m units) is::

        sum_if unary[i, f] a_if
        + sum_{i<j} sum_c pair[c][i, j] ind_c(i, j)           (c in all, near, same, street)
        - sum_i conflict_cost[i] max_{j near i} conflict[i, j]
        + pioneer_weight * min(#pioneers, pioneer_target) / pioneer_target
        + diversity_weight * min(#functions, diversity_target) / diversity_target
        + heart_weight * [some heart item on a street floor]
    """

    unit: int
    cap: IntArray
    levels: IntArray
    street: BoolArray
    amin: IntArray
    amax: IntArray
    min_part: IntArray
    max_floors: IntArray
    mask: BoolArray
    unary: FloatArray
    pair: dict[str, FloatArray]
    conflict: FloatArray
    conflict_cost: FloatArray
    function: IntArray
    pioneer: BoolArray
    heart: BoolArray
    pioneer_weight: float = 0.0
    pioneer_target: int = 1
    diversity_weight: float = 0.0
    diversity_target: int = 1
    heart_weight: float = 0.0
    rules: ProgrammeRules = field(default_factory=ProgrammeRules)

    @property
    def n(self) -> int:
        return len(self.amin)

    @property
    def m(self) -> int:
        return len(self.cap)

    @property
    def n_functions(self) -> int:
        return int(self.function.max()) + 1 if self.n else 0

    @property
    def adjacent(self) -> BoolArray:
        """Floors near each other (:func:`objectmatch._engine.terms.near_floors`)."""
        return near_floors(self.levels)

    @property
    def active(self) -> IntArray:
        """Items that may be placed at all."""
        return np.flatnonzero(self.mask.any(axis=1))

    def programme_value(self, chosen: IntArray, street: BoolArray) -> float:
        """The count and presence terms of a tenant set (``street``: chosen items on a street floor)."""
        value = 0.0
        if self.pioneer_weight:
            value += self.pioneer_weight * count_component(int(self.pioneer[chosen].sum()), self.pioneer_target)
        if self.diversity_weight:
            value += self.diversity_weight * count_component(
                len(np.unique(self.function[chosen])), self.diversity_target
            )
        if self.heart_weight and bool((self.heart[chosen] & street).any()):
            value += self.heart_weight
        return value

    def value(self, areas: IntArray | FloatArray) -> float:
        """The weighted value of a placement (n x m, area units; zero where not placed)."""
        on = np.asarray(areas) > 0
        chosen = np.flatnonzero(on.any(axis=1))
        occ = on[chosen].astype(float)
        same = (occ @ occ.T) > 0
        near = (occ @ self.adjacent.astype(float) @ occ.T) > 0
        street = (occ @ self.street.astype(float)) > 0
        sub = np.ix_(chosen, chosen)
        upper = np.triu(np.ones((len(chosen), len(chosen)), dtype=bool), 1)
        total = float((np.asarray(areas, dtype=float)[chosen] * self.unary[chosen]).sum())
        indicators = {"all": upper, "near": near & upper, "same": same & upper,
                      "street": np.outer(street, street) & upper}
        for cls in PAIR_CLASSES:
            mat = self.pair.get(cls)
            if mat is not None:
                total += float(mat[sub][indicators[cls]].sum())
        worst = (self.conflict[sub] * near).max(axis=1, initial=0.0)
        total -= float(self.conflict_cost[chosen] @ worst)
        return total + self.programme_value(chosen, street)

    def differing(self, earlier: tuple[IntArray, ...], share: float) -> ArrayProblem:
        """This problem, with answers required to differ from ``earlier`` in ``share`` of the let area."""
        return replace(self, rules=replace(self.rules, differ=earlier, min_difference=share))

    def violations(self, areas: IntArray | FloatArray) -> list[str]:
        """Programme-level rules a placement breaks (capacity and the mask are assumed to hold)."""
        from objectmatch._engine.feasibility import programme_violations

        return programme_violations(self, np.asarray(areas))


def _units_down(value: float, unit: int) -> int:
    return math.floor(value / unit + 1e-9)


def _units_up(value: float, unit: int) -> int:
    return math.ceil(value / unit - 1e-9)


@dataclass(frozen=True)
class RuleInputs:
    """Programme rules in the encoding's terms, before they become units (see :func:`from_terms`)."""

    min_occupancy: float = 0.0
    min_functions: int = 0
    max_function_share: float = 1.0
    must: tuple[int, ...] = ()
    exclude: tuple[int, ...] = ()
    forbidden: tuple[tuple[int, int], ...] = ()
    max_tenants: int | None = None
    exclusive_functions: frozenset[str] = frozenset()
    min_rent_share: float | None = None
    lead: str | None = None


def _pair_values(arrays: TermArrays) -> dict[str, FloatArray]:
    """Unordered-pair value per class: ``2 * sum_k w_k s_i s_j M_k``."""
    signed = arrays.weights.signed()
    outer = np.outer(arrays.share, arrays.share)
    out: dict[str, FloatArray] = {}
    for name, cls, mat in arrays.pair_classes():
        if signed[name]:
            out[cls] = out.get(cls, np.zeros_like(outer)) + 2.0 * signed[name] * outer * mat
    for mat in out.values():
        mat.flags.writeable = False
    return out


def from_terms(arrays: TermArrays, rules: RuleInputs, unit: int = 1) -> ArrayProblem:
    """The array problem of an encoding's term arrays under ``rules``, on a grid of ``unit`` m²."""
    enc, w = arrays.enc, arrays.weights
    signed = w.signed()
    unary = unit * sum((signed[name] * arrays.area[name] for name in AREA_COMPONENTS), np.zeros((enc.n, enc.m)))
    amin = np.array([_units_up(a, unit) for a in enc.pool.area_min], dtype=np.int64)
    part = np.array([min_part(a, unit) // unit for a in enc.pool.area_min], dtype=np.int64)
    amax = np.array([_units_down(a, unit) for a in enc.pool.area_max], dtype=np.int64)
    cap = np.array([_units_down(a, unit) for a in enc.floor_area], dtype=np.int64)
    mask = enc.mask & (amin <= amax)[:, None] & (amin > 0)[:, None]
    if rules.exclude:
        mask = mask.copy()
        mask[list(rules.exclude)] = False
    fn_names = enc.pool.function_columns
    lead = fn_names.index(rules.lead) if rules.lead in fn_names else (-2 if rules.lead else -1)
    rent = unit * np.minimum(enc.asking[None, :], enc.pool.max_rent[:, None])
    programme = ProgrammeRules(
        min_area=_units_up(rules.min_occupancy * enc.lettable_area, unit),
        min_functions=rules.min_functions,
        max_function_share=rules.max_function_share,
        must=np.array(sorted(rules.must), dtype=np.int64),
        forbidden=np.array(sorted(rules.forbidden), dtype=np.int64).reshape(-1, 2),
        max_tenants=rules.max_tenants,
        exclusive=np.array([f in rules.exclusive_functions for f in fn_names], dtype=bool),
        rent=rent,
        min_rent=0.0 if rules.min_rent_share is None else rules.min_rent_share * enc.full_rent_roll,
        lead=lead,
    )
    return ArrayProblem(
        unit=unit,
        cap=cap,
        levels=enc.levels,
        street=enc.street,
        amin=amin,
        amax=amax,
        min_part=part,
        max_floors=enc.pool.max_floors,
        mask=np.asarray(mask),
        unary=np.asarray(unary),
        pair=_pair_values(arrays),
        conflict=arrays.conflict,
        conflict_cost=np.asarray(w.conflict * arrays.share),
        function=enc.pool.function,
        pioneer=enc.pool.pioneer,
        heart=arrays.heart_eligible,
        pioneer_weight=w.pioneer,
        pioneer_target=w.pioneer_target,
        diversity_weight=w.diversity,
        diversity_target=w.diversity_target,
        heart_weight=w.heart,
        rules=programme,
    )
