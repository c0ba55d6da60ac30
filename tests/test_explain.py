"""Infeasible requests: no programmes, no exception, and a status that says in words and m² why.

The building: a 500 m² ground floor (street, 4.5 m, 5 kN/m², asking 250 EUR/m²/yr) and two
500 m² upper floors (3.0 m, 3 kN/m², the building's 150 EUR/m²/yr): 1,500 m² lettable.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from objectmatch import Building, Candidate, Constraints, Floor, Location, MatchResult, match
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
        permitted_functions={"office", "assembly", "retail", "education"},
        asking_rent=150,
        location=Location(lat=52.0, lon=5.0, neighbourhood="Zuid"),
    )


def _cand(cid: str, function: str, lo: float, hi: float, **extra: Any) -> Candidate:
    activity = {"office": "studio", "assembly": "cafe", "retail": "shop", "education": "school", "sport": "gym"}
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
    assert MatchResult.model_validate_json(result.model_dump_json()) == result
    return result.status.message


def test_the_fixture_is_feasible_as_it_stands() -> None:
    # so that each test below fails for the one reason it introduces
    result = match(_building(), _pool(), k=2, constraints=Constraints(min_occupancy=0.8))
    assert result.status.code == "optimal", result.status.message


def test_occupancy_the_pool_cannot_fill_names_both_figures() -> None:
    pool = [
        _cand("studio-a", "office", 100, 200),
        _cand("studio-b", "office", 100, 300),
        _cand("cafe", "assembly", 80, 150, needs_ground_floor=True),
        _cand("shop", "retail", 100, 250),
    ]
    msg = _infeasible(match(_building(), pool, constraints=Constraints(min_occupancy=0.8)))
    assert "min_occupancy" in msg
    assert "80%" in msg
    assert "1,200 m²" in msg  # what 80% of 1,500 m² needs
    assert "900 m²" in msg  # all the pool's area_max together


def test_nobody_may_use_the_ground_floor_when_it_is_needed() -> None:
    # Upper floors hold 1,000 m²; 80% occupancy needs 1,200 m²; the ground floor's rent is above
    # every candidate's budget, so the ground floor stays empty and the request cannot be met.
    pool = [_cand(f"office-{i}", "office" if i % 2 else "education", 300, 600, max_rent=200) for i in range(4)]
    msg = _infeasible(match(_building(), pool, constraints=Constraints(min_occupancy=0.8)))
    assert "min_occupancy" in msg and "1,200 m²" in msg and "1,000 m²" in msg
    assert "ground floor" in msg
    assert "500 m²" in msg  # the ground floor's area, left unusable


def test_unknown_must_include_is_named() -> None:
    msg = _infeasible(match(_building(), _pool(), constraints=Constraints(must_include={"ghost"})))
    assert "must_include" in msg and "'ghost'" in msg and "not a candidate" in msg


def test_more_functions_than_the_feasible_pool_has() -> None:
    pool = [*_pool(), _cand("gym", "sport", 200, 400)]
    # sport is not permitted in the building: only office, assembly and retail are feasible
    msg = _infeasible(match(_building(), pool, constraints=Constraints(min_occupancy=0.5, min_functions=4)))
    assert "min_functions 4" in msg
    assert "have 3" in msg and "assembly, office, retail" in msg


def test_too_few_tenants_allowed_for_the_occupancy() -> None:
    msg = _infeasible(match(_building(), _pool(), constraints=Constraints(min_occupancy=0.5, max_tenants=1)))
    assert "max_tenants 1" in msg
    assert "600 m²" in msg and "750 m²" in msg


def test_must_include_that_cannot_use_any_floor() -> None:
    pool = [*_pool(), _cand("climbing", "education", 200, 300, min_free_height=6.0)]
    msg = _infeasible(match(_building(), pool, constraints=Constraints(must_include={"climbing"})))
    assert "must_include 'climbing' cannot use any floor" in msg
    assert "free height" in msg


def test_must_include_of_a_function_the_building_does_not_permit() -> None:
    pool = [*_pool(), _cand("gym", "sport", 200, 300)]
    msg = _infeasible(match(_building(), pool, constraints=Constraints(must_include={"gym"})))
    assert "'gym'" in msg and "permit" in msg


def test_contradictory_function_share() -> None:
    # Offices could fill the building, but no function may take more than half of the let area,
    # and the other functions offer at most 400 m²: the let area cannot pass 800 m² < 1,200 m².
    msg = _infeasible(
        match(_building(), _pool(), constraints=Constraints(min_occupancy=0.8, max_function_share=0.5))
    )
    assert "max_function_share 50%" in msg
    assert "1,200 m²" in msg


def test_contradictory_function_share_says_how_much() -> None:
    # How much can be let with no function above 50%: offices could bring 1,100 m² but may take at
    # most half, and the café and shop add at most 400 m², so T <= T/2 + 400: 800 m² at most.
    msg = _infeasible(
        match(_building(), _pool(), constraints=Constraints(min_occupancy=0.8, max_function_share=0.5))
    )
    assert "800 m²" in msg, msg


def test_everything_excluded() -> None:
    pool = _pool()
    msg = _infeasible(match(_building(), pool, constraints=Constraints(exclude={c.id for c in pool})))
    assert "no candidate may use any floor" in msg
    assert "4 excluded" in msg


def test_infeasible_only_in_combination_is_proven_and_explained() -> None:
    # Each requirement alone can be met; together they cannot: the café and the shop must both
    # be in, both need the 500 m² ground floor, and together they need 650 m² of it.
    pool = [*_pool()[:2], _cand("cafe", "assembly", 300, 400, needs_ground_floor=True),
            _cand("shop", "retail", 350, 400, needs_ground_floor=True)]
    cons = Constraints(min_occupancy=0.5, must_include={"cafe", "shop"})
    msg = _infeasible(match(_building(), pool, constraints=cons))
    assert "proven" in msg
    assert "must_include" in msg  # dropping it would make the request feasible


def test_incompatible_must_includes_are_refused_or_explained() -> None:
    # A candidate that refuses another, both required: an honest request that cannot be met.
    pool = [*_pool()[:2], _cand("cafe", "assembly", 80, 150, needs_ground_floor=True, incompatible={"shop"}),
            _pool()[3]]
    msg = _infeasible(match(_building(), pool, constraints=Constraints(must_include={"cafe", "shop"})))
    assert "'cafe'" in msg and "'shop'" in msg


def test_empty_pool() -> None:
    msg = _infeasible(match(_building(), [], constraints=Constraints()))
    assert "no candidate" in msg


def _assert_honest(result: MatchResult, building: Building, pool: Sequence[Candidate], cons: Constraints) -> None:
    if result.status.code == "infeasible":
        _infeasible(result)
    else:
        assert result.programmes
        for p in result.programmes:
            assert p.check(building, pool, cons) == []


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    building=buildings(min_floors=1, max_floors=4),
    pool=candidate_pools(min_size=0, max_size=8),
    occupancy=st.sampled_from([0.5, 0.8, 0.95, 1.0]),
    min_functions=st.integers(0, 6),
    share=st.sampled_from([1.0, 0.5, 0.3]),
    max_tenants=st.none() | st.integers(1, 3),
)
def test_strict_requests_never_raise_and_always_explain(
    building: Building,
    pool: list[Candidate],
    occupancy: float,
    min_functions: int,
    share: float,
    max_tenants: int | None,
) -> None:
    cons = Constraints(
        min_occupancy=occupancy, min_functions=min_functions, max_function_share=share, max_tenants=max_tenants
    )
    result = match(building, pool, k=2, constraints=cons, time_limit=2.0)
    _assert_honest(result, building, pool, cons)


@pytest.mark.parametrize("occupancy", [0.0, 1.0])
def test_extreme_occupancy(occupancy: float) -> None:
    result = match(_building(), _pool(), k=2, constraints=Constraints(min_occupancy=occupancy))
    _assert_honest(result, _building(), _pool(), Constraints(min_occupancy=occupancy))
