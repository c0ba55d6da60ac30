"""objectmatch.encode: the arrays agree with the models, whatever the order, and cannot be changed."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from objectmatch import Building, Candidate, Floor, Location
from objectmatch.constraints import floor_violations
from objectmatch.encode import NOISE_LEVELS, Encoded, PoolArrays, encode, encode_pool
from objectmatch.scoring import _network_projection
from objectmatch.strategies import buildings, candidate_pools
from objectmatch.vocabulary import PUBLIC_FUNCTIONS

PROPS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _arrays(obj: Any) -> dict[str, np.ndarray]:
    fields = {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}
    return {name: value for name, value in fields.items() if isinstance(value, np.ndarray)}


@PROPS
@given(buildings(max_floors=5), candidate_pools(max_size=8))
def test_mask_is_true_exactly_where_floor_violations_is_empty(building: Building, pool: list[Candidate]) -> None:
    enc = encode(building, pool)
    assert enc.mask.shape == (len(pool), len(building.floors))
    assert enc.mask.dtype == np.bool_
    for i, cand in enumerate(pool):
        for f, floor in enumerate(building.floors):
            reasons = floor_violations(building, floor, cand)
            assert bool(enc.mask[i, f]) == (reasons == []), (cand.id, floor.level, reasons)


@PROPS
@given(buildings(max_floors=5), candidate_pools(min_size=1, max_size=8), st.data())
def test_excluded_functions_empty_their_rows(building: Building, pool: list[Candidate], data: st.DataObject) -> None:
    fn = data.draw(st.sampled_from(sorted({c.function for c in pool})))
    enc = encode(building, pool, excluded_functions={fn: "no daylight"})
    plain = encode(building, pool)
    for i, cand in enumerate(pool):
        if cand.function == fn:
            assert not enc.mask[i].any()
            assert enc.excluded_reason[i] == "no daylight"
        else:
            np.testing.assert_array_equal(enc.mask[i], plain.mask[i])
            assert enc.excluded_reason[i] is None


@PROPS
@given(buildings(max_floors=5), candidate_pools(min_size=1, max_size=8), st.randoms(use_true_random=False))
def test_columns_do_not_depend_on_the_order_of_the_candidates(
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
        if name == "incompatible_pairs":
            continue
        np.testing.assert_array_equal(getattr(b.pool, name), arr[perm], err_msg=name)
    np.testing.assert_array_equal(b.mask, a.mask[perm])
    np.testing.assert_array_equal(b.potential, a.potential[perm])
    pairs_a = {frozenset((a.pool.ids[i], a.pool.ids[j])) for i, j in a.pool.incompatible_pairs}
    pairs_b = {frozenset((b.pool.ids[i], b.pool.ids[j])) for i, j in b.pool.incompatible_pairs}
    assert pairs_a == pairs_b


@PROPS
@given(buildings(max_floors=5), candidate_pools(max_size=8))
def test_every_array_is_read_only(building: Building, pool: list[Candidate]) -> None:
    enc = encode(building, pool)
    arrays = {**_arrays(enc), **{f"pool.{k}": v for k, v in _arrays(enc.pool).items()}}
    assert {"mask", "floor_area", "dna", "pool.identity", "pool.schedule", "pool.incompatible_pairs"} <= set(arrays)
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
        assert {k: v for k, v in ident.items() if k in c.identities} == c.identities
        assert all(v == 0 for k, v in ident.items() if k not in c.identities)
        vals = dict(zip(arrays.value_columns, arrays.values[i].tolist(), strict=True))
        assert {k: v for k, v in vals.items() if k in c.values} == c.values
        assert {t for t, v in zip(arrays.need_columns, arrays.needs[i], strict=True) if v} == c.needs
        assert {t for t, v in zip(arrays.need_columns, arrays.offers[i], strict=True) if v} == c.offers
        assert arrays.schedule[i].tolist() == [v for row in c.schedule for v in row]
        assert arrays.function_columns[arrays.function[i]] == c.function
        assert arrays.noise_type[i] == NOISE_LEVELS * c.noise + c.noise_tolerance
        assert arrays.max_rent[i] == (np.inf if c.max_rent is None else c.max_rent)
        assert (arrays.area_min[i], arrays.area_max[i], arrays.max_floors[i]) == (c.area_min, c.area_max, c.max_floors)
        assert arrays.public[i] == (c.function in PUBLIC_FUNCTIONS) == c.is_public
        assert (arrays.pioneer[i], arrays.needs_ground_floor[i]) == (c.pioneer, c.needs_ground_floor)
    expected = {
        frozenset((c.id, o)) for c in pool for o in c.incompatible if o in index
    }
    got = {frozenset((arrays.ids[i], arrays.ids[j])) for i, j in arrays.incompatible_pairs}
    assert got == expected
    assert all(i < j for i, j in arrays.incompatible_pairs)


@PROPS
@given(buildings(max_floors=5), candidate_pools(max_size=6))
def test_building_arrays_follow_the_floors(building: Building, pool: list[Candidate]) -> None:
    enc = encode(building, pool)
    assert enc.levels.tolist() == list(building.levels)
    assert enc.floor_area.tolist() == [f.area for f in building.floors]
    assert enc.rent.tolist() == [building.rent(f.level) for f in building.floors]
    assert enc.street.tolist() == [f.street_frontage for f in building.floors]
    assert enc.lettable_area == pytest.approx(building.lettable_area, rel=1e-12)
    assert enc.ground.tolist() == [f.level == 0 for f in building.floors]
    dna = dict(zip(enc.pool.identity_columns, enc.dna.tolist(), strict=True))
    assert {k: v for k, v in dna.items() if v} == {k: v for k, v in building.location.dna.items() if v}
    assert (enc.potential == 1.0).all()


def test_potentials_default_to_one_and_follow_the_function() -> None:
    building = Building(
        id="b", name="B", asking_rent=150, permitted_functions={"office", "retail"},
        floors=[Floor(level=0, area=100, free_height=3, floor_load=3, depth=10)],
        location=Location(lat=52, lon=5, neighbourhood="Oost"),
    )
    pool = [
        Candidate(id="a", name="A", function="office", activity="studio", area_min=10, area_max=20),
        Candidate(id="b", name="B", function="retail", activity="shop", area_min=10, area_max=20),
    ]
    assert encode(building, pool, potentials={"retail": 0.25}).potential.tolist() == [1.0, 0.25]


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
    assert arrays.n == 0 and arrays.schedule.shape == (0, 168) and arrays.incompatible_pairs.shape == (0, 2)
    assert isinstance(arrays, PoolArrays)


class _Net:
    def __init__(self, s: np.ndarray) -> None:
        self.s = s

    def matrix(self, identities: Any) -> np.ndarray:
        return self.s


def test_network_projection_symmetrises_and_clips_the_network() -> None:
    # The identity network enters scoring as Q = (1 - strength) I + strength S, S symmetrised, clipped to
    # [0, 1] and with a unit diagonal, whatever matrix the network hands over.
    s = np.array([[0.7, 0.4, 2.0], [0.0, 1.0, -1.0], [1.0, 0.5, 1.0]])
    q = _network_projection(["a", "b", "c"], _Net(s), 0.5)
    expected = np.eye(3) + 0.5 * np.array([[0, 0.2, 1.0], [0.2, 0, 0], [1.0, 0, 0]])
    np.testing.assert_allclose(q, expected)
    np.testing.assert_array_equal(_network_projection(["a", "b", "c"], None, 0.5), np.eye(3))
    with pytest.raises(ValueError, match=r"shape \(3, 3\), expected \(2, 2\)"):
        _network_projection(["a", "b"], _Net(s), 0.5)


def test_encoded_is_a_frozen_dataclass() -> None:
    enc = encode(
        Building(
            id="b", name="B", asking_rent=150, permitted_functions={"office"},
            floors=[Floor(level=0, area=100, free_height=3, floor_load=3, depth=10)],
            location=Location(lat=52, lon=5, neighbourhood="Oost"),
        ),
        [],
    )
    assert isinstance(enc, Encoded) and enc.n == 0 and enc.m == 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        enc.mask = np.zeros((0, 1), dtype=bool)  # type: ignore[misc]
