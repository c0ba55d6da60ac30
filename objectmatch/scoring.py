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
    BLOCK,
    components,
    conflict_matrix,
    conflict_rows,
    pair_factors,
    symmetric_product,
    term_arrays,
)
from objectmatch._engine.terms import (
    COMPONENTS,
    MAX_WEIGHT,
    NEGATIVE,
    PAIR_COMPONENTS,
    TERMS,
    ScoreModel,
    Weights,
    noise_pair_table,
    weighted_total,
)
from objectmatch._inputs import as_building, as_candidates, as_placements
from objectmatch._params import InvalidParameterError, validate
from objectmatch.constraints import Violation, normalise_placements, placement_violations
from objectmatch.models import Building, Candidate
from objectmatch.options import PairwiseOptions, ScoringOptions, ScoringParams
from objectmatch.results import ScoreBreakdown

__all__ = [
    "COMPONENTS",
    "MAX_WEIGHT",
    "NEGATIVE",
    "TERMS",
    "PlacementError",
    "ScoreModel",
    "Weights",
    "pairwise_bytes",
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


#: How many n x d float64 arrays a pairwise call holds at its peak besides its n x n ones, ``d`` the
#: width of the encoded pool (identities, values, needs, offers, the 168 hours): the encoding and
#: the factors of the matrix product (measured 7.4 to 8.7 with tracemalloc, with a margin).
FACTOR_COPIES = 10
#: How many n x n float64 arrays each call holds at its peak: ``pairwise_scores`` its result (the
#: conflict is subtracted a block of rows at a time); ``pairwise_components`` its four matrices and
#: the one being summed.
PAIRWISE_MATRICES = {"pairwise_scores": 1, "pairwise_components": len(PAIR_COMPONENTS) + 2}


def pairwise_bytes(n: int, width: int = 0, function: str = "pairwise_scores") -> int:
    """Bytes ``function`` needs for ``n`` candidates whose encoding is ``width`` columns wide:
    its n x n results, a block of rows of working arrays and the factors of the matrix product.

    Examples
    --------
    >>> round(pairwise_bytes(20_000) / 2**30, 2)  # before the pool is encoded: a lower bound
    3.13
    >>> round(pairwise_bytes(20_000, width=270) / 2**30, 2)  # a generated pool's encoding is 270 wide
    3.54
    """
    return 8 * (PAIRWISE_MATRICES[function] * n * n + 2 * BLOCK * n + FACTOR_COPIES * n * width)


def _size(nbytes: int) -> str:
    """``nbytes`` in the largest binary unit that keeps it at 1 or more: ``'3.5 GiB'``."""
    value, unit = float(nbytes), "bytes"
    for bigger in ("KiB", "MiB", "GiB", "TiB"):
        if value < 1024:
            break
        value, unit = value / 1024, bigger
    return f"{value:,.0f} {unit}" if unit == "bytes" else f"{value:,.1f} {unit}"


def _fits(n: int, width: int, options: PairwiseOptions, function: str) -> None:
    """Refuse up front a pool whose n x n work would need more than ``max_bytes``, with the figures."""
    need = pairwise_bytes(n, width, function)
    if need > options.max_bytes:
        raise InvalidParameterError([
            f"The 'candidates' parameter of {function}: {n:,} candidates need about {_size(need)} ({need:,} "
            f"bytes: n x n float64 results and their working arrays), over max_bytes = {options.max_bytes:,} "
            f"({_size(options.max_bytes)}); pass fewer candidates (match works on a shortlist and has no such "
            "limit) or a larger max_bytes if the machine has the memory"
        ])


def _pool_width(pool: PoolArrays) -> int:
    return sum(a.shape[1] for a in (pool.identity, pool.values, pool.needs, pool.offers, pool.schedule))


def _prepared(
    candidates: Sequence[Candidate] | PoolArrays, values: Mapping[str, Any], function: str
) -> tuple[PoolArrays, PairwiseOptions]:
    """Validated options and the encoded pool, refused before encoding if even the results cannot fit."""
    options = validate(PairwiseOptions, function, {k: v for k, v in values.items() if v is not None})
    if isinstance(candidates, PoolArrays):
        pool = candidates
    else:
        listed = as_candidates(candidates, function)
        _fits(len(listed), 0, options, function)
        pool = encode_pool(listed)
    _fits(pool.n, _pool_width(pool), options, function)
    return pool, options


def _factors(pool: PoolArrays, options: PairwiseOptions) -> dict[str, Any]:
    w = options.weights
    projection = network_projection(pool.identity_columns, options.network, w.network_strength)
    return pair_factors(pool, projection, w, options.score_model)


def pairwise_components(
    candidates: Sequence[Candidate] | PoolArrays,
    *,
    weights: Weights | Mapping[str, float] | None = None,
    network: IdentityKernel | None = None,
    score_model: ScoreModel | Mapping[str, Any] | None = None,
    max_bytes: int | None = None,
) -> dict[str, FloatArray]:
    """Each pair component of every two candidates as its own n x n matrix (symmetric, zero diagonal,
    in [0, 1]), as if the two sat on the same street-facing floor; ``conflict`` as if they were
    neighbours (an explicit refusal counts 1.0).

    The options are those of :func:`pairwise_scores`; this call holds five n x n arrays at its peak
    (:func:`pairwise_bytes`), so the same ``max_bytes`` admits about 2.2 times fewer candidates.

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
    values = {"weights": weights, "network": network, "score_model": score_model, "max_bytes": max_bytes}
    pool, options = _prepared(candidates, values, "pairwise_components")
    out: dict[str, FloatArray] = {}
    for name, classes in _factors(pool, options).items():
        total = np.zeros((pool.n, pool.n))
        for left, right in classes.values():
            total += symmetric_product(left, right)
        mat = np.clip(total, 0.0, 1.0, out=total)
        np.fill_diagonal(mat, 0.0)
        out[name] = mat
    out["conflict"] = conflict_matrix(pool, options.score_model)
    return out


def pairwise_scores(
    candidates: Sequence[Candidate] | PoolArrays,
    *,
    weights: Weights | Mapping[str, float] | None = None,
    network: IdentityKernel | None = None,
    score_model: ScoreModel | Mapping[str, Any] | None = None,
    max_bytes: int | None = None,
) -> FloatArray:
    """The weighted pair value of every two candidates in a pool, as one matrix product.

    ``P = sum_k w_k M_k - w_conflict K`` over the components of :func:`pairwise_components` (two
    candidates on the same street-facing floor, as neighbours). Area shares are not applied: this
    is the affinity of two users as such.

    Parameters
    ----------
    candidates
        The pool (a sequence of :class:`~objectmatch.models.Candidate`, dicts validated as such), or
        a pool already encoded (``objectmatch._engine.encode.encode_pool``).
    weights, score_model
        A :class:`Weights` and a :class:`ScoreModel`, or a dict of their fields (validated as
        :func:`score` validates them); ``None`` means the defaults.
    network
        An :class:`~objectmatch.culture.IdentityNetwork`, any object with a ``matrix(identities)``
        method returning the identity-similarity matrix in that order, or ``None`` (none).
    max_bytes
        The most memory the call may need, in bytes; default
        :data:`~objectmatch.options.PAIRWISE_MAX_BYTES` (4 GiB). The result is an n x n float64
        matrix (8 n² bytes) and the call needs about ``8 * (n² + 1024 n + 10 n d)`` bytes in all, ``d``
        the width of the encoded pool (:func:`pairwise_bytes`): for a generated pool (``d`` = 270)
        3.5 GiB with 20,000 candidates, 77 GiB with 100,000. A pool that would need more is refused
        up front with the figures: before it is encoded when its n x n result alone cannot fit, else
        before any matrix work. :func:`objectmatch.match` works on a shortlist and has no such limit.

    Raises
    ------
    objectmatch._params.InvalidParameterError
        An option out of its range or of the wrong type, named with its value; or a pool whose work
        would need more than ``max_bytes``.

    Examples
    --------
    >>> from objectmatch.datasets import generate_pool
    >>> p = pairwise_scores(generate_pool(50, seed=1))
    >>> p.shape, bool((p == p.T).all()), float(abs(p.diagonal()).max())
    ((50, 50), True, 0.0)
    >>> pairwise_scores(generate_pool(50, seed=1), weights={"occupancy": -1})
    Traceback (most recent call last):
    ...
    objectmatch._params.InvalidParameterError: The 'weights' parameter of pairwise_scores must be ...
    """
    values = {"weights": weights, "network": network, "score_model": score_model, "max_bytes": max_bytes}
    pool, options = _prepared(candidates, values, "pairwise_scores")
    w = options.weights
    signed = w.signed()
    lefts, rights = [], []
    for name, classes in _factors(pool, options).items():
        for left, right in classes.values():
            lefts.append(signed[name] * left)
            rights.append(right)
    out = symmetric_product(np.hstack(lefts), np.hstack(rights))
    del lefts, rights
    table = noise_pair_table(options.score_model)
    for start in range(0, pool.n, BLOCK):  # K a block of rows at a time: no second n x n array
        stop = min(start + BLOCK, pool.n)
        out[start:stop] -= w.conflict * conflict_rows(pool, table, start, stop)
    np.fill_diagonal(out, 0.0)
    return out
