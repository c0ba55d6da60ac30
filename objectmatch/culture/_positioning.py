"""A programme's connected identity in words: hearts, overlap places, pioneers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field

from objectmatch.culture._common import CARRIES, _Model
from objectmatch.culture._view import _dna_of, _fmt, _hearts, _view
from objectmatch.culture.profile import NeighbourhoodProfile
from objectmatch.models import Building, Candidate

if TYPE_CHECKING:  # pragma: no cover
    from objectmatch.results import Programme


class OverlapPlace(_Model):
    """A floor where identities meet: the distinct identities its tenants carry."""

    level: int
    identities: tuple[str, ...]
    count: int = Field(ge=0)
    tenants: tuple[str, ...]
    plinth: bool = Field(description="ground floor or street-facing: part of the shared plinth")


class Positioning(_Model):
    """A programme's connected identity in words: its hearts, overlap places and pioneers."""

    building: str
    identities: dict[str, float] = Field(description="area-weighted identity profile, strongest first")
    hearts: dict[str, float] = Field(description="leading identities, strongest first")
    overlap_places: tuple[OverlapPlace, ...] = Field(description="floors by distinct identities, most first")
    pioneers: tuple[str, ...] = Field(description="ids of pioneer tenants")
    dna_fit: float | None = Field(default=None, description="cosine of programme identity and neighbourhood DNA")
    summary: str

    @property
    def overlap(self) -> OverlapPlace | None:
        """The floor where most identities meet (plinth first on ties), or ``None``."""
        return self.overlap_places[0] if self.overlap_places else None

    def __str__(self) -> str:
        return self.summary


def positioning(
    programme: Programme,
    building: Building,
    candidates: Iterable[Candidate],
    profile: NeighbourhoodProfile | None = None,
    *,
    max_hearts: int = 3,
) -> Positioning:
    """The programme's connected identity: hearts, overlap places and pioneers, with a summary.

    Hearts are the identities of the area-weighted profile ``p`` with ``p >= max(p) / 2``, at most
    ``max_hearts``. An overlap place is a floor and the distinct identities its tenants carry (weight
    ``>= CARRIES``); the ground floor and street-facing floors are the plinth and win ties. ``dna_fit``
    is the cosine of ``p`` and the neighbourhood DNA (``profile``, else ``building.location.dna``).

    Examples
    --------
    >>> from objectmatch import Programme, ScoreBreakdown
    >>> cafe = Candidate(id="cafe", name="Cafe", function="assembly", activity="cafe", pioneer=True,
    ...                  identities={"food": 1.0, "community": 0.5}, area_min=100, area_max=200)
    >>> building = Building(id="b", name="De Toren", floors=[{"level": 0, "area": 200, "free_height": 4,
    ...                     "floor_load": 4, "depth": 12, "street_frontage": True}], permitted_functions=["assembly"],
    ...                     asking_rent=150, location={"lat": 52, "lon": 4, "neighbourhood": "X"})
    >>> p = Programme(placements={"cafe": {0: 150.0}}, tenants=("cafe",), score=0.0,
    ...               breakdown=ScoreBreakdown(total=0.0, components={}), occupancy=0.75, functions=("assembly",))
    >>> pos = positioning(p, building, [cafe])
    >>> pos.hearts, pos.overlap.level, pos.pioneers
    ({'food': 1.0, 'community': 0.5}, 0, ('cafe',))
    """
    if max_hearts < 1:
        raise ValueError(f"max_hearts must be at least 1, got {max_hearts}")
    dna = _dna_of(building, profile)
    view = _view(programme, building, candidates, dna)
    p = view.profile
    identities = dict(
        sorted(
            ((t, float(v)) for t, v in zip(view.identities, p, strict=True) if v > 0), key=lambda kv: (-kv[1], kv[0])
        )
    )
    hearts = _hearts(view, max_hearts)

    places: list[OverlapPlace] = []
    for floor in building.floors:
        on_floor = [i for i, levels in enumerate(view.tenant_levels) if floor.level in levels]
        if not on_floor:
            continue
        rows = view.weights[[view.tenants[i] for i in on_floor]]
        carried = tuple(view.identities[j] for j in np.flatnonzero((rows >= CARRIES).any(axis=0)).tolist())
        places.append(
            OverlapPlace(
                level=floor.level,
                identities=carried,
                count=len(carried),
                tenants=tuple(view.pool[view.tenants[i]].id for i in on_floor),
                plinth=floor.level == 0 or floor.street_frontage,
            )
        )
    places.sort(key=lambda o: (-o.count, not o.plinth, abs(o.level), o.level))
    pioneers = tuple(view.pool[k].id for k in view.tenants if view.pool[k].pioneer)

    fit: float | None = None
    norm = float(np.linalg.norm(p) * np.linalg.norm(view.dna))
    if dna and norm > 0:
        fit = float(p @ view.dna / norm)

    lines: list[str] = []
    if hearts:
        lines.append(
            f"{building.name} has {len(hearts)} heart{'s' if len(hearts) != 1 else ''}: {_fmt(hearts)}; "
            f"{len(identities)} identities in all."
        )
    else:
        lines.append(f"{building.name} has no tenants with identities yet: no hearts.")
    if places:
        top = places[0]
        kind = "plinth" if top.plinth else "upper floor"
        hosts = view.names(k for k in view.tenants if view.pool[k].id in top.tenants)
        lines.append(
            f"Overlap place: level {top.level} ({kind}) brings {top.count} identities together "
            f"({', '.join(top.identities) or 'none'}) through {hosts}."
        )
    if pioneers:
        named = [
            f"{view.pool[k].name} (level {view.tenant_levels[i][0]})"
            for i, k in enumerate(view.tenants)
            if view.pool[k].pioneer
        ]
        lines.append(f"Pioneers: {', '.join(named)}.")
    else:
        lines.append("No pioneer among the tenants: nobody yet causes the encounters that put it on the map.")
    if fit is not None:
        lines.append(f"Fit with the neighbourhood DNA (cosine): {fit:.2f}.")
    return Positioning(
        building=building.id,
        identities=identities,
        hearts=hearts,
        overlap_places=tuple(places),
        pioneers=pioneers,
        dna_fit=fit,
        summary=" ".join(lines),
    )
