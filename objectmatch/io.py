"""Read and write buildings and candidates: JSON, CSV and pandas DataFrames, without loss.

JSON
    A building is one object and a candidate pool an array of objects, each exactly
    as ``model.model_dump(mode="json")`` writes it (tag sets as sorted lists, the
    schedule as 7 lists of 24 numbers).

Tables (CSV and DataFrames)
    One row per candidate, one column per :class:`~objectmatch.models.Candidate` field,
    in the model's field order. Fields that hold more than one value are written in a
    flat form:

    ========================  ==========================================  ===========================
    field kind                flat form                                   example
    ========================  ==========================================  ===========================
    tag weights               ``tag:weight`` pairs joined by ``;``        ``food:1.0;community:0.8``
    tag / id sets             sorted, joined by ``;`` (``,`` read too)    ``catering;foot_traffic``
    schedule                  168 numbers (Monday 00h first), or opening  ``mon-fri 09-17; sat 10-16``
                              hours such as ``mon-fri 09-17`` when read
    booleans                  ``true`` / ``false`` (CSV)                  ``true``
    numbers                   Python ``repr`` (CSV), so floats round-trip ``0.1``
    optional numbers, None    empty cell (CSV), ``NaN`` (DataFrame)
    ========================  ==========================================  ===========================

    An empty cell means "not given": the field's default applies (an error if the field
    is required). In a DataFrame, ``None``, ``pd.NA`` and ``NaN`` count as empty too,
    except that ``NaN`` in a number column that is not optional is an error (it is
    not a number anyone meant). :func:`candidates_to_frame` gives typed columns
    (``float64``, ``int64``, ``bool``, strings for the flat forms);
    :func:`candidates_from_frame` reads those as well as all-string frames such as a
    CSV read with ``dtype=str``. CSV files are UTF-8, comma separated (a header with
    ``;`` between column names, as Dutch spreadsheets write, is detected); ``.tsv`` is
    tab separated. Column names are matched after stripping spaces and lower-casing.

    Buildings in a table (:func:`buildings_to_frame`) take one row per floor: the
    building's own fields repeated on each row, ``location.<field>`` columns for the
    location and ``floor.<field>`` columns for the floor.

Errors
    Bad input raises one :class:`InputError` (a ``ValueError``) that lists *every*
    problem found, each naming the 0-based row (for a CSV file: line number minus 2),
    the candidate id when known, the field and the value, for example
    ``row 3 (id 'cafe-2'), field 'area_min': value '-5': Input should be greater than 0``.
    ``InputError.errors`` holds the same as dicts with keys ``row``, ``id``, ``field``,
    ``value`` and ``message``.

Vocabulary
    Every reader takes ``vocabulary=``: tags are checked against it instead of the
    active vocabulary (see :func:`objectmatch.vocabulary.use_vocabulary`).

Inputs (dicts, lists, DataFrames) are never modified.
"""

from __future__ import annotations

import difflib
import json
import math
import os
import re
import types
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

import numpy as np
import pandas as pd
from pydantic import BaseModel, ValidationError

from objectmatch.models import (
    Building,
    Candidate,
    Floor,
    Location,
    check_unique_buildings,
    check_unique_ids,
    repeated_ids,
)
from objectmatch.schedule import Schedule, flat, from_flat
from objectmatch.vocabulary import Vocabulary

__all__ = [
    "InputError",
    "buildings_from_frame",
    "buildings_to_frame",
    "candidates_from_frame",
    "candidates_from_json",
    "candidates_to_frame",
    "candidates_to_json",
    "read_building",
    "read_candidates",
    "write_building",
    "write_candidates",
]

PathLike = str | os.PathLike[str]
#: Keys of one entry in :attr:`InputError.errors`.
ERROR_KEYS: tuple[str, ...] = ("row", "id", "field", "value", "message")
_MAX_LISTED = 100


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


_MISSING: Any = _Missing()


class InputError(ValueError):
    """Invalid input: every problem found, each naming row, id, field and value.

    Attributes
    ----------
    errors
        One dict per problem with keys ``row`` (0-based, ``None`` for whole-table or
        whole-file problems), ``id`` (candidate or building id, if known), ``field``,
        ``value`` (as written in the input; ``None`` if absent) and ``message``.

    Examples
    --------
    >>> try:
    ...     candidates_from_json('[{"id": "a", "name": "A", "function": "office", '
    ...                          '"activity": "studio", "area_min": -5, "area_max": 80}]')
    ... except InputError as exc:
    ...     print(exc)
    ...     print(exc.errors[0]["field"], exc.errors[0]["value"])
    1 error in candidates:
      row 0 (id 'a'), field 'area_min': value -5: Input should be greater than 0
    area_min -5
    """

    def __init__(self, errors: Sequence[Mapping[str, Any]], source: str = "input") -> None:
        self.errors: list[dict[str, Any]] = [{key: e.get(key) for key in ERROR_KEYS} for e in errors]
        self.source = source
        lines = [_describe(e) for e in self.errors[:_MAX_LISTED]]
        if len(self.errors) > _MAX_LISTED:
            lines.append(f"... and {len(self.errors) - _MAX_LISTED} more (see InputError.errors)")
        n = len(self.errors)
        super().__init__(f"{n} error{'s' if n != 1 else ''} in {source}:\n  " + "\n  ".join(lines))


def _short(value: Any, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _describe(error: Mapping[str, Any]) -> str:
    head = []
    if error.get("row") is not None:
        rid = error.get("id")
        head.append(f"row {error['row']}" + (f" (id {rid!r})" if rid else ""))
    elif error.get("id"):
        head.append(f"id {error['id']!r}")
    if error.get("field") is not None:
        head.append(f"field {error['field']!r}")
    parts = [", ".join(head)] if head else []
    if error.get("value") is not None:
        parts.append(f"value {_short(error['value'])}")
    parts.append(str(error.get("message")))
    return ": ".join(parts)


def _error(row: int | None, rid: str | None, field: str | None, value: Any, message: str) -> dict[str, Any]:
    return {
        "row": row,
        "id": rid,
        "field": field,
        "value": None if value is _MISSING else value,
        "message": message,
    }


def _context(vocabulary: Vocabulary | None) -> dict[str, Any] | None:
    if vocabulary is None:
        return None
    if not isinstance(vocabulary, Vocabulary):
        raise TypeError(f"vocabulary must be a Vocabulary, got {type(vocabulary).__name__}")
    return {"vocabulary": vocabulary}


def _clean_message(message: str) -> str:
    for prefix in ("Value error, ", "Assertion failed, "):
        if message.startswith(prefix):
            return message[len(prefix) :]
    return message


# -- field kinds --------------------------------------------------------------------------

Kind = Literal["str", "int", "float", "bool", "mapping", "set", "schedule", "model", "models"]


@dataclass(frozen=True)
class _Field:
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
    if origin is Literal or annotation is str:
        return "str", optional
    if annotation is bool:
        return "bool", optional
    if annotation is int:
        return "int", optional
    if annotation is float:
        return "float", optional
    if origin in (dict, Mapping):
        return "mapping", optional
    if origin in (frozenset, set):
        return "set", optional
    if origin is tuple and isinstance(get_args(annotation)[0], type) and issubclass(get_args(annotation)[0], BaseModel):
        return "models", optional
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "model", optional
    raise TypeError(f"objectmatch.io cannot flatten a field of type {annotation!r}")  # pragma: no cover


def _fields(model: type[BaseModel], prefix: str = "") -> list[_Field]:
    out = []
    for name, info in model.model_fields.items():
        kind, optional = _kind(info.annotation)
        out.append(_Field(name, prefix + name, kind, optional, info.is_required()))
    return out


_CANDIDATE_FIELDS = _fields(Candidate)
_BUILDING_OWN = [f for f in _fields(Building) if f.kind not in ("model", "models")]
_LOCATION_FIELDS = _fields(Location, "location.")
_FLOOR_FIELDS = _fields(Floor, "floor.")
_BUILDING_FIELDS = _BUILDING_OWN + _LOCATION_FIELDS + _FLOOR_FIELDS
_SEPARATORS = (";", ",")


# -- cells: model value -> table and back -----------------------------------------------


def _number_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return repr(float(value))


def _flat_value(field: _Field, value: Any) -> Any:
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


def _text_value(field: _Field, value: Any) -> str:
    """The CSV text of a cell: numbers by ``repr`` (exact), booleans ``true``/``false``, None empty."""
    cell = _flat_value(field, value)
    if cell is None:
        return ""
    if field.kind in ("int", "float", "bool"):
        return _number_text(cell)
    return str(cell)


def _dtype(field: _Field) -> str:
    if field.kind == "float":
        return "float64"
    if field.kind == "int":
        return "Int64" if field.optional else "int64"
    if field.kind == "bool":
        return "boolean" if field.optional else "bool"
    return "object"


class _CellError(ValueError):
    pass


def _is_empty(field: _Field, raw: Any) -> bool:
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
            raise _CellError(f"{piece!r} is not a 'tag:weight' pair; write pairs like 'food:1.0;community:0.8'")
        key = key.strip()
        if key in out:
            raise _CellError(f"tag {key!r} appears twice")
        out[key] = weight.strip()
    return out


def _parse_cell(field: _Field, raw: Any) -> Any:
    """The model input for one cell, or ``_MISSING`` if the cell is empty."""
    if isinstance(raw, np.generic):
        raw = raw.item()
    if _is_empty(field, raw):
        return _MISSING
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
            raise _CellError(str(exc)) from None
    return raw


# -- columns ---------------------------------------------------------------------------------


def _column_key(name: Any) -> str:
    return "_".join(str(name).strip().lower().replace("-", " ").split())


def _match_columns(
    columns: Sequence[Any], fields: Sequence[_Field]
) -> tuple[list[tuple[int, _Field]], list[dict[str, Any]]]:
    """Map column positions to fields; errors for unknown, duplicate and missing required columns."""
    by_key = {f.column: f for f in fields}
    matched: list[tuple[int, _Field]] = []
    seen: dict[str, int] = {}
    errors: list[dict[str, Any]] = []
    for position, column in enumerate(columns):
        key = _column_key(column)
        field = by_key.get(key)
        if field is None:
            hint = difflib.get_close_matches(key, list(by_key), n=1)
            if str(column).startswith("Unnamed:"):
                message = "unnamed column (was the table written with its index? write it with index=False)"
            else:
                message = "unknown column; " + (
                    f"did you mean {hint[0]!r}?" if hint else f"known columns: {', '.join(by_key)}"
                )
            errors.append(_error(None, None, str(column), _MISSING, message))
        elif key in seen:
            errors.append(_error(None, None, field.column, _MISSING, f"column appears twice (positions {seen[key]} "
                                 f"and {position})"))
        else:
            seen[key] = position
            matched.append((position, field))
    for field in fields:
        if field.required and field.column not in seen:
            errors.append(_error(None, None, field.column, _MISSING, "required column is missing"))
    return matched, errors


def _table_rows(frame: pd.DataFrame) -> list[list[Any]]:
    """Cells by position as Python values; never touches ``frame``."""
    columns = [frame.iloc[:, i].tolist() for i in range(frame.shape[1])]
    return [list(cells) for cells in zip(*columns, strict=True)] if columns else [[] for _ in range(len(frame))]


def _row_id(cells: Mapping[str, Any]) -> str | None:
    raw = cells.get("id", _MISSING)
    if isinstance(raw, np.generic):
        raw = raw.item()
    if isinstance(raw, str | int) and not isinstance(raw, bool) and str(raw).strip():
        return str(raw).strip()
    return None


def _parse_row(
    row: int, rid: str | None, cells: Mapping[str, Any], fields: Mapping[str, _Field]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    data: dict[str, Any] = {}
    errors = []
    for column, raw in cells.items():
        field = fields[column]
        try:
            value = _parse_cell(field, raw)
        except ValueError as exc:
            errors.append(_error(row, rid, column, raw, str(exc)))
            continue
        if value is not _MISSING:
            data[column] = value
    return data, errors


def _guess_field(message: str, names: Iterable[str]) -> str | None:
    """The field a model-level message is about: the first field name it mentions."""
    best: tuple[int, str] | None = None
    for name in names:
        found = re.search(rf"(?<![\w.]){re.escape(name)}(?![\w.])", message)
        if found and (best is None or found.start() < best[0]):
            best = (found.start(), name)
    return best[1] if best else None


def _validation_errors(
    details: Iterable[Mapping[str, Any]],
    row: int | None,
    rid: str | None,
    raw: Mapping[str, Any],
    column_of: Callable[[tuple[int | str, ...]], tuple[str | None, tuple[int | str, ...]]],
    skip: Iterable[str] = (),
) -> list[dict[str, Any]]:
    """Turn pydantic's errors into row errors; ``column_of`` maps a location to (column, rest of location)."""
    skipped = set(skip)
    out = []
    for e in details:
        message = _clean_message(e["msg"])
        column, rest = column_of(tuple(e["loc"]))
        if column is None:
            column = _guess_field(message, raw)
        if column in skipped:
            continue
        value = raw.get(column, _MISSING) if column is not None else _MISSING
        if e["type"] == "extra_forbidden":
            hint = difflib.get_close_matches(str(column), [c for c in raw if c != column], n=1)
            message = "unknown field" + (f"; did you mean {hint[0]!r}?" if hint else "")
        elif e["type"] == "missing" and not rest and value is not _MISSING:
            message = "required, but the cell is empty"
        elif rest:
            where = ".".join(str(p) for p in rest)
            got = e.get("input", _MISSING)
            message = f"at {where}: {message}" + (f" (got {_short(got)})" if got is not _MISSING else "")
        out.append(_error(row, rid, column, value, message))
    return out


def _details(exc: ValidationError) -> list[dict[str, Any]]:
    """pydantic's errors, less those that only follow from another (an empty tuple after a bad item)."""
    details: list[dict[str, Any]] = [dict(e) for e in exc.errors(include_url=False)]
    locs = [tuple(e["loc"]) for e in details]
    return [
        e
        for e, loc in zip(details, locs, strict=True)
        if not (e["type"] == "too_short" and any(len(o) > len(loc) and o[: len(loc)] == loc for o in locs))
    ]


def _top_level(loc: tuple[int | str, ...]) -> tuple[str | None, tuple[int | str, ...]]:
    return (str(loc[0]), loc[1:]) if loc else (None, ())


def _duplicate_ids(ids: Sequence[str | None], what: str = "candidate") -> list[dict[str, Any]]:
    return [_error(row, rid, "id", rid, f"duplicate {what} id, also used in row {first}")
            for rid, first, row in repeated_ids(ids)]


def _sorted_errors(errors: list[dict[str, Any]], order: Sequence[str]) -> list[dict[str, Any]]:
    rank = {name: i for i, name in enumerate(order)}
    return sorted(
        errors,
        key=lambda e: (-1 if e["row"] is None else e["row"], rank.get(str(e["field"]), len(rank))),
    )


# -- candidates: records (JSON) ---------------------------------------------------------------


def _candidates_from_records(
    records: Sequence[Any], vocabulary: Vocabulary | None, source: str
) -> list[Candidate]:
    context = _context(vocabulary)
    out: list[Candidate] = []
    errors: list[dict[str, Any]] = []
    ids: list[str | None] = []
    for row, record in enumerate(records):
        if isinstance(record, Candidate):
            ids.append(record.id)
            out.append(record)
            continue
        if not isinstance(record, Mapping):
            ids.append(None)
            errors.append(_error(row, None, None, record, f"expected an object (a candidate), got "
                                 f"{type(record).__name__}"))
            continue
        rid = _row_id(record)
        ids.append(rid)
        try:
            out.append(Candidate.model_validate(record, context=context))
        except ValidationError as exc:
            errors.extend(_validation_errors(_details(exc), row, rid, record, _top_level))
    errors.extend(_duplicate_ids(ids))
    if errors:
        raise InputError(_sorted_errors(errors, [f.name for f in _CANDIDATE_FIELDS]), source)
    return out


def _load_json(text: str, source: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            [_error(None, None, None, _MISSING, f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}")],
            source,
        ) from None


def candidates_from_json(text: str, *, vocabulary: Vocabulary | None = None, source: str = "candidates") -> list[
    Candidate
]:
    """Candidates from a JSON array of objects (as :func:`candidates_to_json` writes it).

    Raises :class:`InputError` listing every invalid candidate and duplicate id.

    Examples
    --------
    >>> pool = candidates_from_json('[{"id": "a", "name": "A", "function": "office", '
    ...                             '"activity": "studio", "area_min": 50, "area_max": 80}]')
    >>> pool[0].area_max
    80
    """
    data = _load_json(text, source)
    if not isinstance(data, list):
        raise InputError(
            [_error(None, None, None, _MISSING, f"expected a JSON array of candidates, got {type(data).__name__}")],
            source,
        )
    return _candidates_from_records(data, vocabulary, source)


def candidates_to_json(candidates: Iterable[Candidate]) -> str:
    """A JSON array with one candidate object per line, each as ``model_dump(mode="json")`` writes it.

    Examples
    --------
    >>> c = Candidate(id="a", name="A", function="office", activity="studio", area_min=50, area_max=80)
    >>> candidates_from_json(candidates_to_json([c])) == [c]
    True
    """
    items = check_unique_ids(candidates)
    lines = [json.dumps(c.model_dump(mode="json"), ensure_ascii=False) for c in items]
    return "[\n" + ",\n".join(lines) + "\n]\n" if lines else "[]\n"


# -- candidates: tables -------------------------------------------------------------------------


def candidates_to_frame(candidates: Iterable[Candidate]) -> pd.DataFrame:
    """One row per candidate, columns in field order, containers in the flat form (module docs).

    Numbers and booleans keep their types (``max_rent`` of ``None`` is ``NaN``), so the
    frame is ready for pandas work; :func:`candidates_from_frame` reads it back exactly.

    Examples
    --------
    >>> c = Candidate(id="cafe-1", name="Buurtcafe", function="assembly", activity="cafe",
    ...               identities={"food": 1.0, "community": 0.8}, offers={"catering", "evening_life"},
    ...               area_min=150, area_max=300)
    >>> df = candidates_to_frame([c])
    >>> df.loc[0, "identities"], df.loc[0, "offers"], float(df.loc[0, "area_max"])
    ('food:1.0;community:0.8', 'catering;evening_life', 300.0)
    >>> candidates_from_frame(df) == [c]
    True
    """
    items = check_unique_ids(candidates)
    data = {}
    for field in _CANDIDATE_FIELDS:
        values = [_flat_value(field, getattr(c, field.name)) for c in items]
        data[field.column] = pd.Series(values, dtype=_dtype(field))
    return pd.DataFrame(data)


def candidates_from_frame(
    frame: pd.DataFrame, *, vocabulary: Vocabulary | None = None, source: str = "candidates"
) -> list[Candidate]:
    """Candidates from a DataFrame with one row per candidate (typed, or all strings as read from CSV).

    Columns missing from the frame take the field's default (required ones are an
    error); unknown columns are an error. ``frame`` is not modified. Raises
    :class:`InputError` listing every problem; ``row`` is the 0-based position
    (``frame.iloc[row]``).

    Examples
    --------
    >>> df = pd.DataFrame({"id": ["gym-1"], "name": ["Gym"], "function": ["sport"], "activity": ["gym"],
    ...                    "schedule": ["daily 07-22"], "area_min": ["400"], "area_max": ["800"]})
    >>> candidates_from_frame(df)[0].schedule[6][21]
    1.0
    >>> df.loc[0, "area_min"] = "-5"
    >>> candidates_from_frame(df)
    Traceback (most recent call last):
    ...
    objectmatch.io.InputError: 1 error in candidates:
      row 0 (id 'gym-1'), field 'area_min': value '-5': Input should be greater than 0
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame, got {type(frame).__name__}")
    matched, errors = _match_columns(list(frame.columns), _CANDIDATE_FIELDS)
    fields = {f.column: f for _, f in matched}
    missing_required = {e["field"] for e in errors}
    context = _context(vocabulary)
    out: list[Candidate] = []
    ids: list[str | None] = []
    for row, cells in enumerate(_table_rows(frame)):
        named = {f.column: cells[position] for position, f in matched}
        rid = _row_id(named)
        ids.append(rid)
        data, cell_errors = _parse_row(row, rid, named, fields)
        errors.extend(cell_errors)
        try:
            candidate = Candidate.model_validate(data, context=context)
        except ValidationError as exc:
            skip = missing_required | {e["field"] for e in cell_errors}
            errors.extend(_validation_errors(_details(exc), row, rid, named, _top_level, skip))
            continue
        if not cell_errors:
            out.append(candidate)
    errors.extend(_duplicate_ids(ids))
    if errors:
        raise InputError(_sorted_errors(errors, [f.column for f in _CANDIDATE_FIELDS]), source)
    return out


def _text_frame(rows: list[list[str]], fields: Sequence[_Field]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=[f.column for f in fields], dtype=object)


def _candidates_text_frame(candidates: Iterable[Candidate]) -> pd.DataFrame:
    items = check_unique_ids(candidates)
    rows = [[_text_value(f, getattr(c, f.name)) for f in _CANDIDATE_FIELDS] for c in items]
    return _text_frame(rows, _CANDIDATE_FIELDS)


def _read_table(path: Path) -> pd.DataFrame:
    """All cells as strings, empty cells as ``""`` (so 'NA', 'null', 'nan' stay text)."""
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() == ".tsv":
        sep = "\t"
    else:
        header = text.split("\n", 1)[0]
        sep = ";" if header.count(";") > header.count(",") else ","
    try:
        return pd.read_csv(StringIO(text), sep=sep, dtype=str, keep_default_na=False, na_filter=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError([_error(None, None, None, _MISSING, f"not a readable table: {exc}")], path.name) from None


def _write_table(frame: pd.DataFrame, path: Path) -> None:
    sep = "\t" if path.suffix.lower() == ".tsv" else ","
    frame.to_csv(path, sep=sep, index=False, lineterminator="\n", encoding="utf-8")


def _format(path: Path) -> Literal["json", "table"]:
    suffix = path.suffix.lower()
    if suffix == ".json":
        return "json"
    if suffix in (".csv", ".tsv"):
        return "table"
    raise ValueError(f"cannot tell the format of {str(path)!r} from its extension {suffix!r}; use .json, .csv or .tsv")


def read_candidates(
    source: PathLike | pd.DataFrame | Sequence[Mapping[str, Any] | Candidate],
    *,
    vocabulary: Vocabulary | None = None,
) -> list[Candidate]:
    """Read a candidate pool from a ``.json``, ``.csv`` or ``.tsv`` file, a DataFrame, JSON text or a list of dicts.

    A string that starts with ``[`` is read as JSON text, any other string as a path.

    Raises :class:`InputError` listing every problem (row, id, field, value).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> c = Candidate(id="a", name="NA", function="office", activity="studio", area_min=50, area_max=80)
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "pool.csv"
    >>> write_candidates([c], path)
    >>> read_candidates(path) == [c]
    True
    """
    if isinstance(source, pd.DataFrame):
        return candidates_from_frame(source, vocabulary=vocabulary)
    if isinstance(source, str) and source.lstrip().startswith("["):
        return candidates_from_json(source, vocabulary=vocabulary)
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        if _format(path) == "json":
            return candidates_from_json(path.read_text(encoding="utf-8-sig"), vocabulary=vocabulary, source=path.name)
        return candidates_from_frame(_read_table(path), vocabulary=vocabulary, source=path.name)
    if isinstance(source, Sequence):
        return _candidates_from_records(source, vocabulary, "candidates")
    raise TypeError(f"cannot read candidates from a {type(source).__name__}")


def write_candidates(candidates: Iterable[Candidate], path: PathLike) -> None:
    """Write a candidate pool to ``path``: ``.json`` (array of objects), ``.csv`` or ``.tsv`` (flat form).

    Refuses duplicate ids (the file could not be read back).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> c = Candidate(id="a", name="A", function="office", activity="studio", area_min=50, area_max=80)
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "pool.json"
    >>> write_candidates([c], path)
    >>> read_candidates(path) == [c]
    True
    """
    target = Path(path)
    if _format(target) == "json":
        target.write_text(candidates_to_json(candidates), encoding="utf-8")
    else:
        _write_table(_candidates_text_frame(candidates), target)


# -- buildings ---------------------------------------------------------------------------------


def _building_errors(exc: ValidationError, data: Mapping[str, Any]) -> list[dict[str, Any]]:
    rid = _row_id(data)
    out = []
    for e in _details(exc):
        loc = tuple(e["loc"])
        message = _clean_message(e["msg"])
        field = ".".join(str(p) for p in loc) if loc else _guess_field(message, data)
        if e["type"] == "extra_forbidden":
            message = "unknown field"
        out.append(_error(None, rid, field, e.get("input", _MISSING) if e["type"] != "missing" else _MISSING,
                          message))
    return out


def _building_from_data(data: Any, vocabulary: Vocabulary | None, source: str) -> Building:
    if not isinstance(data, Mapping):
        raise InputError([_error(None, None, None, _MISSING, f"expected a JSON object (a building), got "
                                 f"{type(data).__name__}")], source)
    try:
        return Building.model_validate(data, context=_context(vocabulary))
    except ValidationError as exc:
        raise InputError(_building_errors(exc, data), source) from None


def read_building(
    source: PathLike | Mapping[str, Any] | Building, *, vocabulary: Vocabulary | None = None
) -> Building:
    """Read a building from a JSON file, a JSON string, a dict, or a ``.csv``/``.tsv`` file (one row per floor).

    A string that starts with ``{`` is read as JSON text, any other string as a path.
    Raises :class:`InputError` listing every problem, each naming the field (as a
    path such as ``floors.2.area``) and the value.

    Examples
    --------
    >>> text = write_building(Building(
    ...     id="b1", name="Kantoor", permitted_functions={"office", "assembly"}, asking_rent=150,
    ...     location={"lat": 52.37, "lon": 4.9, "neighbourhood": "Oost"},
    ...     floors=[{"level": 0, "area": 800, "free_height": 4.0, "floor_load": 5, "depth": 15}]))
    >>> read_building(text).floors[0].area
    800
    >>> read_building(text.replace('"area": 800', '"area": -800'))
    Traceback (most recent call last):
    ...
    objectmatch.io.InputError: 1 error in building:
      id 'b1', field 'floors.0.area': value -800: Input should be greater than 0
    """
    if isinstance(source, Building):
        return source
    if isinstance(source, Mapping):
        return _building_from_data(source, vocabulary, "building")
    if isinstance(source, str) and source.lstrip().startswith("{"):
        return _building_from_data(_load_json(source, "building"), vocabulary, "building")
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        if path.suffix.lower() in (".csv", ".tsv"):
            found = buildings_from_frame(_read_table(path), vocabulary=vocabulary, source=path.name)
            if len(found) != 1:
                raise InputError([_error(None, None, None, _MISSING, f"expected one building, found {len(found)}; "
                                         "use buildings_from_frame for several")], path.name)
            return found[0]
        text = path.read_text(encoding="utf-8-sig")
        return _building_from_data(_load_json(text, path.name), vocabulary, path.name)
    raise TypeError(f"cannot read a building from a {type(source).__name__}")


def write_building(building: Building, path: PathLike | None = None) -> str:
    """The building as JSON text (``model_dump(mode="json")``, indented); also written to ``path`` if given.

    A ``path`` ending in ``.csv`` or ``.tsv`` gets the table form instead (one row per floor).

    Examples
    --------
    >>> b = Building(id="b1", name="Kantoor", permitted_functions={"office"}, asking_rent=150,
    ...              location={"lat": 52.37, "lon": 4.9, "neighbourhood": "Oost"},
    ...              floors=[{"level": 0, "area": 800, "free_height": 4.0, "floor_load": 5, "depth": 15}])
    >>> json.loads(write_building(b)) == b.model_dump(mode="json")
    True
    """
    if not isinstance(building, Building):
        raise TypeError(f"expected a Building, got {type(building).__name__}")
    if path is not None and Path(path).suffix.lower() in (".csv", ".tsv"):
        frame = _buildings_text_frame([building])
        _write_table(frame, Path(path))
        return frame.to_csv(index=False, lineterminator="\n")
    text = json.dumps(building.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text


def _building_rows(building: Building, cell: Callable[[_Field, Any], Any]) -> list[list[Any]]:
    own = [cell(f, getattr(building, f.name)) for f in _BUILDING_OWN]
    location = [cell(f, getattr(building.location, f.name)) for f in _LOCATION_FIELDS]
    return [own + location + [cell(f, getattr(floor, f.name)) for f in _FLOOR_FIELDS] for floor in building.floors]


def _as_buildings(buildings: Building | Iterable[Building]) -> list[Building]:
    return check_unique_buildings([buildings] if isinstance(buildings, Building) else buildings)


def _buildings_text_frame(buildings: Building | Iterable[Building]) -> pd.DataFrame:
    rows = [r for b in _as_buildings(buildings) for r in _building_rows(b, _text_value)]
    return _text_frame(rows, _BUILDING_FIELDS)


def buildings_to_frame(buildings: Building | Iterable[Building]) -> pd.DataFrame:
    """One row per floor: the building's fields repeated, then ``location.*`` and ``floor.*`` columns.

    Examples
    --------
    >>> b = Building(id="b1", name="Kantoor", permitted_functions={"office"}, asking_rent=150,
    ...              location={"lat": 52.37, "lon": 4.9, "neighbourhood": "Oost"},
    ...              floors=[{"level": 0, "area": 800, "free_height": 4.0, "floor_load": 5, "depth": 15},
    ...                      {"level": 1, "area": 750, "free_height": 3.0, "floor_load": 3, "depth": 15}])
    >>> df = buildings_to_frame(b)
    >>> df[["id", "floor.level", "floor.area"]].values.tolist()
    [['b1', 0, 800], ['b1', 1, 750]]
    >>> buildings_from_frame(df) == [b]
    True
    """
    rows = [r for b in _as_buildings(buildings) for r in _building_rows(b, _flat_value)]
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in _BUILDING_FIELDS]
    pairs = zip(_BUILDING_FIELDS, columns, strict=True)
    return pd.DataFrame({f.column: pd.Series(list(values), dtype=_dtype(f)) for f, values in pairs})


def buildings_from_frame(
    frame: pd.DataFrame, *, vocabulary: Vocabulary | None = None, source: str = "buildings"
) -> list[Building]:
    """Buildings from a frame with one row per floor (see :func:`buildings_to_frame`), in order of first row.

    The building's own and ``location.*`` cells must agree on every row of that building.
    Raises :class:`InputError` listing every problem; ``frame`` is not modified.

    Examples
    --------
    >>> df = pd.DataFrame({"id": ["b1", "b1"], "name": "Kantoor", "permitted_functions": "office;retail",
    ...                    "asking_rent": 150.0, "location.lat": 52.37, "location.lon": 4.9,
    ...                    "location.neighbourhood": "Oost", "floor.level": [0, 1], "floor.area": [800.0, -1.0],
    ...                    "floor.free_height": 4.0, "floor.floor_load": 5.0, "floor.depth": 15.0})
    >>> buildings_from_frame(df)
    Traceback (most recent call last):
    ...
    objectmatch.io.InputError: 1 error in buildings:
      row 1 (id 'b1'), field 'floor.area': value -1.0: Input should be greater than 0
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame, got {type(frame).__name__}")
    matched, errors = _match_columns(list(frame.columns), _BUILDING_FIELDS)
    fields = {f.column: f for _, f in matched}
    shared = [f.column for _, f in matched if not f.column.startswith("floor.")]
    skip_all = {e["field"] for e in errors}
    groups: dict[str | None, list[tuple[int, dict[str, Any]]]] = {}
    for row, cells in enumerate(_table_rows(frame)):
        named = {f.column: cells[position] for position, f in matched}
        groups.setdefault(_row_id(named), []).append((row, named))
    context = _context(vocabulary)
    out: list[Building] = []
    for bid, rows in groups.items():
        first_row, first = rows[0]
        for row, named in rows[1:]:
            for column in shared:
                if not _same_cell(named[column], first[column]):
                    errors.append(_error(row, bid, column, named[column], f"differs from row {first_row} "
                                         f"({_short(first[column])}); a building's own cells repeat on every floor"))
        parsed = [(row, *_parse_row(row, bid, named, fields)) for row, named in rows]
        bad = {e["field"] for _, _, row_errors in parsed for e in row_errors}
        for _, _, row_errors in parsed:
            errors.extend(row_errors)
        level_rows: dict[str, int] = {}
        for row, d, _ in parsed:
            level = str(d.get("floor.level", "")).strip()
            if level in level_rows:
                errors.append(_error(row, bid, "floor.level", d["floor.level"],
                                     f"duplicate floor level, also in row {level_rows[level]}"))
                bad.add("floor.level")
            elif level:
                level_rows[level] = row
        data = {k: v for k, v in parsed[0][1].items() if "." not in k}
        data["location"] = {k.removeprefix("location."): v for k, v in parsed[0][1].items()
                            if k.startswith("location.")}
        data["floors"] = [{k.removeprefix("floor."): v for k, v in d.items() if k.startswith("floor.")}
                          for _, d, _ in parsed]

        def column_of(loc: tuple[int | str, ...], rows: list[tuple[int, dict[str, Any]]] = rows) -> tuple[
            str | None, tuple[int | str, ...]
        ]:
            if not loc:
                return None, ()
            if loc[0] == "floors" and len(loc) >= 3 and isinstance(loc[1], int):
                return f"floor.{loc[2]}", loc[3:]
            if loc[0] == "floors":
                return "floor.level", loc[1:]
            if loc[0] == "location" and len(loc) >= 2:
                return f"location.{loc[1]}", loc[2:]
            return str(loc[0]), loc[1:]

        try:
            building = Building.model_validate(data, context=context)
        except ValidationError as exc:
            for e in _details(exc):
                loc = tuple(e["loc"])
                row, named = rows[0]
                if loc[:1] == ("floors",) and len(loc) >= 2 and isinstance(loc[1], int) and loc[1] < len(rows):
                    row, named = rows[loc[1]]
                errors.extend(_validation_errors([e], row, bid, named, column_of, skip_all | bad))
            continue
        if not bad:
            out.append(building)
    if errors:
        raise InputError(_sorted_errors(errors, [f.column for f in _BUILDING_FIELDS]), source)
    return out


def _same_cell(a: Any, b: Any) -> bool:
    if isinstance(a, np.generic):
        a = a.item()
    if isinstance(b, np.generic):
        b = b.item()
    empty_a = a is None or a is pd.NA or (isinstance(a, float) and math.isnan(a)) or (isinstance(a, str) and not a)
    empty_b = b is None or b is pd.NA or (isinstance(b, float) and math.isnan(b)) or (isinstance(b, str) and not b)
    if empty_a or empty_b:
        return empty_a and empty_b
    return bool(a == b)
