"""The vectorised scorer: the term definitions of :mod:`objectmatch._engine.terms` as whole arrays.

:func:`term_arrays` turns an encoding into each component's data (per-m² coefficients for the
area terms, one n x n matrix per pair class for the pair terms, the conflict matrix, the flags of
the count and presence terms); :func:`components` evaluates a placement from them. Pair matrices
of a whole pool are products of two n x d factor matrices (:func:`pair_factors`), computed
blockwise and exactly symmetric, so 10,000 candidates cost about one BLAS call.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from objectmatch._engine.encode import HOURS_PER_WEEK, BoolArray, Encoded, FloatArray, IntArray, PoolArrays
from objectmatch._engine.terms import (
    AREA_COMPONENTS,
    COMPONENTS,
    PAIR_CLASSES,
    PAIR_COMPONENTS,
    ScoreModel,
    Weights,
    access_fit,
    agreed_rent,
    budget_fit,
    count_component,
    floor_reach,
    near_floors,
    noise_pair_table,
    publicness,
)
from objectmatch.vocabulary import active_vocabulary

__all__ = [
    "TermArrays", "area_coefficients", "components", "conflict_matrix", "conflict_rows", "pair_factors",
    "symmetric_product", "term_arrays", "unit_rows",
]

#: The pair class each offer reach counts in: building-wide offers always, floor offers between
#: tenants sharing a floor, street offers between tenants both on street-facing floors.
REACH_CLASS = {"building": "all", "floor": "same", "street": "street"}
#: Rows per tile of :func:`symmetric_product`: a 512-row panel of factors stays in cache.
BLOCK = 512

Factors = dict[str, tuple[FloatArray, FloatArray]]


def unit_rows(a: FloatArray) -> FloatArray:
    """Rows scaled to unit length (zero rows stay zero)."""
    norm = np.sqrt(np.einsum("ij,ij->i", a, a))
    return np.asarray(np.divide(a, norm[:, None], out=np.zeros_like(a), where=norm[:, None] > 0))


def symmetric_product(left: FloatArray, right: FloatArray, block: int = BLOCK) -> FloatArray:
    """``left @ right.T`` for a product symmetric in exact arithmetic, made exactly symmetric.

    Each panel above the diagonal is computed once and mirrored below it: half the flops and no
    n x n temporary (averaging with the transpose would cost 4x the product at n = 10,000).
    """
    n = left.shape[0]
    out = np.empty((n, n))
    for i0 in range(0, n, block):
        i1 = min(i0 + block, n)
        tile = left[i0:i1] @ right[i0:i1].T
        out[i0:i1, i0:i1] = (tile + tile.T) * 0.5
        if i1 < n:
            upper = out[i0:i1, i1:]
            np.matmul(left[i0:i1], right[i1:].T, out=upper)
            out[i1:, i0:i1] = upper.T
    return out


def _identity_factors(pool: PoolArrays, projection: FloatArray, weights: Weights, model: ScoreModel) -> Factors:
    """Shared identity: kernelised cosine of identities mixed with the cosine of values, times the
    proximity of the two tenants (one factor pair per proximity increment)."""
    ident = unit_rows(pool.identity @ projection)
    vals = unit_rows(pool.values)
    v = weights.values_share
    left, right = np.hstack([(1 - v) * ident, v * vals]), np.hstack([ident, vals])
    return {cls: (step * left, right) for cls, step in model.proximity_increments().items() if step > 0}


def _complementarity_factors(pool: PoolArrays) -> Factors:
    """``(m_ij + m_ji) / 2`` per reach, ``m_ij`` the share of i's needs that j offers within the reach."""
    n_needs = pool.needs.sum(axis=1, keepdims=True)
    share = np.divide(pool.needs, n_needs, out=np.zeros_like(pool.needs), where=n_needs > 0)
    vocabulary = active_vocabulary()
    reach = np.array([vocabulary.reach(t) for t in pool.need_columns])
    out: Factors = {}
    for name, cls in REACH_CLASS.items():
        cols = reach == name
        if cols.any():
            s, o = share[:, cols], pool.offers[:, cols]
            out[cls] = (np.hstack([s, o]) / 2, np.hstack([o, s]))
    return out


def _time_factors(pool: PoolArrays) -> Factors:
    """Share of the week exactly one of two is present, schedules read as probabilities:
    ``(r_i + r_j - 2 s_i . s_j) / 168``."""
    sched = pool.schedule
    hours = sched.sum(axis=1, keepdims=True)
    ones = np.ones_like(hours)
    return {"all": (np.hstack([hours, ones, -2 * sched]) / HOURS_PER_WEEK, np.hstack([ones, hours, sched]))}


def pair_factors(
    pool: PoolArrays, projection: FloatArray, weights: Weights, model: ScoreModel
) -> dict[str, Factors]:
    """Left and right factors per pair component and class: ``M = left @ right.T`` (diagonal not zeroed)."""
    return {
        "shared_identity": _identity_factors(pool, projection, weights, model),
        "complementarity": _complementarity_factors(pool),
        "time_complementarity": _time_factors(pool),
    }


def conflict_rows(pool: PoolArrays, table: FloatArray, start: int, stop: int) -> FloatArray:
    """Rows ``start:stop`` of ``K`` (``table`` is :func:`noise_pair_table`): noise conflict between every
    two candidates as neighbours, 1 for an explicit refusal, 0 on the diagonal.

    A block of rows at a time keeps a pool's whole-matrix work to one n x n array (``pairwise_scores``).
    """
    k = np.asarray(table[pool.noise_type[start:stop, None], pool.noise_type[None, :]], dtype=np.float64)
    pairs = pool.incompatible_pairs
    for a, b in ((0, 1), (1, 0)):
        mine = pairs[(pairs[:, a] >= start) & (pairs[:, a] < stop)]
        k[mine[:, a] - start, mine[:, b]] = 1.0
    rows = np.arange(stop - start)
    k[rows, rows + start] = 0.0
    return k


def conflict_matrix(pool: PoolArrays, model: ScoreModel) -> FloatArray:
    """``K``: noise conflict between every two candidates as neighbours, 1 for an explicit refusal."""
    return conflict_rows(pool, noise_pair_table(model), 0, pool.n)


def _dense(left: FloatArray, right: FloatArray) -> FloatArray:
    mat = np.clip(symmetric_product(left, right), 0.0, 1.0)
    np.fill_diagonal(mat, 0.0)
    return mat


@dataclass(frozen=True, eq=False)
class TermArrays:
    """Each component's data over the rows of one encoding (see :mod:`objectmatch._engine.terms`).

    ``area[k]`` is component k's value per m² (n x m); ``pair[k][c]`` its matrix for pair class c
    (n x n, symmetric, zero diagonal, without the ``s_i s_j`` factor); ``share`` is ``s``;
    ``conflict`` is ``K``.
    """

    enc: Encoded
    weights: Weights
    model: ScoreModel
    area: dict[str, FloatArray]
    pair: dict[str, dict[str, FloatArray]]
    share: FloatArray
    conflict: FloatArray
    adjacent: BoolArray
    heart_eligible: BoolArray

    @property
    def function(self) -> IntArray:
        return self.enc.pool.function

    @property
    def pioneer(self) -> BoolArray:
        return self.enc.pool.pioneer

    def pair_classes(self) -> Iterator[tuple[str, str, FloatArray]]:
        """Every (component, class, matrix) there is."""
        for name in PAIR_COMPONENTS:
            for cls in PAIR_CLASSES:
                mat = self.pair[name].get(cls)
                if mat is not None:
                    yield name, cls, mat


def area_coefficients(enc: Encoded, model: ScoreModel) -> dict[str, FloatArray]:
    """Each area component's value per m² of each candidate on each floor (n x m), unweighted."""
    pool = enc.pool
    lettable = enc.lettable_area
    n, m = enc.n, enc.m
    ident = unit_rows(pool.identity @ enc.projection)
    dna = unit_rows((enc.dna @ enc.projection)[None, :])[0]
    reach = floor_reach(enc.levels, enc.street, enc.elevator, model)
    per_tenant = {
        "occupancy": np.ones(n),
        "neighbourhood_fit": np.clip(ident @ dna, 0.0, 1.0),
        "building_fit": enc.potential,
        "support": enc.wish,
        "objection": enc.objection,
    }
    out = {name: np.repeat(col[:, None] / lettable, m, axis=1) for name, col in per_tenant.items()}
    out["rent"] = agreed_rent(enc.asking[None, :], pool.max_rent[:, None]) / enc.full_rent_roll
    out["budget_fit"] = budget_fit(enc.asking[None, :], pool.max_rent[:, None], model) / lettable
    out["access"] = access_fit(publicness(pool.visitors, model)[:, None], reach[None, :]) / lettable
    for a in out.values():
        a.flags.writeable = False
    return {name: out[name] for name in AREA_COMPONENTS}


def term_arrays(enc: Encoded, weights: Weights | None = None, model: ScoreModel | None = None) -> TermArrays:
    """Every component's data for ``enc`` (dense pair matrices: for pools the solver handles)."""
    w = weights or Weights()
    mdl = model or ScoreModel()
    factors = pair_factors(enc.pool, enc.projection, w, mdl)
    pair = {name: {cls: _dense(*lr) for cls, lr in factors[name].items()} for name in PAIR_COMPONENTS}
    levels = enc.levels
    arrays = TermArrays(
        enc=enc,
        weights=w,
        model=mdl,
        area=area_coefficients(enc, mdl),
        pair=pair,
        share=np.asarray(enc.pool.area_min / enc.lettable_area, dtype=float),
        conflict=conflict_matrix(enc.pool, mdl),
        adjacent=near_floors(levels),
        heart_eligible=np.asarray(enc.pool.meeting | enc.pool.pioneer),
    )
    for cls_mats in arrays.pair.values():
        for mat in cls_mats.values():
            mat.flags.writeable = False
    return arrays


@dataclass(frozen=True)
class Seating:
    """Where the tenants of a placement sit relative to each other (chosen rows only)."""

    chosen: IntArray
    areas: FloatArray
    same: BoolArray
    near: BoolArray
    street: BoolArray


def seating(arrays: TermArrays, areas: FloatArray) -> Seating:
    """The chosen rows of an n x m area matrix and who shares, neighbours and fronts the street."""
    on = areas > 0
    chosen = np.flatnonzero(on.any(axis=1))
    occ = on[chosen].astype(float)
    same = (occ @ occ.T) > 0
    near = (occ @ arrays.adjacent.astype(float) @ occ.T) > 0
    street = (occ @ arrays.enc.street.astype(float)) > 0
    return Seating(chosen, areas[chosen], same, near, street)


def pair_indicator(seat: Seating, cls: str) -> BoolArray:
    """Which chosen pairs a pair class counts: all, near, same floor, or both on the street."""
    if cls == "near":
        return seat.near
    if cls == "same":
        return seat.same
    if cls == "street":
        return np.asarray(np.outer(seat.street, seat.street))
    return np.ones_like(seat.same)


def components(arrays: TermArrays, areas: FloatArray) -> dict[str, float]:
    """Every component of a placement given as an n x m matrix of m² (zero where not placed)."""
    seat = seating(arrays, areas)
    sub = np.ix_(seat.chosen, seat.chosen)
    s = arrays.share[seat.chosen]
    ss = np.outer(s, s)
    out = {name: float((seat.areas * arrays.area[name][seat.chosen]).sum()) for name in AREA_COMPONENTS}
    for name in PAIR_COMPONENTS:
        out[name] = 0.0
    for name, cls, mat in arrays.pair_classes():
        out[name] += float((ss * mat[sub] * pair_indicator(seat, cls)).sum())
    worst = (arrays.conflict[sub] * seat.near).max(axis=1, initial=0.0)
    out["conflict"] = float(s @ worst)
    w = arrays.weights
    out["pioneer"] = count_component(int(arrays.pioneer[seat.chosen].sum()), w.pioneer_target)
    out["diversity"] = count_component(len(np.unique(arrays.function[seat.chosen])), w.diversity_target)
    out["heart"] = 1.0 if bool((seat.street & arrays.heart_eligible[seat.chosen]).any()) else 0.0
    return {name: out[name] for name in COMPONENTS}
