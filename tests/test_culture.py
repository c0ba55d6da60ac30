"""Tests for objectmatch.culture: hand-worked values from docs/culture.md and property tests."""

from __future__ import annotations

import json
import math
import re
from importlib import resources
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from objectmatch import (
    Building,
    Candidate,
    Constraints,
    Location,
    Programme,
    ScoreBreakdown,
    ScoreModel,
    Vocabulary,
    load_example,
)
from objectmatch import score as om_score
from objectmatch._explain import vacancy_reasons
from objectmatch.culture import (
    Hero,
    IdentityNetwork,
    NeighbourhoodProfile,
    Outreach,
    OutreachChannel,
    OutreachRules,
    Participation,
    Positioning,
    Ritual,
    Swot,
    SwotItem,
    SwotRules,
    Symbol,
    example_participation,
    example_profile,
    identity_profile,
    outreach,
    positioning,
    swot,
)
from objectmatch.options import MatchOptions
from objectmatch.vocabulary import (
    DEFAULT_IDENTITIES,
    FIXED_IDENTITY_TERMS,
    fixed_identity_reason,
    is_meeting_place,
    use_vocabulary,
)

SIX = ("community", "culture", "food", "green", "health", "sport")

# -- the worked example of docs/culture.md ("Parkwijk") -------------------------------------------


def parkwijk() -> NeighbourhoodProfile:
    return NeighbourhoodProfile(
        name="Parkwijk",
        symbols=[
            Symbol(name="Park", identities={"green": 1.0, "sport": 0.5}),
            Symbol(name="Market hall", identities={"food": 1.0, "community": 0.5}),
        ],
        heroes=[
            Hero(name="Running club", identities={"sport": 1.0, "health": 1.0}, pioneer=True),
            Hero(name="Community kitchen", identities={"food": 1.0, "community": 1.0}),
        ],
        rituals=[
            Ritual(name="Park run", identities={"sport": 1.0}, per_year=52),
            Ritual(name="Street festival", identities={"culture": 0.5, "food": 0.5, "community": 1.0}, per_year=6),
        ],
    )


def _floor(level: int, front: bool = False, area: int = 200) -> dict[str, Any]:
    return {"level": level, "area": area, "free_height": 4, "floor_load": 5, "depth": 14, "street_frontage": front}


def parkhuis(dna: dict[str, float] | None = None) -> Building:
    return Building(
        id="parkhuis",
        name="Parkhuis",
        floors=[_floor(0, True, 250), _floor(1), _floor(2, area=150)],  # the programme leaves 100 m² on level 0
        permitted_functions=["assembly", "sport", "office", "healthcare", "other"],
        asking_rent=150,
        location={"lat": 52.0, "lon": 4.0, "neighbourhood": "Parkwijk", "dna": dna or {}},
    )


def _cand(cid: str, function: str, identities: dict[str, float], lo: float, hi: float, **kw: Any) -> Candidate:
    return Candidate(
        id=cid,
        name=cid.capitalize(),
        function=function,
        activity=cid,
        identities=identities,
        area_min=lo,
        area_max=hi,
        **kw,
    )


def pool() -> list[Candidate]:
    return [
        _cand("cafe", "assembly", {"food": 1.0, "community": 0.5}, 100, 200, noise=2, pioneer=True,
              visitors_per_day=250),
        _cand("gym", "sport", {"sport": 1.0, "health": 0.5}, 150, 200, noise=3, visitors_per_day=120),
        _cand("studio", "office", {"culture": 1.0}, 100, 200, noise_tolerance=1),
        _cand("clinic", "healthcare", {"health": 1.0}, 80, 150),
        _cand("garden", "other", {"green": 1.0, "food": 0.5}, 80, 150),
        _cand("theatre", "assembly", {"culture": 1.0, "community": 0.5}, 300, 400),
    ]


def programme(placements: dict[str, dict[int, float]] | None = None, lettable: float = 600.0) -> Programme:
    if placements is None:
        placements = {"cafe": {0: 150.0}, "gym": {1: 200.0}, "studio": {2: 150.0}}
    area = sum(a for floors in placements.values() for a in floors.values())
    return Programme(
        placements=placements,
        tenants=tuple(placements),
        score=0.0,
        breakdown=ScoreBreakdown(total=0.0, components={}),
        occupancy=area / lettable,
        functions=(),
    )


# -- DNA -------------------------------------------------------------------------------------------


def test_dna_hand_worked() -> None:
    # raw: sport 5.5, health 2, green 1, food 4.125, community 4.75, culture 1.125; divided by 5.5
    dna = parkwijk().dna()
    expected = {
        "community": 19 / 22,
        "culture": 9 / 44,
        "food": 0.75,
        "green": 2 / 11,
        "health": 4 / 11,
        "sport": 1.0,
    }
    assert list(dna) == sorted(expected)
    assert dna == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize(("per_year", "factor"), [(None, 1.0), (1, 0.5 + 0.5 / 12), (6, 0.75), (12, 1.0), (52, 1.0)])
def test_ritual_frequency_factor(per_year: float | None, factor: float) -> None:
    assert Ritual(name="r", identities={"music": 1.0}, per_year=per_year).dna_factor == pytest.approx(factor)


def test_values_that_are_identities_count_in_the_inner_layer() -> None:
    profile = NeighbourhoodProfile(
        name="X", symbols=[Symbol(name="Field", identities={"sport": 1.0})], values={"health": 0.5, "openness": 1.0}
    )
    # sport: 1 (symbol); health: 4 * 0.5 = 2 (value); openness is no identity
    assert profile.dna() == pytest.approx({"health": 1.0, "sport": 0.5})
    only_sport = Vocabulary(identities=["sport"])
    assert profile.dna(vocabulary=only_sport) == {"sport": 1.0}


def test_location_from_profile_and_with_dna_do_not_mutate() -> None:
    profile = parkwijk()
    loc = profile.to_location(52.36, 4.92, transit_distance=200)
    assert loc.neighbourhood == "Parkwijk" and loc.dna == profile.dna() and loc.transit_distance == 200
    original = Location(lat=52.0, lon=4.0, neighbourhood="Parkwijk", dna={"tech": 0.4}, noise_db=55)
    moved = profile.with_dna(original)
    assert original.dna == {"tech": 0.4}
    assert moved.dna == profile.dna() and moved.noise_db == 55 and moved.neighbourhood == "Parkwijk"
    with pytest.raises(ValueError, match="derives dna"):
        profile.to_location(52.0, 4.0, dna={"tech": 1.0})


def test_profile_validation_messages() -> None:
    with pytest.raises(ValidationError, match="religion, a fixed identity"):
        Symbol(name="Church", identities={"religion": 1.0})
    with pytest.raises(ValidationError, match="fixed identity"):
        NeighbourhoodProfile(name="X", heroes=[{"name": "Club", "identities": {"youth": 1.0}}])
    with pytest.raises(ValidationError, match="fixed identity"):
        NeighbourhoodProfile(name="X", values={"muslim": 1.0})
    with pytest.raises(ValidationError, match="unknown identity 'skateboarding'"):
        Symbol(name="Bowl", identities={"skateboarding": 1.0})
    with pytest.raises(ValidationError, match="unknown value 'sport'"):
        NeighbourhoodProfile(name="X", values={"sport": 1.0})
    with pytest.raises(ValidationError, match="lists 'Park' twice"):
        NeighbourhoodProfile(name="X", symbols=[Symbol(name="Park", identities={"green": 1})] * 2)
    with pytest.raises(ValidationError, match="not a string"):
        Symbol(name="Park", identities={3: 1.0})
    with pytest.raises(ValidationError, match="less than or equal to 1"):
        Symbol(name="Park", identities={"green": 1.5})
    with pytest.raises(ValidationError):
        Symbol(name="Park", identities={})
    vocab = Vocabulary.default().extend(identities=["skateboarding"])
    with use_vocabulary(vocab):
        bowl = Symbol(name="Bowl", identities={"Skateboarding": 1.0})
    assert bowl.identities == {"skateboarding": 1.0}
    ctx = NeighbourhoodProfile.model_validate(
        {"name": "X", "symbols": [{"name": "Bowl", "identities": {"skateboarding": 1}}]},
        context={"vocabulary": vocab},
    )
    assert ctx.identities == ("skateboarding",)


def test_profile_round_trips_through_json() -> None:
    profile = parkwijk()
    assert NeighbourhoodProfile.model_validate_json(profile.model_dump_json()) == profile
    assert [h.name for h in profile.pioneers] == ["Running club"]
    assert set(profile.to_frame()["layer"]) == {"symbols", "heroes", "rituals"}


# -- network ---------------------------------------------------------------------------------------

# docs/culture.md, "The network": profile carriers only, scale 1, indirect 0.25
NETWORK = {
    ("community", "food"): 0.8676,
    ("health", "sport"): 0.6321,
    ("community", "culture"): 0.4218,
    ("green", "sport"): 0.3935,
    ("culture", "food"): 0.2847,
    ("green", "health"): 0.0603,
}


def test_network_hand_worked() -> None:
    net = IdentityNetwork.from_profile(parkwijk())
    assert net.identities == SIX
    for (a, b), value in NETWORK.items():
        assert net.strength(a, b) == pytest.approx(value, abs=5e-5)
        assert net.strength(b, a) == net.strength(a, b)
    linked = set(NETWORK) | {(b, a) for a, b in NETWORK}
    for a in SIX:
        assert net.strength(a, a) == 1.0
        for b in SIX:
            if a != b and (a, b) not in linked:
                assert net.strength(a, b) == 0.0
    i = {t: k for k, t in enumerate(net.identities)}
    assert net.direct[i["community"], i["food"]] == pytest.approx(2.0)
    assert net.direct[i["green"], i["health"]] == 0.0
    # green and health share only the neighbour sport: N = D(green, sport) * D(sport, health)
    assert net.shared[i["green"], i["health"]] == pytest.approx((1 - math.exp(-0.5)) * (1 - math.exp(-1)))


def test_network_with_candidates_hand_worked() -> None:
    net = IdentityNetwork.from_profile(parkwijk(), pool())  # candidates count 0.5 each
    assert net.strength("health", "sport") == pytest.approx(0.7135, abs=5e-5)
    assert net.strength("community", "food") == pytest.approx(0.8976, abs=5e-5)
    assert net.strength("food", "green") == pytest.approx(0.2212, abs=5e-5)
    assert net.strength("community", "green") == pytest.approx(0.0483, abs=5e-5)


def test_matrix_order_unknown_and_bad_names() -> None:
    net = IdentityNetwork.from_profile(parkwijk())
    m = net.matrix(["sport", "Knowledge", "health"])
    assert m.shape == (3, 3)
    assert m[0, 2] == m[2, 0] == pytest.approx(0.6321, abs=5e-5)
    assert m[1].tolist() == [0.0, 1.0, 0.0]
    with pytest.raises(ValueError, match="repeat"):
        net.matrix(["sport", "sport"])
    with pytest.raises(ValueError, match="fixed identity"):
        net.matrix(["sport", "gender"])
    with pytest.raises(TypeError):
        net.matrix("sport")
    assert net.kernel(["sport", "health"], mix=0.5)[0, 1] == pytest.approx(0.5 * 0.6321, abs=5e-5)
    with pytest.raises(ValueError, match="mix"):
        net.kernel(mix=2.0)


def test_from_carriers_checks_its_input() -> None:
    with pytest.raises(ValueError, match="not in \\[0, 1\\]"):
        IdentityNetwork.from_carriers([{"sport": 2.0}])
    with pytest.raises(ValueError, match="fixed identity"):
        IdentityNetwork.from_carriers([{"sport": 1.0, "women": 1.0}])
    with pytest.raises(ValueError, match="weights for"):
        IdentityNetwork.from_carriers([{"sport": 1.0}], weights=[1.0, 2.0])
    with pytest.raises(TypeError, match="carriers\\[0\\]"):
        IdentityNetwork.from_carriers([3])
    with pytest.raises(ValueError, match="scale"):
        IdentityNetwork.from_carriers([{"sport": 1.0}], scale=0.0)
    empty = IdentityNetwork.from_carriers([])
    assert empty.identities == () and empty.matrix(["sport"]).tolist() == [[1.0]]


def test_to_networkx_names_the_carriers() -> None:
    graph = IdentityNetwork.from_profile(parkwijk()).to_networkx()
    assert set(graph.nodes) == set(SIX)
    assert graph.edges["community", "food"]["carriers"] == ("Market hall", "Community kitchen", "Street festival")
    assert graph.edges["green", "health"]["carriers"] == ()  # linked only through sport
    assert graph.number_of_edges() == len(NETWORK)
    assert graph.nodes["sport"]["carriers"] == 3


def test_network_equality_survives_a_json_round_trip() -> None:
    net = parkwijk().network()
    assert net == IdentityNetwork.from_profile(parkwijk()) and hash(net) == hash(parkwijk().network())
    assert net != IdentityNetwork.from_profile(parkwijk(), scale=2.0)
    assert net != IdentityNetwork.from_profile(parkwijk(), indirect=0.5)
    assert net != IdentityNetwork.from_profile(parkwijk(), pool())  # more carriers
    heavier = IdentityNetwork(net.identities, net.incidence * 2.0, carriers=net.carriers)
    assert net != heavier and (net == "network") is False
    renamed = IdentityNetwork(net.identities, net.incidence, carriers=[f"x{i}" for i in range(len(net.carriers))])
    assert net != renamed
    options = MatchOptions(profile=parkwijk(), network=net)
    back = MatchOptions.model_validate_json(options.model_dump_json())
    assert back == options and back.network == net and back.network is not net


def test_unplaced_candidates_never_change_a_score() -> None:
    # the network scoring uses is the place's (profile.network()), not one of the place and the applicants
    placements = {"cafe": {0: 150}, "gym": {1: 200}, "studio": {2: 150}}
    tenants_only = om_score(parkhuis(), pool()[:3], placements, profile=parkwijk())
    whole_pool = om_score(parkhuis(), pool(), placements, profile=parkwijk())
    assert whole_pool == tenants_only
    custom = om_score(parkhuis(), pool(), placements, profile=parkwijk(), network=parkwijk().network(pool()))
    assert custom.components["shared_identity"] > whole_pool.components["shared_identity"]


# -- SWOT, positioning, outreach ------------------------------------------------------------------

#: Why the theatre (300 m²) cannot come into the 100 m² the Parkhuis programme leaves on level 0.
THEATRE_NO_ROOM = "no room: needs 300 m², the most vacant space it may use is 100 m²"


def test_swot_hand_worked() -> None:
    result = swot(programme(), parkhuis(), pool(), parkwijk())
    assert [(it.identities, round(it.value, 4)) for it in result.strengths] == [
        (("sport",), 0.4),
        (("food",), 0.3),
        (("community",), 0.15),
    ]
    assert [it.candidates for it in result.strengths] == [("gym",), ("cafe",), ("cafe",)]
    assert [(it.identities, round(it.value, 4)) for it in result.weaknesses] == [(("green",), 0.8182)]  # 1 - 2/11
    # 100 m² is vacant, all on level 0: the garden (80 m²) could come in, the theatre (300 m²) not
    assert [(it.identities, it.candidates, it.blocked, round(it.value, 4)) for it in result.opportunities] == [
        (("green",), ("garden",), (), 1.0),
        (("culture",), ("studio",), (), 0.3),
        (("culture",), (), (("theatre", THEATRE_NO_ROOM),), 0.0),
    ]
    assert result.opportunities[2].text == (
        "candidates in the pool would add more 'culture' (neighbourhood 0.20), but none could come in: "
        f"Theatre [{THEATRE_NO_ROOM}]"
    )
    assert [(it.candidates, round(it.value, 4)) for it in result.threats] == [
        (("gym", "studio"), 0.6667),  # noise 3 next to a tolerance of 1
        (("gym",), 0.4),  # 200 of 500 m² let
    ]
    assert result.programme_identities == pytest.approx(
        {"community": 0.15, "culture": 0.3, "food": 0.3, "health": 0.2, "sport": 0.4}
    )
    text = str(result)
    assert "**Strengths**" in text and "reinforces 'sport'" in text
    frame = result.to_frame()
    assert list(frame.columns) == ["kind", "text", "identities", "candidates", "blocked", "value"]
    assert len(frame) == 9 and frame["blocked"][6] == f"theatre: {THEATRE_NO_ROOM}"
    assert Swot.model_validate_json(result.model_dump_json()) == result


def test_swot_other_threats_and_location_fallback() -> None:
    cands = [
        _cand("a", "office", {"tech": 1.0}, 100, 400, incompatible={"b"}),
        _cand("b", "office", {"tech": 1.0, "media": 0.2}, 50, 100),
    ]
    prog = programme({"a": {1: 200.0, 2: 200.0}, "b": {0: 100.0}})
    result = swot(prog, parkhuis(dna={"tech": 0.9, "green": 0.1}), cands)
    threats = {it.text.split(":")[0]: it for it in result.threats}
    assert threats["conflict"].candidates == ("a", "b") and threats["conflict"].value == 1.0
    assert threats["dependence on one tenant"].value == pytest.approx(0.8)
    over = [it for it in result.threats if it.text.startswith("over-concentration")]
    assert len(over) == 2
    function_item = next(it for it in over if "function" in it.text)
    assert function_item.value == 1.0 and function_item.candidates == ("a", "b")
    identity_item = next(it for it in over if it.identities == ("tech",))
    assert identity_item.value == pytest.approx(1.0 / (1.0 + 0.2 * 100 / 500))
    assert [it.identities for it in result.strengths] == [("tech",)]  # from building.location.dna
    # green is weak in the DNA (0.1); media is absent there and the programme adds only 0.04 of it
    assert [(it.identities, it.value) for it in result.weaknesses] == [(("media",), 1.0), (("green",), 0.9)]
    loose = swot(prog, parkhuis(dna={"tech": 0.9}), cands, rules=SwotRules(tenant_share=0.9, function_share=1.1))
    assert not any("tenant" in it.text or "function" in it.text for it in loose.threats)
    capped = swot(prog, parkhuis(dna={"tech": 0.9, "green": 0.1}), cands, rules=SwotRules(max_items=1))
    assert [it.identities for it in capped.weaknesses] == [("media",)] and len(capped.threats) == 1
    with pytest.raises(ValueError, match=r"SwotRules\.present"):
        SwotRules(present=-1.0)


def test_swot_refuses_unknown_tenants_and_levels() -> None:
    with pytest.raises(ValueError, match="not among the candidates"):
        swot(programme(), parkhuis(), pool()[1:], parkwijk())
    with pytest.raises(ValueError, match="level\\(s\\) \\[7\\]"):
        swot(programme({"cafe": {7: 100.0}}), parkhuis(), pool(), parkwijk())


def test_swot_item_refuses_fixed_identity() -> None:
    with pytest.raises(ValidationError, match="fixed identity"):
        SwotItem(kind="strength", text="x", identities=("religion",), value=1.0)


def test_positioning_hand_worked() -> None:
    pos = positioning(programme(), parkhuis(), pool(), parkwijk())
    assert pos.hearts == pytest.approx({"sport": 0.4, "culture": 0.3, "food": 0.3})
    assert list(pos.hearts) == ["sport", "culture", "food"]
    # hosts: the cafe (assembly, a meeting place) on level 0, the gym (sport: public) on level 1; the studio
    # (an office) hosts nobody. Meeting: visitors x identities carried: 250 x 2 and 120 x 2 (health 0.5 counts).
    got = [(o.level, o.tenants, o.count, o.visitors, o.meeting, o.plinth) for o in pos.overlap_places]
    assert got == [(0, ("cafe",), 2, 250.0, 500.0, True), (1, ("gym",), 2, 120.0, 240.0, False)]
    assert pos.overlap is not None and pos.overlap.identities == ("community", "food")
    assert pos.pioneers == ("cafe",)
    assert pos.dna_fit == pytest.approx(0.8831, abs=5e-5)
    assert "3 hearts" in pos.summary and "level 0 (plinth), where 2 identities meet" in pos.summary
    assert "250 visitors a day" in pos.summary and "Cafe (level 0)" in str(pos)
    assert Positioning.model_validate_json(pos.model_dump_json()) == pos


def hoekpand() -> tuple[Building, list[Candidate], Programme]:
    """docs/culture.md section 5: a cafe and a community room on the street, offices and a physio above."""
    building = Building(
        id="hoekpand", name="Hoekpand", floors=[_floor(0, True, 200), _floor(1, area=300)],
        permitted_functions=["assembly", "office", "healthcare"], asking_rent=150,
        location={"lat": 52.0, "lon": 4.0, "neighbourhood": "Parkwijk"},
    )
    cands = [
        _cand("cafe", "assembly", {"food": 1.0, "community": 0.5}, 100, 150, visitors_per_day=180),
        _cand("buurtkamer", "assembly", {"community": 1.0, "culture": 0.5}, 60, 100, visitors_per_day=60),
        _cand("software", "office", {"tech": 1.0, "knowledge": 0.5, "media": 0.25}, 80, 120, visitors_per_day=10),
        _cand("design", "office", {"art": 1.0, "media": 1.0, "entrepreneurship": 0.5}, 80, 120),
        _cand("physio", "healthcare", {"health": 1.0, "sport": 0.5}, 60, 100, visitors_per_day=40),
    ]
    activities = ("cafe", "community centre", "software studio", "design agency", "physiotherapy")
    cands = [c.model_copy(update={"activity": a}) for c, a in zip(cands, activities, strict=True)]
    prog = programme({"cafe": {0: 120.0}, "buurtkamer": {0: 80.0}, "software": {1: 100.0}, "design": {1: 100.0},
                      "physio": {1: 80.0}}, lettable=500.0)
    return building, cands, prog


def test_overlap_place_is_where_identities_meet_through_public_and_meeting_tenants() -> None:
    building, cands, prog = hoekpand()
    pos = positioning(prog, building, cands)
    # Level 1 holds seven distinct identities against level 0's three, but its offices are neither public nor
    # meeting places: only the physio (healthcare, public) hosts there. Level 0: 180 x 2 + 60 x 2 = 480.
    got = [(o.level, o.tenants, o.identities, o.visitors, o.meeting) for o in pos.overlap_places]
    assert got == [
        (0, ("cafe", "buurtkamer"), ("community", "culture", "food"), 240.0, 480.0),
        (1, ("physio",), ("health", "sport"), 40.0, 80.0),
    ]
    assert pos.overlap is not None and pos.overlap.level == 0 and pos.overlap.plinth
    assert "level 0 (plinth), where 3 identities meet (community, culture, food) through Cafe, Buurtkamer, " \
           "240 visitors a day" in pos.summary


def test_overlap_place_splits_a_hosts_visitors_by_area_and_needs_a_host() -> None:
    building, cands, _ = hoekpand()
    cafe = cands[0].model_copy(update={"max_floors": 2})
    prog = programme({"cafe": {0: 90.0, 1: 30.0}, "software": {1: 100.0}}, lettable=500.0)
    places = positioning(prog, building, [cafe, *cands[1:]]).overlap_places
    assert [(o.level, o.visitors, o.meeting) for o in places] == [(0, 135.0, 270.0), (1, 45.0, 90.0)]
    offices = positioning(programme({"software": {1: 100.0}, "design": {1: 100.0}}), building, cands)
    assert offices.overlap is None and "no place where identities meet" in offices.summary


def test_identity_profile_hand_worked() -> None:
    assert identity_profile(programme(), pool()) == pytest.approx(
        {"sport": 0.4, "culture": 0.3, "food": 0.3, "health": 0.2, "community": 0.15}
    )


def test_outreach_hand_worked() -> None:
    result = outreach(programme(), parkhuis(), parkwijk(), candidates=pool())
    assert result.vacant_area == pytest.approx(100.0) and not result.full
    got = [(t.identity, round(t.strength, 4), t.candidates, t.blocked, t.next_in_line) for t in result]
    assert got == [
        ("community", 0.4048, (), (("theatre", THEATRE_NO_ROOM),), ()),
        ("health", 0.1946, ("clinic",), (), ()),
        ("green", 0.1344, ("garden",), (), ()),
    ]
    assert result[0].via == ("food", "culture")
    assert f"none could come into 100 m² vacant: Theatre [{THEATRE_NO_ROOM}]" in result[0].why
    assert "could come into 100 m² vacant: Clinic" in result[1].why
    assert len(outreach(programme(), parkhuis(), parkwijk(), top=1, candidates=pool())) == 1
    assert Outreach.model_validate_json(result.model_dump_json()) == result
    assert "100 m² vacant" in str(result) and list(result.to_frame()["identity"]) == ["community", "health", "green"]
    assert result.to_frame()["blocked"][0] == f"theatre: {THEATRE_NO_ROOM}"


def test_outreach_with_nothing_vacant_names_the_next_in_line() -> None:
    full = programme({"cafe": {0: 250.0}, "gym": {1: 200.0}, "studio": {2: 150.0}})
    result = outreach(full, parkhuis(), parkwijk(), candidates=pool())
    assert result.full and result.vacant_area == 0.0
    # were the building empty, the clinic and the garden could come in; the theatre (300 m²) fits no floor
    got = [(t.identity, t.candidates, t.next_in_line, t.blocked) for t in result]
    assert got == [
        ("community", (), (), (("theatre", "no room: needs 300 m², the most vacant space it may use is 250 m²"),)),
        ("health", (), ("clinic",), ()),
        ("green", (), ("garden",), ()),
    ]
    assert "nothing is vacant; next in line if space comes free: Clinic" in result[1].why
    assert "nothing is vacant, and none could come in if space came free: Theatre" in result[0].why
    assert str(result).startswith("Outreach: nothing is vacant; the networks to approach when space comes free")
    assert Outreach.model_validate_json(result.model_dump_json()) == result


def test_outreach_names_no_candidate_the_rules_keep_out() -> None:
    # the clinic cannot pay 70 % of the asking rent (150), the garden needs the ground floor: with the ground
    # floor let in full, only level 2 (50 m²) is vacant
    cands = [c.model_copy(update={"max_rent": 100.0, "area_min": 40}) if c.id == "clinic" else c for c in pool()]
    cands = [c.model_copy(update={"needs_ground_floor": True, "area_min": 40}) if c.id == "garden" else c
             for c in cands]
    prog = programme({"cafe": {0: 250.0}, "gym": {1: 200.0}, "studio": {2: 100.0}})
    result = {t.identity: t for t in outreach(prog, parkhuis(), parkwijk(), candidates=cands)}
    assert result["health"].candidates == () and result["green"].candidates == ()
    (clinic, why_clinic), = result["health"].blocked
    (garden, why_garden), = result["green"].blocked
    assert clinic == "clinic" and why_clinic.startswith("can pay at most 100.0 EUR/m²/yr")
    # the garden needs the ground floor, which is let in full; level 2's 50 m² it may not use
    assert garden == "garden" and why_garden == "no room: needs 40 m², the most vacant space it may use is 0 m²"
    lenient = outreach(prog, parkhuis(), parkwijk(), candidates=cands, constraints=Constraints(max_discount=0.5))
    assert {t.identity: t.candidates for t in lenient}["health"] == ("clinic",)  # 100 >= 50 % of 150


def test_outreach_rules_and_keywords() -> None:
    by_rules = outreach(programme(), parkhuis(), parkwijk(), pool(), rules=OutreachRules(top=2, examples=0))
    by_keywords = outreach(programme(), parkhuis(), parkwijk(), candidates=pool(), top=2, examples=0)
    assert by_rules == by_keywords and len(by_rules) == 2
    assert all(t.candidates == () and "reach it through" not in t.why for t in by_rules)
    overridden = outreach(programme(), parkhuis(), parkwijk(), pool(), rules=OutreachRules(top=2), top=1)
    assert len(overridden) == 1
    with pytest.raises(TypeError, match="unexpected keyword argument 'topp'"):
        outreach(programme(), parkhuis(), parkwijk(), pool(), topp=1)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="fourth argument is the pool"):
        outreach(programme(), parkhuis(), parkwijk(), 3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"OutreachRules\.max_hearts"):
        OutreachRules(max_hearts=0)
    with pytest.raises(ValueError, match=r"OutreachRules\.top"):
        OutreachRules(top=True)
    with pytest.raises(TypeError, match="constraints must be a Constraints"):
        outreach(programme(), parkhuis(), parkwijk(), pool(), constraints="strict")  # type: ignore[arg-type]
    as_dict = outreach(programme(), parkhuis(), parkwijk(), pool(), constraints={"max_discount": 0.5})  # type: ignore[arg-type]
    assert as_dict == outreach(programme(), parkhuis(), parkwijk(), pool(), constraints=Constraints(max_discount=0.5))
    with pytest.raises(TypeError, match="assess must be True or False"):
        swot(programme(), parkhuis(), pool(), parkwijk(), assess="no")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="network must be an IdentityNetwork"):
        outreach(programme(), parkhuis(), parkwijk(), pool(), network="x")  # type: ignore[arg-type]


def test_outreach_edges() -> None:
    with pytest.raises(ValueError, match="pass candidates"):
        outreach(programme(), parkhuis(), parkwijk())
    # a programme that carries its own identity profile needs no pool (no example candidates then)
    carrying = programme().model_copy(update={"identities": identity_profile(programme(), pool())})
    network = IdentityNetwork.from_profile(parkwijk(), pool())
    alone = outreach(carrying, parkhuis(), parkwijk(), network=network)
    with_pool = outreach(programme(), parkhuis(), parkwijk(), candidates=pool())
    assert [(t.identity, t.strength) for t in alone] == [(t.identity, t.strength) for t in with_pool]
    assert all(t.candidates == () and t.blocked == () for t in alone)
    with pytest.raises(ValueError, match="top"):
        outreach(programme(), parkhuis(), parkwijk(), top=-1, candidates=pool())


def test_swot_noise_threats_read_the_score_model() -> None:
    # default table: (noise - tolerance) / 3 -- the gym (3) next to the studio (tolerates 1): 2/3
    base = [(it.candidates, round(it.value, 4)) for it in swot(programme(), parkhuis(), pool()).threats]
    assert base == [(("gym", "studio"), 0.6667), (("gym",), 0.4)]
    table = [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0.9, 0, 0.5], [0, 0.25, 0, 0.1]]  # [noise][tolerance]
    rules = SwotRules(score_model=ScoreModel(noise_conflict=table))
    threats = [(it.candidates, it.value) for it in swot(programme(), parkhuis(), pool(), rules=rules).threats]
    # cafe (2) next to gym (tolerates 3): 0.5; gym (3) next to studio (1): 0.25, next to cafe (3): 0.1;
    # cafe (2) and studio (1) would give 0.9 but levels 0 and 2 are not near
    assert threats == [(("cafe", "gym"), 0.5), (("gym",), 0.4), (("gym", "studio"), 0.25), (("gym", "cafe"), 0.1)]
    with pytest.raises(TypeError, match=r"SwotRules\.score_model"):
        SwotRules(score_model={"same_floor": 1.0})  # type: ignore[arg-type]


def test_swot_near_is_by_level_not_by_floor_order() -> None:
    # levels 0 and 2 with no level 1 between them are not near, as in the scorer
    gap = Building(id="gap", name="Gap", floors=[_floor(0, True), _floor(2)], permitted_functions=["sport", "office"],
                   asking_rent=150, location={"lat": 52.0, "lon": 4.0, "neighbourhood": "Parkwijk"})
    prog = programme({"gym": {0: 150.0}, "studio": {2: 150.0}})
    assert not [it for it in swot(prog, gap, pool()).threats if it.text.startswith("noise")]
    near = programme({"gym": {0: 150.0}, "studio": {0: 50.0}})
    (noise,) = [it for it in swot(near, gap, pool()).threats if it.text.startswith("noise")]
    assert noise.text == "noise: Gym (noise 3) is on the same floor as Studio (tolerates 1)"


# -- the participation round in SWOT and outreach ------------------------------------------------


def parkwijk_round() -> Participation:
    """Six residents wish for green; five workers wish for food (0.5) and swimming, object to the gym and
    would help run the cafe; five residents would run a community kitchen, five visitors a garden."""
    rows: list[dict[str, Any]] = [
        {"respondent": f"g{i}", "role": "resident", "wishes": {"green": 1.0}} for i in range(6)
    ]
    rows += [
        {"respondent": f"f{i}", "role": "worker", "wishes": {"food": 0.5, "swimming": 1.0},
         "objections": {"gym": 1.0}, "helps": "cafe"}
        for i in range(5)
    ]
    rows += [
        {"respondent": f"k{i}", "role": "resident", "helps": "community kitchen",
         "initiative": "Keuken" if i == 0 else None}
        for i in range(5)
    ]
    rows += [{"respondent": f"t{i}", "role": "visitor", "helps": "garden"} for i in range(5)]
    return Participation(responses=rows)


def test_swot_hears_the_participation_round_hand_worked() -> None:
    base = swot(programme(), parkhuis(), pool(), parkwijk())
    heard = swot(programme(), parkhuis(), pool(), parkwijk(), participation=parkwijk_round())
    added = [it for it in heard.items if it not in base.items]
    assert set(base.items) <= set(heard.items)  # the round adds items and changes none
    s = {tag: -math.expm1(-w / 10) for tag, w in {"green": 6.0, "food": 2.5, "five": 5.0}.items()}
    assert [(it.kind, it.identities, it.candidates, it.value) for it in added] == [
        ("strength", (), ("cafe",), s["five"]),  # 5 volunteers would help run the cafe
        ("strength", ("food",), ("cafe",), s["food"]),  # wished for, and the cafe is in
        ("opportunity", ("green",), ("garden",), s["green"]),  # wished for, missing; the garden would bring it
        ("opportunity", (), (), s["five"]),  # swimming: nobody in the pool offers it
        ("threat", (), ("gym",), s["five"]),  # objected to, and present through the gym's activity
    ]
    texts = [it.text for it in added]
    assert texts[1] == "meets a wish: 'food' wished for by 5 respondents (strength 0.22), through Cafe"
    assert "'swimming' wished for by 5 respondents" in texts[3] and "nobody in the pool" in texts[3]
    assert texts[4] == "objected to: 'gym' by 5 respondents (strength 0.39), present through Gym"
    assert texts[0].startswith("carried by the neighbourhood: 5 respondents offered to help run 'cafe'")
    few = Participation(responses=parkwijk_round().responses, min_count=7)
    assert swot(programme(), parkhuis(), pool(), parkwijk(), participation=few) == base  # nothing from < 7
    with pytest.raises(TypeError, match="participation"):
        swot(programme(), parkhuis(), pool(), parkwijk(), participation={"green": 1.0})  # type: ignore[arg-type]


def test_outreach_channels_hand_worked() -> None:
    plain = outreach(programme(), parkhuis(), parkwijk(), candidates=pool())
    community, health, green = plain
    assert [(c.kind, c.name, c.weight, c.detail) for c in community.channels] == [
        ("hero", "Community kitchen", 1.0, ""),
        ("ritual", "Street festival", 1.0, "6× a year"),
        ("symbol", "Market hall", 0.5, ""),
    ]
    assert community.why.endswith("reach it through Community kitchen (hero), Street festival (ritual, 6× a year), "
                                  "Market hall (place)")
    assert [c.label for c in health.channels] == ["Running club (pioneer)"]
    assert [c.label for c in green.channels] == ["Park (place)"]
    heard = outreach(programme(), parkhuis(), parkwijk(), candidates=pool(), participation=parkwijk_round())
    assert [(t.identity, t.strength) for t in heard] == [(t.identity, t.strength) for t in plain]  # same ranking
    community, _, green = heard
    volunteers = [(c.name, c.weight, c.respondents, c.detail) for c in community.channels if c.kind == "volunteers"]
    # 'community kitchen' names the identity; the cafe's volunteers reach it through the cafe (community 0.5)
    assert volunteers == [("community_kitchen", 1.0, 5, "Keuken"), ("cafe", 0.5, 5, "")]
    assert [c.kind for c in community.channels] == ["hero", "volunteers", "volunteers", "ritual", "symbol"]
    assert [c.label for c in green.channels] == ["5 volunteers for garden", "Park (place)"]  # via the garden
    assert community.why.endswith(
        "reach it through Community kitchen (hero), 5 volunteers for community kitchen (Keuken), "
        "5 volunteers for cafe and 2 more"
    )
    assert "community_kitchen" in heard.to_frame()["channels"][0].replace(" ", "_")
    assert Outreach.model_validate_json(heard.model_dump_json()) == heard
    with pytest.raises(ValidationError):
        OutreachChannel(kind="volunteers", name="x", weight=1.5)


def test_example_round_against_a_draft_programme() -> None:
    building, candidates = load_example()
    draft = programme({"cafe-de-kade": {0: 250.0}, "podium-radar": {0: 430.0}, "werkplaats-west": {1: 880.0}},
                      lettable=building.lettable_area)
    result = swot(draft, building, candidates, example_profile(), participation=example_participation())
    threats = {it.text.split(" by ")[0]: it for it in result.threats if it.text.startswith("objected")}
    assert threats["objected to: 'nightlife'"].candidates == ("podium-radar",)
    assert "by 56 respondents" in threats["objected to: 'nightlife'"].text
    missed = {it.text.split("'")[1] for it in result.opportunities if it.text.startswith("a wish")}
    assert {"green", "swimming", "childcare"} <= missed
    reach = outreach(draft, building, example_profile(), candidates=candidates, participation=example_participation())
    assert any(c.kind == "volunteers" for t in reach for c in t.channels)
    assert all(c.respondents is None or c.respondents >= 5 for t in reach for c in t.channels)


# -- the bundled example ----------------------------------------------------------------------------


def test_example_profile_matches_the_example_building() -> None:
    profile = example_profile()
    text = resources.files("objectmatch").joinpath("data", "example_building.json").read_text("utf-8")
    location = json.loads(text)["location"]
    assert profile.name == location["neighbourhood"]
    peak = max(location["dna"].values())
    dna = profile.dna()
    assert set(dna) == set(location["dna"])
    for tag, value in location["dna"].items():
        assert dna[tag] == pytest.approx(value / peak, abs=0.01), tag
    assert profile.pioneers


# -- properties -------------------------------------------------------------------------------------

weights = st.floats(0.0, 1.0, allow_nan=False)
carrier = st.dictionaries(st.sampled_from(SIX), weights, min_size=1, max_size=4)
carriers = st.lists(carrier, max_size=8)


def _strengths(items: list[dict[str, float]], cw: list[float] | None = None) -> np.ndarray:
    return IdentityNetwork.from_carriers(items, weights=cw, identities=SIX).matrix(SIX)


@settings(max_examples=50, deadline=None)
@given(carriers, st.floats(0.1, 5.0), st.floats(0.0, 2.0))
def test_strengths_symmetric_bounded_unit_diagonal(items: list[dict[str, float]], scale: float, lam: float) -> None:
    s = IdentityNetwork.from_carriers(items, scale=scale, indirect=lam).matrix(SIX)
    assert np.array_equal(s, s.T)
    assert np.all((s >= 0) & (s <= 1))
    assert np.all(np.diag(s) == 1.0)


@settings(max_examples=50, deadline=None)
@given(carriers, st.sampled_from(SIX), st.sampled_from(SIX), weights, weights)
def test_adding_a_connection_never_lowers_strength(
    items: list[dict[str, float]], a: str, b: str, wa: float, wb: float
) -> None:
    assume(a != b)
    before = _strengths(items)
    after = _strengths([*items, {a: wa, b: wb}])
    assert np.all(after >= before - 1e-12)  # no pair loses strength, least of all (a, b)


@settings(max_examples=50, deadline=None)
@given(carriers, st.data())
def test_raising_a_shared_weight_never_lowers_strength(items: list[dict[str, float]], data: st.DataObject) -> None:
    shared = [(k, c) for k, c in enumerate(items) if len(c) >= 2]
    assume(shared)
    k, c = data.draw(st.sampled_from(shared))
    tag = data.draw(st.sampled_from(sorted(c)))
    raised = [dict(x) for x in items]
    raised[k][tag] = data.draw(st.floats(c[tag], 1.0))
    assert np.all(_strengths(raised) >= _strengths(items) - 1e-12)
    cw = [1.0] * len(items)
    heavier = list(cw)
    heavier[k] = data.draw(st.floats(1.0, 3.0))
    assert np.all(_strengths(items, heavier) >= _strengths(items, cw) - 1e-12)


@settings(max_examples=50, deadline=None)
@given(carriers, st.permutations((*SIX, "knowledge")))
def test_matrix_respects_column_order(items: list[dict[str, float]], order: list[str]) -> None:
    net = IdentityNetwork.from_carriers(items, identities=SIX)
    full = net.matrix(SIX)
    m = net.matrix(order)
    for i, a in enumerate(order):
        for j, b in enumerate(order):
            expected = net.strength(a, b)
            assert m[i, j] == expected
            if a in SIX and b in SIX:
                assert expected == full[SIX.index(a), SIX.index(b)]


@settings(max_examples=50, deadline=None)
@given(st.sampled_from(sorted(FIXED_IDENTITY_TERMS)), st.sampled_from(["symbols", "heroes", "rituals"]))
def test_profiles_refuse_fixed_identity(term: str, layer: str) -> None:
    with pytest.raises(ValidationError, match="fixed identity"):
        NeighbourhoodProfile.model_validate({"name": "X", layer: [{"name": "c", "identities": {term: 1.0}}]})


IDENTITIES = st.sampled_from(DEFAULT_IDENTITIES)


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[Programme, Building, list[Candidate], NeighbourhoodProfile]:
    n = draw(st.integers(1, 7))
    cands = [
        _cand(
            f"c{i}",
            draw(st.sampled_from(["office", "assembly", "sport", "retail"])),
            draw(st.dictionaries(IDENTITIES, weights, max_size=3)),
            50,
            200,
            noise=draw(st.integers(0, 3)),
            noise_tolerance=draw(st.integers(0, 3)),
            pioneer=draw(st.booleans()),
        )
        for i in range(n)
    ]
    chosen = draw(st.lists(st.integers(0, n - 1), unique=True, max_size=n))
    placements = {f"c{i}": {draw(st.integers(0, 2)): float(draw(st.integers(10, 60)))} for i in chosen}
    layer = st.lists(
        st.builds(
            lambda k, ids: {"name": f"x{k}", "identities": ids},
            st.integers(),
            st.dictionaries(IDENTITIES, weights, min_size=1, max_size=3),
        ),
        max_size=3,
        unique_by=lambda d: d["name"],
    )
    profile = NeighbourhoodProfile.model_validate(
        {"name": "P", "symbols": draw(layer), "heroes": draw(layer), "rituals": draw(layer)}
    )
    return programme(placements), parkhuis(), cands, profile


@settings(max_examples=40, deadline=None)
@given(scenarios())
def test_swot_positioning_outreach_invariants(
    scenario: tuple[Programme, Building, list[Candidate], NeighbourhoodProfile],
) -> None:
    prog, building, cands, profile = scenario
    frozen = [c.model_dump() for c in cands], prog.model_dump(), profile.model_dump()
    result = swot(prog, building, cands, profile)
    for item in result.items:
        assert all(fixed_identity_reason(t) is None for t in item.identities)
        assert set(item.identities) <= set(DEFAULT_IDENTITIES)
        assert math.isfinite(item.value) and item.value >= 0
    for quadrant in (result.strengths, result.weaknesses, result.opportunities, result.threats):
        assert [it.value for it in quadrant] == sorted((it.value for it in quadrant), reverse=True)
    pos = positioning(prog, building, cands, profile)
    assert set(pos.hearts) <= set(pos.identities) and len(pos.hearts) <= 3
    assert set(pos.pioneers) <= set(prog.placements)
    targets = outreach(prog, building, profile, top=4, candidates=cands)
    assert len(targets) <= 4
    strengths = [t.strength for t in targets]
    assert strengths == sorted(strengths, reverse=True) and all(0 < s <= 1 for s in strengths)
    assert not set(pos.hearts) & {t.identity for t in targets}
    meeting = [o.meeting for o in pos.overlap_places]
    assert meeting == sorted(meeting, reverse=True) and all(m >= 0 for m in meeting)
    hosts = {c.id for c in cands if c.is_public or is_meeting_place(c.activity)}
    assert all(set(o.tenants) <= hosts & set(prog.placements) for o in pos.overlap_places)
    assert frozen == ([c.model_dump() for c in cands], prog.model_dump(), profile.model_dump())


@st.composite
def crowded(draw: st.DrawFn) -> tuple[Programme, list[Candidate], Constraints, Participation]:
    """Parkhuis, a pool some of which the rules keep out (retail is not permitted, low budgets, the ground
    floor), and a programme that may fill floors to the last m²."""
    cands = []
    for i in range(draw(st.integers(1, 8))):
        lo = draw(st.integers(20, 200))
        cands.append(_cand(
            f"c{i}", draw(st.sampled_from(["office", "assembly", "sport", "retail", "healthcare"])),
            draw(st.dictionaries(st.sampled_from(SIX), weights, min_size=1, max_size=3)), lo, lo + 50,
            max_rent=draw(st.sampled_from([None, None, 90.0, 120.0])),
            needs_ground_floor=draw(st.sampled_from([False, False, True])),
            max_floors=draw(st.integers(1, 2)),
        ))
    room = {0: 250.0, 1: 200.0, 2: 150.0}
    placements: dict[str, dict[int, float]] = {}
    for i in draw(st.lists(st.integers(0, len(cands) - 1), unique=True, max_size=len(cands))):
        level = draw(st.integers(0, 2))
        area = float(draw(st.integers(0, int(room[level]))))
        if area > 0:
            placements[f"c{i}"] = {level: area}
            room[level] -= area
    if draw(st.sampled_from([False, True])):  # let the rest: nothing vacant
        for level, left in room.items():
            if left > 0:
                cands.append(_cand(f"fill{level}", "office", {}, 1, int(left)))
                placements[f"fill{level}"] = {level: left}
    constraints = Constraints(max_discount=draw(st.sampled_from([0.1, 0.3, 0.5])))
    rows = [{"respondent": f"r{k}", "role": "resident", "wishes": draw(st.dictionaries(st.sampled_from(SIX), weights,
                                                                                        max_size=2))}
            for k in range(draw(st.integers(0, 6)))]
    return programme(placements), cands, constraints, Participation(responses=rows, min_count=1)


@settings(max_examples=30, deadline=None)
@given(crowded())
def test_opportunities_and_outreach_never_name_a_candidate_the_rules_keep_out(
    scenario: tuple[Programme, list[Candidate], Constraints, Participation],
) -> None:
    prog, cands, cons, voice = scenario
    building = parkhuis()
    now = vacancy_reasons(building, cands, prog.placements, constraints=cons)
    if_free = vacancy_reasons(building, cands, {}, constraints=cons)
    result = swot(prog, building, cands, parkwijk(), participation=voice, constraints=cons)
    for item in result.opportunities:
        assert all(c in prog.placements or now[c] is None for c in item.candidates), item
        assert all(now[c] == why for c, why in item.blocked), item
    reach = outreach(prog, building, parkwijk(), cands, rules=OutreachRules(top=6), constraints=cons)
    for target in reach:
        assert all(now[c] is None for c in target.candidates), target
        assert all(if_free[c] is None for c in target.next_in_line), target
        judge = if_free if reach.full else now
        assert all(judge[c] == why for c, why in target.blocked), target
        assert not target.next_in_line or (reach.full and not target.candidates)


round_rows = st.lists(
    st.fixed_dictionaries(
        {
            "role": st.sampled_from(["resident", "worker"]),
            "wishes": st.dictionaries(IDENTITIES | st.sampled_from(["office", "sport", "gym", "swimming"]), weights,
                                      max_size=2),
            "helps": st.none() | st.sampled_from(["c0", "c1", "gym", "kitchen"]),
        }
    ),
    max_size=20,
)


@settings(max_examples=30, deadline=None)
@given(scenarios(), round_rows, st.integers(1, 4))
def test_participation_only_adds_to_swot_and_channels(
    scenario: tuple[Programme, Building, list[Candidate], NeighbourhoodProfile],
    rows: list[dict[str, Any]],
    min_count: int,
) -> None:
    prog, building, cands, profile = scenario
    voice = Participation(responses=[{"respondent": f"r{i}", **r} for i, r in enumerate(rows)], min_count=min_count)
    plain, heard = swot(prog, building, cands, profile), swot(prog, building, cands, profile, participation=voice)
    assert set(plain.items) <= set(heard.items)
    for item in set(heard.items) - set(plain.items):
        assert 0.0 <= item.value <= 1.0 and all(fixed_identity_reason(t) is None for t in item.identities)
        counts = [int(n) for n in re.findall(r"(\d+) respondents", item.text)]
        assert counts and all(n >= min_count for n in counts)
    targets = outreach(prog, building, profile, top=4, candidates=cands)
    voiced = outreach(prog, building, profile, top=4, candidates=cands, participation=voice)
    assert [(t.identity, t.strength, t.candidates) for t in voiced] == [
        (t.identity, t.strength, t.candidates) for t in targets
    ]
    for t, v in zip(targets, voiced, strict=True):
        assert set(t.channels) <= set(v.channels)
        assert all(c.respondents >= min_count for c in v.channels if c.respondents is not None)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["symbols", "heroes", "rituals"]), carrier), max_size=8))
def test_dna_in_unit_interval_with_peak_one(items: list[tuple[str, dict[str, float]]]) -> None:
    data: dict[str, Any] = {"name": "P", "symbols": [], "heroes": [], "rituals": []}
    for k, (layer, ids) in enumerate(items):
        data[layer].append({"name": f"c{k}", "identities": ids})
    dna = NeighbourhoodProfile.model_validate(data).dna()
    assert all(0 < v <= 1 for v in dna.values())
    if dna:
        assert max(dna.values()) == 1.0

