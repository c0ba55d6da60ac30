"""Scoring: how good a tenant programme is, every component in [0, 1], computed as whole arrays.

The components, their formulas and their data are defined once, in
:mod:`objectmatch._engine.terms` (docs/scoring.md gives each with a hand-worked example); this
module is the public face: :func:`score` for a programme, :func:`pairwise_scores` and
:func:`pairwise_components` for a whole pool, :class:`Weights` and :class:`ScoreModel`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from typing_extensions import Unpack

from objectmatch._context import context, encode_in
from objectmatch._engine.encode import FloatArray, IdentityKernel, PoolArrays, encode_pool, network_projection
from objectmatch._engine.scorer import (
    components,
    conflict_matrix,
    pair_factors,
    symmetric_product,
    term_arrays,
)
from objectmatch._engine.terms import (
    COMPONENTS,
    MAX_WEIGHT,
    NEGATIVE,
    TERMS,
    ScoreModel,
    Weights,
    weighted_total,
)
from objectmatch._inputs import as_building, as_candidates, as_placements
from objectmatch._params import validate
from objectmatch.constraints import Violation, normalise_placements, placement_violations
from objectmatch.models import Building, Candidate
from objectmatch.options import ScoringOptions, ScoringParams
from objectmatch.results import ScoreBreakdown

__all__ = [
    "COMPONENTS",
    "MAX_WEIGHT",
    "NEGATIVE",
    "TERMS",
    "PlacementError",
    "ScoreModel",
    "Weights",
    "pairwise_components",
    "pairwise_scores",
    "score",
]


class PlacementError(ValueError):
    """A placement breaks a hard constraint; ``violations`` lists every one."""

    def __init__(self, violations: Sequence[str]) -> None:
        self.violations = list(violations)
        super().__init__("placement breaks hard constraints:\n- " + "\n- ".join(self.violations))


def score_with(
    building: Building, candidates: Sequence[Candidate], placements: Mapping[str, Mapping[Any, Any]],
    options: ScoringOptions,
) -> ScoreBreakdown:
    """:func:`score` with options already validated (what results and the solver call)."""
    placements = normalise_placements(placements)
    violations: list[Violation] = placement_violations(building, candidates, placements, area_step=options.area_step)
    if violations:
        raise PlacementError(violations)
    # Sorted by id, only the placed: the score is bit-for-bit the same whatever else is in the pool.
    used = sorted((c for c in candidates if c.id in placements), key=lambda c: c.id)
    ctx = context(building, options)
    enc = encode_in(building, used, ctx, options)
    arrays = term_arrays(enc, options.weights, options.score_model)
    areas = np.zeros((enc.n, enc.m))
    column = {int(lv): f for f, lv in enumerate(enc.levels)}
    for i, c in enumerate(used):
        for level, area in placements[c.id].items():
            areas[i, column[level]] += area
    comps = components(arrays, areas)
    total = weighted_total(comps, options.weights)
    return ScoreBreakdown(total=total, components=comps, weights=options.weights.signed())


def score(
    building: Building,
    candidates: Sequence[Candidate],
    placements: Mapping[str, Mapping[int, float]],
    **options: Unpack[ScoringParams],
) -> ScoreBreakdown:
    """Score a programme: ``placements`` maps candidate id to ``{floor level: m²}``.

    Raises :class:`PlacementError` (a ``ValueError``) listing every physical violation: unknown
    id or level, areas off the ``area_step`` grid, over a floor's area, outside area_min..area_max,
    more floors than max_floors or not contiguous, ground floor, free height, floor load, function
    not permitted. Programme-level rules (occupancy, function mix, rent, exclusive floors, the
    assessment's vetoes) are :func:`objectmatch.check`'s: any physically valid placement can be scored.

    Parameters
    ----------
    building, candidates
        The object and the pool (candidates not placed do not change the score).
    placements
        The programme.
    **options
        ``weights``, ``score_model``, ``profile``, ``network``, ``participation``, ``potentials``,
        ``assess`` (default True), ``area_step`` (default 1): see :class:`objectmatch.options.ScoringOptions`.
        ``result.score(programme)`` passes the options a match was solved with.

    Returns
    -------
    ScoreBreakdown
        ``total`` equals ``sum(weights[k] * components[k])``.

    Examples
    --------
    >>> from objectmatch import load_example
    >>> building, pool = load_example()
    >>> cafe = next(c for c in pool if c.activity == "cafe")
    >>> b = score(building, pool, {cafe.id: {0: cafe.area_min}})
    >>> round(b.total, 9) == round(sum(b.weights[k] * v for k, v in b.components.items()), 9)
    True
    """
    opts = validate(ScoringOptions, "score", options)
    return score_with(
        as_building(building, "score"), as_candidates(candidates, "score"), as_placements(placements, "score"), opts
    )


def _as_pool(candidates: Sequence[Candidate] | PoolArrays) -> PoolArrays:
    return candidates if isinstance(candidates, PoolArrays) else encode_pool(as_candidates(candidates, "pairwise"))


def pairwise_components(
    candidates: Sequence[Candidate] | PoolArrays,
    *,
    weights: Weights | None = None,
    network: IdentityKernel | None = None,
    score_model: ScoreModel | None = None,
) -> dict[str, FloatArray]:
    """Each pair component of every two candidates as its own n x n matrix (symmetric, zero diagonal,
    in [0, 1]), as if the two sat on the same street-facing floor; ``conflict`` as if they were
    neighbours (an explicit refusal counts 1.0).

    Examples
    --------
    >>> from objectmatch import Candidate
    >>> cafe = Candidate(id="cafe", name="Cafe", function="assembly", activity="cafe",
    ...                  offers={"catering"}, needs={"foot_traffic"}, area_min=100, area_max=200)
    >>> cowork = Candidate(id="cw", name="Cowork", function="office", activity="coworking",
    ...                    needs={"catering", "meeting_rooms"}, offers={"foot_traffic"}, area_min=300, area_max=600)
    >>> pairwise_components([cafe, cowork])["complementarity"]
    array([[0.  , 0.75],
           [0.75, 0.  ]])
    """
    w = weights or Weights()
    model = score_model or ScoreModel()
    pool = _as_pool(candidates)
    projection = network_projection(pool.identity_columns, network, w.network_strength)
    out: dict[str, FloatArray] = {}
    for name, classes in pair_factors(pool, projection, w, model).items():
        total = np.zeros((pool.n, pool.n))
        for left, right in classes.values():
            total += symmetric_product(left, right)
        mat = np.clip(total, 0.0, 1.0)
        np.fill_diagonal(mat, 0.0)
        out[name] = mat
    out["conflict"] = conflict_matrix(pool, model)
    return out


def pairwise_scores(
    candidates: Sequence[Candidate] | PoolArrays,
    *,
    weights: Weights | None = None,
    network: IdentityKernel | None = None,
    score_model: ScoreModel | None = None,
) -> FloatArray:
    """The weighted pair value of every two candidates in a pool, as one matrix product.

    ``P = sum_k w_k M_k - w_conflict K`` over the components of :func:`pairwise_components` (two
    candidates on the same street-facing floor, as neighbours). Area shares are not applied: this
    is the affinity of two users as such.

    Examples
    --------
    >>> from objectmatch.datasets import generate_pool
    >>> p = pairwise_scores(generate_pool(50, seed=1))
    >>> p.shape, bool((p == p.T).all()), float(abs(p.diagonal()).max())
    ((50, 50), True, 0.0)
    """
    w = weights or Weights()
    model = score_model or ScoreModel()
    pool = _as_pool(candidates)
    projection = network_projection(pool.identity_columns, network, w.network_strength)
    signed = w.signed()
    lefts, rights = [], []
    for name, classes in pair_factors(pool, projection, w, model).items():
        for left, right in classes.values():
            lefts.append(signed[name] * left)
            rights.append(right)
    out = symmetric_product(np.hstack(lefts), np.hstack(rights)) - w.conflict * conflict_matrix(pool, model)
    np.fill_diagonal(out, 0.0)
    return out

