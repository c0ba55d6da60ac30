"""Excel ``.xlsx`` files through openpyxl, exactly: numbers Excel would round are stored as text,
and text Excel cannot hold (a carriage return, control characters) is escaped the way Excel does."""

from __future__ import annotations

import math
import re
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from objectmatch.io._atomic import atomic_write
from objectmatch.io._errors import file_error
from objectmatch.io._tables import Table, TableFormat, table_from_rows

__all__ = ["EXACT_SHEET", "XLSX", "escape", "unescape"]

#: The sheet of a result's ``.xlsx`` file that holds its exact JSON, in column A from row 2 on.
EXACT_SHEET = "result.json"
#: Excel holds at most 32,767 characters in a cell.
CELL_LIMIT = 32_767
_PIECE = 16_000

# OOXML's escape for characters XML cannot carry is _xHHHH_; a "_" that would read as the start of
# one (followed by xHHHH and "_" or a character about to be escaped) is escaped itself, as _x005F_.
_UNSAFE_CHARS = "\x00-\x08\x0b-\x1f\ufffe\uffff"
_TO_ESCAPE = re.compile(f"_(?=x[0-9A-Fa-f]{{4}}(?:_|[{_UNSAFE_CHARS}]))|[{_UNSAFE_CHARS}]")
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def escape(text: str) -> str:
    """Text as an Excel cell stores it: a carriage return (which XML turns into a newline) and
    the control characters XML cannot hold become ``_xHHHH_``, as Excel writes them.

    Examples
    --------
    >>> escape("a\\rb"), escape("_x000D_"), unescape(escape("a\\rb_x000D_x0041\\x01"))
    ('a_x000D_b', '_x005F_x000D_', 'a\\rb_x000D_x0041\\x01')
    """
    return _TO_ESCAPE.sub(lambda m: f"_x{ord(m.group(0)):04X}_", text)


def unescape(text: str) -> str:
    """The text an Excel cell stores (see :func:`escape`)."""
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


def _exact_number(value: int | float) -> bool:
    # openpyxl writes numbers with "%.16g": 17-digit floats and large integers would change
    try:
        return type(value)(float(f"{value:.16g}")) == value
    except (OverflowError, ValueError):
        return False


def _cell(sheet: Any, value: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell

    if hasattr(value, "item"):
        value = value.item()
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and math.isfinite(value) and _exact_number(value):
        return value
    text = escape(repr(value) if isinstance(value, float) else str(value))
    if len(text) > CELL_LIMIT:
        raise ValueError(f"Excel cells hold at most {CELL_LIMIT:,} characters; a cell would have {len(text):,} "
                         f"({text[:40]!r}...)")
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # text, even if it starts with "=" (openpyxl would make it a formula)
    return cell


def _pieces(text: str) -> list[str]:
    """``text`` cut into pieces that each fit in a cell once escaped."""
    out, start = [], 0
    while start < len(text):
        size = _PIECE
        while len(escape(text[start : start + size])) > CELL_LIMIT:
            size //= 2
        out.append(text[start : start + size])
        start += size
    return out


def write_workbook(path: Path, sheets: Sequence[tuple[str, Sequence[Any], Iterable[Sequence[Any]]]]) -> None:
    """Write sheets (name, header, rows) to an ``.xlsx`` file atomically; the header row stays in view."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for name, header, rows in sheets:
        sheet = book.create_sheet(name)
        sheet.freeze_panes = "A2"
        sheet.append([_cell(sheet, str(h)) for h in header])
        for row in rows:
            sheet.append([_cell(sheet, v) for v in row])
    with atomic_write(path, "wb") as handle:
        book.save(handle)


def _records(sheet: Any) -> list[tuple[int, list[Any]]]:
    sheet.reset_dimensions()  # trust the cells, not the size a file claims
    return [(number, [unescape(v) if isinstance(v, str) else v for v in row])
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1)]


def read_workbook(path: Path, source: str, names: Sequence[str]) -> dict[str, list[tuple[int, list[Any]]]]:
    """The records (sheet row, cells) of the sheets ``names`` that exist, and of the first sheet as ``""``."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    with path.open("rb") as handle:  # a handle, not the name: openpyxl refuses names not ending in .xlsx
        try:
            book = load_workbook(handle, read_only=True, data_only=True)
        except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError) as exc:
            raise file_error(f"not a readable Excel .xlsx file: {exc}", source) from None
        try:
            found = {name: _records(book[name]) for name in names if name in book.sheetnames}
            found[""] = _records(book.worksheets[0]) if book.worksheets else []
        finally:
            book.close()
    return found


class _Xlsx:
    def read(self, path: Path, source: str, *, sheet: str, exact: bool = False, comments: bool = False) -> Table:
        sheets = read_workbook(path, source, [sheet, EXACT_SHEET])
        json_text = None
        if exact:
            if EXACT_SHEET not in sheets:
                raise file_error(f"not an objectmatch result: no sheet {EXACT_SHEET!r} holding its JSON", source)
            json_text = "".join(str(cells[0]) for _, cells in sheets[EXACT_SHEET][1:] if cells and cells[0])
        table = table_from_rows(sheets.get(sheet, sheets[""]), source, unit="sheet row")
        return Table(table.frame, table.lines, table.errors, json_text)

    def write(self, frame: pd.DataFrame, path: Path, *, sheet: str, exact: str | None = None) -> None:
        sheets: list[tuple[str, Sequence[Any], Iterable[Sequence[Any]]]] = [
            (sheet, [str(c) for c in frame.columns], frame.itertuples(index=False, name=None))]
        if exact is not None:
            header = ["objectmatch result as JSON, in pieces from row 2 down: read it with objectmatch.io.read_result"]
            sheets.append((EXACT_SHEET, header, [[piece] for piece in _pieces(exact)]))
        write_workbook(path, sheets)


XLSX: TableFormat = _Xlsx()
