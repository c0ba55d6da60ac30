"""Numeric encoding: a building and a pool turned into numpy arrays, once.

:func:`encode_pool` gives the building-independent arrays of a pool (identity,
values, needs, offers, schedules, noise, areas, ...); :func:`encode` adds the
building: floor arrays, the feasibility mask candidate x floor and the unary
fit arrays. Identity columns are the vocabulary's identities plus every tag in use (sorted); other
columns are the sorted union of the tags in use. Either way the encoding does not depend
on the order of the candidates.

Every array is read-only: the encoding is computed once and shared by the
scoring engine, the solver and the portfolio screen.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import numpy.typing as npt

from objectmatch.models import Building, Candidate, check_unique_ids
from objectmatch.vocabulary import PUBLIC_FUNCTIONS, active_vocabulary

__all__ = [
    "NOISE_LEVELS",
    "Encoded",
    "IdentityKernel",
    "PoolArrays",
    "encode",
    "encode_pool",
]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]

#: Noise and tolerance run 0..3.
NOISE_LEVELS = 4
HOURS_PER_WEEK = 168


class IdentityKernel(Protocol):
    """Anything that gives an identity-similarity matrix in a given column order (see ``objectmatch.culture``)."""

    def matrix(self, identities: Sequence[str]) -> FloatArray: ...


def _readonly(*arrays: np.ndarray) -> None:
    for a in arrays:
        a.flags.writeable = False


def _weights_matrix(maps: Sequence[Mapping[str, float]], columns: Sequence[str]) -> FloatArray:
    index = {tag: j for j, tag in enumerate(columns)}
    out = np.zeros((len(maps), len(columns)))
    for i, m in enumerate(maps):
        for tag, w in m.items():
            out[i, index[tag]] = w
    return out


def _set_matrix(sets: Sequence[frozenset[str]], columns: Sequence[str]) -> FloatArray:
    return _weights_matrix([dict.fromkeys(s, 1.0) for s in sets], columns)


@dataclass(frozen=True, eq=False)
class PoolArrays:
    """A pool as arrays, one row per candidate, in the order given.

    ``identity``, ``values``, ``needs`` and ``offers`` have one column per tag in
    ``identity_columns`` / ``value_columns`` / ``need_columns`` (sorted). ``schedule`` is
    n x 168 (Monday 00:00 first). ``noise_type`` is ``4 * noise + noise_tolerance``, a
    single code for the 16 combinations (used to write conflicts as one matrix product).
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
    area_min: FloatArray
    area_max: FloatArray
    max_floors: IntArray
    needs_ground_floor: BoolArray
    min_free_height: FloatArray
    min_floor_load: FloatArray
    max_rent: FloatArray
    pioneer: BoolArray
    public: BoolArray
    visitors: FloatArray
    incompatible_pairs: IntArray = field(repr=False)

    @property
    def n(self) -> int:
        """Number of candidates."""
        return len(self.ids)

    @property
    def noise_type(self) -> IntArray:
        return self.noise * NOISE_LEVELS + self.noise_tolerance

    def index(self) -> dict[str, int]:
        """Candidate id -> row."""
        return {cid: i for i, cid in enumerate(self.ids)}


def encode_pool(
    candidates: Sequence[Candidate],
    *,
    identity_columns: Sequence[str] | None = None,
) -> PoolArrays:
    """Encode a pool of candidates as arrays (no building needed).

    Parameters
    ----------
    candidates
        The pool; ids must be unique.
    identity_columns
        Identity tags to use as columns; default the sorted union of the pool's tags.
        Pass a wider list (e.g. including a neighbourhood's DNA tags) to share columns.

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
    n = len(pool)
    if identity_columns is None:
        identity_columns = sorted({t for c in pool for t in c.identities})
    else:
        missing = sorted({t for c in pool for t in c.identities} - set(identity_columns))
        if missing:
            raise ValueError(f"identity_columns lacks tags used by the pool: {missing}")
    value_columns = sorted({t for c in pool for t in c.values})
    need_columns = sorted({t for c in pool for t in (*c.needs, *c.offers)})
    function_columns = sorted({c.function for c in pool})
    fn_index = {f: j for j, f in enumerate(function_columns)}
    ids = tuple(c.id for c in pool)
    row = {cid: i for i, cid in enumerate(ids)}
    pairs = sorted(
        {(min(row[c.id], row[o]), max(row[c.id], row[o])) for c in pool for o in c.incompatible if o in row}
    )
    arrays = PoolArrays(
        ids=ids,
        identity_columns=tuple(identity_columns),
        value_columns=tuple(value_columns),
        need_columns=tuple(need_columns),
        function_columns=tuple(function_columns),
        identity=_weights_matrix([c.identities for c in pool], identity_columns),
        values=_weights_matrix([c.values for c in pool], value_columns),
        needs=_set_matrix([c.needs for c in pool], need_columns),
        offers=_set_matrix([c.offers for c in pool], need_columns),
        schedule=np.array([c.schedule for c in pool], dtype=float).reshape(n, HOURS_PER_WEEK),
        function=np.array([fn_index[c.function] for c in pool], dtype=np.int64),
        noise=np.array([c.noise for c in pool], dtype=np.int64),
        noise_tolerance=np.array([c.noise_tolerance for c in pool], dtype=np.int64),
        area_min=np.array([c.area_min for c in pool], dtype=float),
        area_max=np.array([c.area_max for c in pool], dtype=float),
        max_floors=np.array([c.max_floors for c in pool], dtype=np.int64),
        needs_ground_floor=np.array([c.needs_ground_floor for c in pool], dtype=bool),
        min_free_height=np.array([c.min_free_height for c in pool], dtype=float),
        min_floor_load=np.array([c.min_floor_load for c in pool], dtype=float),
        max_rent=np.array([np.inf if c.max_rent is None else c.max_rent for c in pool], dtype=float),
        pioneer=np.array([c.pioneer for c in pool], dtype=bool),
        public=np.array([c.function in PUBLIC_FUNCTIONS for c in pool], dtype=bool),
        visitors=np.array([c.visitors_per_day for c in pool], dtype=float),
        incompatible_pairs=np.array(pairs, dtype=np.int64).reshape(-1, 2),
    )
    _readonly(
        arrays.identity, arrays.values, arrays.needs, arrays.offers, arrays.schedule, arrays.function,
        arrays.noise, arrays.noise_tolerance, arrays.area_min, arrays.area_max, arrays.max_floors,
        arrays.needs_ground_floor, arrays.min_free_height, arrays.min_floor_load, arrays.max_rent,
        arrays.pioneer, arrays.public, arrays.visitors, arrays.incompatible_pairs,
    )
    return arrays


@dataclass(frozen=True, eq=False)
class Encoded:
    """A building and a pool as arrays: the input of the scoring engine and the solver.

    Attributes
    ----------
    pool
        The pool's arrays (:class:`PoolArrays`).
    levels, floor_area, free_height, floor_load, rent, street, elevator
        One entry per floor, lowest level first.
    mask
        n x m booleans: candidate ``i`` may use floor ``f`` at all (permitted function,
        ground floor, free height, floor load, budget against asking rent, assessment veto).
    dna
        The neighbourhood DNA over ``pool.identity_columns``.
    potential
        Per candidate, the building's transformation potential for its function (1.0 when unknown).
    lettable_area
        Sum of ``floor_area``: the constant every area share is taken of.
    """

    building_id: str
    pool: PoolArrays
    levels: IntArray
    floor_area: FloatArray
    free_height: FloatArray
    floor_load: FloatArray
    rent: FloatArray
    street: BoolArray
    elevator: BoolArray
    mask: BoolArray
    dna: FloatArray
    potential: FloatArray
    permitted: BoolArray
    excluded_reason: tuple[str | None, ...]

    @property
    def n(self) -> int:
        return self.pool.n

    @property
    def m(self) -> int:
        return len(self.levels)

    @property
    def lettable_area(self) -> float:
        return float(self.floor_area.sum())

    @property
    def ground(self) -> BoolArray:
        """Floors at level 0."""
        return np.asarray(self.levels == 0)


def encode(
    building: Building,
    candidates: Sequence[Candidate],
    *,
    potentials: Mapping[str, float] | None = None,
    excluded_functions: Mapping[str, str] | None = None,
    assess: bool = False,
) -> Encoded:
    """Encode ``building`` and ``candidates`` once, with the feasibility mask candidate x floor.

    Parameters
    ----------
    building, candidates
        The object and the pool (unique ids).
    potentials
        Function -> transformation potential in [0, 1] (see ``objectmatch.assess.potentials``);
        missing functions count as 1.0.
    excluded_functions
        Function -> reason it has no potential in this building; such candidates get an
        all-false mask row.
    assess
        Fill whichever of ``potentials`` and ``excluded_functions`` is not given from the
        hard-side assessment (:mod:`objectmatch.assess`), as :func:`objectmatch.match` does;
        by default they stay empty (potential 1.0, nothing vetoed).

    Examples
    --------
    >>> from objectmatch import load_example
    >>> building, pool = load_example()
    >>> enc = encode(building, pool)
    >>> enc.mask.shape == (len(pool), len(building.floors))
    True
    """
    # One canonical column set (the vocabulary's identities and every tag in use), so that a
    # programme's identity terms do not depend on which other candidates were encoded with it.
    columns = set(active_vocabulary().identities) | set(building.location.dna)
    columns |= {t for c in candidates for t in c.identities}
    pool = encode_pool(candidates, identity_columns=sorted(columns))
    if assess and (potentials is None or excluded_functions is None):
        from objectmatch import assess as assessment

        potentials = assessment.potentials(building) if potentials is None else potentials
        excluded_functions = (
            assessment.excluded_functions(building) if excluded_functions is None else excluded_functions
        )
    floors = building.floors
    levels = np.array([f.level for f in floors], dtype=np.int64)
    area = np.array([f.area for f in floors], dtype=float)
    height = np.array([f.free_height for f in floors], dtype=float)
    load = np.array([f.floor_load for f in floors], dtype=float)
    rent = np.array([building.rent(f.level) for f in floors], dtype=float)
    street = np.array([f.street_frontage for f in floors], dtype=bool)
    elevator = np.array([f.elevator for f in floors], dtype=bool)

    permitted_fn = np.array([f in building.permitted_functions for f in pool.function_columns], dtype=bool)
    permitted = permitted_fn[pool.function] if pool.n else np.zeros(0, dtype=bool)
    excluded = excluded_functions or {}
    reasons = tuple(excluded.get(c.function) for c in candidates)
    not_vetoed = np.array([r is None for r in reasons], dtype=bool)
    mask = (
        (permitted & not_vetoed)[:, None]
        & (~pool.needs_ground_floor[:, None] | (levels == 0)[None, :])
        & (height[None, :] >= pool.min_free_height[:, None])
        & (load[None, :] >= pool.min_floor_load[:, None])
        & (rent[None, :] <= pool.max_rent[:, None])
    )
    dna = np.array([building.location.dna.get(t, 0.0) for t in pool.identity_columns], dtype=float)
    pot = potentials or {}
    potential = np.array([float(pot.get(c.function, 1.0)) for c in candidates], dtype=float)
    enc = Encoded(
        building_id=building.id,
        pool=pool,
        levels=levels,
        floor_area=area,
        free_height=height,
        floor_load=load,
        rent=rent,
        street=street,
        elevator=elevator,
        mask=mask,
        dna=dna,
        potential=potential,
        permitted=permitted,
        excluded_reason=reasons,
    )
    _readonly(levels, area, height, load, rent, street, elevator, mask, dna, potential, permitted)
    return enc
