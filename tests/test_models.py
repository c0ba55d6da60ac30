"""Input models: validation errors name field and value, models are immutable, inputs are not mutated,
JSON Schema export works, and the vocabulary (with its fixed-identity refusal) behaves."""

from __future__ import annotations

import copy
import json
import math
import unicodedata
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from objectmatch import Building, Candidate, Floor, Location, Vocabulary, use_vocabulary
from objectmatch.models import check_unique_ids
from objectmatch.schedule import OFFICE_HOURS, opening_hours
from objectmatch.strategies import buildings, candidates, floors, locations
from objectmatch.vocabulary import fixed_identity_reason

FIXED_SYNONYMS = {
    "religion": "religion",
    "muslim": "religion",
    "gender": "gender",
    "elderly": "age group",
    "Moroccan origin": "origin",
}

FLOOR = {"level": 0, "area": 800.0, "free_height": 4.2, "floor_load": 5.0, "depth": 16.0, "street_frontage": True}
LOCATION = {"lat": 52.36, "lon": 4.93, "neighbourhood": "Indische Buurt", "dna": {"culture": 0.8}}
BUILDING: dict[str, Any] = {
    "id": "kb-1",
    "name": "Kantoor Oost",
    "floors": [FLOOR, {**FLOOR, "level": 1, "street_frontage": False, "free_height": 3.0}],
    "permitted_functions": ["office", "assembly"],
    "asking_rent": 165.0,
    "location": LOCATION,
}
CANDIDATE: dict[str, Any] = {
    "id": "cafe-1",
    "name": "Buurtcafe",
    "function": "assembly",
    "activity": "cafe",
    "identities": {"food": 1.0, "community": 0.8},
    "values": {"hospitality": 0.9},
    "needs": ["foot_traffic"],
    "offers": ["catering"],
    "area_min": 150.0,
    "area_max": 300.0,
}


def _error(model: type[Any], data: dict[str, Any], **kwargs: Any) -> str:
    with pytest.raises(ValidationError) as info:
        model.model_validate(data, **kwargs)
    return str(info.value)


def _assert_names(message: str, field: str, value: str) -> None:
    assert field in message, message
    assert value in message, message


# -- invalid inputs: each error names the field and the value ------------------------------------


@pytest.mark.parametrize("area", [0, -5, -0.5])
def test_floor_area_must_be_positive(area: float) -> None:
    _assert_names(_error(Floor, {**FLOOR, "area": area}), "area", f"input_value={area}")


@pytest.mark.parametrize("field", ["area_min", "area_max"])
@pytest.mark.parametrize("area", [0, -5])
def test_candidate_area_must_be_positive(field: str, area: float) -> None:
    message = _error(Candidate, {**CANDIDATE, field: area})
    _assert_names(message, field, f"input_value={area}")
    assert "greater than 0" in message


def test_area_min_above_area_max() -> None:
    message = _error(Candidate, {**CANDIDATE, "area_min": 500, "area_max": 100})
    assert "area_min 500 " in message and "area_max 100 " in message


def test_duplicate_floor_levels() -> None:
    message = _error(Building, {**BUILDING, "floors": [FLOOR, {**FLOOR, "area": 500}]})
    _assert_names(message, "floors", "duplicate floor level 0")


def test_duplicate_candidate_ids() -> None:
    a = Candidate.model_validate(CANDIDATE)
    b = Candidate.model_validate({**CANDIDATE, "name": "Other"})
    with pytest.raises(ValueError, match=r"duplicate candidate id 'cafe-1' at positions 0 and 1"):
        check_unique_ids([a, b])


@pytest.mark.parametrize(
    ("model", "base", "field", "weights"),
    [
        (Candidate, CANDIDATE, "identities", {"food": 1.5}),
        (Candidate, CANDIDATE, "identities", {"food": -0.1}),
        (Candidate, CANDIDATE, "values", {"calm": 2.0}),
        (Location, LOCATION, "dna", {"culture": 1.01}),
    ],
)
def test_weights_outside_unit_interval(model: type[Any], base: dict[str, Any], field: str,
                                       weights: dict[str, float]) -> None:
    message = _error(model, {**base, field: weights})
    (tag, weight), = weights.items()
    assert f"{field}.{tag}" in message, message
    assert f"input_value={weight}" in message


@pytest.mark.parametrize(
    ("model", "base", "field", "value"),
    [
        (Candidate, CANDIDATE, "area_min", math.nan),
        (Candidate, CANDIDATE, "visitors_per_day", math.nan),
        (Candidate, CANDIDATE, "max_rent", math.inf),
        (Floor, FLOOR, "free_height", math.nan),
        (Location, LOCATION, "lat", math.nan),
        (Building, BUILDING, "asking_rent", math.nan),
    ],
)
def test_nan_and_inf_are_refused(model: type[Any], base: dict[str, Any], field: str, value: float) -> None:
    message = _error(model, {**base, field: value})
    _assert_names(message, field, f"input_value={value}")
    assert "finite number" in message


def test_nan_weight_and_nan_in_schedule() -> None:
    message = _error(Candidate, {**CANDIDATE, "identities": {"food": math.nan}})
    _assert_names(message, "identities.food", "nan")
    grid = [list(row) for row in OFFICE_HOURS]
    grid[2][5] = math.nan
    _assert_names(_error(Candidate, {**CANDIDATE, "schedule": grid}), "schedule", "schedule[2][5] = nan")


def test_unknown_function() -> None:
    message = _error(Candidate, {**CANDIDATE, "function": "spaceport"})
    _assert_names(message, "function", "'spaceport'")
    assert "unknown function" in message and "extend" in message.lower()
    _assert_names(_error(Building, {**BUILDING, "permitted_functions": ["office", "casino"]}),
                  "permitted_functions", "'casino'")


@pytest.mark.parametrize(
    ("model", "base", "field", "value", "tag"),
    [
        (Candidate, CANDIDATE, "identities", {"skateboarding": 1.0}, "skateboarding"),
        (Candidate, CANDIDATE, "values", {"punctuality": 1.0}, "punctuality"),
        (Candidate, CANDIDATE, "needs", ["helipad"], "helipad"),
        (Candidate, CANDIDATE, "offers", ["unicorns"], "unicorns"),
        (Location, LOCATION, "dna", {"surfing": 0.5}, "surfing"),
    ],
)
def test_unknown_tag(model: type[Any], base: dict[str, Any], field: str, value: Any, tag: str) -> None:
    message = _error(model, {**base, field: value})
    _assert_names(message, field, f"'{tag}'")
    assert "unknown" in message


@pytest.mark.parametrize("tag", sorted(FIXED_SYNONYMS))
@pytest.mark.parametrize(
    ("model", "base", "field", "as_weights"),
    [
        (Candidate, CANDIDATE, "identities", True),
        (Candidate, CANDIDATE, "values", True),
        (Candidate, CANDIDATE, "needs", False),
        (Candidate, CANDIDATE, "offers", False),
        (Location, LOCATION, "dna", True),
    ],
)
def test_fixed_identity_is_refused(model: type[Any], base: dict[str, Any], field: str, as_weights: bool,
                                   tag: str) -> None:
    value: Any = {tag: 1.0} if as_weights else [tag]
    message = _error(model, {**base, field: value})
    assert field in message
    # the tag appears as written or in canonical form ('Moroccan origin' -> 'moroccan_origin')
    assert tag.lower().replace(" ", "_") in message.lower()
    assert "fixed identity" in message and FIXED_SYNONYMS[tag] in message


def test_fixed_identity_reason_spares_flexible_identities() -> None:
    for tag in ("sport", "green", "community", "heritage", "care", "play", "learning", "living"):
        assert fixed_identity_reason(tag) is None, tag
    for tag, category in FIXED_SYNONYMS.items():
        reason = fixed_identity_reason(tag)
        assert reason is not None and category in reason


@pytest.mark.parametrize(
    ("schedule", "fragment"),
    [
        ([[0.0] * 24] * 6, "got 6 rows"),
        ([[0.0] * 24] * 8, "got 8 rows"),
        ([[0.0] * 23] * 7, "lengths [23"),
        (np.zeros((7, 23)), "lengths [23"),
        ([[0.0] * 24] * 6 + [[0.0] * 25], "25]"),
        ([["x"] * 24] * 7, "schedule[0][0] = 'x' is not a number"),
        ([[1.5] * 24] * 7, "schedule[0][0] = 1.5 is outside [0, 1]"),
        ("whenever", "'whenever'"),
        ("mon-fri 25-26", "'25-26'"),
    ],
)
def test_schedule_of_wrong_shape_or_values(schedule: Any, fragment: str) -> None:
    message = _error(Candidate, {**CANDIDATE, "schedule": schedule})
    _assert_names(message, "schedule", fragment)


@pytest.mark.parametrize(("field", "value"), [("identities", {1: 0.5}), ("needs", [7]), ("offers", [None])])
def test_non_string_tags_give_a_validation_error(field: str, value: Any) -> None:
    message = _error(Candidate, {**CANDIDATE, field: value})
    _assert_names(message, field, "not a string")


def test_all_field_errors_are_reported_at_once() -> None:
    with pytest.raises(ValidationError) as info:
        Candidate.model_validate({**CANDIDATE, "area_min": -1, "function": "spaceport", "noise": 7})
    fields = {e["loc"][0] for e in info.value.errors()}
    assert fields == {"area_min", "function", "noise"}


def test_unknown_field_is_refused() -> None:
    _assert_names(_error(Candidate, {**CANDIDATE, "colour": "red"}), "colour", "'red'")


# -- valid inputs -----------------------------------------------------------------------------


def test_building_sorts_floors_and_derives_views() -> None:
    data = {**BUILDING, "floors": [{**FLOOR, "level": 2, "asking_rent": 120.0}, FLOOR,
                                   {**FLOOR, "level": -1, "street_frontage": False}]}
    building = Building.model_validate(data)
    assert building.levels == (-1, 0, 2)
    assert building.lettable_area == 3 * 800.0
    assert building.rent(2) == 120.0 and building.rent(0) == 165.0
    with pytest.raises(KeyError, match=r"no floor at level 5; levels: \[-1, 0, 2\]"):
        building.floor(5)


def test_candidate_tags_are_normalised_and_schedule_built_from_opening_hours() -> None:
    c = Candidate.model_validate({**CANDIDATE, "identities": {" Food ": 1.0}, "needs": "foot-traffic; catering",
                                  "schedule": "mon-fri 08:30-17"})
    assert c.identities == {"food": 1.0}
    assert c.needs == frozenset({"foot_traffic", "catering"})
    assert c.schedule == opening_hours("mon-fri 08:30-17")
    assert c.hours_open == 5 * 8.5
    assert c.is_public


def test_models_are_frozen() -> None:
    c = Candidate.model_validate(CANDIDATE)
    with pytest.raises(ValidationError):
        c.area_min = 10.0  # type: ignore[misc]
    b = Building.model_validate(BUILDING)
    with pytest.raises(ValidationError):
        b.asking_rent = 1.0  # type: ignore[misc]


def test_inputs_are_not_mutated() -> None:
    building = copy.deepcopy(BUILDING)
    building["floors"] = list(reversed(building["floors"]))
    before = copy.deepcopy(building)
    Building.model_validate(building)
    assert building == before
    candidate = {**CANDIDATE, "identities": {" Food ": 1.0}, "schedule": [list(r) for r in OFFICE_HOURS]}
    before = copy.deepcopy(candidate)
    Candidate.model_validate(candidate)
    assert candidate == before


# -- JSON and JSON Schema --------------------------------------------------------------------


@pytest.mark.parametrize("model", [Building, Candidate, Floor, Location])
@pytest.mark.parametrize("mode", ["validation", "serialization"])
def test_json_schema_export(model: type[Any], mode: Any) -> None:
    schema = model.model_json_schema(mode=mode)
    text = json.dumps(schema)
    assert json.loads(text) == schema
    assert set(schema["properties"]) == set(model.model_fields)
    required = {name for name, f in model.model_fields.items() if f.is_required()}
    assert set(schema.get("required", [])) >= required


def test_json_schema_describes_limits() -> None:
    props = Candidate.model_json_schema()["properties"]
    assert props["area_min"]["exclusiveMinimum"] == 0
    assert props["noise"]["maximum"] == 3
    floor_props = Building.model_json_schema()["$defs"]["Floor"]["properties"]
    assert floor_props["area"]["exclusiveMinimum"] == 0


@settings(max_examples=30, deadline=None)
@given(buildings(max_floors=5))
def test_building_round_trips_through_json(building: Building) -> None:
    text = json.dumps(building.model_dump(mode="json"))
    assert Building.model_validate(json.loads(text)) == building
    assert Building.model_validate_json(building.model_dump_json()) == building


@settings(max_examples=50, deadline=None)
@given(candidates())
def test_candidate_round_trips_through_json(candidate: Candidate) -> None:
    text = json.dumps(candidate.model_dump(mode="json"))
    assert Candidate.model_validate(json.loads(text)) == candidate
    assert Candidate.model_validate_json(candidate.model_dump_json()) == candidate


@settings(max_examples=50, deadline=None)
@given(floors(), locations())
def test_floor_and_location_round_trip_through_json(floor: Floor, location: Location) -> None:
    assert Floor.model_validate(json.loads(json.dumps(floor.model_dump(mode="json")))) == floor
    assert Location.model_validate(json.loads(json.dumps(location.model_dump(mode="json")))) == location


# -- vocabulary ------------------------------------------------------------------------------


def test_unknown_tag_accepted_only_after_extension() -> None:
    data = {**CANDIDATE, "function": "urban_farming", "identities": {"skateboarding": 0.9},
            "needs": ["half_pipe"]}
    with pytest.raises(ValidationError):
        Candidate.model_validate(data)
    vocab = Vocabulary.default().extend(functions=["urban_farming"], identities=["skateboarding"],
                                        needs_offers=["half pipe"])
    with use_vocabulary(vocab):
        c = Candidate.model_validate(data)
    assert c.identities == {"skateboarding": 0.9} and c.needs == frozenset({"half_pipe"})
    assert Candidate.model_validate(data, context={"vocabulary": vocab}) == c
    with pytest.raises(ValidationError, match="skateboarding"):  # the block restored the default
        Candidate.model_validate(data)


def test_extension_is_partial_and_nested_vocabularies_restore() -> None:
    sk8 = Vocabulary.default().extend(identities=["skateboarding"])
    surf = Vocabulary.default().extend(identities=["surfing"])
    with use_vocabulary(sk8):
        Candidate.model_validate({**CANDIDATE, "identities": {"skateboarding": 1.0}})
        with use_vocabulary(surf), pytest.raises(ValidationError, match="unknown identity 'skateboarding'"):
            Candidate.model_validate({**CANDIDATE, "identities": {"skateboarding": 1.0}})
        with pytest.raises(ValidationError, match="needs"):  # extending identities does not open needs
            Candidate.model_validate({**CANDIDATE, "needs": ["skateboarding"]})
        Candidate.model_validate({**CANDIDATE, "identities": {"skateboarding": 1.0}})


def test_replaced_vocabulary_refuses_default_words() -> None:
    vocab = Vocabulary(identities=["skateboarding"])
    with pytest.raises(ValidationError, match="unknown identity 'food'"):
        Candidate.model_validate(CANDIDATE, context={"vocabulary": vocab})


@pytest.mark.parametrize("tag", sorted(FIXED_SYNONYMS))
@pytest.mark.parametrize("kind", ["identities", "values", "needs_offers"])
def test_fixed_identity_cannot_be_added_to_a_vocabulary(kind: str, tag: str) -> None:
    with pytest.raises(ValidationError) as info:
        Vocabulary.default().extend(**{kind: [tag]})
    message = str(info.value)
    assert kind in message and "fixed identity" in message and FIXED_SYNONYMS[tag] in message
    with pytest.raises(ValidationError, match="fixed identity"):
        Vocabulary(**{kind: ["sport", tag]})


def test_fixed_identity_refused_even_if_a_vocabulary_smuggles_it_in() -> None:
    smuggled = Vocabulary.model_construct(identities=("religion", "sport"))  # skips validation
    with pytest.raises(ValidationError, match="fixed identity"):
        Candidate.model_validate({**CANDIDATE, "identities": {"religion": 1.0}},
                                 context={"vocabulary": smuggled})


# -- whole square metres ---------------------------------------------------------------------------


@pytest.mark.parametrize(("model", "base", "field"), [(Floor, FLOOR, "area"), (Candidate, CANDIDATE, "area_min"),
                                                      (Candidate, CANDIDATE, "area_max")])
def test_areas_are_whole_square_metres(model: type[Any], base: dict[str, Any], field: str) -> None:
    for given_value in (150.0, 150, np.float64(150.0), np.int64(150), "150", " 150.0 "):
        data = {**base, field: given_value}
        if field == "area_min":
            data["area_max"] = 300
        value = getattr(model.model_validate(data), field)
        assert value == 150 and type(value) is int
    message = _error(model, {**base, field: 136.5})
    assert f"{field} must be a whole number of m², got 136.5" in message
    for bad in (True, "136.5", "lots", np.float64(0.5)):
        assert "whole number of m²" in _error(model, {**base, field: bad})


def test_lettable_area_is_whole() -> None:
    building = Building.model_validate(BUILDING)
    assert building.lettable_area == 1600 and type(building.lettable_area) is int


# -- read-only mappings ----------------------------------------------------------------------------


def _mappings() -> list[tuple[str, Any]]:
    from objectmatch.culture import Hero, NeighbourhoodProfile, Ritual, Symbol

    c = Candidate.model_validate(CANDIDATE)
    b = Building.model_validate({**BUILDING, "conversion_costs": {"residential": 900},
                                 "location": {**LOCATION, "amenities": {"cafe": 2}}})
    return [
        ("Candidate.identities", c.identities), ("Candidate.values", c.values),
        ("Location.dna", b.location.dna), ("Location.amenities", b.location.amenities),
        ("Building.conversion_costs", b.conversion_costs),
        ("Symbol.identities", Symbol(name="s", identities={"green": 1.0}).identities),
        ("Hero.identities", Hero(name="h", identities={"sport": 1.0}).identities),
        ("Ritual.identities", Ritual(name="r", identities={"culture": 1.0}).identities),
        ("NeighbourhoodProfile.values", NeighbourhoodProfile(name="n", values={"openness": 1.0}).values),
        ("Vocabulary.offer_reach", Vocabulary.default().offer_reach),
        ("empty Candidate.values", Candidate.model_validate({**CANDIDATE, "values": {}}).values),
        ("default Location.amenities", Location.model_validate(LOCATION).amenities),
    ]


@pytest.mark.parametrize(("name", "mapping"), _mappings())
def test_every_mapping_of_every_input_model_is_read_only(name: str, mapping: Any) -> None:
    key = next(iter(mapping), "x")
    for mutate in (
        lambda m: m.__setitem__("religion", 1.0), lambda m: m.__delitem__(key), lambda m: m.update(x=1),
        lambda m: m.pop(key), lambda m: m.popitem(), lambda m: m.clear(), lambda m: m.setdefault("x", 1),
        lambda m: m.__ior__({"x": 1}),
    ):
        before = dict(mapping)
        with pytest.raises(TypeError, match="read-only"):
            mutate(mapping)
        assert dict(mapping) == before, name


def test_read_only_mappings_pickle_dump_and_compare_as_dicts() -> None:
    import pickle

    c = Candidate.model_validate(CANDIDATE)
    again = pickle.loads(pickle.dumps(c))
    assert again == c and type(again.identities) is type(c.identities)
    with pytest.raises(TypeError):
        again.identities["x"] = 1.0  # type: ignore[index]
    dumped = c.model_dump()
    assert type(dumped["identities"]) is dict and dumped["identities"] == {"food": 1.0, "community": 0.8}
    assert c.identities == {"food": 1.0, "community": 0.8} and c.identities == {"food": 1.0, "community": 0.8}
    assert Candidate.model_validate_json(c.model_dump_json()) == c
    assert copy.deepcopy(c) == c and hash(c) == hash(copy.deepcopy(c))
    assert c.identities.copy() == c.identities and type(c.identities.copy()) is dict


# -- control characters ----------------------------------------------------------------------------


def test_control_characters_are_stripped_from_text_fields() -> None:
    c = Candidate.model_validate({**CANDIDATE, "id": "\x1b[31mcafe-1\x1b[0m", "name": "\x1b[2JBuurt\tcafe\r\n",
                                  "activity": "ca\x00fe\x7f", "incompatible": ["lab\x1b-1"]})
    assert (c.id, c.name, c.activity, c.incompatible) == ("cafe-1", "Buurt cafe", "cafe", frozenset({"lab-1"}))
    b = Building.model_validate({**BUILDING, "name": "Kantoor\x85Oost\x9b", "location": {
        **LOCATION, "neighbourhood": "Indische\u2028Buurt\x07"}})
    assert b.name == "Kantoor Oost" and b.location.neighbourhood == "Indische Buurt"
    assert Candidate.model_validate({**CANDIDATE, "name": "Café  De Hoek"}).name == "Café  De Hoek"


@settings(max_examples=100, deadline=None)
@given(st.text(min_size=1, max_size=30))
def test_no_control_character_survives_validation(text: str) -> None:
    try:
        c = Candidate.model_validate({**CANDIDATE, "name": text, "activity": "cafe " + text})
    except ValidationError:
        return  # nothing left once cleaned, or a fixed-identity word in the activity
    for value in (c.name, c.activity):
        assert not any(unicodedata.category(ch) == "Cc" for ch in value)
        assert value == value.strip()


# -- schedules ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("schedule", "fragment"),
    [
        ({"mon-fri": 8}, "hours 8 are not text"),
        ({3: "08-18"}, "days 3 are not text"),
        ({"mon-fri": ["08-18"]}, "are not text"),
        ({"funday": "08-18"}, "unknown day 'funday'"),
        ({"mon-fri": "8 to 6"}, "'8 to 6'"),
        (5, "got 5"),
        (None, "got None"),
        ([["x" * 24]] * 7, "schedule must be 7 days x 24 hours"),
        ([[None] * 24] * 7, "schedule[0][0] = None is not a number"),
    ],
)
def test_any_bad_schedule_is_a_validation_error_naming_schedule(schedule: Any, fragment: str) -> None:
    _assert_names(_error(Candidate, {**CANDIDATE, "schedule": schedule}), "schedule", fragment)


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=8) | st.dictionaries(st.text(max_size=8) | st.integers(), inner,
                                                                max_size=4),
    max_leaves=30,
)


@settings(max_examples=200, deadline=None)
@given(_JSON)
def test_a_schedule_is_valid_or_a_validation_error_never_another_exception(value: Any) -> None:
    try:
        c = Candidate.model_validate({**CANDIDATE, "schedule": value})
    except ValidationError as exc:
        assert {e["loc"][0] for e in exc.errors()} == {"schedule"}
        return
    assert len(c.schedule) == 7 and all(len(day) == 24 for day in c.schedule)


# -- bounds and conversion costs ---------------------------------------------------------------------


@pytest.mark.parametrize(("field", "value"), [("transit_distance", 100_001.0), ("noise_db", 151.0)])
def test_physical_numbers_are_bounded(field: str, value: float) -> None:
    _assert_names(_error(Location, {**LOCATION, field: value}), field, "less than or equal")
    _assert_names(_error(Location, {**LOCATION, "amenities": {"cafe": 10**6}}), "amenities.cafe", "less than")


def test_conversion_costs_default_and_override() -> None:
    from objectmatch.models import default_conversion_costs

    defaults = default_conversion_costs()
    assert set(defaults) == set(Vocabulary.default().functions)
    assert all(math.isfinite(v) and v >= 0 for v in defaults.values())
    defaults["residential"] = -1.0  # a new dict every call
    assert default_conversion_costs()["residential"] > 0
    b = Building.model_validate({**BUILDING, "conversion_costs": {"Residential": 900}})
    assert b.conversion_costs == {"residential": 900.0}
    assert b.conversion_cost("residential") == 900.0
    assert b.conversion_cost("retail") == default_conversion_costs()["retail"]
    with use_vocabulary(Vocabulary.default().extend(functions=["urban_farming"])):
        assert b.conversion_cost("urban farming") == default_conversion_costs()["other"]
    with pytest.raises(ValueError, match="unknown function 'casino'"):
        b.conversion_cost("casino")


@pytest.mark.parametrize(
    ("costs", "fragment"),
    [({"casino": 100.0}, "unknown function 'casino'"), ({"residential": -1.0}, "greater than or equal to 0"),
     ({"residential": math.inf}, "finite number"), ({"residential": math.nan}, "finite number"),
     ({"religion": 1.0}, "fixed identity")],
)
def test_bad_conversion_costs_are_refused(costs: dict[str, float], fragment: str) -> None:
    _assert_names(_error(Building, {**BUILDING, "conversion_costs": costs}), "conversion_costs", fragment)


def test_conversion_cost_data_says_where_each_figure_comes_from() -> None:
    from importlib import resources

    raw = json.loads(resources.files("objectmatch").joinpath("data", "conversion_costs.json").read_text("utf-8"))
    for function, entry in raw["costs"].items():
        assert entry["source"] and entry["basis"] and 2000 <= entry["year"] <= 2100, function
        assert entry["source"] == "assumption" or entry["source"] in raw["calibrate_with"], function
