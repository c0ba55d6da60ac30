"""The scoring engine: how good a tenant programme is, computed as whole arrays.

Every component is a number in [0, 1]; the total is their weighted sum, with
conflict counted negatively. docs/scoring.md gives each formula, its range, its
units and why it is there, with a hand-worked example.

Area shares are taken of the building's lettable area ``L``, a constant, so that
scores compare across programme sizes and the solver's objective stays linear in
the areas and quadratic in the choice of tenants:

* unary terms: ``sum_i sum_f a_if / L * u_if`` (a share of the building, weighted by fit);
* affinity terms (shared identity, complementarity, time): ``sum_{i != j} s_i s_j W_ij``
  with ``s_i = area_min_i / L``: draw two square metres of the building at random; this is
  the expected affinity between their two (different) users, each user counted with the
  area it commits to;
* conflict: ``sum_i s_i max_j K_ij`` over neighbours j on the same or an adjacent floor: the
  share of the building whose user sits next to a conflict, weighted by the worst one (a
  small daycare next to a small nightclub is a real conflict, whatever their sizes);
* programme terms: occupancy, diversity of functions, pioneers, a heart.

The pairwise matrices of a whole pool are one matrix product of two n x d feature
matrices (:func:`pair_factors`), so ``pairwise_scores`` for 10,000 candidates costs about
one BLAS call.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from objectmatch.constraints import normalise_placements, placement_violations
from objectmatch.encode import (
    HOURS_PER_WEEK,
    NOISE_LEVELS,
    BoolArray,
    Encoded,
    FloatArray,
    IdentityKernel,
    PoolArrays,
    encode,
    encode_pool,
)
from objectmatch.models import Building, Candidate
from objectmatch.results import ScoreBreakdown

__all__ = [
    "COMPONENTS",
    "PAIRWISE",
    "PlacementError",
    "Scorer",
    "Weights",
    "pair_factors",
    "pairwise_components",
    "pairwise_scores",
    "score",
]

#: Pairwise components, in the order of :func:`pair_factors`.
PAIRWISE: tuple[str, ...] = ("shared_identity", "complementarity", "time_complementarity", "conflict")
#: Every component of a score, in report order.
COMPONENTS: tuple[str, ...] = (
    "occupancy",
    "shared_identity",
    "complementarity",
    "time_complementarity",
    "conflict",
    "neighbourhood_fit",
    "building_fit",
    "budget_fit",
    "pioneer",
    "diversity",
    "heart",
)

#: Visitors per day at which a tenant wants the street floor as much as it can.
PUBLIC_VISITORS = 200.0
#: How reachable an upper floor is, per level away from the street, with and without a lift.
REACH_WITH_LIFT = 0.8
REACH_WITHOUT_LIFT = 0.5
#: Rent headroom (share of the asking rent) at which budget fit is full; at zero headroom it is 0.5.
FULL_HEADROOM = 0.2


class Weights(BaseModel):
    """How much each score component counts. All weights are >= 0; conflict is subtracted.

    The defaults make a filled building the first aim (occupancy), then users who
    need each other and share an identity (the affinity terms count with the product
    of two area shares, so they carry larger weights), with a heavy price on conflicts.

    Examples
    --------
    >>> w = Weights(conflict=10)
    >>> w.signed()["conflict"]
    -10.0
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    occupancy: float = Field(default=1.0, ge=0, description="share of the lettable area let")
    shared_identity: float = Field(default=4.0, ge=0, description="pairs sharing flexible identity and values")
    complementarity: float = Field(default=4.0, ge=0, description="pairs whose needs and offers meet")
    time_complementarity: float = Field(default=2.0, ge=0, description="pairs present at different hours")
    conflict: float = Field(default=8.0, ge=0, description="noise over tolerance, incompatibility (subtracted)")
    neighbourhood_fit: float = Field(default=0.5, ge=0, description="tenants' identity against the DNA")
    building_fit: float = Field(default=0.5, ge=0, description="soft fit with floor and building")
    budget_fit: float = Field(default=0.25, ge=0, description="rent headroom")
    pioneer: float = Field(default=0.25, ge=0, description="pioneers in the programme")
    diversity: float = Field(default=0.5, ge=0, description="distinct use functions")
    heart: float = Field(default=0.5, ge=0, description="a pioneer or public function on a street-facing floor")

    values_share: float = Field(default=1 / 3, ge=0, le=1, description="share of values in shared identity")
    network_strength: float = Field(
        default=0.5, ge=0, le=1, description="how far the identity network draws related identities together"
    )
    diversity_target: int = Field(default=4, ge=1, description="distinct functions that earn full diversity")
    pioneer_target: int = Field(default=2, ge=1, description="pioneers that earn the full pioneer term")

    def signed(self) -> dict[str, float]:
        """Component -> signed weight (conflict negative): ``total = sum(signed[k] * component[k])``."""
        return {name: (-1.0 if name == "conflict" else 1.0) * float(getattr(self, name)) for name in COMPONENTS}


class PlacementError(ValueError):
    """A placement breaks a hard constraint; ``violations`` lists every one."""

    def __init__(self, violations: Sequence[str]) -> None:
        self.violations = list(violations)
        super().__init__("placement breaks hard constraints:\n- " + "\n- ".join(self.violations))


# -- pairwise --------------------------------------------------------------------------


def _unit_rows(a: FloatArray) -> FloatArray:
    norm = np.sqrt(np.einsum("ij,ij->i", a, a))
    return np.asarray(np.divide(a, norm[:, None], out=np.zeros_like(a), where=norm[:, None] > 0))


def _network_projection(columns: Sequence[str], network: IdentityKernel | None, strength: float) -> FloatArray:
    """``Q = (1 - strength) I + strength S``: identity vectors are compared as ``x Q``, so the
    kernel ``Q Q^T`` is positive semi-definite and kernelised cosines stay in [0, 1]."""
    k = len(columns)
    eye = np.eye(k)
    if network is None or k == 0 or strength == 0:
        return eye
    s = np.asarray(network.matrix(list(columns)), dtype=float)
    if s.shape != (k, k):
        raise ValueError(f"identity network matrix has shape {s.shape}, expected {(k, k)}")
    s = np.clip((s + s.T) / 2, 0.0, 1.0)
    np.fill_diagonal(s, 1.0)
    return np.asarray((1 - strength) * eye + strength * s)


def _noise_table() -> FloatArray:
    """Conflict between two noise types ``4 * noise + tolerance``: the larger excess of one's
    noise over the other's tolerance, in [0, 1]."""
    t = np.arange(NOISE_LEVELS * NOISE_LEVELS)
    noise, tol = t // NOISE_LEVELS, t % NOISE_LEVELS
    excess = np.maximum(0, noise[:, None] - tol[None, :])
    return np.asarray(np.maximum(excess, excess.T) / (NOISE_LEVELS - 1), dtype=float)


NOISE_CONFLICT: FloatArray = _noise_table()


def pair_factors(
    pool: PoolArrays, *, values_share: float = 1 / 3, network: IdentityKernel | None = None, strength: float = 0.5
) -> dict[str, tuple[FloatArray, FloatArray]]:
    """Left and right factors per pairwise component: ``W_k = left @ right.T`` (diagonal not yet zeroed).

    * shared identity: kernelised cosine of identities, mixed with the cosine of values;
    * complementarity: ``(m_ij + m_ji) / 2``, ``m_ij`` the share of i's needs that j offers;
    * time complementarity: expected share of the week in which exactly one of the two is
      present, schedules read as probabilities of presence: ``(r_i + r_j - 2 s_i . s_j) / 168``;
    * conflict: the larger noise excess over the other's tolerance, as a 16 x 16 table over
      noise types, hence a rank-16 product.
    """
    q = _network_projection(pool.identity_columns, network, strength)
    ident = _unit_rows(pool.identity @ q)
    vals = _unit_rows(pool.values)
    v = values_share
    n_needs = pool.needs.sum(axis=1)
    needs_share = np.divide(pool.needs, n_needs[:, None], out=np.zeros_like(pool.needs), where=n_needs[:, None] > 0)
    sched = pool.schedule
    hours = sched.sum(axis=1, keepdims=True)
    ones = np.ones_like(hours)
    onehot = np.zeros((pool.n, NOISE_LEVELS * NOISE_LEVELS))
    onehot[np.arange(pool.n), pool.noise_type] = 1.0
    return {
        "shared_identity": (np.hstack([(1 - v) * ident, v * vals]), np.hstack([ident, vals])),
        "complementarity": (np.hstack([needs_share, pool.offers]) / 2, np.hstack([pool.offers, needs_share])),
        "time_complementarity": (
            np.hstack([hours, ones, -2 * sched]) / HOURS_PER_WEEK,
            np.hstack([ones, hours, sched]),
        ),
        "conflict": (onehot @ NOISE_CONFLICT, onehot),
    }


#: Rows per tile of :func:`_symmetric_product`: a 512-row panel of factors stays in cache.
_BLOCK = 512


def _symmetric_product(left: FloatArray, right: FloatArray, block: int = _BLOCK) -> FloatArray:
    """``left @ right.T`` for a product that is symmetric in exact arithmetic, made exactly symmetric.

    Floating point sums ``(i, j)`` and ``(j, i)`` in different orders, so the raw product is
    symmetric only to rounding. Averaging it with its transpose costs an n x n temporary and a
    cache-hostile pass (4x the product itself at n = 10,000); instead each panel above the
    diagonal is computed once and mirrored below it: half the flops, no n x n temporary.
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


def _as_pool(candidates: Sequence[Candidate] | PoolArrays) -> PoolArrays:
    return candidates if isinstance(candidates, PoolArrays) else encode_pool(candidates)


def pairwise_components(
    candidates: Sequence[Candidate] | PoolArrays,
    weights: Weights | None = None,
    *,
    network: IdentityKernel | None = None,
) -> dict[str, FloatArray]:
    """Each pairwise component as its own n x n matrix (symmetric, zero diagonal, values in [0, 1]).

    Conflict includes explicit incompatibility (``Candidate.incompatible``) as 1.0.

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
    pool = _as_pool(candidates)
    out: dict[str, FloatArray] = {}
    for name, (left, right) in pair_factors(
        pool, values_share=w.values_share, network=network, strength=w.network_strength
    ).items():
        mat = np.clip(_symmetric_product(left, right), 0.0, 1.0)
        np.fill_diagonal(mat, 0.0)
        out[name] = mat
    pairs = pool.incompatible_pairs
    if len(pairs):
        out["conflict"][pairs[:, 0], pairs[:, 1]] = 1.0
        out["conflict"][pairs[:, 1], pairs[:, 0]] = 1.0
    return out


def pairwise_scores(
    candidates: Sequence[Candidate] | PoolArrays,
    weights: Weights | None = None,
    *,
    network: IdentityKernel | None = None,
) -> FloatArray:
    """The weighted pairwise affinity of every pair in a pool: one matrix product.

    ``P = w_identity * I + w_complementarity * C + w_time * T - w_conflict * K``, with the
    components of :func:`pairwise_components` (conflict as if the two were neighbours).
    Area shares are not applied here: this is the affinity between two users as such.

    Parameters
    ----------
    candidates
        The pool (or its :class:`~objectmatch.encode.PoolArrays`).
    weights
        Component weights; default ``Weights()``.
    network
        Optional identity network (``objectmatch.culture.IdentityNetwork``) that lets related
        identities count as shared.

    Returns
    -------
    numpy.ndarray
        n x n, symmetric, zero diagonal.

    Examples
    --------
    >>> from objectmatch.datasets import generate_pool
    >>> p = pairwise_scores(generate_pool(50, seed=1))
    >>> p.shape, bool((p == p.T).all()), float(abs(p.diagonal()).max())
    ((50, 50), True, 0.0)
    """
    w = weights or Weights()
    pool = _as_pool(candidates)
    factors = pair_factors(pool, values_share=w.values_share, network=network, strength=w.network_strength)
    signed = w.signed()
    left = np.hstack([signed[name] * factors[name][0] for name in PAIRWISE])
    right = np.hstack([factors[name][1] for name in PAIRWISE])
    out = _symmetric_product(left, right)
    np.fill_diagonal(out, 0.0)
    pairs = pool.incompatible_pairs
    if len(pairs):
        i, j = pairs[:, 0], pairs[:, 1]
        noise = NOISE_CONFLICT[pool.noise_type[i], pool.noise_type[j]]
        out[i, j] -= w.conflict * (1.0 - noise)
        out[j, i] = out[i, j]
    return out


# -- unary and programme terms ------------------------------------------------------------


def _budget_fit(rent: FloatArray, max_rent: FloatArray) -> FloatArray:
    headroom = (max_rent[:, None] - rent[None, :]) / rent[None, :]
    fit = np.clip(0.5 + 0.5 * headroom / FULL_HEADROOM, 0.0, 1.0)
    return np.asarray(np.where(np.isinf(max_rent)[:, None], 1.0, fit), dtype=float)


def _building_fit(enc: Encoded) -> FloatArray:
    reach_step = np.where(enc.elevator, REACH_WITH_LIFT, REACH_WITHOUT_LIFT)
    reach = np.where(enc.street, 1.0, reach_step ** np.abs(enc.levels))
    publicness = np.minimum(1.0, enc.pool.visitors / PUBLIC_VISITORS)
    access = 1.0 - publicness[:, None] * (1.0 - reach[None, :])
    return np.asarray(enc.potential[:, None] * access)


@dataclass(frozen=True, eq=False)
class Scorer:
    """Scores programmes of one encoded building and pool, from arrays computed once.

    ``pair[k]`` is affinity component k's matrix already multiplied by ``s_i s_j``
    (``s = area_min / L``), so a programme's component is ``x @ pair[k] @ x`` for its 0/1 tenant
    vector ``x``. ``conflict`` is the raw conflict matrix ``K``: a programme's conflict is
    ``sum_i s_i max_j K_ij`` over tenants j on the same or an adjacent floor. ``per_m2[i, f]`` is
    what one m² of candidate i on floor f adds through the unary terms (occupancy included).
    """

    enc: Encoded
    weights: Weights
    neighbourhood: FloatArray
    building: FloatArray
    budget: FloatArray
    share: FloatArray
    pair: dict[str, FloatArray]
    conflict: FloatArray
    affinity: FloatArray
    per_m2: FloatArray

    @classmethod
    def build(cls, enc: Encoded, weights: Weights | None = None, network: IdentityKernel | None = None) -> Scorer:
        """Precompute every array for ``enc``."""
        w = weights or Weights()
        pool = enc.pool
        q = _network_projection(pool.identity_columns, network, w.network_strength)
        ident = _unit_rows(pool.identity @ q)
        dna = _unit_rows((enc.dna @ q)[None, :])[0]
        neighbourhood = np.clip(ident @ dna, 0.0, 1.0)
        building = _building_fit(enc)
        budget = _budget_fit(enc.rent, pool.max_rent)
        lettable = enc.lettable_area
        share = pool.area_min / lettable
        comps = pairwise_components(pool, w, network=network)
        outer = np.outer(share, share)
        pair = {name: comps[name] * outer for name in PAIRWISE if name != "conflict"}
        conflict = comps["conflict"]
        signed = w.signed()
        affinity = sum((signed[name] * pair[name] for name in pair), np.zeros_like(outer))
        per_m2 = (
            w.occupancy
            + w.neighbourhood_fit * neighbourhood[:, None]
            + w.building_fit * building
            + w.budget_fit * budget
        ) / lettable
        for a in (neighbourhood, building, budget, share, conflict, affinity, per_m2, *pair.values()):
            a.flags.writeable = False
        return cls(enc, w, neighbourhood, building, budget, share, pair, conflict, affinity, per_m2)

    # The adjacency of floors: same level or one apart.
    def floor_adjacency(self) -> BoolArray:
        lv = self.enc.levels
        return np.asarray(np.abs(lv[:, None] - lv[None, :]) <= 1)

    def components(self, areas: FloatArray) -> dict[str, float]:
        """Every component for an n x m matrix of placed m² (zero where not placed)."""
        enc, w = self.enc, self.weights
        lettable = enc.lettable_area
        on = areas > 0
        chosen = np.flatnonzero(on.any(axis=1))
        tenant_area = areas.sum(axis=1)
        a = areas[chosen]
        sub = np.ix_(chosen, chosen)
        near = (on[chosen].astype(float) @ self.floor_adjacency().astype(float)) > 0
        neighbours = (on[chosen].astype(float) @ near.T.astype(float)) > 0
        functions = np.unique(enc.pool.function[chosen])
        pioneers = int(enc.pool.pioneer[chosen].sum())
        heart_tenants = (enc.pool.pioneer | enc.pool.public)[chosen]
        heart = bool((on[chosen][:, enc.street] & heart_tenants[:, None]).any())
        return {
            "occupancy": float(tenant_area.sum() / lettable),
            "shared_identity": float(self.pair["shared_identity"][sub].sum()),
            "complementarity": float(self.pair["complementarity"][sub].sum()),
            "time_complementarity": float(self.pair["time_complementarity"][sub].sum()),
            "conflict": float(self.share[chosen] @ (self.conflict[sub] * neighbours).max(axis=1, initial=0.0)),
            "neighbourhood_fit": float(tenant_area[chosen] @ self.neighbourhood[chosen] / lettable),
            "building_fit": float((a * self.building[chosen]).sum() / lettable),
            "budget_fit": float((a * self.budget[chosen]).sum() / lettable),
            "pioneer": min(pioneers, w.pioneer_target) / w.pioneer_target,
            "diversity": min(len(functions), w.diversity_target) / w.diversity_target,
            "heart": 1.0 if heart else 0.0,
        }

    def total(self, components: Mapping[str, float]) -> float:
        """The weighted sum of ``components``, summed exactly (``math.fsum``) in a fixed order."""
        signed = self.weights.signed()
        return math.fsum(signed[name] * components[name] for name in COMPONENTS)

    def breakdown(self, areas: FloatArray) -> ScoreBreakdown:
        """The score of ``areas`` with its components and signed weights."""
        comps = self.components(areas)
        return ScoreBreakdown(total=self.total(comps), components=comps, weights=self.weights.signed())

    def areas_of(self, placements: Mapping[str, Mapping[int, float]]) -> FloatArray:
        """Placements as an n x m matrix of m² in this encoding's order."""
        index = self.enc.pool.index()
        column = {int(lv): f for f, lv in enumerate(self.enc.levels)}
        areas = np.zeros((self.enc.n, self.enc.m))
        for cid, floors in placements.items():
            for level, area in floors.items():
                areas[index[cid], column[level]] += area
        return areas


def score(
    building: Building,
    candidates: Sequence[Candidate],
    placements: Mapping[str, Mapping[int, float]],
    weights: Weights | None = None,
    *,
    network: IdentityKernel | None = None,
    potentials: Mapping[str, float] | None = None,
    assess: bool = True,
) -> ScoreBreakdown:
    """Score a programme: ``placements`` maps candidate id to ``{floor level: m²}``.

    Raises :class:`PlacementError` (a ``ValueError``) listing every hard constraint the
    placement breaks: unknown id or level, over a floor's area, outside area_min..area_max,
    more floors than max_floors or not contiguous, ground floor, free height, floor load,
    budget, function not permitted. Programme-level constraints (occupancy, function mix)
    are not required here: any physically valid placement can be scored. The assessment's
    vetoes are not either (:func:`objectmatch.match` leaves vetoed functions out;
    ``objectmatch.check(..., assess=True)`` lists them).

    Parameters
    ----------
    building, candidates
        The object and the pool (other candidates of the pool do not change the score).
    placements
        The programme.
    weights
        Component weights; default ``Weights()``.
    network
        Optional identity network (``objectmatch.culture.IdentityNetwork``).
    potentials
        Function -> transformation potential for the building-fit term; default from the
        hard-side assessment (``objectmatch.assess.potentials``).
    assess
        Let the hard-side assessment's potentials (``objectmatch.assess.potentials``) enter
        building fit, as :func:`objectmatch.match` does; ``False`` scores with potential 1.0.

    Returns
    -------
    ScoreBreakdown
        ``total`` equals ``sum(weights[k] * components[k])``.

    Examples
    --------
    >>> from objectmatch import load_example
    >>> building, pool = load_example()
    >>> cafe = next(c for c in pool if c.needs_ground_floor and c.function in building.permitted_functions
    ...             and (c.max_rent or 1e9) >= building.rent(0))
    >>> b = score(building, pool, {cafe.id: {0: cafe.area_min}})
    >>> round(b.total, 6) == round(sum(b.weights[k] * v for k, v in b.components.items()), 6)
    True
    """
    # Sorted by id so the score is bit-for-bit the same whatever the order of the pool.
    used = sorted((c for c in candidates if c.id in placements), key=lambda c: c.id)
    placements = normalise_placements(placements)
    violations = placement_violations(building, candidates, placements)
    if violations:
        raise PlacementError(violations)
    enc = encode(building, used, potentials=potentials, excluded_functions={}, assess=assess)
    scorer = Scorer.build(enc, weights, network)
    return scorer.breakdown(scorer.areas_of(placements))
