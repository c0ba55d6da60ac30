"""The portfolio's arrays: a pool encoded once for screening, and blocks of buildings with padded floors.

Nothing here defines a rule. The per-candidate numbers come from the core's encoder
(:func:`objectmatch._engine.encode.encode_pool`; the participation round's wishes and objections
from :func:`objectmatch._engine.encode.encode`), publicness and floor reach from the formula
functions of :mod:`objectmatch._engine.terms`, and each building's DNA, potentials, vetoes,
largest discount and function levels from :func:`objectmatch._context.context`, exactly as
:func:`objectmatch.match` derives them.

:class:`ScreenPool` keeps only what the screen reads, one row per candidate sorted by id, so that a
pool of 100,000 costs a few MB (the encoder's full arrays, with their n x 168 schedules, are built a
chunk at a time and dropped). :class:`BuildingBlock` holds a block of buildings as
(buildings x floors) arrays, floors padded to the block's tallest building with a validity mask.
Areas are in units of ``area_step`` m² (whole m² by default), as the core's array problem counts them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from objectmatch._context import context
from objectmatch._engine.encode import (
    BoolArray,
    FloatArray,
    IntArray,
    PoolArrays,
    encode,
    encode_pool,
    network_projection,
)
from objectmatch._engine.scorer import unit_rows
from objectmatch._engine.terms import floor_reach, publicness
from objectmatch.constraints import Constraints, min_part
from objectmatch.models import Building, Candidate
from objectmatch.options import ScoringOptions
from objectmatch.vocabulary import active_vocabulary

__all__ = ["BuildingBlock", "ScreenPool", "encode_buildings", "encode_screen_pool", "identity_columns"]


@dataclass(frozen=True, eq=False)
class ScreenPool:
    """A pool as the screen reads it: one row per candidate, sorted by id.

    ``ident`` holds the unit identity vectors after the identity network's projection (as the
    scorer computes them); ``projection`` is that projection, to apply to the buildings' DNA over
    the same ``identity_columns``. ``area_min``, ``area_max`` and ``part`` (the least a tenant
    spanning floors takes on each, :func:`objectmatch.constraints.min_part`) are in area units;
    ``wish`` and ``objection`` are the participation round's (zeros without one).
    """

    ids: tuple[str, ...]
    identity_columns: tuple[str, ...]
    function_columns: tuple[str, ...]
    projection: FloatArray
    ident: FloatArray
    function: IntArray
    area_min: IntArray
    area_max: IntArray
    part: IntArray
    max_floors: IntArray
    needs_ground_floor: BoolArray
    min_free_height: FloatArray
    min_floor_load: FloatArray
    max_rent: FloatArray
    public: FloatArray
    wish: FloatArray
    objection: FloatArray
    area_step: int

    @property
    def n(self) -> int:
        """Number of candidates."""
        return len(self.ids)


def identity_columns(
    candidates: Sequence[Candidate], buildings: Sequence[Building], options: ScoringOptions
) -> list[str]:
    """The identity columns of the whole job: the vocabulary's identities and every tag in use.

    :func:`objectmatch._engine.encode.encode` takes the same union for one building and its pool;
    cosines do not depend on extra all-zero columns (an identity network's projection can).
    """
    columns = set(active_vocabulary().identities)
    if options.profile is not None:
        columns |= set(options.profile.dna())
    else:
        columns |= {t for b in buildings for t in b.location.dna}
    columns |= {t for c in candidates for t in c.identities}
    return sorted(columns)


def _participation(
    chunk: Sequence[Candidate], reference: Building | None, strengths: object
) -> tuple[FloatArray, FloatArray]:
    """Wish and objection per candidate, from the encoder itself (they do not depend on the building)."""
    if strengths is None or reference is None or not chunk:
        return np.zeros(len(chunk)), np.zeros(len(chunk))
    enc = encode(reference, chunk, strengths=strengths)  # type: ignore[arg-type]
    return np.asarray(enc.wish, dtype=float), np.asarray(enc.objection, dtype=float)


def _units(part: PoolArrays, step: int) -> tuple[IntArray, IntArray, IntArray]:
    """area_min (rounded up), area_max (rounded down) and the smallest part, in units of ``step`` m²."""
    amin = -(-part.area_min // step)
    amax = part.area_max // step
    smallest = np.array([min_part(float(a), step) // step for a in part.area_min.tolist()], dtype=np.int64)
    return np.asarray(amin, dtype=np.int64), np.asarray(amax, dtype=np.int64), smallest


def encode_screen_pool(
    candidates: Sequence[Candidate],
    columns: Sequence[str],
    options: ScoringOptions,
    *,
    reference: Building | None = None,
    chunk: int = 512,
) -> ScreenPool:
    """Encode ``candidates`` (sorted by id, unique) once, ``chunk`` at a time, under ``options``.

    ``reference`` is any building of the job: the encoder needs one to give the participation
    round's wishes and objections per candidate, which do not depend on it.
    """
    n = len(candidates)
    function_columns = sorted({c.function for c in candidates})
    fn_index = {f: g for g, f in enumerate(function_columns)}
    projection = network_projection(columns, options.identity_network(), options.weights.network_strength)
    strengths = options.participation.strengths() if options.participation is not None else None
    parts: dict[str, list[np.ndarray]] = {}
    for start in range(0, max(n, 1), chunk):  # one empty chunk for an empty pool: arrays of the right shapes
        rows = candidates[start : start + chunk]
        part = encode_pool(rows, identity_columns=columns)
        remap = np.array([fn_index[f] for f in part.function_columns], dtype=np.int64)
        amin, amax, smallest = _units(part, options.area_step)
        wish, objection = _participation(rows, reference, strengths)
        for name, value in (
            ("ident", unit_rows(part.identity @ projection)), ("function", remap[part.function]),
            ("area_min", amin), ("area_max", amax), ("part", smallest), ("max_floors", part.max_floors),
            ("needs_ground_floor", part.needs_ground_floor), ("min_free_height", part.min_free_height),
            ("min_floor_load", part.min_floor_load), ("max_rent", part.max_rent),
            ("public", publicness(part.visitors, options.score_model)), ("wish", wish), ("objection", objection),
        ):
            parts.setdefault(name, []).append(value)
    arrays = {name: np.concatenate(values) for name, values in parts.items()}
    for a in arrays.values():
        a.flags.writeable = False
    return ScreenPool(
        ids=tuple(c.id for c in candidates), identity_columns=tuple(columns),
        function_columns=tuple(function_columns), projection=projection, area_step=options.area_step, **arrays,
    )


@dataclass(frozen=True, eq=False)
class BuildingBlock:
    """A block of buildings as arrays: b buildings x F floors (F = the most floors in the block).

    Floors are lowest level first, as in :class:`~objectmatch.models.Building`; padded floors have
    ``valid`` false and never pass the mask. ``position`` is each building's position in the
    caller's list (output order). Per building and pool function: ``permitted`` (zoning and no
    veto of the assessment), ``potential``, and the levels the function may use (``lowest``,
    ``highest``, from ``Constraints.function_levels``); per building ``max_discount``.
    """

    ids: tuple[str, ...]
    position: IntArray
    valid: BoolArray
    level: IntArray
    capacity: IntArray
    free_height: FloatArray
    floor_load: FloatArray
    asking: FloatArray
    reach: FloatArray
    lettable: FloatArray
    rent_roll: FloatArray
    dna: FloatArray
    permitted: BoolArray
    potential: FloatArray
    lowest: FloatArray
    highest: FloatArray
    max_discount: FloatArray

    @property
    def b(self) -> int:
        """Number of buildings."""
        return len(self.ids)

    @property
    def floors(self) -> int:
        """Padded floor count F."""
        return int(self.level.shape[1])


def _floor_rows(building: Building, options: ScoringOptions) -> dict[str, np.ndarray]:
    """One building's floor arrays, as :func:`objectmatch._engine.encode.encode` builds them."""
    levels = np.array(building.levels, dtype=np.int64)
    area = np.array([f.area for f in building.floors], dtype=np.int64)
    street = np.array([f.street_frontage for f in building.floors], dtype=bool)
    elevator = np.array([f.elevator for f in building.floors], dtype=bool)
    return {
        "level": levels,
        "area": area,
        "capacity": area // options.area_step,
        "free_height": np.array([f.free_height for f in building.floors], dtype=float),
        "floor_load": np.array([f.floor_load for f in building.floors], dtype=float),
        "asking": np.array([building.rent(f.level) for f in building.floors], dtype=float),
        "reach": floor_reach(levels, street, elevator, options.score_model),
    }


def encode_buildings(
    buildings: Sequence[Building],
    position: Sequence[int],
    constraints: Sequence[Constraints],
    pool: ScreenPool,
    options: ScoringOptions,
) -> BuildingBlock:
    """Encode ``buildings`` as one :class:`BuildingBlock` over ``pool``'s identity and function columns.

    Each building's context (:func:`objectmatch._context.context` under ``options`` and its
    ``constraints``) gives its DNA, the assessment's potentials and vetoes (with ``assess``), the
    largest rent discount and the levels each function may use.
    """
    b, fns = len(buildings), pool.function_columns
    f_max = max((len(bd.floors) for bd in buildings), default=0)
    out = _blank_block(b, f_max, len(pool.identity_columns), len(fns))
    col = {t: j for j, t in enumerate(pool.identity_columns)}
    # The round's strengths are the pool's (ScreenPool.wish/objection): not needed per building.
    plain = options.model_copy(update={"participation": None})
    for r, (bd, cons) in enumerate(zip(buildings, constraints, strict=True)):
        ctx = context(bd, plain, cons)
        rows = _floor_rows(bd, options)
        m = len(bd.floors)
        out["valid"][r, :m] = True
        for name in ("level", "capacity", "free_height", "floor_load", "asking", "reach"):
            out[name][r, :m] = rows[name]
        out["lettable"][r] = float(rows["area"].sum())
        out["rent_roll"][r] = float(rows["area"] @ rows["asking"])
        for tag, weight in ctx.dna.items():
            out["dna"][r, col[tag]] = float(weight)
        out["permitted"][r] = [f in bd.permitted_functions and f not in ctx.rules.vetoes for f in fns]
        out["potential"][r] = [float(ctx.potentials.get(f, 1.0)) for f in fns]
        bounds = [ctx.rules.function_levels.get(f, (None, None)) for f in fns]
        out["lowest"][r] = [-np.inf if lo is None else lo for lo, _ in bounds]
        out["highest"][r] = [np.inf if hi is None else hi for _, hi in bounds]
        out["max_discount"][r] = ctx.rules.max_discount
    out["dna"] = unit_rows(out["dna"] @ pool.projection) if b else out["dna"]
    return BuildingBlock(ids=tuple(bd.id for bd in buildings), position=np.asarray(position, dtype=np.int64), **out)


def _blank_block(b: int, f: int, k: int, g: int) -> dict[str, np.ndarray]:
    """Arrays of a block before its buildings are filled in; padded floors stay invalid."""
    return {
        "valid": np.zeros((b, f), dtype=bool),
        "level": np.zeros((b, f), dtype=np.int64),
        "capacity": np.zeros((b, f), dtype=np.int64),
        "free_height": np.zeros((b, f)),
        "floor_load": np.zeros((b, f)),
        "asking": np.ones((b, f)),  # padding: any positive rent (the budget fit divides by it)
        "reach": np.ones((b, f)),
        "lettable": np.ones(b),
        "rent_roll": np.ones(b),
        "dna": np.zeros((b, k)),
        "permitted": np.zeros((b, g), dtype=bool),
        "potential": np.ones((b, g)),
        "lowest": np.full((b, g), -np.inf),
        "highest": np.full((b, g), np.inf),
        "max_discount": np.zeros(b),
    }
