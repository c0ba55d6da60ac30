"""Tests for objectmatch.assess: veto thresholds flip the verdict exactly there; gradual criteria rank sensibly."""

from __future__ import annotations

import json
import time
import warnings
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from objectmatch import Building, Floor, Location
from objectmatch.assess import (
    AMENITY_SYNONYMS,
    Assessment,
    AssessmentCriteria,
    UnknownAmenityWarning,
    assessments,
    default_criteria,
    excluded_functions,
    known_amenities,
    load_criteria,
    normalise_amenities,
    potential,
    potentials,
    profile,
    validate_potentials,
)
from objectmatch.vocabulary import DEFAULT_FUNCTIONS, ObjectmatchWarning, normalise_tag

ALL = set(DEFAULT_FUNCTIONS)


def floor(level: int = 0, **kw: Any) -> Floor:
    """A floor that passes every floor-level veto of every function."""
    base: dict[str, Any] = dict(
        level=level, area=500.0, free_height=6.0, floor_load=8.0, depth=12.0, street_frontage=level == 0,
        elevator=True, column_grid=12.0,
    )
    base.update(kw)
    return Floor(**base)


def building(floors: list[Floor] | None = None, location: dict[str, Any] | None = None, **kw: Any) -> Building:
    """A building that passes every veto of every function unless told otherwise."""
    loc: dict[str, Any] = dict(lat=52.36, lon=4.92, neighbourhood="Oost", noise_db=50.0, transit_distance=300.0)
    loc.update(location or {})
    base: dict[str, Any] = dict(
        id="b", name="Test", asking_rent=150.0, permitted_functions=ALL, energy_label="A",
        construction_year=2005, floors=floors or [floor(0), floor(1)], location=Location(**loc),
    )
    base.update(kw)
    return Building(**base)


def floor_vetoes() -> list[tuple[str, str, float]]:
    crit = default_criteria()
    return [
        (fname, str(v.field), float(v.value))
        for fname, table in crit.functions.items()
        for v in table.vetoes
        if v.check == "floor_min" and isinstance(v.value, float)
    ]


WORDS = {"free_height": "free height", "floor_load": "floor load"}


# -- the baseline passes everything --------------------------------------------------------------
def test_baseline_is_suitable_for_every_function() -> None:
    b = building()
    for function, a in assessments(b).items():
        assert a.vetoes == [], (function, a.vetoes)
        assert a.verdict != "not suitable"


# -- veto thresholds: the verdict flips exactly at the threshold ----------------------------------
@pytest.mark.parametrize(("function", "field", "minimum"), floor_vetoes())
def test_floor_minimum_flips_verdict_exactly_there(function: str, field: str, minimum: float) -> None:
    below = building(floors=[floor(0, **{field: minimum - 0.01}), floor(1, **{field: minimum - 0.01})])
    at = building(floors=[floor(0, **{field: minimum}), floor(1, **{field: minimum})])
    a_below, a_at = potential(below, function), potential(at, function)
    assert a_below.verdict == "not suitable"
    assert a_below.potential == 0.0
    assert len(a_below.vetoes) == 1
    assert WORDS[field] in a_below.vetoes[0] and function in a_below.vetoes[0]
    assert f"{minimum:.2f}" in a_below.vetoes[0]
    assert a_at.verdict != "not suitable" and a_at.vetoes == []
    assert a_at.potential > 0


@pytest.mark.parametrize(
    ("function", "field", "minimum"),
    [("residential", "free_height", 2.6), ("residential", "floor_load", 1.75), ("office", "floor_load", 2.5),
     ("sport", "floor_load", 5.0), ("retail", "floor_load", 4.0), ("assembly", "floor_load", 4.0)],
)
def test_documented_thresholds(function: str, field: str, minimum: float) -> None:
    # Hand-checked against docs/assessment.md, so a silent edit of the data table is caught.
    assert (function, field, minimum) in floor_vetoes()


def test_one_passing_floor_is_enough_and_defines_usable_levels() -> None:
    b = building(floors=[floor(0, free_height=2.4), floor(1, free_height=2.7), floor(2, free_height=2.5)])
    a = potential(b, "residential")
    assert a.vetoes == [] and a.usable_levels == [1]
    share = next(c for c in a.criteria if c.name == "usable_share")
    assert share.value == pytest.approx(1 / 3)


def test_floor_minimums_must_hold_on_the_same_floor() -> None:
    b = building(floors=[floor(0, free_height=2.4, floor_load=5.0), floor(1, free_height=3.0, floor_load=1.0)])
    a = potential(b, "residential")
    assert a.verdict == "not suitable"
    assert len(a.vetoes) == 1 and "together" in a.vetoes[0]


@pytest.mark.parametrize("function", ["residential", "healthcare", "education"])
@pytest.mark.parametrize(("noise", "vetoed"), [(62.9, False), (63.0, False), (63.1, True)])
def test_noise_maximum_flips_verdict(function: str, noise: float, vetoed: bool) -> None:
    a = potential(building(location={"noise_db": noise}), function)
    assert (a.verdict == "not suitable") is vetoed
    if vetoed:
        assert any("noise" in v and "63.0 dB" in v for v in a.vetoes)


def test_noise_veto_only_for_noise_sensitive_functions() -> None:
    b = building(location={"noise_db": 75.0})
    vetoed = set(excluded_functions(b))
    assert vetoed == {"residential", "healthcare", "education"}


def test_unknown_noise_is_reported_unchecked_not_vetoed() -> None:
    a = potential(building(location={"noise_db": None}), "residential")
    assert a.vetoes == [] and any("noise" in u for u in a.unchecked)


@pytest.mark.parametrize(("hazard", "vetoed"), [(False, False), (True, True)])
def test_hazard_contour_vetoes_vulnerable_uses(hazard: bool, vetoed: bool) -> None:
    b = building(location={"hazard_contour": hazard})
    a = potential(b, "residential")
    assert (a.verdict == "not suitable") is vetoed
    if vetoed:
        assert "risk contour" in a.vetoes[0]
        assert potential(b, "office").vetoes == []


@pytest.mark.parametrize(("label", "vetoed"), [("A", False), ("B", False), ("C", False), ("D", True), ("G", True)])
def test_office_needs_energy_label_c(label: str, vetoed: bool) -> None:
    a = potential(building(energy_label=label), "office")
    assert (a.verdict == "not suitable") is vetoed
    if vetoed:
        assert f"energy label {label}" in a.vetoes[0]
    assert potential(building(energy_label=label), "residential").vetoes == []


def test_zoning_veto_and_prospective_condition() -> None:
    b = building(permitted_functions={"office"}, prospective_functions={"residential"})
    res, retail = potential(b, "residential"), potential(b, "retail")
    assert res.verdict == "conditionally suitable" and res.vetoes == []
    assert "zoning change" in res.conditions[0]
    assert res.potential > 0
    assert retail.verdict == "not suitable" and "zoning does not permit retail" in retail.vetoes[0]
    assert potential(b, "office").verdict == "suitable"


def test_all_veto_reasons_are_named_at_once() -> None:
    b = building(
        permitted_functions={"office"},
        floors=[floor(0, free_height=2.2, floor_load=1.0)],
        location={"noise_db": 70.0, "hazard_contour": True},
    )
    a = potential(b, "residential")
    text = " | ".join(a.vetoes)
    for word in ("zoning", "free height", "floor load", "risk contour", "noise"):
        assert word in text
    assert len(a.vetoes) == 5


# -- gradual criteria -----------------------------------------------------------------------------
def test_deep_floor_plate_scores_lower_for_residential() -> None:
    shallow = building(floors=[floor(0, depth=12.0), floor(1, depth=12.0)])
    deep = building(floors=[floor(0, depth=20.0), floor(1, depth=20.0)])
    a12, a20 = potential(shallow, "residential"), potential(deep, "residential")
    assert a12.vetoes == [] and a20.vetoes == []
    assert a20.potential < a12.potential
    assert a20.building < a12.building
    assert a20.location == a12.location
    depth = {a.potential: next(c for c in a.criteria if c.name == "depth") for a in (a12, a20)}
    assert depth[a12.potential].points == 1.0 and depth[a20.potential].points == 0.0


def test_floor_criteria_are_area_weighted_over_usable_floors() -> None:
    b = building(floors=[floor(0, depth=12.0, area=100.0), floor(1, depth=18.0, area=300.0)])
    depth = next(c for c in potential(b, "residential").criteria if c.name == "depth")
    assert depth.value == pytest.approx(16.5)
    assert depth.points == pytest.approx(0.25)  # 12 m: 1 point on 100 m², 18 m: 0 points on 300 m²
    assert depth.thresholds == {"good": 13.0, "poor": 18.0}


def test_hand_worked_potential_with_custom_table() -> None:
    table = {
        "version": 1,
        "suitable_from": 0.5,
        "sources": {"s": "test"},
        "functions": {
            "office": {
                "label": "office",
                "vetoes": [{"name": "zoning", "check": "permitted", "source": "s"}],
                "criteria": [
                    {"name": "transit", "level": "location", "field": "transit_distance", "scoring": "lower_better",
                     "good": 300, "poor": 1000, "weight": 1, "source": "s"},
                    {"name": "depth", "level": "building", "field": "depth", "scoring": "lower_better",
                     "good": 15, "poor": 25, "weight": 3, "source": "s"},
                ],
            },
            "other": {
                "label": "other",
                "criteria": [
                    {"name": "transit", "level": "location", "field": "transit_distance", "scoring": "lower_better",
                     "good": 300, "poor": 1000, "weight": 1, "source": "s"},
                    {"name": "street", "level": "building", "field": "street_frontage", "scoring": "bool",
                     "weight": 1, "source": "s"},
                ],
            },
        },
    }
    crit = load_criteria(table)
    b = building(floors=[floor(0, depth=17.5)], location={"transit_distance": 650.0})
    a = potential(b, "office", criteria=crit)
    assert a.location == pytest.approx(0.5)
    assert a.building == pytest.approx(0.75)
    assert a.potential == pytest.approx((1 * 0.5 + 3 * 0.75) / 4)
    # A function without its own table is assessed with 'other', and says so.
    other = potential(b, "sport", criteria=crit)
    assert other.potential == pytest.approx((0.5 + 1.0) / 2)
    assert any("'other' table" in c for c in other.conditions)


def test_low_potential_is_conditionally_suitable() -> None:
    data = default_criteria().model_dump()
    data["suitable_from"] = 1.0
    a = potential(building(floors=[floor(0, depth=16.0)]), "residential", criteria=load_criteria(data))
    assert a.verdict == "conditionally suitable" and "below 1.00" in a.conditions[-1]


def test_unknown_values_score_neutral_and_are_marked() -> None:
    b = building(floors=[floor(0, column_grid=None)], energy_label=None, construction_year=None)
    a = potential(b, "residential")
    unknown = {c.name for c in a.criteria if not c.known}
    assert {"column_grid", "energy_label", "construction_year", "core_position", "daily_shops"} <= unknown
    assert all(c.points == 0.5 for c in a.criteria if not c.known)
    assert all(c.name not in unknown for c in a.weakest(10))


def test_amenities_counted_zero_is_known_and_scores_zero() -> None:
    counted = potential(building(location={"amenities": {"park": 0}}), "residential")
    shops = next(c for c in counted.criteria if c.name == "daily_shops")
    assert shops.known and shops.value == 0.0 and shops.points == 0.0
    good = potential(building(location={"amenities": {"supermarket": 2}}), "residential")
    assert next(c for c in good.criteria if c.name == "daily_shops").points == 1.0


def test_street_frontage_matters_for_retail() -> None:
    street = building(floors=[floor(0, street_frontage=True), floor(1)])
    blind = building(floors=[floor(0, street_frontage=False), floor(1)])
    assert potential(blind, "retail").potential < potential(street, "retail").potential


# -- properties ------------------------------------------------------------------------------------
floors_st: st.SearchStrategy[list[dict[str, Any]]] = st.lists(
    st.builds(
        dict,
        area=st.integers(10, 5000),
        free_height=st.floats(1.8, 8.0),
        floor_load=st.floats(0.5, 12.0),
        depth=st.floats(5.0, 40.0),
        street_frontage=st.booleans(),
        elevator=st.booleans(),
        column_grid=st.none() | st.floats(2.0, 20.0),
    ),
    min_size=1,
    max_size=5,
)
location_st: st.SearchStrategy[dict[str, Any]] = st.builds(
    dict,
    noise_db=st.none() | st.floats(30, 80),
    transit_distance=st.none() | st.floats(0, 5000),
    hazard_contour=st.booleans(),
    amenities=st.dictionaries(st.sampled_from(["park", "cafe", "supermarket", "school", "theatre"]),
                              st.integers(0, 20), max_size=5),
)


def make(floors: list[dict[str, Any]], loc: dict[str, Any], label: str | None, permitted: set[str]) -> Building:
    return building(
        floors=[floor(i, **f) for i, f in enumerate(floors)], location=loc, energy_label=label,
        permitted_functions=permitted,
    )


@settings(max_examples=40, deadline=None)
@given(
    floors_st,
    location_st,
    st.none() | st.sampled_from(["A", "C", "D", "G"]),
    st.sets(st.sampled_from(sorted(ALL)), min_size=1),
)
def test_potentials_in_unit_interval_and_consistent_with_exclusions(
    floors: list[dict[str, Any]], loc: dict[str, Any], label: str | None, permitted: set[str]
) -> None:
    b = make(floors, loc, label, permitted)
    found = assessments(b)
    pots, excluded = potentials(b), excluded_functions(b)
    assert set(found) == set(pots) == ALL
    for function, a in found.items():
        assert 0.0 <= a.potential <= 1.0 and 0.0 <= a.location <= 1.0 and 0.0 <= a.building <= 1.0
        assert pots[function] == a.potential
        assert (function in excluded) == (a.verdict == "not suitable") == bool(a.vetoes)
        if a.vetoes:
            assert a.potential == 0.0 and excluded[function] == "; ".join(a.vetoes)
        for c in a.criteria:
            assert 0.0 <= c.points <= 1.0 and c.weight > 0
        if function not in permitted:
            assert a.verdict == "not suitable"


@settings(max_examples=40, deadline=None)
@given(st.floats(5.0, 40.0), st.floats(0.0, 10.0), st.floats(30.0, 62.0), st.floats(0.0, 1.0))
def test_residential_potential_monotone_in_depth_and_noise(depth: float, more: float, noise: float, quieter: float
                                                           ) -> None:
    def pot(d: float, n: float) -> float:
        return potential(building(floors=[floor(0, depth=d)], location={"noise_db": n}), "residential").potential

    assert pot(depth + more, noise) <= pot(depth, noise)
    assert pot(depth, noise - quieter * 10) >= pot(depth, noise)


# -- outputs -----------------------------------------------------------------------------------------
def test_profile_one_row_per_function() -> None:
    b = building(permitted_functions={"office", "retail", "residential"})
    p = profile(b)
    assert len(p) == len(DEFAULT_FUNCTIONS) and set(p.index) == ALL and set(p["function"]) == ALL
    assert list(p.columns) == ["function", "verdict", "potential", "location", "building", "vetoes", "deciding"]
    assert p["potential"].is_monotonic_decreasing
    assert p.loc["sport", "verdict"] == "not suitable" and "zoning" in str(p.loc["sport", "deciding"])
    assert p.loc["office", "verdict"] == "suitable"


def test_assessment_to_frame_and_round_trip() -> None:
    a = potential(building(floors=[floor(0, depth=20.0)]), "residential")
    frame = a.to_frame()
    assert isinstance(frame, pd.DataFrame) and len(frame) == len(a.criteria)
    assert frame.attrs["verdict"] == a.verdict
    assert frame["weighted"].sum() / frame["weight"].sum() == pytest.approx(a.potential)
    assert Assessment.model_validate_json(a.model_dump_json()) == a
    with pytest.raises(ValidationError):
        a.potential = 1.0  # type: ignore[misc]


def test_bad_function_and_bad_building() -> None:
    with pytest.raises(ValueError, match="unknown function 'spaceport'"):
        potential(building(), "spaceport")
    with pytest.raises(TypeError, match="must be a Building"):
        potential("b", "office")  # type: ignore[arg-type]


# -- the criteria tables ---------------------------------------------------------------------------
def test_bundled_criteria_cover_every_function_and_cite_sources() -> None:
    crit = default_criteria()
    assert set(crit.functions) == ALL
    frame = crit.to_frame()
    assert set(frame["source"]) <= set(crit.sources)
    assert (frame.groupby("function")["name"].count() >= 3).all()


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        ({"source": "nowhere"}, "unknown source 'nowhere'"),
        ({"good": 30}, "lower_better needs good < poor"),
        ({"level": "location"}, "is building level"),
        ({"scoring": "category"}, "not categorical"),
    ],
)
def test_bad_criteria_data_is_refused_with_reason(patch: dict[str, Any], message: str, tmp_path: Path) -> None:
    data = default_criteria().model_dump()
    depth = next(c for c in data["functions"]["residential"]["criteria"] if c["name"] == "depth")
    depth.update(patch)
    path = tmp_path / "criteria.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ValidationError, match=message):
        load_criteria(path)


def test_criteria_file_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text(default_criteria().model_dump_json())
    assert load_criteria(path) == default_criteria()
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_criteria(tmp_path / "missing.json")
    assert isinstance(default_criteria(), AssessmentCriteria)


def test_docs_show_the_bundled_tables() -> None:
    doc = Path(__file__).resolve().parents[1] / "docs" / "assessment.md"
    if not doc.is_file():
        pytest.skip("docs/assessment.md is not shipped with this copy")
    assert default_criteria().to_markdown() in doc.read_text(encoding="utf-8"), (
        "docs/assessment.md is out of date: paste default_criteria().to_markdown() under 'Criteria tables'"
    )


# -- amenity synonyms ------------------------------------------------------------------------------


def test_the_example_buildings_amenities_are_all_known_and_counted() -> None:
    from objectmatch import load_example

    example, _ = load_example()
    assert {"gp", "gym", "culture", "hotel"} <= set(example.location.amenities)  # keys the criteria do not use
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnknownAmenityWarning)
        counts = normalise_amenities(example.location.amenities)
        result = assessments(example.model_copy(update={"id": "example-copy"}))
    assert counts["doctors"] == 1 and counts["fitness_centre"] == 3 and counts["arts_centre"] == 1
    care = next(c for c in result["residential"].criteria if c.name == "care")
    sport = next(c for c in result["residential"].criteria if c.name == "sport_nearby")
    assert care.value == 1.0 and sport.value == 3.0  # 'gp' and 'gym' count, not a silent zero


@pytest.mark.parametrize(
    ("alias", "canonical"),
    [("supermarkt", "supermarket"), ("Grocery", "supermarket"), ("huisarts", "doctors"), ("doctor", "doctors"),
     ("horeca", "restaurant"), ("bibliotheek", "library"), ("Kinderopvang", "childcare"), ("zwembad", "swimming_pool")],
)
def test_synonyms_count_as_their_category(alias: str, canonical: str) -> None:
    assert AMENITY_SYNONYMS[normalise_tag(alias)] == canonical
    plain = building(id="plain", location={"amenities": {canonical: 3}})
    aliased = building(id="aliased", location={"amenities": {alias: 3}})
    assert potentials(plain) == potentials(aliased)


def test_synonym_counts_add_up() -> None:
    assert normalise_amenities({"supermarkt": 1, "grocery": 2, "supermarket": 4}) == {"supermarket": 7}


def test_an_unknown_amenity_warns_naming_it() -> None:
    b = building(id="unknown-amenity", location={"amenities": {"unicorn_stable": 4, "cafe": 2}})
    with pytest.warns(UnknownAmenityWarning, match="'unicorn_stable' is not a category objectmatch knows") as record:
        potentials(b)
    assert len(record) == 1  # once per building, not once per function
    assert issubclass(UnknownAmenityWarning, ObjectmatchWarning)
    with pytest.warns(UnknownAmenityWarning, match="unicorn_stable"):
        potential(b, "retail")


def test_every_criteria_category_and_synonym_target_is_known() -> None:
    known = known_amenities()
    categories = {c for t in default_criteria().functions.values() for s in t.criteria for c in s.categories}
    assert categories <= known and set(AMENITY_SYNONYMS.values()) <= known


# -- thread safety -----------------------------------------------------------------------------------


class _SlowDict(dict):  # type: ignore[type-arg]
    """A dict that lets other threads run in the middle of its operations, as a busy machine may:
    an unguarded check-then-evict on it fails at once instead of once in a blue moon."""

    def get(self, key: Any, default: Any = None) -> Any:
        time.sleep(0)
        return super().get(key, default)

    def pop(self, key: Any, *default: Any) -> Any:
        time.sleep(0)
        return super().pop(key, *default)

    def __iter__(self) -> Any:
        for key in list(super().__iter__()):
            time.sleep(0)
            yield key
            if key not in self:
                raise RuntimeError("dictionary changed size during iteration")

    def __setitem__(self, key: Any, value: Any) -> None:
        time.sleep(0)
        super().__setitem__(key, value)


def test_potentials_from_eight_threads_match_one_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from objectmatch import assess
    from objectmatch.datasets import generate_portfolio

    portfolio = generate_portfolio(150, seed=4, floors=(2, 5))
    expected = [potentials(b, functions=["office", "retail"]) for b in portfolio]
    monkeypatch.setattr(assess, "_RECENT", _SlowDict())

    def run(offset: int) -> list[dict[str, float]]:
        order = list(range(offset, 150)) + list(range(offset))
        out = {i: potentials(portfolio[i], functions=["office", "retail"]) for i in order}
        return [out[i] for i in range(150)]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(run, range(0, 150, 19)))
    assert all(r == expected for r in results)


# -- potentials given by users -----------------------------------------------------------------------


def test_validate_potentials_normalises_good_input() -> None:
    assert validate_potentials({" Residential ": 0.25, "office": 1, "retail": 0}) == {
        "residential": 0.25, "office": 1.0, "retail": 0.0}
    assert validate_potentials({}) == {}


@pytest.mark.parametrize(
    ("given", "fragment"),
    [
        ({"retail": 1.5}, "potentials['retail'] = 1.5 is not a finite number in [0, 1]"),
        ({"retail": -0.1}, "potentials['retail'] = -0.1"),
        ({"retail": float("nan")}, "potentials['retail'] = nan"),
        ({"retail": float("inf")}, "potentials['retail'] = inf"),
        ({"retail": True}, "potentials['retail'] = True"),
        ({"retail": "0.5"}, "potentials['retail'] = '0.5'"),
        ({"casino": 0.5}, "potentials: unknown function 'casino'"),
        ({"Retail": 0.5, "retail": 0.4}, "appears twice"),
        ({3: 0.5}, "function 3 is a int"),
        ([("retail", 0.5)], "must be a mapping"),
    ],
)
def test_validate_potentials_names_function_and_value(given: Any, fragment: str) -> None:
    with pytest.raises(ValueError) as info:
        validate_potentials(given)
    assert fragment in str(info.value)
