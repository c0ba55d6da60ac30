"""Hard constraints: what they are (:class:`Constraints`) and an independent check of a placement.

:func:`check` re-verifies every hard constraint from the raw models with plain Python, sharing no
code with the encoder or the solver, so that it can verify any programme: the solver's, or one a
person wrote by hand. It returns :class:`Violation` objects (a ``str`` with a ``kind``, a
``subject``, a ``floor`` and the ``figures`` behind it), so ``check(...) == []`` reads as before
and the explanations can sort reasons by kind rather than by wording.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, StrictBool, field_validator, model_validator

from objectmatch._engine.terms import agreed_rent, rent_allowed
from objectmatch._params import Int, Real
from objectmatch.models import Building, Candidate, Floor, TagSet, check_unique_ids

__all__ = [
    "Constraints",
    "Violation",
    "check",
    "floor_violations",
    "min_part",
    "normalise_placements",
    "physical_violations",
    "placement_violations",
    "range_text",
]


def _sorted_pairs(pairs: frozenset[tuple[str, str]]) -> list[tuple[str, str]]:
    return sorted(pairs)


#: Pairs of ids; written to JSON sorted (a set's order depends on the process's string hashing, so
#: the same constraints would otherwise serialise differently in two runs).
PairSet = Annotated[
    frozenset[tuple[str, str]],
    PlainSerializer(_sorted_pairs, return_type=list[tuple[str, str]], when_used="always"),
]

#: Relative slack on comparisons of products of floats (rent, shares, occupancy).
SLACK = 1e-9
#: A tenant on several floors takes at least this share of its area_min on each (no 1 m² slivers that
#: would make it a neighbour of a whole floor).
MIN_PART_SHARE = 0.2


def min_part(area_min: float, area_step: int = 1) -> int:
    """The fewest m² a tenant spanning floors takes on each: a fifth of its area_min, on the grid.

    Examples
    --------
    >>> min_part(150), min_part(150, 25), min_part(3)
    (30, 50, 1)
    """
    return area_step * max(1, math.ceil(MIN_PART_SHARE * area_min / area_step - 1e-9))

Kind = Literal[
    "unknown_candidate", "unknown_level", "no_floor", "area", "area_grid", "area_min", "area_max", "max_floors",
    "contiguity", "part", "capacity", "function_not_permitted", "ground_floor", "free_height", "floor_load", "rent",
    "function_level", "vetoed", "exclusive_floor", "occupancy", "min_functions", "max_function_share",
    "must_include", "excluded", "max_tenants", "incompatible", "refuses", "min_rent_share", "lead",
]


class Violation(str):
    """One broken rule: the sentence (the ``str``) plus its ``kind``, ``subject`` (a candidate id,
    function or ``None``), ``floor`` (a level or ``None``) and the ``figures`` it names.

    Examples
    --------
    >>> v = Violation("level 2: too full", kind="capacity", floor=2, figures={"placed": 900, "area": 880})
    >>> v == "level 2: too full", v.kind, v.figures["placed"]
    (True, 'capacity', 900)
    """

    kind: Kind
    subject: str | None
    floor: int | None
    figures: dict[str, float]

    def __new__(
        cls, message: str, *, kind: Kind, subject: str | None = None, floor: int | None = None,
        figures: Mapping[str, float] | None = None,
    ) -> Violation:
        self = super().__new__(cls, message)
        self.kind = kind
        self.subject = subject
        self.floor = floor
        self.figures = dict(figures or {})
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (_violation, (str(self), self.kind, self.subject, self.floor, self.figures))


def _violation(
    message: str, kind: Kind, subject: str | None, floor: int | None, figures: dict[str, float]
) -> Violation:
    return Violation(message, kind=kind, subject=subject, floor=floor, figures=figures)


#: The building-code default: dwellings and lodging hold their floors alone (fire compartments,
#: own access, sound insulation between functions; lenders expect it too).
DEFAULT_EXCLUSIVE = frozenset({"residential", "lodging"})
#: The building-code default: no dwellings in the commercial plinth.
DEFAULT_LEVELS: dict[str, tuple[int | None, int | None]] = {"residential": (1, None)}


class Constraints(BaseModel):
    """Hard requirements on a programme. A programme meets all of them or is not returned.

    Examples
    --------
    >>> Constraints(min_occupancy=0.9, must_include={"cafe-1"}).min_functions
    2
    >>> sorted(Constraints().exclusive_functions), Constraints().function_levels
    (['lodging', 'residential'], {'residential': (1, None)})
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    min_occupancy: Real = Field(default=0.8, ge=0, le=1, description="share of lettable area to let")
    min_functions: Int = Field(default=2, ge=0, le=20, description="distinct use functions")
    max_function_share: Real = Field(
        default=1.0, gt=0, le=1, description="largest share of the let area one function may take"
    )
    must_include: TagSet = Field(default_factory=frozenset, description="candidate ids that must be in")
    exclude: TagSet = Field(default_factory=frozenset, description="candidate ids that must stay out")
    max_tenants: Int | None = Field(default=None, ge=1, le=100_000, description="most tenants in one programme")
    incompatible: PairSet = Field(
        default_factory=frozenset, description="pairs of candidate ids that may not both be in"
    )
    max_discount: Real = Field(
        default=0.3, ge=0, lt=1, description="largest rent discount, as a share of the asking rent"
    )
    min_rent_share: Real | None = Field(
        default=None, ge=0, le=1, description="annual rent at least this share of the full asking rent roll"
    )
    exclusive_functions: TagSet = Field(
        default=DEFAULT_EXCLUSIVE, description="functions that hold their floors alone"
    )
    function_levels: dict[str, tuple[Int | None, Int | None]] = Field(
        default_factory=lambda: dict(DEFAULT_LEVELS),
        description="function -> (lowest level, highest level) it may use; None = no limit",
    )
    lead: str | None = Field(default=None, description="function that must hold the largest area share")

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

    @field_validator("function_levels")
    @classmethod
    def _levels(cls, value: dict[str, tuple[int | None, int | None]]) -> dict[str, tuple[int | None, int | None]]:
        for fn, (lo, hi) in value.items():
            if lo is not None and hi is not None and lo > hi:
                raise ValueError(f"function_levels[{fn!r}] = ({lo}, {hi}): the lowest level is above the highest")
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

    def level_range(self, function: str) -> tuple[int | None, int | None]:
        """(lowest, highest) level ``function`` may use; ``None`` where unbounded."""
        return self.function_levels.get(function, (None, None))


# -- per floor ------------------------------------------------------------------------------------


def physical_violations(building: Building, floor: Floor, candidate: Candidate) -> list[Violation]:
    """Why ``candidate`` cannot physically use ``floor`` at all: zoning, ground floor, height, load."""
    cid, lvl = candidate.id, floor.level
    out: list[Violation] = []
    if candidate.function not in building.permitted_functions:
        out.append(Violation(
            f"{cid}: function {candidate.function!r} is not permitted in building {building.id!r} "
            f"(permitted: {', '.join(sorted(building.permitted_functions))})",
            kind="function_not_permitted", subject=cid, floor=lvl,
        ))
    if candidate.needs_ground_floor and lvl != 0:
        out.append(Violation(f"{cid}: needs the ground floor, placed on level {lvl}",
                             kind="ground_floor", subject=cid, floor=lvl))
    if floor.free_height < candidate.min_free_height:
        out.append(Violation(
            f"{cid}: needs free height {candidate.min_free_height} m, level {lvl} has {floor.free_height} m",
            kind="free_height", subject=cid, floor=lvl,
            figures={"needed": candidate.min_free_height, "available": floor.free_height},
        ))
    if floor.floor_load < candidate.min_floor_load:
        out.append(Violation(
            f"{cid}: needs floor load {candidate.min_floor_load} kN/m², level {lvl} has {floor.floor_load} kN/m²",
            kind="floor_load", subject=cid, floor=lvl,
            figures={"needed": candidate.min_floor_load, "available": floor.floor_load},
        ))
    return out


def floor_violations(
    building: Building, floor: Floor, candidate: Candidate, constraints: Constraints | None = None
) -> list[Violation]:
    """Why ``candidate`` may not use ``floor`` at all: the physical rules, its rent against the largest
    discount, and the levels its function may use."""
    cons = constraints if constraints is not None else Constraints()
    cid, lvl = candidate.id, floor.level
    out = physical_violations(building, floor, candidate)
    asking = building.rent(lvl)
    budget = math.inf if candidate.max_rent is None else candidate.max_rent
    if not bool(rent_allowed(asking, budget, cons.max_discount)):
        out.append(Violation(
            f"{cid}: can pay at most {candidate.max_rent} EUR/m²/yr, level {lvl} asks {asking} EUR/m²/yr "
            f"and the largest discount ({cons.max_discount:.0%}) brings it to {(1 - cons.max_discount) * asking:g}",
            kind="rent", subject=cid, floor=lvl, figures={"max_rent": budget, "asking": asking},
        ))
    lo, hi = cons.level_range(candidate.function)
    if (lo is not None and lvl < lo) or (hi is not None and lvl > hi):
        out.append(Violation(
            f"{cid}: function {candidate.function!r} may use levels {range_text(lo, hi)}, placed on level {lvl}",
            kind="function_level", subject=cid, floor=lvl,
        ))
    return out


def range_text(lo: int | None, hi: int | None) -> str:
    """Levels ``lo`` to ``hi`` in words ("1 and up", "up to 3", "0 to 2")."""
    if hi is None:
        return f"{lo} and up"
    if lo is None:
        return f"up to {hi}"
    return f"{lo} to {hi}"


# -- placements -----------------------------------------------------------------------------------


def normalise_placements(placements: Mapping[str, Mapping[Any, Any]]) -> dict[str, dict[Any, Any]]:
    """A copy of ``placements`` with level keys as ``int`` and m² as ``float`` where they convert.

    JSON turns ``{0: 120.0}`` into ``{"0": 120.0}`` and numpy gives ``np.int64`` levels; both mean
    the same placement. Keys and values that do not convert are kept, so the checks name them.

    Examples
    --------
    >>> normalise_placements({"cafe": {"0": 120, "x": 5}})
    {'cafe': {0: 120.0, 'x': 5.0}}
    """
    if not isinstance(placements, Mapping):
        raise TypeError(
            f"placements must be a mapping of candidate id to {{level: m²}}; got {type(placements).__name__}"
        )
    out: dict[str, dict[Any, Any]] = {}
    for cid, floors in placements.items():
        if not isinstance(floors, Mapping):
            raise TypeError(f"placements[{cid!r}] must be a mapping of level to m²; got {type(floors).__name__}")
        out[str(cid)] = {_level_key(level): _area_value(area) for level, area in floors.items()}
    return out


def _level_key(level: Any) -> Any:
    numeric_text = isinstance(level, str) and level.strip().lstrip("-").isdigit()
    integer_like = not isinstance(level, bool | str) and hasattr(level, "__index__")
    return int(level) if numeric_text or integer_like else level


def _area_value(area: Any) -> Any:
    if isinstance(area, bool | str):
        return area
    try:
        return float(area)
    except (TypeError, ValueError):
        return area


def _area_problems(cid: str, lvl: Any, area: Any, area_step: int) -> list[Violation]:
    if not (_number(area) and area > 0):  # a bool is a slip, not 1 m²
        return [Violation(f"{cid}: area {area!r} on level {lvl} must be a positive number of m²",
                          kind="area", subject=cid, floor=lvl if isinstance(lvl, int) else None)]
    if not float(area / area_step).is_integer():
        return [Violation(
            f"{cid}: area {area:g} m² on level {lvl} is not a whole multiple of area_step {area_step} m²",
            kind="area_grid", subject=cid, floor=lvl, figures={"area": area, "area_step": area_step},
        )]
    return []


def _tenant_violations(
    building: Building, cand: Candidate, floors: Mapping[Any, Any], area_step: int, constraints: Constraints | None
) -> list[Violation]:
    """One tenant's placement: levels, areas, floors spanned, and (with constraints) every floor rule."""
    cid = cand.id
    levels = building.levels
    position = {lvl: i for i, lvl in enumerate(levels)}
    if not floors:
        return [Violation(f"{cid}: placed on no floor", kind="no_floor", subject=cid)]
    unknown = [lvl for lvl in floors if lvl not in position]
    if unknown:
        return [Violation(f"{cid}: building {building.id!r} has no level {unknown[0]!r} (levels: {list(levels)})",
                          kind="unknown_level", subject=cid)]
    out: list[Violation] = []
    for lvl, area in floors.items():
        out += _area_problems(cid, lvl, area, area_step)
        floor = building.floor(lvl)
        out += physical_violations(building, floor, cand) if constraints is None else floor_violations(
            building, floor, cand, constraints
        )
    total = math.fsum(a for a in floors.values() if isinstance(a, int | float) and math.isfinite(a))
    if total < cand.area_min:
        out.append(Violation(f"{cid}: takes {total:g} m², less than its area_min {cand.area_min:g} m²",
                             kind="area_min", subject=cid, figures={"area": total, "area_min": cand.area_min}))
    if total > cand.area_max:
        out.append(Violation(f"{cid}: takes {total:g} m², more than its area_max {cand.area_max:g} m²",
                             kind="area_max", subject=cid, figures={"area": total, "area_max": cand.area_max}))
    if len(floors) > cand.max_floors:
        out.append(Violation(f"{cid}: spans {len(floors)} floors, more than its max_floors {cand.max_floors}",
                             kind="max_floors", subject=cid))
    part = min_part(cand.area_min, area_step)
    thin = sorted(lvl for lvl, a in floors.items() if _number(a) and 0 < a < part)
    if len(floors) > 1 and thin:
        out.append(Violation(f"{cid}: takes less than {part} m² (a fifth of its area_min) on level(s) {thin}",
                             kind="part", subject=cid, figures={"min_part": part}))
    idx = sorted(position[lvl] for lvl in floors)
    if idx[-1] - idx[0] != len(idx) - 1:
        out.append(Violation(f"{cid}: floors {sorted(floors)} are not contiguous", kind="contiguity", subject=cid))
    return out


def placement_violations(
    building: Building,
    candidates: Sequence[Candidate] | Mapping[str, Candidate],
    placements: Mapping[str, Mapping[Any, Any]],
    *,
    area_step: int = 1,
    constraints: Constraints | None = None,
) -> list[Violation]:
    """Every violation of a placement as such: unknown ids or levels, areas off the grid, floors, capacity.

    Without ``constraints`` only the physical floor rules apply (what :func:`objectmatch.score` needs
    to score a placement at all); with them, rent within the largest discount and permitted levels too.
    """
    placements = normalise_placements(placements)
    by_id = dict(candidates) if isinstance(candidates, Mapping) else {c.id: c for c in check_unique_ids(candidates)}
    out: list[Violation] = []
    used: dict[int, float] = {}
    for cid, floors in placements.items():
        cand = by_id.get(cid)
        if cand is None:
            out.append(Violation(f"{cid}: not a candidate in the pool", kind="unknown_candidate", subject=cid))
            continue
        out += _tenant_violations(building, cand, floors, area_step, constraints)
        for lvl, area in floors.items():
            if lvl in building.levels and isinstance(area, int | float) and math.isfinite(area):
                used[lvl] = used.get(lvl, 0.0) + area
    for lvl, placed in sorted(used.items()):
        area = building.floor(lvl).area
        if placed > area:
            out.append(Violation(f"level {lvl}: {placed:g} m² placed, more than its lettable area {area:g} m²",
                                 kind="capacity", floor=lvl, figures={"placed": placed, "area": area}))
    return out


# -- the programme --------------------------------------------------------------------------------


def _function_areas(placements: Mapping[str, Mapping[int, float]], by_id: Mapping[str, Candidate]) -> dict[str, float]:
    functions: dict[str, float] = {}
    for cid, floors in placements.items():
        if cid in by_id:
            fn = by_id[cid].function
            functions[fn] = functions.get(fn, 0.0) + math.fsum(a for a in floors.values() if _number(a))
    return functions


def _number(a: Any) -> bool:
    return isinstance(a, int | float) and not isinstance(a, bool) and math.isfinite(a)


def _occupancy(building: Building, let: float, cons: Constraints) -> list[Violation]:
    lettable = building.lettable_area
    if let <= 0:
        return [Violation("the programme places no tenant", kind="occupancy",
                          figures={"let": let, "lettable": lettable, "min_occupancy": cons.min_occupancy})]
    if let < cons.min_occupancy * lettable * (1 - SLACK):
        return [Violation(
            f"occupancy {let / lettable:.1%} ({let:,.0f} m² of {lettable:,.0f} m²) is below "
            f"min_occupancy {cons.min_occupancy:.1%}",
            kind="occupancy", figures={"let": let, "lettable": lettable, "min_occupancy": cons.min_occupancy},
        )]
    return []


def _function_mix(functions: Mapping[str, float], let: float, cons: Constraints) -> list[Violation]:
    out: list[Violation] = []
    if len(functions) < cons.min_functions:
        out.append(Violation(
            f"{len(functions)} distinct function(s) ({', '.join(sorted(functions)) or 'none'}), "
            f"fewer than min_functions {cons.min_functions}",
            kind="min_functions", figures={"functions": len(functions), "min_functions": cons.min_functions},
        ))
    if let > 0:
        for fn, area in sorted(functions.items()):
            if area > cons.max_function_share * let * (1 + SLACK):
                out.append(Violation(
                    f"function {fn!r} takes {area / let:.1%} of the let area, more than "
                    f"max_function_share {cons.max_function_share:.1%}",
                    kind="max_function_share", subject=fn, figures={"share": area / let},
                ))
    if cons.lead is not None:
        lead_area = functions.get(cons.lead, 0.0)
        bigger = sorted(fn for fn, a in functions.items() if fn != cons.lead and a > lead_area * (1 + SLACK))
        if bigger or cons.lead not in functions:
            out.append(Violation(
                f"lead function {cons.lead!r} takes {lead_area:g} m², not the largest area"
                + (f" ({', '.join(bigger)} take more)" if bigger else ""),
                kind="lead", subject=cons.lead, figures={"area": lead_area},
            ))
    return out


def _tenant_rules(
    placements: Mapping[str, Mapping[int, float]], by_id: Mapping[str, Candidate], cons: Constraints
) -> list[Violation]:
    out: list[Violation] = []
    for cid in sorted(cons.must_include):
        if cid not in by_id:
            out.append(Violation(f"must_include {cid!r} is not a candidate in the pool", kind="must_include",
                                 subject=cid))
        elif cid not in placements:
            out.append(Violation(f"must_include {cid!r} is not placed", kind="must_include", subject=cid))
    for cid in sorted(cons.exclude & set(placements)):
        out.append(Violation(f"excluded candidate {cid!r} is placed", kind="excluded", subject=cid))
    if cons.max_tenants is not None and len(placements) > cons.max_tenants:
        out.append(Violation(f"{len(placements)} tenants, more than max_tenants {cons.max_tenants}",
                             kind="max_tenants"))
    for a, b in sorted(cons.incompatible):
        if a in placements and b in placements:
            out.append(Violation(f"{a!r} and {b!r} are placed together but marked incompatible",
                                 kind="incompatible", subject=a))
    for cid in sorted(c for c in placements if c in by_id):
        for other in sorted(by_id[cid].incompatible):
            if other in placements and other in by_id and (other > cid or cid not in by_id[other].incompatible):
                out.append(Violation(f"{cid!r} refuses to share the building with {other!r}, and both are placed",
                                     kind="refuses", subject=cid))
    return out


def _exclusive_floors(
    building: Building, placements: Mapping[str, Mapping[int, float]], by_id: Mapping[str, Candidate],
    cons: Constraints,
) -> list[Violation]:
    out: list[Violation] = []
    for lvl in building.levels:
        fns = sorted({by_id[c].function for c, fl in placements.items() if c in by_id and lvl in fl})
        exclusive = [f for f in fns if f in cons.exclusive_functions]
        if exclusive and len(fns) > 1:
            out.append(Violation(
                f"level {lvl}: {', '.join(exclusive)} must hold the floor alone, but it also holds "
                f"{', '.join(f for f in fns if f not in exclusive[:1])}",
                kind="exclusive_floor", subject=exclusive[0], floor=lvl,
            ))
    return out


def _rent_share(
    building: Building, placements: Mapping[str, Mapping[int, float]], by_id: Mapping[str, Candidate],
    cons: Constraints,
) -> list[Violation]:
    if cons.min_rent_share is None:
        return []
    income = math.fsum(
        area * float(agreed_rent(building.rent(lvl), math.inf if by_id[c].max_rent is None else by_id[c].max_rent))
        for c, fl in placements.items() if c in by_id for lvl, area in fl.items()
        if lvl in building.levels and _number(area)
    )
    full = math.fsum(f.area * building.rent(f.level) for f in building.floors)
    if income < cons.min_rent_share * full * (1 - SLACK):
        return [Violation(
            f"annual rent EUR {income:,.0f} is {income / full:.1%} of the full asking rent roll "
            f"(EUR {full:,.0f}), below min_rent_share {cons.min_rent_share:.1%}",
            kind="min_rent_share", figures={"annual_rent": income, "full_rent_roll": full},
        )]
    return []


class CheckOptions(BaseModel):
    """The options of :func:`check`, validated once."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    constraints: Constraints | None = Field(default=None, json_schema_extra={"constraint": "a Constraints or None"})
    assess: StrictBool = Field(default=True, json_schema_extra={"constraint": "True or False"})
    area_step: Int = Field(default=1, ge=1, le=1000, json_schema_extra={"constraint": "an int in [1, 1000]"})


def check(
    building: Building,
    candidates: Sequence[Candidate],
    placements: Mapping[str, Mapping[Any, Any]],
    *,
    constraints: Constraints | None = None,
    assess: bool = True,
    area_step: int = 1,
) -> list[Violation]:
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
        Refuse functions the hard-side assessment vetoes for this building
        (:func:`objectmatch.assess.excluded_functions`), as :func:`objectmatch.match` does.
    area_step
        Areas must be whole multiples of this many m² (default 1: whole square metres).

    Returns
    -------
    list of Violation
        One sentence per violation (a ``str``), naming candidate, floor and figures; empty when valid.

    Examples
    --------
    >>> from objectmatch import load_example
    >>> building, pool = load_example()
    >>> check(building, pool, {pool[0].id: {99: 10.0}}, constraints=Constraints(min_occupancy=0, min_functions=0))
    ["...: building '...' has no level 99 (levels: [...])"]
    """
    from objectmatch._inputs import as_building, as_candidates, as_placements
    from objectmatch._params import validate

    opts = validate(CheckOptions, "check", {"constraints": constraints, "assess": assess, "area_step": area_step})
    cons, assess, area_step = opts.constraints or Constraints(), opts.assess, opts.area_step
    building = as_building(building, "check")
    pool = as_candidates(candidates, "check")
    placements = as_placements(placements, "check")
    by_id = {c.id: c for c in pool}
    out = placement_violations(building, by_id, placements, area_step=area_step, constraints=cons)
    if assess:
        out += _vetoes(building, placements, by_id)
    functions = _function_areas(placements, by_id)
    let = math.fsum(a for c, fl in placements.items() if c in by_id for a in fl.values() if _number(a) and a > 0)
    out += _occupancy(building, let, cons) + _function_mix(functions, let, cons)
    out += _exclusive_floors(building, placements, by_id, cons) + _rent_share(building, placements, by_id, cons)
    return out + _tenant_rules(placements, by_id, cons)


def _vetoes(
    building: Building, placements: Mapping[str, Mapping[int, float]], by_id: Mapping[str, Candidate]
) -> list[Violation]:
    from objectmatch.assess import excluded_functions

    vetoes = excluded_functions(building)
    return [
        Violation(f"{cid}: function {by_id[cid].function!r} has no potential in building {building.id!r}: "
                  f"{vetoes[by_id[cid].function]}", kind="vetoed", subject=cid)
        for cid in placements if cid in by_id and by_id[cid].function in vetoes
    ]
