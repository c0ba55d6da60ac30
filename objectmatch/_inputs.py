"""The models a public function is given, checked by name: a building, a pool, placements, a programme.

Mappings are validated into models (a dict of a building's fields is a building), anything else
is refused with the argument's name; placements are normalised (JSON's string levels, numpy's ints).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel

from objectmatch._params import InvalidParameterError
from objectmatch.models import Building, Candidate, check_unique_ids

if TYPE_CHECKING:  # pragma: no cover
    from objectmatch.results import Programme

__all__ = ["as_building", "as_candidates", "as_placements", "as_programme"]

M = TypeVar("M", bound=BaseModel)


def _as_model(value: Any, model: type[M], name: str, function: str, what: str) -> M:
    """``value`` as a ``model`` (a mapping is validated), else a clear error naming the parameter."""
    if isinstance(value, model):
        return value
    if isinstance(value, Mapping):
        return model.model_validate(value)
    raise InvalidParameterError(
        [f"The '{name}' parameter of {function} must be {what} or a dict of its fields; got {type(value).__name__}"]
    )


def as_building(building: Any, function: str) -> Building:
    """``building`` as a :class:`Building` (a mapping is validated), else a clear error naming it."""
    return _as_model(building, Building, "building", function, "a Building")


def as_candidates(candidates: Any, function: str) -> list[Candidate]:
    """``candidates`` as a list of unique :class:`Candidate` (mappings are validated)."""
    if isinstance(candidates, str | bytes | Mapping) or not hasattr(candidates, "__iter__"):
        raise InvalidParameterError(
            [f"The 'candidates' parameter of {function} must be a sequence of Candidate; "
             f"got {type(candidates).__name__}"]
        )
    items = [Candidate.model_validate(c) if isinstance(c, Mapping) else c for c in candidates]
    try:
        return check_unique_ids(items)
    except TypeError as exc:
        raise InvalidParameterError([f"The 'candidates' parameter of {function}: {exc}"]) from None


def as_placements(placements: Any, function: str) -> dict[str, dict[Any, Any]]:
    """``placements`` normalised (see :func:`objectmatch.constraints.normalise_placements`), else named."""
    from objectmatch.constraints import normalise_placements

    try:
        return normalise_placements(placements)
    except TypeError as exc:
        raise InvalidParameterError([f"The 'placements' parameter of {function}: {exc}"]) from None


def as_programme(programme: Any, function: str) -> Programme:
    """``programme`` as a :class:`~objectmatch.results.Programme` (a mapping is validated), else named."""
    from objectmatch.results import Programme

    return _as_model(programme, Programme, "programme", function, "a Programme (e.g. result.best)")
