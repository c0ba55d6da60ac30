"""Participation responses as a flat table: validated row by row, and written back.

One row per response; the columns, in this order:

============  ========  ===================================================  ===========================
column        needed    cell                                                 example
============  ========  ===================================================  ===========================
respondent    yes       an anonymous id (never a name or e-mail address)     ``r017``
role          yes       one of the round's roles                             ``resident``
wishes        no        ``tag:weight`` pairs joined by ``;``; a bare tag     ``green:1; food:0.5``
                        means weight 1; a decimal comma is read too
objections    no        the same                                             ``nightlife:0.75``
helps         no        an activity the respondent would help run            ``community kitchen``
initiative    no        the initiative's name (needs ``helps``)              ``Buurtkeuken West``
============  ========  ===================================================  ===========================

Column names are matched after stripping spaces and lower-casing. An empty cell means nothing
given. A column that records who people are (age, gender, origin, religion, ...) is refused,
as is any other unknown column (a survey export's timestamp or comment column: drop it first).
Files (CSV, TSV, Excel, Parquet, JSON) go through the one I/O registry:
:func:`objectmatch.io.read_participation` and :func:`objectmatch.io.write_participation`.
"""

from __future__ import annotations

import difflib
import math
import numbers
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from objectmatch.culture._response import ParticipationResponse, refuse_fixed, unknown_role
from objectmatch.culture._tags import free_tag

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

COLUMNS: tuple[str, ...] = ("respondent", "role", "wishes", "objections", "helps", "initiative")
REQUIRED: tuple[str, ...] = ("respondent", "role")
SOURCE = "participation"


def _error(row: int | None, rid: str | None, field: str | None, value: Any, message: str) -> dict[str, Any]:
    return {"row": row, "id": rid, "field": field, "value": value, "message": message}


def _input_error(errors: list[dict[str, Any]], source: str) -> Exception:
    from objectmatch.io import InputError  # lazily: the I/O layer loads pandas

    return InputError(errors, source)


# -- cells -----------------------------------------------------------------------------------------


def _empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, str):
        return not value.strip()
    try:
        import pandas as pd

        return value is pd.NA or value is pd.NaT
    except ImportError:  # pragma: no cover
        return False


def _text(value: Any) -> str | None:
    """A text cell: ``None`` when empty; whole numbers (an Excel id column) as their digits."""
    if _empty(value):
        return None
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        raise ValueError(f"expected text, got {value!r}")
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real) and float(value).is_integer():
        return str(int(float(value)))
    raise ValueError(f"expected text, got {type(value).__name__} {value!r}")


def _weight(tag: str, text: str) -> float:
    try:
        weight = float(text.strip().replace(",", "."))
    except ValueError:
        raise ValueError(
            f"weight {text.strip()!r} of {tag!r} is not a number; write 'tag:weight; tag:weight'"
        ) from None
    if not math.isfinite(weight):
        raise ValueError(f"weight {text.strip()!r} of {tag!r} is not a finite number")
    return weight


def _weights(value: Any) -> Any:
    """A wishes/objections cell: ``'green:1; food:0.5'``, a mapping or a list (JSON), or empty."""
    if isinstance(value, Mapping | list | tuple):
        return value
    text = _text(value)
    if text is None:
        return {}
    out: dict[str, float] = {}
    for item in text.split(";"):
        if not item.strip():
            continue
        tag, sep, weight = item.partition(":")
        if not tag.strip():
            raise ValueError(f"{item.strip()!r} has no tag before ':'")
        if tag.strip() in out:
            raise ValueError(f"tag {tag.strip()!r} appears twice")
        out[tag.strip()] = _weight(tag.strip(), weight) if sep else 1.0
    return out


_PARSERS = {
    "respondent": _text,
    "role": _text,
    "wishes": _weights,
    "objections": _weights,
    "helps": _text,
    "initiative": _text,
}


def format_weights(weights: Mapping[str, float]) -> str:
    """``tag:weight`` pairs joined by ``'; '``, weights as Python writes them (exact on reading back)."""
    return "; ".join(f"{tag}:{float(weight)!r}" for tag, weight in weights.items())


# -- frames ----------------------------------------------------------------------------------------


def _columns(frame: pd.DataFrame) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Known column -> the frame's column label, and every problem with the header."""
    found: dict[str, Any] = {}
    errors: list[dict[str, Any]] = []
    for label in frame.columns:
        key = str(label).strip().lower()
        if key in COLUMNS:
            if key in found:
                errors.append(_error(None, None, str(label), None, f"column {key!r} appears twice"))
            found[key] = label
            continue
        try:
            refuse_fixed(free_tag(str(label)), "column")
        except ValueError as exc:
            if "fixed identity" in str(exc):
                message = f"{exc}. A participation round records what people want and do, never who they are: delete it"
                errors.append(_error(None, None, str(label), None, message))
                continue
        hint = difflib.get_close_matches(key, COLUMNS, n=1)
        known = f"did you mean {hint[0]!r}?" if hint else f"known columns: {', '.join(COLUMNS)}"
        errors.append(_error(None, None, str(label), None, f"unknown column; {known}"))
    for name in REQUIRED:
        if name not in found:
            errors.append(_error(None, None, name, None, f"missing column {name!r} (columns: {', '.join(COLUMNS)})"))
    return found, errors


def _respondent(cell: Any) -> str | None:
    """The respondent id of a row as far as it can be read (for messages and the duplicate check)."""
    try:
        return _text(cell)
    except ValueError:
        return None


def _row(row: int, cells: Mapping[str, Any]) -> tuple[ParticipationResponse | None, list[dict[str, Any]]]:
    """One validated response, or the problems of its row (the field as its column, the cell as written)."""
    rid = _respondent(cells.get("respondent"))
    data: dict[str, Any] = {}
    errors: list[dict[str, Any]] = []
    for name, cell in cells.items():
        try:
            parsed = _PARSERS[name](cell)
        except ValueError as exc:
            errors.append(_error(row, rid, name, cell, str(exc)))
            continue
        if parsed is not None:
            data[name] = parsed
    try:
        response = ParticipationResponse.model_validate(data)
    except ValidationError as exc:
        failed = {e["field"] for e in errors}
        for detail in exc.errors(include_url=False):
            field = str(detail["loc"][0]) if detail["loc"] else None
            if field in failed:
                continue
            where = f"{detail['loc'][1]!r}: " if len(detail["loc"]) > 1 else ""
            message = str(detail["msg"]).removeprefix("Value error, ")
            if detail["type"] == "missing":
                message = f"{field} is required"
            errors.append(_error(row, rid, field, cells.get(field) if field else None, where + message))
        return None, errors
    return (None if errors else response), errors


def parse_frame(frame: pd.DataFrame, roles: Sequence[str], source: str = SOURCE) -> list[ParticipationResponse]:
    """Every row of ``frame`` as a response; one ``InputError`` listing every problem otherwise."""
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"frame must be a pandas DataFrame, got {type(frame).__name__}")
    found, errors = _columns(frame)
    responses: list[ParticipationResponse] = []
    if all(name in found for name in REQUIRED):
        first: dict[str, int] = {}
        for row, values in enumerate(frame.itertuples(index=False, name=None)):
            by_label = dict(zip(frame.columns, values, strict=True))
            cells = {name: by_label[label] for name, label in found.items()}
            response, problems = _row(row, cells)
            errors.extend(problems)
            rid = _respondent(cells["respondent"])
            if rid is not None and rid in first:  # checked on every row, valid or not
                errors.append(_error(row, rid, "respondent", cells["respondent"],
                                     f"respondent id also on row {first[rid]}: one response each"))
            elif rid is not None:
                first[rid] = row
            if response is None:
                continue
            why = unknown_role(response.role, roles)
            if why is not None:
                errors.append(_error(row, response.respondent, "role", cells["role"], why))
            responses.append(response)
    if errors:
        raise _input_error(errors, source)
    return responses


def responses_frame(responses: Sequence[ParticipationResponse]) -> pd.DataFrame:
    """The flat table of ``responses``: every cell text, empty cells ``''``."""
    import pandas as pd

    rows = [
        [
            r.respondent,
            r.role,
            format_weights(r.wishes),
            format_weights(r.objections),
            r.helps or "",
            r.initiative or "",
        ]
        for r in responses
    ]
    return pd.DataFrame(rows, columns=list(COLUMNS), dtype=object)
