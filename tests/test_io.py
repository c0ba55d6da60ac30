"""objectmatch.io: exact round trips through JSON, CSV and DataFrames; errors naming row, id, field and value."""

from __future__ import annotations

import copy
import json
import math
import re
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings

from objectmatch import Building, Candidate, Vocabulary, use_vocabulary
from objectmatch.culture import Participation
from objectmatch.io import (
    InputError,
    InputWarning,
    atomic_write,
    buildings_from_frame,
    buildings_to_frame,
    candidates_from_frame,
    candidates_from_json,
    candidates_to_frame,
    candidates_to_json,
    formats,
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
from objectmatch.schedule import flat, opening_hours
from objectmatch.strategies import buildings, candidate_pools, candidates

ROUND_TRIP = settings(max_examples=30, deadline=None)
DOCS = Path(__file__).resolve().parents[1] / "docs" / "io.md"

CAFE: dict[str, Any] = {
    "id": "cafe-1",
    "name": "Buurtcafe",
    "function": "assembly",
    "activity": "cafe",
    "identities": {"food": 1.0, "community": 0.8},
    "needs": ["foot_traffic"],
    "offers": ["catering", "evening_life"],
    "area_min": 150.0,
    "area_max": 300.0,
    "pioneer": True,
}
LAB: dict[str, Any] = {**CAFE, "id": "lab-1", "name": "Stadslab", "function": "office", "activity": "coworking",
                       "identities": {"tech": 0.9}, "max_rent": 180.5, "incompatible": ["cafe-1"], "pioneer": False}
BUILDING: dict[str, Any] = {
    "id": "kb-1",
    "name": "Kantoor Oost",
    "floors": [
        {"level": 0, "area": 820.0, "free_height": 4.2, "floor_load": 5.0, "depth": 16.0, "street_frontage": True},
        {"level": 1, "area": 780.0, "free_height": 3.0, "floor_load": 3.0, "depth": 16.0, "asking_rent": 140.0},
    ],
    "permitted_functions": ["office", "assembly", "retail"],
    "asking_rent": 165.0,
    "construction_year": 1974,
    "energy_label": "C",
    "location": {"lat": 52.36, "lon": 4.93, "neighbourhood": "Indische Buurt", "dna": {"culture": 0.8},
                 "amenities": {"cafe": 4}},
}


@pytest.fixture
def pool() -> list[Candidate]:
    return [Candidate.model_validate(CAFE), Candidate.model_validate(LAB)]


def _tmp() -> Iterator[Path]:
    # hypothesis runs many examples per test: a fresh directory each, not the function-scoped tmp_path
    with tempfile.TemporaryDirectory() as directory:
        yield Path(directory)


def _text_frame(candidates: list[Candidate]) -> pd.DataFrame:
    """The frame as a CSV reader sees it: every cell a string."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "pool.csv"
        write_candidates(candidates, path)
        return pd.read_csv(path, dtype=str, keep_default_na=False)


# -- exact round trips ------------------------------------------------------------------------------


@ROUND_TRIP
@given(candidate_pools(max_size=12))
def test_pool_round_trips_through_every_format(pool: list[Candidate]) -> None:
    frame = candidates_to_frame(pool)
    assert candidates_from_frame(frame) == pool
    assert candidates_from_json(candidates_to_json(pool)) == pool
    for directory in _tmp():
        for suffix in formats()["candidates"]:
            write_candidates(pool, directory / f"pool{suffix}")
            assert read_candidates(directory / f"pool{suffix}") == pool, suffix
            assert read_candidates(str(directory / f"pool{suffix}")) == pool, suffix


@ROUND_TRIP
@given(candidate_pools(max_size=8))
def test_pool_round_trips_through_an_all_string_frame(pool: list[Candidate]) -> None:
    text = _text_frame(pool)
    assert candidates_from_frame(text) == pool
    # float cells are written by repr, so the text is the shortest exact representation
    for c, area in zip(pool, text["area_min"], strict=True) if pool else ():
        assert area == repr(c.area_min)


@ROUND_TRIP
@given(candidates())
def test_candidate_json_is_model_dump(candidate: Candidate) -> None:
    (data,) = json.loads(candidates_to_json([candidate]))
    assert data == candidate.model_dump(mode="json")


@ROUND_TRIP
@given(buildings(max_floors=6))
def test_building_round_trips(building: Building) -> None:
    text = write_building(building)
    assert json.loads(text) == building.model_dump(mode="json")
    assert read_building(text) == building
    assert read_building(json.loads(text)) == building
    assert buildings_from_frame(buildings_to_frame(building)) == [building]
    for directory in _tmp():
        for suffix in formats()["buildings"]:
            write_building(building, directory / f"b{suffix}")
            assert read_building(directory / f"b{suffix}") == building, suffix


@settings(max_examples=15, deadline=None)
@given(buildings(max_floors=3), buildings(max_floors=3))
def test_several_buildings_share_one_frame(a: Building, b: Building) -> None:
    if a.id == b.id:
        b = b.model_copy(update={"id": a.id + "-2"})
    frame = buildings_to_frame([a, b])
    assert len(frame) == len(a.floors) + len(b.floors)
    assert buildings_from_frame(frame) == [a, b]
    for directory in _tmp():
        for suffix in formats()["buildings"]:
            write_buildings([a, b], directory / f"portfolio{suffix}")
            assert read_buildings(directory / f"portfolio{suffix}") == [a, b], suffix
        frame.to_csv(directory / "b.csv", index=False)  # pandas' own CSV: True/False, empty cells for NaN
        text = pd.read_csv(directory / "b.csv", dtype=str, keep_default_na=False)
        assert buildings_from_frame(text) == [a, b]


def test_empty_pool_round_trips(tmp_path: Path) -> None:
    frame = candidates_to_frame([])
    assert frame.shape == (0, len(Candidate.model_fields))
    assert candidates_from_frame(frame) == []
    for suffix in formats()["candidates"]:
        write_candidates([], tmp_path / f"empty{suffix}")
        assert read_candidates(tmp_path / f"empty{suffix}") == [], suffix


# -- the flat form -------------------------------------------------------------------------------


def test_frame_has_typed_columns_and_flat_containers(pool: list[Candidate]) -> None:
    frame = candidates_to_frame(pool)
    assert list(frame.columns) == list(Candidate.model_fields)
    assert frame["area_min"].dtype == "int64" and frame["noise"].dtype == "int64"
    assert frame["pioneer"].dtype == bool
    row = frame.iloc[0]
    assert row["identities"] == "food:1.0;community:0.8"
    assert row["offers"] == "catering;evening_life"
    assert row["schedule"] == flat(pool[0].schedule) and len(row["schedule"].split()) == 168
    assert math.isnan(row["max_rent"]) and frame.iloc[1]["max_rent"] == 180.5
    assert frame.iloc[1]["incompatible"] == "cafe-1"
    assert frame.groupby("function")["area_max"].sum().to_dict() == {"assembly": 300.0, "office": 300.0}


def test_csv_text_uses_true_false_and_empty_cells(pool: list[Candidate], tmp_path: Path) -> None:
    write_candidates(pool, tmp_path / "pool.csv")
    text = pd.read_csv(tmp_path / "pool.csv", dtype=str, keep_default_na=False)
    assert list(text["pioneer"]) == ["true", "false"]
    assert list(text["max_rent"]) == ["", "180.5"]
    assert list(text["needs"]) == ["foot_traffic", "foot_traffic"]


def test_floats_are_written_exactly(tmp_path: Path) -> None:
    c = Candidate.model_validate({**CAFE, "max_rent": 0.1 + 0.2, "visitors_per_day": 1e6 / 3,
                                  "identities": {"food": 1 / 3}})
    write_candidates([c], tmp_path / "pool.csv")
    text = (tmp_path / "pool.csv").read_text()
    assert "0.30000000000000004" in text and "333333.3333333333" in text and "food:0.3333333333333333" in text
    assert read_candidates(tmp_path / "pool.csv") == [c]


@pytest.mark.parametrize("name", ["NA", "N/A", "null", "nan", "None", "TRUE", "1e3", "#1", 'De "Hoek"',
                                  "Cafe, bar; lounge", "a\nb"])
def test_awkward_names_survive_csv(name: str, tmp_path: Path) -> None:
    c = Candidate.model_validate({**CAFE, "name": name})
    write_candidates([c], tmp_path / "pool.csv")
    assert read_candidates(tmp_path / "pool.csv") == [c]


def test_hand_written_csv_from_the_docs(tmp_path: Path) -> None:
    blocks = re.findall(r"```csv\n(.*?)```", DOCS.read_text(), re.S)
    assert len(blocks) == 2
    (tmp_path / "pool.csv").write_text(blocks[0])
    pool = read_candidates(tmp_path / "pool.csv")
    assert [c.id for c in pool] == ["cafe-1", "lab-1", "kdv-1"]
    cafe, lab, kdv = pool
    assert cafe.schedule == opening_hours("daily 08-23") and cafe.max_rent is None and cafe.needs_ground_floor
    assert lab.values == {"innovation": 1.0, "openness": 0.6} and lab.max_rent == 180.0
    assert kdv.name == 'Kinderdagverblijf "Zonnetje"' and kdv.schedule[0][7] == 0.5
    (tmp_path / "building.csv").write_text(blocks[1])
    building = read_building(tmp_path / "building.csv")
    assert building.levels == (0, 1) and building.floor(0).street_frontage
    assert building.location.dna == {"culture": 0.8, "food": 0.6}


def test_semicolon_csv_with_bom_and_loose_headers(tmp_path: Path) -> None:
    text = ("\ufeffID ; Name;Function;Activity;Area Min;area-max;Needs;Schedule;Pioneer\n"
            "cafe-1;Buurtcafe;assembly;cafe;150;300;\"foot_traffic, catering\";mon-fri 09-17;YES\n")
    (tmp_path / "pool.csv").write_text(text, encoding="utf-8")
    (c,) = read_candidates(tmp_path / "pool.csv")
    assert (c.id, c.area_min, c.needs, c.pioneer) == ("cafe-1", 150.0, frozenset({"foot_traffic", "catering"}), True)
    assert c.schedule == opening_hours("mon-fri 09-17")


def test_list_of_dicts_and_json_text_are_read(pool: list[Candidate]) -> None:
    assert read_candidates([CAFE, LAB]) == pool
    assert read_candidates(candidates_to_json(pool)) == pool
    assert read_candidates(candidates_to_frame(pool)) == pool


# -- errors: every problem at once, each naming row, id, field and value --------------------


def _errors(call: Any, *args: Any, **kwargs: Any) -> InputError:
    with pytest.raises(InputError) as info:
        call(*args, **kwargs)
    assert isinstance(info.value, ValueError)
    for e in info.value.errors:
        assert set(e) == {"row", "id", "field", "value", "message", "line"}
    return info.value


BAD_ROWS: list[tuple[str, str, str, str]] = [
    # (column, cell, value as it must appear in the message, message fragment)
    ("area_min", "-5", "'-5'", "greater than 0"),
    ("area_min", "0", "'0'", "greater than 0"),
    ("area_min", "500", "'500'", "area_min 500 is larger than area_max 300"),  # a model-level error
    ("area_min", "150.5", "'150.5'", "whole number of m²"),
    ("identities", "food:1.5", "'food:1.5'", "less than or equal to 1"),
    ("values", "calm:-0.2", "'calm:-0.2'", "greater than or equal to 0"),
    ("area_min", "nan", "'nan'", "finite number"),
    ("identities", "food:nan", "'food:nan'", "finite number"),
    ("function", "spaceport", "'spaceport'", "unknown function 'spaceport'"),
    ("identities", "skateboarding:1.0", "'skateboarding:1.0'", "unknown identity 'skateboarding'"),
    ("needs", "helipad", "'helipad'", "unknown need/offer 'helipad'"),
    ("identities", "religion:1.0", "'religion:1.0'", "fixed identity"),
    ("values", "muslim:0.5", "'muslim:0.5'", "religion, a fixed identity"),
    ("offers", "gender", "'gender'", "gender, a fixed identity"),
    ("needs", "elderly", "'elderly'", "age group, a fixed identity"),
    ("identities", "Moroccan origin:0.7", "'Moroccan origin:0.7'",
     "origin, a fixed identity (who people are), by the word 'moroccan'"),
    ("schedule", "0.5 0.5 0.5", "'0.5 0.5 0.5'", "168 values (7 x 24), got 3"),
    ("schedule", "whenever", "'whenever'", "need days and hours"),
    ("area_max", "lots", "'lots'", "whole number of m²"),
    ("noise", "loud", "'loud'", "valid integer"),
    ("pioneer", "maybe", "'maybe'", "valid boolean"),
    ("identities", "food", "'food'", "not a 'tag:weight' pair"),
    ("identities", "food:0.5;food:0.7", "'food:0.5;food:0.7'", "appears twice"),
]


@pytest.mark.parametrize(("column", "cell", "shown", "fragment"), BAD_ROWS)
def test_bad_cell_in_a_frame_names_row_id_field_and_value(pool: list[Candidate], column: str, cell: str,
                                                          shown: str, fragment: str) -> None:
    frame = _text_frame([*pool, Candidate.model_validate({**CAFE, "id": "cafe-2"})])
    frame.loc[2, column] = cell
    error = _errors(candidates_from_frame, frame)
    assert len(error.errors) == 1, error
    (e,) = error.errors
    assert (e["row"], e["id"], e["field"], e["value"]) == (2, "cafe-2", column, cell)
    assert fragment in e["message"]
    assert f"row 2 (id 'cafe-2'), field '{column}': value {shown}: " in str(error)


@pytest.mark.parametrize(("column", "cell", "shown", "fragment"), BAD_ROWS)
def test_bad_cell_in_a_csv_file(pool: list[Candidate], tmp_path: Path, column: str, cell: str, shown: str,
                                fragment: str) -> None:
    frame = _text_frame(pool)
    frame.loc[1, column] = cell
    frame.to_csv(tmp_path / "pool.csv", index=False)
    error = _errors(read_candidates, tmp_path / "pool.csv")
    message = str(error)
    assert message.startswith("1 error in pool.csv:")
    assert f"row 1 (id 'lab-1'), field '{column}': value {shown}: " in message and fragment in message


def _copies(pool: list[Candidate], n: int) -> list[Candidate]:
    return [pool[i % len(pool)].model_copy(update={"id": f"c{i}", "incompatible": frozenset()}) for i in range(n)]


def test_the_briefs_example_message(pool: list[Candidate]) -> None:
    frame = _text_frame(_copies(pool, 4))
    frame.loc[3, "id"] = "cafe-2"
    frame.loc[3, "area_min"] = "-5"
    error = _errors(candidates_from_frame, frame)
    assert "row 3 (id 'cafe-2'), field 'area_min': value '-5': Input should be greater than 0" in str(error)


def test_all_row_errors_are_reported_at_once(pool: list[Candidate]) -> None:
    frame = _text_frame(_copies(pool, 6))
    frame.loc[0, "area_min"] = "-1"
    frame.loc[1, "function"] = "spaceport"
    frame.loc[3, "identities"] = "religion:1"
    frame.loc[3, "noise"] = "9"
    frame.loc[5, "id"] = "c0"
    error = _errors(candidates_from_frame, frame)
    found = [(e["row"], e["field"]) for e in error.errors]
    assert found == [(0, "area_min"), (1, "function"), (3, "identities"), (3, "noise"), (5, "id")]
    assert str(error).startswith("5 errors in candidates:")


def test_duplicate_ids_name_both_rows(pool: list[Candidate]) -> None:
    records = [CAFE, LAB, {**CAFE, "name": "Again"}]
    for source in (records, candidates_to_json(pool)[:-2] + ",\n" + json.dumps({**CAFE, "name": "Again"}) + "\n]"):
        error = _errors(read_candidates, source)
        (e,) = error.errors
        assert (e["row"], e["id"], e["field"]) == (2, "cafe-1", "id")
        assert "duplicate candidate id, also used in row 0" in e["message"]
    frame = _text_frame(pool)
    frame = pd.concat([frame, frame.iloc[[0]]], ignore_index=True)
    error = _errors(candidates_from_frame, frame)
    assert "row 2 (id 'cafe-1'), field 'id': value 'cafe-1': duplicate candidate id, also used in row 0" in str(error)


def test_malformed_csv_header(pool: list[Candidate], tmp_path: Path) -> None:
    frame = _text_frame(pool).rename(columns={"area_min": "areamin"}).drop(columns=["name"])
    frame["colour"] = "red"
    frame.loc[1, "noise"] = "x"
    frame.to_csv(tmp_path / "pool.csv", index=True)  # with the index: an unnamed column
    error = _errors(read_candidates, tmp_path / "pool.csv")
    by_field = {e["field"]: e for e in error.errors}
    assert by_field["Unnamed: 0"]["message"].startswith("unnamed column")
    assert "did you mean 'area_min'?" in by_field["areamin"]["message"]
    assert by_field["colour"]["message"].startswith("unknown column")
    assert by_field["area_min"]["message"] == "required column is missing"
    assert by_field["name"]["message"] == "required column is missing"
    assert (by_field["noise"]["row"], by_field["noise"]["value"]) == (1, "x")
    assert all(e["row"] is None for f, e in by_field.items() if f != "noise")
    assert len(error.errors) == 6


def test_duplicate_and_empty_required_columns(pool: list[Candidate]) -> None:
    frame = _text_frame(pool)
    frame.insert(1, "ID", frame["id"])
    frame.loc[0, "name"] = ""
    error = _errors(candidates_from_frame, frame)
    messages = {(e["row"], e["field"]): e["message"] for e in error.errors}
    assert messages[(None, "id")].startswith("column appears twice")
    assert messages[(0, "name")] == "required, but the cell is empty"


def test_nan_in_a_typed_frame(pool: list[Candidate]) -> None:
    frame = candidates_to_frame(pool)
    frame.loc[1, "max_rent"] = math.nan  # optional: NaN means None
    assert candidates_from_frame(frame)[1].max_rent is None
    frame.loc[0, "visitors_per_day"] = math.nan  # a number that is not optional: NaN is an error
    (e,) = _errors(candidates_from_frame, frame).errors
    assert (e["row"], e["field"]) == (0, "visitors_per_day") and math.isnan(e["value"])
    assert "finite number" in e["message"]


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('{"id": "a"}', "expected a JSON array"),
        ("[1, 2", "not valid JSON"),
        ('[{"id": "a", "name": "A", "function": "office", "activity": "x", "area_min": 1, "area_max": 2}, 3]',
         "row 1: value 3: expected an object"),
    ],
)
def test_malformed_json(text: str, fragment: str) -> None:
    assert fragment in str(_errors(candidates_from_json, text))


def test_json_rows_name_row_id_field_and_value() -> None:
    records = [CAFE, {**LAB, "identities": {"tech": 2.0}, "colour": "red", "area_max": -3}]
    error = _errors(read_candidates, records)
    assert [(e["row"], e["id"], e["field"]) for e in error.errors] == [
        (1, "lab-1", "identities"), (1, "lab-1", "area_max"), (1, "lab-1", "colour")]
    message = str(error)
    assert "field 'identities': value {'tech': 2.0}: at tech: Input should be less than or equal to 1" in message
    assert "field 'area_max': value -3: Input should be greater than 0" in message
    assert "field 'colour': value 'red': unknown field" in message


def test_building_errors_name_field_paths_and_values(tmp_path: Path) -> None:
    data = copy.deepcopy(BUILDING)
    data["floors"][1]["area"] = -800
    data["location"]["dna"] = {"Moroccan origin": 0.5}
    data["permitted_functions"] = ["office", "casino"]
    error = _errors(read_building, data)
    fields = {e["field"]: e for e in error.errors}
    assert fields["floors.1.area"]["value"] == -800 and "greater than 0" in fields["floors.1.area"]["message"]
    assert "origin, a fixed identity (who people are), by the word 'moroccan'" in fields["location.dna"]["message"]
    assert "unknown function 'casino'" in fields["permitted_functions"]["message"]
    assert "id 'kb-1', field 'floors.1.area': value -800: Input should be greater than 0" in str(error)
    data = copy.deepcopy(BUILDING)
    data["floors"][1]["level"] = 0
    (e,) = _errors(read_building, data).errors
    assert e["field"] == "floors" and "duplicate floor level 0" in e["message"]
    (tmp_path / "number.json").write_text("1")
    assert "expected a JSON object (a building) or an array of them, got int" in str(
        _errors(read_building, tmp_path / "number.json"))
    (tmp_path / "list.json").write_text("[1]")
    assert "row 0: expected a JSON object (a building), got int" in str(_errors(read_building, tmp_path / "list.json"))
    assert "not valid JSON" in str(_errors(read_building, '{"id": '))


def test_building_frame_errors_name_rows() -> None:
    frame = buildings_to_frame(Building.model_validate(BUILDING)).astype(object)
    frame.loc[1, "floor.level"] = 0
    frame.loc[1, "name"] = "Other"
    frame.loc[0, "floor.free_height"] = -1.0
    error = _errors(buildings_from_frame, frame)
    found = {(e["row"], e["field"]): e["message"] for e in error.errors}
    assert "greater than 0" in found[(0, "floor.free_height")]
    assert found[(1, "name")].startswith("differs from row 0")
    assert found[(1, "floor.level")] == "duplicate floor level, also in row 0"


def test_long_error_lists_are_cut_in_the_message_but_kept_whole() -> None:
    records = [{**CAFE, "id": f"c{i}", "area_min": -1} for i in range(150)]
    error = _errors(read_candidates, records)
    assert len(error.errors) == 150
    assert "... and 50 more (see InputError.errors)" in str(error)


def test_writing_refuses_what_cannot_be_read_back(pool: list[Candidate], tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="duplicate candidate id 'cafe-1'"):
        write_candidates([pool[0], pool[0]], tmp_path / "pool.csv")
    odd = Candidate.model_validate({**CAFE, "incompatible": ["gym;2"]})
    with pytest.raises(ValueError, match=r"field 'incompatible': value 'gym;2' contains ';'"):
        write_candidates([odd], tmp_path / "pool.csv")
    with pytest.raises(ValueError, match=r"suffix '.xls'; known suffixes for candidates: .json, .csv, .tsv, "
                                         r"\.parquet, \.xlsx"):
        write_candidates(pool, tmp_path / "pool.xls")
    with pytest.raises(ValueError, match=r"suffix ''"):
        read_candidates(tmp_path / "pool")


# -- vocabulary -------------------------------------------------------------------------------------


def test_vocabulary_argument_and_active_vocabulary(tmp_path: Path) -> None:
    skate = {**CAFE, "identities": {"skateboarding": 1.0}, "needs": ["half_pipe"]}
    vocab = Vocabulary.default().extend(identities=["skateboarding"], needs_offers=["half_pipe"])
    with pytest.raises(InputError, match="unknown identity 'skateboarding'"):
        read_candidates([skate])
    (c,) = read_candidates([skate], vocabulary=vocab)
    write_candidates([c], tmp_path / "skate.csv")
    with pytest.raises(InputError, match="unknown identity 'skateboarding'"):
        read_candidates(tmp_path / "skate.csv")
    assert read_candidates(tmp_path / "skate.csv", vocabulary=vocab) == [c]
    with use_vocabulary(vocab):
        assert read_candidates(tmp_path / "skate.csv") == [c]
    building = {**BUILDING, "location": {**BUILDING["location"], "dna": {"skateboarding": 0.5}}}
    with pytest.raises(InputError, match="unknown identity"):
        read_building(building)
    assert read_building(building, vocabulary=vocab).location.dna == {"skateboarding": 0.5}
    with pytest.raises(TypeError, match="must be a Vocabulary"):
        read_candidates([CAFE], vocabulary="default")  # type: ignore[arg-type]


@settings(max_examples=15, deadline=None)
@given(candidate_pools(max_size=5, vocabulary=Vocabulary.default().extend(identities=["skateboarding"])))
def test_custom_vocabulary_pools_round_trip(pool: list[Candidate]) -> None:
    vocab = Vocabulary.default().extend(identities=["skateboarding"])
    assert candidates_from_frame(candidates_to_frame(pool), vocabulary=vocab) == pool


# -- inputs are never mutated ----------------------------------------------------------------------


def test_frames_are_not_mutated(pool: list[Candidate]) -> None:
    for frame in (candidates_to_frame(pool), _text_frame(pool)):
        frame = frame.iloc[::-1]  # a non-default index and a view
        before = frame.copy(deep=True)
        candidates_from_frame(frame)
        pd.testing.assert_frame_equal(frame, before)
        broken = frame.copy()
        broken.loc[broken.index[0], "area_min"] = -1 if pd.api.types.is_numeric_dtype(frame["area_min"]) else "-1"
        before = broken.copy(deep=True)
        with pytest.raises(InputError):
            candidates_from_frame(broken)
        pd.testing.assert_frame_equal(broken, before)
    frame = buildings_to_frame(Building.model_validate(BUILDING))
    before = frame.copy(deep=True)
    buildings_from_frame(frame)
    pd.testing.assert_frame_equal(frame, before)


def test_dicts_and_lists_are_not_mutated() -> None:
    records = [copy.deepcopy(CAFE), {**copy.deepcopy(LAB), "schedule": "mon-fri 09-17"}]
    before = copy.deepcopy(records)
    read_candidates(records)
    assert records == before
    building = copy.deepcopy(BUILDING)
    building["floors"].reverse()
    before_building = copy.deepcopy(building)
    read_building(building)
    assert building == before_building


def test_models_are_not_copied_needlessly(pool: list[Candidate]) -> None:
    assert read_candidates(pool) == pool
    building = Building.model_validate(BUILDING)
    assert read_building(building) is building


def test_bundled_example_round_trips(tmp_path: Path) -> None:
    from objectmatch import load_example

    building, pool = load_example()
    for suffix in formats()["candidates"]:
        write_candidates(pool, tmp_path / f"pool{suffix}")
        assert read_candidates(tmp_path / f"pool{suffix}") == pool, suffix
    for suffix in formats()["buildings"]:
        write_building(building, tmp_path / f"building{suffix}")
        assert read_building(tmp_path / f"building{suffix}") == building, suffix


# -- the registry ---------------------------------------------------------------------------------------

TABLE_SUFFIXES = (".csv", ".tsv", ".parquet", ".xlsx")


def test_formats_lists_every_suffix_per_kind() -> None:
    found = formats()
    assert found["candidates"] == found["buildings"] == found["result"] == (".json", *TABLE_SUFFIXES)
    assert found["table"] == TABLE_SUFFIXES
    assert found["participation"] == (".json", *TABLE_SUFFIXES)


@pytest.mark.parametrize("call", [
    lambda path: read_candidates(path), lambda path: write_candidates([], path),
    lambda path: read_building(path), lambda path: read_buildings(path),
    lambda path: read_result(path), lambda path: read_frame(path), lambda path: write_frame(pd.DataFrame(), path),
    lambda path: read_participation(path), lambda path: write_participation(Participation(), path),
])
def test_an_unknown_suffix_names_the_known_ones(call: Any, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"from its suffix '\.xls'; known suffixes for .*: .*\.csv.*\.xlsx") as info:
        call(tmp_path / "data.xls")
    assert not isinstance(info.value, InputError)
    assert not (tmp_path / "data.xls").exists()


def test_suffix_argument_overrides_the_file_name(pool: list[Candidate], tmp_path: Path) -> None:
    write_candidates(pool, tmp_path / "pool.dat", suffix=".parquet")
    assert (tmp_path / "pool.dat").read_bytes()[:4] == b"PAR1"
    assert read_candidates(tmp_path / "pool.dat", suffix=".PARQUET") == pool
    with pytest.raises(ValueError, match="known suffixes"):
        read_candidates(tmp_path / "pool.dat")
    write_candidates(pool, tmp_path / "pool.dat", suffix=".xlsx")  # openpyxl alone refuses such a name
    assert read_candidates(tmp_path / "pool.dat", suffix=".xlsx") == pool


def test_table_layouts(pool: list[Candidate], tmp_path: Path) -> None:
    import openpyxl

    write_candidates(pool, tmp_path / "pool.tsv")
    header = (tmp_path / "pool.tsv").read_text(encoding="utf-8").splitlines()[0]
    assert header.split("\t") == list(Candidate.model_fields)
    write_candidates(pool, tmp_path / "pool.xlsx")
    book = openpyxl.load_workbook(tmp_path / "pool.xlsx")
    assert book.sheetnames == ["candidates"]
    rows = list(book["candidates"].iter_rows(values_only=True))
    assert list(rows[0]) == list(Candidate.model_fields)
    assert rows[1][:4] == ("cafe-1", "Buurtcafe", "assembly", "cafe") and rows[1][12] == 150  # a number, not text
    write_candidates(pool, tmp_path / "pool.parquet")
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "pool.parquet"), candidates_to_frame(pool),
                                  check_dtype=False)
    write_building(Building.model_validate(BUILDING), tmp_path / "b.xlsx")
    assert openpyxl.load_workbook(tmp_path / "b.xlsx").sheetnames == ["buildings"]


def test_a_spreadsheet_made_by_hand_is_read(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["ID", "Name", "Function", "Activity", "Area min", "Area max", "Pioneer", "Identities"])
    sheet.append([101, "Buurtcafe", "assembly", "cafe", 150, 300.0, True, "food:1;community:0.8"])
    sheet.append([])  # a blank row between the data
    sheet.append([102, "NA", "office", "coworking", 80, 120, None, None])
    book.save(tmp_path / "pool.xlsx")
    cafe, lab = read_candidates(tmp_path / "pool.xlsx")
    assert (cafe.id, cafe.area_max, cafe.pioneer, cafe.identities) == ("101", 300, True, {"food": 1.0,
                                                                                           "community": 0.8})
    assert (lab.id, lab.name, lab.pioneer) == ("102", "NA", False)
    sheet.append(["x-1", "Bad", "spaceport", "cafe", -1, 10])
    sheet.append(["x-2", "Half", "office", "cafe", 10, 20.5])  # areas are whole m²
    book.save(tmp_path / "bad.xlsx")
    error = _errors(read_candidates, tmp_path / "bad.xlsx")
    assert [(e["row"], e["field"], e["line"]) for e in error.errors] == [(2, "function", 5), (2, "area_min", 5),
                                                                          (3, "area_max", 6)]


@pytest.mark.parametrize("name", ["a\rb", "a\r\nb", "tab\there", "_x000D_", "_x005F_x0041_", "=SUM(A1:A3)",
                                  "bell\x07", "\ufffe", 'De "Hoek", bar; lounge'])
def test_awkward_names_survive_every_format(name: str, tmp_path: Path) -> None:
    c = Candidate.model_validate({**CAFE, "name": name})
    for suffix in formats()["candidates"]:
        write_candidates([c], tmp_path / f"pool{suffix}")
        assert read_candidates(tmp_path / f"pool{suffix}") == [c], suffix


def test_floats_that_excel_would_round_stay_exact(tmp_path: Path) -> None:
    c = Candidate.model_validate({**CAFE, "visitors_per_day": 1e6 / 3, "max_rent": 123.45678901234567,
                                  "identities": {"food": 0.1 + 0.2}})
    write_candidates([c], tmp_path / "pool.xlsx")
    assert read_candidates(tmp_path / "pool.xlsx") == [c]


def test_frames_round_trip_through_table_formats(tmp_path: Path) -> None:
    frame = pd.DataFrame({"function": ["office", "retail"], "potential": [0.1 + 0.2, 1.5], "n": [1, 2],
                          "ok": [True, False]})
    write_frame(frame, tmp_path / "t.parquet")
    pd.testing.assert_frame_equal(read_frame(tmp_path / "t.parquet"), frame)
    write_frame(frame, tmp_path / "t.xlsx")  # a number Excel would round is kept exactly, as text
    assert read_frame(tmp_path / "t.xlsx").to_dict("list") == {**frame.to_dict("list"),
                                                               "potential": ["0.30000000000000004", 1.5]}
    write_frame(frame, tmp_path / "t.csv")
    assert read_frame(tmp_path / "t.csv").to_dict("list") == {
        "function": ["office", "retail"], "potential": ["0.30000000000000004", "1.5"], "n": ["1", "2"],
        "ok": ["true", "false"]}


# -- match results ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def matched() -> tuple[Any, list[Candidate]]:
    """A real match on the example pool (one candidate with an awkward name), computed once.

    Returned programmes differ in at least a fifth of the let area (``min_difference``): a pool of a
    dozen gives one programme, the example's 52 give several."""
    from objectmatch import load_example, match

    building, pool = load_example()
    # validated, as every input is: the CR becomes a space (model_copy would keep it and skip validation)
    pool[0] = Candidate.model_validate({**pool[0].model_dump(), "name": 'Café "De Hoek"\r_x000D_, =1+1'})
    result = match(building, pool, k=3, time_limit=1)
    assert len(result.programmes) >= 2
    return result, pool


def _infeasible() -> Any:
    from objectmatch import load_example
    from objectmatch.options import MatchOptions
    from objectmatch.results import MatchResult, MatchStatus

    building, pool = load_example()
    return MatchResult(building=building, candidates=tuple(pool[:3]), options=MatchOptions(), programmes=(),
                       status=MatchStatus(code="infeasible", message="min_functions 9: only 4", reasons=("a", "b")))


@pytest.mark.parametrize("suffix", [".json", *TABLE_SUFFIXES])
def test_result_round_trips_exactly(suffix: str, matched: tuple[Any, list[Candidate]], tmp_path: Path) -> None:
    result, pool = matched
    for names in (None, pool):
        write_result(result, tmp_path / f"r{suffix}", candidates=names)
        back = read_result(tmp_path / f"r{suffix}")
        assert back == result
        assert back.model_dump_json() == result.model_dump_json()
    write_result(_infeasible(), tmp_path / f"empty{suffix}")
    assert read_result(tmp_path / f"empty{suffix}") == _infeasible()


def test_result_layouts(matched: tuple[Any, list[Candidate]], tmp_path: Path) -> None:
    import csv as csv_module

    import openpyxl
    import pyarrow.parquet as pq

    result, pool = matched
    exact = result.model_dump_json()
    table = result.to_frame(pool)
    write_result(result, tmp_path / "r.json")
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8")) == json.loads(exact)
    # CSV: the first record is one cell, "#objectmatch-result " and the JSON; then the table
    write_result(result, tmp_path / "r.csv", candidates=pool)
    with (tmp_path / "r.csv").open(newline="", encoding="utf-8") as handle:
        records = list(csv_module.reader(handle))
    assert records[0] == ["#objectmatch-result " + exact]
    assert records[1] == list(table.columns) == ["rank", "score", "candidate", "level", "area", "rent", "name",
                                                 "function", "activity", "pioneer"]
    assert len(records) == 2 + len(table)
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "r.csv", skiprows=1, keep_default_na=False), table,
                                  check_dtype=False)
    # Parquet: the table, and the JSON in the schema metadata
    write_result(result, tmp_path / "r.parquet", candidates=pool)
    assert pq.read_schema(tmp_path / "r.parquet").metadata[b"objectmatch.result"].decode() == exact
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "r.parquet"), table, check_dtype=False)
    # Excel: the table in the first sheet, the JSON in the second from A2 down
    write_result(result, tmp_path / "r.xlsx", candidates=pool)
    book = openpyxl.load_workbook(tmp_path / "r.xlsx")
    assert book.sheetnames == ["programmes", "result.json"]
    pieces = [row[0] for row in book["result.json"].iter_rows(min_row=2, values_only=True)]
    from objectmatch.io._excel import unescape

    assert unescape("".join(pieces)) == exact
    assert [c.value for c in book["programmes"][1]] == list(table.columns)


def test_a_long_result_is_cut_into_cells_excel_can_hold(matched: tuple[Any, list[Candidate]],
                                                        tmp_path: Path) -> None:
    import openpyxl

    result, _ = matched
    long = result.model_copy(update={"status": result.status.model_copy(update={"message": "x_x0041_" * 20_000})})
    write_result(long, tmp_path / "long.xlsx")
    cells = [row[0] for row in openpyxl.load_workbook(tmp_path / "long.xlsx")["result.json"].iter_rows(
        min_row=2, values_only=True)]
    assert len(cells) > 5 and max(len(c) for c in cells) <= 32_767
    assert read_result(tmp_path / "long.xlsx") == long


def test_an_edited_result_table_is_refused(matched: tuple[Any, list[Candidate]], tmp_path: Path) -> None:
    result, pool = matched
    write_result(result, tmp_path / "r.csv", candidates=pool)
    original = (tmp_path / "r.csv").read_bytes().decode("utf-8").split("\n")  # split on line feeds only
    lines = list(original)
    cells = lines[2].split(",")
    cells[4] = "1.0"  # the first placement's area
    lines[2] = ",".join(cells)
    (tmp_path / "edited.csv").write_bytes("\n".join(lines).encode("utf-8"))
    with pytest.raises(InputError, match="does not match the exact result stored with it") as info:
        read_result(tmp_path / "edited.csv")
    assert "'area': 1.0" in str(info.value)
    reordered = original[:2] + list(reversed(original[2:-1])) + [""]  # re-ordering rows changes nothing
    (tmp_path / "reordered.csv").write_bytes("\n".join(reordered).encode("utf-8"))
    assert read_result(tmp_path / "reordered.csv") == result


def test_a_table_without_its_result_is_not_a_result(pool: list[Candidate], tmp_path: Path) -> None:
    for suffix in TABLE_SUFFIXES:
        write_frame(pd.DataFrame({"rank": [1]}), tmp_path / f"t{suffix}")
        with pytest.raises(InputError, match="not an objectmatch result"):
            read_result(tmp_path / f"t{suffix}")
    (tmp_path / "bad.json").write_text('{"programmes": [], "status": {"code": "maybe", "message": "?"}}')
    error = _errors(read_result, tmp_path / "bad.json")
    found = {e["field"]: e["value"] for e in error.errors}  # every problem at once: the bad code, the missing fields
    assert found["status.code"] == "maybe" and {"building", "candidates", "options"} <= set(found)


# -- robust readers: each case replays a reported failure ---------------------------------------------------


def test_deep_nesting_is_an_input_error_not_a_recursion_error(tmp_path: Path) -> None:
    (tmp_path / "deep.json").write_text("[" * 100_000)
    for read in (read_candidates, read_building, read_result):
        error = _errors(read, tmp_path / "deep.json")
        assert error.source == "deep.json" and "nested too deeply" in str(error)
    with pytest.raises(InputError, match="nested too deeply"):
        read_candidates("[" * 100_000)


def test_a_cp1252_csv_is_read_with_a_warning(pool: list[Candidate], tmp_path: Path) -> None:
    cafe = pool[0].model_copy(update={"name": "Café Noël — ‘t Hoekje"})
    write_candidates([cafe], tmp_path / "utf8.csv")
    text = (tmp_path / "utf8.csv").read_text(encoding="utf-8")
    (tmp_path / "latin.csv").write_bytes(text.encode("cp1252"))
    offset = text.encode("cp1252").index("é".encode("cp1252"))
    expected = rf"latin.csv is not UTF-8 \(byte 0xe9 at offset {offset}\); read it as cp1252"
    with pytest.warns(InputWarning, match=expected):
        assert read_candidates(tmp_path / "latin.csv") == [cafe]
    (tmp_path / "bom.csv").write_bytes(text.encode("utf-8-sig"))
    (tmp_path / "excel.tsv").write_bytes(text.replace(",", "\t").encode("utf-16"))  # Excel's "Unicode text"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert read_candidates(tmp_path / "bom.csv") == [cafe] == read_candidates(tmp_path / "excel.tsv")


def test_undecodable_and_binary_files_name_file_and_offset(pool: list[Candidate], tmp_path: Path) -> None:
    write_candidates(pool, tmp_path / "pool.csv")
    data = (tmp_path / "pool.csv").read_bytes()
    (tmp_path / "bad.csv").write_bytes(data[:40] + b"\x81\x8d" + data[40:])  # bytes neither UTF-8 nor cp1252 has
    message = str(_errors(read_candidates, tmp_path / "bad.csv"))
    assert "bad.csv" in message and "byte 0x81 at offset 40" in message and "nor cp1252" in message
    write_candidates(pool, tmp_path / "pool.xlsx")
    (tmp_path / "renamed.csv").write_bytes((tmp_path / "pool.xlsx").read_bytes())
    assert "not a text file" in str(_errors(read_candidates, tmp_path / "renamed.csv"))


def test_repeated_json_keys_are_named_with_where(tmp_path: Path) -> None:
    record = candidates_to_json([Candidate.model_validate(CAFE)])[2:-3]  # the object's text
    text = "[" + record + ",\n" + record.replace('"cafe-1"', '"cafe-2"').replace(
        '"area_min": 150,', '"area_min": 15, "area_min": 150,').replace(
        '"food": 1.0', '"food": 0.5, "food": 1.0') + "]"
    (tmp_path / "pool.json").write_text(text)
    error = _errors(read_candidates, tmp_path / "pool.json")
    assert [(e["row"], e["id"], e["field"]) for e in error.errors] == [(1, "cafe-2", "area_min"),
                                                                        (1, "cafe-2", "identities.food")]
    assert "key 'area_min' appears 2 times in one object (15, then 150)" in error.errors[0]["message"]
    data = copy.deepcopy(BUILDING)
    text = json.dumps(data).replace('"area": 780.0', '"area": 780.0, "area": 7800.0')
    (e,) = _errors(read_building, text).errors
    assert (e["id"], e["field"]) == ("kb-1", "floors.1.area")
    (tmp_path / "c.json").write_text('{"min_occupancy": 0.5, "min_occupancy": 0.9}')
    from objectmatch.constraints import Constraints
    from objectmatch.io._json import model_from_json

    with pytest.raises(InputError, match="key 'min_occupancy' appears 2 times"):
        model_from_json((tmp_path / "c.json").read_text(), Constraints, "c.json")


def test_a_carriage_return_in_a_csv_cell_is_quoted_and_read_back(tmp_path: Path) -> None:
    frame = pd.DataFrame({"note": ["Buurtcafe\rDe Hoek", "plain"], "n": ["1", "2"]})
    write_frame(frame, tmp_path / "notes.csv")
    assert b'"Buurtcafe\rDe Hoek"' in (tmp_path / "notes.csv").read_bytes()
    assert read_frame(tmp_path / "notes.csv").to_dict("list") == frame.to_dict("list")
    # a candidate's text loses its control characters when validated: the CR is a space before any file is written
    c = Candidate.model_validate({**CAFE, "name": "Buurtcafe\rDe Hoek"})
    assert c.name == "Buurtcafe De Hoek"
    write_candidates([c], tmp_path / "pool.csv")
    assert read_candidates(tmp_path / "pool.csv") == [c]


def test_ragged_rows_are_named_with_their_cell_count(pool: list[Candidate], tmp_path: Path) -> None:
    write_candidates(_copies(pool, 4), tmp_path / "pool.csv")
    lines = (tmp_path / "pool.csv").read_text(encoding="utf-8").splitlines()
    width = len(lines[0].split(","))
    lines[2] = lines[2].replace("assembly,cafe", "assembly", 1).replace("office,coworking", "office", 1)  # one short
    lines[3] += ",surplus"  # one long
    lines[4] = lines[4].replace(",150,", ",-150,", 1).replace(",300,", ",-300,", 1)  # a normal bad row
    (tmp_path / "ragged.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    error = _errors(read_candidates, tmp_path / "ragged.csv")
    found = [(e["row"], e["line"], e["field"]) for e in error.errors]
    assert found[:2] == [(1, 3, None), (2, 4, None)]
    assert {f for r, _, f in found[2:]} >= {"area_min"} and all(r == 3 for r, _, _ in found[2:])
    assert f"line 3 has {width - 1} cells, but the header has {width}" in error.errors[0]["message"]
    assert f"line 4 has {width + 1} cells, but the header has {width}" in error.errors[1]["message"]
    lines[3] = lines[3].removesuffix(",surplus") + ",,"  # empty cells past the end are harmless
    (tmp_path / "trailing.csv").write_text("\n".join(lines[:2] + lines[3:4]) + "\n", encoding="utf-8")
    assert len(read_candidates(tmp_path / "trailing.csv")) == 2


def test_every_problem_of_a_row_is_reported(pool: list[Candidate], tmp_path: Path) -> None:
    frame = _text_frame(pool)
    frame.loc[1, "function"] = "spaceport"
    frame.loc[1, "area_min"] = "5000"  # larger than area_max: a check of the whole model
    frame.loc[1, "incompatible"] = "lab-1"  # the candidate's own id: another one
    error = _errors(candidates_from_frame, frame)
    messages = {e["field"]: e["message"] for e in error.errors}
    assert set(messages) == {"function", "area_min"} and all(e["row"] == 1 for e in error.errors)
    assert "area_min 5000 is larger than area_max 300" in messages["area_min"]
    records = [CAFE, {**LAB, "function": "spaceport", "area_min": 5000}]
    assert {e["field"] for e in _errors(read_candidates, records).errors} == {"function", "area_min"}
    frame = _text_frame(pool)
    frame.loc[1, "function"] = "spaceport"
    frame.loc[1, "area_max"] = "-1"  # area_min > area_max follows from the bad area_max: not reported twice
    assert {e["field"] for e in _errors(candidates_from_frame, frame).errors} == {"function", "area_max"}


@pytest.mark.parametrize(("typo", "meant"), [("area_mni", "area_min"), ("max_rnet", "max_rent"),
                                             ("Area Mni", "area_min"), ("pionere", "pioneer")])
def test_did_you_mean_counts_a_swap_as_one_edit(typo: str, meant: str, pool: list[Candidate]) -> None:
    frame = candidates_to_frame(pool).rename(columns={meant: typo})
    by_field = {e["field"]: e["message"] for e in _errors(candidates_from_frame, frame).errors}
    assert by_field[typo] == f"unknown column; did you mean {meant!r}?"
    key = typo.lower().replace(" ", "_")  # a JSON key is matched as written
    record = {**LAB, key: LAB[meant]}
    del record[meant]
    by_field = {e["field"]: e["message"] for e in _errors(read_candidates, [record]).errors}
    assert by_field[key] == f"unknown field; did you mean {meant!r}?"


def test_did_you_mean_in_a_nested_building_field() -> None:
    data = copy.deepcopy(BUILDING)
    data["floors"][0]["arae"] = data["floors"][0].pop("area")
    data["location"]["nieghbourhood"] = data["location"].pop("neighbourhood")
    messages = {e["field"]: e["message"] for e in _errors(read_building, data).errors}
    assert messages["floors.0.arae"] == "unknown field; did you mean 'area'?"
    assert messages["location.nieghbourhood"] == "unknown field; did you mean 'neighbourhood'?"


def test_a_huge_bad_value_gives_a_short_message(pool: list[Candidate], tmp_path: Path) -> None:
    huge = "x" * 1_000_000
    frame = _text_frame(pool)
    frame.loc[0, "function"] = huge
    frame.loc[1, "identities"] = f"{huge}:0.5"
    frame.to_csv(tmp_path / "pool.csv", index=False)
    for source in (frame, [{**CAFE, "function": huge}, {**LAB, "identities": {huge: 0.5}}]):
        error = _errors(read_candidates, source)
        assert len(str(error)) < 2_000, len(str(error))
        assert all(len(e["message"]) <= 1_000 for e in error.errors)
        assert len(error.errors) == 2 and error.errors[0]["value"] == huge  # the value itself is kept whole
    # the csv module refuses cells over 128 KiB: one short error for the file
    assert str(_errors(read_candidates, tmp_path / "pool.csv")) == (
        "1 error in pool.csv:\n  not a readable table: a cell longer than 131,072 characters (line 2)")


# -- atomic output --------------------------------------------------------------------------------------------


def test_a_failed_write_leaves_the_old_file(pool: list[Candidate], tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    import pyarrow.parquet as pq

    target = tmp_path / "pool.parquet"
    write_candidates(pool, target)
    before = target.read_bytes()

    def half_then_fail(table: Any, where: Any, **kwargs: Any) -> None:
        where.write(b"PAR1 half a file")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pq, "write_table", half_then_fail)
    with pytest.raises(OSError, match="No space left"):
        write_candidates(pool[:1], target)
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pool.parquet"]
    with pytest.raises(OSError, match="No space left"):
        write_candidates(pool, tmp_path / "new.parquet")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pool.parquet"]  # no 0-byte file either


def test_atomic_write_keeps_permissions_and_follows_links(tmp_path: Path) -> None:
    import os
    import stat

    target = tmp_path / "out.txt"
    with atomic_write(target) as handle:
        handle.write("one")
    umask = os.umask(0o022)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask
    target.chmod(0o640)
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    with atomic_write(link, "wb") as handle:
        assert handle.name.endswith(".txt") and Path(handle.name).parent == tmp_path
        handle.write(b"two")
    assert link.is_symlink() and target.read_text() == "two" and stat.S_IMODE(target.stat().st_mode) == 0o640
    with pytest.raises(IsADirectoryError):
        atomic_write(tmp_path)
    with pytest.raises(ValueError, match="mode must be"):
        atomic_write(target, "a")  # type: ignore[call-overload]


# -- the documentation ------------------------------------------------------------------------------------------


def test_every_python_block_in_the_io_docs_runs(tmp_path: Path) -> None:
    import subprocess
    import sys

    blocks = re.findall(r"```python\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S)
    assert len(blocks) >= 5
    # one after the other in one namespace, as a reader would; in a fresh interpreter, because a block
    # runs a hypothesis test, which cannot run inside this one
    (tmp_path / "blocks.py").write_text("\n\n".join(blocks), encoding="utf-8")
    proc = subprocess.run([sys.executable, "blocks.py"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "did you mean 'area_min'?" in proc.stdout


def test_lines_count_line_breaks_inside_cells(pool: list[Candidate], tmp_path: Path) -> None:
    two_lines = pool[0].model_copy(update={"name": "Buurtcafe\nDe Hoek"})
    write_candidates([two_lines, pool[1]], tmp_path / "pool.csv")
    text = (tmp_path / "pool.csv").read_bytes().decode("utf-8").replace(",180.5,", ",-1,")
    (tmp_path / "bad.csv").write_bytes(text.encode("utf-8"))
    (e,) = _errors(read_candidates, tmp_path / "bad.csv").errors
    assert (e["row"], e["line"], e["field"], e["value"]) == (1, 4, "max_rent", "-1")


def test_input_errors_pickle_whole(pool: list[Candidate]) -> None:
    import pickle

    frame = _text_frame(pool)
    frame.loc[1, "area_min"] = "-5"
    error = _errors(candidates_from_frame, frame)
    again = pickle.loads(pickle.dumps(error))  # e.g. from a Dask worker
    assert type(again) is InputError and again.errors == error.errors and str(again) == str(error)


def test_set_fields_serialise_sorted_whatever_the_hash_seed() -> None:
    # a set's iteration order follows the process's string hashing: written as it iterates, the same
    # constraints gave different JSON in two runs (a result round trip failed once in ten fresh runs)
    import json
    import os
    import subprocess
    import sys

    code = (
        "from objectmatch import Constraints; "
        "c = Constraints(exclusive_functions=['residential', 'lodging', 'office'], exclude=['b', 'a', 'c'], "
        "incompatible=[('y', 'z'), ('a', 'b')]); "
        "print(c.model_dump_json()); "
        "print(Constraints.model_validate_json(c.model_dump_json()).model_dump_json())"
    )
    outputs = set()
    for seed in range(6):
        run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                             env={**os.environ, "PYTHONHASHSEED": str(seed)})
        first, again = run.stdout.splitlines()
        assert first == again
        outputs.add(first)
    assert len(outputs) == 1
    data = json.loads(outputs.pop())
    assert data["exclusive_functions"] == ["lodging", "office", "residential"]
    assert data["exclude"] == ["a", "b", "c"]
    assert data["incompatible"] == [["a", "b"], ["y", "z"]]
