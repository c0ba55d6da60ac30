"""The scoring engine: the hand-worked example of docs/scoring.md, and its invariants.

The example tests rebuild the three candidates of docs/scoring.md section 4 and check every
number written there (scored with ``assess=False``: potential 1 for every function, as the
docs say). The property tests draw buildings, pools and valid programmes and check what must
hold whatever the data: order does not matter, units cancel, matrices are symmetric with
values in [0, 1], offers that meet needs raise complementarity, a loud neighbour costs, and
conflict is each tenant's share times its worst conflict with a neighbour.
"""

from __future__ import annotations

import copy
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

from objectmatch import Building, Candidate, Floor, Location, ScoreBreakdown, Weights, pairwise_scores, score
from objectmatch.assess import excluded_functions, potentials
from objectmatch.constraints import placement_violations
from objectmatch.scoring import (
    COMPONENTS,
    FULL_HEADROOM,
    PAIRWISE,
    PUBLIC_VISITORS,
    REACH_WITH_LIFT,
    REACH_WITHOUT_LIFT,
    PlacementError,
    pairwise_components,
)
from objectmatch.strategies import buildings, candidate_pools, candidates

DOCS = Path(__file__).resolve().parents[1] / "docs" / "scoring.md"
PROPS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# The weights of the worked example, written out so that tuning the defaults does not break it.
W = Weights(
    occupancy=1.0,
    shared_identity=4.0,
    complementarity=4.0,
    time_complementarity=2.0,
    conflict=8.0,
    neighbourhood_fit=0.5,
    building_fit=0.5,
    budget_fit=0.25,
    pioneer=0.25,
    diversity=0.5,
    heart=0.5,
    values_share=1 / 3,
    network_strength=0.5,
    diversity_target=4,
    pioneer_target=2,
)

Placements = dict[str, dict[int, float]]


# -- the worked example (docs/scoring.md, section 4) ---------------------------------------


def kantine(**update: Any) -> Candidate:
    data: dict[str, Any] = dict(
        id="kantine", name="De Kantine", function="assembly", activity="community kitchen and bar",
        identities={"food": 1, "community": 1}, values={"hospitality": 1, "locality": 1},
        schedule="daily 18-22", visitors_per_day=150, noise=2, noise_tolerance=3,
        needs={"foot_traffic", "customers"}, offers={"catering", "evening_life"},
        area_min=100, area_max=150, needs_ground_floor=True, min_floor_load=4.0, pioneer=True,
    )
    return Candidate(**{**data, **update})


def werkplaats(**update: Any) -> Candidate:
    data: dict[str, Any] = dict(
        id="werkplaats", name="Werkplaats", function="office", activity="coworking",
        identities={"community": 1, "entrepreneurship": 1}, values={"locality": 1, "cooperation": 1},
        schedule="mon-fri 09-17", visitors_per_day=20, noise=1, noise_tolerance=2,
        needs={"catering", "meeting_rooms"}, offers={"foot_traffic"},
        area_min=150, area_max=250, max_floors=2, max_rent=210,
    )
    return Candidate(**{**data, **update})


def stilte(**update: Any) -> Candidate:
    data: dict[str, Any] = dict(
        id="stilte", name="Stilte", function="sport", activity="yoga studio",
        identities={"wellbeing": 1, "health": 1}, values={"calm": 1, "locality": 1},
        schedule="daily 07-10", visitors_per_day=40, noise=0, noise_tolerance=0,
        needs={"quiet", "foot_traffic", "customers"}, offers={"meeting_rooms"},
        area_min=60, area_max=100, max_rent=165,
    )
    return Candidate(**{**data, **update})


def pakhuis(extra_floors: Sequence[Floor] = ()) -> Building:
    return Building(
        id="pakhuis", name="Pakhuis", asking_rent=150, permitted_functions={"assembly", "office", "sport", "education"},
        floors=[
            Floor(level=0, area=200, free_height=4.0, floor_load=5.0, depth=12, street_frontage=True, asking_rent=200),
            Floor(level=1, area=200, free_height=3.0, floor_load=3.0, depth=12),
            *extra_floors,
        ],
        location=Location(lat=52.0, lon=4.3, neighbourhood="Havenkwartier", dna={"community": 0.8, "wellbeing": 0.6}),
    )


EXAMPLE_PLACEMENTS: Placements = {"kantine": {0: 120}, "werkplaats": {0: 80, 1: 120}, "stilte": {1: 60}}

SQRT2 = math.sqrt(2)
# Hand values, docs/scoring.md section 4 (pair order: kantine, werkplaats, stilte).
HAND_PAIRS = {
    "shared_identity": {(0, 1): 1 / 2, (0, 2): 1 / 6, (1, 2): 1 / 6},
    "complementarity": {(0, 1): 1 / 2, (0, 2): 0.0, (1, 2): 5 / 12},
    "time_complementarity": {(0, 1): 17 / 42, (0, 2): 7 / 24, (1, 2): 17 / 56},
    "conflict": {(0, 1): 0.0, (0, 2): 2 / 3, (1, 2): 1 / 3},
}
HAND_SCORES = {(0, 1): 101 / 21, (0, 2): -49 / 12, (1, 2): 23 / 84}
HAND_COMPONENTS = {
    "occupancy": 0.95,
    "shared_identity": 0.125,
    "complementarity": 0.140625,
    "time_complementarity": 591 / 4480,
    "conflict": 47 / 120,
    "neighbourhood_fit": 146 * SQRT2 / 400,
    "building_fit": 0.938,
    "budget_fit": 0.8375,
    "pioneer": 0.5,
    "diversity": 0.75,
    "heart": 1.0,
}
HAND_TOTAL = 1.0794749275140423
TIGHT = 1e-12


def _as_matrix(pairs: Mapping[tuple[int, int], float], n: int = 3) -> np.ndarray:
    out = np.zeros((n, n))
    for (i, j), v in pairs.items():
        out[i, j] = out[j, i] = v
    return out


def test_example_constants_are_the_documented_ones() -> None:
    # The worked example and the formulas in docs/scoring.md use these numbers.
    assert (PUBLIC_VISITORS, REACH_WITH_LIFT, REACH_WITHOUT_LIFT, FULL_HEADROOM) == (200.0, 0.8, 0.5, 0.2)


def test_example_schedules_have_the_documented_hours() -> None:
    assert [c.hours_open for c in (kantine(), werkplaats(), stilte())] == [28.0, 40.0, 21.0]
    overlap = sum(b * c for rb, rc in zip(werkplaats().schedule, stilte().schedule, strict=True)
                  for b, c in zip(rb, rc, strict=True))
    assert overlap == 5.0


@pytest.mark.parametrize("name", PAIRWISE)
def test_example_pairwise_components_equal_hand_values(name: str) -> None:
    got = pairwise_components([kantine(), werkplaats(), stilte()], W)[name]
    np.testing.assert_allclose(got, _as_matrix(HAND_PAIRS[name]), rtol=TIGHT, atol=TIGHT)


def test_example_pairwise_scores_equal_hand_values() -> None:
    got = pairwise_scores([kantine(), werkplaats(), stilte()], W)
    np.testing.assert_allclose(got, _as_matrix(HAND_SCORES), rtol=TIGHT, atol=TIGHT)


def test_example_hand_fractions_are_the_documented_decimals() -> None:
    # The fractions written in the docs are the sums written next to them.
    s_a, s_b, s_c = Fraction(100, 400), Fraction(150, 400), Fraction(60, 400)
    time = 2 * (s_a * s_b * Fraction(17, 42) + s_a * s_c * Fraction(7, 24) + s_b * s_c * Fraction(17, 56))
    assert time == Fraction(591, 4480)
    assert 4 * Fraction(1, 2) + 4 * Fraction(1, 2) + 2 * Fraction(17, 42) == Fraction(101, 21)
    assert 4 * Fraction(1, 6) + 2 * Fraction(7, 24) - 8 * Fraction(2, 3) == Fraction(-49, 12)
    assert 4 * Fraction(1, 6) + 4 * Fraction(5, 12) + 2 * Fraction(17, 56) - 8 * Fraction(1, 3) == Fraction(23, 84)


def example_score(placements: Placements = EXAMPLE_PLACEMENTS, **kwargs: Any) -> ScoreBreakdown:
    """The worked example as docs/scoring.md scores it: assessment off, potential 1."""
    return score(pakhuis(), [kantine(), werkplaats(), stilte()], placements, W, assess=False, **kwargs)


@pytest.mark.parametrize("name", COMPONENTS)
def test_example_components_equal_hand_values(name: str) -> None:
    b = example_score()
    assert b.components[name] == pytest.approx(HAND_COMPONENTS[name], rel=TIGHT, abs=TIGHT)


def test_example_total_is_the_weighted_sum() -> None:
    b = example_score()
    assert set(b.components) == set(COMPONENTS)
    assert b.weights == W.signed()
    assert b.weights["conflict"] == -8.0
    assert b.total == pytest.approx(HAND_TOTAL, rel=TIGHT)
    assert b.total == pytest.approx(math.fsum(b.weights[k] * b.components[k] for k in COMPONENTS), rel=1e-15)
    assert sum(b.contributions.values()) == pytest.approx(b.total, rel=1e-14)
    assert b.contributions["conflict"] == pytest.approx(-47 / 15, rel=TIGHT)
    # the total written in the docs: the ten other contributions, then conflict
    others = [0.95, 0.5, 0.5625, 2 * 591 / 4480, 0.5 * 146 * SQRT2 / 400, 0.5 * 0.938, 0.25 * 0.8375, 0.125, 0.375, 0.5]
    assert math.fsum(others) == pytest.approx(4.212808, abs=5e-7)
    assert math.fsum([*others, -8 * 47 / 120]) == pytest.approx(HAND_TOTAL, rel=TIGHT)
    assert abs(HAND_TOTAL - 1.079475) < 5e-7


def test_example_conflict_is_each_tenants_share_times_its_worst_neighbour() -> None:
    # docs: A's worst is the studio (2/3), B's the studio (1/3), C's the bar (2/3);
    # 1/4 * 2/3 + 3/8 * 1/3 + 3/20 * 2/3 = 47/120. The old pair product gave 7/80.
    s_a, s_b, s_c = Fraction(100, 400), Fraction(150, 400), Fraction(60, 400)
    k_ab, k_ac, k_bc = Fraction(0), Fraction(2, 3), Fraction(1, 3)
    worst = s_a * max(k_ab, k_ac) + s_b * max(k_ab, k_bc) + s_c * max(k_ac, k_bc)
    assert worst == s_a * k_ac + s_b * k_bc + s_c * k_ac == Fraction(47, 120)
    assert 2 * (s_a * s_b * k_ab + s_a * s_c * k_ac + s_b * s_c * k_bc) == Fraction(7, 80)
    assert example_score().components["conflict"] == pytest.approx(float(worst), rel=TIGHT)


def test_example_without_the_yoga_studio_has_no_conflict_and_scores_higher() -> None:
    # docs: without the studio, K_AB = 0 is the only conflict left; the programme scores 3.381310.
    b = example_score({"kantine": {0: 120}, "werkplaats": {0: 80, 1: 120}})
    assert b.components["conflict"] == 0.0
    assert b.total == pytest.approx(3.381310, abs=5e-7)
    assert b.total > HAND_TOTAL


def test_example_default_assessment_scales_building_fit_by_each_functions_potential() -> None:
    # With assess=True (the default) building fit weighs each m² by the assessment's potential
    # for the tenant's function; every other component is the hand value.
    pot = potentials(pakhuis())
    assert excluded_functions(pakhuis()).keys().isdisjoint({"assembly", "office", "sport"})
    b = score(pakhuis(), [kantine(), werkplaats(), stilte()], EXAMPLE_PLACEMENTS, W)
    office = 80 * pot["office"] + 120 * 0.98 * pot["office"]
    expected = (120 * pot["assembly"] + office + 60 * 0.96 * pot["sport"]) / 400
    assert b.components["building_fit"] == pytest.approx(expected, rel=TIGHT)
    for name in COMPONENTS:
        if name != "building_fit":
            assert b.components[name] == pytest.approx(HAND_COMPONENTS[name], rel=TIGHT, abs=TIGHT), name


def test_example_without_the_catering_offer_loses_complementarity() -> None:
    # Without the kitchen's catering, m_BA drops from 1/2 to 0: W_AB = 1/4, the component
    # 2 * (0.09375 * 1/4 + 0.05625 * 5/12) = 0.09375 instead of 0.140625.
    pool = [kantine(offers={"evening_life"}), werkplaats(), stilte()]
    b = score(pakhuis(), pool, EXAMPLE_PLACEMENTS, W, assess=False)
    assert b.components["complementarity"] == pytest.approx(0.09375, rel=TIGHT)


def test_example_with_potentials_scales_building_fit() -> None:
    # The yoga studio's function has potential 0.9: its 60 m² count 0.9 * 0.96 instead of 0.96.
    b = example_score(potentials={"sport": 0.9})
    assert b.components["building_fit"] == pytest.approx((120 + 80 + 120 * 0.98 + 60 * 0.9 * 0.96) / 400, rel=TIGHT)


class _FoodWellbeing:
    """An identity network that links food and wellbeing with strength 0.5 (docs/scoring.md)."""

    def matrix(self, identities: Sequence[str]) -> np.ndarray:
        ids = list(identities)
        s = np.eye(len(ids))
        i, j = ids.index("food"), ids.index("wellbeing")
        s[i, j] = s[j, i] = 0.5
        return s


def test_example_identity_network_hand_values() -> None:
    got = pairwise_components([kantine(), werkplaats(), stilte()], W, network=_FoodWellbeing())["shared_identity"]
    hand = _as_matrix({(0, 1): 2 / 3 / math.sqrt(2.0625 * 2) + 1 / 6, (0, 2): 65 / 198, (1, 2): 1 / 6})
    np.testing.assert_allclose(got, hand, rtol=TIGHT, atol=TIGHT)
    assert 2 / 3 / math.sqrt(2.0625 * 2) + 1 / 6 == pytest.approx(0.494911, abs=1e-6)


def test_example_network_strength_zero_is_the_plain_cosine() -> None:
    plain = pairwise_components([kantine(), werkplaats(), stilte()], W)["shared_identity"]
    off = pairwise_components(
        [kantine(), werkplaats(), stilte()], W.model_copy(update={"network_strength": 0.0}), network=_FoodWellbeing()
    )["shared_identity"]
    np.testing.assert_array_equal(off, plain)


def drumschool(**update: Any) -> Candidate:
    """The fourth candidate: a loud music school that the kitchen refuses."""
    data: dict[str, Any] = dict(
        id="drums", name="Drumschool", function="education", activity="music school",
        identities={"music": 1}, schedule="sat 10-14", noise=3, noise_tolerance=3,
        area_min=100, area_max=100, incompatible={"kantine"},
    )
    return Candidate(**{**data, **update})


def test_fourth_candidate_incompatibility_is_a_full_conflict() -> None:
    # Noise alone: max(0, 2 - 3, 3 - 3) = 0 for kantine/drums; the refusal makes it 1.
    pool = [kantine(), werkplaats(), stilte(), drumschool()]
    conflict = pairwise_components(pool, W)["conflict"]
    assert conflict[0, 3] == conflict[3, 0] == 1.0
    assert conflict[2, 3] == 1.0  # (3 - 0) / 3: the drums next to the yoga studio
    p = pairwise_scores(pool, W)
    # kantine-drums: no shared identity or values, no needs, 4 h + 28 h apart: 2 * 32/168 - 8.
    assert p[0, 3] == pytest.approx(2 * 32 / 168 - 8, rel=TIGHT)
    np.testing.assert_allclose(p[:3, :3], _as_matrix(HAND_SCORES), rtol=TIGHT, atol=TIGHT)


def test_fourth_candidate_conflict_counts_only_on_same_or_adjacent_floors() -> None:
    level2 = Floor(level=2, area=200, free_height=3.0, floor_load=3.0, depth=12)
    building = pakhuis([level2])  # L = 600
    pool = [kantine(), werkplaats(), stilte(), drumschool()]
    apart = score(building, pool, {"kantine": {0: 120}, "drums": {2: 100}}, W)
    assert apart.components["conflict"] == 0.0
    near = score(building, pool, {"kantine": {0: 120}, "drums": {1: 100}}, W)
    # each of the two counts with its own share at its worst conflict (the refusal, 1):
    assert near.components["conflict"] == pytest.approx(100 / 600 * 1.0 + 100 / 600 * 1.0, rel=TIGHT)
    # everything but conflict (and the floor-dependent unary terms) is the same
    for name in ("occupancy", "shared_identity", "complementarity", "time_complementarity", "pioneer", "diversity"):
        assert near.components[name] == apart.components[name]
    assert near.total < apart.total


def test_a_small_loud_neighbour_next_to_a_small_intolerant_tenant_lowers_the_total() -> None:
    # The motivation of the worst-neighbour conflict (docs/scoring.md, conflict): a small daycare
    # (tolerance 0) and a small nightclub (noise 3), 5 % of the building each, default weights.
    building = Building(
        id="toren", name="Toren", asking_rent=150, permitted_functions={"education", "assembly"},
        floors=[Floor(level=lv, area=400, free_height=3.5, floor_load=5.0, depth=12, street_frontage=lv == 0)
                for lv in range(3)],
        location=Location(lat=52.0, lon=4.3, neighbourhood="Havenkwartier", dna={"community": 1.0}),
    )
    daycare = Candidate(id="daycare", name="Kinderdagverblijf", function="education", activity="daycare",
                        identities={"community": 1}, schedule="mon-fri 08-18", noise=0, noise_tolerance=0,
                        area_min=60, area_max=60)
    club = Candidate(id="club", name="Club", function="assembly", activity="nightclub",
                     identities={"music": 1}, schedule="fri-sat 22-24", noise=3, noise_tolerance=3,
                     area_min=60, area_max=60)
    pool = [daycare, club]
    w = Weights()
    alone = score(building, pool, {"daycare": {0: 60}}, w)
    next_door = score(building, pool, {"daycare": {0: 60}, "club": {1: 60}}, w)
    far = score(building, pool, {"daycare": {0: 60}, "club": {2: 60}}, w)
    # next door: K = 3/3 = 1, and each counts with its own share 60/1200
    assert next_door.components["conflict"] == pytest.approx(60 / 1200 + 60 / 1200, rel=TIGHT)
    assert next_door.total < alone.total
    # two floors away they are not neighbours: no conflict, and the club's occupancy pays
    assert far.components["conflict"] == 0.0
    assert far.total > alone.total > next_door.total
    for name in COMPONENTS:
        if name != "conflict":
            assert next_door.components[name] == far.components[name], name
    # Under the old pair product the club would have paid for itself next door:
    # w_K * 2 s_d s_c K = 8 * 2 * 0.05 * 0.05 = 0.04, less than what it brings.
    old_cost = w.conflict * 2 * (60 / 1200) * (60 / 1200) * 1.0
    assert alone.total < far.total - old_cost


def test_empty_programme_scores_zero() -> None:
    b = score(pakhuis(), [kantine(), werkplaats(), stilte()], {}, W)
    assert b.components == dict.fromkeys(COMPONENTS, 0.0)
    assert b.total == 0.0


# -- hard constraints ---------------------------------------------------------------------


def _violation_building() -> Building:
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


def test_score_names_every_broken_hard_constraint_at_once() -> None:
    pool = [
        _office("small", area_min=50),
        _office("large", area_min=10, area_max=20),
        _office("spread", max_floors=1),
        _office("gap", max_floors=3),
        _office("shop", needs_ground_floor=True),
        _office("tall", min_free_height=3.5),
        _office("heavy", min_floor_load=5.0),
        _office("poor", max_rent=100),
        _office("gym", function="sport"),
        _office("lost"),
        _office("p1", area_max=35),
        _office("p2", area_max=35),
    ]
    placements: Placements = {
        "small": {0: 40},
        "large": {1: 30},
        "spread": {0: 10, 1: 10},
        "gap": {0: 10, 2: 10},
        "shop": {1: 20},
        "tall": {1: 20},
        "heavy": {1: 20},
        "poor": {2: 20},
        "gym": {2: 20},
        "lost": {7: 20},
        "ghost": {0: 10},
        "p1": {2: 35},
        "p2": {2: 35},
    }
    expected = [
        "small: takes 40 m², less than its area_min 50 m²",
        "large: takes 30 m², more than its area_max 20 m²",
        "spread: spans 2 floors, more than its max_floors 1",
        "gap: floors [0, 2] are not contiguous",
        "shop: needs the ground floor, placed on level 1",
        "tall: needs free height 3.5 m, level 1 has 2.6 m",
        "heavy: needs floor load 5.0 kN/m², level 1 has 2.5 kN/m²",
        "poor: can pay at most 100.0 EUR/m²/yr, level 2 asks 150.0 EUR/m²/yr",
        "gym: function 'sport' is not permitted",
        "lost: building 'b3' has no level 7",
        "ghost: not a candidate in the pool",
        "level 2: 120 m² placed, more than its lettable area 100 m²",
    ]
    # The assessment vetoes sport here (zoning, floor load), but vetoes are match's business, not score's.
    assert "sport" in excluded_functions(_violation_building())
    before = copy.deepcopy(placements)
    with pytest.raises(PlacementError) as info:
        score(_violation_building(), pool, placements, W)
    assert isinstance(info.value, ValueError)
    found = info.value.violations
    assert len(found) == len(expected), found
    for text in expected:
        assert sum(text in v for v in found) == 1, (text, found)
        assert text in str(info.value)
    assert placements == before


def test_score_refuses_a_placement_the_mask_refuses_for_each_reason() -> None:
    building = _violation_building()
    cases = {
        "needs the ground floor": _office("x", needs_ground_floor=True),
        "needs free height": _office("x", min_free_height=2.8),
        "needs floor load": _office("x", min_floor_load=2.75),
        "can pay at most": _office("x", max_rent=149.5),
        "is not permitted": _office("x", function="retail"),
    }
    for reason, cand in cases.items():
        with pytest.raises(PlacementError, match=reason):
            score(building, [cand], {"x": {1: 30}}, W)


def test_score_accepts_the_limits_themselves() -> None:
    building = _violation_building()
    edge = _office("x", area_min=30, area_max=30, min_free_height=2.6, min_floor_load=2.5, max_rent=150, max_floors=2)
    b = score(building, [edge], {"x": {1: 15, 2: 15}}, W)
    assert b.components["occupancy"] == pytest.approx(30 / 300)
    assert b.components["budget_fit"] == pytest.approx(0.5 * 30 / 300)  # zero headroom scores 0.5


def test_score_does_not_mutate_its_inputs() -> None:
    building = pakhuis()
    pool = [kantine(), werkplaats(), stilte()]
    placements = copy.deepcopy(EXAMPLE_PLACEMENTS)
    dumps = [building.model_dump(), [c.model_dump() for c in pool], W.model_dump()]
    score(building, pool, placements, W)
    pairwise_scores(pool, W)
    pairwise_components(pool, W)
    assert placements == EXAMPLE_PLACEMENTS
    assert [building.model_dump(), [c.model_dump() for c in pool], W.model_dump()] == dumps


def test_breakdown_round_trips_through_json() -> None:
    b = score(pakhuis(), [kantine(), werkplaats(), stilte()], EXAMPLE_PLACEMENTS, W)
    assert ScoreBreakdown.model_validate_json(b.model_dump_json()) == b
    b = example_score()
    assert ScoreBreakdown.model_validate_json(b.model_dump_json()) == b


# -- the weights table of docs/scoring.md -------------------------------------------------


def weights_table() -> str:
    """The table of docs/scoring.md section 3, generated from ``Weights.model_fields``."""
    lines = ["| field | default | meaning |", "| --- | --- | --- |"]
    for name, info in Weights.model_fields.items():
        lines.append(f"| `{name}` | {format(info.default, 'g')} | {info.description} |")
    return "\n".join(lines)


def test_docs_weights_table_matches_the_code() -> None:
    text = DOCS.read_text(encoding="utf-8")
    found = re.search(r"<!-- weights-table:start -->\n(.*?)\n<!-- weights-table:end -->", text, re.S)
    assert found is not None, "docs/scoring.md lacks the weights-table markers"
    assert found.group(1) == weights_table(), "update docs/scoring.md section 3 with:\n" + weights_table()


def test_docs_name_every_component() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for name in COMPONENTS:
        assert f"### {name.replace('_', ' ')}" in text, name


# -- strategies: valid programmes ---------------------------------------------------------


@st.composite
def programmes(draw: st.DrawFn, max_floors: int = 4, max_tenants: int = 6, max_others: int = 3) -> tuple[
    Building, list[Candidate], Placements
]:
    """A building, a pool and a valid placement of part of it (every hard constraint met).

    Candidates come from ``objectmatch.strategies.candidates`` and are then made to fit the
    floors drawn for them: function permitted, technical needs and rent limit within the
    floors', area bounds around the area given. Some candidates of the pool stay unplaced.
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
        if any(free[f.level] < 1.0 for f in mine):
            continue
        # each part >= 1 m², so that whole-m² area bounds fit around the total
        areas = {f.level: max(1.0, draw(st.floats(0.05, 0.7)) * free[f.level]) for f in mine}
        for level, area in areas.items():
            free[level] -= area
        total = math.fsum(areas.values())
        rents = [building.rent(f.level) for f in mine]
        fit = {
            "function": draw(st.sampled_from(sorted(building.permitted_functions))),
            "needs_ground_floor": base.needs_ground_floor and all(f.level == 0 for f in mine),
            "min_free_height": min(base.min_free_height, *(f.free_height for f in mine)),
            "min_floor_load": min(base.min_floor_load, *(f.floor_load for f in mine)),
            "max_rent": None if base.max_rent is None else max(base.max_rent, *rents),
            "area_min": max(1, math.floor(total * draw(st.floats(0.3, 1.0)))),  # whole m² around the total
            "area_max": math.ceil(total * draw(st.floats(1.0, 2.0))),
            "max_floors": max(base.max_floors, span),
        }
        pool.append(Candidate.model_validate({**base.model_dump(), **fit}))
        placements[cid] = areas
    for k in range(draw(st.integers(0, max_others))):
        pool.append(draw(candidates(id=f"x{k}")))
    assert placement_violations(building, pool, placements) == []
    return building, pool, placements


def _neighbours(placements: Placements, a: str, b: str) -> bool:
    return any(abs(la - lb) <= 1 for la in placements[a] for lb in placements[b])


def _rescale_areas(building: Building, pool: list[Candidate], placements: Placements, c: float) -> tuple[
    Building, list[Candidate], Placements
]:
    floors = [f.model_copy(update={"area": f.area * c}) for f in building.floors]
    b2 = Building.model_validate({**building.model_dump(), "floors": [f.model_dump() for f in floors]})
    pool2 = [
        Candidate.model_validate({**x.model_dump(), "area_min": x.area_min * c, "area_max": x.area_max * c})
        for x in pool
    ]
    return b2, pool2, {cid: {lv: a * c for lv, a in fl.items()} for cid, fl in placements.items()}


def _rescale_rents(building: Building, pool: list[Candidate], c: float) -> tuple[Building, list[Candidate]]:
    data = building.model_dump()
    data["asking_rent"] = building.asking_rent * c
    for f in data["floors"]:
        if f["asking_rent"] is not None:
            f["asking_rent"] *= c
    pool2 = [
        Candidate.model_validate({**x.model_dump(), "max_rent": None if x.max_rent is None else x.max_rent * c})
        for x in pool
    ]
    return Building.model_validate(data), pool2


# -- properties ---------------------------------------------------------------------------


@PROPS
@given(programmes())
def test_components_in_unit_interval_and_total_is_weighted_sum(
    data: tuple[Building, list[Candidate], Placements],
) -> None:
    building, pool, placements = data
    b = score(building, pool, placements, W)
    assert set(b.components) == set(COMPONENTS)
    for name, value in b.components.items():
        assert -1e-12 <= value <= 1 + 1e-9, (name, value)
    assert b.total == pytest.approx(math.fsum(b.weights[k] * b.components[k] for k in COMPONENTS), rel=1e-12, abs=1e-12)


@PROPS
@given(programmes(), st.randoms(use_true_random=False))
def test_score_ignores_the_order_of_the_pool_and_of_the_placements(
    data: tuple[Building, list[Candidate], Placements], rnd: Any
) -> None:
    building, pool, placements = data
    b = score(building, pool, placements, W)
    shuffled = list(pool)
    rnd.shuffle(shuffled)
    items = list(placements.items())
    rnd.shuffle(items)
    again = score(building, shuffled, dict(items), W)
    assert again == b  # exactly, not approximately


@PROPS
@given(programmes())
def test_unplaced_candidates_do_not_change_the_score(data: tuple[Building, list[Candidate], Placements]) -> None:
    building, pool, placements = data
    placed = [c for c in pool if c.id in placements]
    assert score(building, placed, placements, W) == score(building, pool, placements, W)


@PROPS
@given(programmes(), st.integers(1, 40))  # areas are whole m²: scale by whole factors
def test_rescaling_areas_leaves_every_component_unchanged(
    data: tuple[Building, list[Candidate], Placements], c: float
) -> None:
    building, pool, placements = data
    b = score(building, pool, placements, W)
    scaled = score(*_rescale_areas(building, pool, placements, c), W)
    for name in COMPONENTS:
        assert scaled.components[name] == pytest.approx(b.components[name], rel=1e-9, abs=1e-12), name
    assert scaled.total == pytest.approx(b.total, rel=1e-9, abs=1e-12)


@PROPS
@given(programmes(), st.floats(0.01, 20.0))
def test_rescaling_rents_leaves_every_component_unchanged(
    data: tuple[Building, list[Candidate], Placements], c: float
) -> None:
    building, pool, placements = data
    b = score(building, pool, placements, W)
    b2, pool2 = _rescale_rents(building, pool, c)
    scaled = score(b2, pool2, placements, W)
    for name in COMPONENTS:
        assert scaled.components[name] == pytest.approx(b.components[name], rel=1e-9, abs=1e-12), name


def _reference_pair(a: Candidate, b: Candidate, values_share: float) -> dict[str, float]:
    """The four pairwise formulas of docs/scoring.md, written from the models in plain Python."""

    def cos(x: Mapping[str, float], y: Mapping[str, float]) -> float:
        nx, ny = math.sqrt(sum(v * v for v in x.values())), math.sqrt(sum(v * v for v in y.values()))
        return 0.0 if nx == 0 or ny == 0 else sum(v * y.get(k, 0.0) for k, v in x.items()) / (nx * ny)

    def met(needs: frozenset[str], offers: frozenset[str]) -> float:
        return len(needs & offers) / len(needs) if needs else 0.0

    pa = [v for row in a.schedule for v in row]
    pb = [v for row in b.schedule for v in row]
    noise = max(0, a.noise - b.noise_tolerance, b.noise - a.noise_tolerance) / 3
    return {
        "shared_identity": (1 - values_share) * cos(a.identities, b.identities)
        + values_share * cos(a.values, b.values),
        "complementarity": (met(a.needs, b.offers) + met(b.needs, a.offers)) / 2,
        "time_complementarity": sum(x + y - 2 * x * y for x, y in zip(pa, pb, strict=True)) / 168,
        "conflict": 1.0 if (b.id in a.incompatible or a.id in b.incompatible) else noise,
    }


@PROPS
@given(candidate_pools(min_size=1, max_size=8), st.floats(0.0, 1.0))
def test_pairwise_matrices_symmetric_zero_diagonal_unit_interval_and_match_the_formulas(
    pool: list[Candidate], values_share: float
) -> None:
    w = W.model_copy(update={"values_share": values_share})
    comps = pairwise_components(pool, w)
    n = len(pool)
    for name in PAIRWISE:
        m = comps[name]
        assert m.shape == (n, n)
        np.testing.assert_array_equal(m, m.T)
        assert (np.diagonal(m) == 0).all()
        assert ((m >= 0) & (m <= 1)).all()
    for i in range(n):
        for j in range(i + 1, n):
            ref = _reference_pair(pool[i], pool[j], values_share)
            for name in PAIRWISE:
                assert comps[name][i, j] == pytest.approx(ref[name], abs=1e-12), (name, i, j)
    p = pairwise_scores(pool, w)
    np.testing.assert_array_equal(p, p.T)
    assert (np.diagonal(p) == 0).all()
    signed = w.signed()
    expected = sum((signed[k] * comps[k] for k in PAIRWISE), np.zeros((n, n)))
    np.testing.assert_allclose(p, expected, atol=1e-12)


@PROPS
@given(candidate_pools(min_size=2, max_size=8), st.randoms(use_true_random=False))
def test_pairwise_scores_follow_a_permutation_of_the_pool(pool: list[Candidate], rnd: Any) -> None:
    perm = list(range(len(pool)))
    rnd.shuffle(perm)
    p = pairwise_scores(pool, W)
    q = pairwise_scores([pool[k] for k in perm], W)
    np.testing.assert_allclose(q, p[np.ix_(perm, perm)], rtol=1e-12, atol=1e-12)
    c = pairwise_components(pool, W)
    d = pairwise_components([pool[k] for k in perm], W)
    for name in PAIRWISE:
        np.testing.assert_allclose(d[name], c[name][np.ix_(perm, perm)], rtol=1e-12, atol=1e-12)


@PROPS
@given(candidate_pools(min_size=2, max_size=6), st.data())
def test_an_offer_that_meets_a_need_raises_complementarity(pool: list[Candidate], data: st.DataObject) -> None:
    # Adding tag t, needed by i, to j's offers raises m_ij by exactly 1/|N_i|, so C_ij by 1/(2|N_i|);
    # no other pair loses, and pairs without j do not change.
    i, j = data.draw(st.permutations(range(len(pool))))[:2]
    needy = pool[i]
    missing = sorted(needy.needs - pool[j].offers)
    if not missing:
        needy = needy.model_copy(update={"needs": needy.needs | {"childcare"}})
        pool[i] = needy = Candidate.model_validate(needy.model_dump())
        missing = sorted(needy.needs - pool[j].offers)
    if not missing:  # j already offers childcare, i.e. everything i needs
        return
    t = data.draw(st.sampled_from(missing))
    before = pairwise_components(pool, W)["complementarity"]
    richer = list(pool)
    richer[j] = Candidate.model_validate({**pool[j].model_dump(), "offers": sorted(pool[j].offers | {t})})
    after = pairwise_components(richer, W)["complementarity"]
    assert after[i, j] == pytest.approx(before[i, j] + 1 / (2 * len(needy.needs)), abs=1e-12)
    assert after[i, j] > before[i, j]
    assert (after >= before - 1e-12).all()
    others = [k for k in range(len(pool)) if k != j]
    np.testing.assert_allclose(after[np.ix_(others, others)], before[np.ix_(others, others)], atol=1e-15)


def _worst_conflicts(building: Building, pool: list[Candidate], placements: Placements) -> dict[str, float]:
    """Each tenant's worst conflict with another tenant on the same or an adjacent floor (0 if none),
    from the models in plain Python (docs/scoring.md, conflict)."""
    by_id = {c.id: c for c in pool}
    return {
        i: max(
            (_reference_pair(by_id[i], by_id[j], 0.0)["conflict"]
             for j in placements if j != i and _neighbours(placements, i, j)),
            default=0.0,
        )
        for i in placements
    }


def _reference_conflict(building: Building, pool: list[Candidate], placements: Placements) -> float:
    """``sum_i s_i max_{j in nb(i)} K_ij``, ``s_i = area_min_i / L``."""
    by_id = {c.id: c for c in pool}
    worst = _worst_conflicts(building, pool, placements)
    return math.fsum(by_id[i].area_min / building.lettable_area * k for i, k in worst.items())


@PROPS
@given(programmes(max_tenants=5), st.data())
def test_a_loud_twin_scores_no_better_than_a_quiet_twin(
    data: tuple[Building, list[Candidate], Placements], draw: st.DataObject
) -> None:
    # Two programmes that differ only in tenant x's noise (3 vs 0, tolerance 3 both) have equal
    # components except conflict. The quiet x conflicts with no one (K = 0, or 1 where a refusal
    # stands); the loud x conflicts with each neighbour j at (3 - tol_j) / 3 (1 if refused). No
    # tenant's worst conflict falls, so the loud total is never higher, and it is lower exactly when
    # some tenant's worst conflict rises: x's own (x has an unrefused neighbour with tol < 3 and no
    # refusing neighbour), or a neighbour j's (unrefused, (3 - tol_j) / 3 above j's worst with others).
    building, pool, placements = data
    placed = sorted(placements)
    x = draw.draw(st.sampled_from(placed))
    at = next(k for k, c in enumerate(pool) if c.id == x)
    quiet, loud = list(pool), list(pool)
    quiet[at] = pool[at].model_copy(update={"noise": 0, "noise_tolerance": 3})
    loud[at] = pool[at].model_copy(update={"noise": 3, "noise_tolerance": 3})
    bq, bl = score(building, quiet, placements, W), score(building, loud, placements, W)
    for name in COMPONENTS:
        if name != "conflict":
            assert bl.components[name] == bq.components[name], name
    assert bq.components["conflict"] == pytest.approx(_reference_conflict(building, quiet, placements), abs=1e-12)
    assert bl.components["conflict"] == pytest.approx(_reference_conflict(building, loud, placements), abs=1e-12)
    wq, wl = _worst_conflicts(building, quiet, placements), _worst_conflicts(building, loud, placements)
    assert all(wl[i] >= wq[i] for i in placed)

    by_id = {c.id: c for c in pool}
    near = [j for j in placed if j != x and _neighbours(placements, x, j)]
    refusing = {j for j in near if x in by_id[j].incompatible or j in by_id[x].incompatible}
    hurt = [j for j in near if j not in refusing and by_id[j].noise_tolerance < 3]
    others_worst = _worst_conflicts(building, pool, {j: fl for j, fl in placements.items() if j != x})
    rises = (bool(hurt) and not refusing) or any((3 - by_id[j].noise_tolerance) / 3 > others_worst[j] for j in hurt)
    assert bl.total <= bq.total + 1e-12
    if rises:
        assert bl.components["conflict"] > bq.components["conflict"]
        assert bl.total < bq.total
    else:
        assert bl.components["conflict"] == pytest.approx(bq.components["conflict"], abs=1e-15)


@PROPS
@given(programmes(max_tenants=5), st.data())
def test_adding_a_tenant_raises_every_component_but_conflict_costs(
    data: tuple[Building, list[Candidate], Placements], draw: st.DataObject
) -> None:
    # Adding tenant x to a programme never lowers a component: the affinity terms are sums of
    # non-negative terms, counts are monotone, and in conflict no tenant's worst neighbour gets
    # better while x adds its own term. So the total can fall only through conflict. With only
    # conflict weighted, adding x costs at least s_x * (x's worst conflict) and exactly what the
    # worst-neighbour formula predicts, so it lowers the total exactly when x has a conflicting
    # neighbour.
    building, pool, placements = data
    x = draw.draw(st.sampled_from(sorted(placements)))
    without = {cid: floors for cid, floors in placements.items() if cid != x}
    b_with = score(building, pool, placements, W)
    b_without = score(building, pool, without, W)
    for name in COMPONENTS:
        assert b_with.components[name] >= b_without.components[name] - 1e-12, name
    only_conflict = Weights(**{**dict.fromkeys(COMPONENTS, 0.0), "conflict": 1.0})
    comps = pairwise_components(pool, W)["conflict"]
    index = {c.id: k for k, c in enumerate(pool)}
    clash = any(
        comps[index[x], index[j]] > 0 and _neighbours(placements, x, j) for j in without
    )
    t_with = score(building, pool, placements, only_conflict).total
    t_without = score(building, pool, without, only_conflict).total
    predicted = _reference_conflict(building, pool, placements) - _reference_conflict(building, pool, without)
    assert t_without - t_with == pytest.approx(predicted, abs=1e-12)
    own = pool[index[x]].area_min / building.lettable_area * _worst_conflicts(building, pool, placements)[x]
    assert t_without - t_with >= own - 1e-12
    if clash:
        assert own > 0
        assert t_with < t_without
    else:
        assert t_with == pytest.approx(t_without, abs=1e-14)


@PROPS
@given(programmes())
def test_programme_pairwise_components_follow_the_documented_formulas(
    data: tuple[Building, list[Candidate], Placements],
) -> None:
    # Affinity: c_k = sum over ordered pairs i != j of s_i s_j W_ij, s_i = area_min_i / L.
    # Conflict: c = sum_i s_i max_{j in nb(i)} K_ij (other tenants on the same or an adjacent floor),
    # at most sum_i s_i <= occupancy.
    building, pool, placements = data
    b = score(building, pool, placements, W)
    placed = [c for c in pool if c.id in placements]
    comps = pairwise_components(placed, W)
    share = [c.area_min / building.lettable_area for c in placed]
    for name in PAIRWISE:
        if name == "conflict":
            continue
        expected = math.fsum(
            share[i] * share[j] * comps[name][i, j]
            for i in range(len(placed))
            for j in range(len(placed))
            if i != j
        )
        assert b.components[name] == pytest.approx(expected, rel=1e-12, abs=1e-15), name
    worst = [
        max((comps["conflict"][i, j] for j in range(len(placed))
             if j != i and _neighbours(placements, placed[i].id, placed[j].id)), default=0.0)
        for i in range(len(placed))
    ]
    expected_conflict = math.fsum(s * k for s, k in zip(share, worst, strict=True))
    assert b.components["conflict"] == pytest.approx(expected_conflict, rel=1e-12, abs=1e-15)
    assert b.components["conflict"] == pytest.approx(_reference_conflict(building, pool, placements), abs=1e-12)
    assert b.components["occupancy"] == pytest.approx(
        math.fsum(a for fl in placements.values() for a in fl.values()) / building.lettable_area, rel=1e-12
    )
    assert b.components["conflict"] <= math.fsum(share) + 1e-12
    assert math.fsum(share) <= b.components["occupancy"] * (1 + 1e-9) + 1e-12


@PROPS
@given(programmes())
def test_score_does_not_mutate_generated_inputs(data: tuple[Building, list[Candidate], Placements]) -> None:
    building, pool, placements = data
    before = (building.model_dump(), [c.model_dump() for c in pool], copy.deepcopy(placements))
    score(building, pool, placements, W)
    assert (building.model_dump(), [c.model_dump() for c in pool], placements) == before
