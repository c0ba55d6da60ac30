"""Table files (CSV, TSV, Parquet, Excel): a frame in and out, optionally carrying an exact JSON text beside it."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from objectmatch.io._atomic import atomic_write
from objectmatch.io._errors import MISSING, error, file_error
from objectmatch.io._text import csv_line, csv_records, csv_text, decode, sniff_separator

__all__ = ["CSV", "PARQUET", "TSV", "Table", "TableFormat", "table_from_rows"]

#: The first record of a result's CSV/TSV file: one cell, this text, then the result's JSON.
RESULT_MARKER = "#objectmatch-result "
#: The key of the result's JSON in a Parquet file's schema metadata.
PARQUET_KEY = b"objectmatch.result"


@dataclass(frozen=True)
class Table:
    """A table as read from a file: the cells, where each row starts, and what was wrong with rows."""

    frame: pd.DataFrame
    #: Per row of ``frame``: the line (CSV/TSV) or spreadsheet row (Excel) it starts on; empty if unknown.
    lines: Sequence[int] = ()
    #: Rows that cannot be read at all (a ragged row), each an :class:`InputError` entry.
    errors: list[dict[str, Any]] = field(default_factory=list)
    #: The exact JSON text a result file carries beside its table.
    exact: str | None = None


class TableFormat(Protocol):
    """What a table file format does: read a :class:`Table`, write a frame (atomically).

    ``comments=True`` skips the lines starting with ``#`` before the header of a CSV or TSV
    file (other formats have no comments); the line numbers stay those of the file.
    """

    def read(self, path: Path, source: str, *, sheet: str, exact: bool = False, comments: bool = False) -> Table: ...

    def write(self, frame: pd.DataFrame, path: Path, *, sheet: str, exact: str | None = None) -> None: ...


def _header(header: list[Any], rows: list[list[Any]]) -> tuple[list[str], list[int]]:
    """Column names and the positions kept: an unnamed column is dropped if empty, else named as pandas does."""
    names, keep = [], []
    for position, name in enumerate(header):
        empty_name = name is None or (isinstance(name, str) and not name.strip())
        if empty_name and all(_blank(r[position]) for r in rows if position < len(r)):
            continue
        names.append(f"Unnamed: {position}" if empty_name else str(name))
        keep.append(position)
    return names, keep


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _ragged(row: int, cells: list[Any], width: int, line: int, unit: str) -> dict[str, Any] | None:
    """A row with fewer cells than the header, or with filled cells past its last column."""
    filled = len(cells)
    while filled > width and _blank(cells[filled - 1]):
        filled -= 1
    if filled == width or (filled < width and unit != "line"):  # a spreadsheet leaves trailing empty cells out
        return None
    return error(row, None, None, MISSING, f"{unit} {line} has {filled} cells, but the header has {width}; "
                 "a separator or quote is missing or extra in this row", line)


def table_from_rows(records: list[tuple[int, list[Any]]], source: str, unit: str = "line") -> Table:
    """A :class:`Table` from raw records (line, cells), the first non-blank one the header.

    Blank records are skipped; ragged rows are kept (padded or cut to the header) so that row
    numbers stay right, and listed in :attr:`Table.errors`.
    """
    filled = [(line, cells) for line, cells in records if not all(_blank(c) for c in cells)]
    if not filled:
        return Table(pd.DataFrame())
    (_, header), body = filled[0], filled[1:]
    rows = [cells for _, cells in body]
    names, keep = _header(list(header), rows)
    width = len(header)
    errors = [e for i, (line, cells) in enumerate(body) if (e := _ragged(i, cells, width, line, unit)) is not None]
    padded = [[cells[p] if p < len(cells) else None for p in keep] for cells in rows]
    frame = pd.DataFrame(padded, columns=names, dtype=object) if padded else pd.DataFrame(columns=names, dtype=object)
    return Table(frame, [line for line, _ in body], errors)


# -- CSV and TSV ------------------------------------------------------------------------------


def _blank_comments(text: str) -> str:
    """``text`` with its comment lines (starting with ``#``) before the header left empty, so
    that the CSV reader skips them and every line keeps its number.

    Examples
    --------
    >>> _blank_comments("# synthetic data\\n\\n# made by a script\\na,b\\n# not a comment\\n")
    '\\n\\n\\na,b\\n# not a comment\\n'
    """
    lines = io.StringIO(text, newline="").readlines()
    for i, line in enumerate(lines):
        if line.strip() and not line.lstrip().startswith("#"):
            break
        lines[i] = line[len(line.rstrip("\r\n")):]  # the line's end only
    return "".join(lines)


@dataclass(frozen=True)
class _Delimited:
    sep: str | None  # None: sniff ',' or ';' from the header

    def read(self, path: Path, source: str, *, sheet: str, exact: bool = False, comments: bool = False) -> Table:
        text = decode(path.read_bytes(), source)
        json_text = None
        if exact:
            records = csv_records(text, self.sep or ",", source)
            if not records or len(records[0][1]) != 1 or not records[0][1][0].startswith(RESULT_MARKER):
                raise file_error(f"not an objectmatch result: the first line must be one cell starting with "
                                 f"{RESULT_MARKER.strip()!r} and holding the result's JSON", source)
            json_text = records[0][1][0].removeprefix(RESULT_MARKER)
            records = records[1:]
        else:
            if comments:
                text = _blank_comments(text)
            records = csv_records(text, self.sep or sniff_separator(text.lstrip()), source)
        table = table_from_rows(records, source)
        return Table(table.frame, table.lines, table.errors, json_text)

    def write(self, frame: pd.DataFrame, path: Path, *, sheet: str, exact: str | None = None) -> None:
        sep = self.sep or ","
        text = csv_text([str(c) for c in frame.columns], frame.itertuples(index=False, name=None), sep)
        with atomic_write(path, newline="") as handle:
            if exact is not None:
                handle.write(csv_line([RESULT_MARKER + exact], sep))
            handle.write(text)


CSV: TableFormat = _Delimited(None)
TSV: TableFormat = _Delimited("\t")


# -- Parquet ---------------------------------------------------------------------------------------


class _Parquet:
    def read(self, path: Path, source: str, *, sheet: str, exact: bool = False, comments: bool = False) -> Table:
        import pyarrow as pa
        import pyarrow.parquet as pq

        try:
            table = pq.read_table(path)
        except (pa.ArrowException, OSError) as exc:
            if isinstance(exc, FileNotFoundError | IsADirectoryError | PermissionError):
                raise
            raise file_error(f"not a readable Parquet file: {exc}", source) from None
        json_text = None
        if exact:
            stored = (table.schema.metadata or {}).get(PARQUET_KEY)
            if stored is None:
                raise file_error(f"not an objectmatch result: no {PARQUET_KEY.decode()!r} in its metadata", source)
            json_text = stored.decode("utf-8")
        return Table(table.to_pandas(), (), [], json_text)

    def write(self, frame: pd.DataFrame, path: Path, *, sheet: str, exact: str | None = None) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pandas(frame, preserve_index=False)
        if exact is not None:
            table = table.replace_schema_metadata({**(table.schema.metadata or {}), PARQUET_KEY: exact.encode()})
        with atomic_write(path, "wb") as handle:
            pq.write_table(table, handle)


PARQUET: TableFormat = _Parquet()
