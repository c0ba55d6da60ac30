"""Outreach: the identity networks most connected to a programme, for the area still vacant."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import Field, field_validator

from objectmatch.culture._common import CARRIES, _identity, _Model
from objectmatch.culture._tags import tags_match
from objectmatch.culture._view import _dna_of, _fmt, _hearts, _ranked, _View, _view, _view_of_profile
from objectmatch.culture.network import IdentityNetwork
from objectmatch.culture.participation import Participation
from objectmatch.culture.profile import Hero, NeighbourhoodProfile, Ritual
from objectmatch.models import Building, Candidate, check_unique_ids

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from objectmatch.results import Programme


ChannelKind = Literal["hero", "volunteers", "ritual", "symbol"]
_KIND_ORDER: dict[str, int] = {"hero": 0, "volunteers": 1, "ritual": 2, "symbol": 3}


class OutreachChannel(_Model):
    """A way into an identity network that the neighbourhood already holds: one of its heroes
    (pioneers and key organisations), rituals and events, symbols and places, or a group of
    volunteers from a participation round (``respondents`` of them; never who they are)."""

    kind: ChannelKind
    name: str = Field(description="the carrier's name, or the activity the volunteers offered to help run")
    weight: float = Field(ge=0, le=1, description="how strongly it carries the identity")
    detail: str = Field(default="", description="a ritual's schedule, 'pioneer', the volunteers' initiatives")
    respondents: int | None = Field(default=None, ge=1, description="volunteers only: how many offered")

    @property
    def label(self) -> str:
        """The channel in a few words, for a sentence."""
        if self.kind == "volunteers":
            named = f" ({self.detail})" if self.detail else ""
            return f"{self.respondents} volunteers for {self.name.replace('_', ' ')}{named}"
        what = {"hero": "pioneer" if self.detail == "pioneer" else "hero", "ritual": "ritual", "symbol": "place"}
        when = f", {self.detail}" if self.kind == "ritual" and self.detail else ""
        return f"{self.name} ({what[self.kind]}{when})"


class OutreachTarget(_Model):
    """An identity network to approach for the vacant area, why, and through whom."""

    identity: str
    strength: float = Field(ge=0, le=1, description="connection x (1 + dna) / 2: the ranking number")
    connection: float = Field(ge=0, le=1, description="heart-weighted network strength to the programme's hearts")
    dna: float = Field(ge=0, le=1, description="the identity's strength in the neighbourhood")
    via: tuple[str, ...] = Field(description="the hearts it connects to, strongest link first")
    why: str
    candidates: tuple[str, ...] = Field(default=(), description="pool candidates carrying it that fit the vacant area")
    channels: tuple[OutreachChannel, ...] = Field(
        default=(), description="the neighbourhood's heroes, volunteers, rituals and places that carry it"
    )

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
        """One row per target: identity, strength, connection, dna, via, candidates, channels, why."""
        import pandas as pd

        rows = [
            {
                "identity": t.identity,
                "strength": t.strength,
                "connection": t.connection,
                "dna": t.dna,
                "via": ", ".join(t.via),
                "candidates": ", ".join(t.candidates),
                "channels": "; ".join(c.label for c in t.channels),
                "why": t.why,
            }
            for t in self.targets
        ]
        columns = ["identity", "strength", "connection", "dna", "via", "candidates", "channels", "why"]
        return pd.DataFrame(rows, columns=columns)

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
    participation: Participation | None = None,
) -> Outreach:
    """The identity networks most connected to the programme's identity, for the area still vacant.

    For every identity ``j`` that is not a heart of the programme (see :func:`positioning`), its
    connection is the heart-weighted mean network strength ``c_j = sum_h p_h S[h, j] / sum_h p_h``
    and its rank number ``strength_j = c_j * (1 + d_j) / 2``: networks present in the neighbourhood
    (DNA ``d_j``) are the ones that can recommend the place. The ``top`` identities with
    ``strength > 0`` are returned, each with up to ``examples`` pool candidates outside the programme
    that carry it (weight ``>= CARRIES``) and fit the vacant area (``area_min <= vacant``). No targets
    when nothing is vacant.

    Each target lists the **channels** into its network that the neighbourhood already holds: the
    profile's heroes, rituals and symbols that carry the identity (weight ``>= CARRIES``) and, with a
    ``participation`` round, the volunteers (``min_count`` respected) who offered to help run an
    activity that names the identity or matches the activity of a pool candidate carrying it
    (weight ``>= CARRIES``). People first: heroes, volunteers, rituals, places; within a kind the
    strongest carrier first. ``why`` names the first ``examples`` of them.

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
    >>> [c.label for c in result[0].channels]
    ['Run club (hero)']
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
        view = _view_of_profile(programme, building, own, dna, network.identities, participation)
    else:
        view = _view(programme, building, pool, dna, network.identities, participation)
    hearts = _hearts(view, max_hearts)
    if view.vacant_area <= 1e-9 or not hearts or top == 0:
        return Outreach(vacant_area=view.vacant_area, hearts=hearts, targets=())
    targets = _targets(view, network, hearts, top=top, examples=examples)
    channelled = [_with_channels(t, view, profile, examples) for t in targets]
    return Outreach(vacant_area=view.vacant_area, hearts=hearts, targets=tuple(channelled))


def _targets(
    view: _View, network: IdentityNetwork, hearts: dict[str, float], *, top: int, examples: int
) -> list[OutreachTarget]:
    """The ``top`` identities ranked by connection to the hearts and presence in the neighbourhood."""
    vacant = view.vacant_area
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
    return targets


def _with_channels(
    target: OutreachTarget, view: _View, profile: NeighbourhoodProfile | None, examples: int
) -> OutreachTarget:
    channels = _channels(target.identity, view, profile)
    if not channels or examples < 1:
        return target.model_copy(update={"channels": channels})
    more = f" and {len(channels) - examples} more" if len(channels) > examples else ""
    why = f"{target.why}; reach it through {', '.join(c.label for c in channels[:examples])}{more}"
    return target.model_copy(update={"channels": channels, "why": why})


def _channels(tag: str, view: _View, profile: NeighbourhoodProfile | None) -> tuple[OutreachChannel, ...]:
    """Every channel into ``tag``'s network, people first, strongest carrier first."""
    found: list[OutreachChannel] = []
    for layer, item in profile.layers() if profile is not None else ():
        weight = item.identities.get(tag, 0.0)
        if weight < CARRIES:
            continue
        detail = ""
        if isinstance(item, Hero) and item.pioneer:
            detail = "pioneer"
        elif isinstance(item, Ritual):
            detail = item.when or (f"{item.per_year:g}× a year" if item.per_year is not None else "")
        kind: ChannelKind = "hero" if layer == "heroes" else "ritual" if layer == "rituals" else "symbol"
        found.append(OutreachChannel(kind=kind, name=item.name, weight=weight, detail=detail))
    if view.voice is not None:
        column = view.identities.index(tag) if tag in view.identities else None
        for group in view.voice.volunteers:
            weight = 1.0 if tags_match(group.activity, tag) else 0.0
            if column is not None:  # or through pool candidates whose activity they would help run
                carriers = [k for k, groups in enumerate(view.voice.carried) if group in groups]
                weight = max([weight, *(float(view.weights[k, column]) for k in carriers)])
            if weight >= CARRIES:
                found.append(OutreachChannel(kind="volunteers", name=group.activity, weight=min(weight, 1.0),
                                             detail="; ".join(group.initiatives), respondents=group.respondents))
    return tuple(sorted(found, key=lambda c: (_KIND_ORDER[c.kind], -c.weight, c.name)))
