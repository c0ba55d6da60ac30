"""The options of a match, validated once and remembered by every result.

:class:`ScoringOptions` are what a score depends on (weights, the terms' data, the neighbourhood's
profile or identity network, a participation round, the assessment, the area grid);
:class:`MatchOptions` adds what the solver needs (constraints, how many answers, how different,
time, seed). :func:`objectmatch.match` and friends take them as keyword arguments, validate them
here (:func:`objectmatch._params.validate`: every bad argument named at once, with its constraint
and value) and store them in ``result.options``, so ``result.score(p)`` and ``result.check(p)``
reproduce the solver's verdict with no arguments. :class:`PairwiseOptions` are the options of
:func:`objectmatch.pairwise_scores`: the same weights and score model, an identity kernel and the
memory limit ``max_bytes``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, PlainSerializer, StrictBool, field_validator
from typing_extensions import TypedDict

from objectmatch._engine.terms import ScoreModel, Weights
from objectmatch._params import Int, Real, param
from objectmatch.constraints import Constraints
from objectmatch.culture.network import IdentityNetwork
from objectmatch.culture.participation import Participation
from objectmatch.culture.profile import NeighbourhoodProfile

__all__ = [
    "PAIRWISE_MAX_BYTES", "MatchOptions", "MatchParams", "PairwiseOptions", "ScoreData", "ScoringOptions",
    "ScoringParams",
]

#: The largest seed: CP-SAT and numpy both take 32-bit seeds.
MAX_SEED = 2**32 - 1
#: The longest time limit, seconds (a day).
MAX_TIME = 86_400.0
#: The most memory ``pairwise_scores`` may need before it refuses a pool up front, bytes (4 GiB).
PAIRWISE_MAX_BYTES = 4 * 2**30


def _network_to_data(network: IdentityNetwork | None) -> dict[str, Any] | None:
    if network is None:
        return None
    coo = network.incidence.tocoo()
    return {
        "identities": list(network.identities),
        "carriers": list(network.carriers),
        "rows": coo.row.tolist(),
        "cols": coo.col.tolist(),
        "data": coo.data.tolist(),
        "scale": network.scale,
        "indirect": network.indirect,
    }


#: The keys of an identity network's data (what ``result.options`` serialises it as).
NETWORK_KEYS = ("identities", "carriers", "rows", "cols", "data", "scale", "indirect")


def _network_from_data(value: Any) -> Any:
    if isinstance(value, Mapping):
        missing = [key for key in NETWORK_KEYS if key not in value]
        if missing:
            raise ValueError(f"a network's data needs the keys {', '.join(NETWORK_KEYS)}; missing {', '.join(missing)}")
        from scipy import sparse

        try:
            shape = (len(value["carriers"]), len(value["identities"]))
            incidence = sparse.coo_array((value["data"], (value["rows"], value["cols"])), shape=shape).tocsr()
            return IdentityNetwork(
                value["identities"], incidence, carriers=value["carriers"], scale=value["scale"],
                indirect=value["indirect"],
            )
        except (TypeError, ValueError, IndexError) as exc:
            raise ValueError(f"a network's data does not build a network: {exc}") from None
    if value is not None and not isinstance(value, IdentityNetwork):
        raise ValueError(f"expected an IdentityNetwork, got {type(value).__name__}")
    return value


def _kernel(value: Any) -> Any:
    """An identity network (or its data), any object with a ``matrix(identities)`` method, or None."""
    if value is not None and callable(getattr(value, "matrix", None)):
        return value
    return _network_from_data(value)


Network = Annotated[Any, PlainSerializer(_network_to_data, when_used="always")]


class ScoreData(BaseModel):
    """The weights and the formulas' data: what every scoring call takes (a dict of either is validated).

    Examples
    --------
    >>> ScoreData.model_validate({"weights": {"conflict": 5}}).weights.conflict
    5.0
    """

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    weights: Weights = param(Weights(), "a Weights (or a dict of weights, each in [0, 1000])")
    score_model: ScoreModel = param(ScoreModel(), "a ScoreModel (or a dict of its fields: the data the formulas read)")


class PairwiseOptions(ScoreData):
    """The options of :func:`objectmatch.pairwise_scores` and :func:`objectmatch.scoring.pairwise_components`.

    Examples
    --------
    >>> from objectmatch._params import validate
    >>> validate(PairwiseOptions, "pairwise_scores", {"max_bytes": 0})
    Traceback (most recent call last):
    ...
    objectmatch._params.InvalidParameterError: The 'max_bytes' parameter of pairwise_scores must be an int >= 1 ...
    """

    network: Any = param(
        None, "an IdentityNetwork, an object with a matrix(identities) method, or None",
        "the identity network that draws related identities together",
    )
    max_bytes: Int = param(
        PAIRWISE_MAX_BYTES, "an int >= 1 (bytes)", "refuse up front a pool whose n x n work would need more memory",
        ge=1,
    )

    @field_validator("network", mode="before")
    @classmethod
    def _network(cls, value: Any) -> Any:
        return _kernel(value)


class ScoringOptions(ScoreData):
    """What a programme's score depends on besides the building, the pool and the placements."""

    profile: NeighbourhoodProfile | None = param(
        None, "a NeighbourhoodProfile or None", "the place: its DNA and identity network enter the score"
    )
    network: Network = param(None, "an IdentityNetwork or None", "a custom identity network (overrides profile's)")
    participation: Participation | None = param(
        None, "a Participation or None", "a participation round: the support and objection terms"
    )
    potentials: dict[str, Real] | None = param(
        None, "a dict of function -> potential in [0, 1], or None", "default: from the hard-side assessment"
    )
    assess: StrictBool = param(True, "True or False", "use the hard-side assessment (vetoes and potentials)")
    area_step: Int = param(1, "an int in [1, 1000] (m²)", "areas are whole multiples of this", ge=1, le=1000)

    @field_validator("network", mode="before")
    @classmethod
    def _network(cls, value: Any) -> Any:
        return _network_from_data(value)

    @field_validator("potentials")
    @classmethod
    def _potentials(cls, value: dict[str, float] | None) -> dict[str, float] | None:
        if value is None:
            return None
        from objectmatch.assess import validate_potentials

        return dict(sorted(validate_potentials(value).items()))

    def identity_network(self) -> Any:
        """The network scoring uses: the explicit one, else the profile's own (the place, not the applicants)."""
        if self.network is not None:
            return self.network
        return self.profile.network() if self.profile is not None else None

    def scoring(self) -> ScoringOptions:
        """Just the scoring options (for ``score``)."""
        return ScoringOptions.model_validate({k: getattr(self, k) for k in ScoringOptions.model_fields})


class MatchOptions(ScoringOptions):
    """Everything a match is solved with; ``result.options`` is one of these."""

    constraints: Constraints = param(Constraints(), "a Constraints (or a dict of its fields)")
    k: Int = param(10, "an int in [1, 1000]", "how many programmes to return at most", ge=1, le=1000)
    min_difference: Real = param(
        0.2, "a float in [0, 1]", "share of the let area in which two returned programmes differ", ge=0.0, le=1.0
    )
    time_limit: Real | None = param(
        None, "a float in (0, 86400] (seconds) or None", "seconds of work; default from the pool's size",
        gt=0.0, le=MAX_TIME,
    )
    seed: Int = param(0, "an int in [0, 2**32-1]", "seeds the search and CP-SAT", ge=0, le=MAX_SEED)
    exact: StrictBool | None = param(None, "True, False or None", "force or skip the whole-pool exact model")


class ScoringParams(TypedDict, total=False):
    """Keyword arguments of ``score`` (see :class:`ScoringOptions`)."""

    weights: Weights | Mapping[str, float]
    score_model: ScoreModel | Mapping[str, Any]
    profile: NeighbourhoodProfile | None
    network: IdentityNetwork | None
    participation: Participation | None
    potentials: Mapping[str, float] | None
    assess: bool
    area_step: int


class MatchParams(ScoringParams, total=False):
    """Keyword arguments of ``match`` (see :class:`MatchOptions`)."""

    constraints: Constraints | Mapping[str, Any]
    k: int
    min_difference: float
    time_limit: float | None
    seed: int
    exact: bool | None
