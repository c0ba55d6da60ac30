"""objectmatch.match and scenarios: valid, re-scorable, optimal where brute force can tell, order-free,
distinct, deterministic, and honest about what cannot be met.

Every returned programme is re-checked by :func:`independent_violations` below, written from the
issue texts and sharing no code with objectmatch (not even :func:`objectmatch.check`, which is
checked as well); optimality on tiny pools is checked against ``tests/bruteforce.py``. Time limits
and pools are small: the file should take about a minute and a half on a quiet machine.
"""

from __future__ import annotations

import copy
import math
import random
from collections.abc import Mapping, Sequence
from functools import reduce
from typing import Any

import pytest
from bruteforce import brute_force, runs
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

import objectmatch as om
from objectmatch import (
    Building,
    Candidate,
    Constraints,
    Floor,
    Location,
    MatchResult,
    ScenarioSet,
    Weights,
    check,
    match,
    scenarios,
    testing,
)
from objectmatch.assess import excluded_functions
from objectmatch.constraints import DEFAULT_EXCLUSIVE, min_part
from objectmatch.culture import example_profile
from objectmatch.datasets import generate_building, generate_pool
from objectmatch.scoring import ScoreModel
from objectmatch.strategies import candidates
from objectmatch.vocabulary import is_meeting_place

SOLVES = settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
TOL = 1e-9
Placements = Mapping[str, Mapping[int, float]]


# -- the independent checker --------------------------------------------------------------------------


def _placement_problems(building: Building, c: Candidate, floors: Mapping[int, float], step: int) -> list[str]:
    cid = c.id
    position = {f.level: i for i, f in enumerate(building.floors)}
    if not floors or any(lv not in position for lv in floors):
        return [f"{cid} on unknown or no floors {dict(floors)}"]
    out = []
    if any(not (a > 0 and float(a / step).is_integer()) for a in floors.values()):
        out.append(f"{cid} has an area off the {step} m² grid: {dict(floors)}")
    total = math.fsum(floors.values())
    if not c.area_min <= total <= c.area_max:
        out.append(f"{cid} takes {total} m², outside {c.area_min}..{c.area_max}")
    if len(floors) > c.max_floors:
        out.append(f"{cid} above max_floors")
    pos = sorted(position[lv] for lv in floors)
    if pos != list(range(pos[0], pos[0] + len(pos))):
        out.append(f"{cid} floors not contiguous")
    fifth = step * max(1, math.ceil(0.2 * c.area_min / step - 1e-9))
    if len(floors) > 1 and min(floors.values()) < fifth:
        out.append(f"{cid} takes less than a fifth of its area_min on a floor")
    return out


def _floor_problems(building: Building, c: Candidate, level: int, cons: Constraints, assess: bool) -> list[str]:
    floor = building.floor(level)
    asking = floor.asking_rent if floor.asking_rent is not None else building.asking_rent
    lo, hi = cons.function_levels.get(c.function, (None, None))
    problems = {
        "needs the ground floor": c.needs_ground_floor and level != 0,
        "free height": floor.free_height < c.min_free_height,
        "floor load": floor.floor_load < c.min_floor_load,
        "function not permitted": c.function not in building.permitted_functions,
        "vetoed by the assessment": assess and c.function in excluded_functions(building),
        "rent beyond the largest discount": c.max_rent is not None
        and c.max_rent < (1 - cons.max_discount) * asking * (1 - 1e-12),
        "function level": (lo is not None and level < lo) or (hi is not None and level > hi),
    }
    return [f"{c.id} on level {level}: {what}" for what, broken in problems.items() if broken]


def _programme_problems(building: Building, by_id: Mapping[str, Candidate], placements: Placements,
                        cons: Constraints) -> list[str]:
    out = []
    lettable = math.fsum(f.area for f in building.floors)
    let = math.fsum(a for fl in placements.values() for a in fl.values())
    if let < cons.min_occupancy * lettable * (1 - TOL):
        out.append("occupancy below min_occupancy")
    by_fn: dict[str, float] = {}
    for cid, fl in placements.items():
        by_fn[by_id[cid].function] = by_fn.get(by_id[cid].function, 0.0) + math.fsum(fl.values())
    if len(by_fn) < cons.min_functions:
        out.append("fewer than min_functions")
    if let > 0 and any(a > cons.max_function_share * let * (1 + TOL) for a in by_fn.values()):
        out.append("a function above max_function_share")
    if cons.lead is not None and (cons.lead not in by_fn or any(a > by_fn[cons.lead] * (1 + TOL)
                                                                for a in by_fn.values())):
        out.append(f"lead {cons.lead} does not hold the largest area: {by_fn}")
    for f in building.floors:
        fns = {by_id[cid].function for cid, fl in placements.items() if f.level in fl}
        if len(fns) > 1 and fns & cons.exclusive_functions:
            out.append(f"level {f.level}: an exclusive function shares the floor: {sorted(fns)}")
    if cons.min_rent_share is not None:
        full = math.fsum(f.area * (f.asking_rent or building.asking_rent) for f in building.floors)
        rent = math.fsum(a * min(building.floor(lv).asking_rent or building.asking_rent,
                                 math.inf if by_id[cid].max_rent is None else by_id[cid].max_rent)
                         for cid, fl in placements.items() for lv, a in fl.items())
        if rent < cons.min_rent_share * full * (1 - TOL):
            out.append(f"rent roll {rent} below min_rent_share of {full}")
    if not cons.must_include <= set(placements):
        out.append("must_include missing")
    if cons.exclude & set(placements):
        out.append("excluded placed")
    if cons.max_tenants is not None and len(placements) > cons.max_tenants:
        out.append("above max_tenants")
    pairs = set(cons.incompatible) | {(cid, o) for cid in placements for o in by_id[cid].incompatible}
    out += [f"{a} and {b} incompatible, both placed" for a, b in pairs if a in placements and b in placements]
    return out


def independent_violations(
    building: Building, pool: Sequence[Candidate], placements: Placements, cons: Constraints, *,
    assess: bool = True, area_step: int = 1,
) -> list[str]:
    """Every hard constraint of the issues that ``placements`` breaks (empty: valid)."""
    by_id = {c.id: c for c in pool}
    out = [f"{cid} not in pool" for cid in placements if cid not in by_id]
    if out:
        return out
    used: dict[int, float] = {}
    for cid, floors in placements.items():
        c = by_id[cid]
        problems = _placement_problems(building, c, floors, area_step)
        out += problems
        if problems and "unknown" in problems[0]:
            continue
        for lv, a in floors.items():
            used[lv] = used.get(lv, 0.0) + a
            out += _floor_problems(building, c, lv, cons, assess)
    out += [f"level {lv} over capacity" for lv, a in used.items() if a > building.floor(lv).area]
    return out + _programme_problems(building, by_id, placements, cons)


def difference(a: Placements, b: Placements) -> float:
    """Share of the larger let area two programmes put differently (tenant to floor)."""
    overlap = math.fsum(min(area, b.get(cid, {}).get(lv, 0.0)) for cid, fl in a.items() for lv, area in fl.items())
    larger = max(math.fsum(x for fl in p.values() for x in fl.values()) for p in (a, b))
    return 1.0 - overlap / max(larger, 1.0)


def assert_valid_result(result: MatchResult, *, k: int | None = None) -> None:
    """Everything a MatchResult promises, checked from the outside with the options it remembers."""
    opts = result.options
    building, pool, cons = result.building, result.candidates, opts.constraints
    progs = result.programmes
    assert len(progs) <= (opts.k if k is None else k)
    assert result.status.message
    if result.status.code == "infeasible":
        assert progs == () and result.status.reasons, result.status.message
        return
    assert progs, result.status.message
    for rank, p in enumerate(progs, start=1):
        assert independent_violations(building, pool, p.placements, cons, assess=opts.assess,
                                      area_step=opts.area_step) == []
        assert result.check(p) == []
        assert result.score(p).total == p.score  # exactly, not approximately
        assert p.rank == rank and set(p.tenants) == set(p.placements)
        assert p.occupancy == pytest.approx(p.area / building.lettable_area, rel=1e-12)
        assert p.rent_share == pytest.approx(p.breakdown.components["rent"], rel=1e-12, abs=1e-15)
    scores = [p.score for p in progs]
    assert scores == sorted(scores, reverse=True)
    for i in range(len(progs)):
        for j in range(i + 1, len(progs)):
            assert difference(progs[i].placements, progs[j].placements) >= opts.min_difference - 1e-9, (i, j)
    if result.status.optimal:
        assert result.status.gap is None or result.status.gap <= 1e-9
    if result.status.bound is not None:
        assert scores[0] <= result.status.bound + 1e-9 * max(1.0, abs(result.status.bound))
    assert MatchResult.model_validate_json(result.model_dump_json()) == result


# -- the bundled example ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example() -> tuple[Building, list[Candidate]]:
    return om.load_example()


@pytest.fixture(scope="module")
def example_result(example: tuple[Building, list[Candidate]]) -> MatchResult:
    return match(*example)  # the default call: default k, time and options


def test_example_default_call_every_programme_checks_and_rescores(example_result: MatchResult) -> None:
    assert_valid_result(example_result)
    assert len(example_result.programmes) >= 1
    if not example_result.status.clock_stopped:  # a busy machine may cut the runners-up short
        assert len(example_result.programmes) == 10
    assert example_result.status.code in ("optimal", "feasible")


def test_example_with_profile_weights_and_no_assessment(example: tuple[Building, list[Candidate]]) -> None:
    weights = Weights(shared_identity=3, complementarity=9, conflict=20, access=2, rent=2, heart=1.5)
    result = match(*example, profile=example_profile(), weights=weights, assess=False, time_limit=1, k=4)
    assert result.options.weights == weights and result.options.assess is False
    assert result.options.profile == example_profile()
    assert_valid_result(result)
    best = result.best
    assert best is not None and best.breakdown.weights == weights.signed()
    # the options matter: re-scored with the defaults, the same programme scores differently
    assert om.score(*example, best.placements).total != best.score



def test_example_with_the_places_network_non_default_weights_and_no_assessment(
    example: tuple[Building, list[Candidate]],
) -> None:
    # the call, literally: network=, weights=, assess=False; the result reproduces its verdicts
    network = example_profile().network()
    weights = Weights(shared_identity=4, complementarity=6, conflict=10, rent=1.5)
    result = match(*example, network=network, weights=weights, assess=False, time_limit=1, k=3)
    assert result.options.network == network and result.options.assess is False
    assert_valid_result(result)
    testing.assert_valid_result(result)
    for p in result.programmes:
        assert result.check(p) == [] and result.score(p).total == p.score
    best = result.best
    assert best is not None and om.score(*example, best.placements).total != best.score


def test_the_examples_best_programme_is_one_a_practitioner_would_draw(example_result: MatchResult) -> None:
    # housing on whole floors, a meeting place on the street, a rent roll that adds up
    best = example_result.best
    assert best is not None
    by_id = {c.id: c for c in example_result.candidates}
    functions_on: dict[int, set[str]] = {}
    for cid, floors in best.placements.items():
        for level in floors:
            functions_on.setdefault(level, set()).add(by_id[cid].function)
    for level, functions in functions_on.items():
        assert not ({"residential", "lodging"} & functions) or len(functions) == 1, (level, functions)
    street = {f.level for f in example_result.building.floors if f.street_frontage}
    assert any(is_meeting_place(by_id[cid].activity) and set(floors) & street
               for cid, floors in best.placements.items())
    roll = best.rent_roll
    assert math.isclose(roll["annual_rent"].sum(), best.annual_rent, rel_tol=1e-12)


def test_a_pioneer_let_below_asking_pays_its_way_under_a_rent_share(
    example: tuple[Building, list[Candidate]],
) -> None:
    # with the income kept up by min_rent_share, a pioneer is let below asking, and letting it so raises
    # the score: the same programme without it keeps every rule and scores less
    cons = Constraints(min_rent_share=0.8)
    result = match(*example, constraints=cons, time_limit=1, k=1)
    best = result.best
    assert best is not None and best.rent_share >= 0.8 - 1e-12
    by_id = {c.id: c for c in example[1]}
    roll = best.rent_roll
    discounted = sorted(set(roll.loc[roll["discount"] > 0, "candidate"]) & {c for c in by_id if by_id[c].pioneer})
    assert discounted, roll
    for pioneer in discounted:
        without = {cid: floors for cid, floors in best.placements.items() if cid != pioneer}
        if check(*example, without, constraints=cons) == []:
            assert om.score(*example, without).total < best.score
            return
    pytest.fail(f"no discounted pioneer ({discounted}) can leave the programme and keep every rule")

def test_check_with_defaults_reports_a_function_the_assessment_vetoes(
    example: tuple[Building, list[Candidate]],
) -> None:
    building, pool = example
    vetoed = excluded_functions(building)
    cand = next(c for c in pool if c.function in vetoed)
    placed = {cand.id: {0: float(cand.area_min)}}
    vetoes = [v for v in check(building, pool, placed) if v.kind == "vetoed"]
    assert [v.subject for v in vetoes] == [cand.id] and cand.function in vetoes[0]
    assert all(v.kind != "vetoed" for v in check(building, pool, placed, assess=False))
    assert all(p.placements.keys().isdisjoint({c.id for c in pool if c.function in vetoed})
               for p in match(*example, k=1, time_limit=0.5).programmes)


def test_check_vetoes_a_permitted_function_the_building_cannot_carry() -> None:
    # sport is permitted by zoning and fits the floor as the candidate states it, but the assessment
    # vetoes it (floor load below the sport minimum on every floor): only check's default says so.
    building = Building(
        id="b", name="B", asking_rent=100, permitted_functions={"office", "sport"},
        floors=[Floor(level=0, area=400, free_height=3.5, floor_load=3, depth=14, street_frontage=True)],
        location=Location(lat=52, lon=5, neighbourhood="X"),
    )
    gym = Candidate(id="gym", name="Gym", function="sport", activity="gym", area_min=100, area_max=200)
    placed = {"gym": {0: 150.0}}
    loose = Constraints(min_occupancy=0, min_functions=0)
    found = check(building, [gym], placed, constraints=loose)
    assert [(v.kind, v.subject) for v in found] == [("vetoed", "gym")] and "floor load" in found[0]
    assert check(building, [gym], placed, constraints=loose, assess=False) == []
    result = match(building, [gym], constraints=loose, k=1, time_limit=0.5)
    assert result.best is None or "gym" not in result.best.placements
    assert "gym" in result.left_out and "sport" in result.left_out["gym"]


# -- tiny instances ----------------------------------------------------------------------------------------

FUNCTIONS = ("office", "assembly", "retail", "education", "residential")


@st.composite
def tiny_instances(draw: st.DrawFn, max_candidates: int = 5, max_floors: int = 3) -> tuple[Building, list[Candidate]]:
    """A building of 2-3 floors of 80-400 m² and a pool of 3-5 candidates of 30-250 m² of permitted
    functions (the assessment may still veto some)."""
    floors = [
        Floor(level=lv, area=draw(st.integers(8, 40)) * 10, free_height=draw(st.sampled_from([2.8, 3.5, 4.5])),
              floor_load=draw(st.sampled_from([2.5, 4.0, 5.0])), depth=12, street_frontage=lv == 0,
              elevator=draw(st.booleans()), asking_rent=draw(st.none() | st.sampled_from([120.0, 180.0, 250.0])))
        for lv in range(draw(st.integers(2, max_floors)))
    ]
    building = Building(
        id="tiny", name="Tiny", floors=floors, asking_rent=draw(st.sampled_from([100.0, 150.0, 200.0])),
        permitted_functions=draw(st.frozensets(st.sampled_from(FUNCTIONS), min_size=2)),
        location=Location(lat=52.0, lon=5.0, neighbourhood="X", dna={"community": 0.8, "culture": 0.6}),
    )
    pool = []
    for k in range(draw(st.integers(3, max_candidates))):
        base = draw(candidates(id=f"c{k}", incompatible_with=[f"c{j}" for j in range(k)]))
        area_min = draw(st.integers(3, 25)) * 10
        fields = {
            "function": draw(st.sampled_from(sorted(building.permitted_functions))),
            "area_min": area_min,
            "area_max": area_min + draw(st.integers(0, 15)) * 10,
            "max_floors": draw(st.integers(1, 2)),
            "needs_ground_floor": draw(st.integers(0, 4)) == 0,
            "min_free_height": draw(st.sampled_from([0.0, 0.0, 3.0])),
            "min_floor_load": draw(st.sampled_from([0.0, 0.0, 3.0])),
            "max_rent": draw(st.none() | st.sampled_from([100.0, 140.0, 200.0, 300.0])),
            "incompatible": base.incompatible if draw(st.integers(0, 3)) == 0 else frozenset(),
        }
        pool.append(Candidate.model_validate({**base.model_dump(), **fields}))
    return building, pool


@st.composite
def tiny_constraints(draw: st.DrawFn, pool: Sequence[Candidate]) -> Constraints:
    """Constraints that bind on tiny instances: shares, rent, lead, exclusive functions, levels, discount."""
    return Constraints(
        min_occupancy=draw(st.sampled_from([0.0, 0.2, 0.4])),
        min_functions=draw(st.integers(0, 2)),
        max_function_share=draw(st.sampled_from([1.0, 1.0, 0.7, 0.5])),
        min_rent_share=draw(st.sampled_from([None, None, 0.15, 0.3])),
        lead=draw(st.none() | st.sampled_from(sorted({c.function for c in pool}))),
        exclusive_functions=draw(st.sampled_from([DEFAULT_EXCLUSIVE, frozenset(), frozenset({"office", "lodging"})])),
        function_levels=draw(st.sampled_from([
            {"residential": (1, None)}, {}, {"assembly": (0, 0), "residential": (1, None)}, {"office": (1, 2)},
        ])),
        max_discount=draw(st.sampled_from([0.3, 0.1])),
    )


QUIET = ScoreModel(noise_conflict=[[0, 0, 0, 0], [1, 0, 0, 0], [1, 1, 0, 0], [1, 1, 1, 0]])  # type: ignore[arg-type]
LOUD_PRICE = ScoreModel(noise_conflict=[[0.1 * (n + t) for t in range(4)] for n in range(4)])  # type: ignore[arg-type]


def assignments(building: Building, pool: Sequence[Candidate], cons: Constraints) -> int:
    """How many floor assignments the brute force enumerates (an upper bound)."""
    return reduce(lambda acc, c: acc * (1 + len(runs(building, c, cons))), pool, 1)


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data(), instance=tiny_instances(),
       step=st.sampled_from([1, 10, 7]), model=st.sampled_from([None, QUIET, LOUD_PRICE]))
def test_exact_engine_equals_brute_force(
    data: st.DataObject, instance: tuple[Building, list[Candidate]], step: int, model: ScoreModel | None
) -> None:
    building, pool = instance
    cons = data.draw(tiny_constraints(pool))
    assume(assignments(building, pool, cons) <= 400)
    weights = Weights(conflict=12, complementarity=8)  # brute force reads the weights too
    expected = brute_force(building, pool, cons, weights, score_model=model, area_step=step)
    options: dict[str, Any] = {"constraints": cons, "weights": weights, "area_step": step, "k": 1,
                               "exact": True, "time_limit": 2.0}
    if model is not None:
        options["score_model"] = model
    result = match(building, pool, **options)
    assert_valid_result(result)
    event(f"brute force: {'infeasible' if expected.value is None else 'a best programme'}")
    if expected.value is None:
        assert result.status.code == "infeasible", result.status.message
        return
    assert result.status.code == "optimal", result.status.message
    best = result.programmes[0]
    assert best.score == pytest.approx(expected.value, rel=1e-9, abs=1e-9), (best.placements, expected.placements)


@pytest.mark.parametrize("seed", [0, 2, 5])
def test_exact_engine_equals_brute_force_with_a_replaced_noise_table(seed: int) -> None:
    # The test: replace one term's data (the noise table) and the exact engine still agrees
    # with brute force; the table changes the optimum's conflict, so it is really read.
    building, pool = generate_building(3, seed), generate_pool(5, seed)
    cons = Constraints(min_occupancy=0.2, min_functions=1)
    plain = brute_force(building, pool, cons).value
    assert plain is not None and brute_force(building, pool, cons, score_model=LOUD_PRICE).value != plain
    for model in (QUIET, LOUD_PRICE):
        expected = brute_force(building, pool, cons, score_model=model)
        result = match(building, pool, constraints=cons, score_model=model, k=1, exact=True, time_limit=2.0)
        assert_valid_result(result)
        assert expected.value is not None and result.status.optimal, result.status.message
        assert result.best is not None and result.best.score == pytest.approx(expected.value, rel=1e-9, abs=1e-9)


@SOLVES
@given(data=st.data(), instance=tiny_instances())
def test_every_programme_keeps_exclusive_floors_function_levels_and_the_rent_share(
    data: st.DataObject, instance: tuple[Building, list[Candidate]]
) -> None:
    building, pool = instance
    cons = data.draw(tiny_constraints(pool))
    result = match(building, pool, constraints=cons, k=3, time_limit=0.5)
    assert_valid_result(result)
    for p in result.programmes:
        by_id = {c.id: c for c in pool}
        for f in building.floors:
            fns = {by_id[cid].function for cid in p.tenants_on(f.level)}
            assert len(fns) <= 1 or not fns & cons.exclusive_functions, (f.level, fns)
        for cid, fl in p.placements.items():
            lo, hi = cons.function_levels.get(by_id[cid].function, (None, None))
            assert all((lo is None or lv >= lo) and (hi is None or lv <= hi) for lv in fl), (cid, fl)
        if cons.min_rent_share is not None:
            assert p.rent_share >= cons.min_rent_share * (1 - 1e-9)
            assert p.annual_rent >= cons.min_rent_share * p.full_rent_roll * (1 - 1e-9)


@SOLVES
@given(instance=tiny_instances(), shuffle=st.randoms(use_true_random=False))
def test_candidate_order_does_not_change_the_answer(
    instance: tuple[Building, list[Candidate]], shuffle: random.Random
) -> None:
    building, pool = instance
    cons = Constraints(min_occupancy=0.2, min_functions=1)
    shuffled = list(pool)
    shuffle.shuffle(shuffled)
    first = match(building, pool, constraints=cons, k=3, time_limit=0.5)
    second = match(building, shuffled, constraints=cons, k=3, time_limit=0.5)
    if first.status.clock_stopped or second.status.clock_stopped:
        pytest.skip("the wall-clock safety net cut a solve short: the machine is too busy to compare")
    assert first.status.code == second.status.code
    assert [(p.score, p.placements) for p in first] == [(p.score, p.placements) for p in second]


@pytest.mark.parametrize(("seed", "share"), [(0, 0.2), (3, 0.4)])
def test_k_programmes_differ_in_min_difference_of_the_let_area(seed: int, share: float) -> None:
    building, pool = generate_building(3, seed), generate_pool(12, seed)
    cons = Constraints(min_occupancy=0.4)
    result = match(building, pool, constraints=cons, k=4, min_difference=share, time_limit=1.0)
    assert_valid_result(result)  # pairwise difference of every two returned programmes included
    if not result.status.clock_stopped:
        assert len(result) >= 2, result.status.message
    one = match(building, pool, constraints=cons, k=1, time_limit=1.0)
    assert one.best is not None and result.best is not None
    if one.status.optimal and result.status.optimal:
        assert one.best.score == pytest.approx(result.best.score, rel=1e-9)


# -- determinism ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "floors", "exact", "seconds"), [(60, 6, False, 0.1), (14, 3, True, 2.0)])
def test_same_seed_same_answer(n: int, floors: int, exact: bool, seconds: float) -> None:
    # Work is counted in deterministic units; only the wall-clock safety net may change an answer, and
    # the status must say when it did (a short search budget keeps the net far on a busy machine).
    building, pool = generate_building(floors, 1), generate_pool(n, 1)
    cons = Constraints(min_occupancy=0.5)
    runs_ = [match(building, pool, constraints=cons, k=3, seed=7, exact=exact, time_limit=seconds) for _ in range(2)]
    if any(r.status.clock_stopped for r in runs_):
        pytest.skip("the wall-clock safety net cut a solve short: the machine is too busy to compare")
    assert [(p.score, p.placements) for p in runs_[0]] == [(p.score, p.placements) for p in runs_[1]]
    assert runs_[0].status.work == runs_[1].status.work
    assert_valid_result(runs_[0])


def test_a_solve_the_wall_clock_cuts_short_says_so(example: tuple[Building, list[Candidate]]) -> None:
    from objectmatch._engine import exact
    from objectmatch.options import MatchOptions
    from objectmatch.solve import prepare

    prep = prepare(*example, MatchOptions())
    res = exact.solve(prep.problem, prep.problem.active, exact.ExactOptions(k=1, time_limit=0.3, work_limit=100.0))
    assert res.proven or res.clock_stopped, res.status


# -- infeasible requests -----------------------------------------------------------------------------------------


def _kantoor() -> Building:
    return Building(
        id="b", name="Kantoor", asking_rent=150, permitted_functions={"office", "assembly", "retail", "education"},
        floors=[
            Floor(level=0, area=500, free_height=4.5, floor_load=5, depth=15, street_frontage=True, asking_rent=250),
            Floor(level=1, area=500, free_height=3.0, floor_load=3, depth=15),
        ],
        location=Location(lat=52.0, lon=5.0, neighbourhood="Zuid"),
    )


def _kantoor_pool() -> list[Candidate]:
    return [
        Candidate(id="studio", name="Studio", function="office", activity="studio", area_min=300, area_max=500),
        Candidate(id="cafe", name="Cafe", function="assembly", activity="cafe", area_min=80, area_max=150,
                  needs_ground_floor=True, pioneer=True, max_rent=180),
        Candidate(id="shop", name="Shop", function="retail", activity="shop", area_min=100, area_max=250,
                  needs_ground_floor=True),
    ]


@pytest.mark.parametrize(
    ("cons", "named"),
    [
        (Constraints(min_occupancy=1.0), "min_occupancy"),
        (Constraints(min_occupancy=0.2, min_functions=4), "min_functions 4"),
        (Constraints(min_occupancy=0.2, lead="education"), "lead function 'education'"),
        (Constraints(min_occupancy=0.2, must_include={"ghost"}), "must_include 'ghost'"),
        (Constraints(min_occupancy=0.5, min_rent_share=0.95), "min_rent_share"),
        (Constraints(min_occupancy=0.5, max_function_share=0.3), "max_function_share"),
    ],
)
def test_infeasible_requests_name_the_constraint(cons: Constraints, named: str) -> None:
    assert match(_kantoor(), _kantoor_pool(), constraints=Constraints(min_occupancy=0.5), k=1,
                 time_limit=0.5).status.feasible  # each case fails for the one reason it introduces
    result = match(_kantoor(), _kantoor_pool(), constraints=cons, k=2, time_limit=0.5)
    assert result.status.code == "infeasible" and result.programmes == () and result.best is None
    assert any(named in reason for reason in result.status.reasons), result.status.reasons
    assert MatchResult.model_validate_json(result.model_dump_json()) == result



@pytest.mark.parametrize("exact", [True, False])
def test_an_empty_building_is_no_programme(exact: bool) -> None:
    # only leaving the building empty would keep every rule (one function may not take over 30%): that
    # is no programme, so the request is infeasible, on both engines, and check() says why
    cons = Constraints(min_occupancy=0.0, min_functions=0, max_function_share=0.3)
    result = match(_kantoor(), _kantoor_pool()[:1], constraints=cons, k=1, time_limit=0.5, exact=exact)
    assert result.status.code == "infeasible" and result.programmes == ()
    assert check(_kantoor(), _kantoor_pool(), {}, constraints=cons) == ["the programme places no tenant"]

# -- scenarios -------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example_scenarios(example: tuple[Building, list[Candidate]]) -> ScenarioSet:
    return scenarios(*example, time_limit=1)


def test_scenarios_of_the_example_lead_with_different_functions(example_scenarios: ScenarioSet) -> None:
    s = example_scenarios
    leads = [sc.lead for sc in s]
    assert len(leads) >= 3 and len(set(leads)) == len(leads)
    assert "lodging" not in leads  # the assessment vetoes it
    found = 0
    for sc in s:
        if sc.programme is None:
            assert sc.status.code == "infeasible" and sc.status.reasons
            continue
        found += 1
        lead_cons = s.options.constraints.model_copy(update={"lead": sc.lead})
        assert check(s.building, s.candidates, sc.programme.placements, constraints=lead_cons) == []
        assert s.check(sc.programme) == []
        assert s.score(sc.programme).total == sc.programme.score
        fn_areas = sc.programme.function_areas
        assert fn_areas[sc.lead] == max(fn_areas.values())
    assert found >= 1
    assert ScenarioSet.model_validate_json(s.model_dump_json()) == s
    assert list(s.to_frame()["lead"]) == leads


def test_scenarios_of_the_example_are_proven_or_bounded(example_scenarios: ScenarioSet) -> None:
    solved = [sc for sc in example_scenarios if sc.programme is not None]
    assert len({sc.lead for sc in solved}) >= 3
    assert all(sc.status.optimal or sc.status.gap is not None for sc in solved)


def test_scenarios_with_given_leads_on_a_tiny_pool_are_proven() -> None:
    pool = [*_kantoor_pool(), Candidate(id="school", name="School", function="education", activity="school",
                                        area_min=200, area_max=450)]
    s = scenarios(_kantoor(), pool, leads=["office", "education"], constraints=Constraints(min_occupancy=0.5),
                  time_limit=1)
    assert [sc.lead for sc in s] == ["office", "education"]
    for sc in s:
        assert sc.status.optimal and sc.programme is not None, sc.status.message
        areas = sc.programme.function_areas
        assert areas[sc.lead] == max(areas.values())
        assert independent_violations(_kantoor(), pool, sc.programme.placements,
                                      Constraints(min_occupancy=0.5, lead=sc.lead)) == []


# -- inputs --------------------------------------------------------------------------------------------------------


def test_inputs_are_not_changed_and_results_round_trip() -> None:
    building, pool = generate_building(3, 0), generate_pool(12, 0)
    cons = Constraints(min_occupancy=0.5)
    snapshot = (copy.deepcopy(building), copy.deepcopy(pool), copy.deepcopy(cons))
    reversed_pool = pool[::-1]
    result = match(building, reversed_pool, k=3, constraints=cons, time_limit=0.5)
    assert reversed_pool == pool[::-1]
    assert (building, pool, cons) == snapshot
    assert_valid_result(result)


def test_duplicate_ids_are_refused() -> None:
    building, pool = generate_building(2, 0), generate_pool(4, 0)
    with pytest.raises(ValueError, match="duplicate candidate id"):
        match(building, [*pool, pool[0]])


def test_the_independent_checker_agrees_with_check_on_single_placements() -> None:
    # The checker above must be able to fail: every single-floor placement of a generated pool is
    # refused by it exactly when objectmatch.check refuses it (for the rules they share).
    building, pool = generate_building(4, 3), generate_pool(30, 3)
    cons = Constraints(min_occupancy=0, min_functions=0)
    for c in pool:
        for f in building.floors:
            if c.area_min <= f.area:
                placed = {c.id: {f.level: float(c.area_min)}}
                mine = independent_violations(building, pool, placed, cons)
                assert (mine == []) == (check(building, pool, placed, constraints=cons) == []), (c.id, f.level, mine)
    assert min_part(150) == 30


def test_a_clock_cut_exact_solve_never_replaces_a_better_search_answer() -> None:
    """CP-SAT stopped by the clock below the search's hint: the search's best stays first, and CP-SAT's
    answers follow only where they differ from it enough."""
    import numpy as np

    from objectmatch.solve import _keep_better_search

    a = np.array([[10, 0], [0, 10]])
    near_a = np.array([[10, 0], [0, 9]])
    other = np.array([[0, 10], [10, 0]])
    searched = [(a, 5.0)]
    kept = _keep_better_search(searched, [(near_a, 4.0), (other, 3.0)], k=3, share=0.2)
    assert [v for _, v in kept] == [5.0, 3.0]
    assert kept[0][0] is a
    better = [(other, 6.0)]
    assert _keep_better_search(searched, better, k=3, share=0.2) == better
    assert _keep_better_search([], better, k=3, share=0.2) == better
