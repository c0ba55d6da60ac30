"""objectmatch.portfolio: screening and matching many buildings against one pool, locally and on Dask."""

from __future__ import annotations

import itertools
import math
import subprocess
import sys
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import objectmatch as om
from objectmatch import Building, Candidate, Constraints, Floor, Location, Weights
from objectmatch.constraints import AREA_TOLERANCE, placement_violations
from objectmatch.datasets import generate_pool, generate_portfolio
from objectmatch.encode import encode
from objectmatch.portfolio import (
    PortfolioResult,
    buildings_from_parquet,
    buildings_to_parquet,
    candidates_from_parquet,
    candidates_to_parquet,
    match_all,
    read_parquet,
    screen,
)
from objectmatch.portfolio._draft import draft
from objectmatch.portfolio._kernel import budget_fit
from objectmatch.portfolio._packing import pack
from objectmatch.scoring import Scorer, _budget_fit

# -- brute force ------------------------------------------------------------------------------------


def brute_force(
    building: Building, pool: list[Candidate], weights: Weights | None = None, assess: bool = True
) -> list[tuple[str, float, int]]:
    """Per building, one candidate at a time: (id, fit, level) of every candidate that can use it, best first.

    Feasibility from ``encode(...).mask`` and every contiguous run of floors, checked again with
    ``placement_violations`` on an actual placement; fit from ``Scorer.per_m2``.
    """
    enc = encode(building, pool, assess=assess)
    scorer = Scorer.build(enc, weights)
    m = enc.m
    out = []
    for i, cand in enumerate(pool):
        covered: set[int] = set()
        for length in range(1, min(cand.max_floors, m) + 1):
            for start in range(m - length + 1):
                run = list(range(start, start + length))
                if not enc.mask[i, run].all():
                    continue
                if enc.floor_area[run].sum() < cand.area_min * (1 - AREA_TOLERANCE) - AREA_TOLERANCE:
                    continue
                # the run really holds the candidate: a placement the checker accepts
                placement, left = {}, cand.area_min
                for f in run:
                    take = min(float(enc.floor_area[f]), left - (len(run) - run.index(f) - 1))
                    placement[int(enc.levels[f])] = take
                    left -= take
                assert placement_violations(building, {cand.id: cand}, {cand.id: placement}) == [], (cand.id, placement)
                covered.update(run)
        if covered:
            floors = sorted(covered)
            best = floors[int(np.argmax(scorer.per_m2[i, floors]))]
            out.append((cand.id, float(scorer.per_m2[i, best] * cand.area_min), int(enc.levels[best])))
    return sorted(out, key=lambda r: (-r[1], r[0]))


@pytest.fixture(scope="module")
def small() -> tuple[list[Building], list[Candidate]]:
    return generate_portfolio(6, seed=5, floors=(1, 8)), sorted(generate_pool(500, seed=5), key=lambda c: c.id)


@pytest.mark.parametrize("assess", [True, False])
def test_screen_equals_brute_force_per_building(small: tuple[list[Building], list[Candidate]], assess: bool) -> None:
    buildings, pool = small
    found = screen(buildings, pool, top=len(pool), block_size=37, building_block=4, assess=assess)
    for b in buildings:
        expected = brute_force(b, pool, assess=assess)
        got = found[found["building"] == b.id]
        assert got["candidate"].tolist() == [e[0] for e in expected], b.id
        np.testing.assert_allclose(got["fit"].to_numpy(), [e[1] for e in expected], rtol=1e-12, atol=0)
        assert got["level"].tolist() == [e[2] for e in expected]
        assert got["rank"].tolist() == list(range(1, len(expected) + 1))
        by_id = {c.id: c for c in pool}
        assert got["function"].tolist() == [by_id[e[0]].function for e in expected]


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


def _hand_building() -> Building:
    return Building(
        id="hand", name="Hand", permitted_functions={"office", "retail", "assembly"}, asking_rent=100,
        location=Location(lat=52, lon=5, neighbourhood="X", dna={"culture": 1.0}),
        floors=[
            Floor(level=0, area=500, free_height=4.0, floor_load=5, depth=15, street_frontage=True),
            Floor(level=1, area=500, free_height=3.0, floor_load=3, depth=15, elevator=True),
        ],
    )


def _cand(cid: str, function: str, area_min: float, **kw: Any) -> Candidate:
    return Candidate(id=cid, name=cid, function=function, activity="x", area_min=area_min,
                     area_max=max(area_min, kw.pop("area_max", area_min)), **kw)


def test_screen_hand_worked_fits() -> None:
    building = _hand_building()
    pool = [
        # full fit everywhere: (1 + 0.5 * 1 + 0.5 * 1 + 0.25 * 1) / 1000 m² per m², times 200 m²
        _cand("a", "office", 200, identities={"culture": 1.0}),
        # two floors together hold 800 m²; no shared identity: (1 + 0 + 0.5 + 0.25) / 1000 * 800
        _cand("c", "office", 800, max_floors=2, identities={"sport": 1.0}),
        # 800 m² but one floor only: cannot use the building
        _cand("d", "office", 800, identities={"culture": 1.0}),
        # rent headroom 10% -> budget fit 0.75; half public (100 visitors) -> ground floor best;
        # cosine with the DNA 0.6: (1 + 0.3 + 0.5 + 0.1875) / 1000 * 100
        _cand("e", "assembly", 100, max_rent=110, visitors_per_day=100, identities={"culture": 0.6, "food": 0.8}),
        _cand("f", "industrial", 100),  # not permitted
        _cand("g", "retail", 600, needs_ground_floor=True, max_floors=2),  # ground floor holds 500 only
        _cand("h", "office", 100, max_rent=90),  # over budget on every floor
    ]
    found = screen([building], pool, top=10, assess=False)
    assert found["candidate"].tolist() == ["c", "a", "e"]
    assert found["fit"].tolist() == pytest.approx([1.75 / 1000 * 800, 2.25 / 1000 * 200, 1.9875 / 1000 * 100])
    assert found["level"].tolist() == [0, 0, 0]
    assert found["function"].tolist() == ["office", "office", "assembly"]


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


def test_screen_bad_input_is_named() -> None:
    building = _hand_building()
    with pytest.raises(ValueError, match="top must be a positive whole number, got 0"):
        screen([building], [], top=0)
    with pytest.raises(ValueError, match="block_size must be a positive whole number, got -3"):
        screen([building], [], block_size=-3)
    with pytest.raises(ValueError, match="duplicate building id 'hand' at positions 0 and 1"):
        screen([building, building], [])
    with pytest.raises(TypeError, match="got one Building"):
        screen(building, [])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="client must be None, True, 'current'"):
        screen([building], [], client="cluster")
    empty = screen([], generate_pool(5, seed=1))
    assert list(empty.columns) == list(om.portfolio.SCREEN_COLUMNS) and empty.empty
    none_fit = screen([building], [])
    assert none_fit.empty


def test_budget_fit_is_the_scoring_engines() -> None:
    rng = np.random.default_rng(3)
    rent = rng.uniform(50, 300, 40)
    max_rent = np.where(rng.random(25) < 0.2, np.inf, rng.uniform(40, 320, 25))
    engine = _budget_fit(rent, max_rent)
    mine = budget_fit(np.broadcast_to(rent[None, :], engine.shape), np.broadcast_to(max_rent[:, None], engine.shape))
    assert np.array_equal(engine, mine)


def test_screen_accepts_frames_and_weights(small: tuple[list[Building], list[Candidate]]) -> None:
    from objectmatch.io import buildings_to_frame, candidates_to_frame

    buildings, pool = small[0], small[1][:150]
    w = Weights(neighbourhood_fit=2.0, budget_fit=0.0)
    direct = screen(buildings[:2], pool, top=5, weights=w)
    framed = screen(buildings_to_frame(buildings[:2]), candidates_to_frame(pool), top=5, weights=w)
    pd.testing.assert_frame_equal(direct, framed, check_exact=True)
    assert not direct.equals(screen(buildings[:2], pool, top=5))
    expected = brute_force(buildings[0], pool, w)[:5]
    assert direct["candidate"].tolist()[:5] == [e[0] for e in expected]


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
    # pool arrays (about 33 numbers per candidate: 5.3 MB) + one block's workspace (500 candidates
    # x 32 buildings x 12 floors: 2 float and 3 bool arrays, 3.6 MB) + running tops and output (200 x 50)
    assert peak < 12e6, f"peak {peak / 1e6:.1f} MB"
    assert peak < dense / 2.5
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


@pytest.fixture(scope="module")
def local_results(little: tuple[list[Building], list[Candidate]]) -> dict[bool, PortfolioResult]:
    buildings, pool = little
    return {ex: match_all(buildings, pool, k=3, exclusive=ex, top=10, time_limit=2.0) for ex in (True, False)}


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
        assert om.check(b, pool, placements, Constraints()) == []
        assert om.score(b, pool, placements).total == pytest.approx(row["score"], abs=1e-12)
        assert row["tenants"] == len(placements)
        assert row["candidates"].split(", ") and set(row["candidates"].split(", ")) == set(placements)
        if row["status"] == "assigned":
            assert row["score"] <= row["independent_score"] + 1e-12
    assert result.total_score == pytest.approx(frame["score"].sum())
    assert result.ratio == pytest.approx(result.total_score / result.independent_score)


def test_match_all_without_exclusivity_is_each_buildings_best(
    little: tuple[list[Building], list[Candidate]], local_results: dict[bool, PortfolioResult]
) -> None:
    free, exclusive = local_results[False], local_results[True]
    assert (free.buildings["status"] == "assigned").all()
    assert free.buildings["score"].tolist() == free.buildings["independent_score"].tolist()
    assert free.ratio == 1.0 and free.rounds == 1
    assert exclusive.independent_score == free.independent_score
    buildings, pool = little
    single = om.match(buildings[0], [c for c in sorted(pool, key=lambda c: c.id)
                                     if c.id in set(screen(buildings[:1], pool, top=10, per_function=1)["candidate"])],
                      k=3, time_limit=2.0)
    assert single.best is not None
    assert free.buildings.loc[0, "score"] == single.best.score


def test_match_all_rematch_by_screen_is_exclusive_too(
    little: tuple[list[Building], list[Candidate]], local_results: dict[bool, PortfolioResult]
) -> None:
    buildings, pool = little
    result = match_all(buildings, pool, k=3, top=10, time_limit=2.0, rematch="screen")
    assert result.placements.groupby("candidate")["building"].nunique().max() == 1
    drafted = local_results[True].buildings
    kept = drafted["status"] == "assigned"
    # the first packing does not depend on how the losers are re-matched
    pd.testing.assert_frame_equal(result.buildings[kept], drafted[kept])
    with pytest.raises(ValueError, match="rematch must be 'draft' or 'screen', got 'lottery'"):
        match_all(buildings, pool, rematch="lottery")  # type: ignore[arg-type]


def test_match_all_counts_infeasible_buildings_and_respects_constraints(
    little: tuple[list[Building], list[Candidate]],
) -> None:
    buildings, pool = little
    strict = {buildings[0].id: Constraints(min_occupancy=1.0, min_functions=9)}
    result = match_all(buildings[:2], pool, k=2, top=8, time_limit=1.0, constraints=strict)
    row = result.buildings.iloc[0]
    assert row["status"] == "infeasible" and math.isnan(row["score"]) and row["tenants"] == 0
    assert "min_functions" in row["message"]
    assert result.placements_of(buildings[0].id) == {}
    assert result.buildings.iloc[1]["status"] == "assigned"
    with pytest.raises(KeyError, match="no building 'nope'"):
        result.placements_of("nope")
    with pytest.raises(ValueError, match="k must be a positive whole number, got 0"):
        match_all(buildings, pool, k=0)
    with pytest.raises(TypeError, match="constraints must be a Constraints"):
        match_all(buildings, pool, constraints=[Constraints()])  # type: ignore[arg-type]
    assert match_all([], pool) == PortfolioResult.empty()


# -- Parquet ----------------------------------------------------------------------------------------


def test_parquet_round_trips(
    tmp_path: Path, little: tuple[list[Building], list[Candidate]], local_results: dict[bool, PortfolioResult]
) -> None:
    buildings, pool = little
    result = local_results[True]
    again = read_parquet(result.to_parquet(tmp_path / "out"))
    assert again == result
    assert again.buildings.dtypes.to_dict() == result.buildings.dtypes.to_dict()
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
    on_dask = match_all(buildings, pool, k=3, top=10, time_limit=2.0, client=client)
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
