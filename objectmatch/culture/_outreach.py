"""Outreach: the identity networks most connected to a programme, for the area still vacant."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from pydantic import Field, field_validator
from typing_extensions import TypedDict, Unpack

from objectmatch._inputs import as_building, as_candidates, as_programme
from objectmatch.culture._common import CARRIES, _identity, _Model
from objectmatch.culture._tags import tags_match
from objectmatch.culture._vacancy import Vacancy, check_vacancy_inputs
from objectmatch.culture._view import (
    _dna_of,
    _fmt,
    _hearts,
    _offer_text,
    _placeable,
    _ranked,
    _View,
    _view,
    _view_of_profile,
)
from objectmatch.culture.network import IdentityNetwork
from objectmatch.culture.participation import Participation
from objectmatch.culture.profile import Hero, NeighbourhoodProfile, Ritual
from objectmatch.models import Building, Candidate

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from objectmatch.constraints import Constraints
    from objectmatch.results import Programme


ChannelKind = Literal["hero", "volunteers", "ritual", "symbol"]
_KIND_ORDER: dict[str, int] = {"hero": 0, "volunteers": 1, "ritual": 2, "symbol": 3}
#: Vacant area (m²) at or below which nothing is vacant (float sums of whole m²).
_NOTHING = 1e-9


@dataclass(frozen=True)
class OutreachRules:
    """The tuning of :func:`outreach`.

    ``top``: how many identity networks to return (0 or more); ``max_hearts``: how many leading
    identities count as the programme's hearts (1 or more); ``examples``: how many candidates a target
    names (and lists as blocked), and how many channels its ``why`` names (0 or more).

    Examples
    --------
    >>> OutreachRules(top=3)
    OutreachRules(top=3, max_hearts=3, examples=3)
    """

    top: int = 5
    max_hearts: int = 3
    examples: int = 3

    def __post_init__(self) -> None:
        for name, least in (("top", 0), ("max_hearts", 1), ("examples", 0)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < least:
                raise ValueError(f"OutreachRules.{name} must be a whole number, {least} or more; got {value!r}")


class _Keywords(TypedDict, total=False):
    """What :func:`outreach` also takes by keyword: the rules' fields one by one, and a custom network."""

    top: int
    max_hearts: int
    examples: int
    network: IdentityNetwork | None


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
    candidates: tuple[str, ...] = Field(
        default=(), description="pool candidates carrying it that could come into the vacant space, best first"
    )
    blocked: tuple[tuple[str, str], ...] = Field(
        default=(), description="(candidate id, why it cannot come in): carriers left out of candidates"
    )
    next_in_line: tuple[str, ...] = Field(
        default=(), description="nothing vacant: carriers that could come in if space came free, best first"
    )
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

    @property
    def full(self) -> bool:
        """Nothing is vacant: the targets name who would be next in line."""
        return self.vacant_area <= _NOTHING

    def to_frame(self) -> pd.DataFrame:
        """One row per target: identity, strength, connection, dna, via, candidates, blocked (``id: reason``
        joined by ``; ``), next_in_line, channels, why."""
        import pandas as pd

        rows = [
            {
                "identity": t.identity,
                "strength": t.strength,
                "connection": t.connection,
                "dna": t.dna,
                "via": ", ".join(t.via),
                "candidates": ", ".join(t.candidates),
                "blocked": "; ".join(f"{cid}: {why}" for cid, why in t.blocked),
                "next_in_line": ", ".join(t.next_in_line),
                "channels": "; ".join(c.label for c in t.channels),
                "why": t.why,
            }
            for t in self.targets
        ]
        columns = ["identity", "strength", "connection", "dna", "via", "candidates", "blocked", "next_in_line",
                   "channels", "why"]
        return pd.DataFrame(rows, columns=columns)

    def __str__(self) -> str:
        if self.full:
            head = "Outreach: nothing is vacant; the networks to approach when space comes free"
        else:
            head = f"Outreach for {self.vacant_area:.0f} m² vacant"
        if not self.targets:
            return f"{head}: no connected identity network to approach."
        lines = [f"{head} (hearts: {_fmt(self.hearts)}):"]
        lines += [f"{i}. {t.why}" for i, t in enumerate(self.targets, start=1)]
        return "\n".join(lines)


def outreach(
    programme: Programme,
    building: Building,
    profile: NeighbourhoodProfile | None = None,
    candidates: Iterable[Candidate] | None = None,
    *,
    rules: OutreachRules | None = None,
    participation: Participation | None = None,
    constraints: Constraints | None = None,
    assess: bool = True,
    **keywords: Unpack[_Keywords],
) -> Outreach:
    """The identity networks most connected to the programme's identity, for the area still vacant.

    For every identity ``j`` that is not a heart of the programme (see :func:`positioning`), its
    connection is the heart-weighted mean network strength ``c_j = sum_h p_h S[h, j] / sum_h p_h``
    and its rank number ``strength_j = c_j * (1 + d_j) / 2``: networks present in the neighbourhood
    (DNA ``d_j``) are the ones that can recommend the place. The ``top`` identities with
    ``strength > 0`` are returned. Each names up to ``examples`` pool candidates outside the programme
    that carry it (weight ``>= CARRIES``) and could come into the vacant space under ``constraints``
    (default ``Constraints()``; :func:`objectmatch._explain.vacancy_reasons`, with the hard-side
    assessment when ``assess``), and lists up to ``examples`` carriers that cannot in ``blocked``, each
    with the reason. When nothing is vacant the targets say so and name, in ``next_in_line``, the
    carriers that could come in if space came free (``blocked`` then holds why the others could not).

    Each target lists the **channels** into its network that the neighbourhood already holds: the
    profile's heroes, rituals and symbols that carry the identity (weight ``>= CARRIES``) and, with a
    ``participation`` round, the volunteers (``min_count`` respected) who offered to help run an
    activity that names the identity or matches the activity of a pool candidate carrying it
    (weight ``>= CARRIES``). People first: heroes, volunteers, rituals, places; within a kind the
    strongest carrier first. ``why`` names the first ``examples`` of them.

    ``candidates`` is the pool (it must contain the programme's tenants: a programme holds only
    ids); it may be left out only when the programme carries its identity profile as an
    ``identities`` mapping. ``rules`` (:class:`OutreachRules`) holds ``top``, ``max_hearts`` and
    ``examples``; each may also be given by keyword (``top=3``), which overrides ``rules``. The
    network is ``IdentityNetwork.from_profile(profile, candidates)`` unless ``network=`` is given.

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
    >>> p = Programme(placements={"gym": {0: 200}}, tenants=("gym",), score=0.0,
    ...               breakdown=ScoreBreakdown(total=0.0, components={}), occupancy=0.67, functions=("sport",))
    >>> result = outreach(p, building, profile, [gym, physio], rules=OutreachRules(top=3))
    >>> [(t.identity, round(t.strength, 4), t.candidates) for t in result]
    [('health', 0.6321, ('physio',))]
    >>> [c.label for c in result[0].channels]
    ['Run club (hero)']
    """
    rules = _rules(rules, keywords)
    cons = check_vacancy_inputs(constraints, assess)
    programme, building = as_programme(programme, "outreach"), as_building(building, "outreach")
    view, network = _outreach_view(programme, building, profile, candidates, keywords.get("network"), participation)
    hearts = _hearts(view, rules.max_hearts)
    if not hearts or rules.top == 0:
        return Outreach(vacant_area=view.vacant_area, hearts=hearts, targets=())
    vacancy = Vacancy(building, view.pool, programme.placements, constraints=cons, assess=assess)
    targets = _targets(view, network, hearts, rules, vacancy)
    channelled = [_with_channels(t, view, profile, rules.examples) for t in targets]
    return Outreach(vacant_area=view.vacant_area, hearts=hearts, targets=tuple(channelled))


def _outreach_view(
    programme: Programme,
    building: Building,
    profile: NeighbourhoodProfile | None,
    candidates: Iterable[Candidate] | None,
    network: IdentityNetwork | None,
    participation: Participation | None,
) -> tuple[_View, IdentityNetwork]:
    """The programme against its pool (or its own identity profile) and the network to rank by."""
    if isinstance(candidates, int):
        raise TypeError("outreach's fourth argument is the pool of candidates; give top= or rules=OutreachRules(top=)")
    own = getattr(programme, "identities", None)  # a programme that carries its identity profile
    if candidates is None and not (isinstance(own, Mapping) and own):
        raise ValueError(
            "outreach needs the candidates (the pool holding the programme's tenants): a Programme holds only "
            "candidate ids, not their identities; pass candidates=[...]"
        )
    dna = _dna_of(building, profile)
    pool = tuple(as_candidates(candidates or (), "outreach"))
    if network is None:
        neighbourhood = profile or NeighbourhoodProfile(name=building.location.neighbourhood)
        network = IdentityNetwork.from_profile(neighbourhood, pool)
    elif not isinstance(network, IdentityNetwork):
        raise TypeError(f"network must be an IdentityNetwork or None, got {type(network).__name__}")
    if candidates is None and isinstance(own, Mapping):
        return _view_of_profile(programme, building, own, dna, network.identities, participation), network
    return _view(programme, building, pool, dna, network.identities, participation), network


def _rules(rules: OutreachRules | None, keywords: Mapping[str, Any]) -> OutreachRules:
    """``rules`` (default ``OutreachRules()``) with the fields given by keyword replaced."""
    unknown = sorted(set(keywords) - {*_Keywords.__annotations__})
    if unknown:
        raise TypeError(f"outreach() got an unexpected keyword argument {unknown[0]!r}")
    if rules is not None and not isinstance(rules, OutreachRules):
        raise TypeError(f"rules must be an OutreachRules or None, got {type(rules).__name__}")
    fields = {name: keywords[name] for name in ("top", "max_hearts", "examples") if name in keywords}
    return dataclasses.replace(rules if rules is not None else OutreachRules(), **fields)


def _targets(
    view: _View, network: IdentityNetwork, hearts: dict[str, float], rules: OutreachRules, vacancy: Vacancy
) -> list[OutreachTarget]:
    """The ``top`` identities ranked by connection to the hearts and presence in the neighbourhood."""
    heart_tags = list(hearts)
    heart_w = np.array([hearts[t] for t in heart_tags])
    full = network.matrix(view.identities)
    s = full[[view.identities.index(t) for t in heart_tags]]  # hearts x identities
    connection = heart_w @ s / heart_w.sum()
    rank = connection * (1.0 + view.dna) / 2.0
    rank[[view.identities.index(t) for t in heart_tags]] = 0.0
    order = sorted(np.flatnonzero(rank > 0).tolist(), key=lambda j: (-rank[j], view.identities[j]))[: rules.top]
    targets: list[OutreachTarget] = []
    for j in order:
        tag = view.identities[j]
        via_order = sorted(range(len(heart_tags)), key=lambda h: (-s[h, j], heart_tags[h]))
        link = ", ".join(f"{heart_tags[h]} {s[h, j]:.2f}" for h in via_order if s[h, j] > 0)
        target = OutreachTarget(
            identity=tag,
            strength=float(min(rank[j], 1.0)),
            connection=float(min(connection[j], 1.0)),
            dna=float(view.dna[j]),
            via=tuple(heart_tags[h] for h in via_order if s[h, j] > 0),
            why=f"'{tag}' (strength {rank[j]:.2f}): linked to the hearts ({link}), neighbourhood DNA {view.dna[j]:.2f}",
        )
        targets.append(_with_candidates(target, view, j, rules.examples, vacancy))
    return targets


def _with_candidates(target: OutreachTarget, view: _View, column: int, examples: int,
                     vacancy: Vacancy) -> OutreachTarget:
    """The pool candidates carrying the target's identity: who could come in, who not and why; with
    nothing vacant, who would be next in line if space came free."""
    carriers = _ranked(view, column, (k for k in view.outside if view.weights[k, column] >= CARRIES))
    if view.vacant_area > _NOTHING:
        named, blocked = _placeable(view, vacancy, carriers, examples)
        vacant = f"{view.vacant_area:.0f} m² vacant"
        offer = _offer_text(view, named, blocked, lead=f"; could come into {vacant}: ",
                            none=f"; none could come into {vacant}: ")
        update: dict[str, Any] = {"candidates": view.ids(named), "blocked": blocked}
    else:
        named, blocked = _placeable(view, vacancy, carriers, examples, if_free=True)
        offer = _offer_text(view, named, blocked, lead="; nothing is vacant; next in line if space comes free: ",
                            none="; nothing is vacant, and none could come in if space came free: ")
        offer = offer or "; nothing is vacant"
        update = {"next_in_line": view.ids(named), "blocked": blocked}
    return target.model_copy(update={**update, "why": target.why + offer})


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
