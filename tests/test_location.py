"""Tests for objectmatch.location: BallTree results equal brute-force haversine; locations are filled, not changed."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from objectmatch import Building, Floor, Location
from objectmatch.assess import potential
from objectmatch.location import (
    AMENITY_IDENTITIES,
    EARTH_RADIUS_M,
    TRANSIT_CATEGORIES,
    amenity_counts,
    estimate_dna,
    haversine,
    locate,
    locate_many,
    nearest_transit,
)
from objectmatch.vocabulary import DEFAULT_IDENTITIES, fixed_identity_reason

CATEGORIES = ["cafe", "park", "bus_stop", "school", "tram_stop"]


def brute_counts(lats: np.ndarray, lons: np.ndarray, pois: pd.DataFrame, radius: float) -> dict[str, np.ndarray]:
    d = haversine(lats[:, None], lons[:, None], pois["lat"].to_numpy()[None, :], pois["lon"].to_numpy()[None, :])
    cats = pois["category"].to_numpy()
    return {c: ((d <= radius) & (cats == c)[None, :]).sum(axis=1) for c in sorted(set(cats))}


def random_pois(rng: np.random.Generator, n: int, lat0: float, lon0: float, spread: float) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "name": [f"p{i}" for i in range(n)],
            "category": rng.choice(CATEGORIES, size=n),
            "lat": lat0 + rng.uniform(-spread, spread, n),
            "lon": lon0 + rng.uniform(-spread, spread, n),
        }
    )


def test_haversine_hand_values() -> None:
    one_degree = EARTH_RADIUS_M * math.pi / 180
    assert float(haversine(0, 0, 1, 0)) == pytest.approx(one_degree)
    assert float(haversine(0, 0, 0, 1)) == pytest.approx(one_degree)
    assert float(haversine(10, 20, 10, 20)) == 0.0
    assert float(haversine(0, 0, 0, 180)) == pytest.approx(math.pi * EARTH_RADIUS_M)


lat_st = st.floats(-85, 85, allow_nan=False)
lon_st = st.floats(-180, 180, allow_nan=False)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.tuples(lat_st, lon_st), min_size=1, max_size=20),
    st.lists(st.tuples(lat_st, lon_st, st.sampled_from(CATEGORIES)), min_size=1, max_size=60),
)
def test_nearest_transit_agrees_with_direct_haversine_within_1m(
    buildings: list[tuple[float, float]], points: list[tuple[float, float, str]]
) -> None:
    lats = np.array([b[0] for b in buildings])
    lons = np.array([b[1] for b in buildings])
    pois = pd.DataFrame(points, columns=["lat", "lon", "category"])
    got = nearest_transit(lats, lons, pois)
    stops = pois[pois["category"].isin(TRANSIT_CATEGORIES)]
    if stops.empty:
        assert np.isinf(got).all()
        return
    d = haversine(lats[:, None], lons[:, None], stops["lat"].to_numpy()[None, :], stops["lon"].to_numpy()[None, :])
    np.testing.assert_allclose(got, d.min(axis=1), atol=1.0, rtol=0)


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 2**32 - 1), st.floats(-60, 60), st.floats(-170, 170), st.floats(50, 2000))
def test_amenity_counts_equal_brute_force(seed: int, lat0: float, lon0: float, radius: float) -> None:
    rng = np.random.default_rng(seed)
    pois = random_pois(rng, 80, lat0, lon0, 0.02)
    lats = lat0 + rng.uniform(-0.02, 0.02, 15)
    lons = lon0 + rng.uniform(-0.02, 0.02, 15)
    d = haversine(lats[:, None], lons[:, None], pois["lat"].to_numpy()[None, :], pois["lon"].to_numpy()[None, :])
    assume(np.abs(d - radius).min() > 1e-3)  # no point on the circle itself, where rounding may decide
    got = amenity_counts(lats, lons, pois, radius=radius, chunk=4)  # small chunks exercise the blocking
    want = brute_counts(lats, lons, pois, radius)
    assert list(got.columns) == sorted(want)
    for c, counts in want.items():
        np.testing.assert_array_equal(got[c].to_numpy(), counts)


def test_amenity_counts_hand_example_and_requested_columns() -> None:
    pois = pd.DataFrame(
        {"category": ["Cafe", "cafe", "park", "bus stop"], "lat": [0.0, 0.004, 0.0, 0.01],
         "lon": [0.0, 0.0, 0.003, 0.0]}
    )
    # 0.004 deg of latitude = 444.8 m; 0.003 deg of longitude at the equator = 333.6 m; 0.01 deg = 1112 m.
    got = amenity_counts([0.0], [0.0], pois, radius=500, categories=["cafe", "library", "bus_stop"])
    assert got.to_dict("records") == [{"cafe": 2, "library": 0, "bus_stop": 0}]
    got = amenity_counts([0.0], [0.0], pois, radius=400)
    assert got.to_dict("records") == [{"bus_stop": 0, "cafe": 1, "park": 1}]


def test_bad_input_is_named() -> None:
    pois = pd.DataFrame({"category": ["cafe"], "lat": [52.0], "lon": [5.0]})
    with pytest.raises(ValueError, match="missing column"):
        amenity_counts([52.0], [5.0], pois.drop(columns="lon"))
    with pytest.raises(ValueError, match=r"lat\[1\] = 95.0"):
        amenity_counts([52.0, 95.0], [5.0, 5.0], pois)
    with pytest.raises(ValueError, match="equal length"):
        nearest_transit([52.0, 53.0], [5.0], pois)
    with pytest.raises(ValueError, match="pois: lon"):
        amenity_counts([52.0], [5.0], pois.assign(lon=[200.0]))
    with pytest.raises(ValueError, match="radius"):
        amenity_counts([52.0], [5.0], pois, radius=-1)
    with pytest.raises(TypeError, match="DataFrame"):
        amenity_counts([52.0], [5.0], [("cafe", 52.0, 5.0)])  # type: ignore[arg-type]


def test_empty_inputs() -> None:
    pois = pd.DataFrame({"category": ["cafe"], "lat": [52.0], "lon": [5.0]})
    assert amenity_counts([], [], pois).shape == (0, 1)
    assert np.isinf(nearest_transit([52.0], [5.0], pois)).all()
    assert nearest_transit([], [], pois.assign(category="bus_stop")).shape == (0,)
    none = pd.DataFrame({"category": [], "lat": [], "lon": []})
    assert amenity_counts([52.0], [5.0], none).shape == (1, 0)


def _building(loc: Location) -> Building:
    return Building(
        id="b", name="B", asking_rent=100, permitted_functions={"residential"}, location=loc,
        floors=[Floor(level=0, area=400, free_height=3.0, floor_load=3.0, depth=12)],
    )


def test_locate_fills_a_new_location_and_leaves_input_alone() -> None:
    rng = np.random.default_rng(1)
    pois = random_pois(rng, 300, 52.36, 4.92, 0.01)
    loc = Location(lat=52.36, lon=4.92, neighbourhood="Oost", dna={"culture": 0.9}, noise_db=55)
    b = _building(loc)
    before = b.model_dump()
    new = locate(b, pois)
    assert b.model_dump() == before and b.location.amenities == {}
    assert new is not b.location and new.neighbourhood == "Oost" and new.noise_db == 55
    assert new.dna == {"culture": 0.9}  # a given profile is kept
    want = brute_counts(np.array([52.36]), np.array([4.92]), pois, 500)
    assert new.amenities == {c: int(v[0]) for c, v in want.items()}
    assert new.transit_distance is not None and new.transit_distance >= 0
    # The filled location feeds the assessment: amenity criteria become known.
    a = potential(b.model_copy(update={"location": new}), "residential")
    assert next(c for c in a.criteria if c.name == "schools").known


def test_locate_estimates_dna_when_missing_and_handles_no_transit() -> None:
    pois = pd.DataFrame({"category": ["park", "park", "cafe"], "lat": [0.0, 0.001, 0.002], "lon": [0.0, 0.0, 0.0]})
    loc = locate(Location(lat=0.0, lon=0.0, neighbourhood="N"), pois)
    assert loc.transit_distance is None
    assert loc.dna["green"] == 1.0 and 0 < loc.dna["food"] < 1
    assert locate(Location(lat=0.0, lon=0.0, neighbourhood="N"), pois, fill_dna=False).dna == {}
    far = locate(Location(lat=10.0, lon=10.0, neighbourhood="F"), pois)
    assert far.amenities == {"cafe": 0, "park": 0} and far.dna == {}


def test_locate_many_matches_locate_in_order() -> None:
    rng = np.random.default_rng(7)
    pois = random_pois(rng, 500, 52.0, 5.0, 0.03)
    locs = [Location(lat=52.0 + dx, lon=5.0 - dx, neighbourhood=f"n{i}") for i, dx in enumerate([0.0, 0.01, -0.02])]
    many = locate_many(locs, pois)
    assert [m.neighbourhood for m in many] == ["n0", "n1", "n2"]
    assert many == [locate(loc, pois) for loc in locs]
    with pytest.raises(TypeError, match=r"target\[1\]"):
        locate_many([locs[0], "x"], pois)  # type: ignore[list-item]


def test_amenity_identities_are_flexible_vocabulary_identities() -> None:
    for category, weights in AMENITY_IDENTITIES.items():
        assert fixed_identity_reason(category) is None
        for identity, w in weights.items():
            assert identity in DEFAULT_IDENTITIES, (category, identity)
            assert 0 < w <= 1
    assert "place_of_worship" not in AMENITY_IDENTITIES


@settings(max_examples=50, deadline=None)
@given(st.dictionaries(st.sampled_from([*sorted(AMENITY_IDENTITIES), "bus_stop"]), st.integers(0, 50), max_size=12))
def test_estimate_dna_is_a_valid_profile(amenities: dict[str, int]) -> None:
    dna = estimate_dna(amenities)
    if not dna:
        assert all(v == 0 or k == "bus_stop" for k, v in amenities.items())
        return
    assert max(dna.values()) == 1.0 and all(0 < v <= 1 for v in dna.values())
    Location(lat=0, lon=0, neighbourhood="x", dna=dna)  # validates against the vocabulary
    doubled = estimate_dna({k: 2 * v for k, v in amenities.items()})
    assert doubled == dna  # a relative profile: scale-free


def test_estimate_dna_hand_example_and_bad_counts() -> None:
    assert estimate_dna({"park": 2, "cafe": 1}) == {
        "green": 1.0, "food": 0.4, "wellbeing": 0.4, "play": 0.3, "hospitality": 0.25, "community": 0.15,
    }
    with pytest.raises(ValueError, match=r"'amenities' parameter of estimate_dna .* got \{'park': -1\}"):
        estimate_dna({"park": -1})
