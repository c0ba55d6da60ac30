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

from objectmatch import Building, Candidate, Location, Programme, ScoreBreakdown, Vocabulary, load_example
from objectmatch.culture import (
    Hero,
    IdentityNetwork,
    NeighbourhoodProfile,
    Outreach,
    OutreachChannel,
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
from objectmatch.vocabulary import DEFAULT_IDENTITIES, FIXED_IDENTITY_TERMS, fixed_identity_reason, use_vocabulary

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
        _cand("cafe", "assembly", {"food": 1.0, "community": 0.5}, 100, 200, noise=2, pioneer=True),
        _cand("gym", "sport", {"sport": 1.0, "health": 0.5}, 150, 200, noise=3),
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


# -- SWOT, positioning, outreach ------------------------------------------------------------------


def test_swot_hand_worked() -> None:
    result = swot(programme(), parkhuis(), pool(), parkwijk())
    assert [(it.identities, round(it.value, 4)) for it in result.strengths] == [
        (("sport",), 0.4),
        (("food",), 0.3),
        (("community",), 0.15),
    ]
    assert [it.candidates for it in result.strengths] == [("gym",), ("cafe",), ("cafe",)]
    assert [(it.identities, round(it.value, 4)) for it in result.weaknesses] == [(("green",), 0.8182)]  # 1 - 2/11
    assert [(it.identities, it.candidates, round(it.value, 4)) for it in result.opportunities] == [
        (("culture",), ("theatre",), 1.0),
        (("green",), ("garden",), 1.0),
        (("culture",), ("studio",), 0.3),
    ]
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
    assert list(frame.columns) == ["kind", "text", "identities", "candidates", "value"] and len(frame) == 9
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
    assert [(o.level, o.count, o.plinth) for o in pos.overlap_places] == [(0, 2, True), (1, 2, False), (2, 1, False)]
    assert pos.overlap is not None and pos.overlap.identities == ("community", "food")
    assert pos.pioneers == ("cafe",)
    assert pos.dna_fit == pytest.approx(0.8831, abs=5e-5)
    assert "3 hearts" in pos.summary and "level 0 (plinth)" in pos.summary and "Cafe (level 0)" in str(pos)
    assert Positioning.model_validate_json(pos.model_dump_json()) == pos


def test_identity_profile_hand_worked() -> None:
    assert identity_profile(programme(), pool()) == pytest.approx(
        {"sport": 0.4, "culture": 0.3, "food": 0.3, "health": 0.2, "community": 0.15}
    )


def test_outreach_hand_worked() -> None:
    result = outreach(programme(), parkhuis(), parkwijk(), candidates=pool())
    assert result.vacant_area == pytest.approx(100.0)
    got = [(t.identity, round(t.strength, 4), t.candidates) for t in result]
    assert got == [("community", 0.4048, ()), ("health", 0.1946, ("clinic",)), ("green", 0.1344, ("garden",))]
    assert result[0].via == ("food", "culture")
    assert len(outreach(programme(), parkhuis(), parkwijk(), top=1, candidates=pool())) == 1
    assert Outreach.model_validate_json(result.model_dump_json()) == result
    assert "100 m² vacant" in str(result) and list(result.to_frame()["identity"]) == ["community", "health", "green"]


def test_outreach_edges() -> None:
    full = programme({"cafe": {0: 200.0}, "gym": {1: 200.0}, "studio": {2: 200.0}})
    assert len(outreach(full, parkhuis(), parkwijk(), candidates=pool())) == 0
    with pytest.raises(ValueError, match="pass candidates"):
        outreach(programme(), parkhuis(), parkwijk())
    # a programme that carries its own identity profile needs no pool (no example candidates then)
    carrying = programme().model_copy(update={"identities": identity_profile(programme(), pool())})
    network = IdentityNetwork.from_profile(parkwijk(), pool())
    alone = outreach(carrying, parkhuis(), parkwijk(), network=network)
    with_pool = outreach(programme(), parkhuis(), parkwijk(), candidates=pool())
    assert [(t.identity, t.strength) for t in alone] == [(t.identity, t.strength) for t in with_pool]
    assert all(t.candidates == () for t in alone)
    with pytest.raises(ValueError, match="top"):
        outreach(programme(), parkhuis(), parkwijk(), top=-1, candidates=pool())


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
    assert frozen == ([c.model_dump() for c in cands], prog.model_dump(), profile.model_dump())


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
