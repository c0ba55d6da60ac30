"""The public readers and writers: files through the registry, and the in-memory forms beside them."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from objectmatch.io._errors import file_error
from objectmatch.io._frames import buildings_from_frame, candidates_from_frame, candidates_from_records
from objectmatch.io._json import buildings_from_data, buildings_from_json, buildings_to_json, candidates_from_json
from objectmatch.io._registry import ResultOut, codec, from_table
from objectmatch.io._tables import Table
from objectmatch.models import Building, Candidate, check_unique_buildings, check_unique_ids
from objectmatch.vocabulary import Vocabulary

if TYPE_CHECKING:  # pragma: no cover
    from objectmatch.culture.participation import Participation
    from objectmatch.results import MatchResult

__all__ = [
    "read_building",
    "read_buildings",
    "read_candidates",
    "read_frame",
    "read_participation",
    "read_result",
    "write_building",
    "write_buildings",
    "write_candidates",
    "write_frame",
    "write_participation",
    "write_result",
]

PathLike = str | os.PathLike[str]


def read_candidates(
    source: PathLike | pd.DataFrame | Sequence[Mapping[str, Any] | Candidate],
    *,
    vocabulary: Vocabulary | None = None,
    suffix: str | None = None,
) -> list[Candidate]:
    """Read a candidate pool from a file, a DataFrame, JSON text or a list of dicts.

    A file's format is the one its suffix names (any of ``formats()["candidates"]``), or
    ``suffix`` if given. A string that starts with ``[`` is read as JSON text, any other
    string as a path. Raises :class:`InputError` listing every problem (row, id, field,
    value), ``ValueError`` for a suffix that names no format.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> c = Candidate(id="a", name="NA", function="office", activity="studio", area_min=50, area_max=80)
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "pool.xlsx"
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
        items: list[Candidate] = codec(path, "candidates", suffix).read(path, path.name, vocabulary)
        return items
    if isinstance(source, Sequence):
        return candidates_from_records(source, vocabulary, "candidates")
    raise TypeError(f"cannot read candidates from a {type(source).__name__}")


def write_candidates(candidates: Iterable[Candidate], path: PathLike, *, suffix: str | None = None) -> None:
    """Write a candidate pool to ``path``, atomically, in the format its suffix (or ``suffix``) names.

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
    write = codec(target, "candidates", suffix).write
    write(check_unique_ids(candidates), target)


def read_buildings(
    source: PathLike | pd.DataFrame | Sequence[Mapping[str, Any] | Building],
    *,
    vocabulary: Vocabulary | None = None,
    suffix: str | None = None,
) -> list[Building]:
    """Read buildings (a portfolio) from a file, a DataFrame, JSON text or a list of dicts.

    A JSON file holds one building object or an array of them, a table one row per
    floor (:func:`buildings_to_frame`). A string that starts with ``{`` or ``[`` is read
    as JSON text.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from objectmatch.datasets import generate_portfolio
    >>> portfolio = generate_portfolio(3, seed=2)
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "portfolio.parquet"
    >>> write_buildings(portfolio, path)
    >>> read_buildings(path) == portfolio
    True
    """
    if isinstance(source, pd.DataFrame):
        return buildings_from_frame(source, vocabulary=vocabulary)
    if isinstance(source, str) and source.lstrip()[:1] in ("{", "["):
        return buildings_from_json(source, vocabulary, "buildings")
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        items: list[Building] = codec(path, "buildings", suffix).read(path, path.name, vocabulary)
        return items
    if isinstance(source, Sequence):
        return buildings_from_data(list(source), vocabulary, "buildings")
    raise TypeError(f"cannot read buildings from a {type(source).__name__}")


def write_buildings(buildings: Building | Iterable[Building], path: PathLike, *, suffix: str | None = None) -> None:
    """Write buildings to ``path``, atomically, in the format its suffix (or ``suffix``) names.

    Refuses duplicate building ids.
    """
    target = Path(path)
    write = codec(target, "buildings", suffix).write
    write(check_unique_buildings([buildings] if isinstance(buildings, Building) else buildings), target)


def read_building(
    source: PathLike | Mapping[str, Any] | Building,
    *,
    vocabulary: Vocabulary | None = None,
    suffix: str | None = None,
) -> Building:
    """Read one building from a file (any of ``formats()["buildings"]``), a JSON string or a dict.

    A string that starts with ``{`` is read as JSON text, any other string as a path.
    Raises :class:`InputError` listing every problem, each naming the field (as a
    path such as ``floors.2.area``) and the value; also if the file holds more than one
    building (:func:`read_buildings` reads those).

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
        found, name = buildings_from_data(source, vocabulary, "building"), "building"
    elif isinstance(source, str) and source.lstrip().startswith("{"):
        found, name = buildings_from_json(source, vocabulary, "building"), "building"
    elif isinstance(source, str | os.PathLike):
        found, name = read_buildings(source, vocabulary=vocabulary, suffix=suffix), Path(source).name
    else:
        raise TypeError(f"cannot read a building from a {type(source).__name__}")
    if len(found) != 1:
        raise file_error(f"expected one building, found {len(found)}; read_buildings reads several", name)
    return found[0]


def write_building(building: Building, path: PathLike | None = None, *, suffix: str | None = None) -> str:
    """The building as JSON text (``model_dump(mode="json")``, indented); also written to ``path``,
    if given, atomically, in the format its suffix (or ``suffix``) names (a table: one row per floor).

    Examples
    --------
    >>> import json
    >>> b = Building(id="b1", name="Kantoor", permitted_functions={"office"}, asking_rent=150,
    ...              location={"lat": 52.37, "lon": 4.9, "neighbourhood": "Oost"},
    ...              floors=[{"level": 0, "area": 800, "free_height": 4.0, "floor_load": 5, "depth": 15}])
    >>> json.loads(write_building(b)) == b.model_dump(mode="json")
    True
    """
    if not isinstance(building, Building):
        raise TypeError(f"expected a Building, got {type(building).__name__}")
    if path is not None:
        write_buildings([building], path, suffix=suffix)
    return buildings_to_json([building])


def read_result(path: PathLike, *, suffix: str | None = None) -> MatchResult:
    """Read a :class:`~objectmatch.results.MatchResult` written by :func:`write_result`, exactly.

    A ``.json`` file is the result's own JSON; a table file (CSV, TSV, Parquet, Excel)
    holds that JSON beside its table (``docs/io.md`` shows where), and its table must
    still say the same (an edited table is refused, not silently ignored).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import objectmatch as om
    >>> building, pool = om.load_example()
    >>> result = om.match(building, pool[:3], k=1, time_limit=0.2)  # three candidates cannot fill it
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "result.csv"
    >>> write_result(result, path)
    >>> read_result(path) == result
    True
    """
    target = Path(path)
    result: MatchResult = codec(target, "result", suffix).read(target, target.name, None)
    return result


def write_result(
    result: MatchResult,
    path: PathLike,
    *,
    candidates: Sequence[Candidate] | None = None,
    suffix: str | None = None,
) -> None:
    """Write ``result`` to ``path``, atomically, in the format its suffix (or ``suffix``) names.

    A table format gets one row per placement of every programme (``result.to_frame``),
    with each tenant's name, function and activity when ``candidates`` is given, and the
    result's exact JSON beside it, which :func:`read_result` reads.
    """
    from objectmatch.results import MatchResult

    if not isinstance(result, MatchResult):
        raise TypeError(f"expected a MatchResult, got {type(result).__name__}")
    target = Path(path)
    write = codec(target, "result", suffix).write
    write(ResultOut(result, candidates), target)


def read_frame(path: PathLike, *, suffix: str | None = None) -> pd.DataFrame:
    """A plain table from a ``.csv``, ``.tsv``, ``.parquet`` or ``.xlsx`` file (``formats()["table"]``).

    Cells come back as the format keeps them: text from CSV and TSV, typed columns from
    Parquet, numbers, text and booleans from Excel.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "t.parquet"
    >>> frame = pd.DataFrame({"a": [1, 2], "b": [0.5, None], "c": ["x", "y"]})
    >>> write_frame(frame, path)
    >>> read_frame(path).equals(frame)
    True
    """
    target = Path(path)
    frame: pd.DataFrame = codec(target, "table", suffix).read(target, target.name, None)
    return frame


def write_frame(frame: pd.DataFrame, path: PathLike, *, suffix: str | None = None) -> None:
    """Write a plain table (without its index) to ``path``, atomically, in the format its suffix
    (or ``suffix``) names; see :func:`read_frame`."""
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame, got {type(frame).__name__}")
    target = Path(path)
    write = codec(target, "table", suffix).write
    write(frame, target)


def read_participation(
    path: PathLike,
    *,
    roles: Iterable[str] | None = None,
    min_count: int | None = None,
    saturation: float | None = None,
    suffix: str | None = None,
) -> Participation:
    """Read a participation round (:class:`~objectmatch.culture.Participation`) from a file.

    Any of ``formats()["participation"]``: a table (``.csv``, ``.tsv``, ``.parquet``, ``.xlsx``)
    in the layout of :meth:`Participation.from_frame <objectmatch.culture.Participation.from_frame>`,
    one row per response, or ``.json``, an array of objects with the same keys. Lines starting
    with ``#`` before a CSV or TSV file's header are comments. Every problem of every row comes
    at once in one :class:`InputError` (row = 0-based data row, with its line in the file);
    a column that records a fixed identity (age, gender, origin, ...) is refused. ``roles``,
    ``min_count`` and ``saturation`` are those of ``from_frame`` (a file does not store them).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from objectmatch.culture import example_participation
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "round.xlsx"
    >>> write_participation(example_participation(), path)
    >>> read_participation(path) == example_participation()
    True
    >>> _ = path.with_suffix(".csv").write_text("respondent,role,age\\nr1,resident,34\\n", encoding="utf-8")
    >>> read_participation(path.with_suffix(".csv"))
    Traceback (most recent call last):
    ...
    objectmatch.io.InputError: 1 error in round.csv:
      field 'age': column 'age' describes age group, a fixed identity ...
    """
    from objectmatch.culture.participation import Participation

    target = Path(path)
    table: Table = codec(target, "participation", suffix).read(target, target.name, None)
    return from_table(
        table,
        lambda frame: Participation.from_frame(frame, roles=roles, min_count=min_count, saturation=saturation),
        target.name,
    )


def write_participation(participation: Participation, path: PathLike, *, suffix: str | None = None) -> None:
    """Write a participation round's responses (``participation.to_frame()``) to ``path``,
    atomically, in the format its suffix (or ``suffix``) names; see :func:`read_participation`.

    The round's settings (``roles``, ``min_count``, ``saturation``) are not stored in the file:
    pass them to :func:`read_participation` when they differ from the defaults.
    """
    from objectmatch.culture.participation import Participation

    if not isinstance(participation, Participation):
        raise TypeError(f"participation must be a Participation, got {type(participation).__name__}")
    target = Path(path)
    write = codec(target, "participation", suffix).write
    write(participation, target)
