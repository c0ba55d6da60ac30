"""Placements as people pass them (JSON keys are strings, numpy gives numpy scalars) and the
violations check gives back: strings with a kind, a subject, a floor and the figures behind them."""

from __future__ import annotations

import json
import pickle
import typing

import numpy as np
import pytest

import objectmatch as om
from objectmatch.constraints import Kind, Violation, normalise_placements
from objectmatch.scoring import PlacementError


@pytest.fixture(scope="module")
def example() -> tuple[om.Building, list[om.Candidate], om.Programme]:
    building, pool = om.load_example()
    best = om.match(building, pool, k=1, time_limit=0.5).best
    assert best is not None
    return building, pool, best


def test_json_loaded_placements_score_and_check_like_the_programme(
    example: tuple[om.Building, list[om.Candidate], om.Programme],
) -> None:
    building, pool, best = example
    raw = json.loads(best.model_dump_json())["placements"]
    assert all(isinstance(level, str) for floors in raw.values() for level in floors)
    assert om.score(building, pool, raw).total == best.score
    assert om.check(building, pool, raw) == []
    as_ints = {cid: {lv: int(a) for lv, a in fl.items()} for cid, fl in raw.items()}  # whole m² as JSON ints
    assert om.score(building, pool, as_ints).total == best.score


def test_numpy_levels_and_areas_are_accepted(example: tuple[om.Building, list[om.Candidate], om.Programme]) -> None:
    building, pool, best = example
    as_numpy = {
        cid: {np.int64(lv): np.float64(a) for lv, a in floors.items()} for cid, floors in best.placements.items()
    }
    assert om.score(building, pool, as_numpy).total == best.score
    assert om.check(building, pool, as_numpy) == []


def test_a_level_that_is_not_a_number_is_named(example: tuple[om.Building, list[om.Candidate], om.Programme]) -> None:
    building, pool, best = example
    cid = next(iter(best.placements))
    with pytest.raises(PlacementError, match="no level 'ground'") as info:
        om.score(building, pool, {cid: {"ground": 100.0}})
    assert [v.kind for v in info.value.violations] == ["unknown_level"]


def test_normalise_placements_converts_what_converts_and_keeps_the_rest() -> None:
    assert normalise_placements({"a": {"0": 120, np.int32(1): np.float32(5), "x": "big"}}) == {
        "a": {0: 120.0, 1: 5.0, "x": "big"}
    }
    assert normalise_placements({"a": {"-1": 3}}) == {"a": {-1: 3.0}}
    with pytest.raises(TypeError, match=r"placements\['a'\] must be a mapping of level to m²; got float"):
        normalise_placements({"a": 3.0})  # type: ignore[dict-item]


def test_bad_areas_are_named_by_kind(example: tuple[om.Building, list[om.Candidate], om.Programme]) -> None:
    building, pool, best = example
    cid, floors = next(iter(best.placements.items()))
    level = next(iter(floors))
    bad = [(-5.0, "area"), (0, "area"), (float("nan"), "area"), ("lots", "area"), (True, "area"), (10.5, "area_grid")]
    for area, kind in bad:
        found = om.check(building, pool, {cid: {level: area}})
        assert kind in {v.kind for v in found}, (area, found)
        assert all(v.subject == cid for v in found if v.kind == kind)


def test_check_returns_violations_with_kind_subject_floor_and_figures(
    example: tuple[om.Building, list[om.Candidate], om.Programme],
) -> None:
    building, pool, _ = example
    crowded = {c.id: {1: float(c.area_min)} for c in pool}  # everyone on level 1
    found = om.check(building, pool, crowded)
    assert found and all(isinstance(v, Violation) and isinstance(v, str) for v in found)
    kinds = set(typing.get_args(Kind))
    assert all(v.kind in kinds for v in found)
    capacity = next(v for v in found if v.kind == "capacity")
    assert capacity.floor == 1 and capacity.subject is None
    assert capacity.figures["placed"] > capacity.figures["area"] == building.floor(1).area
    for v in found:
        again = pickle.loads(pickle.dumps(v))
        assert (again, again.kind, again.subject, again.floor, again.figures) == (
            v, v.kind, v.subject, v.floor, v.figures
        )
    assert json.loads(json.dumps(found)) == [str(v) for v in found]  # a Violation reads as its sentence


def test_programme_check_and_result_check_agree(example: tuple[om.Building, list[om.Candidate], om.Programme]) -> None:
    building, pool, best = example
    assert best.check(building, pool) == []
    strict = om.Constraints(max_tenants=1)
    assert [v.kind for v in best.check(building, pool, strict)] == ["max_tenants"]
    assert best.check(building, pool, strict) == om.check(building, pool, best.placements, constraints=strict)
