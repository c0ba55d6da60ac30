"""Why: infeasible requests answered with no programmes, no exception, and a status that says in words
and m² why; candidates left out with their reasons, read by kind; two programmes compared.

The building: a 500 m² ground floor (street, 4.5 m, 5 kN/m², asking 250 EUR/m²/yr) and two 500 m²
upper floors (3.0 m, 3 kN/m², the building's 150 EUR/m²/yr): 1,500 m² lettable.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from objectmatch import Building, Candidate, Constraints, Floor, Location, MatchResult, match
from objectmatch._explain import (
    KIND_TEXT,
    candidate_reasons,
    compare_programmes,
    exclusion_summary,
    explain_infeasible,
    left_out,
    relaxation_text,
)
from objectmatch.constraints import floor_violations
from objectmatch.options import MatchOptions
from objectmatch.results import Programme, ScoreBreakdown
from objectmatch.solve import prepare
from objectmatch.strategies import buildings, candidate_pools


def _building() -> Building:
    return Building(
        id="b",
        name="Kantoor",
        floors=[
            Floor(level=0, area=500, free_height=4.5, floor_load=5, depth=15, street_frontage=True, asking_rent=250),
            Floor(level=1, area=500, free_height=3.0, floor_load=3, depth=15),
            Floor(level=2, area=500, free_height=3.0, floor_load=3, depth=15),
        ],
        permitted_functions={"office", "assembly", "retail", "education", "residential"},
        asking_rent=150,
        location=Location(lat=52.0, lon=5.0, neighbourhood="Zuid"),
    )


def _cand(cid: str, function: str, lo: int, hi: int, **extra: Any) -> Candidate:
    activity = {"office": "studio", "assembly": "cafe", "retail": "shop", "education": "school", "sport": "gym",
                "residential": "studio housing"}
    return Candidate(id=cid, name=cid.title(), function=function, activity=activity[function],
                     area_min=lo, area_max=hi, **extra)


def _pool() -> list[Candidate]:
    return [
        _cand("studio-a", "office", 300, 600, max_floors=2),
        _cand("studio-b", "office", 300, 500),
        _cand("cafe", "assembly", 80, 150, needs_ground_floor=True, pioneer=True),
        _cand("shop", "retail", 100, 250, needs_ground_floor=True),
    ]


def _infeasible(result: MatchResult) -> str:
    """Assert the shape of an infeasible answer; return its message."""
    assert result.status.code == "infeasible"
    assert not result.status.feasible
    assert result.programmes == ()
    assert result.best is None
    assert result.status.message
    assert result.status.reasons, "every infeasible answer names at least one reason"
    assert result.status.message == "; ".join(result.status.reasons)
    assert MatchResult.model_validate_json(result.model_dump_json()) == result
    return result.status.message


def _match(pool: Sequence[Candidate], cons: Constraints, **options: Any) -> MatchResult:
    return match(_building(), pool, constraints=cons, **{"k": 2, "time_limit": 1.0, **options})


def test_the_fixture_is_feasible_as_it_stands() -> None:
    # so that each test below fails for the one reason it introduces
    result = _match(_pool(), Constraints(min_occupancy=0.8))
    assert result.status.feasible, result.status.message
    assert all(p.check(_building(), _pool(), Constraints(min_occupancy=0.8)) == [] for p in result)


def test_occupancy_the_pool_cannot_fill_names_both_figures() -> None:
    pool = [
        _cand("studio-a", "office", 100, 200),
        _cand("studio-b", "office", 100, 300),
        _cand("cafe", "assembly", 80, 150, needs_ground_floor=True),
        _cand("shop", "retail", 100, 250),
    ]
    msg = _infeasible(_match(pool, Constraints(min_occupancy=0.8)))
    assert "min_occupancy 80%" in msg
    assert "1,200 m²" in msg  # what 80% of 1,500 m² needs
    assert "900 m²" in msg  # all the pool's area_max together


def test_nobody_may_use_the_ground_floor_when_it_is_needed() -> None:
    # Upper floors hold 1,000 m²; 80% occupancy needs 1,200 m²; the ground floor asks 250 and no
    # candidate can pay 175 (the largest discount, 30%), so the ground floor stays empty.
    pool = [_cand(f"office-{i}", "office" if i % 2 else "education", 300, 600, max_rent=170) for i in range(4)]
    msg = _infeasible(_match(pool, Constraints(min_occupancy=0.8)))
    assert "min_occupancy" in msg and "1,200 m²" in msg and "1,000 m²" in msg
    assert "no permitted candidate may use the ground floor" in msg


def test_a_larger_discount_opens_the_ground_floor() -> None:
    pool = [_cand(f"office-{i}", "office" if i % 2 else "education", 300, 600, max_rent=170) for i in range(4)]
    result = _match(pool, Constraints(min_occupancy=0.8, max_discount=0.35))
    assert result.status.feasible, result.status.message
    best = result.best
    assert best is not None and best.tenants_on(0)
    assert min(best.rents[cid][0] for cid in best.tenants_on(0)) == 170.0  # agreed rent below asking


def test_unknown_must_include_is_named() -> None:
    msg = _infeasible(_match(_pool(), Constraints(must_include={"ghost"})))
    assert "must_include 'ghost' is not a candidate in the pool" in msg


def test_more_functions_than_the_feasible_pool_has() -> None:
    pool = [*_pool(), _cand("gym", "sport", 200, 400)]
    # sport is not permitted in the building: only office, assembly and retail are feasible
    msg = _infeasible(_match(pool, Constraints(min_occupancy=0.5, min_functions=4)))
    assert "min_functions 4" in msg
    assert "have 3" in msg and "assembly, office, retail" in msg


def test_too_few_tenants_allowed_for_the_occupancy() -> None:
    msg = _infeasible(_match(_pool(), Constraints(min_occupancy=0.5, max_tenants=1)))
    assert "max_tenants 1" in msg
    assert "600 m²" in msg and "750 m²" in msg


def test_must_include_that_cannot_use_any_floor() -> None:
    pool = [*_pool(), _cand("climbing", "education", 200, 300, min_free_height=6.0)]
    msg = _infeasible(_match(pool, Constraints(must_include={"climbing"})))
    assert "must_include 'climbing' cannot use any floor" in msg
    assert "free height" in msg


def test_must_include_of_a_function_the_assessment_rules_out() -> None:
    pool = [*_pool(), _cand("gym", "sport", 200, 300)]
    msg = _infeasible(_match(pool, Constraints(must_include={"gym"})))
    assert "must_include 'gym' cannot use any floor" in msg and "sport" in msg


def test_lead_function_no_feasible_candidate_has() -> None:
    msg = _infeasible(_match(_pool(), Constraints(min_occupancy=0.2, lead="education")))
    assert "lead function 'education': no feasible candidate has it (assembly, office, retail)" in msg


def test_contradictory_function_share_is_named_before_any_search() -> None:
    # Offices could fill the building, but no function may take more than half of the let area,
    # and the other functions offer at most 400 m²: the let area cannot pass 800 m² < 1,200 m².
    result = _match(_pool(), Constraints(min_occupancy=0.8, max_function_share=0.5))
    assert result.status.code == "infeasible" and result.status.solver == ""  # a necessary condition, no search
    assert "max_function_share 50%" in result.status.message


def test_contradictory_function_share_says_how_much() -> None:
    msg = _infeasible(_match(_pool(), Constraints(min_occupancy=0.8, max_function_share=0.5)))
    assert "max_function_share 50%" in msg and "800 m²" in msg, msg


def test_rent_share_the_pool_cannot_pay_is_named() -> None:
    # Full asking roll 500 * 250 + 1,000 * 150 = 275,000 EUR/yr. Nobody can pay for the ground floor
    # (130 < 0.7 * 250); the upper floors bring at most 1,000 * 130 = 130,000, 47% < 50%.
    pool = [_cand("studio-a", "office", 300, 600, max_floors=2, max_rent=130),
            _cand("studio-b", "office", 300, 500, max_rent=130), _cand("school", "education", 300, 500, max_rent=130)]
    msg = _infeasible(_match(pool, Constraints(min_occupancy=0.5, min_functions=1, min_rent_share=0.5)))
    assert "proven" in msg and "dropping min_rent_share (now 0.5) would make it feasible" in msg
    assert "3 of 3 candidates may use some floor" in msg


def test_everything_excluded() -> None:
    pool = _pool()
    msg = _infeasible(_match(pool, Constraints(exclude={c.id for c in pool})))
    assert "no candidate may use any floor" in msg
    assert "4 excluded" in msg


def test_infeasible_only_in_combination_is_proven_and_explained() -> None:
    # Each requirement alone can be met; together they cannot: the café and the shop must both
    # be in, both need the 500 m² ground floor, and together they need 650 m² of it.
    pool = [*_pool()[:2], _cand("cafe", "assembly", 300, 400, needs_ground_floor=True),
            _cand("shop", "retail", 350, 400, needs_ground_floor=True)]
    msg = _infeasible(_match(pool, Constraints(min_occupancy=0.5, must_include={"cafe", "shop"})))
    assert "proven" in msg
    assert "dropping must_include (now ['cafe', 'shop']) would make it feasible" in msg


def test_incompatible_must_includes_are_explained() -> None:
    pool = [*_pool()[:2], _cand("cafe", "assembly", 80, 150, needs_ground_floor=True, incompatible={"shop"}),
            _pool()[3]]
    msg = _infeasible(_match(pool, Constraints(must_include={"cafe", "shop"})))
    assert "must_include holds 'cafe' and 'shop', but one refuses to share the building" in msg


def test_empty_pool() -> None:
    msg = _infeasible(_match([], Constraints()))
    assert "no candidate may use any floor" in msg


# -- reasons per candidate, read by kind ---------------------------------------------------------------------


def _mixed_pool() -> list[Candidate]:
    return [
        _cand("poor", "office", 100, 200, max_rent=90),
        _cand("home", "residential", 100, 200, needs_ground_floor=True),
        _cand("tall", "education", 100, 200, min_free_height=5),
        _cand("gym", "sport", 100, 200),
        _cand("ok", "office", 100, 200),
    ]


def test_candidate_reasons_and_the_exclusion_summary_read_violations_by_kind() -> None:
    cons = Constraints()
    prep = prepare(_building(), _mixed_pool(), MatchOptions(constraints=cons))
    reasons = candidate_reasons(_building(), prep.pool, prep.enc, cons)
    assert set(reasons) == {"poor", "home", "tall", "gym"}  # "ok" may use a floor
    assert reasons["gym"].startswith("the assessment rules out sport here")
    assert "largest discount (30%)" in reasons["poor"] and "needs free height 5.0 m" in reasons["tall"]
    assert "may use levels 1 and up" in reasons["home"] and "needs the ground floor" in reasons["home"]
    summary = exclusion_summary(_building(), prep.pool, prep.enc, cons)
    assert summary.startswith("1 of 5 candidates may use some floor; ruled out: ")
    for text in ("no transformation potential for its function", KIND_TEXT["function_level"],
                 KIND_TEXT["ground_floor"], KIND_TEXT["rent"], KIND_TEXT["free_height"]):
        assert f"1 {text}" in summary, (text, summary)
    assert explain_infeasible(_building(), prep.pool, prep.enc, prep.problem, cons)  # 200 m² < 1,200 m²


def test_left_out_says_why_for_every_candidate_not_in_the_best_programme() -> None:
    pool = [*_pool(), *_mixed_pool()]
    result = _match(pool, Constraints(min_occupancy=0.5, exclude={"studio-b"}))
    best = result.best
    assert best is not None, result.status.message
    assert set(result.left_out) == {c.id for c in pool} - set(best.placements)
    assert result.left_out["studio-b"] == "excluded by the constraints"
    assert result.left_out["poor"].startswith("cannot come in: can pay at most 90.0")
    assert result.left_out["gym"].startswith("cannot come in: the assessment rules out sport")
    for cid, why in result.left_out.items():
        assert why == left_out(result.candidates, best.placements, {cid: why[len("cannot come in: "):]}
                               if why.startswith("cannot") else {}, result.options.constraints)[cid]


def test_reasons_agree_with_floor_violations() -> None:
    cons = Constraints()
    prep = prepare(_building(), _mixed_pool(), MatchOptions(constraints=cons))
    reasons = candidate_reasons(_building(), prep.pool, prep.enc, cons)
    for c in prep.pool:
        if c.id in reasons and c.function != "sport":
            kinds = {v.kind for f in _building().floors for v in floor_violations(_building(), f, c, cons)}
            assert kinds, c.id
            assert all(any(text in reasons[c.id] for text in _texts(c, kind)) for kind in kinds), (c.id, kinds)


def _texts(c: Candidate, kind: str) -> tuple[str, ...]:
    return {"rent": ("can pay at most",), "function_level": ("may use levels",), "ground_floor": ("ground floor",),
            "free_height": ("free height",), "floor_load": ("floor load",),
            "function_not_permitted": ("not permitted",)}[kind]


# -- comparing programmes ---------------------------------------------------------------------------------------


def _programme(**components: float) -> Programme:
    weights = {"occupancy": 1.0, "rent": 1.0, "conflict": -8.0, "heart": 0.5}
    comps = {name: components.get(name, 0.0) for name in weights}
    b = ScoreBreakdown(total=sum(weights[k] * v for k, v in comps.items()), components=comps, weights=weights)
    return Programme(placements={}, tenants=(), score=b.total, breakdown=b, occupancy=comps["occupancy"],
                     functions=())


def test_compare_programmes_names_the_weighted_components_that_differ_most() -> None:
    first, second = _programme(occupancy=0.9, heart=1.0), _programme(occupancy=0.95, conflict=0.05, rent=0.2)
    text = compare_programmes(first, second)
    # contributions: conflict +0.4 (less conflict), heart +0.5, rent -0.2, occupancy -0.05
    assert text == "Programme 1 scores 0.650 higher: more heart (+0.500), less conflict (+0.400), less rent (-0.200)."
    assert compare_programmes(first, first) == "Programme 1 scores 0.000 higher: every component is the same."
    assert compare_programmes(second, first).startswith("Programme 1 scores 0.650 lower: less heart (-0.500)")


def test_match_result_compare_explains_its_own_programmes() -> None:
    result = _match(_pool(), Constraints(min_occupancy=0.5), k=3)
    assert len(result) >= 2, result.status.message
    text = result.compare(0, 1)
    gap = result[0].score - result[1].score
    assert text.startswith(f"Programme 1 scores {abs(gap):.3f} higher")


def test_relaxation_text() -> None:
    assert relaxation_text("min_occupancy", 0.8) == "dropping min_occupancy (now 0.8) would make it feasible"
    assert relaxation_text("must_include", frozenset({"b", "a"})) == (
        "dropping must_include (now ['a', 'b']) would make it feasible"
    )


# -- never raise, always explain ----------------------------------------------------------------------------------


def _assert_honest(result: MatchResult, building: Building, pool: Sequence[Candidate], cons: Constraints) -> None:
    if result.status.code == "infeasible":
        _infeasible(result)
    else:
        assert result.programmes
        for p in result.programmes:
            assert p.check(building, pool, cons) == []


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    building=buildings(min_floors=1, max_floors=4),
    pool=candidate_pools(min_size=0, max_size=8),
    occupancy=st.sampled_from([0.5, 0.8, 0.95, 1.0]),
    min_functions=st.integers(0, 6),
    share=st.sampled_from([1.0, 0.5, 0.3]),
    max_tenants=st.none() | st.integers(1, 3),
    rent_share=st.sampled_from([None, 0.5]),
)
def test_strict_requests_never_raise_and_always_explain(
    building: Building, pool: list[Candidate], occupancy: float, min_functions: int, share: float,
    max_tenants: int | None, rent_share: float | None,
) -> None:
    cons = Constraints(min_occupancy=occupancy, min_functions=min_functions, max_function_share=share,
                       max_tenants=max_tenants, min_rent_share=rent_share)
    result = match(building, pool, k=2, constraints=cons, time_limit=0.5)
    _assert_honest(result, building, pool, cons)


@pytest.mark.parametrize("occupancy", [0.0, 1.0])
def test_extreme_occupancy(occupancy: float) -> None:
    result = _match(_pool(), Constraints(min_occupancy=occupancy))
    _assert_honest(result, _building(), _pool(), Constraints(min_occupancy=occupancy))
