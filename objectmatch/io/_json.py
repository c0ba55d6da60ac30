"""JSON in and out: strict parsing (no silently repeated keys, no crash on deep nesting) and the models' own JSON."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from objectmatch.io._errors import MISSING, InputError, error, file_error, short, suggest
from objectmatch.io._frames import candidates_from_records
from objectmatch.io._validation import clean_message, context, details, duplicate_ids, guess_field, known_fields, row_id
from objectmatch.models import Building, Candidate, check_unique_buildings, check_unique_ids
from objectmatch.vocabulary import Vocabulary

__all__ = [
    "buildings_from_json",
    "buildings_to_json",
    "candidates_from_json",
    "candidates_to_json",
    "load_json",
    "model_errors",
    "model_from_json",
]

M = TypeVar("M", bound=BaseModel)
Path_ = tuple[int | str, ...]


class _Repeated(dict[str, Any]):
    """A JSON object in which a key appeared more than once; ``repeats`` holds every value given."""

    repeats: dict[str, list[Any]]


def _marking(found: list[_Repeated]) -> Callable[[list[tuple[str, Any]]], dict[str, Any]]:
    """An ``object_pairs_hook`` that builds dicts as usual and marks (and counts in ``found``) those
    in which a key repeats."""

    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(pairs)
        if len(obj) == len(pairs):
            return obj
        marked = _Repeated(obj)
        repeats: dict[str, list[Any]] = {}
        for key, value in pairs:
            repeats.setdefault(key, []).append(value)
        marked.repeats = {k: v for k, v in repeats.items() if len(v) > 1}
        found.append(marked)
        return marked

    return hook


def _repeated(data: Any) -> list[tuple[Path_, _Repeated]]:
    """Every object with a repeated key, with its path (walked without recursion: data may be deep)."""
    found = []
    stack: list[tuple[Path_, Any]] = [((), data)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, _Repeated):
            found.append((path, node))
        if isinstance(node, dict):
            stack.extend(((*path, k), v) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend(((*path, i), v) for i, v in enumerate(node))
    return sorted(found, key=lambda item: [str(p).zfill(12) if isinstance(p, int) else p for p in item[0]])


def _repeat_errors(data: Any, rows: bool) -> list[dict[str, Any]]:
    out = []
    for path, node in _repeated(data):
        row = path[0] if rows and path and isinstance(path[0], int) else None
        inside = path[1:] if row is not None else path
        owner = data[row] if row is not None else data
        rid = row_id(owner) if isinstance(owner, Mapping) else None
        for key, values in node.repeats.items():
            given = ", then ".join(short(v, 30) for v in values)
            message = (f"key {key!r} appears {len(values)} times in one object ({given}); "
                       "JSON readers silently keep the last, so keep exactly one")
            out.append(error(row, rid, ".".join(str(p) for p in (*inside, key)), MISSING, message))
    return out


def load_json(text: str, source: str, *, rows: bool = False) -> Any:
    """Parse JSON text strictly: an :class:`InputError` naming the file for invalid JSON, for
    nesting too deep to parse, and for every key repeated inside one object (naming the
    key, and the row when ``rows`` says the top level is an array of records).

    Examples
    --------
    >>> load_json('{"a": 1, "a": 2}', "x.json")
    Traceback (most recent call last):
    ...
    objectmatch.io.InputError: 1 error in x.json:
      field 'a': key 'a' appears 2 times in one object (1, then 2); JSON readers silently keep the last, ...
    """
    found: list[_Repeated] = []
    try:
        data = json.loads(text, object_pairs_hook=_marking(found))
    except json.JSONDecodeError as exc:
        raise file_error(f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}", source) from None
    except RecursionError:
        raise file_error("not valid JSON for objectmatch: arrays or objects nested too deeply to read "
                         "(hundreds of levels)", source) from None
    if found:
        raise InputError(_repeat_errors(data, rows), source)
    return data


# -- candidates ------------------------------------------------------------------------------------


def candidates_from_json(text: str, *, vocabulary: Vocabulary | None = None, source: str = "candidates") -> list[
    Candidate
]:
    """Candidates from a JSON array of objects (as :func:`candidates_to_json` writes it).

    Raises :class:`InputError` listing every invalid candidate, repeated key and duplicate id.

    Examples
    --------
    >>> pool = candidates_from_json('[{"id": "a", "name": "A", "function": "office", '
    ...                             '"activity": "studio", "area_min": 50, "area_max": 80}]')
    >>> pool[0].area_max
    80
    """
    data = load_json(text, source, rows=True)
    if not isinstance(data, list):
        raise file_error(f"expected a JSON array of candidates, got {type(data).__name__}", source)
    return candidates_from_records(data, vocabulary, source)


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


# -- buildings and other models ---------------------------------------------------------------------


def model_errors(exc: ValidationError, data: Any, model: type[BaseModel], row: int | None = None) -> list[
    dict[str, Any]
]:
    """A model's validation errors as :class:`InputError` entries, fields named by path (``floors.2.area``)."""
    rid = row_id(data) if isinstance(data, Mapping) else None
    out = []
    for e in details(exc):
        loc = tuple(e["loc"])
        message = clean_message(e["msg"])
        names = data if isinstance(data, Mapping) else ()
        field = ".".join(str(p) for p in loc) if loc else guess_field(message, names)
        if e["type"] == "extra_forbidden":
            hint = suggest(str(loc[-1]), known_fields(model, loc[:-1])) if loc else None
            message = "unknown field" + (f"; did you mean {hint!r}?" if hint else "")
        value = MISSING if e["type"] == "missing" else e.get("input", MISSING)
        out.append(error(row, rid, field, value, message))
    return out


def _building(data: Any, vocabulary: Vocabulary | None, row: int | None) -> tuple[Building | None, list[
    dict[str, Any]
]]:
    if not isinstance(data, Mapping):
        return None, [error(row, None, None, MISSING, f"expected a JSON object (a building), got "
                            f"{type(data).__name__}")]
    try:
        return Building.model_validate(data, context=context(vocabulary)), []
    except ValidationError as exc:
        return None, model_errors(exc, data, Building, row)


def buildings_from_data(data: Any, vocabulary: Vocabulary | None, source: str) -> list[Building]:
    """Buildings from parsed JSON: one object (one building) or an array of them."""
    if isinstance(data, Building | Mapping):
        records: list[Any] = [data]
        rows: list[int | None] = [None]
    elif isinstance(data, list):
        records, rows = data, list(range(len(data)))
    else:
        raise file_error(f"expected a JSON object (a building) or an array of them, got {type(data).__name__}",
                         source)
    out, errors = [], []
    for record, row in zip(records, rows, strict=True):
        building, found = (record, []) if isinstance(record, Building) else _building(record, vocabulary, row)
        errors.extend(found)
        if building is not None:
            out.append(building)
    if len(records) > 1:
        errors.extend(duplicate_ids([row_id(r) if isinstance(r, Mapping) else getattr(r, "id", None)
                                     for r in records], "building"))
    if errors:
        raise InputError(errors, source)
    return out


def buildings_from_json(text: str, vocabulary: Vocabulary | None, source: str) -> list[Building]:
    """Buildings from JSON text: one object, or an array of objects."""
    data = load_json(text, source, rows=text.lstrip().startswith("["))
    return buildings_from_data(data, vocabulary, source)


def buildings_to_json(buildings: list[Building]) -> str:
    """One building as an indented object; several as an array of them."""
    items = check_unique_buildings(buildings)
    if len(items) == 1:
        return json.dumps(items[0].model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
    lines = [json.dumps(b.model_dump(mode="json"), ensure_ascii=False) for b in items]
    return "[\n" + ",\n".join(lines) + "\n]\n" if lines else "[]\n"


def model_from_json(text: str, model: type[M], source: str) -> M:
    """A model from its own JSON (``model_validate_json``), after the strict checks of :func:`load_json`."""
    data = load_json(text, source)
    try:
        return model.model_validate_json(text)
    except ValidationError as exc:
        raise InputError(model_errors(exc, data, model), source) from None
