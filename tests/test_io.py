"""objectmatch.io: exact round trips through JSON, CSV and DataFrames; errors naming row, id, field and value."""

from __future__ import annotations

import copy
import json
import math
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings

from objectmatch import Building, Candidate, Vocabulary, use_vocabulary
from objectmatch.io import (
    InputError,
    buildings_from_frame,
    buildings_to_frame,
    candidates_from_frame,
    candidates_from_json,
    candidates_to_frame,
    candidates_to_json,
    read_building,
    read_candidates,
    write_building,
    write_candidates,
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
        for name in ("pool.csv", "pool.tsv", "pool.json"):
            write_candidates(pool, directory / name)
            assert read_candidates(directory / name) == pool, name
            assert read_candidates(str(directory / name)) == pool, name


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
        for name in ("b.json", "b.csv", "b.tsv"):
            write_building(building, directory / name)
            assert read_building(directory / name) == building, name


@settings(max_examples=15, deadline=None)
@given(buildings(max_floors=3), buildings(max_floors=3))
def test_several_buildings_share_one_frame(a: Building, b: Building) -> None:
    if a.id == b.id:
        b = b.model_copy(update={"id": a.id + "-2"})
    frame = buildings_to_frame([a, b])
    assert len(frame) == len(a.floors) + len(b.floors)
    assert buildings_from_frame(frame) == [a, b]
    for directory in _tmp():
        frame.to_csv(directory / "b.csv", index=False)  # pandas' own CSV: True/False, empty cells for NaN
        text = pd.read_csv(directory / "b.csv", dtype=str, keep_default_na=False)
        assert buildings_from_frame(text) == [a, b]


def test_empty_pool_round_trips(tmp_path: Path) -> None:
    frame = candidates_to_frame([])
    assert frame.shape == (0, len(Candidate.model_fields))
    assert candidates_from_frame(frame) == []
    for name in ("empty.csv", "empty.json"):
        write_candidates([], tmp_path / name)
        assert read_candidates(tmp_path / name) == []


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
    c = Candidate.model_validate({**CAFE, "visitors_per_day": 0.1 + 0.2, "max_rent": 1e4 / 3,
                                  "identities": {"food": 1 / 3}})
    write_candidates([c], tmp_path / "pool.csv")
    text = (tmp_path / "pool.csv").read_text()
    assert "0.30000000000000004" in text and "3333.3333333333335" in text and "food:0.3333333333333333" in text
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
        assert set(e) == {"row", "id", "field", "value", "message"}
    return info.value


BAD_ROWS: list[tuple[str, str, str, str]] = [
    # (column, cell, value as it must appear in the message, message fragment)
    ("area_min", "-5", "'-5'", "greater than 0"),
    ("area_min", "0", "'0'", "greater than 0"),
    ("area_min", "500", "'500'", "area_min 500 is larger than area_max 300"),  # a model-level error
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
    ("identities", "Moroccan origin:0.7", "'Moroccan origin:0.7'", "origin, a fixed identity"),
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
    assert "origin, a fixed identity" in fields["location.dna"]["message"]
    assert "unknown function 'casino'" in fields["permitted_functions"]["message"]
    assert "id 'kb-1', field 'floors.1.area': value -800: Input should be greater than 0" in str(error)
    data = copy.deepcopy(BUILDING)
    data["floors"][1]["level"] = 0
    (e,) = _errors(read_building, data).errors
    assert e["field"] == "floors" and "duplicate floor level 0" in e["message"]
    (tmp_path / "list.json").write_text("[1]")
    assert "expected a JSON object (a building), got list" in str(_errors(read_building, tmp_path / "list.json"))
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
    with pytest.raises(ValueError, match=r"extension '.xlsx'"):
        write_candidates(pool, tmp_path / "pool.xlsx")
    with pytest.raises(ValueError, match=r"extension ''"):
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
        broken.loc[broken.index[0], "area_min"] = -1 if frame["area_min"].dtype.kind in "if" else "-1"
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
    for name in ("pool.csv", "pool.json"):
        write_candidates(pool, tmp_path / name)
        assert read_candidates(tmp_path / name) == pool
    for name in ("building.csv", "building.json"):
        write_building(building, tmp_path / name)
        assert read_building(tmp_path / name) == building
