"""Model fields as table columns: what kind each is, its flat cell, and a cell read back."""

from __future__ import annotations

import math
import types
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Union, get_args, get_origin

import numpy as np
import pandas as pd
from pydantic import BaseModel

from objectmatch.io._errors import MISSING, error, suggest
from objectmatch.models import Building, Candidate, Floor, Location
from objectmatch.schedule import Schedule, flat, from_flat

__all__ = [
    "BUILDING_FIELDS",
    "BUILDING_OWN",
    "CANDIDATE_FIELDS",
    "FLOOR_FIELDS",
    "LOCATION_FIELDS",
    "CellError",
    "Field",
    "dtype",
    "flat_value",
    "match_columns",
    "parse_cell",
    "scalar",
]

Kind = Literal["str", "int", "float", "bool", "mapping", "set", "schedule", "model", "models"]


@dataclass(frozen=True)
class Field:
    """One model field as a table column."""

    name: str  # the model's field name
    column: str  # the table column
    kind: Kind
    optional: bool  # None is a valid value
    required: bool  # no default


def _kind(annotation: Any) -> tuple[Kind, bool]:
    optional = False
    if get_origin(annotation) in (Union, types.UnionType):
        args = get_args(annotation)
        inner = [a for a in args if a is not type(None)]
        optional = len(inner) < len(args)
        annotation = inner[0] if len(inner) == 1 else str
    if annotation == Schedule:
        return "schedule", optional
    origin = get_origin(annotation)
    simple: dict[Any, Kind] = {str: "str", bool: "bool", int: "int", float: "float", dict: "mapping",
                               Mapping: "mapping", frozenset: "set", set: "set"}
    if origin is Literal:
        return "str", optional
    if annotation in simple or origin in simple:
        return simple[annotation if annotation in simple else origin], optional
    if origin is tuple and isinstance(get_args(annotation)[0], type) and issubclass(get_args(annotation)[0], BaseModel):
        return "models", optional
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "model", optional
    raise TypeError(f"objectmatch.io cannot flatten a field of type {annotation!r}")  # pragma: no cover


def _fields(model: type[BaseModel], prefix: str = "") -> list[Field]:
    out = []
    for name, info in model.model_fields.items():
        kind, optional = _kind(info.annotation)
        out.append(Field(name, prefix + name, kind, optional, info.is_required()))
    return out


CANDIDATE_FIELDS = _fields(Candidate)
BUILDING_OWN = [f for f in _fields(Building) if f.kind not in ("model", "models")]
LOCATION_FIELDS = _fields(Location, "location.")
FLOOR_FIELDS = _fields(Floor, "floor.")
BUILDING_FIELDS = BUILDING_OWN + LOCATION_FIELDS + FLOOR_FIELDS
_SEPARATORS = (";", ",")


# -- cells: model value -> table -------------------------------------------------------------


def _number_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return repr(float(value))


def flat_value(field: Field, value: Any) -> Any:
    """The cell for ``value`` in a typed frame: flat strings for containers, scalars as they are."""
    if value is None:
        return None
    if field.kind == "mapping":
        return ";".join(f"{key}:{_number_text(v)}" for key, v in value.items())
    if field.kind == "set":
        for item in value:
            if any(sep in item for sep in _SEPARATORS):
                raise ValueError(
                    f"field {field.name!r}: value {item!r} contains ';' or ',', "
                    "which the flat table form uses to separate items"
                )
        return ";".join(sorted(value))
    if field.kind == "schedule":
        return flat(value)
    return value


def dtype(field: Field) -> str:
    """The pandas dtype of the field's column in a typed frame."""
    if field.kind == "float":
        return "float64"
    if field.kind == "int":
        return "Int64" if field.optional else "int64"
    if field.kind == "bool":
        return "boolean" if field.optional else "bool"
    return "object"


# -- cells: table -> model input ----------------------------------------------------------------


class CellError(ValueError):
    """A cell that cannot be read in its field's flat form."""


def scalar(raw: Any) -> Any:
    """A cell as a plain Python value (numpy scalars unwrapped)."""
    return raw.item() if isinstance(raw, np.generic) else raw


def _is_empty(field: Field, raw: Any) -> bool:
    if raw is None or raw is pd.NA or raw is pd.NaT:
        return True
    if isinstance(raw, str):
        return not raw.strip()
    if isinstance(raw, float) and math.isnan(raw):
        # NaN is pandas' "missing", except where a number is required: there it is an error
        return field.optional or field.kind not in ("int", "float")
    return False


def _parse_pairs(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for piece in text.split(";"):
        piece = piece.strip()
        if not piece:
            continue
        key, sep, weight = piece.rpartition(":")
        if not sep or not key.strip() or not weight.strip():
            raise CellError(f"{piece!r} is not a 'tag:weight' pair; write pairs like 'food:1.0;community:0.8'")
        key = key.strip()
        if key in out:
            raise CellError(f"tag {key!r} appears twice")
        out[key] = weight.strip()
    return out


def _as_text(raw: int | float) -> str:
    # a spreadsheet stores an id typed as 101 as the number 101 (or 101.0)
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw) if isinstance(raw, int) else repr(raw)


def parse_cell(field: Field, raw: Any) -> Any:
    """The model input for one cell, or ``MISSING`` if the cell is empty; ``CellError`` if unreadable."""
    raw = scalar(raw)
    if _is_empty(field, raw):
        return MISSING
    if field.kind in ("str", "set") and isinstance(raw, int | float) and not isinstance(raw, bool):
        raw = _as_text(raw)
    if not isinstance(raw, str):
        return raw
    if field.kind == "mapping":
        return _parse_pairs(raw)
    if field.kind == "set":
        text = raw
        for sep in _SEPARATORS[1:]:
            text = text.replace(sep, _SEPARATORS[0])
        return [item.strip() for item in text.split(_SEPARATORS[0]) if item.strip()]
    if field.kind == "schedule":
        try:
            return from_flat(raw)
        except ValueError as exc:
            raise CellError(str(exc)) from None
    return raw


# -- columns ---------------------------------------------------------------------------------


def column_key(name: Any) -> str:
    """A header cell as a column name: trimmed, lower case, spaces and dashes as ``_``."""
    return "_".join(str(name).strip().lower().replace("-", " ").split())


def _unknown_column(column: Any, known: Sequence[str]) -> str:
    if str(column).startswith("Unnamed:"):
        return "unnamed column (was the table written with its index? write it with index=False)"
    hint = suggest(column_key(column), known)
    return "unknown column; " + (f"did you mean {hint!r}?" if hint else f"known columns: {', '.join(known)}")


def match_columns(
    columns: Sequence[Any], fields: Sequence[Field]
) -> tuple[list[tuple[int, Field]], list[dict[str, Any]]]:
    """Map column positions to fields; errors for unknown, duplicate and missing required columns."""
    by_key: Mapping[str, Field] = {f.column: f for f in fields}
    matched: list[tuple[int, Field]] = []
    seen: dict[str, int] = {}
    errors: list[dict[str, Any]] = []
    for position, column in enumerate(columns):
        key = column_key(column)
        field = by_key.get(key)
        if field is None:
            errors.append(error(None, None, str(column), MISSING, _unknown_column(column, list(by_key))))
        elif key in seen:
            message = f"column appears twice (positions {seen[key]} and {position})"
            errors.append(error(None, None, field.column, MISSING, message))
        else:
            seen[key] = position
            matched.append((position, field))
    for field in fields:
        if field.required and field.column not in seen:
            errors.append(error(None, None, field.column, MISSING, "required column is missing"))
    return matched, errors
