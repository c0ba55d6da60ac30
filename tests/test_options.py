"""The keyword options of match, score, check and scenarios: each validated once, by name.

A bad argument raises :class:`objectmatch._params.InvalidParameterError` (a ``ValueError`` and a
``TypeError``) whose message names the parameter, the function, its constraint in words and the
value given, every bad argument at once, before any work is done.

Coercions kept on purpose (``objectmatch/_params.py``): numpy integers count as ints and numpy
floats as floats (arrays hand them out everywhere), and ints count as floats. Refused: ``True`` /
``False`` for a number (a bool is almost always a slip), strings for numbers (the CLI parses its
own), and floats for ints (``1.5`` and ``2.0`` alike: a count is a count). Mappings are accepted for
the model-valued options (``constraints``, ``weights``, ``score_model``) and for ``building`` and
the candidates, and validated as those models.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from pydantic import ValidationError

import objectmatch as om
from objectmatch import Building, Candidate, Constraints, Floor, Location, Weights
from objectmatch._params import InvalidParameterError
from objectmatch.culture import example_participation
from objectmatch.options import MAX_SEED, MatchOptions, ScoringOptions

LOOSE = {"min_occupancy": 0.0, "min_functions": 0}


def _building() -> Building:
    return Building(
        id="b", name="B", asking_rent=150, permitted_functions={"office", "assembly"},
        floors=[Floor(level=0, area=300, free_height=4.0, floor_load=5.0, depth=12, street_frontage=True),
                Floor(level=1, area=300, free_height=3.0, floor_load=3.0, depth=12)],
        location=Location(lat=52.0, lon=5.0, neighbourhood="X"),
    )


def _pool() -> list[Candidate]:
    return [
        Candidate(id="cafe", name="Cafe", function="assembly", activity="cafe", area_min=80, area_max=150),
        Candidate(id="studio", name="Studio", function="office", activity="studio", area_min=100, area_max=300),
    ]


PLACED = {"cafe": {0: 100.0}, "studio": {1: 200.0}}


def _match(**options: Any) -> om.MatchResult:
    return om.match(_building(), _pool(), **options)


def _score(**options: Any) -> om.ScoreBreakdown:
    return om.score(_building(), _pool(), PLACED, **options)


def _scenarios(**options: Any) -> om.ScenarioSet:
    return om.scenarios(_building(), _pool(), **options)


def _check(**options: Any) -> list[om.Violation]:
    return om.check(_building(), _pool(), PLACED, **options)


def refused(call: Callable[[], Any], function: str, name: str, constraint: str, value: str) -> str:
    """Run ``call``; it must raise one InvalidParameterError naming ``name`` of ``function``, its
    constraint and the value (``repr``); return the message."""
    with pytest.raises(InvalidParameterError) as info:
        call()
    message = str(info.value)
    assert f"The {name!r} parameter of {function} must be " in message, message
    assert constraint in message and f"got {value}" in message, message
    assert isinstance(info.value, ValueError) and isinstance(info.value, TypeError)
    return message


# -- numbers ---------------------------------------------------------------------------------------------

SEED = "an int in [0, 2**32-1]"
TIME = "a float in (0, 86400] (seconds) or None"
BAD_NUMBERS = [
    ("seed", -1, SEED), ("seed", 2**64, SEED), ("seed", 1.5, SEED), ("seed", True, SEED), ("seed", "3", SEED),
    ("seed", 2.0, SEED), ("seed", MAX_SEED + 1, SEED),
    ("time_limit", 1e308, TIME), ("time_limit", 0, TIME), ("time_limit", -1, TIME), ("time_limit", math.nan, TIME),
    ("time_limit", math.inf, TIME), ("time_limit", True, TIME), ("time_limit", "1", TIME),
    ("k", 0, "an int in [1, 1000]"), ("k", 1001, "an int in [1, 1000]"), ("k", 2.0, "an int in [1, 1000]"),
    ("min_difference", 1.5, "a float in [0, 1]"), ("min_difference", -0.1, "a float in [0, 1]"),
    ("min_difference", True, "a float in [0, 1]"),
    ("area_step", 0, "an int in [1, 1000] (m²)"), ("area_step", 1.5, "an int in [1, 1000] (m²)"),
    ("area_step", 1001, "an int in [1, 1000] (m²)"),
]


@pytest.mark.parametrize("function", ["match", "scenarios"])
@pytest.mark.parametrize(("name", "value", "constraint"), BAD_NUMBERS)
def test_bad_numbers_are_named_with_constraint_and_value(function: str, name: str, value: Any, constraint: str) -> None:
    call = {"match": _match, "scenarios": _scenarios}[function]
    refused(lambda: call(**{name: value}), function, name, constraint, repr(value))


@pytest.mark.parametrize(("name", "value", "constraint"), [b for b in BAD_NUMBERS if b[0] == "area_step"])
def test_score_names_a_bad_area_step(name: str, value: Any, constraint: str) -> None:
    refused(lambda: _score(**{name: value}), "score", name, constraint, repr(value))


def test_kept_coercions_numpy_scalars_and_ints_for_floats() -> None:
    opts = MatchOptions(seed=np.uint32(3), k=np.int64(2), time_limit=np.float32(0.5), min_difference=1,
                        area_step=np.int16(5))
    assert (opts.seed, opts.k, opts.min_difference, opts.area_step) == (3, 2, 1.0, 5)
    assert type(opts.seed) is int and type(opts.time_limit) is float and opts.time_limit == 0.5
    result = _match(seed=np.int64(1), k=np.int64(1), time_limit=np.float64(0.2), constraints=LOOSE)
    assert result.options.seed == 1 and result.options.k == 1


def test_every_bad_argument_is_named_at_once() -> None:
    with pytest.raises(InvalidParameterError) as info:
        _match(seed=-1, k=0, time_limit=math.nan)
    assert len(info.value.errors) == 3
    assert {re.search(r"The '(\w+)'", e).group(1) for e in info.value.errors} == {"seed", "k", "time_limit"}  # type: ignore[union-attr]


def test_a_huge_value_is_shortened_in_the_message() -> None:
    message = refused(lambda: _match(seed=10**200), "match", "seed", SEED, "1000")
    assert len(message) < 300 and "chars)" in message


# -- unknown keywords -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "function", "name"),
    [(_match, "match", "lead"), (_match, "match", "weigths"), (_score, "score", "seed"), (_score, "score", "k"),
     (_scenarios, "scenarios", "lead")],
)
def test_unknown_keyword_arguments_are_refused(call: Callable[..., Any], function: str, name: str) -> None:
    with pytest.raises(InvalidParameterError, match=rf"{function}\(\) got an unexpected keyword argument {name!r}"):
        call(**{name: 1})


def test_check_refuses_unknown_keywords() -> None:
    with pytest.raises(TypeError, match="unexpected keyword argument 'seed'"):
        _check(seed=1)  # type: ignore[call-arg]


# -- model-valued options ------------------------------------------------------------------------------------


def test_weights_above_the_bound_are_refused() -> None:
    with pytest.raises(ValidationError, match=r"occupancy[\s\S]*less than or equal to 1000"):
        Weights(occupancy=1e308)
    message = refused(lambda: _match(weights={"occupancy": 1e308}), "match", "weights",
                      "a Weights (or a dict of weights, each in [0, 1000])", "{'occupancy': 1e+308}")
    assert "at occupancy" in message
    refused(lambda: _score(weights={"conflict": -1}), "score", "weights", "a Weights", "{'conflict': -1}")
    refused(lambda: _score(weights=Weights), "score", "weights", "a Weights", "<class")


def test_dicts_for_constraints_weights_and_score_model_are_accepted_and_validated() -> None:
    result = _match(constraints=LOOSE, weights={"occupancy": 2.0, "conflict": 3}, time_limit=0.2, k=1)
    assert result.options.constraints == Constraints(**LOOSE)
    assert result.options.weights == Weights(occupancy=2.0, conflict=3)
    b = _score(weights={"occupancy": 2.0}, score_model={"same_floor": 0.9, "adjacent_floor": 0.3})
    assert b.weights["occupancy"] == 2.0
    refused(lambda: _match(constraints={"min_occupancy": 1.5}), "match", "constraints",
            "a Constraints (or a dict of its fields)", "{'min_occupancy': 1.5}")
    refused(lambda: _match(constraints=3), "match", "constraints", "a Constraints", "3")
    refused(lambda: _score(score_model={"same_floor": 0.1}), "score", "score_model", "a ScoreModel", "{'same_floor'")


def test_building_and_candidates_as_dicts_are_accepted_and_validated() -> None:
    b = om.score(_building().model_dump(), [c.model_dump() for c in _pool()], PLACED)
    assert b == _score()
    result = om.match(_building().model_dump(), [c.model_dump() for c in _pool()], constraints=LOOSE, k=1,
                      time_limit=0.2)
    assert result.building == _building()
    with pytest.raises(ValueError, match="Building"):
        om.match({"id": "x"}, _pool())
    with pytest.raises(ValueError, match="Candidate"):
        om.score(_building(), [{"id": "x"}], {})
    refused(lambda: om.match([1, 2], _pool()), "match", "building", "a Building or a dict of its fields", "list")
    refused(lambda: om.score(_building(), "cafe", PLACED), "score", "candidates", "a sequence of Candidate", "str")
    refused(lambda: om.scenarios(_building(), 5), "scenarios", "candidates", "a sequence of Candidate", "int")


@pytest.mark.parametrize(
    ("name", "value", "constraint"),
    [("profile", "x", "a NeighbourhoodProfile or None"), ("network", 5, "an IdentityNetwork or None"),
     ("participation", [1], "a Participation or None"), ("score_model", "x", "a ScoreModel"),
     ("assess", None, "True or False"), ("exact", "maybe", "True, False or None")],
)
def test_the_context_options_name_their_type(name: str, value: Any, constraint: str) -> None:
    call = _match if name == "exact" else _score
    refused(lambda: call(**{name: value}), "match" if name == "exact" else "score", name, constraint, repr(value))


def test_a_participation_round_and_potentials_are_remembered() -> None:
    round_ = example_participation()
    result = _match(participation=round_, potentials={"office": 0.5}, constraints=LOOSE, k=1, time_limit=0.2)
    assert result.options.participation == round_ and result.options.potentials == {"office": 0.5}


@pytest.mark.parametrize(
    ("potentials", "shown"),
    [({"casino": 0.5}, "{'casino': 0.5}"), ({"office": math.nan}, "{'office': nan}"),
     ({"office": 1.5}, "{'office': 1.5}"), ({"office": -0.1}, "{'office': -0.1}"),
     ({"office": "0.5"}, "{'office': '0.5'}"), ({"office": True}, "{'office': True}")],
)
def test_potentials_with_an_unknown_function_nan_or_outside_the_unit_interval_are_refused(
    potentials: dict[str, Any], shown: str
) -> None:
    for call, function in ((_score, "score"), (_match, "match")):
        refused(lambda: call(potentials=potentials), function, "potentials",  # noqa: B023
                "a dict of function -> potential in [0, 1], or None", shown)
    assert ScoringOptions(potentials={"office": 0, "assembly": 1}).potentials == {"assembly": 1.0, "office": 0.0}


# -- placements ---------------------------------------------------------------------------------------------


def test_a_list_as_placements_gives_a_clear_error() -> None:
    with pytest.raises(InvalidParameterError, match=r"The 'placements' parameter of score: placements must be a "
                                                    r"mapping of candidate id to \{level: m²\}; got list"):
        om.score(_building(), _pool(), [("cafe", 0, 100.0)])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"placements must be a mapping of candidate id to \{level: m²\}; got list"):
        om.check(_building(), _pool(), [("cafe", 0, 100.0)])  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match=r"placements\['cafe'\] must be a mapping of level to m²; got list"):
        om.score(_building(), _pool(), {"cafe": [100.0]})  # type: ignore[dict-item]


# -- check ---------------------------------------------------------------------------------------------------


def test_check_accepts_its_options_by_name() -> None:
    assert _check(constraints=Constraints(**LOOSE)) == []
    assert _check(constraints=Constraints(**LOOSE), assess=False, area_step=50) == []
    assert [v.kind for v in _check(constraints=Constraints(**LOOSE), area_step=3)] == ["area_grid", "area_grid"]


@pytest.mark.parametrize(
    ("name", "value", "constraint"),
    [("area_step", 0, "an int in [1, 1000]"), ("area_step", 1.5, "an int in [1, 1000]"),
     ("area_step", True, "an int in [1, 1000]"), ("assess", "no", "True or False"),
     ("constraints", {"min_occupancy": 2}, "a Constraints")],
)
def test_check_names_a_bad_option(name: str, value: Any, constraint: str) -> None:
    refused(lambda: _check(**{name: value}), "check", name, constraint, repr(value))


def test_check_accepts_dicts_for_building_and_constraints() -> None:
    assert om.check(_building().model_dump(), _pool(), PLACED, constraints=LOOSE) == []  # type: ignore[arg-type]


# -- coercions the policy refuses but the core still lets through ------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value"),
    [("exact", "yes"), ("assess", 1), ("weights", {"occupancy": True}), ("weights", {"occupancy": "2"})],
)
def test_bools_and_strings_are_not_coerced(name: str, value: Any) -> None:
    with pytest.raises(InvalidParameterError, match=name):
        _match(**{name: value}, constraints=LOOSE, time_limit=0.1)


# -- scenarios -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("leads", ["office", ["casino"]])
def test_scenarios_names_bad_leads(leads: Any) -> None:
    with pytest.raises(InvalidParameterError, match="'leads' parameter of scenarios"):
        _scenarios(leads=leads, time_limit=0.1)


def test_scenarios_validates_before_any_work() -> None:
    refused(lambda: _scenarios(k=0, leads=["office"]), "scenarios", "k", "an int in [1, 1000]", "0")
    s = _scenarios(leads=["office"], constraints=LOOSE, time_limit=0.2)
    assert s.options.k == 1  # scenarios default to one programme per lead
