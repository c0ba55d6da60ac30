"""The score: the hand-worked examples of docs/scoring.md in exact fractions, and its invariants.

The example tests rebuild the models of docs/scoring.md section 4 and check every number written
there, computed by hand here with :class:`fractions.Fraction` from the inputs (compared to 1e-12).
The property tests draw buildings, pools and physically valid programmes and check what must hold
whatever the data: every component in [0, 1], the total is the weighted sum, every component
equals the formulas of docs/scoring.md written out in plain Python (:func:`reference`), order and
unplaced candidates do not matter, units cancel, a building-wide offer does not care where its
provider sits, foot traffic flows only along the street, shared identity falls with distance, a
loud neighbour costs, and a different noise table changes conflict as the table says.
"""

from __future__ import annotations

import contextlib
import copy
import io
import math
import re
from collections.abc import Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from objectmatch import (
    Building,
    Candidate,
    Constraints,
    Floor,
    Location,
    ScoreBreakdown,
    Weights,
    check,
    match,
    pairwise_scores,
    score,
)
from objectmatch.assess import potentials as assessed_potentials
from objectmatch.constraints import min_part, placement_violations
from objectmatch.culture import Participation
from objectmatch.culture.participation import ParticipationStrengths
from objectmatch.scoring import COMPONENTS, MAX_WEIGHT, PlacementError, ScoreModel, pairwise_components
from objectmatch.strategies import buildings, candidate_pools, candidates
from objectmatch.vocabulary import active_vocabulary, is_meeting_place

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs" / "scoring.md"
PROPS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FEW = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TIGHT = 1e-12
PAIRS = ("shared_identity", "complementarity", "time_complementarity")

# The weights of the worked examples, written out so that tuning the defaults does not break them.
W = Weights(
    occupancy=1, rent=1, shared_identity=6, complementarity=6, time_complementarity=2, conflict=8,
    neighbourhood_fit=0.5, building_fit=0.5, budget_fit=0.25, access=0.5, support=1, objection=1,
    pioneer=0.5, diversity=0.5, heart=0.5, values_share=1 / 3, diversity_target=4, pioneer_target=2,
)
F = Fraction
Placements = dict[str, dict[int, float]]


def close(got: float, hand: Fraction | float, tol: float = TIGHT) -> bool:
    return abs(got - float(hand)) <= tol


# -- docs/scoring.md (a): three tenants in a warehouse ------------------------------------------


def pakhuis(**update: Any) -> Building:
    data: dict[str, Any] = dict(
        id="pakhuis", name="Pakhuis", asking_rent=150,
        permitted_functions={"assembly", "office", "sport", "education"},
        floors=[
            Floor(level=0, area=200, free_height=4.0, floor_load=5.0, depth=12, street_frontage=True, asking_rent=200),
            Floor(level=1, area=200, free_height=3.0, floor_load=3.0, depth=12),
            Floor(level=2, area=200, free_height=3.0, floor_load=3.0, depth=12, elevator=False),
        ],
        location=Location(lat=52.0, lon=4.3, neighbourhood="Havenkwartier", dna={"community": 0.8, "wellbeing": 0.6}),
    )
    return Building(**{**data, **update})


def kantine(**update: Any) -> Candidate:
    data: dict[str, Any] = dict(
        id="kantine", name="De Kantine", function="assembly", activity="community kitchen",
        identities={"food": 0.6, "community": 0.8}, values={"locality": 1}, schedule="daily 18-22",
        visitors_per_day=150, noise=2, noise_tolerance=3, needs={"foot_traffic", "customers"},
        offers={"catering", "evening_life"}, area_min=100, area_max=150, needs_ground_floor=True,
        min_floor_load=4.0, pioneer=True,
    )
    return Candidate(**{**data, **update})


def werkplaats(**update: Any) -> Candidate:
    data: dict[str, Any] = dict(
        id="werkplaats", name="Werkplaats", function="office", activity="coworking",
        identities={"community": 1}, values={"locality": 0.6, "cooperation": 0.8}, schedule="mon-fri 09-17",
        visitors_per_day=20, noise=1, noise_tolerance=2, needs={"catering", "meeting_rooms"},
        offers={"foot_traffic"}, area_min=150, area_max=250, max_floors=2, max_rent=210,
    )
    return Candidate(**{**data, **update})


def stilte(**update: Any) -> Candidate:
    data: dict[str, Any] = dict(
        id="stilte", name="Stilte", function="sport", activity="yoga studio",
        identities={"wellbeing": 0.8, "community": 0.6}, values={"calm": 1}, schedule="daily 07-10",
        visitors_per_day=40, noise=0, noise_tolerance=0, needs={"quiet", "foot_traffic"},
        offers={"meeting_rooms"}, area_min=60, area_max=100, max_rent=165,
    )
    return Candidate(**{**data, **update})


POOL = [kantine(), werkplaats(), stilte()]
PROGRAMME: Placements = {"kantine": {0: 120}, "werkplaats": {0: 80, 1: 120}, "stilte": {2: 100}}
POTENTIALS = {"assembly": 1.0, "office": 0.75, "sport": 0.5}


def example_score(placements: Placements = PROGRAMME, **options: Any) -> ScoreBreakdown:
    """Example (a) as docs/scoring.md scores it: assessment off, explicit potentials, the weights W."""
    opts: dict[str, Any] = {"weights": W, "assess": False, "potentials": POTENTIALS, **options}
    return score(pakhuis(), POOL, placements, **opts)


def hand_a() -> dict[str, Fraction]:
    """Every component of example (a), worked out by hand from the tables of docs/scoring.md."""
    lettable, roll = F(600), F(200 * 200 + 200 * 150 + 200 * 150)
    s_a, s_b, s_c = F(100) / lettable, F(150) / lettable, F(60) / lettable
    third = F(1, 3)
    si = {  # (1 - v) cos(identities) + v cos(values), times the proximity
        "ab": (1 - third) * F(4, 5) + third * F(3, 5),
        "ac": (1 - third) * F(12, 25),
        "bc": (1 - third) * F(3, 5),
    }
    complementarity = {"ab": F(1, 4) + F(1, 4), "bc": F(1, 4)}  # A-B building + street; B-C building only
    time = {"ab": F(28 + 40, 168), "ac": F(28 + 21, 168), "bc": F(40 + 21 - 2 * 5, 168)}
    budget_b0 = F(1, 2) + F(1, 2) * F(210 - 200, 200) / F(1, 5)
    budget_c2 = F(1, 2) + F(1, 2) * F(165 - 150, 150) / F(1, 5)
    access_b1 = 1 - F(20, 200) * (1 - F(4, 5))
    access_c2 = 1 - F(40, 200) * (1 - F(1, 2) ** 2)
    return {
        "occupancy": F(120 + 80 + 120 + 100) / lettable,
        "rent": F(120 * 200 + 80 * 200 + 120 * 150 + 100 * 150) / roll,
        "shared_identity": 2 * (s_a * s_b * si["ab"] * 1 + s_a * s_c * si["ac"] * F(1, 4)
                                + s_b * s_c * si["bc"] * F(1, 2)),
        "complementarity": 2 * (s_a * s_b * complementarity["ab"] + s_b * s_c * complementarity["bc"]),
        "time_complementarity": 2 * (s_a * s_b * time["ab"] + s_a * s_c * time["ac"] + s_b * s_c * time["bc"]),
        "conflict": s_a * 0 + s_b * F(1, 3) + s_c * F(1, 3),  # A and C are two levels apart
        "neighbourhood_fit": (120 * F(16, 25) + 200 * F(4, 5) + 100 * F(24, 25)) / lettable,
        "building_fit": (120 * F(1) + 200 * F(3, 4) + 100 * F(1, 2)) / lettable,
        "budget_fit": (120 * 1 + 80 * budget_b0 + 120 * 1 + 100 * budget_c2) / lettable,
        "access": (120 + 80 + 120 * access_b1 + 100 * access_c2) / lettable,
        "support": F(0),
        "objection": F(0),
        "pioneer": F(1, 2),
        "diversity": F(3, 4),
        "heart": F(1),
    }


def signed_weights() -> dict[str, Fraction]:
    return {k: F(v).limit_denominator(1000) for k, v in W.signed().items()}


def test_example_a_hand_values_are_the_documented_fractions() -> None:
    documented = {
        "occupancy": F(7, 10), "rent": F(73, 100), "shared_identity": F(83, 1125), "complementarity": F(13, 240),
        "time_complementarity": F(197, 3360), "conflict": F(7, 60), "neighbourhood_fit": F(208, 375),
        "building_fit": F(8, 15), "budget_fit": F(73, 120), "access": F(671, 1000), "support": F(0),
        "objection": F(0), "pioneer": F(1, 2), "diversity": F(3, 4), "heart": F(1),
    }
    hand = hand_a()
    assert hand == documented
    assert sum(signed_weights()[k] * hand[k] for k in COMPONENTS) == F(99069, 28000)


@pytest.mark.parametrize("name", COMPONENTS)
def test_example_a_each_component_equals_the_hand_value(name: str) -> None:
    got = example_score().components[name]
    assert close(got, hand_a()[name]), (name, got, hand_a()[name])


def test_example_a_total_is_the_weighted_sum() -> None:
    b = example_score()
    assert tuple(b.components) == COMPONENTS
    assert b.weights == W.signed()
    assert b.weights["conflict"] == -8.0 and b.weights["objection"] == -1.0
    assert close(b.total, F(99069, 28000))
    assert b.total == math.fsum(b.weights[k] * b.components[k] for k in COMPONENTS)
    assert sum(b.contributions.values()) == pytest.approx(b.total, rel=1e-14)


def test_example_a_pairwise_matrices_as_if_on_one_street_floor() -> None:
    # pairwise_components counts every pair class: shared identity at same-floor proximity,
    # complementarity over every reach (B-C's street half counts too), conflict as neighbours.
    third = F(1, 3)
    hand = {
        "shared_identity": {(0, 1): F(11, 15), (0, 2): (1 - third) * F(12, 25), (1, 2): F(2, 5)},
        "complementarity": {(0, 1): F(1, 2), (0, 2): F(0), (1, 2): F(1, 2)},
        "time_complementarity": {(0, 1): F(17, 42), (0, 2): F(7, 24), (1, 2): F(17, 56)},
        "conflict": {(0, 1): F(0), (0, 2): F(2, 3), (1, 2): F(1, 3)},
    }
    comps = pairwise_components(POOL, weights=W)
    scores = pairwise_scores(POOL, weights=W)
    for name, pairs in hand.items():
        for (i, j), value in pairs.items():
            assert close(comps[name][i, j], value) and close(comps[name][j, i], value), (name, i, j)
    for (i, j) in [(0, 1), (0, 2), (1, 2)]:
        p = 6 * hand["shared_identity"][i, j] + 6 * hand["complementarity"][i, j]
        p += 2 * hand["time_complementarity"][i, j] - 8 * hand["conflict"][i, j]
        assert close(scores[i, j], p), (i, j)


def test_example_a_studio_next_to_the_bar_has_its_worst_conflict() -> None:
    # docs: with the studio on level 1 the bar (level 0) is its neighbour: A's and C's worst is 2/3.
    b = example_score({"kantine": {0: 120}, "werkplaats": {0: 80, 1: 120}, "stilte": {1: 60}})
    s_a, s_b, s_c = F(1, 6), F(1, 4), F(1, 10)
    assert close(b.components["conflict"], s_a * F(2, 3) + s_b * F(1, 3) + s_c * F(2, 3))
    assert b.components["conflict"] > example_score().components["conflict"]


def test_example_a_with_the_assessment_scales_building_fit_by_its_potentials() -> None:
    pot = assessed_potentials(pakhuis())
    b = score(pakhuis(), POOL, PROGRAMME, weights=W)
    expected = (120 * pot["assembly"] + 200 * pot["office"] + 100 * pot["sport"]) / 600
    assert b.components["building_fit"] == pytest.approx(expected, abs=TIGHT)
    for name in COMPONENTS:
        if name != "building_fit":
            assert close(b.components[name], hand_a()[name]), name


class _FoodWellbeing:
    """An identity network linking food and wellbeing with strength 0.5."""

    def matrix(self, identities: Sequence[str]) -> np.ndarray:
        ids = list(identities)
        s = np.eye(len(ids))
        i, j = ids.index("food"), ids.index("wellbeing")
        s[i, j] = s[j, i] = 0.5
        return s


def test_example_a_identity_network_projects_related_identities() -> None:
    # Q = 0.5 I + 0.5 S: Q[food, wellbeing] = 0.25. x_A Q = (food .6, community .8, wellbeing .15),
    # x_C Q = (wellbeing .8, community .6, food .2); x_B Q = x_B.
    got = pairwise_components(POOL, weights=W, network=_FoodWellbeing())["shared_identity"]
    cos_ac = (0.6 * 0.2 + 0.8 * 0.6 + 0.15 * 0.8) / math.sqrt((0.36 + 0.64 + 0.0225) * (0.64 + 0.36 + 0.04))
    cos_ab = 0.8 / math.sqrt(1.0225)
    assert got[0, 2] == pytest.approx(2 / 3 * cos_ac, abs=TIGHT)
    assert got[0, 1] == pytest.approx(2 / 3 * cos_ab + 1 / 3 * 0.6, abs=TIGHT)
    assert got[1, 2] == pytest.approx(2 / 3 * 0.6 / math.sqrt(1.04), abs=TIGHT)  # C's norm grew with the food
    off = pairwise_components(POOL, weights=W.model_copy(update={"network_strength": 0.0}), network=_FoodWellbeing())
    np.testing.assert_array_equal(off["shared_identity"], pairwise_components(POOL, weights=W)["shared_identity"])


def test_empty_programme_scores_zero() -> None:
    b = example_score({})
    assert b.components == dict.fromkeys(COMPONENTS, 0.0)
    assert b.total == 0.0


# -- docs/scoring.md (b): place -------------------------------------------------------------------------


def kadepand() -> Building:
    return Building(
        id="kadepand", name="Kadepand", asking_rent=150, permitted_functions={"assembly", "office", "healthcare"},
        floors=[Floor(level=lv, area=200, free_height=3.5, floor_load=4.0, depth=14, street_frontage=lv < 2)
                for lv in range(4)],
        location=Location(lat=52.37, lon=4.9, neighbourhood="Kadijken"),
    )


def cafe(**update: Any) -> Candidate:
    data: dict[str, Any] = dict(id="cafe", name="Koffiebar", function="assembly", activity="cafe",
                                identities={"food": 1}, offers={"catering", "foot_traffic"}, area_min=50, area_max=50)
    return Candidate(**{**data, **update})


def cowork() -> Candidate:
    return Candidate(id="cowork", name="Cowork", function="office", activity="coworking",
                     identities={"food": 0.6, "tech": 0.8}, needs={"catering", "foot_traffic"},
                     area_min=100, area_max=100)


PLACE_CASES = {  # (café level, coworking level): (proximity, both on the street, café on the street)
    (0, 0): (F(1), True, True),
    (2, 2): (F(1), False, False),
    (0, 1): (F(1, 2), True, True),
    (1, 2): (F(1, 2), False, True),
    (0, 3): (F(1, 4), False, True),
}


@pytest.mark.parametrize(("levels", "case"), list(PLACE_CASES.items()))
def test_example_b_place(levels: tuple[int, int], case: tuple[Fraction, bool, bool]) -> None:
    proximity, both_street, cafe_street = case
    pair = 2 * F(50, 800) * F(100, 800)  # ordered pairs: 2 s_cafe s_cowork = 1/64
    shared = pair * (F(2, 3) * F(3, 5)) * proximity
    building_half, street_half = F(1, 4), F(1, 4)  # catering (building), foot traffic (street)
    comp = pair * (building_half + (street_half if both_street else 0))
    c = score(kadepand(), [cafe(), cowork()], {"cafe": {levels[0]: 50}, "cowork": {levels[1]: 100}},
              assess=False).components
    assert close(c["shared_identity"], shared)
    assert close(c["complementarity"], comp)
    assert c["heart"] == (1.0 if cafe_street else 0.0)
    assert c["time_complementarity"] == 0.0 and c["conflict"] == 0.0


def test_example_b_a_gp_practice_is_not_a_heart_but_a_pioneer_is() -> None:
    gp = cafe(id="gp", name="Huisarts", function="healthcare", activity="GP practice", visitors_per_day=300)
    assert not is_meeting_place(gp.activity)
    placed = {"gp": {0: 50}, "cowork": {1: 100}}
    assert score(kadepand(), [gp, cowork()], placed, assess=False).components["heart"] == 0.0
    pioneer = gp.model_copy(update={"pioneer": True})
    assert score(kadepand(), [pioneer, cowork()], placed, assess=False).components["heart"] == 1.0


# -- docs/scoring.md (c): money --------------------------------------------------------------------------


def hoekpand() -> Building:
    return Building(
        id="hoekpand", name="Hoekpand", asking_rent=150, permitted_functions={"assembly", "office"},
        floors=[
            Floor(level=0, area=200, free_height=4.0, floor_load=5.0, depth=12, street_frontage=True, asking_rent=200),
            Floor(level=1, area=200, free_height=3.0, floor_load=3.0, depth=12),
        ],
        location=Location(lat=52.0, lon=4.3, neighbourhood="Centrum"),
    )


MONEY_POOL = [
    Candidate(id="repair", name="Repair Cafe", function="assembly", activity="repair cafe", pioneer=True,
              needs_ground_floor=True, max_rent=150, area_min=200, area_max=200),
    Candidate(id="studio", name="Studio", function="office", activity="architecture studio", max_rent=180,
              area_min=200, area_max=200),
]
MONEY: Placements = {"repair": {0: 200}, "studio": {1: 200}}


def test_example_c_rent_and_budget_fit_of_a_pioneer_let_below_asking() -> None:
    roll = F(200 * 200 + 200 * 150)
    c = score(hoekpand(), MONEY_POOL, MONEY, assess=False).components
    assert close(c["rent"], F(200 * min(200, 150) + 200 * min(150, 180)) / roll) and close(c["rent"], F(6, 7))
    cafe_fit = max(F(0), F(1, 2) + F(1, 2) * F(150 - 200, 200) / F(1, 5))  # negative headroom: clipped to 0
    studio_fit = min(F(1), F(1, 2) + F(1, 2) * F(180 - 150, 150) / F(1, 5))
    assert close(c["budget_fit"], (200 * cafe_fit + 200 * studio_fit) / 400) and c["budget_fit"] == 0.5
    # the discount is within the default 30 % and outside 20 %
    assert check(hoekpand(), MONEY_POOL, MONEY, constraints=Constraints(min_occupancy=1.0), assess=False) == []
    refused = check(hoekpand(), MONEY_POOL, MONEY, constraints=Constraints(max_discount=0.2), assess=False)
    assert [(v.kind, v.subject, v.floor) for v in refused] == [("rent", "repair", 0)]


def test_example_c_programme_money_matches_the_rent_term() -> None:
    result = match(hoekpand(), MONEY_POOL, constraints=Constraints(min_occupancy=1.0), k=1, time_limit=1)
    best = result.best
    assert best is not None and best.placements == MONEY
    assert (best.annual_rent, best.asking_rent_roll, best.full_rent_roll) == (60_000.0, 70_000.0, 70_000.0)
    assert best.rents == {"repair": {0: 150.0}, "studio": {1: 150.0}} and best.asking == {0: 200.0, 1: 150.0}
    assert close(best.rent_share, F(6, 7)) and close(best.breakdown.components["rent"], best.rent_share)
    assert best.rent_roll["discount"].tolist() == [0.25, 0.0]
    assert best.rent_roll["annual_rent"].sum() == best.annual_rent


# -- docs/scoring.md (d): support and objection -------------------------------------------------------------


def small_round() -> Participation:
    rows: list[dict[str, Any]] = [
        {"respondent": f"r{i}", "role": "resident", "wishes": {"community kitchen": 1.0}} for i in range(6)
    ]
    rows += [{"respondent": f"w{i}", "role": "worker", "wishes": {"food": 1.0}} for i in range(8)]
    rows += [{"respondent": f"o{i}", "role": "resident", "objections": {"office": 1.0}} for i in range(5)]
    rows += [{"respondent": f"v{i}", "role": "visitor", "objections": {"nightlife": 1.0}} for i in range(3)]
    return Participation(responses=rows)


def test_example_d_support_is_the_strongest_wish_met_and_objection_likewise() -> None:
    kitchen, food, office = -math.expm1(-6 / 10), -math.expm1(-8 / 10), -math.expm1(-5 / 10)
    strengths = small_round().strengths()
    assert strengths.wish == pytest.approx({"community_kitchen": kitchen, "food": food})
    assert strengths.objection == pytest.approx({"office": office})  # nightlife: 3 < min_count
    assert 0.6 * food < kitchen  # the kantine's strongest wish is the kitchen, not food
    voiced = example_score(participation=small_round())
    plain = example_score()
    assert close(voiced.components["support"], float(F(120, 600)) * kitchen)
    assert close(voiced.components["objection"], float(F(200, 600)) * office)
    for name in COMPONENTS:
        if name not in ("support", "objection"):
            assert voiced.components[name] == plain.components[name], name
    assert voiced.total - plain.total == pytest.approx(0.2 * kitchen - office / 3, abs=TIGHT)


# -- the docs run ------------------------------------------------------------------------------------------


def doc_blocks() -> list[tuple[str, str | None]]:
    """The Python blocks of docs/scoring.md, each with the plain block printed right after it."""
    text = DOCS.read_text("utf-8")
    return [(m.group(1), m.group(2)) for m in re.finditer(r"```python\n(.*?)```(?:\s*```\n(.*?)```)?", text, re.S)]


def test_every_python_block_of_the_scoring_docs_runs_and_prints_what_it_shows() -> None:
    blocks = doc_blocks()
    assert len(blocks) == 5 and all(shown is not None for _, shown in blocks)
    namespace: dict[str, Any] = {}
    for code, shown in blocks:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(code, str(DOCS), "exec"), namespace)
        printed = [line.rstrip() for line in out.getvalue().strip().splitlines()]
        assert printed == [line.rstrip() for line in (shown or "").strip().splitlines()], code[:80]
    # the docs' models are this file's models, so the hand values above are the docs' hand values
    assert namespace["pakhuis"] == pakhuis() and namespace["pool"] == POOL
    assert namespace["programme"] == PROGRAMME and namespace["weights"] == W and namespace["potentials"] == POTENTIALS
    assert namespace["kadepand"] == kadepand() and [namespace["cafe"], namespace["cowork"]] == [cafe(), cowork()]
    assert namespace["hoekpand"] == hoekpand() and [namespace["repair"], namespace["studio"]] == MONEY_POOL
    assert namespace["small_round"] == small_round()


# -- hard constraints ----------------------------------------------------------------------------------------


def _three_storeys() -> Building:
    return Building(
        id="b3", name="Three storeys", asking_rent=150, permitted_functions={"office", "assembly"},
        floors=[
            Floor(level=0, area=100, free_height=3.0, floor_load=3.0, depth=10, street_frontage=True, asking_rent=200),
            Floor(level=1, area=100, free_height=2.6, floor_load=2.5, depth=10),
            Floor(level=2, area=100, free_height=2.6, floor_load=2.5, depth=10),
        ],
        location=Location(lat=52.0, lon=4.9, neighbourhood="Oost"),
    )


def _office(cid: str, **update: Any) -> Candidate:
    data: dict[str, Any] = dict(id=cid, name=cid.title(), function="office", activity="studio",
                                area_min=10, area_max=60)
    return Candidate(**{**data, **update})


def test_score_names_every_broken_physical_rule_at_once() -> None:
    pool = [
        _office("small", area_min=50), _office("large", area_min=10, area_max=20), _office("spread", max_floors=1),
        _office("gap", max_floors=3), _office("shop", needs_ground_floor=True), _office("tall", min_free_height=3.5),
        _office("heavy", min_floor_load=5.0), _office("gym", function="sport"), _office("lost"),
        _office("sliver", area_min=20, max_floors=2), _office("half", area_max=60), _office("p1", area_max=35),
        _office("p2", area_max=35),
    ]
    placements: dict[str, dict[Any, Any]] = {
        "small": {0: 40}, "large": {1: 30}, "spread": {0: 10, 1: 10}, "gap": {0: 10, 2: 10}, "shop": {2: 20},
        "tall": {1: 20}, "heavy": {1: 20}, "gym": {2: 20}, "lost": {7: 20}, "ghost": {0: 10},
        "sliver": {0: 17, 1: 3}, "half": {0: 20.5}, "p1": {2: 35}, "p2": {2: 35},
    }
    expected = {
        "small: takes 40 m², less than its area_min 50 m²": "area_min",
        "large: takes 30 m², more than its area_max 20 m²": "area_max",
        "spread: spans 2 floors, more than its max_floors 1": "max_floors",
        "gap: floors [0, 2] are not contiguous": "contiguity",
        "shop: needs the ground floor, placed on level 2": "ground_floor",
        "tall: needs free height 3.5 m, level 1 has 2.6 m": "free_height",
        "heavy: needs floor load 5.0 kN/m², level 1 has 2.5 kN/m²": "floor_load",
        "gym: function 'sport' is not permitted in building 'b3'": "function_not_permitted",
        "lost: building 'b3' has no level 7": "unknown_level",
        "ghost: not a candidate in the pool": "unknown_candidate",
        f"sliver: takes less than {min_part(20)} m² (a fifth of its area_min) on level(s) [1]": "part",
        "half: area 20.5 m² on level 0 is not a whole multiple of area_step 1 m²": "area_grid",
        "level 2: 120 m² placed, more than its lettable area 100 m²": "capacity",
    }
    before = copy.deepcopy(placements)
    with pytest.raises(PlacementError) as info:
        score(_three_storeys(), pool, placements, weights=W)
    assert isinstance(info.value, ValueError)
    found = info.value.violations
    assert len(found) == len(expected), found
    for text, kind in expected.items():
        hits = [v for v in found if text in v]
        assert len(hits) == 1, (text, found)
        assert hits[0].kind == kind and text in str(info.value)
    assert placements == before


def test_score_refuses_areas_off_the_grid_naming_the_step() -> None:
    cand = _office("x", area_min=30, area_max=60)
    with pytest.raises(PlacementError, match=r"x: area 32 m² on level 1 is not a whole multiple of area_step 5 m²"):
        score(_three_storeys(), [cand], {"x": {1: 32}}, area_step=5)
    assert score(_three_storeys(), [cand], {"x": {1: 35}}, area_step=5).components["occupancy"] == 35 / 300


@pytest.mark.parametrize(
    ("reason", "cand"),
    [("needs the ground floor", _office("x", needs_ground_floor=True)),
     ("needs free height", _office("x", min_free_height=2.8)),
     ("needs floor load", _office("x", min_floor_load=2.75)),
     ("is not permitted", _office("x", function="retail"))],
)
def test_score_refuses_each_physical_reason(reason: str, cand: Candidate) -> None:
    with pytest.raises(PlacementError, match=reason):
        score(_three_storeys(), [cand], {"x": {1: 30}})


def test_programme_rules_are_checks_not_score_refusals() -> None:
    # rent beyond the largest discount, occupancy and the function mix are check's business
    poor = _office("poor", max_rent=50)
    b = score(_three_storeys(), [poor], {"poor": {1: 30}})
    roll = 100 * 200 + 2 * 100 * 150
    assert b.components["budget_fit"] == 0.0 and b.components["rent"] == pytest.approx(30 * 50 / roll)
    kinds = {v.kind for v in check(_three_storeys(), [poor], {"poor": {1: 30}}, assess=False)}
    assert {"rent", "occupancy", "min_functions"} <= kinds


def test_score_accepts_the_limits_themselves() -> None:
    edge = _office("x", area_min=30, area_max=30, min_free_height=2.6, min_floor_load=2.5, max_rent=150, max_floors=2)
    b = score(_three_storeys(), [edge], {"x": {1: 15, 2: 15}}, weights=W)
    assert b.components["occupancy"] == pytest.approx(30 / 300)
    assert b.components["budget_fit"] == pytest.approx(0.5 * 30 / 300)  # zero headroom scores 0.5


def test_score_does_not_mutate_its_inputs_and_round_trips() -> None:
    building, pool, placements = pakhuis(), list(POOL), copy.deepcopy(PROGRAMME)
    dumps = [building.model_dump(), [c.model_dump() for c in pool], W.model_dump()]
    b = score(building, pool, placements, weights=W)
    pairwise_scores(pool, weights=W)
    pairwise_components(pool, weights=W)
    assert placements == PROGRAMME and pool == POOL
    assert [building.model_dump(), [c.model_dump() for c in pool], W.model_dump()] == dumps
    assert ScoreBreakdown.model_validate_json(b.model_dump_json()) == b


# -- strategies ---------------------------------------------------------------------------------------------


@st.composite
def programmes(draw: st.DrawFn, max_floors: int = 4, max_tenants: int = 6, max_others: int = 3) -> tuple[
    Building, list[Candidate], Placements
]:
    """A building, a pool and a physically valid placement of part of it, in whole m².

    Candidates come from ``objectmatch.strategies.candidates`` and are made to fit the floors drawn
    for them: function permitted, technical needs within the floors', area bounds around the area
    given, a fifth of area_min on each floor of two. Some candidates of the pool stay unplaced.
    """
    building = draw(buildings(min_floors=2, max_floors=max_floors, max_basements=1))
    floors = building.floors
    free = {f.level: f.area for f in floors}
    pool: list[Candidate] = []
    placements: Placements = {}
    for k in range(draw(st.integers(2, max_tenants))):
        cid = f"t{k}"
        base = draw(candidates(id=cid, incompatible_with=[c.id for c in pool]))
        start = draw(st.integers(0, len(floors) - 1))
        span = draw(st.integers(1, min(2, len(floors) - start)))
        mine = floors[start : start + span]
        if min(free[f.level] for f in mine) < 2:
            continue
        areas = {f.level: draw(st.integers(1, max(1, int(0.7 * free[f.level])))) for f in mine}
        for level, area in areas.items():
            free[level] -= area
        total = sum(areas.values())
        area_min = max(1, int(total * draw(st.floats(0.3, 1.0))))
        if span > 1:
            area_min = min(area_min, 5 * min(areas.values()))  # a fifth of area_min on each floor
        fit = {
            "function": draw(st.sampled_from(sorted(building.permitted_functions))),
            "needs_ground_floor": base.needs_ground_floor and all(f.level == 0 for f in mine),
            "min_free_height": min(base.min_free_height, *(f.free_height for f in mine)),
            "min_floor_load": min(base.min_floor_load, *(f.floor_load for f in mine)),
            "area_min": area_min,
            "area_max": total + draw(st.integers(0, total)),
            "max_floors": max(base.max_floors, span),
        }
        pool.append(Candidate.model_validate({**base.model_dump(), **fit}))
        placements[cid] = {lv: float(a) for lv, a in areas.items()}
    for k in range(draw(st.integers(0, max_others))):
        pool.append(draw(candidates(id=f"x{k}")))
    assert placement_violations(building, pool, placements) == []
    return building, pool, placements


@st.composite
def score_models(draw: st.DrawFn) -> ScoreModel:
    unit = st.floats(0.0, 1.0, allow_nan=False)
    elsewhere, adjacent, same = sorted(draw(st.lists(unit, min_size=3, max_size=3)))
    return ScoreModel(
        noise_conflict=draw(st.lists(st.lists(unit, min_size=4, max_size=4), min_size=4, max_size=4)),
        same_floor=same, adjacent_floor=adjacent, elsewhere=elsewhere,
        full_headroom=draw(st.floats(0.01, 10.0)), public_visitors=draw(st.floats(1.0, 1e4)),
        reach_with_lift=draw(unit), reach_without_lift=draw(unit),
    )


weights_st = st.builds(
    Weights, **{name: st.floats(0.0, MAX_WEIGHT) for name in COMPONENTS},
    values_share=st.floats(0.0, 1.0), diversity_target=st.integers(1, 6), pioneer_target=st.integers(1, 4),
)

ROUNDS = [
    None,
    Participation(responses=[{"respondent": f"r{i}", "role": "resident", "wishes": {"food": 1.0, "culture": 0.5},
                              "objections": {"nightlife": 1.0, "logistics": 0.5}} for i in range(6)]),
    Participation(responses=[{"respondent": f"r{i}", "role": "worker", "wishes": {"office": 1.0, "catering": 1.0},
                              "objections": {"foot_traffic": 1.0}} for i in range(9)]),
]


# -- the formulas of docs/scoring.md, written out in plain Python -------------------------------------------


def _cos(x: Mapping[str, float], y: Mapping[str, float]) -> float:
    nx, ny = math.sqrt(sum(v * v for v in x.values())), math.sqrt(sum(v * v for v in y.values()))
    return 0.0 if nx == 0 or ny == 0 else sum(v * y.get(k, 0.0) for k, v in x.items()) / (nx * ny)


def _met(needs: frozenset[str], offers: frozenset[str], reach: str) -> float:
    vocab = active_vocabulary()
    return len([t for t in needs & offers if vocab.reach(t) == reach]) / len(needs) if needs else 0.0


def _noise(a: Candidate, b: Candidate, model: ScoreModel) -> float:
    if b.id in a.incompatible or a.id in b.incompatible:
        return 1.0
    t = model.noise_conflict
    return max(t[a.noise][b.noise_tolerance], t[b.noise][a.noise_tolerance])


def _time(a: Candidate, b: Candidate) -> float:
    pa = [v for row in a.schedule for v in row]
    pb = [v for row in b.schedule for v in row]
    return sum(x + y - 2 * x * y for x, y in zip(pa, pb, strict=True)) / 168


def reference_pair(a: Candidate, b: Candidate, values_share: float) -> dict[str, float]:
    """The pair values of two candidates as if on one street-facing floor (``pairwise_components``)."""
    return {
        "shared_identity": (1 - values_share) * _cos(a.identities, b.identities)
        + values_share * _cos(a.values, b.values),
        "complementarity": sum((_met(a.needs, b.offers, r) + _met(b.needs, a.offers, r)) / 2
                               for r in ("building", "floor", "street")),
        "time_complementarity": _time(a, b),
        "conflict": _noise(a, b, ScoreModel()),
    }


class Seats:
    """Where the tenants of a placement sit: floors, shared floors, near, on the street."""

    def __init__(self, building: Building, placements: Placements) -> None:
        self.floors = {cid: set(fl) for cid, fl in placements.items()}
        self.street = {f.level for f in building.floors if f.street_frontage}

    def same(self, i: str, j: str) -> bool:
        return bool(self.floors[i] & self.floors[j])

    def near(self, i: str, j: str) -> bool:
        return any(abs(a - b) <= 1 for a in self.floors[i] for b in self.floors[j])

    def on_street(self, i: str) -> bool:
        return bool(self.floors[i] & self.street)


def _carried(cand: Candidate, strengths: ParticipationStrengths | None, side: str) -> float:
    levels = getattr(strengths, side) if strengths is not None else {}
    if not levels:
        return 0.0
    carries = strengths.match_matrix([cand], side)[0]  # type: ignore[union-attr, arg-type]
    return max(float(m) * s for m, s in zip(carries, levels.values(), strict=True))


def reference(
    building: Building, pool: Sequence[Candidate], placements: Placements, *, weights: Weights = W,
    model: ScoreModel | None = None, potentials: Mapping[str, float] | None = None,
    participation: Participation | None = None,
) -> dict[str, float]:
    """Every component of docs/scoring.md section 2, from the models, in plain Python (no network)."""
    m = model or ScoreModel()
    by_id = {c.id: c for c in pool}
    ids = sorted(placements)
    lettable = building.lettable_area
    roll = math.fsum(f.area * building.rent(f.level) for f in building.floors)
    seats = Seats(building, placements)
    strengths = participation.strengths() if participation is not None else None
    share = {i: by_id[i].area_min / lettable for i in ids}
    area = {i: math.fsum(placements[i].values()) for i in ids}
    out = dict.fromkeys(COMPONENTS, 0.0)
    for i in ids:
        c = by_id[i]
        for level, a in placements[i].items():
            floor = building.floor(level)
            asking = building.rent(level)
            budget = 1.0 if c.max_rent is None else min(1.0, max(0.0, 0.5 + 0.5 * (c.max_rent - asking) / asking
                                                                  / m.full_headroom))
            step = m.reach_with_lift if floor.elevator else m.reach_without_lift
            reach = 1.0 if floor.street_frontage else step ** abs(level)
            public = min(1.0, c.visitors_per_day / m.public_visitors)
            out["occupancy"] += a / lettable
            out["rent"] += a * min(asking, math.inf if c.max_rent is None else c.max_rent) / roll
            out["budget_fit"] += a / lettable * budget
            out["access"] += a / lettable * (1 - public * (1 - reach))
        out["neighbourhood_fit"] += area[i] / lettable * min(1.0, max(0.0, _cos(c.identities, building.location.dna)))
        out["building_fit"] += area[i] / lettable * (potentials or {}).get(c.function, 1.0)
        out["support"] += area[i] / lettable * _carried(c, strengths, "wish")
        out["objection"] += area[i] / lettable * _carried(c, strengths, "objection")
        worst = max((_noise(c, by_id[j], m) for j in ids if j != i and seats.near(i, j)), default=0.0)
        out["conflict"] += share[i] * worst
        for j in ids:
            if j == i:
                continue
            d = by_id[j]
            ss = share[i] * share[j]
            proximity = m.same_floor if seats.same(i, j) else m.adjacent_floor if seats.near(i, j) else m.elsewhere
            v = weights.values_share
            out["shared_identity"] += ss * proximity * ((1 - v) * _cos(c.identities, d.identities)
                                                        + v * _cos(c.values, d.values))
            counts = {"building": True, "floor": seats.same(i, j), "street": seats.on_street(i) and seats.on_street(j)}
            out["complementarity"] += ss * sum((_met(c.needs, d.offers, r) + _met(d.needs, c.offers, r)) / 2
                                               for r, on in counts.items() if on)
            out["time_complementarity"] += ss * _time(c, d)
    chosen = [by_id[i] for i in ids]
    out["pioneer"] = min(sum(c.pioneer for c in chosen), weights.pioneer_target) / weights.pioneer_target
    out["diversity"] = min(len({c.function for c in chosen}), weights.diversity_target) / weights.diversity_target
    out["heart"] = float(any((is_meeting_place(c.activity) or c.pioneer) and seats.on_street(c.id) for c in chosen))
    return out


# -- properties ---------------------------------------------------------------------------------------------


@PROPS
@given(programmes(), weights_st)
def test_components_in_unit_interval_and_total_is_weighted_sum(
    data: tuple[Building, list[Candidate], Placements], weights: Weights
) -> None:
    building, pool, placements = data
    b = score(building, pool, placements, weights=weights, assess=False)
    assert tuple(b.components) == COMPONENTS
    for name, value in b.components.items():
        assert 0.0 <= value <= 1.0 + 1e-12, (name, value)
    assert b.weights == weights.signed()
    assert b.total == math.fsum(b.weights[k] * b.components[k] for k in COMPONENTS)


@PROPS
@given(programmes(), score_models(), st.sampled_from(range(len(ROUNDS))), st.data())
def test_every_component_follows_the_documented_formula(
    data: tuple[Building, list[Candidate], Placements], model: ScoreModel, round_index: int, draw: st.DataObject
) -> None:
    building, pool, placements = data
    pots = draw.draw(st.dictionaries(st.sampled_from(sorted({c.function for c in pool})), st.floats(0.0, 1.0)))
    participation = ROUNDS[round_index]
    options: dict[str, Any] = {"weights": W, "score_model": model, "assess": False, "potentials": pots,
                               "participation": participation}
    got = score(building, pool, placements, **options).components
    expected = reference(building, pool, placements, model=model, potentials=pots, participation=participation)
    for name in COMPONENTS:
        assert got[name] == pytest.approx(expected[name], rel=1e-9, abs=1e-12), name


@PROPS
@given(programmes(), st.randoms(use_true_random=False))
def test_score_ignores_the_order_of_the_pool_and_of_the_placements(
    data: tuple[Building, list[Candidate], Placements], rnd: Any
) -> None:
    building, pool, placements = data
    b = score(building, pool, placements, weights=W, assess=False)
    shuffled = list(pool)
    rnd.shuffle(shuffled)
    items = list(placements.items())
    rnd.shuffle(items)
    assert score(building, shuffled, dict(items), weights=W, assess=False) == b  # exactly


@PROPS
@given(programmes(max_others=0), candidate_pools(min_size=1, max_size=6))
def test_unplaced_candidates_never_change_the_score(
    data: tuple[Building, list[Candidate], Placements], extra: list[Candidate]
) -> None:
    building, pool, placements = data
    more = pool + [c.model_copy(update={"id": f"extra-{c.id}"}) for c in extra]
    more = [Candidate.model_validate(c.model_dump()) for c in more]
    for assess in (False, True):
        alone = score(building, pool, placements, weights=W, assess=assess)
        assert score(building, more, placements, weights=W, assess=assess) == alone  # exactly


def _rescale_areas(building: Building, pool: list[Candidate], placements: Placements, c: int) -> tuple[
    Building, list[Candidate], Placements
]:
    data = building.model_dump()
    for f in data["floors"]:
        f["area"] *= c
    pool2 = [Candidate.model_validate({**x.model_dump(), "area_min": x.area_min * c, "area_max": x.area_max * c})
             for x in pool]
    scaled = {cid: {lv: a * c for lv, a in fl.items()} for cid, fl in placements.items()}
    return Building.model_validate(data), pool2, scaled


@FEW
@given(programmes(), st.integers(2, 7))
def test_units_of_area_cancel(data: tuple[Building, list[Candidate], Placements], c: int) -> None:
    building, pool, placements = data
    b = score(building, pool, placements, weights=W, assess=False)
    scaled = score(*_rescale_areas(building, pool, placements, c), weights=W, assess=False)
    for name in COMPONENTS:
        assert scaled.components[name] == pytest.approx(b.components[name], rel=1e-9, abs=1e-12), name


@FEW
@given(programmes(), st.floats(0.05, 20.0))
def test_units_of_rent_cancel(data: tuple[Building, list[Candidate], Placements], c: float) -> None:
    building, pool, placements = data
    b = score(building, pool, placements, weights=W, assess=False)
    bd = building.model_dump()
    bd["asking_rent"] = building.asking_rent * c
    for f in bd["floors"]:
        if f["asking_rent"] is not None:
            f["asking_rent"] *= c
    pool2 = [Candidate.model_validate({**x.model_dump(), "max_rent": None if x.max_rent is None else x.max_rent * c})
             for x in pool]
    scaled = score(Building.model_validate(bd), pool2, placements, weights=W, assess=False)
    for name in COMPONENTS:
        assert scaled.components[name] == pytest.approx(b.components[name], rel=1e-9, abs=1e-12), name


# -- place: reach and proximity -------------------------------------------------------------------------------


def _plain(c: Candidate, **update: Any) -> Candidate:
    """``c`` with no physical needs, one floor, 50-100 m²: it fits any floor of :func:`_tall`."""
    fields = {"needs_ground_floor": False, "min_free_height": 0.0, "min_floor_load": 0.0, "max_floors": 1,
              "function": "office", "area_min": 50, "area_max": 100, "incompatible": frozenset(), **update}
    return Candidate.model_validate({**c.model_dump(), **fields})


def _tall(street: Sequence[bool], lift: Sequence[bool] | None = None) -> Building:
    return Building(
        id="tall", name="Tall", asking_rent=200, permitted_functions={"office"},
        floors=[Floor(level=lv, area=1000, free_height=3.0, floor_load=3.0, depth=12, street_frontage=s,
                      elevator=True if lift is None else lift[lv]) for lv, s in enumerate(street)],
        location=Location(lat=52.0, lon=5.0, neighbourhood="X", dna={"culture": 1.0}),
    )


def _tags(reach: str) -> list[str]:
    vocab = active_vocabulary()
    return sorted(t for t in vocab.needs_offers if vocab.reach(t) == reach)


@FEW
@given(
    pool=candidate_pools(min_size=2, max_size=5, incompatibilities=False),
    street=st.lists(st.booleans(), min_size=2, max_size=5),
    data=st.data(),
)
def test_moving_a_building_wide_provider_never_changes_complementarity(
    pool: list[Candidate], street: list[bool], data: st.DataObject
) -> None:
    # Needs and offers of building reach only: where the catering provider sits does not matter.
    wide = st.frozensets(st.sampled_from(_tags("building")), max_size=3)
    pool = [_plain(c, needs=data.draw(wide), offers=data.draw(wide)) for c in pool]
    pool[0] = _plain(pool[0], offers=pool[0].offers | {"catering"})
    building = _tall(street)
    levels = {c.id: data.draw(st.integers(0, len(street) - 1)) for c in pool}
    placements = {c.id: {levels[c.id]: 50} for c in pool}
    before = score(building, pool, placements, assess=False).components["complementarity"]
    for level in range(len(street)):
        moved = {**placements, pool[0].id: {level: 50}}
        assert score(building, pool, moved, assess=False).components["complementarity"] == before


@FEW
@given(
    pair=candidate_pools(min_size=2, max_size=2, incompatibilities=False),
    street=st.lists(st.booleans(), min_size=2, max_size=5),
    data=st.data(),
)
def test_street_offers_count_only_between_street_facing_tenants(
    pair: list[Candidate], street: list[bool], data: st.DataObject
) -> None:
    on_street = st.frozensets(st.sampled_from(_tags("street")), min_size=1, max_size=3)
    a = _plain(pair[0], offers=data.draw(on_street) | {"foot_traffic"}, needs=data.draw(on_street))
    b = _plain(pair[1], needs=data.draw(on_street) | {"foot_traffic"}, offers=data.draw(on_street))
    la, lb = data.draw(st.integers(0, len(street) - 1)), data.draw(st.integers(0, len(street) - 1))
    got = score(_tall(street), [a, b], {a.id: {la: 50}, b.id: {lb: 50}}, assess=False).components["complementarity"]
    pair_value = pairwise_components([a, b])["complementarity"][0, 1]
    assert pair_value > 0  # b needs the foot traffic a offers
    if street[la] and street[lb]:
        assert got == pytest.approx(2 * (50 / (1000 * len(street))) ** 2 * pair_value, rel=1e-12)
    else:
        assert got == 0.0


@FEW
@given(
    pair=candidate_pools(min_size=2, max_size=2, incompatibilities=False),
    n_floors=st.integers(3, 6),
    model=score_models(),
)
def test_shared_identity_falls_with_distance_as_the_proximity_says(
    pair: list[Candidate], n_floors: int, model: ScoreModel
) -> None:
    a, b = _plain(pair[0]), _plain(pair[1])
    building = _tall([False] * n_floors)
    si = [
        score(building, [a, b], {a.id: {0: 50}, b.id: {level: 50}}, assess=False, score_model=model)
        .components["shared_identity"]
        for level in range(n_floors)
    ]
    assert si[0] >= si[1] >= si[2] and all(x == si[2] for x in si[2:])
    full = 2 * (50 / (1000 * n_floors)) ** 2 * pairwise_components([a, b])["shared_identity"][0, 1]
    assert si[0] == pytest.approx(full * model.same_floor, rel=1e-9, abs=1e-15)
    assert si[1] == pytest.approx(full * model.adjacent_floor, rel=1e-9, abs=1e-15)
    assert si[2] == pytest.approx(full * model.elsewhere, rel=1e-9, abs=1e-15)


# -- conflict ---------------------------------------------------------------------------------------------------


def _worst_conflicts(pool: Sequence[Candidate], placements: Placements, model: ScoreModel) -> dict[str, float]:
    by_id = {c.id: c for c in pool}
    seats = Seats(_tall([False]), placements)  # only the floors are read
    return {i: max((_noise(by_id[i], by_id[j], model) for j in placements if j != i and seats.near(i, j)),
                   default=0.0) for i in placements}


def _reference_conflict(building: Building, pool: Sequence[Candidate], placements: Placements,
                        model: ScoreModel) -> float:
    by_id = {c.id: c for c in pool}
    worst = _worst_conflicts(pool, placements, model)
    return math.fsum(by_id[i].area_min / building.lettable_area * k for i, k in worst.items())


@PROPS
@given(programmes(), score_models())
def test_another_noise_table_changes_conflict_as_the_table_says(
    data: tuple[Building, list[Candidate], Placements], model: ScoreModel
) -> None:
    building, pool, placements = data
    plain = score(building, pool, placements, weights=W, assess=False)
    table_only = ScoreModel(noise_conflict=model.noise_conflict)
    other = score(building, pool, placements, weights=W, assess=False, score_model=table_only)
    for name in COMPONENTS:
        if name != "conflict":
            assert other.components[name] == plain.components[name], name
    assert other.components["conflict"] == pytest.approx(
        _reference_conflict(building, pool, placements, table_only), abs=1e-12
    )
    assert plain.components["conflict"] == pytest.approx(
        _reference_conflict(building, pool, placements, ScoreModel()), abs=1e-12
    )


def test_a_quiet_sensitive_table_makes_a_murmur_a_full_conflict() -> None:
    # The ScoreModel docstring's table: any noise above the neighbour's tolerance is a full conflict.
    quiet = ScoreModel(noise_conflict=[[0, 0, 0, 0], [1, 0, 0, 0], [1, 1, 0, 0], [1, 1, 1, 0]])  # type: ignore[arg-type]
    pool = [kantine(), werkplaats(), stilte()]
    default = example_score({"werkplaats": {0: 80, 1: 120}, "stilte": {2: 60}}).components["conflict"]
    strict = example_score({"werkplaats": {0: 80, 1: 120}, "stilte": {2: 60}}, score_model=quiet)
    # B (noise 1) next to C (tolerance 0): 1/3 by default, 1 under the strict table, for both of them
    assert close(default, (F(150, 600) + F(60, 600)) * F(1, 3))
    assert close(strict.components["conflict"], F(150, 600) + F(60, 600))
    assert pairwise_components(pool, score_model=quiet)["conflict"][1, 2] == 1.0


@PROPS
@given(programmes(max_tenants=5), st.data())
def test_a_loud_twin_scores_no_better_than_a_quiet_twin(
    data: tuple[Building, list[Candidate], Placements], draw: st.DataObject
) -> None:
    # Two programmes that differ only in tenant x's noise (3 vs 0, tolerance 3 both) have equal
    # components except conflict; no tenant's worst conflict falls, so the loud total is never higher.
    building, pool, placements = data
    x = draw.draw(st.sampled_from(sorted(placements)))
    at = next(k for k, c in enumerate(pool) if c.id == x)
    quiet, loud = list(pool), list(pool)
    quiet[at] = pool[at].model_copy(update={"noise": 0, "noise_tolerance": 3})
    loud[at] = pool[at].model_copy(update={"noise": 3, "noise_tolerance": 3})
    bq = score(building, quiet, placements, weights=W, assess=False)
    bl = score(building, loud, placements, weights=W, assess=False)
    for name in COMPONENTS:
        if name != "conflict":
            assert bl.components[name] == bq.components[name], name
    wq, wl = _worst_conflicts(quiet, placements, ScoreModel()), _worst_conflicts(loud, placements, ScoreModel())
    assert all(wl[i] >= wq[i] for i in placements)
    assert bl.total <= bq.total + 1e-12
    if any(wl[i] > wq[i] for i in placements):
        assert bl.components["conflict"] > bq.components["conflict"] and bl.total < bq.total
    else:
        assert bl.components["conflict"] == pytest.approx(bq.components["conflict"], abs=1e-15)


@PROPS
@given(programmes(max_tenants=5), st.data())
def test_adding_a_tenant_never_lowers_a_component(
    data: tuple[Building, list[Candidate], Placements], draw: st.DataObject
) -> None:
    # Every component is a sum of non-negative terms over tenants or pairs, a count or a presence, and
    # no tenant's worst neighbour gets better: so the total can fall only through conflict (and
    # objection), and with only conflict weighted it falls by exactly the worst-neighbour formula.
    building, pool, placements = data
    x = draw.draw(st.sampled_from(sorted(placements)))
    without = {cid: floors for cid, floors in placements.items() if cid != x}
    b_with = score(building, pool, placements, weights=W, assess=False)
    b_without = score(building, pool, without, weights=W, assess=False)
    for name in COMPONENTS:
        assert b_with.components[name] >= b_without.components[name] - 1e-12, name
    only_conflict = Weights(**{**dict.fromkeys(COMPONENTS, 0.0), "conflict": 1.0})
    t_with = score(building, pool, placements, weights=only_conflict, assess=False).total
    t_without = score(building, pool, without, weights=only_conflict, assess=False).total
    predicted = _reference_conflict(building, pool, placements, ScoreModel())
    predicted -= _reference_conflict(building, pool, without, ScoreModel())
    assert t_without - t_with == pytest.approx(predicted, abs=1e-12)


# -- pairwise matrices ------------------------------------------------------------------------------------------


@PROPS
@given(candidate_pools(min_size=1, max_size=8), st.floats(0.0, 1.0))
def test_pairwise_matrices_symmetric_zero_diagonal_unit_interval_and_match_the_formulas(
    pool: list[Candidate], values_share: float
) -> None:
    w = W.model_copy(update={"values_share": values_share})
    comps = pairwise_components(pool, weights=w)
    n = len(pool)
    assert set(comps) == {*PAIRS, "conflict"}
    for m in comps.values():
        assert m.shape == (n, n)
        np.testing.assert_array_equal(m, m.T)
        assert (np.diagonal(m) == 0).all() and ((m >= 0) & (m <= 1)).all()
    for i in range(n):
        for j in range(i + 1, n):
            ref = reference_pair(pool[i], pool[j], values_share)
            for name, value in ref.items():
                assert comps[name][i, j] == pytest.approx(value, abs=1e-12), (name, i, j)
    p = pairwise_scores(pool, weights=w)
    np.testing.assert_array_equal(p, p.T)
    assert (np.diagonal(p) == 0).all()
    signed = w.signed()
    expected = sum((signed[k] * comps[k] for k in comps), np.zeros((n, n)))
    np.testing.assert_allclose(p, expected, atol=1e-12)


@FEW
@given(candidate_pools(min_size=2, max_size=8), st.randoms(use_true_random=False))
def test_pairwise_scores_follow_a_permutation_of_the_pool(pool: list[Candidate], rnd: Any) -> None:
    perm = list(range(len(pool)))
    rnd.shuffle(perm)
    p, q = pairwise_scores(pool, weights=W), pairwise_scores([pool[k] for k in perm], weights=W)
    np.testing.assert_allclose(q, p[np.ix_(perm, perm)], rtol=1e-12, atol=1e-12)


@FEW
@given(candidate_pools(min_size=2, max_size=6), st.data())
def test_an_offer_that_meets_a_need_raises_complementarity(pool: list[Candidate], data: st.DataObject) -> None:
    # Adding tag t, needed by i, to j's offers raises m_ij by 1/|N_i|, so C_ij by 1/(2|N_i|);
    # pairs without j do not change.
    i, j = data.draw(st.permutations(range(len(pool))))[:2]
    if not pool[i].needs - pool[j].offers:
        pool[i] = Candidate.model_validate({**pool[i].model_dump(), "needs": sorted(pool[i].needs | {"childcare"})})
    missing = sorted(pool[i].needs - pool[j].offers)
    if not missing:
        return
    t = data.draw(st.sampled_from(missing))
    before = pairwise_components(pool)["complementarity"]
    richer = list(pool)
    richer[j] = Candidate.model_validate({**pool[j].model_dump(), "offers": sorted(pool[j].offers | {t})})
    after = pairwise_components(richer)["complementarity"]
    assert after[i, j] == pytest.approx(before[i, j] + 1 / (2 * len(pool[i].needs)), abs=1e-12)
    assert (after >= before - 1e-12).all()
    others = [k for k in range(len(pool)) if k != j]
    np.testing.assert_allclose(after[np.ix_(others, others)], before[np.ix_(others, others)], atol=1e-15)


@FEW
@given(programmes())
def test_score_does_not_mutate_generated_inputs(data: tuple[Building, list[Candidate], Placements]) -> None:
    building, pool, placements = data
    before = (building.model_dump(), [c.model_dump() for c in pool], copy.deepcopy(placements))
    score(building, pool, placements, weights=W)
    assert (building.model_dump(), [c.model_dump() for c in pool], placements) == before
