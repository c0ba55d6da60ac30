"""Every score component, defined once: its formula, its data, and the shape every engine reads.

A programme's score is ``sum_k signed_weight_k * component_k`` over the components in
:data:`COMPONENTS`, each in [0, 1] (docs/scoring.md gives each formula with a hand-worked example).
Every engine reads the definitions here and nothing else: the vectorised scorer, the search's
delta gains, the CP-SAT objective, the portfolio kernel and the SWOT rules.

A component has one of five *kinds*, and an engine supports a kind, not a component:

``area``
    ``sum_{i,f} a_if * c_if``: linear in the m² ``a_if`` tenant ``i`` takes on floor ``f``
    (occupancy, rent, neighbourhood fit, building fit, budget fit, access, support, objection).
``pair``
    ``sum_{i != j} s_i s_j (M_ij + N_ij near_ij + S_ij same_ij + T_ij street_i street_j)`` with
    ``s_i = area_min_i / L``: what two tenants give each other, by where they sit (shared identity,
    complementarity, time complementarity). ``near``: on the same or adjacent floors; ``same``: on a
    shared floor; ``street``: both on street-facing floors. Every class matrix is non-negative, so
    a maximising engine only ever needs upper bounds on the indicators.
``worst_neighbour``
    ``sum_i s_i max_{j near i} K_ij`` (conflict).
``count``
    ``min(count, target) / target`` over the tenants (pioneers; distinct functions).
``presence``
    1 when some eligible tenant sits on a street-facing floor (the heart).

The data the formulas read (the noise table, proximity weights, reach of an upper floor, rent
headroom, visitors that make a tenant public) is a :class:`ScoreModel`; the weights are
:class:`Weights`. Both are validated, frozen and remembered by every result.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from objectmatch._params import Int, Real

__all__ = [
    "AREA_COMPONENTS",
    "COMPONENTS",
    "MAX_WEIGHT",
    "NEGATIVE",
    "PAIR_CLASSES",
    "PAIR_COMPONENTS",
    "TERMS",
    "Kind",
    "ScoreModel",
    "Term",
    "Weights",
    "access_fit",
    "agreed_rent",
    "budget_fit",
    "count_component",
    "floor_reach",
    "near_floors",
    "noise_pair_table",
    "publicness",
    "rent_allowed",
]

FloatArray = npt.NDArray[np.float64]

#: Noise and tolerance both run 0 (silent / needs quiet) .. 3 (loud / tolerates anything).
NOISE_LEVELS = 4
#: The largest weight a component may have: with every weight at most this, the exact engine's
#: integer objective (scaled to at most 2**40) keeps a resolution finer than 1e-9 of the score.
MAX_WEIGHT = 1000.0


class Kind(StrEnum):
    """How a component depends on a programme (see the module docstring)."""

    AREA = "area"
    PAIR = "pair"
    WORST_NEIGHBOUR = "worst_neighbour"
    COUNT = "count"
    PRESENCE = "presence"


@dataclass(frozen=True)
class Term:
    """One score component: its name, kind, sign and what a person reads about it."""

    name: str
    kind: Kind
    label: str
    measures: str
    negative: bool = False


TERMS: tuple[Term, ...] = (
    Term("occupancy", Kind.AREA, "Occupancy", "share of the lettable area that is let"),
    Term("rent", Kind.AREA, "Rent", "annual rent as a share of the whole building's asking rent roll"),
    Term(
        "shared_identity", Kind.PAIR, "Shared identity",
        "tenants who share flexible identities and values, counted more when they sit near each other",
    ),
    Term(
        "complementarity", Kind.PAIR, "Complementarity",
        "needs of one tenant met by offers of another, where the offer's reach covers the tenant",
    ),
    Term(
        "time_complementarity", Kind.PAIR, "Time complementarity",
        "tenants present at different hours, so shared space is used over more of the week",
    ),
    Term(
        "conflict", Kind.WORST_NEIGHBOUR, "Conflict",
        "area whose tenant sits next to noise it cannot bear or a neighbour it refuses (subtracted)",
        negative=True,
    ),
    Term("neighbourhood_fit", Kind.AREA, "Neighbourhood fit", "tenants' identities against the neighbourhood DNA"),
    Term("building_fit", Kind.AREA, "Building fit", "the building's transformation potential for each function"),
    Term("budget_fit", Kind.AREA, "Budget fit", "rent headroom: what tenants can pay above the asking rent"),
    Term("access", Kind.AREA, "Access", "busy tenants low in the building, where their visitors reach them"),
    Term("support", Kind.AREA, "Support", "what the neighbourhood's participation round wished for"),
    Term(
        "objection", Kind.AREA, "Objection",
        "what the neighbourhood's participation round objected to (subtracted)",
        negative=True,
    ),
    Term("pioneer", Kind.COUNT, "Pioneers", "pioneers in the programme, up to the target number"),
    Term("diversity", Kind.COUNT, "Diversity", "distinct use functions, up to the target number"),
    Term("heart", Kind.PRESENCE, "Heart", "a meeting place or a pioneer on a street-facing floor"),
)

#: Every component, in report order.
COMPONENTS: tuple[str, ...] = tuple(t.name for t in TERMS)
#: Components that are subtracted.
NEGATIVE: frozenset[str] = frozenset(t.name for t in TERMS if t.negative)
AREA_COMPONENTS: tuple[str, ...] = tuple(t.name for t in TERMS if t.kind is Kind.AREA)
PAIR_COMPONENTS: tuple[str, ...] = tuple(t.name for t in TERMS if t.kind is Kind.PAIR)
#: Where two tenants sit, for pair terms: always, on the same or adjacent floors, on a shared floor,
#: both on street-facing floors.
PAIR_CLASSES: tuple[str, ...] = ("all", "near", "same", "street")

_Share = Annotated[float, Field(ge=0.0, le=1.0)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


def _weight(default: float, description: str) -> Any:
    return Field(default=default, ge=0.0, le=MAX_WEIGHT, description=description)


class Weights(_Frozen):
    """How much each score component counts. All weights are in [0, MAX_WEIGHT]; the components
    in ``NEGATIVE`` (conflict, objection) are subtracted.

    The defaults make a filled, paying building the first aim (occupancy, rent), then users who
    need each other and share an identity where they sit (the pair terms count with the product
    of two area shares, so they carry larger weights), with a heavy price on conflicts.

    Examples
    --------
    >>> w = Weights(conflict=10)
    >>> w.signed()["conflict"]
    -10.0
    """

    occupancy: Real = _weight(1.0, "share of the lettable area let")
    rent: Real = _weight(1.0, "annual rent against the full asking rent roll")
    shared_identity: Real = _weight(6.0, "pairs sharing flexible identity and values, by proximity")
    complementarity: Real = _weight(6.0, "pairs whose needs and offers meet within the offer's reach")
    time_complementarity: Real = _weight(2.0, "pairs present at different hours")
    conflict: Real = _weight(8.0, "noise over tolerance, incompatibility (subtracted)")
    neighbourhood_fit: Real = _weight(0.5, "tenants' identity against the DNA")
    building_fit: Real = _weight(0.5, "the building's potential for each tenant's function")
    budget_fit: Real = _weight(0.25, "rent headroom")
    access: Real = _weight(0.5, "visitors reach busy tenants without climbing")
    support: Real = _weight(1.0, "what the neighbourhood wished for")
    objection: Real = _weight(1.0, "what the neighbourhood objected to (subtracted)")
    pioneer: Real = _weight(0.5, "pioneers in the programme")
    diversity: Real = _weight(0.5, "distinct use functions")
    heart: Real = _weight(0.5, "a meeting place or pioneer on a street-facing floor")

    values_share: Real = Field(default=1 / 3, ge=0, le=1, description="share of values in shared identity")
    network_strength: Real = Field(
        default=0.5, ge=0, le=1, description="how far the identity network draws related identities together"
    )
    diversity_target: Int = Field(default=4, ge=1, le=50, description="distinct functions that earn full diversity")
    pioneer_target: Int = Field(default=2, ge=1, le=50, description="pioneers that earn the full pioneer term")

    def signed(self) -> dict[str, float]:
        """Component -> signed weight: ``total = sum(signed[k] * component[k])``."""
        return {name: (-1.0 if name in NEGATIVE else 1.0) * float(getattr(self, name)) for name in COMPONENTS}


def _default_noise_table() -> tuple[tuple[float, ...], ...]:
    """Excess of a tenant's noise over its neighbour's tolerance, in thirds (0..3 -> 0..1)."""
    return tuple(
        tuple(max(0, noise - tol) / (NOISE_LEVELS - 1) for tol in range(NOISE_LEVELS)) for noise in range(NOISE_LEVELS)
    )


class ScoreModel(_Frozen):
    """The data the score's formulas read (what a term *is*; :class:`Weights` says how much it counts).

    Replace a field to change a term everywhere at once: the scorer, the search, the exact engine
    and the reports all read it from here.

    Examples
    --------
    >>> ScoreModel().proximity()
    (1.0, 0.5, 0.25)
    >>> quiet = ScoreModel(noise_conflict=[[0, 0, 0, 0], [1, 0, 0, 0], [1, 1, 0, 0], [1, 1, 1, 0]])
    >>> quiet.noise_conflict[1][0]
    1.0
    """

    noise_conflict: tuple[tuple[_Share, ...], ...] = Field(
        default_factory=_default_noise_table,
        description="conflict[noise][tolerance]: one tenant's noise next to another's tolerance, in [0, 1]",
    )
    same_floor: Real = Field(default=1.0, ge=0, le=1, description="proximity of tenants sharing a floor")
    adjacent_floor: Real = Field(default=0.5, ge=0, le=1, description="proximity of tenants one level apart")
    elsewhere: Real = Field(default=0.25, ge=0, le=1, description="proximity of tenants further apart")
    full_headroom: Real = Field(
        default=0.2, gt=0, le=10, description="rent headroom (share of the rent paid) at which budget fit is full"
    )
    public_visitors: Real = Field(
        default=200.0, gt=0, le=1e6, description="visitors a day at which a tenant counts as fully public"
    )
    reach_with_lift: Real = Field(default=0.8, ge=0, le=1, description="reach of a floor per level up, with a lift")
    reach_without_lift: Real = Field(default=0.5, ge=0, le=1, description="reach per level without a lift")

    @field_validator("noise_conflict")
    @classmethod
    def _square(cls, table: tuple[tuple[float, ...], ...]) -> tuple[tuple[float, ...], ...]:
        shape = [len(row) for row in table]
        if len(table) != NOISE_LEVELS or any(n != NOISE_LEVELS for n in shape):
            raise ValueError(f"noise_conflict must be {NOISE_LEVELS} x {NOISE_LEVELS} (noise x tolerance), got {shape}")
        return table

    @model_validator(mode="after")
    def _proximity_order(self) -> ScoreModel:
        # Non-increasing proximity keeps every pair-class matrix non-negative (see Kind.PAIR).
        if not (self.same_floor >= self.adjacent_floor >= self.elsewhere):
            raise ValueError(
                "proximity must not grow with distance: same_floor >= adjacent_floor >= elsewhere, got "
                f"{self.same_floor}, {self.adjacent_floor}, {self.elsewhere}"
            )
        return self

    def proximity(self) -> tuple[float, float, float]:
        """(same floor, adjacent floor, elsewhere)."""
        return (self.same_floor, self.adjacent_floor, self.elsewhere)

    def proximity_increments(self) -> dict[str, float]:
        """Shared identity's multiplier per pair class: ``elsewhere`` always, plus the step to
        ``adjacent_floor`` when near, plus the step to ``same_floor`` when on a shared floor."""
        return {
            "all": self.elsewhere,
            "near": self.adjacent_floor - self.elsewhere,
            "same": self.same_floor - self.adjacent_floor,
        }


# -- unary formulas: elementwise on broadcastable arrays, so the scorer (n x m) and the portfolio
#    kernel (candidates x buildings x floors) compute the same numbers ------------------------------


def publicness(visitors: FloatArray, model: ScoreModel) -> FloatArray:
    """How public a tenant is: visitors a day over ``model.public_visitors``, capped at 1.

    Examples
    --------
    >>> publicness(np.array([0.0, 100.0, 500.0]), ScoreModel()).tolist()
    [0.0, 0.5, 1.0]
    """
    return np.asarray(np.minimum(1.0, np.asarray(visitors, dtype=float) / model.public_visitors))


def floor_reach(levels: Any, street: Any, elevator: Any, model: ScoreModel) -> FloatArray:
    """How easily a visitor reaches a floor: 1 on a street-facing floor, else ``step ** |level|``
    with the step for a floor with or without a lift.

    Examples
    --------
    >>> floor_reach(np.array([0, 2, 2]), np.array([True, False, False]), np.array([True, True, False]),
    ...             ScoreModel()).round(3).tolist()
    [1.0, 0.64, 0.25]
    """
    step = np.where(elevator, model.reach_with_lift, model.reach_without_lift)
    return np.asarray(np.where(street, 1.0, step ** np.abs(levels)), dtype=float)


def access_fit(public: Any, reach: Any) -> FloatArray:
    """Access per m²: ``1 - publicness * (1 - reach)``; a busy tenant high up scores low."""
    return np.asarray(1.0 - np.asarray(public) * (1.0 - np.asarray(reach)), dtype=float)


def agreed_rent(asking: Any, max_rent: Any) -> FloatArray:
    """The rent a tenant pays: the asking rent, or less if it cannot pay more (EUR/m²/yr)."""
    return np.asarray(np.minimum(asking, max_rent), dtype=float)


def rent_allowed(asking: Any, max_rent: Any, max_discount: float) -> npt.NDArray[np.bool_]:
    """A tenant may be let a floor when it can pay at least ``1 - max_discount`` of the asking rent."""
    # The relative slack keeps 0.3 * 100 = 30.000000000000004 from refusing a tenant paying exactly 70.
    floor_rent = (1.0 - max_discount) * np.asarray(asking, dtype=float)
    return np.asarray(np.asarray(max_rent) >= floor_rent * (1.0 - 1e-12))


def budget_fit(rent: Any, max_rent: Any, model: ScoreModel) -> FloatArray:
    """Budget fit per m²: 0.5 at zero headroom over the rent ``rent``, 1 at ``full_headroom``, clipped
    to [0, 1]; a tenant with no stated budget (``inf``) fits fully.

    Examples
    --------
    >>> budget_fit(np.array([100.0, 100.0, 100.0]), np.array([100.0, 120.0, np.inf]), ScoreModel()).tolist()
    [0.5, 1.0, 1.0]
    """
    rent = np.asarray(rent, dtype=float)
    max_rent = np.asarray(max_rent, dtype=float)
    with np.errstate(invalid="ignore"):
        headroom = (max_rent - rent) / rent
        fit = np.clip(0.5 + 0.5 * headroom / model.full_headroom, 0.0, 1.0)
    return np.asarray(np.where(np.isinf(max_rent), 1.0, fit), dtype=float)


def noise_pair_table(model: ScoreModel) -> FloatArray:
    """Conflict between two noise *types* ``4 * noise + tolerance``: the larger of one's noise against
    the other's tolerance and the reverse (a 16 x 16 symmetric table).

    Examples
    --------
    >>> t = noise_pair_table(ScoreModel())
    >>> float(t[4 * 3 + 3, 4 * 0 + 0]), float(t[0, 0])
    (1.0, 0.0)
    """
    table = np.asarray(model.noise_conflict, dtype=float)
    code = np.arange(NOISE_LEVELS * NOISE_LEVELS)
    noise, tol = code // NOISE_LEVELS, code % NOISE_LEVELS
    one_way = table[noise[:, None], tol[None, :]]
    return np.asarray(np.maximum(one_way, one_way.T))


#: Two floors are *near* (their tenants neighbours, for conflict and the ``near`` pair class) when their
#: levels are at most this far apart.
NEAR_LEVELS = 1


def near_floors(levels: Any) -> npt.NDArray[np.bool_]:
    """Which floors are near which (levels at most ``NEAR_LEVELS`` apart; a floor is near itself).

    Examples
    --------
    >>> near_floors(np.array([0, 1, 3])).tolist()
    [[True, True, False], [True, True, False], [False, False, True]]
    """
    lv = np.asarray(levels)
    return np.asarray(np.abs(lv[:, None] - lv[None, :]) <= NEAR_LEVELS)


def count_component(count: int, target: int) -> float:
    """``min(count, target) / target``: pioneers and distinct functions up to their target."""
    return min(count, target) / target


def weighted_total(components: Mapping[str, float], weights: Weights) -> float:
    """The score: signed weights times components, summed exactly in a fixed order."""
    signed = weights.signed()
    return math.fsum(signed[name] * components[name] for name in COMPONENTS)
