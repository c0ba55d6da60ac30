"""SWOT of a programme against its neighbourhood."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import Field, field_validator

from objectmatch._engine.terms import ScoreModel, near_floors
from objectmatch.constraints import Constraints
from objectmatch.culture._common import CARRIES, _Model
from objectmatch.culture._vacancy import Blocked, Vacancy, check_vacancy_inputs
from objectmatch.culture._view import (
    _dna_of,
    _offer_text,
    _placeable,
    _ranked,
    _Side,
    _tenant_carriers,
    _View,
    _view,
    _Voice,
    checked,
)
from objectmatch.culture.participation import Participation, saturate
from objectmatch.culture.profile import NeighbourhoodProfile
from objectmatch.models import Building, Candidate
from objectmatch.vocabulary import active_vocabulary, refuse_fixed_identity

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from objectmatch.results import Programme


SwotKind = Literal["strength", "weakness", "opportunity", "threat"]



class SwotItem(_Model):
    """One SWOT finding: what it says, the identities and candidates behind it, and its number.

    An opportunity that names pool candidates names only those that could come into the vacant
    space; ``blocked`` lists the others it would have named, each with the reason it cannot.
    """

    kind: SwotKind
    text: str
    identities: tuple[str, ...] = ()
    candidates: tuple[str, ...] = ()
    blocked: tuple[tuple[str, str], ...] = Field(
        default=(), description="(candidate id, why it cannot come into the vacant space)"
    )
    value: float

    @field_validator("identities")
    @classmethod
    def _flexible_only(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        refuse_fixed_identity(value, "SWOT identity")
        return value


@dataclass(frozen=True)
class SwotRules:
    """Thresholds of :func:`swot` (all shares and strengths in [0, 1]) and the score's data it reads.

    ``present``: a neighbourhood identity is a quality when its DNA is at least this;
    ``absent``: the neighbourhood lacks an identity when its DNA is below this;
    ``adds``: the programme carries an identity when its area-weighted profile is at least this;
    ``carries``: a pool candidate would add an identity when its weight is at least this;
    ``identity_share``, ``function_share``, ``tenant_share``: over-concentration thresholds on the
    programme's identity mass, let area per function and let area per tenant;
    ``examples``: how many candidates an opportunity names at most (and how many it lists as blocked);
    ``max_items``: keep at most this many items per quadrant, highest value first (None: all);
    ``score_model``: the score's data (:class:`~objectmatch.ScoreModel`); the noise threat reads its
    ``noise_conflict`` table, so a custom table changes the threats as it changes the score.
    """

    present: float = 0.5
    absent: float = 0.25
    adds: float = 0.1
    carries: float = CARRIES
    identity_share: float = 0.5
    function_share: float = 0.6
    tenant_share: float = 0.4
    examples: int = 3
    max_items: int | None = None
    score_model: ScoreModel = field(default_factory=ScoreModel)

    def __post_init__(self) -> None:
        for name in ("present", "absent", "adds", "carries", "identity_share", "function_share", "tenant_share"):
            value = getattr(self, name)
            if not (isinstance(value, int | float) and math.isfinite(value) and value >= 0):
                raise ValueError(f"SwotRules.{name} must be a non-negative number, got {value!r}")
        if self.examples < 1:
            raise ValueError(f"SwotRules.examples must be at least 1, got {self.examples!r}")
        if self.max_items is not None and self.max_items < 0:
            raise ValueError(f"SwotRules.max_items must be None or 0 or more, got {self.max_items!r}")
        if not isinstance(self.score_model, ScoreModel):
            raise TypeError(f"SwotRules.score_model must be a ScoreModel, got {type(self.score_model).__name__}")


class Swot(_Model):
    """Strengths, weaknesses, opportunities and threats of a programme in its neighbourhood.

    ``programme_identities`` and ``dna`` are the two profiles the analysis compared.
    """

    strengths: tuple[SwotItem, ...] = ()
    weaknesses: tuple[SwotItem, ...] = ()
    opportunities: tuple[SwotItem, ...] = ()
    threats: tuple[SwotItem, ...] = ()
    programme_identities: dict[str, float] = Field(default_factory=dict)
    dna: dict[str, float] = Field(default_factory=dict)

    @property
    def items(self) -> tuple[SwotItem, ...]:
        """All items: strengths, weaknesses, opportunities, threats."""
        return (*self.strengths, *self.weaknesses, *self.opportunities, *self.threats)

    def to_frame(self) -> pd.DataFrame:
        """One row per item: kind, text, identities, candidates (comma-separated), blocked
        (``id: reason`` joined by ``; ``) and value."""
        import pandas as pd

        rows = [
            {
                "kind": it.kind,
                "text": it.text,
                "identities": ", ".join(it.identities),
                "candidates": ", ".join(it.candidates),
                "blocked": "; ".join(f"{cid}: {why}" for cid, why in it.blocked),
                "value": it.value,
            }
            for it in self.items
        ]
        return pd.DataFrame(rows, columns=["kind", "text", "identities", "candidates", "blocked", "value"])

    def to_markdown(self) -> str:
        """The four quadrants as Markdown lists."""
        parts = ["## SWOT"]
        for title, items in (
            ("Strengths", self.strengths),
            ("Weaknesses", self.weaknesses),
            ("Opportunities", self.opportunities),
            ("Threats", self.threats),
        ):
            parts.append(f"\n**{title}**\n")
            parts.extend(f"- {it.text}" for it in items) if items else parts.append("- none found")
        return "\n".join(parts) + "\n"

    def __str__(self) -> str:
        return self.to_markdown()




def swot(
    programme: Programme,
    building: Building,
    candidates: Iterable[Candidate],
    profile: NeighbourhoodProfile | None = None,
    *,
    rules: SwotRules | None = None,
    participation: Participation | None = None,
    constraints: Constraints | None = None,
    assess: bool = True,
) -> Swot:
    """SWOT of ``programme`` against its neighbourhood (``profile``, else ``building.location.dna``).

    With ``d`` the neighbourhood DNA and ``p`` the programme's area-weighted identity profile
    (:func:`identity_profile`), over the identities of the pool and the DNA:

    * strengths: ``d >= present`` and ``p >= adds`` (qualities the programme reinforces), value ``p``;
    * weaknesses: ``d < absent`` and ``p < adds`` (missing, and the programme does not add it), value the
      lack ``1 - d``;
    * opportunities: ``d < absent`` and ``p >= adds`` (the programme adds a missing quality), value ``p``;
      and per missing identity carried (weight ``>= carries``) by pool candidates outside the programme,
      up to ``examples`` of them that could come into the vacant space, value the highest weight among
      those (0 when none can); up to ``examples`` carriers that cannot are listed apart (``blocked``),
      each with the reason;
    * threats: one identity holding ``>= identity_share`` of the programme's identity mass; one function
      ``>= function_share`` of the let area; one tenant ``>= tenant_share`` of the let area; incompatible
      tenants; a tenant's noise against a near neighbour's tolerance (same or adjacent level, the
      scorer's "near"), value the score model's ``noise_conflict[noise][tolerance]`` when above 0.

    Whether a candidate could come in is :func:`objectmatch._explain.vacancy_reasons` under
    ``constraints`` (default ``Constraints()``: floor fit, zoning, rent within the largest discount,
    exclusive functions, room) with the hard-side assessment when ``assess``.

    With a ``participation`` round (:class:`Participation`), its reported wishes and objections
    (:meth:`Participation.strengths`: ``min_count`` respected) are read against the tenants: a tag
    is present when a tenant carries it with a match ``>= carries``
    (:meth:`ParticipationStrengths.match_matrix`). A wish present is a strength, a wish missing
    an opportunity (naming up to ``examples`` pool candidates that would meet it and could come in,
    the others blocked), an objection present a threat, each with its respondent count in the text
    and the round's strength as value; a tenant whose activity volunteers offered to help run
    (:meth:`Participation.carries`) is a strength, value ``1 - exp(-volunteers / saturation)``.

    Within a quadrant items are sorted by value (highest first). See docs/culture.md.

    Examples
    --------
    >>> from objectmatch import Programme, ScoreBreakdown
    >>> p = Programme(placements={}, tenants=(), score=0.0, breakdown=ScoreBreakdown(total=0.0, components={}),
    ...               occupancy=0.0, functions=())
    >>> building = Building(id="b", name="B", floors=[{"level": 0, "area": 100, "free_height": 3,
    ...                     "floor_load": 3, "depth": 12}], permitted_functions=["office"], asking_rent=150,
    ...                     location={"lat": 52, "lon": 4, "neighbourhood": "X", "dna": {"green": 0.1}})
    >>> print(swot(p, building, []).weaknesses[0].text)
    the neighbourhood lacks 'green' (DNA 0.10) and the programme does not add it
    """
    rules = rules if rules is not None else SwotRules()
    if not isinstance(rules, SwotRules):
        raise TypeError(f"rules must be a SwotRules or None, got {type(rules).__name__}")
    cons = check_vacancy_inputs(constraints, assess)
    programme, building, pool = checked(programme, building, candidates, "swot")
    dna = _dna_of(building, profile)
    view = _view(programme, building, pool, dna, participation=participation)
    vacancy = Vacancy(building, view.pool, programme.placements, constraints=cons, assess=assess)
    strengths, weaknesses, opportunities = _identity_items(view, rules)
    opportunities += _pool_items(view, rules, vacancy)
    threats = _concentration_threats(view, rules) + _pair_threats(view, building, rules.score_model)
    if view.voice is not None:
        voice = _voice_items(view, view.voice, rules, vacancy)
        strengths += voice["strength"]
        opportunities += voice["opportunity"]
        threats += voice["threat"]

    return Swot(
        strengths=_ordered(strengths, rules.max_items),
        weaknesses=_ordered(weaknesses, rules.max_items),
        opportunities=_ordered(opportunities, rules.max_items),
        threats=_ordered(threats, rules.max_items),
        programme_identities={t: float(v) for t, v in zip(view.identities, view.profile, strict=True) if v > 0},
        dna=dict(dna),
    )


def _ordered(items: list[SwotItem], max_items: int | None) -> tuple[SwotItem, ...]:
    """Highest value first (ties by identities, candidates, text); the first ``max_items`` (None: all)."""
    ranked = sorted(items, key=lambda it: (-it.value, it.identities, it.candidates, it.text))
    return tuple(ranked if max_items is None else ranked[:max_items])


def _identity_items(view: _View, rules: SwotRules) -> tuple[list[SwotItem], list[SwotItem], list[SwotItem]]:
    """Strengths, weaknesses and opportunities of the programme's identity against the DNA."""
    d, p = view.dna, view.profile
    strengths: list[SwotItem] = []
    weaknesses: list[SwotItem] = []
    opportunities: list[SwotItem] = []
    for j in np.flatnonzero((d >= rules.present) & (p >= rules.adds)).tolist():
        tag, carriers = view.identities[j], _tenant_carriers(view, j, 1e-12)
        text = f"reinforces '{tag}': neighbourhood {d[j]:.2f}, programme {p[j]:.2f} (through {view.names(carriers)})"
        strengths.append(SwotItem(kind="strength", text=text, identities=(tag,), candidates=view.ids(carriers),
                                  value=float(p[j])))
    missing = d < rules.absent
    for j in np.flatnonzero(missing & (p < rules.adds)).tolist():
        tag = view.identities[j]
        adds = "does not add it" if p[j] <= 0 else f"adds too little of it ({p[j]:.2f})"
        weaknesses.append(SwotItem(kind="weakness", identities=(tag,), value=float(1.0 - d[j]),
                                   text=f"the neighbourhood lacks '{tag}' (DNA {d[j]:.2f}) and the programme {adds}"))
    for j in np.flatnonzero(missing & (p >= rules.adds)).tolist():
        tag, carriers = view.identities[j], _tenant_carriers(view, j, 1e-12)
        text = (f"adds the missing '{tag}' (neighbourhood {d[j]:.2f}, programme {p[j]:.2f}) "
                f"through {view.names(carriers)}")
        opportunities.append(SwotItem(kind="opportunity", text=text, identities=(tag,),
                                      candidates=view.ids(carriers), value=float(p[j])))
    return strengths, weaknesses, opportunities


def _pool_items(view: _View, rules: SwotRules, vacancy: Vacancy) -> list[SwotItem]:
    """Opportunities: pool candidates outside the programme that would add a missing identity, named
    only if they could come into the vacant space; the others listed apart with the reason."""
    outside = view.outside
    if not outside:
        return []
    out_w = view.weights[outside]
    items: list[SwotItem] = []
    for j in np.flatnonzero((view.dna < rules.absent) & (out_w >= rules.carries).any(axis=0)).tolist():
        tag = view.identities[j]
        carriers = _ranked(view, j, (outside[r] for r in np.flatnonzero(out_w[:, j] >= rules.carries).tolist()))
        named, blocked = _placeable(view, vacancy, carriers, rules.examples)
        lead = f"candidates in the pool would add more '{tag}' (neighbourhood {view.dna[j]:.2f})"
        items.append(
            SwotItem(
                kind="opportunity",
                text=lead + _offer_text(view, named, blocked),
                identities=(tag,),
                candidates=view.ids(named),
                blocked=blocked,
                value=float(view.weights[named[0], j]) if named else 0.0,
            )
        )
    return items


def _carrying(side: _Side, column: int, positions: Iterable[int], threshold: float) -> list[int]:
    """Pool positions whose match with the side's tag is at least ``threshold``, strongest first."""
    return sorted((k for k in positions if side.match[k, column] >= threshold), key=lambda k: -side.match[k, column])


def _voice_items(view: _View, voice: _Voice, rules: SwotRules, vacancy: Vacancy) -> dict[SwotKind, list[SwotItem]]:
    """What a participation round adds: wishes met (strengths) or missed (opportunities), objections
    present (threats), tenants volunteers would help run (strengths). Value: the round's strength."""
    known = frozenset(active_vocabulary().identities)
    items: dict[SwotKind, list[SwotItem]] = {"strength": [], "opportunity": [], "threat": []}

    def item(kind: SwotKind, tag: str, text: str, positions: list[int], value: float, blocked: Blocked = ()) -> None:
        items[kind].append(SwotItem(kind=kind, text=text, identities=(tag,) if tag in known else (),
                                    candidates=view.ids(positions), blocked=blocked, value=value))

    for j, tag in enumerate(voice.wish.tags):
        heard = f"'{tag}' wished for by {voice.wish.respondents[j]} respondents (strength {voice.wish.strength[j]:.2f})"
        present = _carrying(voice.wish, j, view.tenants, rules.carries)
        if present:
            item("strength", tag, f"meets a wish: {heard}, through {view.names(present)}", present,
                 float(voice.wish.strength[j]))
            continue
        named, blocked = _placeable(view, vacancy, _carrying(voice.wish, j, view.outside, rules.carries),
                                    rules.examples)
        offer = _offer_text(view, named, blocked, lead="; in the pool: ",
                            none="; in the pool, but none could come in: ")
        item("opportunity", tag, f"a wish the programme misses: {heard}{offer or '; nobody in the pool offers it'}",
             named, float(voice.wish.strength[j]), blocked)
    for j, tag in enumerate(voice.objection.tags):
        present = _carrying(voice.objection, j, view.tenants, rules.carries)
        if present:
            item("threat", tag, f"objected to: '{tag}' by {voice.objection.respondents[j]} respondents (strength "
                 f"{voice.objection.strength[j]:.2f}), present through {view.names(present)}", present,
                 float(voice.objection.strength[j]))
    for k in view.tenants:
        for group in voice.carried[k]:
            named_groups = f" ({'; '.join(group.initiatives)})" if group.initiatives else ""
            item("strength", "", f"carried by the neighbourhood: {group.respondents} respondents offered to help run "
                 f"'{group.activity}'{named_groups}, the activity of {view.pool[k].name}", [k],
                 saturate(group.respondents, voice.saturation))
    return items


def _concentration_threats(view: _View, rules: SwotRules) -> list[SwotItem]:
    """Over-concentration of one identity or function, dependence on one tenant."""
    threats: list[SwotItem] = []
    p = view.profile
    mass = float(p.sum())
    if mass > 0:
        for j in np.flatnonzero(p / mass >= rules.identity_share).tolist():
            tag, carriers = view.identities[j], _tenant_carriers(view, j, 1e-12)
            share = float(p[j] / mass)
            threats.append(SwotItem(kind="threat", identities=(tag,), candidates=view.ids(carriers), value=share,
                                    text=f"over-concentration: '{tag}' is {share:.0%} of the programme's identity"))
    if view.let_area <= 0:
        return threats
    by_function: dict[str, list[int]] = {}
    for idx, k in enumerate(view.tenants):
        by_function.setdefault(view.pool[k].function, []).append(idx)
    for function, members in sorted(by_function.items()):
        share = float(view.tenant_area[members].sum() / view.let_area)
        if share >= rules.function_share:
            text = f"over-concentration: function '{function}' takes {share:.0%} of the let area"
            threats.append(SwotItem(kind="threat", text=text, candidates=view.ids(view.tenants[i] for i in members),
                                    value=share))
    for idx, k in enumerate(view.tenants):
        share = float(view.tenant_area[idx] / view.let_area)
        if share >= rules.tenant_share:
            threats.append(SwotItem(kind="threat", candidates=(view.pool[k].id,), value=share,
                                    text=f"dependence on one tenant: {view.pool[k].name} takes {share:.0%} of the let "
                                    "area"))
    return threats


def _pair_threats(view: _View, building: Building, model: ScoreModel) -> list[SwotItem]:
    """Incompatible tenants, and a tenant's noise against a near neighbour's tolerance as the score reads
    it: ``model.noise_conflict[noise][tolerance]`` for tenants on the same or an adjacent level."""
    tenants = [view.pool[k] for k in view.tenants]
    threats: list[SwotItem] = []
    placed = {c.id: c for c in tenants}
    for a in tenants:  # a pair is reported once, whoever of the two refuses the other
        for other in sorted(a.incompatible & placed.keys()):
            if a.id < other or a.id not in placed[other].incompatible:
                b = placed[other]
                threats.append(SwotItem(kind="threat", text=f"conflict: {a.name} and {b.name} are incompatible",
                                        candidates=tuple(sorted((a.id, b.id))), value=1.0))
    if len(tenants) < 2:
        return threats
    on = np.array([[lv in view.tenant_levels[x] for lv in building.levels] for x in range(len(tenants))], dtype=float)
    same = on @ on.T > 0
    near = on @ near_floors(np.asarray(building.levels)).astype(float) @ on.T > 0
    noise = np.array([c.noise for c in tenants])
    tolerance = np.array([c.noise_tolerance for c in tenants])
    conflict = np.asarray(model.noise_conflict, dtype=float)[noise[:, None], tolerance[None, :]]  # x's noise, y's ear
    np.fill_diagonal(conflict, 0.0)
    for x, y in zip(*np.nonzero((conflict > 0) & near), strict=True):
        a, b = tenants[x], tenants[y]
        where = "on the same floor as" if same[x, y] else "on a floor next to"
        threats.append(SwotItem(kind="threat", candidates=(a.id, b.id), value=float(conflict[x, y]),
                                text=f"noise: {a.name} (noise {a.noise}) is {where} {b.name} "
                                f"(tolerates {b.noise_tolerance})"))
    return threats
