"""Read and write candidates, buildings, match results and participation rounds: JSON, CSV, TSV,
Parquet, Excel and DataFrames.

One registry maps each file suffix to a reader and a writer per kind (:func:`formats`);
every format round-trips exactly, and every writer writes atomically (:func:`atomic_write`).
``docs/io.md`` describes the layout of each format.

JSON
    A building is one object (several: an array of them) and a candidate pool an array
    of objects, each exactly as ``model.model_dump(mode="json")`` writes it; a result is
    ``MatchResult.model_dump_json()``. Keys repeated inside one object are refused.

Tables (CSV, TSV, Parquet, Excel and DataFrames)
    One row per candidate, one column per :class:`~objectmatch.models.Candidate` field,
    in the model's field order; a building takes one row per floor (its own fields
    repeated, then ``location.<field>`` and ``floor.<field>`` columns). Fields that hold
    more than one value are written in a flat form:

    ========================  ==========================================  ===========================
    field kind                flat form                                   example
    ========================  ==========================================  ===========================
    tag weights               ``tag:weight`` pairs joined by ``;``        ``food:1.0;community:0.8``
    tag / id sets             sorted, joined by ``;`` (``,`` read too)    ``catering;foot_traffic``
    schedule                  168 numbers (Monday 00h first), or opening  ``mon-fri 09-17; sat 10-16``
                              hours such as ``mon-fri 09-17`` when read
    booleans                  ``true`` / ``false`` (CSV)                  ``true``
    numbers                   Python ``repr`` (CSV), so floats round-trip ``0.1``
    optional numbers, None    empty cell (CSV), ``NaN`` (DataFrame)
    ========================  ==========================================  ===========================

    An empty cell means "not given": the field's default applies (an error if the field
    is required). A result's table has one row per placement of every programme, and the
    result's exact JSON beside it.

Participation rounds
    One row per response in the layout of
    :meth:`Participation.from_frame <objectmatch.culture.Participation.from_frame>` (as JSON: an
    array of objects with the same keys); lines starting with ``#`` before a CSV's header are
    comments (:func:`read_participation`, :func:`write_participation`).

Errors
    Bad input raises one :class:`InputError` (a ``ValueError``) that lists *every*
    problem found, each naming the 0-based row, the candidate id when known, the field
    and the value (shortened), for example
    ``row 3 (id 'cafe-2'), field 'area_min': value '-5': Input should be greater than 0``.
    A file read in another encoding than UTF-8 gives an :class:`InputWarning`.

Every reader takes ``vocabulary=``: tags are checked against it instead of the active
vocabulary (see :func:`objectmatch.vocabulary.use_vocabulary`). Inputs (dicts, lists,
DataFrames) are never modified.
"""

from __future__ import annotations

from objectmatch.io._api import (
    read_building,
    read_buildings,
    read_candidates,
    read_frame,
    read_participation,
    read_result,
    write_building,
    write_buildings,
    write_candidates,
    write_frame,
    write_participation,
    write_result,
)
from objectmatch.io._atomic import atomic_write
from objectmatch.io._errors import ERROR_KEYS, InputError, InputWarning
from objectmatch.io._frames import buildings_from_frame, buildings_to_frame, candidates_from_frame, candidates_to_frame
from objectmatch.io._json import candidates_from_json, candidates_to_json
from objectmatch.io._registry import formats

__all__ = [
    "ERROR_KEYS",
    "InputError",
    "InputWarning",
    "atomic_write",
    "buildings_from_frame",
    "buildings_to_frame",
    "candidates_from_frame",
    "candidates_from_json",
    "candidates_to_frame",
    "candidates_to_json",
    "formats",
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

# The exceptions live in a private module; they belong to this one (tracebacks and docs name them so).
InputError.__module__ = InputWarning.__module__ = __name__
