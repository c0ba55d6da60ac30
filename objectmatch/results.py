"""Output models: a score breakdown, a tenant programme, and the result of a match.

These are plain validated data, so they serialise to JSON and load back
exactly (``Programme.model_validate_json(p.model_dump_json()) == p``).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.figure import Figure

    from objectmatch.models import Building, Candidate

__all__ = ["MatchResult", "MatchStatus", "Placements", "Programme", "ScoreBreakdown"]

#: candidate id -> {floor level: m²}
Placements = dict[str, dict[int, Annotated[float, Field(gt=0)]]]


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class ScoreBreakdown(_Out):
    """A programme's score and the components it is made of.

    ``components`` holds each term's value (each in [0, 1], see docs/scoring.md),
    ``weights`` the weight it counts with, and
    ``total == sum(weights[name] * components[name])``.
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
    """One answer: candidates placed on floors, with score, breakdown and summary figures.

    ``placements`` maps candidate id to ``{floor level: m²}``; ``tenants`` lists the
    chosen ids, ground floor first. ``score == breakdown.total`` and is reproduced by
    ``objectmatch.score(building, candidates, programme.placements).total``.
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

    def to_frame(self, candidates: Sequence[Candidate] | None = None) -> pd.DataFrame:
        """One row per (tenant, floor): candidate id, level and m²; name, function and activity if
        ``candidates`` is given. Sorted by level, then candidate id."""
        import pandas as pd

        lookup: Mapping[str, Candidate] = {c.id: c for c in candidates} if candidates is not None else {}
        rows: list[dict[str, Any]] = []
        for cid, floors in self.placements.items():
            for level, area in floors.items():
                row: dict[str, Any] = {"candidate": cid, "level": level, "area": area}
                c = lookup.get(cid)
                if c is not None:
                    row.update(name=c.name, function=c.function, activity=c.activity, pioneer=c.pioneer)
                rows.append(row)
        columns = ["candidate", "level", "area"]
        if lookup:
            columns += ["name", "function", "activity", "pioneer"]
        frame = pd.DataFrame(rows, columns=columns)
        return frame.sort_values(["level", "candidate"], ignore_index=True)

    def check(self, building: Building, candidates: Sequence[Candidate], constraints: Any = None) -> list[str]:
        """Every hard constraint this programme breaks (empty when it is valid)."""
        from objectmatch.constraints import check

        return check(building, candidates, self.placements, constraints)

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


class MatchResult(_Out):
    """Ranked programmes (best first) and the status of the search."""

    programmes: tuple[Programme, ...]
    status: MatchStatus

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
        """All programmes' placements in one table, with a ``rank`` and ``score`` column."""
        import pandas as pd

        frames = []
        for i, p in enumerate(self.programmes, start=1):
            f = p.to_frame(candidates)
            f.insert(0, "score", p.score)
            f.insert(0, "rank", p.rank or i)
            frames.append(f)
        if not frames:
            return pd.DataFrame(columns=["rank", "score", "candidate", "level", "area"])
        return pd.concat(frames, ignore_index=True)

    def summary(self) -> pd.DataFrame:
        """One row per programme: rank, score, occupancy, tenants, functions and each component."""
        import pandas as pd

        rows = []
        for i, p in enumerate(self.programmes, start=1):
            rows.append(
                {
                    "rank": p.rank or i,
                    "score": p.score,
                    "occupancy": p.occupancy,
                    "tenants": len(p.tenants),
                    "functions": ", ".join(p.functions),
                    **p.breakdown.components,
                }
            )
        return pd.DataFrame(rows)
