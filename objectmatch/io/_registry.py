"""The one table of file formats: suffix -> reader and writer per kind (candidates, buildings, result,
participation round, plain table)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import pandas as pd

from objectmatch.io._atomic import atomic_write
from objectmatch.io._errors import InputError, file_error
from objectmatch.io._excel import XLSX
from objectmatch.io._frames import (
    buildings_from_frame,
    buildings_to_frame,
    candidates_from_frame,
    candidates_to_frame,
)
from objectmatch.io._json import (
    buildings_from_json,
    buildings_to_json,
    candidates_from_json,
    candidates_to_json,
    load_json,
    model_from_json,
)
from objectmatch.io._results import check_table, result_table
from objectmatch.io._tables import CSV, PARQUET, TSV, Table, TableFormat
from objectmatch.io._text import decode
from objectmatch.models import Building, Candidate
from objectmatch.vocabulary import Vocabulary

if TYPE_CHECKING:  # pragma: no cover
    from objectmatch.culture.participation import Participation
    from objectmatch.results import MatchResult

__all__ = ["REGISTRY", "Codec", "Kind", "ResultOut", "codec", "formats", "from_table"]

Kind = Literal["candidates", "buildings", "result", "participation", "table"]
T = TypeVar("T")


@dataclass(frozen=True)
class ResultOut:
    """What a result writer writes: the result, and the pool that names its tenants in the table."""

    result: MatchResult
    candidates: Sequence[Candidate] | None


@dataclass(frozen=True)
class Codec:
    """How one kind is read from and written to files of one suffix.

    A participation round's reader gives the raw :class:`Table`: the round's settings (roles,
    ``min_count``) decide what is valid, so :func:`objectmatch.io.read_participation` parses it.
    """

    read: Callable[[Path, str, Vocabulary | None], Any]
    write: Callable[[Any, Path], None]


# -- JSON ---------------------------------------------------------------------------------------------


def _text(path: Path) -> str:
    return decode(path.read_bytes(), path.name)


def _write_text(text: str, path: Path) -> None:
    with atomic_write(path) as handle:
        handle.write(text)


def _result_from_json(path: Path, source: str, vocabulary: Vocabulary | None) -> MatchResult:
    from objectmatch.results import MatchResult

    return model_from_json(_text(path), MatchResult, source)


def _participation_from_json(path: Path, source: str, vocabulary: Vocabulary | None) -> Table:
    data = load_json(_text(path), source, rows=True)
    if not isinstance(data, list):
        raise file_error(f"expected a JSON array of objects (one per response), got {type(data).__name__}", source)
    odd = next((i for i, item in enumerate(data) if not isinstance(item, dict)), None)
    if odd is not None:
        raise file_error(f"expected a JSON array of objects (one per response); item {odd} is "
                         f"{type(data[odd]).__name__} {data[odd]!r:.40}", source)
    from objectmatch.culture._participation_table import COLUMNS

    columns = list(dict.fromkeys(key for item in data for key in item)) or list(COLUMNS)  # []: a round, empty
    return Table(pd.DataFrame.from_records(data, columns=columns))


def _participation_to_json(participation: Participation, path: Path) -> None:
    records = participation.to_frame().to_dict(orient="records")
    _write_text(json.dumps(records, ensure_ascii=False, indent=2) + "\n", path)


_JSON: dict[Kind, Codec] = {
    "candidates": Codec(lambda path, source, vocabulary: candidates_from_json(_text(path), vocabulary=vocabulary,
                                                                              source=source),
                        lambda items, path: _write_text(candidates_to_json(items), path)),
    "buildings": Codec(lambda path, source, vocabulary: buildings_from_json(_text(path), vocabulary, source),
                       lambda items, path: _write_text(buildings_to_json(items), path)),
    "result": Codec(_result_from_json, lambda out, path: _write_text(out.result.model_dump_json(indent=2) + "\n",
                                                                     path)),
    "participation": Codec(_participation_from_json, _participation_to_json),
}


# -- tables ---------------------------------------------------------------------------------------------


def from_table(table: Table, parse: Callable[[pd.DataFrame], T], source: str) -> T:
    """Parse a table's frame; one :class:`InputError` with its ragged rows and every other problem,
    each entry given the line (or spreadsheet row) its row starts on."""
    failure: InputError | None = None
    try:
        parsed = parse(table.frame)
    except InputError as exc:
        failure = exc
    else:
        if not table.errors:
            return parsed
    ragged = {e["row"] for e in table.errors}
    found = [e for e in (failure.errors if failure is not None else []) if e["row"] not in ragged]
    errors = sorted(found + table.errors, key=lambda e: -1 if e["row"] is None else e["row"])
    for e in errors:
        if e["row"] is not None and e["row"] < len(table.lines):
            e["line"] = table.lines[e["row"]]
    raise InputError(errors, source)


def _table_codecs(fmt: TableFormat) -> dict[Kind, Codec]:
    def read_candidates_(path: Path, source: str, vocabulary: Vocabulary | None) -> list[Candidate]:
        table = fmt.read(path, source, sheet="candidates")
        return from_table(table, lambda f: candidates_from_frame(f, vocabulary=vocabulary, source=source), source)

    def read_buildings_(path: Path, source: str, vocabulary: Vocabulary | None) -> list[Building]:
        table = fmt.read(path, source, sheet="buildings")
        return from_table(table, lambda f: buildings_from_frame(f, vocabulary=vocabulary, source=source), source)

    def read_result_(path: Path, source: str, vocabulary: Vocabulary | None) -> MatchResult:
        from objectmatch.results import MatchResult

        table = fmt.read(path, source, sheet="programmes", exact=True)
        result = model_from_json(table.exact or "", MatchResult, source)
        check_table(table.frame, result, source)
        return result

    def write_result_(out: ResultOut, path: Path) -> None:
        table = result_table(out.result, out.candidates)
        fmt.write(table, path, sheet="programmes", exact=out.result.model_dump_json())

    def read_frame_(path: Path, source: str, vocabulary: Vocabulary | None) -> pd.DataFrame:
        table = fmt.read(path, source, sheet="table")
        if table.errors:
            raise InputError(table.errors, source)
        return table.frame

    def read_participation_(path: Path, source: str, vocabulary: Vocabulary | None) -> Table:
        return fmt.read(path, source, sheet="participation", comments=True)

    def write_participation_(participation: Participation, path: Path) -> None:
        fmt.write(participation.to_frame(), path, sheet="participation")

    return {
        "table": Codec(read_frame_, lambda frame, path: fmt.write(frame, path, sheet="table")),
        "candidates": Codec(read_candidates_, lambda items, path: fmt.write(candidates_to_frame(items), path,
                                                                            sheet="candidates")),
        "buildings": Codec(read_buildings_, lambda items, path: fmt.write(buildings_to_frame(items), path,
                                                                          sheet="buildings")),
        "result": Codec(read_result_, write_result_),
        "participation": Codec(read_participation_, write_participation_),
    }


#: suffix -> kind -> (reader, writer): every file format objectmatch reads and writes.
REGISTRY: dict[str, dict[Kind, Codec]] = {
    ".json": _JSON,
    ".csv": _table_codecs(CSV),
    ".tsv": _table_codecs(TSV),
    ".parquet": _table_codecs(PARQUET),
    ".xlsx": _table_codecs(XLSX),
}


_KIND_NAMES: dict[Kind, str] = {"candidates": "candidates", "buildings": "buildings", "result": "a result",
                                "participation": "a participation round", "table": "a table"}


def formats() -> dict[str, tuple[str, ...]]:
    """The file suffixes each kind is read from and written to.

    Examples
    --------
    >>> formats()["candidates"]
    ('.json', '.csv', '.tsv', '.parquet', '.xlsx')
    >>> formats()["participation"]
    ('.json', '.csv', '.tsv', '.parquet', '.xlsx')
    >>> sorted(formats())
    ['buildings', 'candidates', 'participation', 'result', 'table']
    """
    kinds: tuple[Kind, ...] = ("candidates", "buildings", "result", "participation", "table")
    return {kind: tuple(s for s, codecs in REGISTRY.items() if kind in codecs) for kind in kinds}


def codec(path: Path, kind: Kind, suffix: str | None = None) -> Codec:
    """The codec for ``kind`` in the file ``path``, chosen by ``suffix`` or else the path's own;
    ``ValueError`` listing the known suffixes."""
    if suffix is not None and not isinstance(suffix, str):
        raise TypeError(f"suffix must be a string such as '.csv', got {type(suffix).__name__}")
    suffix = (suffix if suffix is not None else path.suffix).lower()
    found = REGISTRY.get(suffix, {}).get(kind)
    if found is None:
        known = ", ".join(formats()[kind])
        raise ValueError(f"cannot tell the format of {str(path)!r} from its suffix {suffix!r}; "
                         f"known suffixes for {_KIND_NAMES[kind]}: {known}")
    return found
