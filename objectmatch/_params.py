"""Parameter validation for public functions: each argument's constraint declared once, one message.

The options of a call are a pydantic model whose fields carry their constraint in words
(:func:`param`); :func:`validate` builds it and turns any failure into one
:class:`InvalidParameterError` that names every bad argument, its constraint and the value given,
the way scikit-learn's parameter validation does: "The 'seed' parameter of match must be an int in
[0, 4294967295]; got -1."

Coercions kept on purpose: numpy integers count as ints and numpy floats as floats (arrays hand
them out everywhere); ints count as floats. Refused: ``True``/``False`` for a number (a bool is
almost always a slip), strings for numbers (the CLI parses its own), floats for ints (``1.5`` and
``2.0`` alike: a count is a count). A model-valued option takes a dict of the model's fields, validated
as that model. The user's side of this policy is docs/api.md, "Arguments and coercions".
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, Field, ValidationError

__all__ = ["Int", "InvalidParameterError", "Real", "param", "short", "validate"]

M = TypeVar("M", bound=BaseModel)


class InvalidParameterError(ValueError, TypeError):
    """An argument of a public function is out of its declared range or of the wrong type.

    ``errors`` lists one message per bad argument.
    """

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("\n".join(errors))


def short(value: Any, limit: int = 80) -> str:
    """``repr(value)``, cut to ``limit`` characters so a huge value cannot flood a message."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 15]}... ({len(text)} chars)"


def _integral(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"expected an int, got {type(value).__name__}")
    return int(value)


def _real(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"expected a number, got {type(value).__name__}")
    return float(value)


#: An int (numpy integers too), never a bool, float or string.
Int = Annotated[int, BeforeValidator(_integral)]
#: A real number (ints and numpy floats too), never a bool or string.
Real = Annotated[float, BeforeValidator(_real)]


def param(default: Any, constraint: str, description: str = "", **limits: Any) -> Any:
    """A field with its constraint in words (used in the error message) and its numeric limits."""
    return Field(default=default, description=description, json_schema_extra={"constraint": constraint}, **limits)


def _constraint(model: type[BaseModel], name: str) -> str:
    info = model.model_fields.get(name)
    extra = info.json_schema_extra if info is not None else None
    if isinstance(extra, Mapping) and isinstance(extra.get("constraint"), str):
        return str(extra["constraint"])
    return f"a valid {name}"


def validate(model: type[M], function: str, values: Mapping[str, Any]) -> M:
    """Build ``model`` from ``values``; every bad argument reported at once (unknown names too), by name,
    constraint and value."""
    unknown = sorted(set(values) - set(model.model_fields))
    errors = [f"{function}() got an unexpected keyword argument {name!r}" for name in unknown]
    known = {k: v for k, v in values.items() if k in model.model_fields}
    try:
        built = model.model_validate(known)
    except ValidationError as exc:
        errors += [_message(model, function, known, err) for err in exc.errors()]
    if errors:
        raise InvalidParameterError(list(dict.fromkeys(errors))) from None
    return built


def _message(model: type[BaseModel], function: str, values: Mapping[str, Any], err: Any) -> str:
    name = str(err["loc"][0]) if err["loc"] else "?"
    inner = ".".join(str(p) for p in err["loc"][1:])
    where = f" (at {inner}: {err['msg']})" if inner else ""
    value = values.get(name, err.get("input"))
    return f"The {name!r} parameter of {function} must be {_constraint(model, name)}; got {short(value)}{where}"
