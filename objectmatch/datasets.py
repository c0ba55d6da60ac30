"""Data to try objectmatch on: a bundled example and deterministic synthetic generators.

:func:`load_example` returns a realistic vacant Dutch office and a pool of
prospective users (the figures and where they come from: ``docs/example.md``).
:func:`generate_pool`, :func:`generate_building` and :func:`generate_portfolio`
make synthetic inputs of any size for tests and benchmarks: candidates are
drawn from a table of activity archetypes (:func:`archetypes`, data) and perturbed at
random, buildings from typical Dutch office figures. The same seed always gives
equal output.
"""

from __future__ import annotations

import json
import numbers
from collections.abc import Mapping, Sequence
from functools import lru_cache
from importlib import resources
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

from objectmatch.models import Building, Candidate, FrozenDict, check_unique_ids
from objectmatch.schedule import Schedule, opening_hours
from objectmatch.vocabulary import (
    DEFAULT_IDENTITIES,
    DEFAULT_NEEDS_OFFERS,
    DEFAULT_VALUES,
    Vocabulary,
    active_vocabulary,
)

__all__ = [
    "ARCHETYPES",
    "Archetype",
    "archetypes",
    "generate_building",
    "generate_pool",
    "generate_portfolio",
    "load_example",
]


# -- the bundled example ---------------------------------------------------------------


@lru_cache(maxsize=1)
def _example() -> tuple[Building, tuple[Candidate, ...]]:
    data = resources.files("objectmatch").joinpath("data")
    # The example is written in the default vocabulary's words, whatever vocabulary is active.
    context = {"vocabulary": Vocabulary.default()}
    building = Building.model_validate_json(
        data.joinpath("example_building.json").read_text(encoding="utf-8"), context=context
    )
    raw = json.loads(data.joinpath("example_candidates.json").read_text(encoding="utf-8"))
    candidates = []
    for i, item in enumerate(raw):
        try:
            candidates.append(Candidate.model_validate(item, context=context))
        except ValueError as exc:  # pydantic's ValidationError is a ValueError
            raise ValueError(f"bundled example candidate {i} ({item.get('id')!r}) is invalid: {exc}") from exc
    return building, tuple(check_unique_ids(candidates))


def load_example() -> tuple[Building, list[Candidate]]:
    """The bundled example: a vacant 1990s office in Amsterdam Sloterdijk and 52 prospective users.

    Seven floors (5,900 m² lettable, a street-facing ground floor of 4.2 m free
    height), zoning that permits eight use functions, and a varied pool: café,
    coworking, makerspace, daycare, student and starter studios, gyms, schools,
    clinics, shops, artists, start-ups, an event space, a brewery and more.
    Figures and sources: ``docs/example.md``. Every call returns a new list of
    the same immutable models.

    Returns
    -------
    building : Building
    candidates : list of Candidate

    Examples
    --------
    >>> building, pool = load_example()
    >>> building.name, len(building.floors), building.lettable_area, len(pool)
    ('Radarhuis, Radarweg, Amsterdam Sloterdijk', 7, 5900, 52)
    >>> [c.activity for c in pool[:3]]
    ['cafe', 'lunchroom', 'community kitchen']
    """
    building, candidates = _example()
    return building, list(candidates)


# -- archetypes of prospective users ---------------------------------------------------


class Archetype(NamedTuple):
    """One kind of prospective user, the template :func:`generate_pool` perturbs.

    Areas, rents and heights are typical figures for Dutch reuse of offices
    (see ``docs/example.md``); each generated candidate draws its own within
    or around them.

    Examples
    --------
    >>> cafe = next(a for a in archetypes() if a.activity == "cafe")
    >>> cafe.function, cafe.area, "catering" in cafe.offers
    ('assembly', (70, 200), True)
    """

    activity: str
    function: str
    prefixes: tuple[str, ...]  # first word of generated names
    area: tuple[float, float]  # range of area_min, m² (drawn log-uniformly)
    spread: tuple[float, float]  # range of area_max / area_min
    max_floors: int  # drawn uniformly in 1..max_floors
    ground: float  # probability of needing the ground floor
    height: float  # typical min_free_height, m
    load: float  # typical min_floor_load, kN/m²
    rent: tuple[float, float]  # range of max_rent, EUR/m²/yr
    noise: int
    tolerance: int
    visitors: tuple[float, float]  # range of visitors per day
    identities: Mapping[str, float]
    values: Mapping[str, float]
    needs: tuple[str, ...]
    offers: tuple[str, ...]
    schedules: tuple[str, ...]  # opening hours, one drawn per candidate
    pioneer: float  # probability of being a pioneer
    weight: float  # relative frequency in a pool


#: The activity archetypes generated pools are drawn from (data: ``objectmatch/data/archetypes.json``,
#: read at first use; :func:`archetypes` returns them).
ARCHETYPES: tuple[Archetype, ...]


@lru_cache(maxsize=1)
def archetypes() -> tuple[Archetype, ...]:
    """The activity archetypes of :func:`generate_pool`, read from ``data/archetypes.json`` once.

    Examples
    --------
    >>> [a.activity for a in archetypes()[:3]]
    ['cafe', 'lunchroom', 'restaurant']
    """
    raw = json.loads(resources.files("objectmatch").joinpath("data", "archetypes.json").read_text("utf-8"))
    return tuple(_archetype(i, entry) for i, entry in enumerate(raw["archetypes"]))


def _archetype(i: int, entry: Mapping[str, Any]) -> Archetype:
    names = Archetype._fields
    missing = [n for n in names if n not in entry]
    extra = [k for k in entry if k not in names]
    if missing or extra:
        raise ValueError(f"archetypes.json, archetype {i}: missing fields {missing}, unknown fields {extra}")
    values: dict[str, Any] = {
        name: FrozenDict(v) if isinstance(v, Mapping) else tuple(v) if isinstance(v, list) else v
        for name, v in entry.items()
    }
    return Archetype(**values)


def __getattr__(name: str) -> Any:
    # ARCHETYPES is read from its data file at first use, not when objectmatch is imported.
    if name == "ARCHETYPES":
        return archetypes()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_NAME_WORDS: tuple[str, ...] = (
    "Lumen", "Kade", "Linde", "Meander", "Vonk", "Horizon", "Eik", "Polder", "Noorderlicht", "Zuidwester",
    "Rivier", "Duin", "Haven", "Molen", "Brug", "Lantaarn", "Kompas", "Anker", "Tulp", "Berk", "Wilg",
    "Klaproos", "Dijk", "Sluis", "Gracht", "Toren", "Zon", "Ster", "Wolk", "Golf", "Veld", "Heide", "Beek",
    "Vlinder", "Zwaluw", "Reiger", "Otter", "Bever", "Vos", "Egel", "Uil", "Kiem", "Wortel", "Bron", "Spoor",
    "Radar", "Kern", "Draad",
)


def _check_int(name: str, value: Any, low: int, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    out = int(value)
    if out < low or (high is not None and out > high):
        bound = f">= {low}" if high is None else f"in {low}..{high}"
        raise ValueError(f"{name} must be {bound}, got {value!r}")
    return out


@lru_cache(maxsize=1)
def _tables() -> dict[str, Any]:
    """The archetype table as arrays, built once."""
    identities = {t: i for i, t in enumerate(DEFAULT_IDENTITIES)}
    values = {t: i for i, t in enumerate(DEFAULT_VALUES)}
    tags = {t: i for i, t in enumerate(DEFAULT_NEEDS_OFFERS)}
    table = archetypes()
    n_arch = len(table)
    ident = np.zeros((n_arch, len(identities)))
    vals = np.zeros((n_arch, len(values)))
    needs = np.zeros((n_arch, len(tags)), dtype=bool)
    offers = np.zeros((n_arch, len(tags)), dtype=bool)
    specs: list[str] = []
    sched_start = np.zeros(n_arch, dtype=np.int64)
    sched_count = np.zeros(n_arch, dtype=np.int64)
    for a, arch in enumerate(table):
        for tag, w in arch.identities.items():
            ident[a, identities[tag]] = w
        for tag, w in arch.values.items():
            vals[a, values[tag]] = w
        needs[a, [tags[t] for t in arch.needs]] = True
        offers[a, [tags[t] for t in arch.offers]] = True
        sched_start[a], sched_count[a] = len(specs), len(arch.schedules)
        specs.extend(arch.schedules)
    templates = np.array([opening_hours(s) for s in specs]).reshape(len(specs), 168)
    weights = np.array([a.weight for a in table])

    def col(fn: Any) -> NDArray[np.float64]:
        return np.array([fn(a) for a in table], dtype=float)

    return {
        "p": weights / weights.sum(),
        "area_lo": col(lambda a: a.area[0]), "area_hi": col(lambda a: a.area[1]),
        "spread_lo": col(lambda a: a.spread[0]), "spread_hi": col(lambda a: a.spread[1]),
        "max_floors": col(lambda a: a.max_floors), "ground": col(lambda a: a.ground),
        "height": col(lambda a: a.height), "load": col(lambda a: a.load),
        "rent_lo": col(lambda a: a.rent[0]), "rent_hi": col(lambda a: a.rent[1]),
        "noise": col(lambda a: a.noise), "tolerance": col(lambda a: a.tolerance),
        "vis_lo": col(lambda a: a.visitors[0]), "vis_hi": col(lambda a: a.visitors[1]),
        "pioneer": col(lambda a: a.pioneer),
        "prefix_count": col(lambda a: len(a.prefixes)),
        "ident": ident, "vals": vals, "needs": needs, "offers": offers,
        "sched_start": sched_start, "sched_count": sched_count, "templates": templates,
    }


def _check_vocabulary() -> None:
    """Generated tags are the default vocabulary's: refuse early if the active one lacks any."""
    vocab = active_vocabulary()
    vocab.check(sorted({a.function for a in archetypes()} | {"office", *_PERMIT_P}), "functions")
    vocab.check(DEFAULT_IDENTITIES, "identities")
    vocab.check(DEFAULT_VALUES, "values")
    vocab.check(DEFAULT_NEEDS_OFFERS, "needs_offers")


def _perturb_tags(
    rng: np.random.Generator, base: NDArray[np.bool_], drop: float, add: float
) -> NDArray[np.bool_]:
    """Drop each base tag with probability ``drop``; add one random tag with probability ``add``."""
    n, t = base.shape
    out = base & (rng.random((n, t)) >= drop)
    extra = np.flatnonzero(rng.random(n) < add)
    out[extra, rng.integers(0, t, extra.size)] = True
    return out


def _perturb_weights(
    rng: np.random.Generator, base: NDArray[np.float64], add: float
) -> NDArray[np.float64]:
    """Scale base weights by U(0.7, 1); add one random weak weight with probability ``add``; 2 decimals."""
    n, t = base.shape
    out = base * rng.uniform(0.7, 1.0, (n, t))
    extra = np.flatnonzero(rng.random(n) < add)
    cols = rng.integers(0, t, extra.size)
    out[extra, cols] = np.maximum(out[extra, cols], rng.uniform(0.15, 0.5, extra.size))
    out = np.round(out, 2)
    out[out < 0.05] = 0.0
    return out


def _rows(matrix: NDArray[Any], names: Sequence[str]) -> list[list[tuple[str, Any]]]:
    """Per row, the (name, value) pairs of its non-zero entries, without a Python loop over columns."""
    rows, cols = np.nonzero(matrix)
    pairs = list(zip([names[c] for c in cols.tolist()], matrix[rows, cols].tolist(), strict=True))
    bounds = np.searchsorted(rows, np.arange(matrix.shape[0] + 1)).tolist()
    return [pairs[bounds[i] : bounds[i + 1]] for i in range(matrix.shape[0])]


def _sets(matrix: NDArray[np.bool_], names: Sequence[str]) -> list[frozenset[str]]:
    """Per row, the set of names whose column is true; equal rows share one frozenset."""
    codes = np.packbits(matrix, axis=1)
    unique, inverse = np.unique(codes, axis=0, return_inverse=True)
    sets = [frozenset(names[c] for c in np.flatnonzero(np.unpackbits(row)[: len(names)]).tolist()) for row in unique]
    return [sets[i] for i in inverse.reshape(-1).tolist()]


def _round_to(x: NDArray[np.float64], step: float) -> NDArray[np.float64]:
    return np.round(x / step) * step


def generate_pool(n: int, seed: int = 0) -> list[Candidate]:
    """Generate ``n`` synthetic candidates, deterministically from ``seed``.

    Each candidate is drawn from one of the activity archetypes of
    :func:`archetypes` (café, coworking, daycare, student studios, gym, ...,
    weighted by how common they are) and perturbed: areas log-uniform in the
    archetype's range, rent capacity, height and load needs, noise, identity
    and value weights scaled at random, a need or offer dropped or added, one
    of its opening-hour patterns shifted by up to an hour. About one in five is
    a pioneer; a few quiet users refuse one loud one (``incompatible``).

    The draws are vectorised over the pool; models are then constructed from
    values that are valid by construction, so pools of 100,000 take seconds.

    Parameters
    ----------
    n
        Pool size, >= 0.
    seed
        Seed of the numpy random generator, >= 0. Equal seeds give equal pools.

    Returns
    -------
    list of Candidate
        Ids ``"c00000"``, ``"c00001"``, ... in generation order (sorting ids keeps that order);
        names like ``"Studio Lumen (artist studios)"``.

    Raises
    ------
    ValueError
        If ``n`` or ``seed`` is not a non-negative integer, or the active vocabulary lacks a
        default tag the archetypes use.

    Examples
    --------
    >>> pool = generate_pool(3, seed=7)
    >>> [c.id for c in pool]
    ['c00000', 'c00001', 'c00002']
    >>> generate_pool(3, seed=7) == pool
    True
    >>> generate_pool(-1)
    Traceback (most recent call last):
    ...
    ValueError: n must be >= 0, got -1
    """
    n = _check_int("n", n, 0)
    seed = _check_int("seed", seed, 0)
    _check_vocabulary()
    if n == 0:
        return []
    t = _tables()
    rng = np.random.default_rng(seed)
    k = rng.choice(len(archetypes()), size=n, p=t["p"])
    return _build_candidates(t, k, _draw_candidates(rng, t, k))


def _draw_candidates(rng: np.random.Generator, t: Mapping[str, Any], k: NDArray[np.int64]) -> dict[str, Any]:
    """Every random draw of a pool, vectorised, in a fixed order (the order is part of the output)."""
    n = len(k)
    d: dict[str, Any] = {}
    area_min = np.exp(rng.uniform(np.log(t["area_lo"][k]), np.log(t["area_hi"][k])))
    d["area_min"] = area_min = np.maximum(_round_to(area_min, 5.0), 10.0)
    d["area_max"] = np.maximum(_round_to(area_min * rng.uniform(t["spread_lo"][k], t["spread_hi"][k]), 5.0), area_min)
    d["max_floors"] = 1 + np.floor(rng.random(n) * t["max_floors"][k]).astype(np.int64)
    d["ground"] = rng.random(n) < t["ground"][k]
    d["height"] = np.maximum(np.round(t["height"][k] + 0.1 * rng.integers(-1, 2, n), 1), 2.4)
    d["load"] = np.maximum(t["load"][k] + 0.5 * rng.integers(-1, 2, n) * (rng.random(n) < 0.3), 1.5)
    d["rent"] = _round_to(rng.uniform(t["rent_lo"][k], t["rent_hi"][k]), 5.0)
    jitter = rng.integers(-1, 2, (2, n)) * (rng.random((2, n)) < 0.2)
    d["noise"] = noise = np.clip(t["noise"][k] + jitter[0], 0, 3).astype(np.int64)
    d["tolerance"] = tolerance = np.clip(t["tolerance"][k] + jitter[1], 0, 3).astype(np.int64)
    d["visitors"] = np.round(rng.uniform(t["vis_lo"][k], t["vis_hi"][k]))
    d["pioneer"] = rng.random(n) < t["pioneer"][k]

    d["ident"] = _perturb_weights(rng, t["ident"][k], add=0.3)
    d["vals"] = _perturb_weights(rng, t["vals"][k], add=0.3)
    d["needs"] = _perturb_tags(rng, t["needs"][k], drop=0.15, add=0.25)
    d["offers"] = _perturb_tags(rng, t["offers"][k], drop=0.15, add=0.2)

    d["template"] = t["sched_start"][k] + np.floor(rng.random(n) * t["sched_count"][k]).astype(np.int64)
    d["shift"] = rng.integers(-1, 2, n)
    d["level"] = np.round(rng.uniform(0.6, 1.0, n), 1)

    d["prefix"] = np.floor(rng.random(n) * t["prefix_count"][k]).astype(np.int64)
    d["word"] = rng.integers(0, len(_NAME_WORDS), n)

    # A few quiet users refuse one loud user: explicit incompatibilities for the solver to honour.
    loud = np.flatnonzero(noise == 3)
    refuses = np.full(n, -1, dtype=np.int64)
    if loud.size:
        quiet = np.flatnonzero((tolerance <= 1) & (rng.random(n) < 0.05))
        refuses[quiet] = loud[rng.integers(0, loud.size, quiet.size)]
        refuses[refuses == np.arange(n)] = -1
    d["refuses"] = refuses
    return d


def _build_candidates(t: Mapping[str, Any], k: NDArray[np.int64], d: Mapping[str, Any]) -> list[Candidate]:
    """Candidates from the draws, built without re-validation (every value is valid by construction)."""
    table = archetypes()
    n = len(k)
    width = max(5, len(str(n - 1)))
    ids = [f"c{i:0{width}d}" for i in range(n)]
    schedules: dict[tuple[int, int, float], Schedule] = {}
    templates = t["templates"]

    def schedule(tpl: int, sh: int, lv: float) -> Schedule:
        key = (tpl, sh, lv)
        found = schedules.get(key)
        if found is None:
            week = np.roll(templates[tpl], sh) * lv
            found = tuple(tuple(row) for row in np.round(week, 3).reshape(7, 24).tolist())
            schedules[key] = found
        return found

    cols = zip(
        # Areas are multiples of 5 m² held as floats: exact as whole numbers.
        k.tolist(), d["area_min"].astype(np.int64).tolist(), d["area_max"].astype(np.int64).tolist(),
        *(d[name].tolist() for name in ("max_floors", "ground", "height", "load", "rent", "noise", "tolerance",
                                        "visitors", "pioneer", "template", "shift", "level", "prefix", "word",
                                        "refuses")),
        _rows(d["ident"], DEFAULT_IDENTITIES), _rows(d["vals"], DEFAULT_VALUES),
        _sets(d["needs"], DEFAULT_NEEDS_OFFERS), _sets(d["offers"], DEFAULT_NEEDS_OFFERS), strict=True,
    )
    out: list[Candidate] = []
    for i, (a, amin, amax, mf, gr, h, ld, rt, ns, tl, vis, pi, tpl, sh, lv, pf, wd, rf, ir, vr, nr, orow) in (
        enumerate(cols)
    ):
        arch = table[a]
        # Every value is drawn inside the model's bounds and every tag is a default-vocabulary word
        # (checked by generate_pool), so the models are built without re-validating each one; the
        # tests re-validate whole generated pools.
        out.append(
            Candidate.model_construct(
                id=ids[i],
                name=f"{arch.prefixes[pf]} {_NAME_WORDS[wd]} ({arch.activity})",
                function=arch.function,
                activity=arch.activity,
                identities=FrozenDict(ir),
                values=FrozenDict(vr),
                schedule=schedule(tpl, sh, lv),
                visitors_per_day=vis,
                noise=ns,
                noise_tolerance=tl,
                needs=nr,
                offers=orow,
                area_min=amin,
                area_max=amax,
                max_floors=mf,
                needs_ground_floor=gr,
                min_free_height=h,
                min_floor_load=ld,
                max_rent=rt,
                pioneer=pi,
                incompatible=frozenset((ids[rf],)) if rf >= 0 else frozenset(),
            )
        )
    return out


# -- buildings ---------------------------------------------------------------------------


class _Place(NamedTuple):
    city: str
    neighbourhood: str
    lat: float
    lon: float
    rent_factor: float  # city rent level relative to the national typical
    dna: Mapping[str, float]


#: Office locations in Dutch cities (approximate coordinates) with a typical identity profile.
_PLACES: tuple[_Place, ...] = (
    _Place("Amsterdam", "Sloterdijk", 52.388, 4.837, 1.15,
           {"entrepreneurship": 0.8, "tech": 0.6, "hospitality": 0.5, "nightlife": 0.3}),
    _Place("Amsterdam", "Amstel III", 52.301, 4.944, 1.05,
           {"entrepreneurship": 0.7, "health": 0.6, "sport": 0.5, "music": 0.4}),
    _Place("Amsterdam", "Overamstel", 52.336, 4.917, 1.1,
           {"media": 0.7, "design": 0.5, "nightlife": 0.5, "entrepreneurship": 0.6}),
    _Place("Utrecht", "Kanaleneiland", 52.073, 5.098, 1.0,
           {"community": 0.7, "learning": 0.6, "sport": 0.5, "food": 0.5}),
    _Place("Utrecht", "Papendorp", 52.078, 5.080, 1.0,
           {"entrepreneurship": 0.8, "tech": 0.6, "knowledge": 0.5}),
    _Place("Rotterdam", "Brainpark", 51.914, 4.530, 0.95,
           {"knowledge": 0.7, "entrepreneurship": 0.7, "learning": 0.5}),
    _Place("Rotterdam", "Alexanderpolder", 51.952, 4.553, 0.85,
           {"community": 0.6, "living": 0.6, "food": 0.4, "sport": 0.4}),
    _Place("Rotterdam", "Merwe-Vierhavens", 51.903, 4.434, 0.9,
           {"making": 0.8, "craft": 0.7, "art": 0.6, "sustainability": 0.6}),
    _Place("Den Haag", "Beatrixkwartier", 52.088, 4.328, 1.0,
           {"knowledge": 0.7, "entrepreneurship": 0.6, "culture": 0.4}),
    _Place("Den Haag", "Binckhorst", 52.071, 4.341, 0.9,
           {"making": 0.7, "food": 0.5, "art": 0.5, "entrepreneurship": 0.5}),
    _Place("Eindhoven", "Flight Forum", 51.455, 5.405, 0.85,
           {"tech": 0.8, "design": 0.6, "entrepreneurship": 0.6}),
    _Place("Amersfoort", "De Hoef", 52.160, 5.372, 0.85,
           {"entrepreneurship": 0.6, "green": 0.4, "sport": 0.4}),
    _Place("Groningen", "Corpus den Hoorn", 53.198, 6.550, 0.75,
           {"learning": 0.6, "knowledge": 0.5, "green": 0.5, "community": 0.4}),
    _Place("Hoofddorp", "Beukenhorst", 52.296, 4.688, 0.9,
           {"entrepreneurship": 0.8, "tech": 0.5, "hospitality": 0.5}),
    _Place("Capelle aan den IJssel", "Rivium", 51.911, 4.556, 0.8,
           {"entrepreneurship": 0.6, "tech": 0.4, "green": 0.4}),
    _Place("Nieuwegein", "Plettenburg", 52.040, 5.095, 0.8,
           {"entrepreneurship": 0.5, "living": 0.5, "sport": 0.4}),
    _Place("'s-Hertogenbosch", "Paleiskwartier", 51.693, 5.290, 0.9,
           {"culture": 0.6, "knowledge": 0.5, "food": 0.5, "heritage": 0.4}),
    _Place("Zwolle", "Hanzeland", 52.503, 6.086, 0.8,
           {"learning": 0.5, "community": 0.5, "green": 0.4}),
    _Place("Arnhem", "Kronenburg", 51.968, 5.858, 0.75,
           {"community": 0.6, "living": 0.5, "food": 0.4}),
    _Place("Almere", "Stad", 52.373, 5.218, 0.75,
           {"living": 0.6, "sport": 0.5, "community": 0.5, "play": 0.4}),
    _Place("Maastricht", "Randwyck", 50.838, 5.712, 0.8,
           {"health": 0.7, "knowledge": 0.7, "learning": 0.5, "culture": 0.4}),
    _Place("Leiden", "Bio Science Park", 52.167, 4.475, 0.95,
           {"knowledge": 0.8, "health": 0.6, "tech": 0.5, "learning": 0.5}),
)

_STREETS: tuple[str, ...] = (
    "Stationsplein", "Handelskade", "Beursplein", "Parklaan", "Ringweg", "Kanaalweg", "Havenstraat",
    "Poortweg", "Spoorlaan", "Marktweg", "Vaartweg", "Dokweg", "Molenlaan", "Landjuweel", "Europalaan",
)

#: Chance that zoning permits a function besides office (light industry and lodging are rarer).
_PERMIT_P: dict[str, float] = {
    "assembly": 0.9, "retail": 0.85, "healthcare": 0.75, "education": 0.7, "sport": 0.7, "other": 0.7,
    "residential": 0.6, "lodging": 0.25, "industrial": 0.25,
}
_LABELS: tuple[str, ...] = ("A", "B", "C", "D", "E", "F", "G")
_AMENITY_MEANS: dict[str, float] = {
    "cafe": 6.0, "restaurant": 4.0, "hotel": 2.0, "supermarket": 1.5, "gym": 2.0, "childcare": 1.5,
    "school": 1.0, "gp": 1.0, "park": 1.0, "culture": 1.0,
}


def _floor_list(rng: np.random.Generator, floors: int, place: _Place) -> tuple[list[dict[str, Any]], float]:
    """The floors and the asking rent: a plate drawn once and varied per floor; a higher, stronger, dearer
    ground floor; perhaps a former archive floor and a set-back top floor."""
    plate = float(rng.uniform(450, 1500))
    depth = round(float(rng.uniform(12.0, 20.0)), 1)
    grid = float(rng.choice([5.4, 7.2, 7.8, 8.1]))
    rent = float(_round_to(np.array(rng.uniform(115, 195) * place.rent_factor), 5.0))
    upper_height = float(rng.uniform(2.6, 3.1))
    upper_load = float(rng.choice([2.5, 3.0, 3.5, 4.0], p=[0.3, 0.4, 0.2, 0.1]))

    # Per-floor draws, vectorised over the floors.
    areas = np.clip(_round_to(plate * rng.uniform(0.95, 1.05, floors), 10.0), 400, 1500)
    heights = np.clip(np.round(upper_height + rng.uniform(-0.1, 0.2, floors), 1), 2.6, 3.3)
    loads = np.full(floors, upper_load)
    floor_rent: list[float | None] = [None] * floors
    areas[0] = np.clip(_round_to(np.array(plate * rng.uniform(0.8, 1.0)), 10.0), 400, 1500)
    heights[0] = round(float(rng.uniform(4.0, 5.0)), 1)
    loads[0] = float(rng.choice([4.0, 5.0], p=[0.4, 0.6]))
    floor_rent[0] = float(_round_to(np.array(rent * rng.uniform(1.05, 1.3)), 5.0))
    if floors >= 3 and rng.random() < 0.4:  # a former archive or computer floor
        loads[1] = max(loads[1], 4.0)
    if floors >= 4 and rng.random() < 0.5:  # a set-back top floor with a view and a higher ceiling
        areas[-1] = max(400.0, float(_round_to(np.array(areas[-1] * 0.85), 10.0)))
        heights[-1] = min(3.3, float(heights[-1]) + 0.2)
        floor_rent[-1] = float(_round_to(np.array(rent * rng.uniform(1.03, 1.1)), 5.0))
    return [
        {
            "level": lvl,
            "area": int(areas[lvl]),
            "free_height": float(heights[lvl]),
            "floor_load": float(loads[lvl]),
            "depth": depth,
            "street_frontage": lvl == 0,
            "elevator": True,
            "asking_rent": floor_rent[lvl],
            "column_grid": grid,
        }
        for lvl in range(floors)
    ], rent


def _zoning(rng: np.random.Generator) -> tuple[list[str], list[str]]:
    """Permitted functions (office and at least four others) and prospective ones."""
    others = list(_PERMIT_P)
    chance = np.array([_PERMIT_P[f] for f in others])
    permitted = rng.random(len(others)) < chance
    if permitted.sum() < 4:  # at least four besides office: add the likeliest missing ones
        for i in np.argsort(-chance, kind="stable"):
            permitted[i] = True
            if permitted.sum() >= 4:
                break
    prospective = ~permitted & (rng.random(len(others)) < 0.35)
    return (["office", *(f for f, ok in zip(others, permitted, strict=True) if ok)],
            [f for f, ok in zip(others, prospective, strict=True) if ok])


def _dna_and_label(rng: np.random.Generator, place: _Place) -> tuple[dict[str, float], int, str]:
    """The neighbourhood's DNA (the place's, varied, and a few more identities), the construction year
    and an energy label that older offices more often have worse."""
    dna = {tag: round(float(w * rng.uniform(0.8, 1.1)), 2) for tag, w in place.dna.items()}
    extra = rng.choice(len(DEFAULT_IDENTITIES), size=int(rng.integers(2, 5)), replace=False)
    for i in extra.tolist():
        dna.setdefault(DEFAULT_IDENTITIES[i], round(float(rng.uniform(0.1, 0.5)), 2))
    dna = {tag: min(1.0, w) for tag, w in dna.items()}

    year = int(rng.integers(1965, 2006))
    # Older offices have worse labels, typically; since 2023 an office needs label C, so most
    # offices still on the market have been brought to C or better.
    shift = (year - 1965) / 40
    label_p = np.array([0.08, 0.17, 0.45, 0.12, 0.08, 0.05, 0.05])
    label_p = label_p * np.exp(np.linspace(1.0, -1.0, len(_LABELS)) * (2 * shift - 1))
    label = _LABELS[int(rng.choice(len(_LABELS), p=label_p / label_p.sum()))]
    return dna, year, label


def _building(rng: np.random.Generator, floors: int, building_id: str) -> Building:
    place = _PLACES[int(rng.integers(len(_PLACES)))]
    floor_list, rent = _floor_list(rng, floors, place)
    permitted, prospective = _zoning(rng)
    dna, year, label = _dna_and_label(rng, place)
    street = _STREETS[int(rng.integers(len(_STREETS)))]
    data = {
        "id": building_id,
        "name": f"{street} {int(rng.integers(1, 250))}, {place.city} {place.neighbourhood}",
        "floors": floor_list,
        "permitted_functions": permitted,
        "prospective_functions": prospective,
        "asking_rent": rent,
        "construction_year": year,
        "energy_label": label,
        "core_position": str(rng.choice(["central", "side", "corner", "multiple"])),
        "location": {
            "lat": round(place.lat + float(rng.uniform(-0.006, 0.006)), 5),
            "lon": round(place.lon + float(rng.uniform(-0.009, 0.009)), 5),
            "neighbourhood": f"{place.neighbourhood}, {place.city}",
            "dna": dna,
            "amenities": {a: int(x) for a, x in zip(_AMENITY_MEANS, rng.poisson(list(_AMENITY_MEANS.values())),
                                                    strict=True)},
            "transit_distance": float(_round_to(np.array(rng.uniform(100, 1200)), 10.0)),
            "noise_db": float(np.round(rng.uniform(48, 66))),
            "hazard_contour": bool(rng.random() < 0.05),
        },
    }
    return Building.model_validate(data)


def generate_building(floors: int, seed: int = 0) -> Building:
    """Generate a synthetic vacant office with ``floors`` floors, deterministically from ``seed``.

    Levels ``0 .. floors-1``; the ground floor faces the street with 4-5 m free
    height, a 4-5 kN/m² floor and a higher rent; upper floors have 2.6-3.3 m and
    2.5-4 kN/m²; 400-1,500 m² lettable per floor. Zoning permits office and at
    least four other functions; the location is an office area in a Dutch city
    with an identity profile (DNA).

    Parameters
    ----------
    floors
        Number of floors, 1..200.
    seed
        Seed of the numpy random generator, >= 0.

    Raises
    ------
    ValueError
        If ``floors`` or ``seed`` is out of range or not an integer.

    Examples
    --------
    >>> b = generate_building(12, seed=3)
    >>> len(b.floors), b.floor(0).street_frontage, "office" in b.permitted_functions
    (12, True, True)
    >>> generate_building(12, seed=3) == b
    True
    >>> generate_building(0)
    Traceback (most recent call last):
    ...
    ValueError: floors must be in 1..200, got 0
    """
    floors = _check_int("floors", floors, 1, 200)
    seed = _check_int("seed", seed, 0)
    return _building(np.random.default_rng(seed), floors, f"gen-{seed}-{floors}")


def generate_portfolio(n_buildings: int, seed: int = 0, floors: tuple[int, int] = (3, 12)) -> list[Building]:
    """Generate ``n_buildings`` synthetic offices across Dutch cities, deterministically from ``seed``.

    Each building is made as by :func:`generate_building` from its own random
    stream (spawned from ``seed``), with a floor count drawn uniformly in the
    inclusive range ``floors``. Ids are ``"b00000"``, ``"b00001"``, ...

    Parameters
    ----------
    n_buildings
        Number of buildings, >= 0.
    seed
        Seed, >= 0.
    floors
        ``(fewest, most)`` floors per building, 1 <= fewest <= most <= 200.

    Raises
    ------
    ValueError
        If an argument is out of range.

    Examples
    --------
    >>> portfolio = generate_portfolio(4, seed=1)
    >>> [b.id for b in portfolio]
    ['b00000', 'b00001', 'b00002', 'b00003']
    >>> all(3 <= len(b.floors) <= 12 for b in portfolio)
    True
    """
    n_buildings = _check_int("n_buildings", n_buildings, 0)
    seed = _check_int("seed", seed, 0)
    if not (isinstance(floors, Sequence) and len(floors) == 2):
        raise ValueError(f"floors must be a (fewest, most) pair, got {floors!r}")
    low = _check_int("floors[0]", floors[0], 1, 200)
    high = _check_int("floors[1]", floors[1], 1, 200)
    if low > high:
        raise ValueError(f"floors must be (fewest, most) with fewest <= most, got {floors!r}")
    if n_buildings == 0:
        return []
    sizes = np.random.default_rng(seed).integers(low, high + 1, n_buildings).tolist()
    width = max(5, len(str(n_buildings - 1)))
    streams = np.random.SeedSequence(seed).spawn(n_buildings)
    return [
        _building(np.random.default_rng(stream), size, f"b{i:0{width}d}")
        for i, (stream, size) in enumerate(zip(streams, sizes, strict=True))
    ]
