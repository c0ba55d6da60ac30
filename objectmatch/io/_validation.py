"""pydantic's validation errors as :class:`InputError` entries: row, id, field, value and a plain message."""

from __future__ import annotations

import re
import types
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from objectmatch.io._errors import MISSING, error, short, suggest
from objectmatch.vocabulary import Vocabulary, active_vocabulary

__all__ = [
    "ColumnOf",
    "context",
    "details",
    "duplicate_ids",
    "guess_field",
    "hidden_model_errors",
    "known_fields",
    "row_id",
    "sorted_errors",
    "top_level",
    "validation_errors",
]

#: Maps a pydantic error location to (column or field, the rest of the location).
ColumnOf = Callable[[tuple[int | str, ...]], tuple[str | None, tuple[int | str, ...]]]


def context(vocabulary: Vocabulary | None) -> dict[str, Any] | None:
    """The validation context that checks tags against ``vocabulary`` (None: the active one)."""
    if vocabulary is None:
        return None
    if not isinstance(vocabulary, Vocabulary):
        raise TypeError(f"vocabulary must be a Vocabulary, got {type(vocabulary).__name__}")
    return {"vocabulary": vocabulary}


def clean_message(message: str) -> str:
    """pydantic's message without its ``Value error, `` prefix."""
    for prefix in ("Value error, ", "Assertion failed, "):
        if message.startswith(prefix):
            return message[len(prefix) :]
    return message


def row_id(cells: Mapping[str, Any]) -> str | None:
    """The id a row or record gives itself, if it gives a usable one."""
    raw = cells.get("id", MISSING)
    if hasattr(raw, "item"):
        raw = raw.item()
    if isinstance(raw, str | int) and not isinstance(raw, bool) and str(raw).strip():
        return str(raw).strip()
    return None


def guess_field(message: str, names: Iterable[str]) -> str | None:
    """The field a model-level message is about: the first field name it mentions."""
    best: tuple[int, str] | None = None
    for name in names:
        found = re.search(rf"(?<![\w.]){re.escape(name)}(?![\w.])", message)
        if found and (best is None or found.start() < best[0]):
            best = (found.start(), name)
    return best[1] if best else None


def details(exc: ValidationError) -> list[dict[str, Any]]:
    """pydantic's errors, less those that only follow from another (an empty tuple after a bad item)."""
    found: list[dict[str, Any]] = [dict(e) for e in exc.errors(include_url=False)]
    locs = [tuple(e["loc"]) for e in found]
    return [
        e
        for e, loc in zip(found, locs, strict=True)
        if not (e["type"] == "too_short" and any(len(o) > len(loc) and o[: len(loc)] == loc for o in locs))
    ]


def top_level(loc: tuple[int | str, ...]) -> tuple[str | None, tuple[int | str, ...]]:
    """A location's first part is the field (candidates: one row, one record)."""
    return (str(loc[0]), loc[1:]) if loc else (None, ())


def _model_of(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if get_origin(annotation) in (tuple, list, Union, types.UnionType):
        for arg in get_args(annotation):
            found = _model_of(arg)
            if found is not None:
                return found
    return None


def known_fields(model: type[BaseModel], loc: Sequence[int | str]) -> list[str]:
    """The field names a model nested at ``loc`` inside ``model`` knows (for "did you mean")."""
    current: type[BaseModel] | None = model
    for part in loc:
        if isinstance(part, int) or current is None:
            continue
        info = current.model_fields.get(str(part))
        current = _model_of(info.annotation) if info is not None else None
    return list(current.model_fields) if current is not None else []


def _message(e: Mapping[str, Any], model: type[BaseModel] | None, column: str | None, value: Any,
             rest: tuple[int | str, ...]) -> str:
    message = clean_message(e["msg"])
    if e["type"] == "extra_forbidden":
        loc = tuple(e["loc"])
        hint = suggest(str(loc[-1]), known_fields(model, loc[:-1])) if model is not None and loc else None
        return "unknown field" + (f"; did you mean {hint!r}?" if hint else "")
    if e["type"] == "missing" and not rest and value is not MISSING:
        return "required, but the cell is empty"
    if rest:
        where = ".".join(str(p) for p in rest)
        got = e.get("input", MISSING)
        return f"at {where}: {message}" + (f" (got {short(got)})" if got is not MISSING else "")
    return message


def validation_errors(
    found: Iterable[Mapping[str, Any]],
    row: int | None,
    rid: str | None,
    raw: Mapping[str, Any],
    column_of: ColumnOf,
    *,
    skip: Iterable[str] = (),
    model: type[BaseModel] | None = None,
) -> list[dict[str, Any]]:
    """Turn pydantic's errors into row errors; ``column_of`` maps a location to (column, rest of location).

    ``model`` is what was validated: an unknown field is then checked against its known
    field names for a "did you mean".
    """
    skipped = set(skip)
    out = []
    for e in found:
        column, rest = column_of(tuple(e["loc"]))
        if column is None:
            column = guess_field(clean_message(e["msg"]), raw)
        if column in skipped:
            continue
        value = raw.get(column, MISSING) if column is not None else MISSING
        out.append(error(row, rid, column, value, _message(e, model, column, value, rest)))
    return out


def hidden_model_errors(
    model: type[BaseModel],
    data: Mapping[str, Any],
    failed: Iterable[str],
    stand_ins: Mapping[str, Any],
    validation_context: dict[str, Any] | None,
) -> list[dict[str, Any]]:
    """The model-level errors a failed field hid: pydantic runs a model's own checks only
    when every field is valid, so a row with a bad ``function`` and ``area_min > area_max``
    would report one problem of two.

    Validate again with each failed field left out (or, if required, given a valid
    stand-in) and keep the model-level errors that do not mention a replaced field.
    """
    replaced = {str(name) for name in failed}
    trial = {k: v for k, v in data.items() if k not in replaced}
    trial.update({k: v for k, v in stand_ins.items() if k in replaced})
    try:
        model.model_validate(trial, context=validation_context)
    except ValidationError as exc:
        return [e for e in details(exc) if not e["loc"] and guess_field(clean_message(e["msg"]), replaced) is None]
    return []


def candidate_stand_ins(validation_context: dict[str, Any] | None) -> dict[str, Any]:
    """Valid values for a candidate's required fields, for :func:`hidden_model_errors`."""
    functions = active_vocabulary(validation_context).functions
    return {"id": "\x00", "name": "\x00", "activity": "\x00", "function": functions[0] if functions else "\x00",
            "area_min": 1.0, "area_max": 1.0}


def duplicate_ids(ids: Sequence[str | None], what: str = "candidate") -> list[dict[str, Any]]:
    """An error for every row whose id an earlier row already used (the rule: ``models.repeated_ids``)."""
    from objectmatch.models import repeated_ids

    return [error(row, rid, "id", rid, f"duplicate {what} id, also used in row {first}")
            for rid, first, row in repeated_ids(ids)]


def sorted_errors(errors: list[dict[str, Any]], order: Sequence[str]) -> list[dict[str, Any]]:
    """Whole-table errors first, then by row and the field's position."""
    rank = {name: i for i, name in enumerate(order)}
    return sorted(
        errors,
        key=lambda e: (-1 if e["row"] is None else e["row"], rank.get(str(e["field"]), len(rank))),
    )
