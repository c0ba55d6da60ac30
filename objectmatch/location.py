"""Location from points of interest: amenities within walking distance, nearest transit, estimated DNA.

Points of interest (POIs) come as a table with columns ``category``, ``lat`` and
``lon`` (degrees; a ``name`` column is welcome and ignored). For many buildings
at once, :func:`amenity_counts` counts the POIs of every category within a
radius, and :func:`nearest_transit` finds the distance to the nearest transit
stop, with scikit-learn's ``BallTree`` on the haversine metric: one tree, one
vectorised query per block of buildings, counts by ``bincount``.

Distances are great-circle distances on a sphere of radius 6,371,008.8 m (the
mean earth radius), i.e. "as the crow flies". Walking routes are longer
(a detour factor of about 1.2-1.4 in a city grid); shrink ``radius`` if you
want a walking-time budget.

:func:`locate` and :func:`locate_many` return new :class:`~objectmatch.models.Location`
objects with ``amenities`` and ``transit_distance`` filled (inputs are never
changed); when a location has no DNA profile, one is estimated from its
amenities with :func:`estimate_dna` and :data:`AMENITY_IDENTITIES`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Annotated, Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from objectmatch._params import Real, param, validate
from objectmatch.models import MAX_TRANSIT_DISTANCE, Building, Location
from objectmatch.vocabulary import active_vocabulary, normalise_tag

__all__ = [
    "AMENITY_IDENTITIES",
    "EARTH_RADIUS_M",
    "TRANSIT_CATEGORIES",
    "DnaOptions",
    "amenity_counts",
    "estimate_dna",
    "haversine",
    "locate",
    "locate_many",
    "nearest_transit",
]

FloatArray = npt.NDArray[np.float64]

#: Mean earth radius (IUGG), m.
EARTH_RADIUS_M = 6_371_008.8

#: POI categories that count as a transit stop for :func:`nearest_transit`.
TRANSIT_CATEGORIES: frozenset[str] = frozenset(
    {
        "transit",
        "bus_stop",
        "bus_station",
        "tram_stop",
        "train_station",
        "station",
        "halt",
        "metro",
        "metro_station",
        "subway",
        "subway_entrance",
        "light_rail",
        "ferry_terminal",
    }
)

#: Amenity category -> flexible identities it expresses, with weights in [0, 1].
#:
#: Used by :func:`estimate_dna` to sketch a neighbourhood's DNA from what is there
#: when no culture profile has been made. Categories follow OpenStreetMap's
#: ``amenity``/``leisure``/``shop``/``tourism`` values. Deliberately absent:
#: places of worship and other venues that stand for who people *are* (a fixed
#: identity) rather than what they do; objectmatch does not infer identities from them.
AMENITY_IDENTITIES: Mapping[str, Mapping[str, float]] = {
    # green and play
    "park": {"green": 1.0, "wellbeing": 0.4, "play": 0.3},
    "garden": {"green": 1.0, "wellbeing": 0.3},
    "allotments": {"green": 1.0, "community": 0.5, "sustainability": 0.4},
    "nature_reserve": {"green": 1.0, "sustainability": 0.6},
    "square": {"community": 0.6, "culture": 0.2},
    "playground": {"play": 1.0, "community": 0.3},
    # sport and health
    "sports_field": {"sport": 1.0, "community": 0.2},
    "pitch": {"sport": 1.0},
    "sports_centre": {"sport": 1.0, "health": 0.3},
    "fitness_centre": {"sport": 0.8, "health": 0.5, "wellbeing": 0.3},
    "swimming_pool": {"sport": 0.8, "health": 0.4, "play": 0.3},
    "dance": {"sport": 0.5, "music": 0.5, "culture": 0.3},
    "doctors": {"care": 1.0, "health": 0.8},
    "clinic": {"care": 1.0, "health": 0.8},
    "hospital": {"care": 1.0, "health": 1.0},
    "pharmacy": {"health": 0.7, "care": 0.5},
    "dentist": {"health": 0.7, "care": 0.5},
    "social_facility": {"care": 1.0, "community": 0.5},
    # knowledge and learning
    "library": {"knowledge": 1.0, "learning": 0.6, "community": 0.3},
    "university": {"knowledge": 1.0, "learning": 0.8, "tech": 0.3},
    "college": {"learning": 1.0, "knowledge": 0.6},
    "school": {"learning": 1.0, "play": 0.2},
    "kindergarten": {"learning": 0.6, "care": 0.6, "play": 0.6},
    "childcare": {"care": 0.8, "play": 0.6, "learning": 0.4},
    "research_institute": {"knowledge": 1.0, "tech": 0.5},
    # culture
    "theatre": {"culture": 1.0, "art": 0.5, "music": 0.3},
    "cinema": {"culture": 0.7, "media": 0.6},
    "museum": {"culture": 1.0, "heritage": 0.8, "art": 0.5},
    "arts_centre": {"art": 1.0, "culture": 0.8},
    "gallery": {"art": 1.0, "culture": 0.5},
    "music_venue": {"music": 1.0, "nightlife": 0.5, "culture": 0.4},
    "studio": {"art": 0.7, "media": 0.6, "design": 0.4},
    "monument": {"heritage": 1.0},
    "memorial": {"heritage": 0.8},
    "historic": {"heritage": 1.0},
    "attraction": {"culture": 0.4, "heritage": 0.4, "hospitality": 0.3},
    "community_centre": {"community": 1.0, "culture": 0.3},
    # food and going out
    "restaurant": {"food": 1.0, "hospitality": 0.5},
    "cafe": {"food": 0.8, "hospitality": 0.5, "community": 0.3},
    "fast_food": {"food": 0.6},
    "bar": {"nightlife": 1.0, "hospitality": 0.4, "food": 0.2},
    "pub": {"nightlife": 0.8, "community": 0.4, "food": 0.3},
    "nightclub": {"nightlife": 1.0, "music": 0.6},
    "marketplace": {"food": 0.7, "entrepreneurship": 0.5, "community": 0.4},
    "supermarket": {"food": 0.3},
    "convenience": {"food": 0.2},
    "bakery": {"food": 0.6, "craft": 0.3},
    "greengrocer": {"food": 0.6, "sustainability": 0.2},
    "butcher": {"food": 0.5, "craft": 0.3},
    "hotel": {"hospitality": 1.0},
    "hostel": {"hospitality": 0.8, "community": 0.2},
    # making and working
    "makerspace": {"making": 1.0, "tech": 0.6, "craft": 0.5},
    "hackerspace": {"tech": 1.0, "making": 0.8},
    "workshop": {"making": 0.8, "craft": 0.8},
    "craft": {"craft": 1.0, "making": 0.6},
    "coworking": {"entrepreneurship": 1.0, "tech": 0.3},
    "shop": {"entrepreneurship": 0.3},
    "clothes": {"design": 0.3},
    # sustainability
    "recycling": {"sustainability": 1.0},
    "charging_station": {"sustainability": 0.5, "tech": 0.2},
    "bicycle_rental": {"sustainability": 0.6, "sport": 0.2},
    "repair_cafe": {"sustainability": 1.0, "craft": 0.6, "community": 0.6},
}


def _ball_tree(coords: FloatArray) -> Any:
    """A haversine BallTree over (lat, lon) in radians."""
    # Imported here so that ``import objectmatch`` does not pay for scikit-learn (about a second).
    from sklearn.neighbors import BallTree

    return BallTree(coords, metric="haversine")


def haversine(
    lat1: npt.ArrayLike, lon1: npt.ArrayLike, lat2: npt.ArrayLike, lon2: npt.ArrayLike
) -> FloatArray:
    """Great-circle distance in metres between points given in degrees (numpy broadcasting).

    Examples
    --------
    >>> round(float(haversine(52.3731, 4.8922, 52.0907, 5.1214)))  # Amsterdam to Utrecht, about 35 km
    35067
    >>> haversine([0, 0], [0, 0], 0, [0, 1]).round(1).tolist()
    [0.0, 111195.1]
    """
    p1, l1, p2, l2 = (np.radians(np.asarray(x, dtype=float)) for x in (lat1, lon1, lat2, lon2))
    a = np.sin((p2 - p1) / 2.0) ** 2 + np.cos(p1) * np.cos(p2) * np.sin((l2 - l1) / 2.0) ** 2
    out: FloatArray = 2.0 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    return out


def _coordinates(lats: npt.ArrayLike, lons: npt.ArrayLike, what: str) -> FloatArray:
    lat = np.atleast_1d(np.asarray(lats, dtype=float))
    lon = np.atleast_1d(np.asarray(lons, dtype=float))
    if lat.ndim != 1 or lon.ndim != 1 or lat.shape != lon.shape:
        raise ValueError(f"{what}: lats and lons must be 1-d and of equal length, got shapes {lat.shape}, {lon.shape}")
    for name, arr, bound in (("lat", lat, 90.0), ("lon", lon, 180.0)):
        bad = np.flatnonzero(~np.isfinite(arr) | (np.abs(arr) > bound))
        if bad.size:
            i = int(bad[0])
            raise ValueError(
                f"{what}: {name}[{i}] = {float(arr[i])!r} is not a coordinate in [-{bound:g}, {bound:g}] "
                f"({bad.size} bad value(s))"
            )
    out: FloatArray = np.radians(np.column_stack([lat, lon]))
    return out


def _poi_table(pois: pd.DataFrame) -> tuple[FloatArray, npt.NDArray[np.str_]]:
    """POI coordinates in radians and their normalised categories."""
    if not isinstance(pois, pd.DataFrame):
        raise TypeError(f"pois must be a pandas DataFrame with columns category, lat, lon; got {type(pois).__name__}")
    missing = [c for c in ("category", "lat", "lon") if c not in pois.columns]
    if missing:
        raise ValueError(f"pois is missing column(s) {missing}; it has {list(pois.columns)}")
    raw = pois["category"]
    if raw.isna().any():
        rows = raw.index[raw.isna()].tolist()[:5]
        raise ValueError(f"pois.category has missing values at rows {rows}")
    try:
        lat = pd.to_numeric(pois["lat"]).to_numpy(dtype=float)
        lon = pd.to_numeric(pois["lon"]).to_numpy(dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"pois.lat and pois.lon must be numbers (degrees): {exc}") from None
    coords = _coordinates(lat, lon, "pois")
    # Normalise each distinct category once, not once per row.
    codes, uniques = pd.factorize(raw.astype(str), sort=False)
    canonical = np.array([normalise_tag(u) for u in uniques], dtype=str)
    categories: npt.NDArray[np.str_] = canonical[codes] if len(codes) else np.array([], dtype=str)
    return coords, categories


def amenity_counts(
    lats: npt.ArrayLike,
    lons: npt.ArrayLike,
    pois: pd.DataFrame,
    radius: float = 500.0,
    *,
    categories: Iterable[str] | None = None,
    chunk: int = 4096,
) -> pd.DataFrame:
    """Count the POIs of each category within ``radius`` metres of each point.

    Parameters
    ----------
    lats, lons
        Building coordinates in degrees (equal-length 1-d).
    pois
        Table with columns ``category``, ``lat``, ``lon``.
    radius
        Great-circle radius in metres (inclusive).
    categories
        Columns to return (normalised; absent ones count 0). Default: every
        category in ``pois``, sorted.
    chunk
        Buildings per query block: bounds the memory of the neighbour lists.

    Returns
    -------
    DataFrame
        One row per building (in input order), one integer column per category.

    Examples
    --------
    >>> pois = pd.DataFrame({"name": ["a", "b", "c"], "category": ["cafe", "cafe", "park"],
    ...                      "lat": [52.0, 52.003, 52.02], "lon": [5.0, 5.0, 5.0]})
    >>> amenity_counts([52.0, 52.02], [5.0, 5.0], pois, radius=500)
       cafe  park
    0     2     0
    1     0     1
    """
    if not (isinstance(radius, int | float) and np.isfinite(radius) and radius >= 0):
        raise ValueError(f"radius must be a finite number of metres >= 0, got {radius!r}")
    if not (isinstance(chunk, int) and chunk >= 1):
        raise ValueError(f"chunk must be a positive integer, got {chunk!r}")
    points = _coordinates(lats, lons, "buildings")
    coords, cats = _poi_table(pois)
    if categories is None:
        columns = sorted(set(cats.tolist()))
    else:
        columns = list(dict.fromkeys(normalise_tag(c) for c in categories))
    k = len(columns)
    n = len(points)
    counts = np.zeros((n, k), dtype=np.int64)
    position = {c: i for i, c in enumerate(columns)}
    code = np.array([position.get(c, -1) for c in cats.tolist()], dtype=np.int64)
    keep = code >= 0
    coords, code = coords[keep], code[keep]
    if n and k and len(coords):
        tree = _ball_tree(coords)
        r = float(radius) / EARTH_RADIUS_M
        for start in range(0, n, chunk):
            block = points[start : start + chunk]
            m = len(block)
            neighbours = tree.query_radius(block, r=r)
            sizes = np.fromiter((len(x) for x in neighbours), dtype=np.int64, count=m)
            if sizes.sum() == 0:
                continue
            flat = np.concatenate(neighbours).astype(np.int64, copy=False)
            rows = np.repeat(np.arange(m, dtype=np.int64), sizes)
            counts[start : start + m] = np.bincount(rows * k + code[flat], minlength=m * k).reshape(m, k)
    return pd.DataFrame(counts, columns=pd.Index(columns))


def nearest_transit(
    lats: npt.ArrayLike,
    lons: npt.ArrayLike,
    pois: pd.DataFrame,
    *,
    transit_categories: Iterable[str] = TRANSIT_CATEGORIES,
) -> FloatArray:
    """Distance in metres from each point to the nearest POI of a transit category (``inf`` if none).

    Examples
    --------
    >>> pois = pd.DataFrame({"category": ["bus_stop", "cafe", "tram_stop"],
    ...                      "lat": [52.001, 52.0, 52.01], "lon": [5.0, 5.0, 5.0]})
    >>> nearest_transit([52.0, 52.01], [5.0, 5.0], pois).round(1).tolist()
    [111.2, 0.0]
    """
    points = _coordinates(lats, lons, "buildings")
    coords, cats = _poi_table(pois)
    wanted = {normalise_tag(c) for c in transit_categories}
    stops = coords[np.isin(cats, sorted(wanted))] if len(cats) else coords
    if len(stops) == 0:
        return np.full(len(points), np.inf)
    if len(points) == 0:
        return np.zeros(0)
    tree = _ball_tree(stops)
    dist, _ = tree.query(points, k=1)
    out: FloatArray = dist[:, 0] * EARTH_RADIUS_M
    return out


class DnaOptions(BaseModel):
    """The arguments of :func:`estimate_dna`, each checked by name (:func:`objectmatch._params.validate`).

    Examples
    --------
    >>> estimate_dna({"park": -1})
    Traceback (most recent call last):
    ...
    objectmatch._params.InvalidParameterError: The 'amenities' parameter of estimate_dna must be a dict ...
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    amenities: dict[str, Annotated[Real, Field(ge=0, allow_inf_nan=False)]] = param(
        {}, "a dict of amenity category -> count, a finite number >= 0"
    )
    identities: dict[str, dict[str, Real]] | None = param(
        None, "None or a dict of amenity category -> {identity: weight}"
    )


def estimate_dna(amenities: Mapping[str, int], *, identities: Mapping[str, Mapping[str, float]] | None = None
                 ) -> dict[str, float]:
    """Estimate a neighbourhood DNA (identity -> strength in [0, 1]) from amenity counts.

    Each amenity adds its count times its identity weights (:data:`AMENITY_IDENTITIES`,
    or ``identities``); the totals are scaled so that the strongest identity is 1.
    Only identities of the active vocabulary are kept, so the result is a valid
    ``Location.dna``. No amenities (or none that map) gives an empty profile.

    Examples
    --------
    >>> estimate_dna({"park": 3, "cafe": 2, "library": 1})
    {'green': 1.0, 'food': 0.533, 'wellbeing': 0.4, 'hospitality': 0.333, 'knowledge': 0.333, 'community': 0.3, ...}
    >>> estimate_dna({"bus_stop": 4})
    {}
    """
    opts = validate(DnaOptions, "estimate_dna", {"amenities": amenities, "identities": identities})
    return _estimate_dna(opts.amenities, AMENITY_IDENTITIES if opts.identities is None else opts.identities)


def _estimate_dna(amenities: Mapping[str, float], mapping: Mapping[str, Mapping[str, float]]) -> dict[str, float]:
    allowed = set(active_vocabulary().identities)
    totals: dict[str, float] = {}
    for category, count in amenities.items():
        for identity, weight in mapping.get(normalise_tag(category), {}).items():
            if identity in allowed and count > 0 and weight > 0:
                totals[identity] = totals.get(identity, 0.0) + float(count) * float(weight)
    if not totals:
        return {}
    top = max(totals.values())
    ranked = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))
    return {identity: round(value / top, 3) for identity, value in ranked}


def _location_of(target: Building | Location, i: int | None = None) -> Location:
    if isinstance(target, Building):
        return target.location
    if isinstance(target, Location):
        return target
    where = "" if i is None else f"[{i}]"
    raise TypeError(f"target{where} must be a Building or a Location, got {type(target).__name__}")


def _filled(loc: Location, amenities: dict[str, int], transit: float, fill_dna: bool) -> Location:
    data: dict[str, Any] = loc.model_dump()
    data["amenities"] = amenities
    data["transit_distance"] = min(float(transit), MAX_TRANSIT_DISTANCE) if np.isfinite(transit) else None
    if fill_dna and not loc.dna:
        data["dna"] = _estimate_dna(amenities, AMENITY_IDENTITIES)
    return Location.model_validate(data)


def locate_many(
    targets: Sequence[Building | Location],
    pois: pd.DataFrame,
    *,
    radius: float = 500.0,
    fill_dna: bool = True,
    transit_categories: Iterable[str] = TRANSIT_CATEGORIES,
) -> list[Location]:
    """New locations for many buildings (or locations) at once, in input order; see :func:`locate`.

    Examples
    --------
    >>> pois = pd.DataFrame({"category": ["park", "tram_stop"], "lat": [52.0, 52.002], "lon": [5.0, 5.0]})
    >>> locs = locate_many([Location(lat=52.0, lon=5.0, neighbourhood="A"),
    ...                     Location(lat=53.0, lon=5.0, neighbourhood="B")], pois)
    >>> [(l.amenities["park"], round(l.transit_distance)) for l in locs]
    [(1, 222), (0, 100000)]
    """
    targets = list(targets)
    locations = [_location_of(t, i) for i, t in enumerate(targets)]
    if not locations:
        return []
    lats = np.array([loc.lat for loc in locations])
    lons = np.array([loc.lon for loc in locations])
    counts = amenity_counts(lats, lons, pois, radius=radius)
    transit = nearest_transit(lats, lons, pois, transit_categories=transit_categories)
    columns = [str(c) for c in counts.columns]
    values = counts.to_numpy()
    return [
        _filled(loc, {c: int(v) for c, v in zip(columns, values[i], strict=True)}, float(transit[i]), fill_dna)
        for i, loc in enumerate(locations)
    ]


def locate(
    target: Building | Location,
    pois: pd.DataFrame,
    *,
    radius: float = 500.0,
    fill_dna: bool = True,
    transit_categories: Iterable[str] = TRANSIT_CATEGORIES,
) -> Location:
    """A new :class:`Location` with amenity counts within ``radius`` m and the nearest-transit distance.

    ``amenities`` holds every category of ``pois`` (zero counts included, so an
    empty neighbourhood reads as counted, not as unknown); ``transit_distance`` is
    ``None`` when ``pois`` has no transit stop, and at most 100 km (``MAX_TRANSIT_DISTANCE``:
    a stop farther away counts as that far). When the location has no DNA and
    ``fill_dna`` is true, the DNA is estimated from the amenities (:func:`estimate_dna`).
    The building or location passed in is not changed.

    Examples
    --------
    >>> pois = pd.DataFrame({"name": ["Oosterpark", "Cafe", "Tram 3"],
    ...                      "category": ["park", "cafe", "tram_stop"],
    ...                      "lat": [52.3600, 52.3612, 52.3605], "lon": [4.9200, 4.9215, 4.9180]})
    >>> loc = locate(Location(lat=52.3605, lon=4.9205, neighbourhood="Oost"), pois)
    >>> loc.amenities, round(loc.transit_distance), loc.dna["green"]
    ({'cafe': 1, 'park': 1, 'tram_stop': 1}, 170, 1.0)
    """
    return locate_many([target], pois, radius=radius, fill_dna=fill_dna, transit_categories=transit_categories)[0]
