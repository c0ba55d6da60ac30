"""Output models: a score breakdown, a tenant programme with its money, a match result and scenarios.

These are plain validated data, so they serialise to JSON and load back exactly
(``MatchResult.model_validate_json(r.model_dump_json()) == r``). A :class:`MatchResult` remembers
the building, the pool and the options it was solved with, so ``result.score(p)`` and
``result.check(p)`` reproduce the solver's score and verdict with no further arguments.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from objectmatch.models import Building, Candidate
from objectmatch.options import MatchOptions

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.figure import Figure

    from objectmatch.constraints import Violation

__all__ = ["MatchResult", "MatchStatus", "Placements", "Programme", "Scenario", "ScenarioSet", "ScoreBreakdown"]

#: candidate id -> {floor level: m²}
Placements = dict[str, dict[int, Annotated[float, Field(gt=0)]]]


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class ScoreBreakdown(_Out):
    """A programme's score and the components it is made of.

    ``components`` holds each term's value (each in [0, 1], see docs/scoring.md), ``weights`` the
    signed weight it counts with, and ``total == sum(weights[name] * components[name])``.
    """

    total: float
    components: dict[str, float]
    weights: dict[str, float] = Field(default_factory=dict)

    @property
    def contributions(self) -> dict[str, float]:
        """Each component times its weight: what it adds to ``total``."""
        return {name: self.weights.get(name, 0.0) * value for name, value in self.components.items()}

    def to_series(self) -> pd.Series:
        """Components as a pandas Series, with ``total`` last."""
        import pandas as pd

        return pd.Series({**self.components, "total": self.total}, name="score")


class Programme(_Out):
    """One answer: candidates placed on floors, with score, breakdown, money and summary figures.

    ``placements`` maps candidate id to ``{floor level: m²}`` (whole multiples of the area step);
    ``tenants`` lists the chosen ids, ground floor first. ``rents`` holds each placement's agreed
    rent (EUR/m²/yr: the asking rent, or what the tenant can pay if that is less), ``asking`` the
    asking rent of every level, ``full_rent_roll`` the whole building let at asking rent (EUR/yr).
    """

    placements: Placements
    tenants: tuple[str, ...]
    score: float
    breakdown: ScoreBreakdown
    occupancy: float = Field(ge=0, description="share of the lettable area let")
    functions: tuple[str, ...] = Field(description="distinct use functions, sorted")
    function_areas: dict[str, float] = Field(default_factory=dict, description="function -> m²")
    rank: int = Field(default=0, ge=0, description="1 = best; 0 = not ranked")
    identities: dict[str, float] = Field(
        default_factory=dict, description="area-weighted identity profile of the tenants, identity -> [0, 1]"
    )
    rents: dict[str, dict[int, float]] = Field(default_factory=dict, description="agreed rent, EUR/m²/yr")
    asking: dict[int, float] = Field(default_factory=dict, description="asking rent per level, EUR/m²/yr")
    full_rent_roll: float = Field(default=0.0, ge=0, description="the whole building at asking rent, EUR/yr")
    capex: float = Field(default=0.0, ge=0, description="conversion cost of the let area, EUR")
    carried: tuple[str, ...] = Field(default=(), description="tenants a volunteered initiative carries")

    @property
    def area(self) -> float:
        """Let area, m²."""
        return math.fsum(a for floors in self.placements.values() for a in floors.values())

    def floors_of(self, candidate_id: str) -> tuple[int, ...]:
        """Levels a tenant occupies, lowest first."""
        return tuple(sorted(self.placements[candidate_id]))

    def tenants_on(self, level: int) -> dict[str, float]:
        """Tenants on ``level`` and their m²."""
        return {cid: floors[level] for cid, floors in self.placements.items() if level in floors}

    # -- money ----------------------------------------------------------------------------------
    @property
    def annual_rent(self) -> float:
        """What the programme brings in a year at the agreed rents, EUR."""
        return math.fsum(a * self.rents[cid][lvl] for cid, fl in self.placements.items() for lvl, a in fl.items())

    @property
    def asking_rent_roll(self) -> float:
        """What the let area would bring at asking rent, EUR a year."""
        return math.fsum(a * self.asking[lvl] for fl in self.placements.values() for lvl, a in fl.items())

    @property
    def rent_share(self) -> float:
        """Annual rent over the whole building's asking rent roll at full occupancy."""
        return self.annual_rent / self.full_rent_roll if self.full_rent_roll else 0.0

    @property
    def payback(self) -> float:
        """Simple payback of the conversion, years: capex over annual rent (``inf`` without rent)."""
        rent = self.annual_rent
        return self.capex / rent if rent > 0 else math.inf

    @property
    def rent_roll(self) -> pd.DataFrame:
        """One row per (tenant, floor): candidate, level, m², asking and agreed rent (EUR/m²/yr), annual
        rent (EUR) and discount (share of asking); sorted by level, then candidate. Its ``annual_rent``
        column sums to :attr:`annual_rent`."""
        import pandas as pd

        rows = [
            {
                "candidate": cid, "level": lvl, "area": a, "asking_rent": self.asking[lvl],
                "agreed_rent": self.rents[cid][lvl], "annual_rent": a * self.rents[cid][lvl],
                "discount": 1.0 - self.rents[cid][lvl] / self.asking[lvl],
            }
            for cid, fl in self.placements.items() for lvl, a in fl.items()
        ]
        columns = ["candidate", "level", "area", "asking_rent", "agreed_rent", "annual_rent", "discount"]
        return pd.DataFrame(rows, columns=columns).sort_values(["level", "candidate"], ignore_index=True)

    # -- tables and pictures ---------------------------------------------------------------------
    def to_frame(self, candidates: Sequence[Candidate] | None = None) -> pd.DataFrame:
        """One row per (tenant, floor): candidate id, level, m² and agreed rent; name, function, activity
        and pioneer if ``candidates`` is given. Sorted by level, then candidate id."""
        import pandas as pd

        lookup: Mapping[str, Candidate] = {c.id: c for c in candidates} if candidates is not None else {}
        rows: list[dict[str, Any]] = []
        for cid, floors in self.placements.items():
            for level, area in floors.items():
                row: dict[str, Any] = {"candidate": cid, "level": level, "area": area,
                                       "rent": self.rents.get(cid, {}).get(level)}
                c = lookup.get(cid)
                if c is not None:
                    row.update(name=c.name, function=c.function, activity=c.activity, pioneer=c.pioneer)
                rows.append(row)
        columns = ["candidate", "level", "area", "rent"]
        if lookup:
            columns += ["name", "function", "activity", "pioneer"]
        frame = pd.DataFrame(rows, columns=columns)
        return frame.sort_values(["level", "candidate"], ignore_index=True)

    def check(
        self, building: Building, candidates: Sequence[Candidate], constraints: Any = None, *, assess: bool = True,
        area_step: int = 1,
    ) -> list[Violation]:
        """Every hard constraint this programme breaks (empty when it is valid); see :func:`objectmatch.check`.
        ``result.check(programme)`` passes the options it was solved with."""
        from objectmatch.constraints import check

        return check(building, candidates, self.placements, constraints=constraints, assess=assess,
                     area_step=area_step)

    def plot(self, building: Building, candidates: Sequence[Candidate] | None = None, **kwargs: Any) -> Figure:
        """Stacking plan of this programme (see :func:`objectmatch.report.stacking_plan`)."""
        from objectmatch.report import stacking_plan

        return stacking_plan(self, building, candidates, **kwargs)


class MatchStatus(_Out):
    """How a match ended: proven optimal, feasible with a bound, or infeasible and why."""

    code: Literal["optimal", "feasible", "infeasible"]
    message: str
    reasons: tuple[str, ...] = ()
    bound: float | None = Field(default=None, description="upper bound on the best score, if known")
    gap: float | None = Field(default=None, ge=0, description="(bound - best) / |bound|, if known")
    solver: str = ""
    wall_time: float = Field(default=0.0, ge=0, description="seconds")
    work: int = Field(default=0, ge=0, description="search work units spent (deterministic)")
    clock_stopped: bool = Field(default=False, description="the wall-clock safety net cut the work short")

    @property
    def optimal(self) -> bool:
        """The best programme is proven optimal."""
        return self.code == "optimal"

    @property
    def feasible(self) -> bool:
        """At least one programme satisfies every constraint."""
        return self.code != "infeasible"

    def __str__(self) -> str:
        return self.message


class _Solved(_Out):
    """What a result remembers of its problem: the building, the pool and the options."""

    building: Building
    candidates: tuple[Candidate, ...]
    options: MatchOptions

    def check(self, programme: Programme) -> list[Violation]:
        """Every hard constraint ``programme`` breaks under the options it was solved with."""
        from objectmatch.constraints import check

        o = self.options
        return check(self.building, self.candidates, programme.placements, constraints=o.constraints,
                     assess=o.assess, area_step=o.area_step)

    def score(self, programme: Programme) -> ScoreBreakdown:
        """``programme``'s score under the options it was solved with (equals ``programme.score``)."""
        from objectmatch.scoring import score_with

        return score_with(self.building, self.candidates, programme.placements, self.options.scoring())


class MatchResult(_Solved):
    """Ranked programmes (best first), the status of the search, and the problem it solved.

    ``left_out`` says, for every candidate not in the best programme, why: it cannot use any floor
    (and for which reasons), it was excluded, or it could come in but the programme scores higher
    without it.
    """

    programmes: tuple[Programme, ...]
    status: MatchStatus
    left_out: dict[str, str] = Field(default_factory=dict)

    @property
    def best(self) -> Programme | None:
        """The best programme, or ``None`` when there is none."""
        return self.programmes[0] if self.programmes else None

    def __len__(self) -> int:
        return len(self.programmes)

    def __iter__(self) -> Iterator[Programme]:  # type: ignore[override]
        return iter(self.programmes)

    def __getitem__(self, index: int) -> Programme:
        return self.programmes[index]

    def to_frame(self, candidates: Sequence[Candidate] | None = None) -> pd.DataFrame:
        """All programmes' placements in one table, with ``rank`` and ``score`` columns."""
        import pandas as pd

        pool = self.candidates if candidates is None else candidates
        frames = []
        for i, p in enumerate(self.programmes, start=1):
            f = p.to_frame(pool)
            f.insert(0, "score", p.score)
            f.insert(0, "rank", p.rank or i)
            frames.append(f)
        if not frames:
            return pd.DataFrame(columns=["rank", "score", "candidate", "level", "area", "rent"])
        return pd.concat(frames, ignore_index=True)

    def summary(self) -> pd.DataFrame:
        """One row per programme: rank, score, occupancy, rent, tenants, functions and each component."""
        import pandas as pd

        rows = [
            {
                "rank": p.rank or i, "score": p.score, "occupancy": p.occupancy, "annual_rent": p.annual_rent,
                "rent_share": p.rent_share, "tenants": len(p.tenants), "functions": ", ".join(p.functions),
                **p.breakdown.components,
            }
            for i, p in enumerate(self.programmes, start=1)
        ]
        return pd.DataFrame(rows)

    def compare(self, first: int = 0, second: int = 1) -> str:
        """Why programme ``first`` scores above ``second``, in plain words (the components that differ most)."""
        from objectmatch._explain import compare_programmes

        return compare_programmes(self.programmes[first], self.programmes[second])


class Scenario(_Out):
    """One leading function's best programme, with its status."""

    lead: str
    programme: Programme | None
    status: MatchStatus


class ScenarioSet(_Solved):
    """Alternatives side by side: for each leading function, the best programme it leads.

    Iterate over it for :class:`Scenario` objects (``.lead``, ``.programme``, ``.status``);
    :meth:`to_frame` compares them.
    """

    scenarios: tuple[Scenario, ...]

    def __len__(self) -> int:
        return len(self.scenarios)

    def __iter__(self) -> Iterator[Scenario]:  # type: ignore[override]
        return iter(self.scenarios)

    def __getitem__(self, index: int) -> Scenario:
        return self.scenarios[index]

    def to_frame(self) -> pd.DataFrame:
        """One row per scenario: lead, score, rent, rent share, occupancy, functions, tenants, every
        component, and whether it is proven optimal or its gap."""
        import pandas as pd

        rows = []
        for s in self.scenarios:
            row: dict[str, Any] = {"lead": s.lead, "status": s.status.code, "gap": s.status.gap}
            p = s.programme
            if p is not None:
                # a dict, not keywords: "occupancy" is both a figure and a component (the same value)
                row.update({
                    "score": p.score, "annual_rent": p.annual_rent, "rent_share": p.rent_share,
                    "occupancy": p.occupancy, "functions": ", ".join(p.functions), "tenants": len(p.tenants),
                    **p.breakdown.components,
                })
            rows.append(row)
        return pd.DataFrame(rows)
