"""The portfolio's own parameters, each declared once with its constraint, validated with the match options.

:func:`screen` and :func:`match_all` take the scoring (and match) options of
:func:`objectmatch.match` as keyword arguments and validate them with the same models
(:class:`~objectmatch.options.ScoringOptions`, :class:`~objectmatch.options.MatchOptions`); their
own parameters (how many candidates to keep, blocks, exclusivity, constraints per building, Dask
client, progress bar) are the small models here. :func:`validate_call` validates both at once, so
every bad argument of a call is named in one error, in the message style of :mod:`objectmatch._params`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, StrictBool, field_validator

from objectmatch._params import Int, InvalidParameterError, param, short, validate
from objectmatch.constraints import Constraints
from objectmatch.models import Building
from objectmatch.options import ScoringParams

__all__ = [
    "MatchAllOptions",
    "MatchAllParams",
    "ScreenOptions",
    "ScreenParams",
    "check_constraint_ids",
    "validate_call",
]

M = TypeVar("M", bound=BaseModel)
S = TypeVar("S", bound=BaseModel)

#: The most candidates kept per building, and the largest block (rows of candidates or buildings).
MAX_TOP = 100_000
MAX_BLOCK = 1_000_000


def _client(value: Any) -> Any:
    """A client as :func:`objectmatch.portfolio._dask.resolve_client` takes it (checked by shape, not imported)."""
    if value is None or isinstance(value, bool) or (isinstance(value, str) and value == "current"):
        return value
    if isinstance(value, str) or not all(hasattr(value, name) for name in ("map", "scatter", "gather")):
        raise ValueError("not a Dask client")
    return value


class ScreenOptions(BaseModel):
    """The parameters of :func:`~objectmatch.portfolio.screen` besides the scoring options."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    top: Int = param(50, f"an int in [1, {MAX_TOP}]", "candidates kept per building at most", ge=1, le=MAX_TOP)
    per_function: Int | None = param(
        0, f"an int in [0, {MAX_TOP}]", "candidates of each function kept first", ge=0, le=MAX_TOP
    )
    constraints: Constraints | dict[str, Constraints] | None = param(
        None, "a Constraints, a mapping of building id -> Constraints, or None",
        "the rules of the feasibility mask (max_discount, function_levels); missing ids get the defaults",
    )
    block_size: Int = param(500, f"an int in [1, {MAX_BLOCK}]", "candidates per block", ge=1, le=MAX_BLOCK)
    building_block: Int = param(
        32, f"an int in [1, {MAX_BLOCK}]", "buildings per block (one Dask task)", ge=1, le=MAX_BLOCK
    )
    client: Any = param(None, "None, False, True, 'current' or a dask.distributed.Client", "where the work runs")
    progress: StrictBool | None = param(None, "True, False or None", "a progress bar (None: when stderr is a terminal)")

    @field_validator("client", mode="before")
    @classmethod
    def _check_client(cls, value: Any) -> Any:
        return _client(value)

    def constraints_of(self, building_id: str) -> Constraints:
        """The constraints of one building (the defaults when none are given for it)."""
        if isinstance(self.constraints, Constraints):
            return self.constraints
        if self.constraints is None:
            return Constraints()
        return self.constraints.get(building_id, Constraints())

    def quota(self) -> int:
        """Candidates of each function kept first (``per_function``; see :class:`MatchAllOptions`)."""
        return int(self.per_function or 0)


class MatchAllOptions(ScreenOptions):
    """The parameters of :func:`~objectmatch.portfolio.match_all` besides the match options."""

    top: Int = param(60, f"an int in [1, {MAX_TOP}]", "shortlist per building", ge=1, le=MAX_TOP)
    per_function: Int | None = param(
        None, f"an int in [0, {MAX_TOP}] or None", "candidates of each function in a shortlist (None: top // 10)",
        ge=0, le=MAX_TOP,
    )
    exclusive: StrictBool = param(True, "True or False", "no candidate placed in two buildings")
    max_rounds: Int | None = param(None, "an int in [1, 100000] or None", "packing rounds at most", ge=1, le=100_000)
    rematch: Literal["draft", "screen"] = param("draft", "'draft' or 'screen'", "how losers of a clash are re-matched")

    def quota(self) -> int:
        """``per_function``, by default a tenth of ``top`` (at least 1)."""
        return max(1, self.top // 10) if self.per_function is None else int(self.per_function)


class ScreenParams(ScoringParams, total=False):
    """Keyword arguments of :func:`~objectmatch.portfolio.screen` beyond its named ones."""

    block_size: int
    building_block: int


class MatchAllParams(ScoringParams, total=False):
    """Keyword arguments of :func:`~objectmatch.portfolio.match_all` beyond its named ones: the match
    options of :class:`~objectmatch.options.MatchOptions` but ``constraints`` (a named parameter of
    ``match_all``, per building), and the portfolio's tuning."""

    k: int
    min_difference: float
    time_limit: float | None
    seed: int
    exact: bool | None
    block_size: int
    building_block: int
    max_rounds: int | None
    rematch: Literal["draft", "screen"]


def validate_call(
    function: str, values: Mapping[str, Any], scoring: type[S], own: type[M]
) -> tuple[S, M]:
    """Split ``values`` between the scoring (or match) options and the portfolio's own, validate both,
    and report every bad argument of both in one :class:`~objectmatch._params.InvalidParameterError`.

    Names that belong to neither are reported as unexpected keyword arguments.

    Examples
    --------
    >>> from objectmatch.options import ScoringOptions
    >>> validate_call("screen", {"top": 0, "seed": 1}, ScoringOptions, ScreenOptions)
    Traceback (most recent call last):
    ...
    objectmatch._params.InvalidParameterError: screen() got an unexpected keyword argument 'seed'
    The 'top' parameter of screen must be an int in [1, 100000]; got 0
    """
    mine = {k: v for k, v in values.items() if k in own.model_fields}
    theirs = {k: v for k, v in values.items() if k in scoring.model_fields and k not in mine}
    unknown = {k: v for k, v in values.items() if k not in mine and k not in theirs}
    errors: list[str] = []
    if unknown:  # names of neither model: validate words the message (it refuses unknown names)
        try:
            validate(scoring, function, unknown)
        except InvalidParameterError as exc:
            errors += exc.errors
    found: list[Any] = []
    for model, part in ((scoring, theirs), (own, mine)):
        try:
            found.append(validate(model, function, part))
        except InvalidParameterError as exc:
            errors += exc.errors
    if errors:
        raise InvalidParameterError(errors)
    return found[0], found[1]


def check_constraint_ids(function: str, options: ScreenOptions, buildings: Sequence[Building]) -> None:
    """Refuse constraints given for building ids that are not in the portfolio (a typo would go unnoticed)."""
    if not isinstance(options.constraints, dict):
        return
    unknown = sorted(set(options.constraints) - {b.id for b in buildings})
    if unknown:
        raise InvalidParameterError([
            f"The 'constraints' parameter of {function} must map building ids of the portfolio to Constraints; "
            f"got ids not in the portfolio: {short(unknown)}"
        ])
