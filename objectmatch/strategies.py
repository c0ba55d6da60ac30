"""Hypothesis strategies for objectmatch's input models, for property tests of your own pipelines.

Like :mod:`hypothesis.extra.numpy` does for arrays: every strategy here draws
models that are valid by construction (they pass validation against the given
vocabulary), with realistic magnitudes (areas 10-5000 m², free heights 2.4-8 m,
floor loads 1.5-20 kN/m², rents 50-500 EUR/m²/yr) and every float chosen so that
it survives a JSON or CSV round trip exactly. Tags come from the vocabulary passed
as ``vocabulary=`` (else the default vocabulary) and are never fixed-identity tags.
Arguments are checked when the strategy is built; a bad one raises
:class:`hypothesis.errors.InvalidArgument`.

Models drawn with a custom vocabulary validate only under that vocabulary: read
them back with ``read_candidates(..., vocabulary=vocab)`` or inside
``use_vocabulary(vocab)``.

Examples
--------
>>> from hypothesis import given, settings
>>> from objectmatch.strategies import buildings, candidate_pools
>>> @settings(max_examples=5)
... @given(buildings(street_frontage=True), candidate_pools(max_size=5))
... def test_pool_has_unique_ids(building, pool):
...     assert building.floor(0).street_frontage
...     assert len({c.id for c in pool}) == len(pool)
>>> test_pool_has_unique_ids()
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

try:
    from hypothesis import strategies as st
    from hypothesis.errors import InvalidArgument
except ImportError as exc:  # pragma: no cover - only without the extra
    raise ImportError(
        "objectmatch.strategies needs hypothesis, an optional extra: pip install \"objectmatch[testing]\""
    ) from exc

from objectmatch.models import ENERGY_LABELS, Building, Candidate, Floor, Location
from objectmatch.schedule import DAYS, Schedule, opening_hours
from objectmatch.vocabulary import Vocabulary, active_vocabulary, fixed_identity_reason

__all__ = [
    "buildings",
    "candidate_pools",
    "candidates",
    "floors",
    "ids",
    "locations",
    "names",
    "schedules",
    "tag_sets",
    "tag_weights",
]

TagKind = Literal["functions", "identities", "values", "needs_offers"]
_KINDS: tuple[str, ...] = ("functions", "identities", "values", "needs_offers")

# Strings that tables like to turn into something else: they must come back as the same text.
_AWKWARD_NAMES = (
    "NA", "N/A", "nan", "NaN", "null", "None", "NULL", "true", "FALSE", "0", "1e3", "-", "#1",
    'De "Hoek"', "Cafe, bar; lounge", "Ünïcødé — café", "'t Hoekje", "a:b", "100%",
)
_NAMES = (
    "Buurtcafe De Hoek", "Stadslab", "Maakplaats Oost", "Kinderdagverblijf Zonnetje", "Sportschool Fit",
    "Huisartsenpraktijk", "Atelier Blauw", "Coworking Spoorzone", "Fietsenmaker", "Bakkerij Brood",
    "Muziekschool", "Repair Cafe", "Galerie West", "Startup Studio", "Hostel Central", "Yoga Loft",
)
_AWKWARD_IDS = ("NA", "nan", "null", "None", "true", "0", "1e3", "x-1.5")
_ACTIVITIES: dict[str, tuple[str, ...]] = {
    "residential": ("studio housing", "student housing", "co-living"),
    "assembly": ("cafe", "restaurant", "event venue", "gallery", "community centre", "repair cafe"),
    "healthcare": ("clinic", "physiotherapy", "general practice", "dentist"),
    "industrial": ("makerspace", "workshop", "brewery", "bike repair"),
    "office": ("coworking", "startup", "design studio", "architect", "ngo office"),
    "lodging": ("hostel", "hotel", "short stay"),
    "education": ("school", "music school", "daycare", "language school", "dance school"),
    "sport": ("gym", "yoga studio", "climbing hall", "boxing club"),
    "retail": ("shop", "bakery", "bookshop", "second-hand store", "bike shop"),
    "other": ("artist studio", "storage", "rehearsal room"),
}
_GENERIC_ACTIVITIES = tuple(sorted({a for acts in _ACTIVITIES.values() for a in acts}))
_NEIGHBOURHOODS = (
    "Indische Buurt", "Transvaal", "Kralingen", "Katendrecht", "Lombok", "Strijp-S", "De Pijp",
    "Spoorzone", "Oost", "BU03630000",
)
_AMENITIES = ("cafe", "restaurant", "school", "supermarket", "park", "gym", "library", "playground", "pharmacy")

_TEXT = st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs"))


def _check_size(min_size: int, max_size: int | None, what: str = "size") -> None:
    if not isinstance(min_size, int) or isinstance(min_size, bool) or min_size < 0:
        raise InvalidArgument(f"min_{what}={min_size!r} must be a non-negative integer")
    if max_size is not None:
        if not isinstance(max_size, int) or isinstance(max_size, bool) or max_size < 0:
            raise InvalidArgument(f"max_{what}={max_size!r} must be a non-negative integer")
        if min_size > max_size:
            raise InvalidArgument(f"min_{what}={min_size} is larger than max_{what}={max_size}")


def _check_optional_bool(value: Any, name: str) -> None:
    if value is not None and not isinstance(value, bool):
        raise InvalidArgument(f"{name}={value!r} must be True, False or None")


def _vocabulary(vocabulary: Vocabulary | None) -> Vocabulary:
    if vocabulary is None:
        return active_vocabulary()
    if not isinstance(vocabulary, Vocabulary):
        raise InvalidArgument(f"vocabulary={vocabulary!r} must be an objectmatch Vocabulary or None")
    return vocabulary


def _context(vocabulary: Vocabulary) -> dict[str, Any]:
    return {"vocabulary": vocabulary}


def _words(vocabulary: Vocabulary, kind: str) -> tuple[str, ...]:
    if kind not in _KINDS:
        raise InvalidArgument(f"kind={kind!r} must be one of {', '.join(_KINDS)}")
    words: tuple[str, ...] = getattr(vocabulary, kind)
    # a Vocabulary refuses fixed identity already; this guards one built with model_construct
    return tuple(w for w in words if kind == "functions" or fixed_identity_reason(w) is None)


def _floats(lo: float, hi: float) -> st.SearchStrategy[float]:
    return st.floats(min_value=lo, max_value=hi, allow_nan=False, allow_infinity=False, allow_subnormal=False)


def _maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


def _mostly(usual: st.SearchStrategy[str], rare: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """``rare`` about one draw in eight: edge cases stay in play without crowding out the realistic."""
    return st.integers(0, 7).flatmap(lambda k: rare if k == 0 else usual)


def names() -> st.SearchStrategy[str]:
    """Display names: realistic ones, free text, and ones tables like to misread (``"NA"``, ``"1e3"``).

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=20)
    ... @given(names())
    ... def test(name): assert name == name.strip() and name
    >>> test()
    """
    text = st.text(_TEXT, min_size=1, max_size=24).map(str.strip).filter(bool)
    return _mostly(st.sampled_from(_NAMES) | text, st.sampled_from(_AWKWARD_NAMES))


def ids() -> st.SearchStrategy[str]:
    """Identifiers such as ``"cafe-12"`` (no spaces, ``;`` or ``,``), with a few awkward ones (``"NA"``, ``"0"``).

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=20)
    ... @given(ids())
    ... def test(i): assert i and ";" not in i and "," not in i and " " not in i
    >>> test()
    """
    plain = st.from_regex(r"[a-z][a-z0-9]{0,9}(-[0-9]{1,4})?", fullmatch=True)
    return _mostly(plain, st.sampled_from(_AWKWARD_IDS))


def tag_weights(
    kind: TagKind = "identities",
    *,
    min_size: int = 0,
    max_size: int | None = 4,
    vocabulary: Vocabulary | None = None,
) -> st.SearchStrategy[dict[str, float]]:
    """Dicts ``tag -> weight in [0, 1]`` with tags of ``kind`` from the vocabulary.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=20)
    ... @given(tag_weights("values", min_size=1))
    ... def test(w): assert w and all(0 <= v <= 1 for v in w.values())
    >>> test()
    """
    _check_size(min_size, max_size)
    words = _words(_vocabulary(vocabulary), kind)
    if min_size > len(words):
        raise InvalidArgument(f"min_size={min_size} but the vocabulary has only {len(words)} {kind}")
    if not words:
        return st.just({})
    return st.dictionaries(st.sampled_from(words), _floats(0.0, 1.0), min_size=min_size, max_size=max_size)


def tag_sets(
    kind: TagKind = "needs_offers",
    *,
    min_size: int = 0,
    max_size: int | None = 4,
    vocabulary: Vocabulary | None = None,
) -> st.SearchStrategy[frozenset[str]]:
    """Sets of tags of ``kind`` from the vocabulary.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from objectmatch.vocabulary import DEFAULT_FUNCTIONS
    >>> @settings(max_examples=20)
    ... @given(tag_sets("functions", min_size=1))
    ... def test(s): assert s and s <= set(DEFAULT_FUNCTIONS)
    >>> test()
    """
    _check_size(min_size, max_size)
    words = _words(_vocabulary(vocabulary), kind)
    if min_size > len(words):
        raise InvalidArgument(f"min_size={min_size} but the vocabulary has only {len(words)} {kind}")
    if not words:
        return st.just(frozenset())
    return st.frozensets(st.sampled_from(words), min_size=min_size, max_size=max_size)


@st.composite
def _grid_schedule(draw: st.DrawFn) -> Schedule:
    grid = [[0.0] * 24 for _ in range(7)]
    for day in range(7):
        for _ in range(draw(st.integers(0, 2))):
            start = draw(st.integers(0, 23))
            end = draw(st.integers(start + 1, 24))
            level = draw(_floats(0.0, 1.0))
            for hour in range(start, end):
                grid[day][hour] = max(grid[day][hour], level)
    return tuple(tuple(row) for row in grid)


@st.composite
def _hours_schedule(draw: st.DrawFn) -> Schedule:
    first = draw(st.integers(0, 6))
    last = draw(st.integers(first, 6))
    start = draw(st.integers(0, 47))
    length = draw(st.integers(1, 32))  # half hours; may run past midnight
    end = (start + length) % 48
    spec = f"{DAYS[first]}-{DAYS[last]} {start // 2:02d}:{start % 2 * 30:02d}-{end // 2:02d}:{end % 2 * 30:02d}"
    return opening_hours(spec, level=draw(st.sampled_from([1.0, 0.75, 0.5, 0.25])))


def schedules(*, from_opening_hours: bool | None = None) -> st.SearchStrategy[Schedule]:
    """Weekly schedules (7 x 24 values in [0, 1]).

    ``from_opening_hours=True`` draws only schedules built by
    :func:`~objectmatch.schedule.opening_hours` (half-hour openings give 0.5 values);
    ``False`` only free grids (a few opening spans per day, each with its own level);
    ``None`` (default) both.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=20)
    ... @given(schedules())
    ... def test(s): assert len(s) == 7 and all(len(day) == 24 and all(0 <= v <= 1 for v in day) for day in s)
    >>> test()
    """
    _check_optional_bool(from_opening_hours, "from_opening_hours")
    if from_opening_hours is True:
        return _hours_schedule()
    if from_opening_hours is False:
        return _grid_schedule()
    return _hours_schedule() | _grid_schedule()


def locations(*, vocabulary: Vocabulary | None = None, max_dna: int = 5) -> st.SearchStrategy[Location]:
    """Locations in the Netherlands with a neighbourhood DNA of up to ``max_dna`` identities.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10)
    ... @given(locations())
    ... def test(loc): assert 50 < loc.lat < 54 and len(loc.dna) <= 5
    >>> test()
    """
    _check_size(0, max_dna, "dna")
    vocab = _vocabulary(vocabulary)
    context = _context(vocab)
    dna = tag_weights("identities", max_size=max_dna, vocabulary=vocab)

    @st.composite
    def draw_location(draw: st.DrawFn) -> Location:
        data = {
            "lat": draw(_floats(50.75, 53.55)),
            "lon": draw(_floats(3.35, 7.2)),
            "neighbourhood": draw(st.sampled_from(_NEIGHBOURHOODS) | names()),
            "dna": draw(dna),
            "amenities": draw(st.dictionaries(st.sampled_from(_AMENITIES), st.integers(0, 40), max_size=4)),
            "transit_distance": draw(_maybe(_floats(0.0, 2000.0))),
            "noise_db": draw(_maybe(_floats(40.0, 75.0))),
            "hazard_contour": draw(st.booleans()),
        }
        return Location.model_validate(data, context=context)

    return draw_location()


def floors(
    *,
    level: int | None = None,
    street_frontage: bool | None = None,
    elevator: bool | None = None,
) -> st.SearchStrategy[Floor]:
    """Office floors: area 10-5000 m², free height 2.4-8 m, floor load 1.5-20 kN/m², depth 6-40 m.

    ``level``, ``street_frontage`` and ``elevator`` fix that field; ``None`` draws it.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10)
    ... @given(floors(level=0, street_frontage=True))
    ... def test(f): assert f.level == 0 and f.street_frontage and 2.4 <= f.free_height <= 8
    >>> test()
    """
    if level is not None and (not isinstance(level, int) or isinstance(level, bool) or not -5 <= level <= 200):
        raise InvalidArgument(f"level={level!r} must be an integer from -5 to 200, or None")
    _check_optional_bool(street_frontage, "street_frontage")
    _check_optional_bool(elevator, "elevator")

    @st.composite
    def draw_floor(draw: st.DrawFn) -> Floor:
        return Floor(
            level=draw(st.integers(-2, 30)) if level is None else level,
            area=draw(st.integers(10, 5000)),
            free_height=draw(_floats(2.4, 8.0)),
            floor_load=draw(_floats(1.5, 20.0)),
            depth=draw(_floats(6.0, 40.0)),
            street_frontage=draw(st.booleans()) if street_frontage is None else street_frontage,
            elevator=draw(st.booleans()) if elevator is None else elevator,
            asking_rent=draw(_maybe(_floats(50.0, 500.0))),
            column_grid=draw(_maybe(_floats(3.0, 12.0))),
        )

    return draw_floor()


def buildings(
    min_floors: int = 1,
    max_floors: int = 8,
    *,
    street_frontage: bool | None = None,
    max_basements: int = 2,
    vocabulary: Vocabulary | None = None,
) -> st.SearchStrategy[Building]:
    """Buildings with ``min_floors`` to ``max_floors`` contiguous floors, ground floor (level 0) included.

    Parameters
    ----------
    min_floors, max_floors
        Number of floors (1 to 100).
    street_frontage
        ``True``: level 0 faces the street; ``False``: it does not; ``None``: drawn.
        Other levels never face the street.
    max_basements
        Most floors below ground (0 to 5).
    vocabulary
        Permitted and prospective functions and the location's DNA come from it.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10)
    ... @given(buildings(min_floors=5, max_floors=12, street_frontage=True))
    ... def test(b): assert 5 <= len(b.floors) <= 12 and b.floor(0).street_frontage
    >>> test()
    """
    _check_size(min_floors, max_floors, "floors")
    if min_floors < 1:
        raise InvalidArgument(f"min_floors={min_floors} must be at least 1: a building has a ground floor")
    if max_floors > 100:
        raise InvalidArgument(f"max_floors={max_floors} must be at most 100")
    if not isinstance(max_basements, int) or isinstance(max_basements, bool) or not 0 <= max_basements <= 5:
        raise InvalidArgument(f"max_basements={max_basements!r} must be an integer from 0 to 5")
    _check_optional_bool(street_frontage, "street_frontage")
    vocab = _vocabulary(vocabulary)
    functions = _words(vocab, "functions")
    if not functions:
        raise InvalidArgument("the vocabulary has no functions, so no function can be permitted")
    context = _context(vocab)
    location = locations(vocabulary=vocab)

    @st.composite
    def draw_building(draw: st.DrawFn) -> Building:
        n = draw(st.integers(min_floors, max_floors))
        basements = draw(st.integers(0, min(max_basements, n - 1)))
        ground = draw(st.booleans()) if street_frontage is None else street_frontage
        levels = range(-basements, n - basements)
        permitted = draw(st.frozensets(st.sampled_from(functions), min_size=1, max_size=len(functions)))
        rest = [f for f in functions if f not in permitted]
        prospective = draw(st.frozensets(st.sampled_from(rest), max_size=3)) if rest else frozenset()
        data = {
            "id": draw(ids()),
            "name": draw(names()),
            "floors": [
                draw(floors(level=level, street_frontage=ground and level == 0))
                for level in levels
            ],
            "permitted_functions": permitted,
            "asking_rent": draw(_floats(50.0, 450.0)),
            "construction_year": draw(_maybe(st.integers(1900, 2025))),
            "energy_label": draw(_maybe(st.sampled_from(ENERGY_LABELS))),
            "location": draw(location),
            "prospective_functions": prospective,
            "core_position": draw(_maybe(st.sampled_from(["central", "side", "corner", "multiple"]))),
        }
        return Building.model_validate(data, context=context)

    return draw_building()


def candidates(
    *,
    id: str | None = None,
    function: str | None = None,
    incompatible_with: Sequence[str] = (),
    vocabulary: Vocabulary | None = None,
) -> st.SearchStrategy[Candidate]:
    """Candidate users with plausible space needs (area 10-5000 m², ``area_min <= area_max``).

    Parameters
    ----------
    id
        Fix the candidate's id (``None``: drawn with :func:`ids`).
    function
        Fix its use function (must be in the vocabulary); ``None``: drawn.
    incompatible_with
        Ids it may declare incompatible (a drawn subset; its own id is left out).
    vocabulary
        Function, identities, values, needs and offers come from it.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10)
    ... @given(candidates(function="assembly"))
    ... def test(c): assert c.is_public and 10 <= c.area_min <= c.area_max <= 5000
    >>> test()
    """
    if id is not None and (not isinstance(id, str) or not id.strip()):
        raise InvalidArgument(f"id={id!r} must be a non-empty string or None")
    vocab = _vocabulary(vocabulary)
    functions = _words(vocab, "functions")
    if function is not None and function not in functions:
        raise InvalidArgument(f"function={function!r} is not in the vocabulary's functions: {', '.join(functions)}")
    if not functions:
        raise InvalidArgument("the vocabulary has no functions")
    if isinstance(incompatible_with, str) or not all(isinstance(i, str) and i for i in incompatible_with):
        raise InvalidArgument(f"incompatible_with={incompatible_with!r} must be a sequence of candidate ids")
    context = _context(vocab)
    identities = tag_weights("identities", vocabulary=vocab)
    values = tag_weights("values", vocabulary=vocab)
    tags = tag_sets("needs_offers", max_size=3, vocabulary=vocab)

    @st.composite
    def draw_candidate(draw: st.DrawFn) -> Candidate:
        cid = draw(ids()) if id is None else id
        fn = draw(st.sampled_from(functions)) if function is None else function
        a, b = draw(st.integers(10, 5000)), draw(st.integers(10, 5000))
        others = sorted({i.strip() for i in incompatible_with} - {cid.strip()})
        data = {
            "id": cid,
            "name": draw(names()),
            "function": fn,
            "activity": draw(st.sampled_from(_ACTIVITIES.get(fn, _GENERIC_ACTIVITIES))),
            "identities": draw(identities),
            "values": draw(values),
            "schedule": draw(schedules()),
            "visitors_per_day": float(draw(st.integers(0, 3000))),
            "noise": draw(st.integers(0, 3)),
            "noise_tolerance": draw(st.integers(0, 3)),
            "needs": draw(tags),
            "offers": draw(tags),
            "area_min": min(a, b),
            "area_max": max(a, b),
            "max_floors": draw(st.integers(1, 4)),
            "needs_ground_floor": draw(st.booleans()),
            "min_free_height": draw(st.just(0.0) | _floats(2.4, 6.0)),
            "min_floor_load": draw(st.just(0.0) | _floats(1.5, 20.0)),
            "max_rent": draw(_maybe(_floats(50.0, 500.0))),
            "pioneer": draw(st.booleans()),
            "incompatible": draw(st.frozensets(st.sampled_from(others), max_size=2)) if others else frozenset(),
        }
        return Candidate.model_validate(data, context=context)

    return draw_candidate()


def candidate_pools(
    min_size: int = 0,
    max_size: int = 20,
    *,
    incompatibilities: bool = True,
    vocabulary: Vocabulary | None = None,
) -> st.SearchStrategy[list[Candidate]]:
    """Lists of candidates with unique ids.

    ``incompatibilities=True`` lets some candidates name others of the pool as
    incompatible (ids always refer to pool members).

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10)
    ... @given(candidate_pools(min_size=2, max_size=6))
    ... def test(pool):
    ...     assert 2 <= len(pool) <= 6
    ...     ids_ = {c.id for c in pool}
    ...     assert len(ids_) == len(pool) and all(c.incompatible <= ids_ for c in pool)
    >>> test()
    """
    _check_size(min_size, max_size)
    if max_size > 1000:
        raise InvalidArgument(f"max_size={max_size} must be at most 1000")
    if not isinstance(incompatibilities, bool):
        raise InvalidArgument(f"incompatibilities={incompatibilities!r} must be True or False")
    vocab = _vocabulary(vocabulary)
    candidates(vocabulary=vocab)  # validates the vocabulary now rather than at the first draw

    @st.composite
    def draw_pool(draw: st.DrawFn) -> list[Candidate]:
        pool_ids = draw(st.lists(ids(), min_size=min_size, max_size=max_size, unique=True))
        pool = []
        for cid in pool_ids:
            others = [i for i in pool_ids if i != cid] if incompatibilities and draw(st.booleans()) else []
            pool.append(draw(candidates(id=cid, incompatible_with=others, vocabulary=vocab)))
        return pool

    return draw_pool()
