"""objectmatch.strategies: valid by construction, realistic, vocabulary-aware, early argument errors."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from objectmatch import Building, Candidate, Floor, Location, Vocabulary
from objectmatch.strategies import (
    buildings,
    candidate_pools,
    candidates,
    floors,
    ids,
    locations,
    names,
    schedules,
    tag_sets,
    tag_weights,
)
from objectmatch.vocabulary import DEFAULT_FUNCTIONS, fixed_identity_reason

FAST = settings(max_examples=30, deadline=None)
CUSTOM = Vocabulary(
    functions=["urban_farming", "office"],
    identities=["skateboarding", "green"],
    values=["calm"],
    needs_offers=["half_pipe", "quiet"],
)


def _revalidates(model: Any, vocabulary: Vocabulary | None = None) -> None:
    context = {"vocabulary": vocabulary} if vocabulary is not None else None
    again = type(model).model_validate(model.model_dump(), context=context)
    assert again == model


def _tags(c: Candidate) -> set[str]:
    return {*c.identities, *c.values, *c.needs, *c.offers}


@FAST
@given(floors())
def test_floors_are_valid_and_realistic(floor: Floor) -> None:
    _revalidates(floor)
    assert 10 <= floor.area <= 5000
    assert 2.4 <= floor.free_height <= 8
    assert 1.5 <= floor.floor_load <= 20


@FAST
@given(locations())
def test_locations_are_valid(location: Location) -> None:
    _revalidates(location)
    assert all(fixed_identity_reason(t) is None for t in location.dna)


@FAST
@given(buildings())
def test_buildings_are_valid_with_contiguous_levels(building: Building) -> None:
    _revalidates(building)
    levels = building.levels
    assert 1 <= len(levels) <= 8
    assert 0 in levels and list(levels) == list(range(levels[0], levels[-1] + 1))
    assert building.permitted_functions <= set(DEFAULT_FUNCTIONS)
    assert not building.permitted_functions & building.prospective_functions
    assert not any(f.street_frontage for f in building.floors if f.level != 0)


@FAST
@given(buildings(min_floors=5, max_floors=12, street_frontage=True, max_basements=0))
def test_buildings_with_street_facing_ground_floor(building: Building) -> None:
    assert 5 <= len(building.floors) <= 12
    assert building.levels[0] == 0
    assert building.floor(0).street_frontage


@FAST
@given(buildings(street_frontage=False))
def test_buildings_without_street_frontage(building: Building) -> None:
    assert not any(f.street_frontage for f in building.floors)


@FAST
@given(candidates())
def test_candidates_are_valid_and_realistic(candidate: Candidate) -> None:
    _revalidates(candidate)
    assert 10 <= candidate.area_min <= candidate.area_max <= 5000
    assert all(fixed_identity_reason(t) is None for t in _tags(candidate))
    assert not candidate.incompatible


@FAST
@given(candidates(id="cafe-1", function="assembly", incompatible_with=["cafe-1", "gym-2", "lab-3"]))
def test_candidate_arguments_fix_fields(candidate: Candidate) -> None:
    assert candidate.id == "cafe-1" and candidate.function == "assembly"
    assert candidate.incompatible <= {"gym-2", "lab-3"}


@FAST
@given(candidate_pools(min_size=1, max_size=12))
def test_pools_have_unique_ids_and_known_incompatibilities(pool: list[Candidate]) -> None:
    assert 1 <= len(pool) <= 12
    pool_ids = [c.id for c in pool]
    assert len(set(pool_ids)) == len(pool)
    for c in pool:
        assert c.incompatible <= set(pool_ids) - {c.id}


@FAST
@given(candidate_pools(max_size=5, incompatibilities=False))
def test_pools_without_incompatibilities(pool: list[Candidate]) -> None:
    assert all(not c.incompatible for c in pool)


@FAST
@given(schedules())
def test_schedules_have_the_right_shape(schedule: Any) -> None:
    assert len(schedule) == 7
    assert all(len(day) == 24 and all(0.0 <= v <= 1.0 for v in day) for day in schedule)
    _revalidates(Candidate(id="c", name="C", function="office", activity="x", schedule=schedule,
                           area_min=10, area_max=20))


@FAST
@given(schedules(from_opening_hours=True))
def test_opening_hour_schedules_use_quarter_levels(schedule: Any) -> None:
    assert {v for day in schedule for v in day} <= {0.0, 0.125, 0.25, 0.375, 0.5, 0.75, 1.0}
    assert any(v > 0 for day in schedule for v in day)


@FAST
@given(ids(), names())
def test_ids_and_names_are_stripped_and_table_safe(identifier: str, name: str) -> None:
    assert identifier == identifier.strip() and not set(identifier) & {";", ",", " "}
    assert name == name.strip() and name


@FAST
@given(tag_weights("values", min_size=1, max_size=3), tag_sets("functions", min_size=2))
def test_tag_strategies(weights: dict[str, float], functions: frozenset[str]) -> None:
    assert 1 <= len(weights) <= 3 and all(0.0 <= w <= 1.0 for w in weights.values())
    assert len(functions) >= 2 and functions <= set(DEFAULT_FUNCTIONS)


@FAST
@given(candidate_pools(max_size=5, vocabulary=CUSTOM), buildings(max_floors=3, vocabulary=CUSTOM))
def test_custom_vocabulary(pool: list[Candidate], building: Building) -> None:
    for c in pool:
        _revalidates(c, CUSTOM)
        assert c.function in CUSTOM.functions
        assert set(c.identities) <= set(CUSTOM.identities) and set(c.values) <= set(CUSTOM.values)
        assert c.needs | c.offers <= set(CUSTOM.needs_offers)
    _revalidates(building, CUSTOM)
    assert building.permitted_functions <= set(CUSTOM.functions)
    assert set(building.location.dna) <= set(CUSTOM.identities)


def test_custom_vocabulary_words_are_used() -> None:
    seen: set[str] = set()

    @settings(max_examples=60, deadline=None)
    @given(candidates(vocabulary=CUSTOM))
    def collect(c: Candidate) -> None:
        seen.update(c.identities, [c.function])

    collect()
    assert {"skateboarding", "urban_farming"} <= seen


@pytest.mark.parametrize(
    "build",
    [
        lambda: candidate_pools(min_size=5, max_size=2),
        lambda: candidate_pools(min_size=-1),
        lambda: candidate_pools(max_size=10_000),
        lambda: candidate_pools(incompatibilities="yes"),
        lambda: buildings(min_floors=0),
        lambda: buildings(min_floors=4, max_floors=2),
        lambda: buildings(max_floors=101),
        lambda: buildings(max_basements=9),
        lambda: buildings(street_frontage="yes"),
        lambda: buildings(vocabulary="default"),
        lambda: floors(level=1.5),
        lambda: floors(level=-9),
        lambda: floors(elevator=1),
        lambda: schedules(from_opening_hours="yes"),
        lambda: candidates(function="spaceport"),
        lambda: candidates(id=""),
        lambda: candidates(incompatible_with="gym-2"),
        lambda: candidates(function="assembly", vocabulary=CUSTOM),
        lambda: tag_weights("colours"),  # type: ignore[arg-type]
        lambda: tag_weights("values", min_size=100),
        lambda: tag_sets("needs_offers", min_size=3, max_size=1),
        lambda: locations(max_dna=-1),
    ],
)
def test_bad_arguments_fail_when_the_strategy_is_built(build: Any) -> None:
    with pytest.raises(InvalidArgument):
        build()


def test_bad_argument_message_names_argument_and_value() -> None:
    with pytest.raises(InvalidArgument, match=r"min_size=5 is larger than max_size=2"):
        candidate_pools(min_size=5, max_size=2)
    with pytest.raises(InvalidArgument, match=r"function='spaceport' is not in the vocabulary"):
        candidates(function="spaceport")


def test_strategies_compose_with_hypothesis() -> None:
    @settings(max_examples=10, deadline=None)
    @given(st.lists(buildings(max_floors=2), max_size=3, unique_by=lambda b: b.id))
    def check(portfolio: list[Building]) -> None:
        assert len({b.id for b in portfolio}) == len(portfolio)

    check()
