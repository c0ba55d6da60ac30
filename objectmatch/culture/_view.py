"""One programme, its pool and its neighbourhood as arrays over one identity axis."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from objectmatch._inputs import as_building, as_candidates, as_programme
from objectmatch.culture._common import _identity
from objectmatch.culture._tags import activity_tag, tags_match
from objectmatch.culture._vacancy import Blocked, Vacancy
from objectmatch.culture.participation import Participation, VolunteerGroup
from objectmatch.culture.profile import NeighbourhoodProfile
from objectmatch.models import Building, Candidate, area_weighted_identities, check_unique_ids

if TYPE_CHECKING:  # pragma: no cover
    from objectmatch.results import Programme


@dataclass(frozen=True)
class _Side:
    """One side of a participation round (wishes or objections) against the pool."""

    tags: tuple[str, ...]
    strength: np.ndarray  # per tag
    respondents: tuple[int, ...]  # per tag
    match: np.ndarray  # pool x tags: how strongly each candidate carries each tag


@dataclass(frozen=True)
class _Voice:
    """A participation round's reported figures against the pool (min_count already applied)."""

    wish: _Side
    objection: _Side
    volunteers: tuple[VolunteerGroup, ...]
    carried: tuple[tuple[VolunteerGroup, ...], ...]  # per pool candidate: volunteers who would help run it
    saturation: float


def _voice(participation: Participation | None, pool: tuple[Candidate, ...]) -> _Voice | None:
    if participation is None:
        return None
    if not isinstance(participation, Participation):
        raise TypeError(f"participation must be a Participation or None, got {type(participation).__name__}")
    strengths = participation.strengths()
    sides = {
        side: _Side(
            tags=tuple(getattr(strengths, side)),
            strength=np.array(list(getattr(strengths, side).values()), dtype=np.float64),
            respondents=tuple(getattr(strengths, f"{side}_respondents").values()),
            match=strengths.match_matrix(pool, side),
        )
        for side in ("wish", "objection")
    }
    groups = participation.volunteer_groups()
    tags = [activity_tag(c) for c in pool]
    carried = tuple(tuple(g for g in groups if t is not None and tags_match(g.activity, t)) for t in tags)
    return _Voice(sides["wish"], sides["objection"], groups, carried, participation.saturation)


@dataclass(frozen=True)
class _View:
    """One programme, its pool and its neighbourhood as arrays over one identity axis."""

    pool: tuple[Candidate, ...]
    identities: tuple[str, ...]
    weights: np.ndarray  # pool x identities
    tenants: tuple[int, ...]  # pool positions of the tenants
    tenant_area: np.ndarray  # m² per tenant
    tenant_levels: tuple[tuple[int, ...], ...]
    profile: np.ndarray  # area-weighted identity profile of the programme
    dna: np.ndarray
    let_area: float
    vacant_area: float
    voice: _Voice | None = None  # the participation round, when one was given

    def names(self, positions: Iterable[int], limit: int = 3) -> str:
        """Candidate names for a sentence: the first ``limit``, then how many more."""
        names = [self.pool[k].name for k in positions]
        more = f" and {len(names) - limit} more" if len(names) > limit else ""
        return ", ".join(names[:limit]) + more

    @property
    def outside(self) -> list[int]:
        """Pool positions of the candidates that are not in the programme."""
        tenant_set = set(self.tenants)
        return [k for k in range(len(self.pool)) if k not in tenant_set]

    def ids(self, positions: Iterable[int]) -> tuple[str, ...]:
        """Candidate ids of pool positions."""
        return tuple(self.pool[k].id for k in positions)

    def blocked_text(self, blocked: Blocked) -> str:
        """``Name [why it cannot come in], ...`` for a sentence."""
        name = {c.id: c.name for c in self.pool}
        return ", ".join(f"{name[cid]} [{why}]" for cid, why in blocked)


def checked(
    programme: Programme, building: Building, candidates: Iterable[Candidate], function: str
) -> tuple[Programme, Building, list[Candidate]]:
    """The programme, the building and the pool a culture function reads, each checked by name
    (:mod:`objectmatch._inputs`: a mapping is validated as the model, anything else refused)."""
    return as_programme(programme, function), as_building(building, function), as_candidates(candidates, function)


def _dna_of(building: Building, profile: NeighbourhoodProfile | None) -> dict[str, float]:
    if profile is None:
        return dict(building.location.dna)
    if not isinstance(profile, NeighbourhoodProfile):
        raise TypeError(f"profile must be a NeighbourhoodProfile or None, got {type(profile).__name__}")
    return profile.dna()


def _view(
    programme: Programme,
    building: Building,
    candidates: Iterable[Candidate],
    dna: Mapping[str, float],
    extra_identities: Iterable[str] = (),
    participation: Participation | None = None,
) -> _View:
    pool = tuple(check_unique_ids(candidates))
    position = {c.id: k for k, c in enumerate(pool)}
    order = [cid for cid in programme.tenants if cid in programme.placements]
    order += sorted(cid for cid in programme.placements if cid not in set(order))
    missing = [cid for cid in order if cid not in position]
    if missing:
        raise ValueError(f"programme tenants {missing} are not among the candidates given; pass the whole pool")
    levels = set(building.levels)
    for cid in order:
        bad = sorted(set(programme.placements[cid]) - levels)
        if bad:
            raise ValueError(
                f"programme places {cid!r} on level(s) {bad} that building {building.id!r} does not have; "
                f"levels: {list(building.levels)}"
            )
    identities = tuple(sorted({*dna, *extra_identities, *(t for c in pool for t in c.identities)}))
    col = {t: j for j, t in enumerate(identities)}
    weights = np.zeros((len(pool), len(identities)))
    for k, c in enumerate(pool):
        for tag, w in c.identities.items():
            weights[k, col[tag]] = w
    tenants = tuple(position[cid] for cid in order)
    area = np.array([math.fsum(programme.placements[cid].values()) for cid in order], dtype=np.float64)
    let = float(area.sum())
    profile = area @ weights[list(tenants)] / let if let > 0 else np.zeros(len(identities))
    dna_vec = np.array([dna.get(t, 0.0) for t in identities], dtype=np.float64)
    return _View(
        pool=pool,
        identities=identities,
        weights=weights,
        tenants=tenants,
        tenant_area=area,
        tenant_levels=tuple(tuple(sorted(programme.placements[cid])) for cid in order),
        profile=profile,
        dna=dna_vec,
        let_area=let,
        vacant_area=max(building.lettable_area - let, 0.0),
        voice=_voice(participation, pool),
    )


def _view_of_profile(
    programme: Programme,
    building: Building,
    identities_given: Mapping[str, float],
    dna: Mapping[str, float],
    extra_identities: Iterable[str] = (),
    participation: Participation | None = None,
) -> _View:
    """A view without a pool, from an identity profile the programme carries itself."""
    given = {_identity(t): float(v) for t, v in identities_given.items()}
    identities = tuple(sorted({*dna, *extra_identities, *given}))
    let = math.fsum(a for floors in programme.placements.values() for a in floors.values())
    return _View(
        pool=(),
        identities=identities,
        weights=np.zeros((0, len(identities))),
        tenants=(),
        tenant_area=np.zeros(0),
        tenant_levels=(),
        profile=np.array([given.get(t, 0.0) for t in identities], dtype=np.float64),
        dna=np.array([dna.get(t, 0.0) for t in identities], dtype=np.float64),
        let_area=let,
        vacant_area=max(building.lettable_area - let, 0.0),
        voice=_voice(participation, ()),
    )


def identity_profile(programme: Programme, candidates: Iterable[Candidate]) -> dict[str, float]:
    """The programme's area-weighted identity profile: ``p[i] = sum_t area_t w_ti / sum_t area_t``.

    Identities with weight 0 are left out; sorted strongest first.

    Examples
    --------
    >>> from objectmatch import Programme, ScoreBreakdown
    >>> a = Candidate(id="a", name="A", function="sport", activity="gym", identities={"sport": 1.0},
    ...               area_min=100, area_max=300)
    >>> b = Candidate(id="b", name="B", function="assembly", activity="cafe", identities={"food": 1.0},
    ...               area_min=100, area_max=300)
    >>> p = Programme(placements={"a": {0: 300.0}, "b": {0: 100.0}}, tenants=("a", "b"), score=0.0,
    ...               breakdown=ScoreBreakdown(total=0.0, components={}), occupancy=1.0,
    ...               functions=("assembly", "sport"))
    >>> identity_profile(p, [a, b])
    {'sport': 0.75, 'food': 0.25}
    """
    programme = as_programme(programme, "identity_profile")
    lookup = {c.id: c for c in as_candidates(candidates, "identity_profile")}
    missing = sorted(set(programme.placements) - set(lookup))
    if missing:
        raise ValueError(f"programme tenants {missing} are not among the candidates given")
    return area_weighted_identities(programme.placements, lookup)


def _ranked(view: _View, column: int, positions: Iterable[int]) -> list[int]:
    """Positions sorted by their weight for ``column`` (descending), then id."""
    return sorted(positions, key=lambda k: (-view.weights[k, column], view.pool[k].id))


def _tenant_carriers(view: _View, column: int, threshold: float) -> list[int]:
    """Tenants carrying the identity, biggest contribution (area x weight) first."""
    contrib = {k: a * view.weights[k, column] for k, a in zip(view.tenants, view.tenant_area, strict=True)}
    return sorted((k for k, v in contrib.items() if view.weights[k, column] >= threshold), key=lambda k: -contrib[k])


def _fmt(weights: Mapping[str, float]) -> str:
    return ", ".join(f"{t} ({v:.2f})" for t, v in weights.items())


def _hearts(view: _View, max_hearts: int) -> dict[str, float]:
    p = view.profile
    if p.size == 0 or p.max() <= 0:
        return {}
    order = sorted(np.flatnonzero((p >= 0.5 * p.max()) & (p > 0)).tolist(), key=lambda j: (-p[j], view.identities[j]))
    return {view.identities[j]: float(p[j]) for j in order[:max_hearts]}


def _placeable(
    view: _View, vacancy: Vacancy, positions: Sequence[int], limit: int, *, if_free: bool = False
) -> tuple[list[int], Blocked]:
    """Of ``positions`` (best first): the first ``limit`` that could come into the vacant space (or, with
    ``if_free``, into the building were nothing let), and the first ``limit`` that could not, with why."""
    named_ids, blocked = vacancy.split(view.ids(positions), limit, if_free=if_free)
    named = set(named_ids)
    return [k for k in positions if view.pool[k].id in named], blocked


def _offer_text(
    view: _View, named: Sequence[int], blocked: Blocked, *, lead: str = ": ", none: str = ", but none could come in: "
) -> str:
    """``<lead>A, B; cannot come in: C (why)``, or ``<none>C (why)`` when none can, or ``""`` when nobody."""
    if named:
        text = f"{lead}{view.names(named)}"
        return text + (f"; cannot come in: {view.blocked_text(blocked)}" if blocked else "")
    return f"{none}{view.blocked_text(blocked)}" if blocked else ""
