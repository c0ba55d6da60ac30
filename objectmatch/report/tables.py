"""Tables of a programme for reports: floors and their tenants, the function mix, the score breakdown.

Every table is a pandas DataFrame, so the command line, the Markdown and the HTML report show
the same numbers.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from objectmatch.report._layout import Slot, layout
from objectmatch.report.palette import order_functions

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from objectmatch.models import Building, Candidate
    from objectmatch.results import Programme

__all__ = ["FloorStack", "breakdown_table", "floor_stack", "floor_table", "function_mix"]

#: Vacant area below this share of a floor is rounding, not vacancy.
VACANT_TOLERANCE = 1e-6


@dataclass(frozen=True)
class FloorStack:
    """One floor of a programme: its tenants in drawing order (left to right) and what is left vacant.

    ``slots`` place every piece on the floor: each tenant's bar and each stretch of vacant area
    (``candidate`` None), with its x (m² from the floor's left end) and width (m²).

    Examples
    --------
    >>> FloorStack(level=0, area=500.0, tenants=(("a", 300.0), ("b", 100.0)), vacant=100.0).let
    400.0
    """

    level: int
    area: float
    tenants: tuple[tuple[str, float], ...]
    vacant: float
    slots: tuple[Slot, ...] = ()

    @property
    def let(self) -> float:
        """Let area on this floor, m²."""
        return math.fsum(a for _, a in self.tenants)


def floor_stack(programme: Programme, building: Building) -> list[FloorStack]:
    """The programme floor by floor, lowest level first, laid out for a stacking plan.

    A tenant on several floors sits at the same x on each of them (one bar across its floors);
    single-floor tenants and vacant area fill the room around it, so that each floor holds
    exactly its own m² (see :mod:`objectmatch.report._layout`). Otherwise tenants keep the
    programme's order (lowest floor first, then id) and vacant area comes last.

    Examples
    --------
    >>> from objectmatch import Building, Programme, ScoreBreakdown
    >>> b = Building(id="b", name="B", permitted_functions={"office"}, asking_rent=150,
    ...              location={"lat": 52, "lon": 4, "neighbourhood": "X"},
    ...              floors=[{"level": lv, "area": 500, "free_height": 3, "floor_load": 3, "depth": 14}
    ...                      for lv in (0, 1)])
    >>> p = Programme(placements={"a": {0: 300.0}, "b": {0: 100.0, 1: 400.0}}, tenants=("a", "b"), score=0.0,
    ...               breakdown=ScoreBreakdown(total=0.0, components={}), occupancy=0.8, functions=("office",))
    >>> [(s.level, s.tenants, s.vacant) for s in floor_stack(p, b)]
    [(0, (('b', 100.0), ('a', 300.0)), 100.0), (1, (('b', 400.0),), 100.0)]
    >>> [(slot.candidate, slot.x) for slot in floor_stack(p, b)[1].slots]   # b starts at x = 0 on both floors
    [('b', 0.0), (None, 400.0)]
    """
    levels = set(building.levels)
    for cid, floors in programme.placements.items():
        unknown = sorted(set(floors) - levels)
        if unknown:
            raise ValueError(
                f"tenant {cid!r} is placed on level(s) {unknown} that building {building.id!r} does not have; "
                f"levels: {list(building.levels)}"
            )
    slots, _ = layout(programme.placements, [(f.level, float(f.area)) for f in building.floors], programme.tenants)
    out: list[FloorStack] = []
    for floor in building.floors:
        here = tuple(slots[floor.level])
        tenants = tuple((s.candidate, s.width) for s in here if s.candidate is not None)
        vacant = floor.area - math.fsum(a for _, a in tenants)
        if vacant <= VACANT_TOLERANCE * floor.area:
            vacant = 0.0
        out.append(FloorStack(level=floor.level, area=float(floor.area), tenants=tenants, vacant=vacant, slots=here))
    return out


def lookup(programme: Programme, candidates: Iterable[Candidate] | None) -> dict[str, Candidate]:
    """Candidate by id for the programme's tenants (empty when ``candidates`` is None).

    Raises ``ValueError`` naming the tenants the pool does not hold.

    Examples
    --------
    >>> from objectmatch import Programme, ScoreBreakdown
    >>> p = Programme(placements={"a": {0: 300.0}}, tenants=("a",), score=0.0,
    ...               breakdown=ScoreBreakdown(total=0.0, components={}), occupancy=0.6, functions=("office",))
    >>> lookup(p, None)
    {}
    >>> lookup(p, [])
    Traceback (most recent call last):
    ...
    ValueError: tenants ['a'] of the programme are not among the candidates given
    """
    if candidates is None:
        return {}
    by_id = {c.id: c for c in candidates}
    missing = sorted(set(programme.placements) - set(by_id))
    if missing:
        raise ValueError(f"tenants {missing} of the programme are not among the candidates given")
    return by_id


def floor_table(
    programme: Programme, building: Building, candidates: Sequence[Candidate] | None = None
) -> pd.DataFrame:
    """One row per tenant per floor, top floor first (as the building stands), and a row for vacant area.

    Columns: ``level``, ``candidate``, ``name``, ``function``, ``area`` (m²) and ``share`` (of
    the floor). Vacant rows have an empty ``candidate`` and ``name`` "vacant". Without
    ``candidates``, ``name`` is the id and ``function`` is empty.

    Examples
    --------
    >>> from objectmatch import Building, Programme, ScoreBreakdown
    >>> b = Building(id="b", name="B", permitted_functions={"office"}, asking_rent=150,
    ...              location={"lat": 52, "lon": 4, "neighbourhood": "X"},
    ...              floors=[{"level": 0, "area": 500, "free_height": 3, "floor_load": 3, "depth": 14}])
    >>> p = Programme(placements={"a": {0: 300.0}}, tenants=("a",), score=0.0,
    ...               breakdown=ScoreBreakdown(total=0.0, components={}), occupancy=0.6, functions=("office",))
    >>> floor_table(p, b)[["level", "name", "area", "share"]].values.tolist()
    [[0, 'a', 300.0, 0.6], [0, 'vacant', 200.0, 0.4]]
    """
    import pandas as pd

    by_id = lookup(programme, candidates)
    rows: list[dict[str, Any]] = []
    for stack in reversed(floor_stack(programme, building)):
        for cid, area in stack.tenants:
            c = by_id.get(cid)
            rows.append(
                {
                    "level": stack.level,
                    "candidate": cid,
                    "name": c.name if c is not None else cid,
                    "function": c.function if c is not None else "",
                    "area": area,
                    "share": area / stack.area,
                }
            )
        if stack.vacant > 0:
            rows.append(
                {
                    "level": stack.level,
                    "candidate": "",
                    "name": "vacant",
                    "function": "",
                    "area": stack.vacant,
                    "share": stack.vacant / stack.area,
                }
            )
    return pd.DataFrame(rows, columns=["level", "candidate", "name", "function", "area", "share"])


def function_mix(programme: Programme, building: Building | None = None) -> pd.DataFrame:
    """Let area per use function: ``function``, ``area`` (m²), ``share`` of the let area and, with
    ``building``, ``building_share`` of the lettable area. Functions in legend order.

    Examples
    --------
    >>> from objectmatch import Programme, ScoreBreakdown
    >>> p = Programme(placements={"a": {0: 300.0}, "b": {0: 100.0}}, tenants=("a", "b"), score=0.0,
    ...               breakdown=ScoreBreakdown(total=0.0, components={}), occupancy=0.8,
    ...               functions=("office", "retail"), function_areas={"office": 300.0, "retail": 100.0})
    >>> function_mix(p).values.tolist()
    [['office', 300.0, 0.75], ['retail', 100.0, 0.25]]
    """
    import pandas as pd

    let = math.fsum(programme.function_areas.values())
    rows = []
    for fn in order_functions(programme.function_areas):
        area = programme.function_areas[fn]
        row: dict[str, Any] = {"function": fn, "area": area, "share": area / let if let > 0 else 0.0}
        if building is not None:
            row["building_share"] = area / building.lettable_area
        rows.append(row)
    columns = ["function", "area", "share"] + (["building_share"] if building is not None else [])
    return pd.DataFrame(rows, columns=columns)


def breakdown_table(programmes: Sequence[Programme]) -> pd.DataFrame:
    """The score breakdowns of several programmes side by side.

    One row per component (and ``total`` last); columns ``weight`` (signed: conflict is
    negative) and, per programme ``#rank``, ``#rank value`` (the component in [0, 1]) and
    ``#rank contribution`` (weight x value: what it adds to the score).

    Examples
    --------
    >>> from objectmatch import Programme, ScoreBreakdown
    >>> bd = ScoreBreakdown(total=0.9, components={"occupancy": 0.5, "conflict": 0.05},
    ...                     weights={"occupancy": 2.0, "conflict": -2.0})
    >>> p = Programme(placements={}, tenants=(), score=0.9, breakdown=bd, occupancy=0.5, functions=(), rank=1)
    >>> breakdown_table([p]).round(3).to_dict("index")["conflict"]
    {'weight': -2.0, '#1 value': 0.05, '#1 contribution': -0.1}
    """
    import pandas as pd

    names: list[str] = []
    for p in programmes:
        names.extend(n for n in p.breakdown.components if n not in names)
    weights: dict[str, float] = {}
    for p in programmes:
        for n in names:
            if n not in weights and n in p.breakdown.weights:
                weights[n] = p.breakdown.weights[n]
    frame = pd.DataFrame(index=pd.Index([*names, "total"], name="component"))
    frame["weight"] = [weights.get(n, math.nan) for n in names] + [math.nan]
    for i, p in enumerate(programmes, start=1):
        label = f"#{p.rank or i}"
        contrib = p.breakdown.contributions
        frame[f"{label} value"] = [p.breakdown.components.get(n, math.nan) for n in names] + [p.score]
        frame[f"{label} contribution"] = [contrib.get(n, math.nan) for n in names] + [p.score]
    return frame
