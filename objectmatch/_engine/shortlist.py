"""The shortlist of a large pool: the candidates worth the engine's dense arrays.

The engine's pair arrays are n x n; for a pool of 10,000 usable candidates that is gigabytes. Above
``LIMIT`` usable candidates the engine works on a shortlist: every function keeps its best few
(so a mixed programme can still be built), the rest are ranked by what they would bring -- their
area terms at area_min on their best usable floor, plus their pair value with the most promising
candidates (the best ``PARTNERS`` by area value per m², computed blockwise from the factor matrices,
so memory stays O(n x PARTNERS)) -- per square root of their area_min. Candidates left out are
told so in ``result.left_out``.
"""

from __future__ import annotations

import numpy as np

from objectmatch._engine.encode import Encoded, FloatArray, IntArray
from objectmatch._engine.scorer import area_coefficients, pair_factors
from objectmatch._engine.terms import AREA_COMPONENTS, ScoreModel, Weights

__all__ = ["LIMIT", "PARTNERS", "shortlist"]

#: Usable candidates above which the engine works on a shortlist.
LIMIT = 400
#: The most promising candidates whose pair value with every other ranks it.
PARTNERS = 100
#: Rows per block of the pair products.
BLOCK = 2048


def _unary(enc: Encoded, weights: Weights, model: ScoreModel) -> FloatArray:
    """Area terms at area_min on the best usable floor (``-inf`` where none is usable)."""
    signed = weights.signed()
    coef = area_coefficients(enc, model)
    per_m2 = sum((signed[name] * coef[name] for name in AREA_COMPONENTS), np.zeros((enc.n, enc.m)))
    best = np.where(enc.mask, per_m2, -np.inf).max(axis=1, initial=-np.inf)
    return np.asarray(best * enc.pool.area_min)


def _pair_value(enc: Encoded, weights: Weights, model: ScoreModel, rows: IntArray, partners: IntArray) -> FloatArray:
    """Each row's summed pair value with ``partners`` (same floor, street: the most it could get)."""
    signed = weights.signed()
    share = enc.pool.area_min / enc.lettable_area
    out = np.zeros(len(rows))
    for name, classes in pair_factors(enc.pool, enc.projection, weights, model).items():
        for left, right in classes.values():
            for b0 in range(0, len(rows), BLOCK):
                block = rows[b0 : b0 + BLOCK]
                values = np.clip(left[block] @ right[partners].T, 0.0, 1.0) * share[partners][None, :]
                out[b0 : b0 + BLOCK] += 2.0 * signed[name] * share[block] * values.sum(axis=1)
    return out


def shortlist(enc: Encoded, weights: Weights, model: ScoreModel, limit: int = LIMIT) -> IntArray:
    """The rows of ``enc`` the engine should work on: all usable ones if at most ``limit``, else a
    shortlist of ``limit`` (see the module docstring). Sorted."""
    usable = np.flatnonzero(enc.mask.any(axis=1))
    if len(usable) <= limit:
        return usable
    unary = _unary(enc, weights, model)[usable]
    density = unary / enc.pool.area_min[usable]
    partners = usable[np.argsort(-density, kind="stable")[:PARTNERS]]
    # ranked per square root of area: by absolute value a large pool's shortlist is only its largest
    # candidates (few tenants, little synergy), by value per m2 only its smallest; measured on 1,000,
    # 2,000 and 10,000 candidates (two pools each), the square root gave the best programmes
    value = (unary + _pair_value(enc, weights, model, usable, partners)) / np.sqrt(enc.pool.area_min[usable])
    order = usable[np.argsort(-value, kind="stable")]
    functions = enc.pool.function
    quota = max(1, limit // (4 * max(len(np.unique(functions[usable])), 1)))
    keep: list[int] = []
    for g in np.unique(functions[usable]).tolist():
        keep += order[functions[order] == g][:quota].tolist()
    chosen = set(keep)
    for i in order.tolist():
        if len(chosen) >= limit:
            break
        chosen.add(i)
    return np.array(sorted(chosen), dtype=np.int64)
