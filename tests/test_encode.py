"""objectmatch._engine.encode: the arrays agree with the models and with the independent rules of
objectmatch.constraints, whatever the order of the candidates, and cannot be changed."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from objectmatch import Building, Candidate, Constraints, Floor, Location
from objectmatch._engine.encode import (
    HOURS_PER_WEEK,
    Encoded,
    MaskRules,
    PoolArrays,
    activity_tags,
    encode,
    encode_pool,
    network_projection,
)
from objectmatch.constraints import floor_violations
from objectmatch.culture import Participation
from objectmatch.strategies import buildings, candidate_pools
from objectmatch.vocabulary import PUBLIC_FUNCTIONS, active_vocabulary, is_meeting_place

PROPS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _arrays(obj: Any) -> dict[str, np.ndarray]:
    fields = {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}
    return {name: value for name, value in fields.items() if isinstance(value, np.ndarray)}


def _rules(cons: Constraints, vetoes: dict[str, str] | None = None) -> MaskRules:
    return MaskRules(max_discount=cons.max_discount, function_levels=cons.function_levels, vetoes=vetoes or {})


constraints_st = st.builds(
    Constraints,
    max_discount=st.sampled_from([0.0, 0.1, 0.3, 0.6]),
    function_levels=st.sampled_from([{}, {"residential": (1, None)}, {"assembly": (0, 0), "office": (1, 3)},
                                     {"retail": (None, 0), "education": (-1, 2)}]),
    min_occupancy=st.just(0.0),
)


@PROPS
@given(buildings(max_floors=5), candidate_pools(max_size=8), constraints_st)
def test_mask_is_true_exactly_where_floor_violations_is_empty(
    building: Building, pool: list[Candidate], cons: Constraints
) -> None:
    enc = encode(building, pool, rules=_rules(cons))
    assert enc.mask.shape == (len(pool), len(building.floors)) and enc.mask.dtype == np.bool_
    for i, cand in enumerate(pool):
        for f, floor in enumerate(building.floors):
            reasons = floor_violations(building, floor, cand, cons)
            assert bool(enc.mask[i, f]) == (reasons == []), (cand.id, floor.level, reasons)


@PROPS
@given(buildings(max_floors=5), candidate_pools(min_size=1, max_size=8), st.data())
def test_vetoed_functions_empty_their_rows(building: Building, pool: list[Candidate], data: st.DataObject) -> None:
    fn = data.draw(st.sampled_from(sorted({c.function for c in pool})))
    enc = encode(building, pool, rules=MaskRules(vetoes={fn: "no daylight"}))
    plain = encode(building, pool)
    for i, cand in enumerate(pool):
        if cand.function == fn:
            assert not enc.mask[i].any() and enc.vetoed[i] == "no daylight"
        else:
            np.testing.assert_array_equal(enc.mask[i], plain.mask[i])
            assert enc.vetoed[i] is None


@PROPS
@given(buildings(max_floors=5), candidate_pools(min_size=1, max_size=8), st.randoms(use_true_random=False))
def test_encoding_does_not_depend_on_the_order_of_the_candidates(
    building: Building, pool: list[Candidate], rnd: Any
) -> None:
    perm = list(range(len(pool)))
    rnd.shuffle(perm)
    shuffled = [pool[k] for k in perm]
    a, b = encode(building, pool), encode(building, shuffled)
    for name in ("identity_columns", "value_columns", "need_columns", "function_columns"):
        assert getattr(a.pool, name) == getattr(b.pool, name), name
        assert list(getattr(a.pool, name)) == sorted(getattr(a.pool, name)), name
    assert b.pool.ids == tuple(a.pool.ids[k] for k in perm)
    for name, arr in _arrays(a.pool).items():
        if name != "incompatible_pairs":
            np.testing.assert_array_equal(getattr(b.pool, name), arr[perm], err_msg=name)
    for name in ("mask", "potential", "wish", "objection"):
        np.testing.assert_array_equal(getattr(b, name), getattr(a, name)[perm], err_msg=name)
    for name in ("levels", "floor_area", "asking", "street", "elevator", "dna", "projection"):
        np.testing.assert_array_equal(getattr(b, name), getattr(a, name), err_msg=name)
    pairs_a = {frozenset((a.pool.ids[i], a.pool.ids[j])) for i, j in a.pool.incompatible_pairs}
    pairs_b = {frozenset((b.pool.ids[i], b.pool.ids[j])) for i, j in b.pool.incompatible_pairs}
    assert pairs_a == pairs_b


@PROPS
@given(buildings(max_floors=4), candidate_pools(min_size=2, max_size=6))
def test_identity_columns_do_not_depend_on_which_other_candidates_are_encoded(
    building: Building, pool: list[Candidate]
) -> None:
    # The vocabulary's identities, the DNA's and every tag in use: a tenant's row of identities is the
    # same whether it is encoded alone or with the whole pool (so a programme's score is too).
    whole = encode(building, pool)
    alone = encode(building, pool[:1])
    assert set(active_vocabulary().identities) <= set(whole.pool.identity_columns)
    assert set(building.location.dna) <= set(whole.pool.identity_columns)
    got = dict(zip(alone.pool.identity_columns, alone.pool.identity[0], strict=True))
    full = dict(zip(whole.pool.identity_columns, whole.pool.identity[0], strict=True))
    assert {k: v for k, v in full.items() if v} == {k: v for k, v in got.items() if v}


@PROPS
@given(buildings(max_floors=5), candidate_pools(max_size=8))
def test_every_array_is_read_only(building: Building, pool: list[Candidate]) -> None:
    enc = encode(building, pool)
    arrays = {**_arrays(enc), **{f"pool.{k}": v for k, v in _arrays(enc.pool).items()}}
    assert {"mask", "floor_area", "asking", "dna", "projection", "wish", "pool.identity", "pool.schedule",
            "pool.incompatible_pairs", "pool.meeting"} <= set(arrays)
    for name, arr in arrays.items():
        assert not arr.flags.writeable, name
        if arr.size:
            with pytest.raises(ValueError, match="read-only"):
                arr.flat[0] = arr.flat[0]


@PROPS
@given(candidate_pools(max_size=8))
def test_pool_arrays_hold_the_models_values(pool: list[Candidate]) -> None:
    arrays = encode_pool(pool)
    assert arrays.n == len(pool)
    index = arrays.index()
    for c in pool:
        i = index[c.id]
        ident = dict(zip(arrays.identity_columns, arrays.identity[i].tolist(), strict=True))
        assert {k: v for k, v in ident.items() if v} == {k: v for k, v in c.identities.items() if v}
        vals = dict(zip(arrays.value_columns, arrays.values[i].tolist(), strict=True))
        assert {k: v for k, v in vals.items() if v} == {k: v for k, v in c.values.items() if v}
        assert {t for t, v in zip(arrays.need_columns, arrays.needs[i], strict=True) if v} == c.needs
        assert {t for t, v in zip(arrays.need_columns, arrays.offers[i], strict=True) if v} == c.offers
        assert arrays.schedule[i].tolist() == [v for row in c.schedule for v in row]
        assert arrays.function_columns[arrays.function[i]] == c.function
        assert arrays.noise_type[i] == 4 * c.noise + c.noise_tolerance
        assert arrays.max_rent[i] == (np.inf if c.max_rent is None else c.max_rent)
        assert (arrays.area_min[i], arrays.area_max[i], arrays.max_floors[i]) == (c.area_min, c.area_max, c.max_floors)
        assert arrays.area_min.dtype == np.int64  # whole m²
        assert arrays.public[i] == (c.function in PUBLIC_FUNCTIONS)
        assert arrays.meeting[i] == is_meeting_place(c.activity)
        assert arrays.visitors[i] == c.visitors_per_day
        assert (arrays.pioneer[i], arrays.needs_ground_floor[i]) == (c.pioneer, c.needs_ground_floor)
        assert arrays.activity[i] == activity_tags(c.activity)
    expected = {frozenset((c.id, o)) for c in pool for o in c.incompatible if o in index}
    got = {frozenset((arrays.ids[i], arrays.ids[j])) for i, j in arrays.incompatible_pairs}
    assert got == expected
    assert all(i < j for i, j in arrays.incompatible_pairs)


@PROPS
@given(buildings(max_floors=5), candidate_pools(max_size=6))
def test_building_arrays_follow_the_floors(building: Building, pool: list[Candidate]) -> None:
    enc = encode(building, pool)
    assert enc.levels.tolist() == list(building.levels)
    assert enc.floor_area.tolist() == [f.area for f in building.floors]
    assert enc.asking.tolist() == [building.rent(f.level) for f in building.floors]
    assert enc.street.tolist() == [f.street_frontage for f in building.floors]
    assert enc.elevator.tolist() == [f.elevator for f in building.floors]
    assert enc.free_height.tolist() == [f.free_height for f in building.floors]
    assert enc.lettable_area == building.lettable_area
    assert enc.full_rent_roll == pytest.approx(sum(f.area * building.rent(f.level) for f in building.floors))
    dna = dict(zip(enc.pool.identity_columns, enc.dna.tolist(), strict=True))
    assert {k: v for k, v in dna.items() if v} == {k: v for k, v in building.location.dna.items() if v}
    assert (enc.potential == 1.0).all() and (enc.wish == 0).all() and (enc.objection == 0).all()
    np.testing.assert_array_equal(enc.projection, np.eye(len(enc.pool.identity_columns)))


def _one_floor() -> Building:
    return Building(
        id="b", name="B", asking_rent=150, permitted_functions={"office", "retail"},
        floors=[Floor(level=0, area=100, free_height=3, floor_load=3, depth=10)],
        location=Location(lat=52, lon=5, neighbourhood="Oost"),
    )


def test_potentials_default_to_one_and_follow_the_function() -> None:
    pool = [
        Candidate(id="a", name="A", function="office", activity="studio", area_min=10, area_max=20),
        Candidate(id="b", name="B", function="retail", activity="shop", area_min=10, area_max=20),
    ]
    assert encode(_one_floor(), pool, potentials={"retail": 0.25}).potential.tolist() == [1.0, 0.25]


def test_wishes_and_objections_are_the_strongest_a_candidate_meets() -> None:
    rows: list[dict[str, Any]] = [{"respondent": f"r{i}", "role": "resident", "wishes": {"food": 1.0, "shop": 0.5},
                                   "objections": {"logistics": 1.0}} for i in range(5)]
    strengths = Participation(responses=rows).strengths()
    pool = [
        Candidate(id="a", name="A", function="office", activity="studio", identities={"food": 0.4},
                  area_min=10, area_max=20),
        Candidate(id="b", name="B", function="retail", activity="shop", needs={"logistics"}, area_min=10, area_max=20),
    ]
    enc = encode(_one_floor(), pool, strengths=strengths)
    food, shop, logistics = strengths.wish["food"], strengths.wish["shop"], strengths.objection["logistics"]
    assert enc.wish.tolist() == pytest.approx([0.4 * food, max(shop, 0.0)])
    assert enc.objection.tolist() == pytest.approx([0.0, logistics])  # the shop draws logistics


def test_identity_columns_must_cover_the_pool() -> None:
    c = Candidate(id="a", name="A", function="office", activity="studio", identities={"tech": 1},
                  area_min=1, area_max=2)
    with pytest.raises(ValueError, match=r"identity_columns lacks tags used by the pool: \['tech'\]"):
        encode_pool([c], identity_columns=["art"])
    assert encode_pool([c], identity_columns=["art", "tech"]).identity.tolist() == [[0.0, 1.0]]


def test_duplicate_ids_are_refused() -> None:
    c = Candidate(id="a", name="A", function="office", activity="studio", area_min=1, area_max=2)
    with pytest.raises(ValueError, match="duplicate candidate id 'a'"):
        encode_pool([c, c])


def test_empty_pool_encodes_to_empty_arrays() -> None:
    arrays = encode_pool([])
    assert arrays.n == 0 and arrays.schedule.shape == (0, HOURS_PER_WEEK) and arrays.incompatible_pairs.shape == (0, 2)
    assert isinstance(arrays, PoolArrays)
    enc = encode(_one_floor(), [])
    assert isinstance(enc, Encoded) and enc.n == 0 and enc.m == 1 and enc.mask.shape == (0, 1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        enc.mask = np.zeros((0, 1), dtype=bool)  # type: ignore[misc]


class _Net:
    def __init__(self, s: np.ndarray) -> None:
        self.s = s

    def matrix(self, identities: Any) -> np.ndarray:
        return self.s


def test_network_projection_symmetrises_and_clips_the_network() -> None:
    # Q = (1 - strength) I + strength S, S symmetrised, clipped to [0, 1] and with a unit diagonal,
    # whatever matrix the network hands over.
    s = np.array([[0.7, 0.4, 2.0], [0.0, 1.0, -1.0], [1.0, 0.5, 1.0]])
    q = network_projection(["a", "b", "c"], _Net(s), 0.5)
    expected = np.eye(3) + 0.5 * np.array([[0, 0.2, 1.0], [0.2, 0, 0], [1.0, 0, 0]])
    np.testing.assert_allclose(q, expected)
    np.testing.assert_array_equal(network_projection(["a", "b", "c"], None, 0.5), np.eye(3))
    np.testing.assert_array_equal(network_projection(["a", "b", "c"], _Net(s), 0.0), np.eye(3))
    with pytest.raises(ValueError, match=r"shape \(3, 3\), expected \(2, 2\)"):
        network_projection(["a", "b"], _Net(s), 0.5)


def test_activity_tags() -> None:
    assert activity_tags("Café & bakery") == ("cafe_bakery", "cafe", "bakery")
    assert activity_tags("gym") == ("gym",)
    assert activity_tags("!!") == ()
