"""Placements as people pass them: JSON keys are strings, numpy gives numpy scalars."""

from __future__ import annotations

import json

import numpy as np
import pytest

import objectmatch as om
from objectmatch.scoring import PlacementError


@pytest.fixture(scope="module")
def example() -> tuple[om.Building, list[om.Candidate], om.Programme]:
    building, pool = om.load_example()
    best = om.match(building, pool, k=1).best
    assert best is not None
    return building, pool, best


def test_json_loaded_placements_score_and_check_like_the_programme(example) -> None:  # type: ignore[no-untyped-def]
    building, pool, best = example
    raw = json.loads(best.model_dump_json())["placements"]
    assert all(isinstance(level, str) for floors in raw.values() for level in floors)
    assert om.score(building, pool, raw).total == best.score
    assert om.check(building, pool, raw) == []


def test_numpy_levels_and_areas_are_accepted(example) -> None:  # type: ignore[no-untyped-def]
    building, pool, best = example
    as_numpy = {
        cid: {np.int64(lv): np.float64(a) for lv, a in floors.items()} for cid, floors in best.placements.items()
    }
    assert om.score(building, pool, as_numpy).total == best.score


def test_a_level_that_is_not_a_number_is_named(example) -> None:  # type: ignore[no-untyped-def]
    building, pool, best = example
    cid = next(iter(best.placements))
    with pytest.raises(PlacementError, match="no level 'ground'"):
        om.score(building, pool, {cid: {"ground": 100.0}})
