"""A match result in a table file: its exact JSON, and a table for people that must agree with it."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from objectmatch.io._errors import MISSING, InputError, error

if TYPE_CHECKING:  # pragma: no cover
    from objectmatch.models import Candidate
    from objectmatch.results import MatchResult

__all__ = ["check_table", "result_table"]

#: The columns the table and the JSON must agree on.
_KEY_COLUMNS = ("rank", "candidate", "level", "area", "score")


def result_table(result: MatchResult, candidates: Sequence[Candidate] | None = None) -> pd.DataFrame:
    """One row per placement of every programme (``MatchResult.to_frame``), with names when ``candidates``
    (or the result itself) has them."""
    if candidates is None:
        candidates = getattr(result, "candidates", None)  # once a result carries its pool
    return result.to_frame(list(candidates) if candidates is not None else None)


def _key(row: Sequence[Any]) -> tuple[Any, ...]:
    rank, candidate, level, area, score = row
    return (int(rank), str(candidate), int(level), float(area), float(score))


def _same(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    return a[:3] == b[:3] and all(math.isclose(x, y, rel_tol=1e-12, abs_tol=1e-12) for x, y in zip(a[3:], b[3:],
                                                                                                 strict=True))


def check_table(frame: pd.DataFrame, result: MatchResult, source: str) -> None:
    """Refuse a table that says something other than the exact JSON beside it (an edited table).

    Rows may be re-ordered and columns added; the placements (rank, candidate, level,
    area, score) must be those of the result.
    """
    missing = [c for c in _KEY_COLUMNS if c not in frame.columns]
    if missing:
        raise InputError([error(None, None, c, MISSING, "column missing from the result's table") for c in missing],
                         source)
    try:
        table = sorted(_key(r) for r in frame[list(_KEY_COLUMNS)].itertuples(index=False, name=None))
    except (TypeError, ValueError) as exc:
        raise InputError([error(None, None, None, MISSING, f"the result's table has a cell that is not a "
                                f"number where one belongs: {exc}")], source) from None
    expected = sorted(_key(r) for r in result_table(result)[list(_KEY_COLUMNS)].itertuples(index=False, name=None))
    if len(table) == len(expected) and all(_same(a, b) for a, b in zip(table, expected, strict=True)):
        return
    extra = [row for row in table if not any(_same(row, e) for e in expected)]
    shown = ", ".join(str(dict(zip(_KEY_COLUMNS, row, strict=True))) for row in extra[:3]) or "rows are missing"
    raise InputError([error(None, None, None, MISSING, (
        f"the table does not match the exact result stored with it ({len(table)} rows, the result has "
        f"{len(expected)}; not in the result: {shown}). The table is a view for people: "
        "change the result, not its table"))], source)
