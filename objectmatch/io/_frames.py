"""Candidates and buildings as pandas DataFrames (the table form every table format shares), and back."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd
from pydantic import ValidationError

from objectmatch.io._errors import MISSING, InputError, error, short
from objectmatch.io._fields import (
    BUILDING_FIELDS,
    BUILDING_OWN,
    CANDIDATE_FIELDS,
    FLOOR_FIELDS,
    LOCATION_FIELDS,
    Field,
    dtype,
    flat_value,
    match_columns,
    parse_cell,
    scalar,
)
from objectmatch.io._validation import (
    candidate_stand_ins,
    context,
    details,
    duplicate_ids,
    hidden_model_errors,
    row_id,
    sorted_errors,
    top_level,
    validation_errors,
)
from objectmatch.models import Building, Candidate, check_unique_buildings, check_unique_ids
from objectmatch.vocabulary import Vocabulary

__all__ = [
    "buildings_from_frame",
    "buildings_to_frame",
    "candidates_from_frame",
    "candidates_to_frame",
]

Cells = dict[str, Any]


def _typed_frame(rows: list[list[Any]], fields: Sequence[Field]) -> pd.DataFrame:
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in fields]
    return pd.DataFrame({f.column: pd.Series(list(values), dtype=dtype(f)) for f, values in zip(fields, columns,
                                                                                                   strict=True)})


def _table_rows(frame: pd.DataFrame) -> list[list[Any]]:
    """Cells by position as Python values; never touches ``frame``."""
    columns = [frame.iloc[:, i].tolist() for i in range(frame.shape[1])]
    return [list(cells) for cells in zip(*columns, strict=True)] if columns else [[] for _ in range(len(frame))]


def _parse_row(row: int, rid: str | None, cells: Mapping[str, Any], fields: Mapping[str, Field]) -> tuple[
    Cells, list[dict[str, Any]]
]:
    data: Cells = {}
    errors = []
    for column, raw in cells.items():
        try:
            value = parse_cell(fields[column], raw)
        except ValueError as exc:
            errors.append(error(row, rid, column, raw, str(exc)))
            continue
        if value is not MISSING:
            data[column] = value
    return data, errors


def _check_frame(frame: Any) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame, got {type(frame).__name__}")


# -- candidates ---------------------------------------------------------------------------------


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
    rows = [[flat_value(f, getattr(c, f.name)) for f in CANDIDATE_FIELDS] for c in items]
    return _typed_frame(rows, CANDIDATE_FIELDS)


def _candidate_row(row: int, named: Cells, fields: Mapping[str, Field], skip_columns: set[str],
                   validation_context: dict[str, Any] | None) -> tuple[Candidate | None, list[dict[str, Any]]]:
    """One row: the candidate, or every problem in the row (cells, fields and the model's own checks)."""
    rid = row_id(named)
    data, errors = _parse_row(row, rid, named, fields)
    try:
        candidate = Candidate.model_validate(data, context=validation_context)
    except ValidationError as exc:
        found = details(exc)
        failed = {str(e["loc"][0]) for e in found if e["loc"]} | {e["field"] for e in errors}
        if found and all(e["loc"] for e in found):
            stand_ins = candidate_stand_ins(validation_context)
            found += hidden_model_errors(Candidate, data, failed, stand_ins, validation_context)
        skip = skip_columns | {e["field"] for e in errors}
        errors.extend(validation_errors(found, row, rid, named, top_level, skip=skip, model=Candidate))
        return None, errors
    # a bad cell is left out of ``data``: the row may validate on its default, and is still wrong
    return (None, errors) if errors else (candidate, [])


def candidates_from_frame(
    frame: pd.DataFrame, *, vocabulary: Vocabulary | None = None, source: str = "candidates"
) -> list[Candidate]:
    """Candidates from a DataFrame with one row per candidate (typed, or all strings as read from CSV).

    Columns missing from the frame take the field's default (required ones are an
    error); unknown columns are an error. ``frame`` is not modified. Raises
    :class:`InputError` listing every problem of every row; ``row`` is the 0-based
    position (``frame.iloc[row]``).

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
    _check_frame(frame)
    matched, errors = match_columns(list(frame.columns), CANDIDATE_FIELDS)
    fields = {f.column: f for _, f in matched}
    missing_required = {e["field"] for e in errors}
    validation_context = context(vocabulary)
    out: list[Candidate] = []
    ids: list[str | None] = []
    for row, cells in enumerate(_table_rows(frame)):
        named = {f.column: cells[position] for position, f in matched}
        ids.append(row_id(named))
        candidate, row_errors = _candidate_row(row, named, fields, missing_required, validation_context)
        errors.extend(row_errors)
        if candidate is not None:
            out.append(candidate)
    errors.extend(duplicate_ids(ids))
    if errors:
        raise InputError(sorted_errors(errors, [f.column for f in CANDIDATE_FIELDS]), source)
    return out


def candidates_from_records(records: Sequence[Any], vocabulary: Vocabulary | None, source: str) -> list[Candidate]:
    """Candidates from dicts (parsed JSON) or models; every problem of every record at once."""
    validation_context = context(vocabulary)
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
            errors.append(error(row, None, None, record, f"expected an object (a candidate), got "
                                f"{type(record).__name__}"))
            continue
        rid = row_id(record)
        ids.append(rid)
        try:
            out.append(Candidate.model_validate(record, context=validation_context))
        except ValidationError as exc:
            found = details(exc)
            if all(e["loc"] for e in found):
                failed = {str(e["loc"][0]) for e in found}
                found += hidden_model_errors(Candidate, record, failed, candidate_stand_ins(validation_context),
                                             validation_context)
            errors.extend(validation_errors(found, row, rid, record, top_level, model=Candidate))
    errors.extend(duplicate_ids(ids))
    if errors:
        raise InputError(sorted_errors(errors, [f.name for f in CANDIDATE_FIELDS]), source)
    return out


# -- buildings ------------------------------------------------------------------------------------


def _building_rows(building: Building) -> list[list[Any]]:
    own = [flat_value(f, getattr(building, f.name)) for f in BUILDING_OWN]
    location = [flat_value(f, getattr(building.location, f.name)) for f in LOCATION_FIELDS]
    return [own + location + [flat_value(f, getattr(floor, f.name)) for f in FLOOR_FIELDS] for floor in building.floors]


def _as_buildings(buildings: Building | Iterable[Building]) -> list[Building]:
    return check_unique_buildings([buildings] if isinstance(buildings, Building) else buildings)


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
    rows = [r for b in _as_buildings(buildings) for r in _building_rows(b)]
    return _typed_frame(rows, BUILDING_FIELDS)


def _same_cell(a: Any, b: Any) -> bool:
    a, b = scalar(a), scalar(b)

    def empty(x: Any) -> bool:
        return x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x)) or (isinstance(x, str) and not x)

    if empty(a) or empty(b):
        return empty(a) and empty(b)
    return bool(a == b)


def _disagreements(bid: str | None, rows: list[tuple[int, Cells]], shared: list[str]) -> list[dict[str, Any]]:
    """A building's own and location cells must repeat on every one of its rows."""
    first_row, first = rows[0]
    out = []
    for row, named in rows[1:]:
        for column in shared:
            if not _same_cell(named[column], first[column]):
                out.append(error(row, bid, column, named[column], f"differs from row {first_row} "
                                 f"({short(first[column])}); a building's own cells repeat on every floor"))
    return out


def _duplicate_levels(bid: str | None, parsed: list[tuple[int, Cells]]) -> list[dict[str, Any]]:
    level_rows: dict[str, int] = {}
    out = []
    for row, data in parsed:
        level = str(data.get("floor.level", "")).strip()
        if level in level_rows:
            out.append(error(row, bid, "floor.level", data["floor.level"],
                             f"duplicate floor level, also in row {level_rows[level]}"))
        elif level:
            level_rows[level] = row
    return out


def _building_data(parsed: list[tuple[int, Cells]]) -> Cells:
    first = parsed[0][1]
    data = {k: v for k, v in first.items() if "." not in k}
    data["location"] = {k.removeprefix("location."): v for k, v in first.items() if k.startswith("location.")}
    data["floors"] = [{k.removeprefix("floor."): v for k, v in d.items() if k.startswith("floor.")} for _, d in parsed]
    return data


def _building_column(loc: tuple[int | str, ...]) -> tuple[str | None, tuple[int | str, ...]]:
    """The table column of a location in a building (``floors.2.area`` is ``floor.area`` of row 2)."""
    if not loc:
        return None, ()
    if loc[0] == "floors" and len(loc) >= 3 and isinstance(loc[1], int):
        return f"floor.{loc[2]}", loc[3:]
    if loc[0] == "floors":
        return "floor.level", loc[1:]
    if loc[0] == "location" and len(loc) >= 2:
        return f"location.{loc[1]}", loc[2:]
    return str(loc[0]), loc[1:]


def _building_group(bid: str | None, rows: list[tuple[int, Cells]], fields: Mapping[str, Field], shared: list[str],
                    skip: set[str], validation_context: dict[str, Any] | None) -> tuple[Building | None,
                                                                                    list[dict[str, Any]]]:
    """One building from its rows, or every problem in them."""
    parsed = []
    cell_errors: list[dict[str, Any]] = []
    for row, named in rows:
        data, row_errors = _parse_row(row, bid, named, fields)
        parsed.append((row, data))
        cell_errors.extend(row_errors)
    cell_errors.extend(_duplicate_levels(bid, parsed))
    bad = {e["field"] for e in cell_errors}
    errors = _disagreements(bid, rows, shared) + cell_errors
    try:
        building = Building.model_validate(_building_data(parsed), context=validation_context)
    except ValidationError as exc:
        for e in details(exc):
            loc = tuple(e["loc"])
            row, named = rows[0]
            if loc[:1] == ("floors",) and len(loc) >= 2 and isinstance(loc[1], int) and loc[1] < len(rows):
                row, named = rows[loc[1]]
            errors.extend(validation_errors([e], row, bid, named, _building_column, skip=skip | bad, model=Building))
        return None, errors
    return (None, errors) if errors else (building, [])


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
    _check_frame(frame)
    matched, errors = match_columns(list(frame.columns), BUILDING_FIELDS)
    fields = {f.column: f for _, f in matched}
    shared = [f.column for _, f in matched if not f.column.startswith("floor.")]
    skip_all = {e["field"] for e in errors}
    groups: dict[str | None, list[tuple[int, Cells]]] = {}
    for row, cells in enumerate(_table_rows(frame)):
        named = {f.column: cells[position] for position, f in matched}
        groups.setdefault(row_id(named), []).append((row, named))
    validation_context = context(vocabulary)
    out: list[Building] = []
    for bid, rows in groups.items():
        building, group_errors = _building_group(bid, rows, fields, shared, skip_all, validation_context)
        errors.extend(group_errors)
        if building is not None:
            out.append(building)
    if errors:
        raise InputError(sorted_errors(errors, [f.column for f in BUILDING_FIELDS]), source)
    return out
