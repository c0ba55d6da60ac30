"""Input errors: every problem at once, each naming row, id, field and a shortened value."""

from __future__ import annotations

import re
import reprlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

__all__ = [
    "ERROR_KEYS",
    "MISSING",
    "InputError",
    "InputWarning",
    "describe",
    "error",
    "file_error",
    "short",
    "shorten_message",
    "suggest",
]

#: Keys of one entry in :attr:`InputError.errors`.
ERROR_KEYS: tuple[str, ...] = ("row", "id", "field", "value", "message", "line")
#: Characters of a value echoed in a message.
ECHO_LIMIT = 80
#: A message never grows past this, whatever the input.
MESSAGE_LIMIT = 1000
_MAX_LISTED = 100


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


#: "No value": the cell or key is absent (``None`` is a value).
MISSING: Any = _Missing()


class InputWarning(UserWarning):
    """An input was read, but not as written: for example a CSV file that is not UTF-8."""


class InputError(ValueError):
    """Invalid input: every problem found, each naming row, id, field and value.

    Attributes
    ----------
    errors
        One dict per problem with keys ``row`` (0-based, ``None`` for whole-table or
        whole-file problems), ``id`` (candidate or building id, if known), ``field``,
        ``value`` (as written in the input; ``None`` if absent), ``message`` and
        ``line`` (where the row starts in the file: the line of a CSV or TSV file, the
        row of a spreadsheet; ``None`` when unknown).
    source
        What was read: the file name, or ``"candidates"`` / ``"building"``.

    Examples
    --------
    >>> from objectmatch.io import candidates_from_json
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
        lines = [describe(e) for e in self.errors[:_MAX_LISTED]]
        if len(self.errors) > _MAX_LISTED:
            lines.append(f"... and {len(self.errors) - _MAX_LISTED} more (see InputError.errors)")
        n = len(self.errors)
        super().__init__(f"{n} error{'s' if n != 1 else ''} in {source}:\n  " + "\n  ".join(lines))

    def __reduce__(self) -> tuple[Any, ...]:
        # an exception pickles its args by default; these are the constructor's (for Dask workers)
        return (type(self), (self.errors, self.source))


_REPR = reprlib.Repr()
_REPR.maxstring = ECHO_LIMIT
_REPR.maxother = ECHO_LIMIT
_REPR.maxlevel = 3
_REPR.maxlist = _REPR.maxtuple = _REPR.maxdict = _REPR.maxset = _REPR.maxfrozenset = 8


def short(value: Any, limit: int = ECHO_LIMIT) -> str:
    """``repr(value)`` cut to about ``limit`` characters, however large or deep ``value`` is.

    Examples
    --------
    >>> text = short("x" * 1_000_000)
    >>> len(text), text[:4], text[37:44]
    (80, "'xxx", 'x...xxx')
    >>> short(-5), short({"tech": 2.0})
    ('-5', "{'tech': 2.0}")
    """
    text = _REPR.repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


# A run without spaces longer than any echo should be: a value pasted into a message.
_LONG_RUN = re.compile(rf"\S{{{ECHO_LIMIT + 1},}}")


def shorten_message(message: str) -> str:
    """``message`` with every long run of non-space characters cut to about 80 characters, and
    the whole cut at :data:`MESSAGE_LIMIT`: a validator that echoes the offending value
    (``unknown function 'xxx...'``) must not turn a value of a megabyte into a message of one.

    Examples
    --------
    >>> message = shorten_message("unknown function '" + "x" * 10**6 + "'; known: office")
    >>> len(message), message[-20:]
    (111, 'xxx... known: office')
    """
    text = _LONG_RUN.sub(lambda m: m.group()[: ECHO_LIMIT - 3] + "...", message)
    return text if len(text) <= MESSAGE_LIMIT else text[: MESSAGE_LIMIT - 3] + "..."


def describe(error: Mapping[str, Any]) -> str:
    """One line for one problem: ``row 3 (id 'a'), field 'area_min': value -5: message``."""
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
        parts.append(f"value {short(error['value'])}")
    parts.append(str(error.get("message")))
    return ": ".join(parts)


def error(
    row: int | None, rid: str | None, field: str | None, value: Any, message: str, line: int | None = None
) -> dict[str, Any]:
    """One entry of :attr:`InputError.errors` (``value`` may be :data:`MISSING`)."""
    return {
        "row": row,
        "id": rid,
        "field": field,
        "value": None if value is MISSING else value,
        "message": shorten_message(message),
        "line": line,
    }


def file_error(message: str, source: str) -> InputError:
    """An :class:`InputError` about the whole file (no row, no field)."""
    return InputError([error(None, None, None, MISSING, message)], source)


# -- "did you mean" -----------------------------------------------------------------------------


def edit_distance(a: str, b: str) -> int:
    """Restricted Damerau-Levenshtein distance: insertions, deletions, substitutions and
    transpositions of neighbours each count one edit.

    Examples
    --------
    >>> edit_distance("area_mni", "area_min"), edit_distance("area_mni", "area_max")
    (1, 2)
    """
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def suggest(word: str, known: Iterable[str]) -> str | None:
    """The known name closest to ``word`` (fewest edits, a swap of neighbours counting one),
    if it is close enough to be a typo: at most one edit per three characters, at least one.

    Examples
    --------
    >>> suggest("area_mni", ["area_max", "area_min"]), suggest("max_rnet", ["max_floors", "max_rent"])
    ('area_min', 'max_rent')
    >>> suggest("colour", ["id", "name", "values"]) is None
    True
    """
    limit = max(1, len(word) // 3)
    best: tuple[int, str] | None = None
    for name in known:
        if abs(len(name) - len(word)) > limit:
            continue
        distance = edit_distance(word, name)
        if distance <= limit and (best is None or distance < best[0]):
            best = (distance, name)
    return best[1] if best else None
