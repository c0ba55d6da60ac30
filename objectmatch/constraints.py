"""Hard constraints: what they are (:class:`Constraints`) and an independent check of a placement.

:func:`check` re-verifies every hard constraint from the raw models with plain
Python, sharing no code with the encoder or the solver, so that it can be used
to verify any programme: the solver's, or one a person wrote by hand.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from objectmatch.assess import excluded_functions
from objectmatch.models import Building, Candidate, Floor, check_unique_ids

__all__ = ["Constraints", "check", "floor_violations", "normalise_placements", "placement_violations"]

#: Relative slack on area comparisons, so that m² that add up in floating point are not refused.
AREA_TOLERANCE = 1e-6


class Constraints(BaseModel):
    """Hard requirements on a programme. A programme meets all of them or is not returned.

    Examples
    --------
    >>> Constraints(min_occupancy=0.9, must_include={"cafe-1"}).min_functions
    2
    >>> Constraints(incompatible=[("a", "b")]).incompatible
    frozenset({('a', 'b')})
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    min_occupancy: float = Field(default=0.8, ge=0, le=1, description="share of lettable area to let")
    min_functions: int = Field(default=2, ge=0, le=20, description="distinct use functions")
    max_function_share: float = Field(
        default=1.0, gt=0, le=1, description="largest share of the let area one function may take"
    )
    must_include: frozenset[str] = Field(default_factory=frozenset, description="candidate ids that must be in")
    exclude: frozenset[str] = Field(default_factory=frozenset, description="candidate ids that must stay out")
    max_tenants: int | None = Field(default=None, ge=1, description="most tenants in one programme")
    incompatible: frozenset[tuple[str, str]] = Field(
        default_factory=frozenset, description="pairs of candidate ids that may not both be in"
    )

    @field_validator("incompatible", mode="before")
    @classmethod
    def _pairs(cls, value: Any) -> Any:
        if isinstance(value, Iterable) and not isinstance(value, str | Mapping):
            pairs = []
            for item in value:
                pair = tuple(item)
                if len(pair) != 2 or not all(isinstance(x, str) for x in pair):
                    raise ValueError(f"incompatible pair {item!r} must be two candidate ids")
                if pair[0] == pair[1]:
                    raise ValueError(f"incompatible pair {item!r} names one candidate twice")
                pairs.append(tuple(sorted(pair)))
            return frozenset(pairs)
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Constraints:
        both = self.must_include & self.exclude
        if both:
            raise ValueError(f"candidate ids both in must_include and exclude: {sorted(both)}")
        for a, b in self.incompatible:
            if a in self.must_include and b in self.must_include:
                raise ValueError(f"must_include holds both {a!r} and {b!r}, which are incompatible")
        if self.max_tenants is not None and len(self.must_include) > self.max_tenants:
            raise ValueError(
                f"must_include names {len(self.must_include)} candidates, more than max_tenants {self.max_tenants}"
            )
        return self


def floor_violations(building: Building, floor: Floor, candidate: Candidate) -> list[str]:
    """Why ``candidate`` may not use ``floor`` of ``building`` at all (empty list: it may)."""
    out: list[str] = []
    if candidate.function not in building.permitted_functions:
        out.append(
            f"{candidate.id}: function {candidate.function!r} is not permitted in building "
            f"{building.id!r} (permitted: {', '.join(sorted(building.permitted_functions))})"
        )
    if candidate.needs_ground_floor and floor.level != 0:
        out.append(f"{candidate.id}: needs the ground floor, placed on level {floor.level}")
    if floor.free_height < candidate.min_free_height:
        out.append(
            f"{candidate.id}: needs free height {candidate.min_free_height} m, "
            f"level {floor.level} has {floor.free_height} m"
        )
    if floor.floor_load < candidate.min_floor_load:
        out.append(
            f"{candidate.id}: needs floor load {candidate.min_floor_load} kN/m², "
            f"level {floor.level} has {floor.floor_load} kN/m²"
        )
    rent = building.rent(floor.level)
    if candidate.max_rent is not None and rent > candidate.max_rent:
        out.append(
            f"{candidate.id}: can pay at most {candidate.max_rent} EUR/m²/yr, "
            f"level {floor.level} asks {rent} EUR/m²/yr"
        )
    return out


def _over(value: float, limit: float) -> bool:
    return value > limit * (1 + AREA_TOLERANCE) + AREA_TOLERANCE


def normalise_placements(placements: Mapping[str, Mapping[Any, Any]]) -> dict[str, dict[Any, Any]]:
    """A copy of ``placements`` with level keys as ``int`` and m² as ``float`` where they convert.

    JSON turns ``{0: 120.0}`` into ``{"0": 120.0}`` and numpy gives ``np.int64`` levels; both
    mean the same placement. Keys and values that do not convert are kept as they are, so
    that the checks below name them.

    Examples
    --------
    >>> normalise_placements({"cafe": {"0": 120, "x": 5}})
    {'cafe': {0: 120.0, 'x': 5.0}}
    """
    out: dict[str, dict[Any, Any]] = {}
    for cid, floors in placements.items():
        fixed: dict[Any, Any] = {}
        for level, area in floors.items():
            key: Any = level
            numeric_text = isinstance(level, str) and level.strip().lstrip("-").isdigit()
            integer_like = not isinstance(level, bool | str) and hasattr(level, "__index__")
            if numeric_text or integer_like:
                key = int(level)
            value: Any = area
            if not isinstance(area, bool):
                try:
                    value = float(area)
                except (TypeError, ValueError):
                    value = area
            fixed[key] = value
        out[str(cid)] = fixed
    return out


def placement_violations(
    building: Building,
    candidates: Sequence[Candidate] | Mapping[str, Candidate],
    placements: Mapping[str, Mapping[int, float]],
    *,
    vetoes: Mapping[str, str] | None = None,
) -> list[str]:
    """Every physical violation of ``placements``: unknown ids or levels, areas, floors, the mask.

    These are the constraints a placement must meet to be scored at all; the
    programme-level :class:`Constraints` are checked by :func:`check`. ``vetoes`` maps a
    function to the reason the building has no potential for it (for instance
    :func:`objectmatch.assess.excluded_functions`); candidates of those functions may not be placed.
    """
    vetoes = vetoes or {}
    placements = normalise_placements(placements)
    by_id = dict(candidates) if isinstance(candidates, Mapping) else {c.id: c for c in check_unique_ids(candidates)}
    levels = building.levels
    position = {lvl: i for i, lvl in enumerate(levels)}
    out: list[str] = []
    used: dict[int, float] = {}
    for cid, floors in placements.items():
        cand = by_id.get(cid)
        if cand is None:
            out.append(f"{cid}: not a candidate in the pool")
            continue
        if not floors:
            out.append(f"{cid}: placed on no floor")
            continue
        if cand.function in vetoes:
            out.append(f"{cid}: function {cand.function!r} has no potential in building {building.id!r}: "
                       f"{vetoes[cand.function]}")
        unknown = [lvl for lvl in floors if lvl not in position]
        if unknown:
            out.append(f"{cid}: building {building.id!r} has no level {unknown[0]!r} (levels: {list(levels)})")
            continue
        for lvl, area in floors.items():
            if not (isinstance(area, int | float) and math.isfinite(area) and area > 0):
                out.append(f"{cid}: area {area!r} on level {lvl} must be a positive number of m²")
                continue
            used[lvl] = used.get(lvl, 0.0) + area
            out.extend(floor_violations(building, building.floor(lvl), cand))
        total = math.fsum(a for a in floors.values() if isinstance(a, int | float) and math.isfinite(a))
        if total < cand.area_min * (1 - AREA_TOLERANCE) - AREA_TOLERANCE:
            out.append(f"{cid}: takes {total:g} m², less than its area_min {cand.area_min:g} m²")
        if _over(total, cand.area_max):
            out.append(f"{cid}: takes {total:g} m², more than its area_max {cand.area_max:g} m²")
        if len(floors) > cand.max_floors:
            out.append(f"{cid}: spans {len(floors)} floors, more than its max_floors {cand.max_floors}")
        idx = sorted(position[lvl] for lvl in floors)
        if idx and idx[-1] - idx[0] != len(idx) - 1:
            out.append(f"{cid}: floors {sorted(floors)} are not contiguous")
    for lvl in levels:
        if lvl in used and _over(used[lvl], building.floor(lvl).area):
            out.append(
                f"level {lvl}: {used[lvl]:g} m² placed, more than its lettable area {building.floor(lvl).area:g} m²"
            )
    return out


def check(
    building: Building,
    candidates: Sequence[Candidate],
    placements: Mapping[str, Mapping[int, float]],
    constraints: Constraints | None = None,
    *,
    assess: bool = False,
) -> list[str]:
    """List every hard constraint that ``placements`` breaks, all at once.

    Parameters
    ----------
    building, candidates
        The object and the pool the placements are drawn from.
    placements
        Candidate id -> {floor level: m²}.
    constraints
        Programme-level requirements; ``None`` means the defaults, ``Constraints()``.
    assess
        Also refuse functions the hard-side assessment vetoes for this building
        (:func:`objectmatch.assess.excluded_functions`), which :func:`objectmatch.match` leaves
        out of its programmes by default.

    Returns
    -------
    list of str
        One sentence per violation, naming candidate, floor and figures; empty when valid.

    Examples
    --------
    >>> from objectmatch import load_example
    >>> building, pool = load_example()
    >>> check(building, pool, {pool[0].id: {99: 10.0}}, Constraints(min_occupancy=0, min_functions=0))
    ["...: building '...' has no level 99 (levels: [...])"]
    """
    constraints = constraints if constraints is not None else Constraints()
    pool = check_unique_ids(candidates)
    placements = normalise_placements(placements)
    by_id = {c.id: c for c in pool}
    out = placement_violations(building, by_id, placements, vetoes=excluded_functions(building) if assess else None)
    chosen = [by_id[cid] for cid in placements if cid in by_id]
    let = math.fsum(a for cid in placements if cid in by_id for a in placements[cid].values() if a > 0)
    lettable = building.lettable_area
    if let < constraints.min_occupancy * lettable * (1 - AREA_TOLERANCE):
        out.append(
            f"occupancy {let / lettable:.1%} ({let:,.0f} m² of {lettable:,.0f} m²) is below "
            f"min_occupancy {constraints.min_occupancy:.1%}"
        )
    functions: dict[str, float] = {}
    for c in chosen:
        functions[c.function] = functions.get(c.function, 0.0) + math.fsum(placements[c.id].values())
    if len(functions) < constraints.min_functions:
        out.append(
            f"{len(functions)} distinct function(s) ({', '.join(sorted(functions)) or 'none'}), "
            f"fewer than min_functions {constraints.min_functions}"
        )
    if let > 0:
        for fn, area in sorted(functions.items()):
            if _over(area / let, constraints.max_function_share):
                out.append(
                    f"function {fn!r} takes {area / let:.1%} of the let area, more than "
                    f"max_function_share {constraints.max_function_share:.1%}"
                )
    for cid in sorted(constraints.must_include):
        if cid not in by_id:
            out.append(f"must_include {cid!r} is not a candidate in the pool")
        elif cid not in placements:
            out.append(f"must_include {cid!r} is not placed")
    for cid in sorted(constraints.exclude & set(placements)):
        out.append(f"excluded candidate {cid!r} is placed")
    if constraints.max_tenants is not None and len(placements) > constraints.max_tenants:
        out.append(f"{len(placements)} tenants, more than max_tenants {constraints.max_tenants}")
    for a, b in sorted(constraints.incompatible):
        if a in placements and b in placements:
            out.append(f"{a!r} and {b!r} are placed together but marked incompatible")
    for c in sorted(chosen, key=lambda c: c.id):
        for other in sorted(c.incompatible):
            if other in placements and other in by_id and (other > c.id or c.id not in by_id[other].incompatible):
                out.append(f"{c.id!r} refuses to share the building with {other!r}, and both are placed")
    return out
