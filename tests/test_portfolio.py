"""objectmatch.portfolio: screening and matching many buildings against one pool, locally and on Dask."""

from __future__ import annotations

import inspect
import itertools
import math
import subprocess
import sys
import tracemalloc
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import objectmatch as om
from objectmatch._engine.terms import AREA_COMPONENTS, ScoreModel, Weights
from objectmatch._params import InvalidParameterError
from objectmatch.constraints import Constraints, check
from objectmatch.datasets import generate_pool, generate_portfolio
from objectmatch.models import Building, Candidate, Floor, Location
from objectmatch.options import MatchOptions
from objectmatch.portfolio import (
    SCREEN_COLUMNS,
    PortfolioResult,
    _kernel,
    buildings_from_parquet,
    buildings_to_parquet,
    candidates_from_parquet,
    candidates_to_parquet,
    match_all,
    read_parquet,
    screen,
)
from objectmatch.portfolio._draft import draft
from objectmatch.portfolio._packing import pack
from objectmatch.solve import prepare

# -- the core's verdict, one candidate at a time ---------------------------------------------------


@dataclass(frozen=True)
class Usable:
    """What the core says of one candidate in one building: its fit and best level, and a placement."""

    fit: float
    levels: tuple[int, ...]  # the levels at which the best value per m² is reached
    placement: dict[int, float]


def _placement(problem: Any, i: int, run: list[int]) -> dict[int, float] | None:
    """A placement of item ``i`` on floors ``run`` that the array problem's rules allow, or None."""
    amin, amax, part, cap = problem.amin[i], problem.amax[i], problem.min_part[i], problem.cap[run]
    if len(run) == 1:
        return {int(problem.levels[run[0]]): float(amin * problem.unit)} if cap[0] >= amin else None
    total = max(amin, len(run) * part)
    if (cap < part).any() or cap.sum() < total or total > amax:
        return None
    parts = np.full(len(run), part)
    left = total - parts.sum()
    for j in range(len(run)):
        extra = min(left, cap[j] - part)
        parts[j] += extra
        left -= extra
    return {int(problem.levels[f]): float(a * problem.unit) for f, a in zip(run, parts, strict=True)}


def core_verdict(building: Building, pool: list[Candidate], options: MatchOptions) -> dict[str, Usable]:
    """Per candidate that can use ``building``: the fit the core's own arrays give it.

    Feasibility from the array problem of :func:`objectmatch.solve.prepare` (the encoder's mask,
    areas on the grid) over every contiguous run of floors; the fit is ``area_min`` times the
    problem's unary value (every area term, weighted) on the best floor of those runs.
    """
    prep = prepare(building, pool, options)
    problem = prep.problem
    out: dict[str, Usable] = {}
    for i, cand in enumerate(prep.pool):
        covered: set[int] = set()
        placement: dict[int, float] | None = None
        for length in range(1, min(cand.max_floors, problem.m) + 1):
            for start in range(problem.m - length + 1):
                run = list(range(start, start + length))
                if problem.mask[i, run].all() and (found := _placement(problem, i, run)) is not None:
                    covered.update(run)
                    placement = placement or found
        if covered and placement is not None:
            floors = sorted(covered)
            values = problem.unary[i, floors] / problem.unit
            best = float(values.max())
            levels = tuple(int(problem.levels[f]) for f, v in zip(floors, values, strict=True)
                           if v >= best - 1e-12 * abs(best))
            out[cand.id] = Usable(best * problem.amin[i] * problem.unit, levels, placement)
    return out


def assert_screen_agrees(found: pd.DataFrame, buildings: list[Building], pool: list[Candidate],
                         options: MatchOptions, constraints: Mapping[str, Constraints] | None = None) -> None:
    """The screen keeps exactly the candidates the core can place, with the core's fit, best first."""
    for b in buildings:
        opts = options.model_copy(update={"constraints": (constraints or {}).get(b.id, Constraints())})
        expected = core_verdict(b, pool, opts)
        got = found[found["building"] == b.id]
        assert set(got["candidate"]) == set(expected), b.id
        for cid, fit, level in zip(got["candidate"], got["fit"], got["level"], strict=True):
            assert fit == pytest.approx(expected[cid].fit, rel=1e-9, abs=1e-12), (b.id, cid)
            assert level in expected[cid].levels, (b.id, cid, level)
        assert got["fit"].is_monotonic_decreasing
        assert got["rank"].tolist() == list(range(1, len(got) + 1))


@pytest.fixture(scope="module")
def small() -> tuple[list[Building], list[Candidate]]:
    return generate_portfolio(6, seed=5, floors=(1, 8)), sorted(generate_pool(300, seed=5), key=lambda c: c.id)


@pytest.mark.parametrize("assess", [True, False])
def test_screen_agrees_with_the_core_mask_and_area_terms(
    small: tuple[list[Building], list[Candidate]], assess: bool
) -> None:
    buildings, pool = small
    found = screen(buildings, pool, top=len(pool), block_size=37, building_block=4, assess=assess)
    assert_screen_agrees(found, buildings, pool, MatchOptions(assess=assess))


def test_screen_agrees_with_the_core_under_constraints_weights_and_area_step(
    small: tuple[list[Building], list[Candidate]],
) -> None:
    buildings, pool = small
    cons = {
        buildings[0].id: Constraints(max_discount=0.0),
        buildings[1].id: Constraints(max_discount=0.5, function_levels={"office": (1, 3), "residential": (2, None)}),
        buildings[2].id: Constraints(function_levels={}),
    }
    weights = Weights(rent=3.0, access=2.0, budget_fit=0.0, neighbourhood_fit=1.5)
    model = ScoreModel(full_headroom=0.5, public_visitors=50, reach_with_lift=0.6)
    found = screen(buildings, pool, top=len(pool), constraints=cons, weights=weights, score_model=model,
                   area_step=25, block_size=64)
    assert_screen_agrees(found, buildings, pool, MatchOptions(weights=weights, score_model=model, area_step=25), cons)
    # a different largest discount changes who can use the building
    plain = screen(buildings[:1], pool, top=len(pool), weights=weights, score_model=model, area_step=25)
    assert set(plain["candidate"]) > set(found[found["building"] == buildings[0].id]["candidate"])


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    discount=st.sampled_from([0.0, 0.1, 0.3, 0.6]),
    levels=st.sampled_from([{}, {"residential": (1, None)}, {"office": (0, 1), "retail": (None, 0)}]),
    step=st.sampled_from([1, 10]),
)
def test_kept_means_placeable_by_the_checker_on_generated_portfolios(
    seed: int, discount: float, levels: dict[str, tuple[int | None, int | None]], step: int
) -> None:
    buildings = generate_portfolio(3, seed=seed, floors=(1, 5))
    pool = sorted(generate_pool(60, seed=seed), key=lambda c: c.id)
    cons = Constraints(max_discount=discount, function_levels=levels, min_occupancy=0, min_functions=0)
    found = screen(buildings, pool, top=len(pool), constraints=cons, area_step=step, block_size=16)
    options = MatchOptions(constraints=cons, area_step=step)
    for b in buildings:
        expected = core_verdict(b, pool, options)
        kept = found[found["building"] == b.id]
        assert set(kept["candidate"]) == set(expected)
        for cid in kept["candidate"]:
            # the independent checker accepts the one-tenant placement the core's arrays allow
            assert check(b, pool, {cid: expected[cid].placement}, constraints=cons, area_step=step) == []


def _hand_building() -> Building:
    return Building(
        id="hand", name="Hand", permitted_functions={"office", "retail", "assembly", "residential"}, asking_rent=100,
        location=Location(lat=52, lon=5, neighbourhood="X", dna={"culture": 1.0}),
        floors=[
            Floor(level=0, area=500, free_height=4.0, floor_load=5, depth=15, street_frontage=True),
            Floor(level=1, area=500, free_height=3.0, floor_load=3, depth=15, elevator=True, asking_rent=80),
        ],
    )


def _cand(cid: str, function: str, area_min: int, **kw: Any) -> Candidate:
    return Candidate(id=cid, name=cid, function=function, activity="x", area_min=area_min,
                     area_max=max(area_min, kw.pop("area_max", area_min)), **kw)


HAND_POOL = [
    _cand("a", "office", 200, identities={"culture": 1.0}),
    _cand("c", "office", 800, max_floors=2, identities={"sport": 1.0}),
    _cand("d", "office", 800, identities={"culture": 1.0}),  # 800 m² on one floor of 500: cannot
    _cand("e", "assembly", 100, max_rent=110, visitors_per_day=100, identities={"culture": 0.6, "food": 0.8}),
    _cand("f", "industrial", 100),  # not permitted
    _cand("g", "retail", 600, needs_ground_floor=True, max_floors=2),  # the ground floor holds 500 only
    _cand("h", "office", 100, max_rent=60),  # within the 30% discount of level 1 (80) only
    _cand("j", "residential", 100),  # dwellings: level 1 and up by default
]


def test_screen_hand_worked_fits() -> None:
    # L = 1000 m², rent roll = 500 x 100 + 500 x 80 = 90,000 EUR/yr; default weights: occupancy 1,
    # rent 1, neighbourhood 0.5, building 0.5, budget 0.25, access 0.5.
    found = screen([_hand_building()], HAND_POOL, top=10, assess=False)
    expected = {
        # on 0 and 1 together; no shared identity: (1 + 0.5 + 0.25 + 0.5) / 1000 + 100 / 90000 per m², x 800
        "c": (800 * (2.25 / 1000 + 100 / 90000), 0),
        # full fit: (1 + 0.5 + 0.5 + 0.25 + 0.5) / 1000 + 100 / 90000 (rent term on the ground floor), x 200
        "a": (200 * (2.75 / 1000 + 100 / 90000), 0),
        # headroom 10% -> budget fit 0.75 on 0 (1 on level 1, but reach 0.8 there and half public:
        # access 0.9, rent 80); cosine with the DNA 0.6: (1 + 0.3 + 0.5 + 0.1875 + 0.5) / 1000 + 100 / 90000
        "e": (100 * (2.4875 / 1000 + 100 / 90000), 0),
        # level 1 only; no stated budget, so a full budget fit: (1 + 0.5 + 0.25 + 0.5) / 1000 + 80 / 90000
        "j": (100 * (2.25 / 1000 + 80 / 90000), 1),
        # level 1 only, pays 60 of 80: budget fit 0; (1 + 0.5 + 0 + 0.5) / 1000 + 60 / 90000
        "h": (100 * (2.0 / 1000 + 60 / 90000), 1),
    }
    order = sorted(expected, key=lambda cid: -expected[cid][0])
    assert found["candidate"].tolist() == order == ["c", "a", "e", "j", "h"]
    assert found["fit"].tolist() == pytest.approx([expected[cid][0] for cid in order], rel=1e-12)
    assert found["level"].tolist() == [expected[cid][1] for cid in order]
    assert found["function"].tolist() == ["office", "office", "assembly", "residential", "office"]


def test_screen_hand_worked_constraints() -> None:
    building = _hand_building()
    # no discount: h (60 against 80) drops out; dwellings anywhere: j takes the ground floor (rent 100)
    found = screen([building], HAND_POOL, top=10, assess=False,
                   constraints=Constraints(max_discount=0.0, function_levels={}))
    assert "h" not in set(found["candidate"])
    row = found.set_index("candidate").loc["j"]
    assert row["level"] == 0
    assert row["fit"] == pytest.approx(100 * (2.25 / 1000 + 100 / 90000), rel=1e-12)
    # per building: the mapping's constraints for its id, the defaults for the others
    other = building.model_copy(update={"id": "other"})
    both = screen([building, other], HAND_POOL, top=10, assess=False,
                  constraints={"hand": Constraints(max_discount=0.0)})
    assert "h" not in set(both[both["building"] == "hand"]["candidate"])
    assert "h" in set(both[both["building"] == "other"]["candidate"])


def test_screen_ranks_by_the_weighted_area_terms() -> None:
    building = _hand_building()
    only = {name: 0.0 for name in AREA_COMPONENTS}
    dna_only = screen([building], HAND_POOL, top=10, assess=False, weights=Weights(**{**only, "neighbourhood_fit": 1}))
    # only the neighbourhood fit counts: area_min x cosine / L
    fits = dict(zip(dna_only["candidate"], dna_only["fit"], strict=True))
    assert fits["a"] == pytest.approx(200 / 1000) and fits["e"] == pytest.approx(0.6 * 100 / 1000)
    assert fits["c"] == 0.0 and fits["j"] == 0.0
    rent_only = screen([building], HAND_POOL, top=10, assess=False, weights=Weights(**{**only, "rent": 1}))
    fits = dict(zip(rent_only["candidate"], rent_only["fit"], strict=True))
    assert fits["h"] == pytest.approx(100 * 60 / 90000)  # the rent it can pay, on level 1


def test_a_new_area_term_is_refused_not_approximated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_kernel, "AREA_COMPONENTS", (*AREA_COMPONENTS, "daylight"))
    with pytest.raises(NotImplementedError, match=r"no formula for the area terms \['daylight'\]"):
        screen([_hand_building()], HAND_POOL, top=3, assess=False)
    assert "ranks by the area terms only" in " ".join((screen.__doc__ or "").split())


def test_screen_keeps_the_top_and_does_not_depend_on_blocks_or_order(
    small: tuple[list[Building], list[Candidate]],
) -> None:
    buildings, pool = small
    full = screen(buildings, pool, top=len(pool))
    cut = screen(buildings, list(reversed(pool)), top=7, block_size=11, building_block=1)
    expected = full[full["rank"] <= 7].reset_index(drop=True)
    pd.testing.assert_frame_equal(cut, expected, check_exact=True)
    again = screen(list(reversed(buildings)), pool, top=7, block_size=500, building_block=64)
    order = {b.id: i for i, b in enumerate(reversed(buildings))}
    assert again["building"].map(order).is_monotonic_increasing
    pd.testing.assert_frame_equal(
        again.sort_values(["building", "rank"], ignore_index=True),
        expected.sort_values(["building", "rank"], ignore_index=True),
        check_exact=True,
    )


def test_screen_ties_broken_by_id_and_per_function_quotas() -> None:
    building = _hand_building()
    twins = [_cand(cid, "office", 300, identities={"culture": 1.0}) for cid in ("z", "m", "b")]
    small_shop = _cand("s", "retail", 50)
    found = screen([building], [*twins, small_shop], top=2, assess=False)
    assert found["candidate"].tolist() == ["b", "m"]
    quota = screen([building], [*twins, small_shop], top=2, per_function=1, assess=False)
    assert quota["candidate"].tolist() == ["b", "s"]
    assert quota["function"].tolist() == ["office", "retail"]


def test_screen_every_function_present_with_quotas(small: tuple[list[Building], list[Candidate]]) -> None:
    buildings, pool = small
    full = screen(buildings, pool, top=len(pool))
    quota = screen(buildings, pool, top=30, per_function=2)
    for b in buildings:
        available = full[full["building"] == b.id].groupby("function").size()
        kept = quota[quota["building"] == b.id].groupby("function").size()
        for fn, count in available.items():
            assert kept.get(fn, 0) >= min(2, count), (b.id, fn)


def test_screen_accepts_frames(small: tuple[list[Building], list[Candidate]]) -> None:
    from objectmatch.io import buildings_to_frame, candidates_to_frame

    buildings, pool = small[0][:2], small[1][:150]
    w = Weights(neighbourhood_fit=2.0, budget_fit=0.0)
    direct = screen(buildings, pool, top=5, weights=w)
    framed = screen(buildings_to_frame(buildings), candidates_to_frame(pool), top=5, weights=w)
    pd.testing.assert_frame_equal(direct, framed, check_exact=True)
    assert not direct.equals(screen(buildings, pool, top=5))


# -- the options of match, passed on --------------------------------------------------------------


@dataclass(frozen=True)
class _Strengths:
    wish: Mapping[str, float]
    objection: Mapping[str, float]


class _Round:
    """A stand-in participation round (``strengths`` and ``carries``), for a core without the real one."""

    def strengths(self) -> _Strengths:
        return _Strengths(wish={"culture": 0.8, "food": 0.5}, objection={"tech": 0.6})

    def carries(self, activity: str) -> bool:
        return False


def _participation() -> Any:
    try:
        from objectmatch.culture import example_participation  # type: ignore[attr-defined]
    except ImportError:
        return _Round()
    return example_participation()


def test_screen_reads_profile_network_and_participation(small: tuple[list[Building], list[Candidate]]) -> None:
    from objectmatch.culture import example_profile

    buildings, pool = small[0][:3], small[1]
    profile, round_ = example_profile(), _participation()
    options = {"profile": profile, "participation": round_}
    found = screen(buildings, pool, top=len(pool), **options)
    assert_screen_agrees(found, buildings, pool, MatchOptions(**options))
    plain = screen(buildings, pool, top=len(pool))
    assert not np.allclose(found.sort_values(["building", "candidate"])["fit"],
                           plain.sort_values(["building", "candidate"])["fit"])
    # with a profile every building has its DNA: the same ranking of the neighbourhood fit everywhere
    network = screen(buildings, pool, top=len(pool), network=profile.network())
    assert_screen_agrees(network, buildings, pool, MatchOptions(network=profile.network()))


# -- parameters: keyword-only, validated once, one message style -----------------------------------


@pytest.mark.parametrize("function", [screen, match_all])
def test_everything_after_candidates_is_keyword_only(function: Any) -> None:
    params = list(inspect.signature(function).parameters.values())
    assert [p.name for p in params[:2]] == ["buildings", "candidates"]
    assert all(p.kind in (p.KEYWORD_ONLY, p.VAR_KEYWORD) for p in params[2:])
    assert len([p for p in params if p.kind is not p.VAR_KEYWORD]) <= 8
    with pytest.raises(TypeError):
        function([], [], 5)


def test_screen_bad_input_is_named() -> None:
    building = _hand_building()
    with pytest.raises(InvalidParameterError) as err:
        screen([building], [], top=0, block_size=-3, per_function=True, weights={"rent": -1}, progress="yes",
               client="cluster", seed=3)  # type: ignore[call-arg, arg-type]
    assert err.value.errors == [
        "screen() got an unexpected keyword argument 'seed'",
        "The 'weights' parameter of screen must be a Weights (or a dict of weights, each in [0, 1000]); "
        "got {'rent': -1} (at rent: Input should be greater than or equal to 0)",
        "The 'top' parameter of screen must be an int in [1, 100000]; got 0",
        "The 'per_function' parameter of screen must be an int in [0, 100000]; got True",
        "The 'block_size' parameter of screen must be an int in [1, 1000000]; got -3",
        "The 'client' parameter of screen must be None, False, True, 'current' or a dask.distributed.Client; "
        "got 'cluster'",
        "The 'progress' parameter of screen must be True, False or None; got 'yes'",
    ]
    with pytest.raises(ValueError, match="duplicate building id 'hand' at positions 0 and 1"):
        screen([building, building], [])
    with pytest.raises(InvalidParameterError, match="The 'buildings' parameter of screen must be a sequence of Build"):
        screen(building, [])  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match=r"The 'buildings' parameter of screen: buildings\[1\] is a str"):
        screen([building, "b2"], [])  # type: ignore[list-item]
    with pytest.raises(InvalidParameterError, match=r"The 'candidates' parameter of screen must be a sequence"):
        screen([building], "abc")  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match=r"constraints.*ids not in the portfolio: \['nope'\]"):
        screen([building], [], constraints={"nope": Constraints()})
    empty = screen([], generate_pool(5, seed=1))
    assert list(empty.columns) == list(SCREEN_COLUMNS) and empty.empty
    assert screen([building], []).empty


def test_match_all_bad_input_is_named(small: tuple[list[Building], list[Candidate]]) -> None:
    buildings, pool = small
    with pytest.raises(InvalidParameterError) as err:
        match_all(buildings, pool, k=0, seed=-1, min_difference=1.5, rematch="lottery", exclusive=1,
                  max_rounds=0, tim_limit=3)  # type: ignore[call-arg, arg-type]
    assert err.value.errors == [
        "match_all() got an unexpected keyword argument 'tim_limit'",
        "The 'k' parameter of match_all must be an int in [1, 1000]; got 0",
        "The 'min_difference' parameter of match_all must be a float in [0, 1]; got 1.5",
        "The 'seed' parameter of match_all must be an int in [0, 2**32-1]; got -1",
        "The 'exclusive' parameter of match_all must be True or False; got 1",
        "The 'max_rounds' parameter of match_all must be an int in [1, 100000] or None; got 0",
        "The 'rematch' parameter of match_all must be 'draft' or 'screen'; got 'lottery'",
    ]
    with pytest.raises(InvalidParameterError, match="The 'constraints' parameter of match_all must be a Constraints"):
        match_all(buildings, pool, constraints=[Constraints()])  # type: ignore[arg-type]
    assert match_all([], pool) == PortfolioResult.empty()


# -- memory -----------------------------------------------------------------------------------------


def test_screen_memory_is_far_below_buildings_times_candidates() -> None:
    buildings, pool = generate_portfolio(200, seed=8), generate_pool(20_000, seed=8)
    tracemalloc.start()
    try:
        # assess=False: the hard-side assessment keeps a bounded cache of its last 64 buildings
        # (objectmatch.assess, about 10 MB), which is not the screen's own memory
        found = screen(buildings, pool, top=50, block_size=500, assess=False)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    dense = len(buildings) * len(pool) * 8  # one float per (building, candidate): 32 MB
    # the pool's arrays (about 38 numbers per candidate: 6 MB) + one block's arrays (500 candidates
    # x 32 buildings x 12 floors: a few float and bool arrays, under 10 MB) + running tops and output
    assert peak < 16e6, f"peak {peak / 1e6:.1f} MB"
    assert peak < dense / 2
    assert len(found) == 200 * 50


# -- exclusivity ------------------------------------------------------------------------------------


def test_pack_hand_worked() -> None:
    a = [(5.0, frozenset({"x", "y"})), (4.0, frozenset({"z"}))]
    b = [(3.0, frozenset({"x"}))]
    c = [(9.0, frozenset({"y", "z"}))]
    assert pack([a, b]).choice == (1, 0)  # 4 + 3 beats 5
    assert pack([a, b, c]).choice == (None, 0, 0)  # 3 + 9: a loses both its programmes
    assert pack([]).choice == ()
    only_negative = pack([[(-1.0, frozenset({"x"}))], [(-2.0, frozenset({"x"}))]])
    assert only_negative.choice == (0, None)  # every round settles at least one building


options_strategy = st.lists(
    st.lists(
        st.tuples(
            st.floats(0.0, 10.0, allow_nan=False).map(lambda x: round(x, 3)),
            st.frozensets(st.sampled_from("abcdefg"), min_size=1, max_size=3),
        ),
        max_size=3,
    ),
    max_size=4,
)


@settings(max_examples=50, deadline=None)
@given(options_strategy)
def test_pack_is_the_best_disjoint_choice(options: list[list[tuple[float, frozenset[str]]]]) -> None:
    result = pack(options)
    chosen = [options[b][j] for b, j in enumerate(result.choice) if j is not None]
    used = [cid for _, tenants in chosen for cid in tenants]
    assert len(used) == len(set(used))
    best = -math.inf
    for combo in itertools.product(*[[None, *range(len(o))] for o in options]):
        picked = [options[b][j] for b, j in enumerate(combo) if j is not None]
        ids = [cid for _, t in picked for cid in t]
        if len(ids) == len(set(ids)) and (picked or not any(options)):
            best = max(best, sum(round(1e6 * s) for s, _ in picked))
    assert sum(round(1e6 * s) for s, _ in chosen) == best
    assert result.optimal


def test_draft_gives_disjoint_shortlists_in_each_ranking() -> None:
    lists = [[0, 1, 2, 3, 4], [0, 2, 1, 5], [5, 4, 3]]
    function = [0, 1, 0, 1, 0, 1]
    area = [100.0] * 6
    picks = draft(lists, function, area, target=[0.0, 0.0, 0.0], size=2, per_function=1)
    # quota round for function 0 (forward), then function 1 (backward): 0, 2, 4 then 5, 1, 3
    assert picks == [[0, 3], [2, 1], [5, 4]]
    for p, ranked in zip(picks, lists, strict=True):
        assert p == sorted(p, key=ranked.index)
    # area targets: building 0 keeps drafting until it holds 300 m² (at most 3), the others stop at 1
    picks = draft([[0, 1, 2, 3, 4, 5], [0, 2], [5]], function, area, target=[300.0, 0.0, 0.0], size=1,
                  per_function=0, most=3)
    assert picks == [[0, 1, 3], [2], [5]]


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.lists(st.integers(0, 14), max_size=10, unique=True), min_size=1, max_size=5),
    st.integers(1, 4),
    st.integers(0, 2),
)
def test_draft_never_shares_and_respects_each_ranking(lists: list[list[int]], size: int, per_function: int) -> None:
    function = [i % 3 for i in range(15)]
    picks = draft(lists, function, [50.0] * 15, [120.0] * len(lists), size, per_function)
    flat = [i for p in picks for i in p]
    assert len(flat) == len(set(flat))
    for p, ranked in zip(picks, lists, strict=True):
        assert set(p) <= set(ranked) and p == sorted(p, key=ranked.index)
        assert len(p) <= 2 * size
        # a building stops short of size or of its area only when its whole list is drafted
        if (len(p) < size or 50.0 * len(p) < 120.0) and len(p) < 2 * size:
            assert set(ranked) <= set(flat)


@pytest.fixture(scope="module")
def little() -> tuple[list[Building], list[Candidate]]:
    return generate_portfolio(4, seed=3, floors=(2, 4)), generate_pool(300, seed=3)


#: Search only, on a budget of deterministic work units: the comparisons below need every match to
#: be reproducible (see ``no_wall_clock``).
MATCH = {"k": 3, "top": 10, "time_limit": 0.05, "exact": False}


@pytest.fixture(scope="module", autouse=True)
def no_wall_clock() -> Iterator[None]:
    """Matches stop on their work budget only, not on the wall-clock safety net of ``objectmatch.solve``.

    On a loaded machine the net cuts a search short at a point that depends on the load, and then
    two runs of the same match can differ -- a property of the core, not of the portfolio, whose
    own determinism (local, Dask, exclusive or not) these tests check. (The Dask cluster below runs
    its workers as threads of this process, so they see the patch too.)
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("objectmatch.solve.WALL_CONSTANT", 1e6)
        yield


@pytest.fixture(scope="module")
def local_results(little: tuple[list[Building], list[Candidate]]) -> dict[bool, PortfolioResult]:
    buildings, pool = little
    return {ex: match_all(buildings, pool, exclusive=ex, **MATCH) for ex in (True, False)}  # type: ignore[arg-type]


def test_match_all_exclusive_programmes_are_valid_and_disjoint(
    little: tuple[list[Building], list[Candidate]], local_results: dict[bool, PortfolioResult]
) -> None:
    buildings, pool = little
    result = local_results[True]
    frame = result.buildings
    assert frame["building"].tolist() == [b.id for b in buildings]
    assert set(frame["status"]) <= {"assigned", "reassigned", "infeasible"}
    assert (frame["status"] != "infeasible").all()
    assert (frame["status"] == "reassigned").any(), "this portfolio has clashes: the re-match path runs"
    owners = result.placements.groupby("candidate")["building"].nunique()
    assert owners.max() == 1, "a candidate is placed in two buildings"
    for b in buildings:
        row = frame.set_index("building").loc[b.id]
        placements = result.placements_of(b.id)
        assert all(float(a).is_integer() for fl in placements.values() for a in fl.values())  # whole m²
        assert om.check(b, pool, placements) == []
        assert om.score(b, pool, placements).total == pytest.approx(row["score"], abs=1e-12)
        assert row["tenants"] == len(placements)
        assert set(row["candidates"].split(", ")) == set(placements)
        if row["status"] == "assigned":
            assert row["score"] <= row["independent_score"] + 1e-12
    assert result.total_score == pytest.approx(frame["score"].sum())
    assert result.ratio == pytest.approx(result.total_score / result.independent_score)


def test_match_all_without_exclusivity_is_each_buildings_own_match(
    little: tuple[list[Building], list[Candidate]], local_results: dict[bool, PortfolioResult]
) -> None:
    free, exclusive = local_results[False], local_results[True]
    assert (free.buildings["status"] == "assigned").all()
    assert free.buildings["score"].tolist() == free.buildings["independent_score"].tolist()
    assert free.ratio == 1.0 and free.rounds == 1
    assert exclusive.independent_score == free.independent_score
    buildings, pool = little
    shortlist = set(screen(buildings[:1], pool, top=10, per_function=1)["candidate"])
    single = om.match(buildings[0], [c for c in pool if c.id in shortlist], k=3, time_limit=0.05, exact=False)
    assert single.best is not None and single.check(single.best) == []
    assert free.buildings.loc[0, "score"] == single.best.score
    assert free.buildings.loc[0, "annual_rent"] == pytest.approx(single.best.annual_rent)


def test_match_all_passes_the_match_options_to_every_building(little: tuple[list[Building], list[Candidate]]) -> None:
    from objectmatch.culture import example_profile

    buildings, pool = little[0][:2], little[1][:150]
    options: dict[str, Any] = {
        "profile": example_profile(), "participation": _participation(), "seed": 7, "min_difference": 0.5,
        "weights": Weights(rent=2.0), "k": 2, "time_limit": 0.05, "exact": False,
    }
    result = match_all(buildings, pool, exclusive=False, top=8, per_function=1, **options)
    for b, row in zip(buildings, result.buildings.itertuples(), strict=True):
        screen_opts = {k: v for k, v in options.items() if k in ("profile", "participation", "weights")}
        shortlist = set(screen([b], pool, top=8, per_function=1, **screen_opts)["candidate"])
        alone = om.match(b, [c for c in pool if c.id in shortlist], **options)
        assert alone.best is not None and row.score == alone.best.score
        assert alone.options.min_difference == 0.5 and alone.options.seed == 7


def test_match_all_rematch_by_screen_is_exclusive_too(
    little: tuple[list[Building], list[Candidate]], local_results: dict[bool, PortfolioResult]
) -> None:
    buildings, pool = little
    result = match_all(buildings, pool, rematch="screen", **MATCH)  # type: ignore[arg-type]
    assert result.placements.groupby("candidate")["building"].nunique().max() == 1
    drafted = local_results[True].buildings
    kept = drafted["status"] == "assigned"
    # the first packing does not depend on how the losers are re-matched
    pd.testing.assert_frame_equal(result.buildings[kept], drafted[kept])


def test_match_all_counts_infeasible_buildings_and_respects_constraints(
    little: tuple[list[Building], list[Candidate]],
) -> None:
    buildings, pool = little
    strict = {buildings[0].id: Constraints(min_occupancy=1.0, min_functions=9)}
    result = match_all(buildings[:2], pool, k=2, top=8, time_limit=0.05, exact=False, constraints=strict)
    row = result.buildings.iloc[0]
    assert row["status"] == "infeasible" and math.isnan(row["score"]) and row["tenants"] == 0
    assert "function" in row["message"]
    assert result.placements_of(buildings[0].id) == {}
    assert result.buildings.iloc[1]["status"] == "assigned"
    with pytest.raises(KeyError, match="no building 'nope'"):
        result.placements_of("nope")
    capped = match_all(buildings, pool, k=2, top=8, time_limit=0.05, exact=False, max_rounds=1)
    assert capped.rounds == 1
    unsettled = capped.buildings[capped.buildings["message"].str.contains("max_rounds=1")]
    assert (unsettled["status"] == "infeasible").all()


# -- progress ---------------------------------------------------------------------------------------


def test_progress_bar_on_request_and_silent_by_default(
    little: tuple[list[Building], list[Candidate]], capsys: pytest.CaptureFixture[str]
) -> None:
    buildings, pool = little
    screen(buildings, pool, top=3, progress=True)
    assert "screening" in capsys.readouterr().err
    match_all(buildings[:2], pool, k=1, top=6, time_limit=0.05, exact=False, exclusive=False, progress=True)
    err = capsys.readouterr().err
    assert "round 1" in err and "2/2" in err
    screen(buildings, pool, top=3)  # stderr is not a terminal here: no bar
    assert capsys.readouterr().err == ""


def test_rich_is_imported_only_for_a_bar() -> None:
    code = (
        "import sys\n"
        "import objectmatch.portfolio as p\n"
        "from objectmatch.datasets import generate_pool, generate_portfolio\n"
        "p.screen(generate_portfolio(2, seed=1), generate_pool(50, seed=1), top=3)\n"
        "print('rich.progress' in sys.modules)\n"
        "p.screen(generate_portfolio(2, seed=1), generate_pool(50, seed=1), top=3, progress=True)\n"
        "print('rich.progress' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "True"]


# -- Parquet ----------------------------------------------------------------------------------------


def test_parquet_round_trips(
    tmp_path: Path, little: tuple[list[Building], list[Candidate]], local_results: dict[bool, PortfolioResult]
) -> None:
    buildings, pool = little
    result = local_results[True]
    again = read_parquet(result.to_parquet(tmp_path / "out"))
    assert again == result
    assert again.buildings.dtypes.to_dict() == result.buildings.dtypes.to_dict()
    assert again.placements["area"].dtype == np.int64
    assert again.summary() == result.summary()
    assert again != local_results[False]
    buildings_to_parquet(buildings, tmp_path / "b.parquet")
    assert buildings_from_parquet(tmp_path / "b.parquet") == buildings
    candidates_to_parquet(pool, tmp_path / "c.parquet")
    assert candidates_from_parquet(tmp_path / "c.parquet") == pool
    found = screen(buildings, pool, top=5)
    found.to_parquet(tmp_path / "screen.parquet")
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "screen.parquet"), found, check_exact=True)
    with pytest.raises(FileNotFoundError, match=r"missing buildings\.parquet"):
        read_parquet(tmp_path)


# -- Dask -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster,
        distributed.Client(cluster) as c,
    ):
        yield c


def test_screen_on_dask_is_identical(client: Any) -> None:
    buildings, pool = generate_portfolio(20, seed=12), generate_pool(2000, seed=12)
    local = screen(buildings, pool, top=40, building_block=4)
    on_dask = screen(buildings, pool, top=40, building_block=4, client=client)
    pd.testing.assert_frame_equal(on_dask, local, check_exact=True)
    current = screen(buildings, pool, top=40, building_block=4, per_function=3, client=True)
    pd.testing.assert_frame_equal(current, screen(buildings, pool, top=40, building_block=4, per_function=3),
                                  check_exact=True)


def test_match_all_on_dask_is_identical(
    client: Any, little: tuple[list[Building], list[Candidate]], local_results: dict[bool, PortfolioResult]
) -> None:
    buildings, pool = little
    on_dask = match_all(buildings, pool, client=client, **MATCH)  # type: ignore[arg-type]
    assert on_dask == local_results[True]


def test_the_library_imports_and_screens_without_dask() -> None:
    code = (
        "import sys\n"
        "sys.modules['dask'] = None; sys.modules['distributed'] = None\n"
        "import objectmatch, objectmatch.portfolio as p\n"
        "from objectmatch.datasets import generate_pool, generate_portfolio\n"
        "print(len(p.screen(generate_portfolio(2, seed=1), generate_pool(50, seed=1), top=3)))\n"
        "try:\n"
        "    p.screen(generate_portfolio(1, seed=1), [], client=True)\n"
        "except ImportError as e:\n"
        "    print('ImportError', 'objectmatch[dask]' in str(e))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["6", "ImportError", "True"]
