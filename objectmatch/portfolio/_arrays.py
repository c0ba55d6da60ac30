"""The portfolio's arrays: a pool encoded once for screening, and blocks of buildings with padded floors.

:class:`ScreenPool` keeps only what the screen reads, one row per candidate sorted by id, so
that a pool of 100,000 costs a few MB (the full :class:`~objectmatch.encode.PoolArrays`, with its
n x 168 schedules, is built a block at a time and dropped). :class:`BuildingBlock` holds a
block of buildings as (buildings x floors) arrays, floors padded to the block's tallest
building with a validity mask.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from objectmatch.encode import BoolArray, FloatArray, IdentityKernel, IntArray, encode_pool
from objectmatch.models import Building, Candidate
from objectmatch.scoring import (
    PUBLIC_VISITORS,
    REACH_WITH_LIFT,
    REACH_WITHOUT_LIFT,
    Weights,
    _network_projection,
    _unit_rows,
)
from objectmatch.vocabulary import active_vocabulary

__all__ = ["BuildingBlock", "ScreenPool", "encode_buildings", "encode_screen_pool", "identity_columns"]


@dataclass(frozen=True, eq=False)
class ScreenPool:
    """A pool as the screen reads it: one row per candidate, sorted by id.

    ``ident`` holds the unit identity vectors after the identity network's projection (as
    :class:`~objectmatch.scoring.Scorer` computes them); ``projection`` is that projection, to
    apply to the buildings' DNA over the same ``identity_columns``.
    """

    ids: tuple[str, ...]
    identity_columns: tuple[str, ...]
    function_columns: tuple[str, ...]
    projection: FloatArray
    ident: FloatArray
    function: IntArray
    area_min: FloatArray
    max_floors: IntArray
    needs_ground_floor: BoolArray
    min_free_height: FloatArray
    min_floor_load: FloatArray
    max_rent: FloatArray
    publicness: FloatArray

    @property
    def n(self) -> int:
        """Number of candidates."""
        return len(self.ids)


def identity_columns(candidates: Sequence[Candidate], buildings: Sequence[Building]) -> list[str]:
    """The identity columns :func:`objectmatch.encode.encode` would use for these buildings and pool.

    Cosines do not depend on extra all-zero columns, but an identity network's projection
    does, so the screen uses the same column set as the scoring engine.
    """
    columns = set(active_vocabulary().identities)
    columns |= {t for b in buildings for t in b.location.dna}
    columns |= {t for c in candidates for t in c.identities}
    return sorted(columns)


def encode_screen_pool(
    candidates: Sequence[Candidate],
    columns: Sequence[str],
    *,
    weights: Weights,
    network: IdentityKernel | None = None,
    chunk: int = 2048,
) -> ScreenPool:
    """Encode ``candidates`` (already sorted by id, unique) once, ``chunk`` at a time.

    Each chunk goes through :func:`objectmatch.encode.encode_pool`, so every per-candidate
    number is the one the encoder and scoring engine use.
    """
    n = len(candidates)
    function_columns = sorted({c.function for c in candidates})
    fn_index = {f: g for g, f in enumerate(function_columns)}
    k = len(columns)
    projection = _network_projection(columns, network, weights.network_strength)
    ident = np.empty((n, k))
    function = np.empty(n, dtype=np.int64)
    area_min = np.empty(n)
    max_floors = np.empty(n, dtype=np.int64)
    ground = np.empty(n, dtype=bool)
    height = np.empty(n)
    load = np.empty(n)
    rent = np.empty(n)
    publicness = np.empty(n)
    for start in range(0, n, chunk):
        stop = min(start + chunk, n)
        part = encode_pool(candidates[start:stop], identity_columns=columns)
        ident[start:stop] = _unit_rows(part.identity @ projection)
        remap = np.array([fn_index[f] for f in part.function_columns], dtype=np.int64)
        function[start:stop] = remap[part.function]
        area_min[start:stop] = part.area_min
        max_floors[start:stop] = part.max_floors
        ground[start:stop] = part.needs_ground_floor
        height[start:stop] = part.min_free_height
        load[start:stop] = part.min_floor_load
        rent[start:stop] = part.max_rent
        # as in the scoring engine's building fit: how much a tenant wants the street floor
        publicness[start:stop] = np.minimum(1.0, part.visitors / PUBLIC_VISITORS)
    arrays = (ident, function, area_min, max_floors, ground, height, load, rent, publicness)
    for a in arrays:
        a.flags.writeable = False
    return ScreenPool(
        ids=tuple(c.id for c in candidates),
        identity_columns=tuple(columns),
        function_columns=tuple(function_columns),
        projection=projection,
        ident=ident,
        function=function,
        area_min=area_min,
        max_floors=max_floors,
        needs_ground_floor=ground,
        min_free_height=height,
        min_floor_load=load,
        max_rent=rent,
        publicness=publicness,
    )


@dataclass(frozen=True, eq=False)
class BuildingBlock:
    """A block of buildings as arrays: b buildings x F floors (F = the most floors in the block).

    Floors are lowest level first, as in :class:`~objectmatch.models.Building`; padded floors
    have ``valid`` false and never pass the mask. ``position`` is each building's position in
    the caller's list (output order).
    """

    ids: tuple[str, ...]
    position: IntArray
    valid: BoolArray
    level: IntArray
    area: FloatArray
    free_height: FloatArray
    floor_load: FloatArray
    rent: FloatArray
    reach: FloatArray
    lettable: FloatArray
    dna: FloatArray
    permitted: BoolArray
    potential: FloatArray

    @property
    def b(self) -> int:
        """Number of buildings."""
        return len(self.ids)

    @property
    def floors(self) -> int:
        """Padded floor count F."""
        return int(self.level.shape[1])


def _assessment(building: Building) -> tuple[dict[str, float], dict[str, str]]:
    """Potentials and vetoed functions, as :func:`objectmatch.encode.encode` takes them from the assessment."""
    from objectmatch import assess

    found = assess.assessments(building)
    potentials = {f: a.potential for f, a in found.items()}
    vetoed = {f: "; ".join(a.vetoes) for f, a in found.items() if a.vetoes}
    return potentials, vetoed


def encode_buildings(
    buildings: Sequence[Building], position: Sequence[int], pool: ScreenPool, *, assess: bool = True
) -> BuildingBlock:
    """Encode ``buildings`` as one :class:`BuildingBlock` over ``pool``'s identity and function columns.

    With ``assess`` (as :func:`objectmatch.encode.encode` by default), functions the hard-side
    assessment vetoes are not permitted, and its potentials scale the building fit.
    """
    b = len(buildings)
    f_max = max((len(bd.floors) for bd in buildings), default=0)
    valid = np.zeros((b, f_max), dtype=bool)
    level = np.zeros((b, f_max), dtype=np.int64)
    area = np.zeros((b, f_max))
    height = np.zeros((b, f_max))
    load = np.zeros((b, f_max))
    rent = np.ones((b, f_max))  # padding: any positive rent (the budget fit divides by it)
    reach = np.ones((b, f_max))
    lettable = np.empty(b)
    k = len(pool.identity_columns)
    col = {t: j for j, t in enumerate(pool.identity_columns)}
    dna = np.zeros((b, k))
    permitted = np.zeros((b, len(pool.function_columns)), dtype=bool)
    potential = np.ones((b, len(pool.function_columns)))
    for r, bd in enumerate(buildings):
        m = len(bd.floors)
        valid[r, :m] = True
        lv = np.array([f.level for f in bd.floors], dtype=np.int64)
        level[r, :m] = lv
        area[r, :m] = [f.area for f in bd.floors]
        height[r, :m] = [f.free_height for f in bd.floors]
        load[r, :m] = [f.floor_load for f in bd.floors]
        rent[r, :m] = [bd.rent(f.level) for f in bd.floors]
        street = np.array([f.street_frontage for f in bd.floors], dtype=bool)
        lift = np.array([f.elevator for f in bd.floors], dtype=bool)
        # the scoring engine's reach of a floor (objectmatch.scoring._building_fit)
        step = np.where(lift, REACH_WITH_LIFT, REACH_WITHOUT_LIFT)
        reach[r, :m] = np.where(street, 1.0, step ** np.abs(lv))
        lettable[r] = float(area[r, :m].sum())
        for tag, weight in bd.location.dna.items():
            dna[r, col[tag]] = weight
        pot, vetoed = _assessment(bd) if assess else ({}, {})
        permitted[r] = [f in bd.permitted_functions and f not in vetoed for f in pool.function_columns]
        potential[r] = [float(pot.get(f, 1.0)) for f in pool.function_columns]
    dna = _unit_rows(dna @ pool.projection) if b else dna
    return BuildingBlock(
        ids=tuple(bd.id for bd in buildings),
        position=np.asarray(position, dtype=np.int64),
        valid=valid,
        level=level,
        area=area,
        free_height=height,
        floor_load=load,
        rent=rent,
        reach=reach,
        lettable=lettable,
        dna=dna,
        permitted=permitted,
        potential=potential,
    )
