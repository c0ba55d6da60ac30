"""Numeric encoding: a building and a pool turned into numpy arrays, once, column by column.

:func:`encode_pool` gives the building-independent arrays of a pool (identities, values, needs,
offers, schedules, noise, areas, ...); :func:`encode` adds the building and the matching context:
floor arrays, the feasibility mask candidate x floor (physical fit, zoning, the assessment's
vetoes, rent within the maximum discount, the function's permitted levels), the neighbourhood DNA,
the identity network's projection and the participation round's wishes and objections per
candidate. Identity columns are the vocabulary's identities plus every tag in use, sorted, so a
programme's terms do not depend on which other candidates were encoded with it.

Pools are encoded attribute by attribute (one list comprehension per field, tags scattered with
one ``np.add.at``), not candidate by candidate: about 10 µs a candidate.
Every array is read-only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from objectmatch._text import words
from objectmatch.models import Building, Candidate, check_unique_ids
from objectmatch.vocabulary import PUBLIC_FUNCTIONS, active_vocabulary, is_meeting_place

__all__ = [
    "HOURS_PER_WEEK",
    "Encoded",
    "IdentityKernel",
    "PoolArrays",
    "activity_tags",
    "encode",
    "encode_pool",
]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]

HOURS_PER_WEEK = 168


class IdentityKernel(Protocol):
    """Anything that gives an identity-similarity matrix in a given column order (see ``objectmatch.culture``)."""

    def matrix(self, identities: Sequence[str]) -> Any: ...


class Strengths(Protocol):
    """What the score reads of a participation round (``objectmatch.culture.ParticipationStrengths``)."""

    @property
    def wish(self) -> Mapping[str, float]: ...

    @property
    def objection(self) -> Mapping[str, float]: ...

    def match_matrix(self, candidates: Sequence[Candidate], side: Any) -> Any: ...


def readonly(*arrays: np.ndarray) -> None:
    """Mark arrays read-only: an encoding is shared by every engine and must not change."""
    for a in arrays:
        a.flags.writeable = False


def activity_tags(activity: str) -> tuple[str, ...]:
    """Tags an activity text stands for: its whole normalised form and each of its words.

    Examples
    --------
    >>> activity_tags("Café & bakery")
    ('cafe_bakery', 'cafe', 'bakery')
    """
    parts = words(activity)
    return tuple(dict.fromkeys(["_".join(parts), *parts])) if parts else ()


def _scatter(maps: Sequence[Mapping[str, float]], columns: Sequence[str]) -> FloatArray:
    """Rows of ``maps`` as an n x len(columns) matrix, built with one scatter."""
    index = {tag: j for j, tag in enumerate(columns)}
    rows = [i for i, m in enumerate(maps) for _ in m]
    cols = [index[tag] for m in maps for tag in m]
    vals = [float(w) for m in maps for w in m.values()]
    out = np.zeros((len(maps), len(columns)))
    if rows:
        np.add.at(out, (np.array(rows), np.array(cols)), np.array(vals))
    return out


def _schedules(pool: Sequence[Candidate]) -> FloatArray:
    """n x 168 schedules; identical schedules (most pools share a few templates) convert once."""
    distinct: dict[Any, int] = {}
    index = np.array([distinct.setdefault(c.schedule, len(distinct)) for c in pool], dtype=np.int64)
    table = np.array(list(distinct), dtype=float).reshape(len(distinct), HOURS_PER_WEEK)
    return np.asarray(table[index]) if len(pool) else np.zeros((0, HOURS_PER_WEEK))


@dataclass(frozen=True, eq=False)
class PoolArrays:
    """A pool as arrays, one row per candidate, in the order given.

    ``identity``, ``values``, ``needs`` and ``offers`` have one column per tag in
    ``identity_columns`` / ``value_columns`` / ``need_columns`` (sorted). ``schedule`` is
    n x 168 (Monday 00:00 first). ``noise_type`` is ``4 * noise + noise_tolerance``.
    ``meeting`` marks meeting places (cafés, community centres, ...: vocabulary data).
    """

    ids: tuple[str, ...]
    identity_columns: tuple[str, ...]
    value_columns: tuple[str, ...]
    need_columns: tuple[str, ...]
    function_columns: tuple[str, ...]
    identity: FloatArray
    values: FloatArray
    needs: FloatArray
    offers: FloatArray
    schedule: FloatArray
    function: IntArray
    noise: IntArray
    noise_tolerance: IntArray
    area_min: IntArray
    area_max: IntArray
    max_floors: IntArray
    needs_ground_floor: BoolArray
    min_free_height: FloatArray
    min_floor_load: FloatArray
    max_rent: FloatArray
    pioneer: BoolArray
    public: BoolArray
    meeting: BoolArray
    visitors: FloatArray
    activity: tuple[tuple[str, ...], ...] = field(repr=False)
    incompatible_pairs: IntArray = field(repr=False)

    @property
    def n(self) -> int:
        """Number of candidates."""
        return len(self.ids)

    @property
    def noise_type(self) -> IntArray:
        """``4 * noise + tolerance``: one code for the 16 combinations."""
        return np.asarray(self.noise * 4 + self.noise_tolerance)

    def index(self) -> dict[str, int]:
        """Candidate id -> row."""
        return {cid: i for i, cid in enumerate(self.ids)}


def _column(pool: Sequence[Candidate], name: str, dtype: Any) -> np.ndarray:
    return np.array([getattr(c, name) for c in pool], dtype=dtype)


def _incompatible(pool: Sequence[Candidate]) -> IntArray:
    row = {c.id: i for i, c in enumerate(pool)}
    pairs = sorted({(min(row[c.id], row[o]), max(row[c.id], row[o])) for c in pool for o in c.incompatible if o in row})
    return np.array(pairs, dtype=np.int64).reshape(-1, 2)


def encode_pool(candidates: Sequence[Candidate], *, identity_columns: Sequence[str] | None = None) -> PoolArrays:
    """Encode a pool of candidates as arrays (no building needed).

    Parameters
    ----------
    candidates
        The pool; ids must be unique.
    identity_columns
        Identity tags to use as columns; default the sorted union of the pool's tags.

    Examples
    --------
    >>> from objectmatch import Candidate
    >>> pool = [Candidate(id="a", name="A", function="office", activity="studio",
    ...                   identities={"design": 1.0}, area_min=50, area_max=80),
    ...         Candidate(id="b", name="B", function="retail", activity="shop",
    ...                   identities={"food": 0.5, "design": 0.5}, area_min=40, area_max=60)]
    >>> arrays = encode_pool(pool)
    >>> arrays.identity_columns, arrays.identity.tolist()
    (('design', 'food'), [[1.0, 0.0], [0.5, 0.5]])
    """
    pool = check_unique_ids(candidates)
    used = {t for c in pool for t in c.identities}
    if identity_columns is None:
        identity_columns = sorted(used)
    elif missing := sorted(used - set(identity_columns)):
        raise ValueError(f"identity_columns lacks tags used by the pool: {missing}")
    value_columns = sorted({t for c in pool for t in c.values})
    need_columns = sorted({t for c in pool for t in (*c.needs, *c.offers)})
    function_columns = sorted({c.function for c in pool})
    fn_index = {f: j for j, f in enumerate(function_columns)}
    functions = [c.function for c in pool]
    activities = [c.activity for c in pool]
    # pools repeat activities (generated ones a few hundred over 10,000 candidates): read each text once
    meeting = {a: is_meeting_place(a) for a in set(activities)}
    tags = {a: activity_tags(a) for a in meeting}
    max_rent = [np.inf if c.max_rent is None else c.max_rent for c in pool]
    arrays = PoolArrays(
        ids=tuple(c.id for c in pool),
        identity_columns=tuple(identity_columns),
        value_columns=tuple(value_columns),
        need_columns=tuple(need_columns),
        function_columns=tuple(function_columns),
        identity=_scatter([c.identities for c in pool], identity_columns),
        values=_scatter([c.values for c in pool], value_columns),
        needs=_scatter([dict.fromkeys(c.needs, 1.0) for c in pool], need_columns),
        offers=_scatter([dict.fromkeys(c.offers, 1.0) for c in pool], need_columns),
        schedule=_schedules(pool),
        function=np.array([fn_index[f] for f in functions], dtype=np.int64),
        noise=_column(pool, "noise", np.int64),
        noise_tolerance=_column(pool, "noise_tolerance", np.int64),
        area_min=_column(pool, "area_min", np.int64),
        area_max=_column(pool, "area_max", np.int64),
        max_floors=_column(pool, "max_floors", np.int64),
        needs_ground_floor=_column(pool, "needs_ground_floor", bool),
        min_free_height=_column(pool, "min_free_height", float),
        min_floor_load=_column(pool, "min_floor_load", float),
        max_rent=np.array(max_rent, dtype=float),
        pioneer=_column(pool, "pioneer", bool),
        public=np.array([f in PUBLIC_FUNCTIONS for f in functions], dtype=bool),
        meeting=np.array([meeting[a] for a in activities], dtype=bool),
        visitors=_column(pool, "visitors_per_day", float),
        activity=tuple(tags[a] for a in activities),
        incompatible_pairs=_incompatible(pool),
    )
    readonly(*(v for v in vars(arrays).values() if isinstance(v, np.ndarray)))
    return arrays


@dataclass(frozen=True)
class MaskRules:
    """What the feasibility mask reads beyond the models: the programme-level rules that decide
    whether a candidate may use a floor at all."""

    max_discount: float = 0.3
    function_levels: Mapping[str, tuple[int | None, int | None]] = field(default_factory=dict)
    vetoes: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class Encoded:
    """A building, a pool and the matching context as arrays: the input of every engine.

    Attributes
    ----------
    pool
        The pool's arrays (:class:`PoolArrays`).
    levels, floor_area, free_height, floor_load, asking, street, elevator
        One entry per floor, lowest level first (``asking``: asking rent, EUR/m²/yr).
    mask
        n x m booleans: candidate ``i`` may use floor ``f`` at all.
    dna
        The neighbourhood DNA over ``pool.identity_columns``.
    projection
        The identity network's projection ``Q`` over the identity columns (identity when none).
    potential
        Per candidate, the building's transformation potential for its function (1.0 when unknown).
    wish, objection
        Per candidate, the strongest wish / objection of the participation round it meets (0 without one).
    vetoed
        Per candidate, why the assessment rules its function out here, or ``None``.
    """

    building_id: str
    pool: PoolArrays
    levels: IntArray
    floor_area: IntArray
    free_height: FloatArray
    floor_load: FloatArray
    asking: FloatArray
    street: BoolArray
    elevator: BoolArray
    mask: BoolArray
    permitted: BoolArray
    dna: FloatArray
    projection: FloatArray
    potential: FloatArray
    wish: FloatArray
    objection: FloatArray
    vetoed: tuple[str | None, ...]

    @property
    def n(self) -> int:
        return self.pool.n

    @property
    def m(self) -> int:
        return len(self.levels)

    @property
    def lettable_area(self) -> float:
        """Sum of the floor areas, m²: the constant every area share is taken of."""
        return float(self.floor_area.sum())

    @property
    def full_rent_roll(self) -> float:
        """The whole building let at asking rent, EUR a year."""
        return float(self.floor_area @ self.asking)


def network_projection(columns: Sequence[str], network: IdentityKernel | None, strength: float) -> FloatArray:
    """``Q = (1 - strength) I + strength S``: identity vectors are compared as ``x Q``, so the
    kernel ``Q Q^T`` is positive semi-definite and kernelised cosines stay in [0, 1]."""
    k = len(columns)
    eye = np.eye(k)
    if network is None or k == 0 or strength == 0:
        return eye
    s = np.asarray(network.matrix(list(columns)), dtype=float)
    if s.shape != (k, k):
        raise ValueError(f"identity network matrix has shape {s.shape}, expected {(k, k)}")
    s = np.clip((s + s.T) / 2, 0.0, 1.0)
    np.fill_diagonal(s, 1.0)
    return np.asarray((1 - strength) * eye + strength * s)


def _carried(candidates: Sequence[Candidate], strengths: Strengths | None, side: str) -> FloatArray:
    """Per candidate, the strongest wish (or objection) it meets: ``max_t carries[i, t] * strength[t]``,
    with the round's own rule of who carries which tag (``ParticipationStrengths.match_matrix``)."""
    levels = getattr(strengths, side) if strengths is not None else {}
    if not levels or not candidates:
        return np.zeros(len(candidates))
    assert strengths is not None
    carries = np.asarray(strengths.match_matrix(candidates, side), dtype=np.float64)
    return np.asarray((carries * np.array(list(levels.values()), dtype=np.float64)[None, :]).max(axis=1))


def _mask(building: Building, pool: PoolArrays, floors: dict[str, np.ndarray], rules: MaskRules) -> BoolArray:
    from objectmatch._engine.terms import rent_allowed

    permitted_fn = np.array([f in building.permitted_functions for f in pool.function_columns], dtype=bool)
    not_vetoed = np.array([f not in rules.vetoes for f in pool.function_columns], dtype=bool)
    lo = np.array([_bound(rules.function_levels.get(f, (None, None))[0], -10**6) for f in pool.function_columns])
    hi = np.array([_bound(rules.function_levels.get(f, (None, None))[1], 10**6) for f in pool.function_columns])
    fn = pool.function
    levels = floors["levels"]
    usable = (permitted_fn & not_vetoed)[fn][:, None] if pool.n else np.zeros((0, 1), dtype=bool)
    return np.asarray(
        usable
        & ((levels[None, :] >= lo[fn][:, None]) & (levels[None, :] <= hi[fn][:, None]))
        & (~pool.needs_ground_floor[:, None] | (levels == 0)[None, :])
        & (floors["height"][None, :] >= pool.min_free_height[:, None])
        & (floors["load"][None, :] >= pool.min_floor_load[:, None])
        & rent_allowed(floors["asking"][None, :], pool.max_rent[:, None], rules.max_discount)
    )


def _bound(value: int | None, default: int) -> int:
    return default if value is None else int(value)


def encode(
    building: Building,
    candidates: Sequence[Candidate],
    *,
    rules: MaskRules | None = None,
    potentials: Mapping[str, float] | None = None,
    dna: Mapping[str, float] | None = None,
    network: IdentityKernel | None = None,
    network_strength: float = 0.5,
    strengths: Strengths | None = None,
) -> Encoded:
    """Encode ``building`` and ``candidates`` once, with the feasibility mask candidate x floor.

    Parameters
    ----------
    building, candidates
        The object and the pool (unique ids).
    rules
        Maximum rent discount, permitted levels per function and the assessment's vetoes; default none.
    potentials
        Function -> transformation potential in [0, 1]; missing functions count as 1.0.
    dna
        The neighbourhood DNA; default the building location's.
    network, network_strength
        The identity network and how far it draws related identities together.
    strengths
        A participation round's wish and objection strengths per tag.

    Examples
    --------
    >>> from objectmatch import load_example
    >>> building, pool = load_example()
    >>> enc = encode(building, pool)
    >>> enc.mask.shape == (len(pool), len(building.floors))
    True
    """
    rules = rules or MaskRules()
    dna = building.location.dna if dna is None else dna
    columns = set(active_vocabulary().identities) | set(dna)
    columns |= {t for c in candidates for t in c.identities}
    pool = encode_pool(candidates, identity_columns=sorted(columns))
    floors = {
        "levels": np.array(building.levels, dtype=np.int64),
        "area": np.array([f.area for f in building.floors], dtype=np.int64),
        "height": np.array([f.free_height for f in building.floors], dtype=float),
        "load": np.array([f.floor_load for f in building.floors], dtype=float),
        "asking": np.array([building.rent(f.level) for f in building.floors], dtype=float),
        "street": np.array([f.street_frontage for f in building.floors], dtype=bool),
        "elevator": np.array([f.elevator for f in building.floors], dtype=bool),
    }
    pot = potentials or {}
    fn_names = [pool.function_columns[g] for g in pool.function]
    enc = Encoded(
        building_id=building.id,
        pool=pool,
        levels=floors["levels"],
        floor_area=floors["area"],
        free_height=floors["height"],
        floor_load=floors["load"],
        asking=floors["asking"],
        street=floors["street"],
        elevator=floors["elevator"],
        mask=_mask(building, pool, floors, rules),
        permitted=np.array([f in building.permitted_functions for f in fn_names], dtype=bool),
        dna=np.array([float(dna.get(t, 0.0)) for t in pool.identity_columns], dtype=float),
        projection=network_projection(pool.identity_columns, network, network_strength),
        potential=np.array([float(pot.get(f, 1.0)) for f in fn_names], dtype=float),
        wish=_carried(candidates, strengths, "wish"),
        objection=_carried(candidates, strengths, "objection"),
        vetoed=tuple(rules.vetoes.get(f) for f in fn_names),
    )
    readonly(*(v for v in vars(enc).values() if isinstance(v, np.ndarray)))
    return enc
