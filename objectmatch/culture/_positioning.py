"""A programme's connected identity in words: hearts, overlap places, pioneers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from objectmatch._params import Int, param, validate
from objectmatch.culture._common import CARRIES, _Model
from objectmatch.culture._view import _dna_of, _fmt, _hearts, _View, _view, checked
from objectmatch.culture.profile import NeighbourhoodProfile
from objectmatch.models import Building, Candidate
from objectmatch.vocabulary import is_meeting_place

if TYPE_CHECKING:  # pragma: no cover
    from objectmatch.results import Programme


class OverlapPlace(_Model):
    """A floor where identities meet through its public and meeting tenants, weighted by their visitors.

    ``tenants`` are the floor's *hosts*: tenants with a public function
    (:data:`~objectmatch.vocabulary.PUBLIC_FUNCTIONS`) or a meeting-place activity
    (:func:`~objectmatch.vocabulary.is_meeting_place`); ``identities`` the ones they carry
    (weight ``>= CARRIES``); ``visitors`` the visitors a day they bring to this floor (each host's
    visitors in proportion to its area here); ``meeting`` the identities met, each weighted by the
    visitors of the hosts that carry it: ``sum over hosts t of visitors_t,floor x identities carried by t``.
    """

    level: int
    identities: tuple[str, ...]
    count: int = Field(ge=0, description="how many identities meet here")
    tenants: tuple[str, ...] = Field(description="the public and meeting tenants on this floor")
    visitors: float = Field(ge=0, description="visitors a day the hosts bring to this floor")
    meeting: float = Field(ge=0, description="identities met, each weighted by the visitors of its hosts")
    plinth: bool = Field(description="ground floor or street-facing: part of the shared plinth")


class Positioning(_Model):
    """A programme's connected identity in words: its hearts, overlap places and pioneers."""

    building: str
    identities: dict[str, float] = Field(description="area-weighted identity profile, strongest first")
    hearts: dict[str, float] = Field(description="leading identities, strongest first")
    overlap_places: tuple[OverlapPlace, ...] = Field(
        description="floors with public or meeting tenants, where identities meet most first"
    )
    pioneers: tuple[str, ...] = Field(description="ids of pioneer tenants")
    dna_fit: float | None = Field(default=None, description="cosine of programme identity and neighbourhood DNA")
    summary: str

    @property
    def overlap(self) -> OverlapPlace | None:
        """The place where identities meet most (then most identities, then the plinth), or ``None``."""
        return self.overlap_places[0] if self.overlap_places else None

    def __str__(self) -> str:
        return self.summary


class PositioningOptions(BaseModel):
    """The options of :func:`positioning`, validated by name (:func:`objectmatch._params.validate`).

    Examples
    --------
    >>> from objectmatch._params import validate
    >>> validate(PositioningOptions, "positioning", {"max_hearts": 2.0})
    Traceback (most recent call last):
    ...
    objectmatch._params.InvalidParameterError: The 'max_hearts' parameter of positioning must be an int >= 1; got 2.0
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_hearts: Int = param(3, "an int >= 1", "how many identities may be hearts at most", ge=1)


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
    ``max_hearts``. Overlap places are where identities meet through public and meeting tenants,
    weighted by visitors: per floor, its hosts ``H`` are the tenants with a public function or a
    meeting-place activity, and ``meeting = sum_{t in H} v_t * n_t`` with ``v_t`` the tenant's
    visitors a day times the share of its area on the floor and ``n_t`` the identities it carries
    (weight ``>= CARRIES``). Floors with hosts are listed, most meeting first (then most identities,
    then the plinth: the ground floor and street-facing floors). ``dna_fit`` is the cosine of ``p``
    and the neighbourhood DNA (``profile``, else ``building.location.dna``).

    Examples
    --------
    >>> from objectmatch import Programme, ScoreBreakdown
    >>> cafe = Candidate(id="cafe", name="Cafe", function="assembly", activity="cafe", pioneer=True,
    ...                  identities={"food": 1.0, "community": 0.5}, area_min=100, area_max=200,
    ...                  visitors_per_day=250)
    >>> building = Building(id="b", name="De Toren", floors=[{"level": 0, "area": 200, "free_height": 4,
    ...                     "floor_load": 4, "depth": 12, "street_frontage": True}], permitted_functions=["assembly"],
    ...                     asking_rent=150, location={"lat": 52, "lon": 4, "neighbourhood": "X"})
    >>> p = Programme(placements={"cafe": {0: 150}}, tenants=("cafe",), score=0.0,
    ...               breakdown=ScoreBreakdown(total=0.0, components={}), occupancy=0.75, functions=("assembly",))
    >>> pos = positioning(p, building, [cafe])
    >>> pos.hearts, pos.overlap.level, pos.overlap.meeting, pos.pioneers
    ({'food': 1.0, 'community': 0.5}, 0, 500.0, ('cafe',))
    """
    max_hearts = validate(PositioningOptions, "positioning", {"max_hearts": max_hearts}).max_hearts
    programme, building, pool = checked(programme, building, candidates, "positioning")
    dna = _dna_of(building, profile)
    view = _view(programme, building, pool, dna)
    p = view.profile
    identities = dict(
        sorted(
            ((t, float(v)) for t, v in zip(view.identities, p, strict=True) if v > 0), key=lambda kv: (-kv[1], kv[0])
        )
    )
    hearts = _hearts(view, max_hearts)
    places = _overlap_places(view, programme, building)
    pioneers = tuple(view.pool[k].id for k in view.tenants if view.pool[k].pioneer)
    fit: float | None = None
    norm = float(np.linalg.norm(p) * np.linalg.norm(view.dna))
    if dna and norm > 0:
        fit = float(p @ view.dna / norm)
    return Positioning(
        building=building.id,
        identities=identities,
        hearts=hearts,
        overlap_places=places,
        pioneers=pioneers,
        dna_fit=fit,
        summary=_summary(view, building, hearts, len(identities), places, fit),
    )


def _overlap_places(view: _View, programme: Programme, building: Building) -> tuple[OverlapPlace, ...]:
    """Floors with public or meeting tenants, where identities meet most first."""
    levels = building.levels
    tenants = [view.pool[k] for k in view.tenants]
    host = np.array([c.is_public or is_meeting_place(c.activity) for c in tenants], dtype=bool)
    if not host.any():
        return ()
    area = np.array([[float(programme.placements[c.id].get(lv, 0.0)) for lv in levels] for c in tenants])
    visitors = np.array([c.visitors_per_day for c in tenants], dtype=float)
    share = np.divide(area, view.tenant_area[:, None], out=np.zeros_like(area), where=view.tenant_area[:, None] > 0)
    brought = host[:, None] * visitors[:, None] * share  # visitors each host brings to each floor
    carries = view.weights[list(view.tenants)] >= CARRIES  # tenants x identities
    meeting = brought.T @ carries.sum(axis=1)  # per floor: sum over hosts of visitors x identities carried
    places: list[OverlapPlace] = []
    for f, floor in enumerate(building.floors):
        hosts = np.flatnonzero(host & (area[:, f] > 0))
        if hosts.size == 0:
            continue
        met = tuple(view.identities[j] for j in np.flatnonzero(carries[hosts].any(axis=0)).tolist())
        places.append(
            OverlapPlace(
                level=floor.level,
                identities=met,
                count=len(met),
                tenants=tuple(tenants[i].id for i in hosts.tolist()),
                visitors=float(brought[:, f].sum()),
                meeting=float(meeting[f]),
                plinth=floor.level == 0 or floor.street_frontage,
            )
        )
    places.sort(key=lambda o: (-o.meeting, -o.count, not o.plinth, abs(o.level), o.level))
    return tuple(places)


def _summary(view: _View, building: Building, hearts: dict[str, float], n_identities: int,
             places: tuple[OverlapPlace, ...], fit: float | None) -> str:
    """The positioning in a few sentences."""
    lines: list[str] = []
    if hearts:
        lines.append(
            f"{building.name} has {len(hearts)} heart{'s' if len(hearts) != 1 else ''}: {_fmt(hearts)}; "
            f"{n_identities} identities in all."
        )
    else:
        lines.append(f"{building.name} has no tenants with identities yet: no hearts.")
    if places:
        top = places[0]
        kind = "plinth" if top.plinth else "upper floor"
        hosts = view.names(k for k in view.tenants if view.pool[k].id in top.tenants)
        lines.append(
            f"Overlap place: level {top.level} ({kind}), where {top.count} identities meet "
            f"({', '.join(top.identities) or 'none'}) through {hosts}, {top.visitors:,.0f} visitors a day."
        )
    else:
        lines.append("No public or meeting tenant yet: no place where identities meet.")
    pioneers = [f"{view.pool[k].name} (level {view.tenant_levels[i][0]})"
                for i, k in enumerate(view.tenants) if view.pool[k].pioneer]
    if pioneers:
        lines.append(f"Pioneers: {', '.join(pioneers)}.")
    else:
        lines.append("No pioneer among the tenants: nobody yet causes the encounters that put it on the map.")
    if fit is not None:
        lines.append(f"Fit with the neighbourhood DNA (cosine): {fit:.2f}.")
    return " ".join(lines)
