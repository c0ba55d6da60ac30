"""Text files: bytes to text whatever the encoding, and CSV/TSV cells in and out exactly."""

from __future__ import annotations

import codecs
import csv
import io
import warnings
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from objectmatch.io._errors import InputWarning, file_error

__all__ = ["FALLBACK_ENCODING", "csv_line", "csv_records", "decode", "sniff_separator"]

#: Tried when a file is not UTF-8: what Excel and Windows write in Western Europe.
FALLBACK_ENCODING = "cp1252"


def decode(data: bytes, source: str) -> str:
    """The text of a file: UTF-8 (with or without a byte-order mark), UTF-16 with a byte-order
    mark (Excel's "Unicode text"), else cp1252 with an :class:`InputWarning`.

    A file that is none of these, or holds NUL bytes (a binary file), is an :class:`InputError`
    naming the byte offset of the first byte that is not UTF-8.

    Examples
    --------
    >>> decode("Café".encode("utf-8-sig"), "pool.csv")
    'Café'
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     decode("Café".encode("cp1252"), "pool.csv")
    'Café'
    >>> print(caught[0].message)
    pool.csv is not UTF-8 (byte 0xe9 at offset 3); read it as cp1252 (Windows Western European)
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise file_error(f"not valid UTF-16 text ({exc.reason} at byte offset {exc.start})", source) from None
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return _fallback(data, exc, source)
    if "\x00" in text:
        raise file_error(f"not a text file: a NUL byte at offset {text.index(chr(0))}", source)
    return text


def _fallback(data: bytes, first: UnicodeDecodeError, source: str) -> str:
    where = f"byte 0x{data[first.start]:02x} at offset {first.start}"
    if b"\x00" in data:
        raise file_error(f"not a text file: not UTF-8 ({where}) and it holds NUL bytes", source)
    try:
        text = data.decode(FALLBACK_ENCODING)
    except UnicodeDecodeError:
        raise file_error(f"not UTF-8 text ({first.reason}: {where}), nor {FALLBACK_ENCODING}; "
                         "save the file as UTF-8", source) from None
    warnings.warn(f"{source} is not UTF-8 ({where}); read it as {FALLBACK_ENCODING} (Windows Western European)",
                  InputWarning, stacklevel=4)
    return text


def sniff_separator(text: str) -> str:
    """``;`` if the first line has more of them than commas (Dutch spreadsheets), else ``,``."""
    header = text.split("\n", 1)[0]
    return ";" if header.count(";") > header.count(",") else ","


def csv_records(text: str, sep: str, source: str) -> list[tuple[int, list[str]]]:
    """Every record of a CSV text with the line it starts on (1-based); quoted cells may hold
    separators, quotes, and line breaks (``\\r`` too) and come back exactly."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True)
    records = []
    line = 1
    try:
        for cells in reader:
            records.append((line, cells))
            line = reader.line_num + 1
    except csv.Error as exc:
        problem = str(exc)
        if "field larger than field limit" in problem:
            problem = f"a cell longer than {csv.field_size_limit():,} characters"
        raise file_error(f"not a readable table: {problem} (line {reader.line_num})", source) from None
    return records


def _quoted(cell: str, sep: str) -> str:
    # csv.writer leaves a lone "\r" unquoted when the line ends in "\n", and a reader then
    # splits the row there: quote every cell holding a separator, a quote or any line break.
    if sep in cell or '"' in cell or "\n" in cell or "\r" in cell:
        return '"' + cell.replace('"', '""') + '"'
    return cell


def csv_line(cells: Sequence[str], sep: str) -> str:
    """One CSV record (RFC 4180 quoting), ending in ``\\n``.

    Examples
    --------
    >>> csv_line(["a\\rb", "1,5", "plain"], ",")
    '"a\\rb","1,5",plain\\n'
    """
    return sep.join(_quoted(cell, sep) for cell in cells) + "\n"


def cell_text(value: Any) -> str:
    """A typed cell as CSV text: ``repr`` for floats (exact), ``true``/``false``, empty for missing."""
    if hasattr(value, "item"):
        value = value.item()
    if value is None or (isinstance(value, float) and value != value) or _is_na(value):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _is_na(value: Any) -> bool:
    return value is pd.NA or value is pd.NaT


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]], sep: str) -> str:
    """A whole CSV text from a header and rows of typed cells."""
    lines = [csv_line(list(header), sep)]
    lines.extend(csv_line([cell_text(v) for v in row], sep) for row in rows)
    return "".join(lines)
