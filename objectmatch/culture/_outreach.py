"""Outreach: the identity networks most connected to a programme, for the area still vacant."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field, field_validator

from objectmatch.culture._common import CARRIES, _identity, _Model
from objectmatch.culture._view import _dna_of, _fmt, _hearts, _ranked, _view, _view_of_profile
from objectmatch.culture.network import IdentityNetwork
from objectmatch.culture.profile import NeighbourhoodProfile
from objectmatch.models import Building, Candidate, check_unique_ids

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from objectmatch.results import Programme


class OutreachTarget(_Model):
    """An identity network to approach for the vacant area, and why."""

    identity: str
    strength: float = Field(ge=0, le=1, description="connection x (1 + dna) / 2: the ranking number")
    connection: float = Field(ge=0, le=1, description="heart-weighted network strength to the programme's hearts")
    dna: float = Field(ge=0, le=1, description="the identity's strength in the neighbourhood")
    via: tuple[str, ...] = Field(description="the hearts it connects to, strongest link first")
    why: str
    candidates: tuple[str, ...] = Field(default=(), description="pool candidates carrying it that fit the vacant area")

    @field_validator("identity")
    @classmethod
    def _flexible_only(cls, value: str) -> str:
        return _identity(value)


class Outreach(_Model):
    """Ranked identity networks to approach for the vacant area; iterates over its targets."""

    vacant_area: float = Field(ge=0)
    hearts: dict[str, float]
    targets: tuple[OutreachTarget, ...]

    def __len__(self) -> int:
        return len(self.targets)

    def __iter__(self) -> Iterator[OutreachTarget]:  # type: ignore[override]
        return iter(self.targets)

    def __getitem__(self, index: int) -> OutreachTarget:
        return self.targets[index]

    def to_frame(self) -> pd.DataFrame:
        """One row per target: identity, strength, connection, dna, via, candidates, why."""
        import pandas as pd

        rows = [
            {
                "identity": t.identity,
                "strength": t.strength,
                "connection": t.connection,
                "dna": t.dna,
                "via": ", ".join(t.via),
                "candidates": ", ".join(t.candidates),
                "why": t.why,
            }
            for t in self.targets
        ]
        return pd.DataFrame(rows, columns=["identity", "strength", "connection", "dna", "via", "candidates", "why"])

    def __str__(self) -> str:
        if not self.targets:
            return f"Outreach for {self.vacant_area:.0f} m² vacant: no connected identity network to approach."
        lines = [f"Outreach for {self.vacant_area:.0f} m² vacant (hearts: {_fmt(self.hearts)}):"]
        lines += [f"{i}. {t.why}" for i, t in enumerate(self.targets, start=1)]
        return "\n".join(lines)


def outreach(
    programme: Programme,
    building: Building,
    profile: NeighbourhoodProfile | None,
    top: int = 5,
    candidates: Iterable[Candidate] | None = None,
    *,
    network: IdentityNetwork | None = None,
    max_hearts: int = 3,
    examples: int = 3,
) -> Outreach:
    """The identity networks most connected to the programme's identity, for the area still vacant.

    For every identity ``j`` that is not a heart of the programme (see :func:`positioning`), its
    connection is the heart-weighted mean network strength ``c_j = sum_h p_h S[h, j] / sum_h p_h``
    and its rank number ``strength_j = c_j * (1 + d_j) / 2``: networks present in the neighbourhood
    (DNA ``d_j``) are the ones that can recommend the place. The ``top`` identities with
    ``strength > 0`` are returned, each with up to ``examples`` pool candidates outside the programme
    that carry it (weight ``>= CARRIES``) and fit the vacant area (``area_min <= vacant``). No targets
    when nothing is vacant.

    ``candidates`` is the pool (it must contain the programme's tenants: a programme holds only
    ids); it may be left out only when the programme carries its identity profile as an
    ``identities`` mapping. The network is ``IdentityNetwork.from_profile(profile, candidates)``
    unless ``network`` is given.

    Examples
    --------
    >>> from objectmatch import Programme, ScoreBreakdown
    >>> gym = Candidate(id="gym", name="Gym", function="sport", activity="gym", identities={"sport": 1.0},
    ...                 area_min=100, area_max=200)
    >>> physio = Candidate(id="physio", name="Physio", function="healthcare", activity="physiotherapy",
    ...                    identities={"health": 1.0}, area_min=50, area_max=100)
    >>> from objectmatch.culture import Hero
    >>> profile = NeighbourhoodProfile(name="X", heroes=[Hero(name="Run club", identities={"sport": 1, "health": 1})])
    >>> building = Building(id="b", name="B", floors=[{"level": 0, "area": 300, "free_height": 4, "floor_load": 5,
    ...                     "depth": 12}], permitted_functions=["sport", "healthcare"], asking_rent=150,
    ...                     location={"lat": 52, "lon": 4, "neighbourhood": "X"})
    >>> p = Programme(placements={"gym": {0: 200.0}}, tenants=("gym",), score=0.0,
    ...               breakdown=ScoreBreakdown(total=0.0, components={}), occupancy=0.67, functions=("sport",))
    >>> result = outreach(p, building, profile, top=3, candidates=[gym, physio])
    >>> [(t.identity, round(t.strength, 4), t.candidates) for t in result]
    [('health', 0.6321, ('physio',))]
    """
    if top < 0:
        raise ValueError(f"top must be 0 or more, got {top}")
    if max_hearts < 1:
        raise ValueError(f"max_hearts must be at least 1, got {max_hearts}")
    own = getattr(programme, "identities", None)  # a programme that carries its identity profile
    if candidates is None and not (isinstance(own, Mapping) and own):
        raise ValueError(
            "outreach needs the candidates (the pool holding the programme's tenants): a Programme holds only "
            "candidate ids, not their identities; pass candidates=[...]"
        )
    dna = _dna_of(building, profile)
    pool = tuple(check_unique_ids(candidates or ()))
    if network is None:
        neighbourhood = profile or NeighbourhoodProfile(name=building.location.neighbourhood)
        network = IdentityNetwork.from_profile(neighbourhood, pool)
    if candidates is None and isinstance(own, Mapping):
        view = _view_of_profile(programme, building, own, dna, extra_identities=network.identities)
    else:
        view = _view(programme, building, pool, dna, extra_identities=network.identities)
    hearts = _hearts(view, max_hearts)
    vacant = view.vacant_area
    if vacant <= 1e-9 or not hearts or top == 0:
        return Outreach(vacant_area=vacant, hearts=hearts, targets=())

    heart_tags = list(hearts)
    heart_w = np.array([hearts[t] for t in heart_tags])
    full = network.matrix(view.identities)
    s = full[[view.identities.index(t) for t in heart_tags]]  # hearts x identities
    connection = heart_w @ s / heart_w.sum()
    rank = connection * (1.0 + view.dna) / 2.0
    rank[[view.identities.index(t) for t in heart_tags]] = 0.0
    order = sorted(np.flatnonzero(rank > 0).tolist(), key=lambda j: (-rank[j], view.identities[j]))[:top]

    tenant_set = set(view.tenants)
    fits = [k for k, c in enumerate(view.pool) if k not in tenant_set and c.area_min <= vacant + 1e-9]
    targets: list[OutreachTarget] = []
    for j in order:
        tag = view.identities[j]
        via_order = sorted(range(len(heart_tags)), key=lambda h: (-s[h, j], heart_tags[h]))
        via = tuple(heart_tags[h] for h in via_order if s[h, j] > 0)
        chosen = _ranked(view, j, (k for k in fits if view.weights[k, j] >= CARRIES))[:examples]
        link = ", ".join(f"{heart_tags[h]} {s[h, j]:.2f}" for h in via_order if s[h, j] > 0)
        why = f"'{tag}' (strength {rank[j]:.2f}): linked to the hearts ({link}), neighbourhood DNA {view.dna[j]:.2f}"
        why += f"; fits {vacant:.0f} m² vacant: {view.names(chosen)}" if chosen else ""
        targets.append(
            OutreachTarget(
                identity=tag,
                strength=float(min(rank[j], 1.0)),
                connection=float(min(connection[j], 1.0)),
                dna=float(view.dna[j]),
                via=via,
                why=why,
                candidates=tuple(view.pool[k].id for k in chosen),
            )
        )
    return Outreach(vacant_area=vacant, hearts=hearts, targets=tuple(targets))
