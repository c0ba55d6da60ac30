"""What the sections of a report share: the problem being reported on, and number formats."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from objectmatch.culture import NeighbourhoodProfile, Outreach, Participation, Positioning, Swot
    from objectmatch.models import Building, Candidate
    from objectmatch.results import MatchResult, Programme

#: SWOT items shown per quadrant in a report (the rest are counted).
SWOT_ITEMS = 4


@dataclass(frozen=True)
class Source:
    """What a report is made from: the result, the programmes shown, and the neighbourhood's voice."""

    result: MatchResult
    programmes: tuple[Programme, ...]
    profile: NeighbourhoodProfile | None
    participation: Participation | None
    by_id: dict[str, Candidate] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_id", {c.id: c for c in self.result.candidates})

    @property
    def building(self) -> Building:
        return self.result.building

    @property
    def candidates(self) -> tuple[Candidate, ...]:
        return self.result.candidates

    def candidate(self, cid: str) -> Candidate | None:
        """The candidate with id ``cid`` (None when the pool does not hold it)."""
        return self.by_id.get(cid)

    def name(self, cid: str) -> str:
        """A tenant's name (its id when the pool does not hold it)."""
        c = self.candidate(cid)
        return c.name if c is not None else cid


@dataclass(frozen=True)
class Reading:
    """A programme read against its neighbourhood (:mod:`objectmatch.culture`)."""

    positioning: Positioning
    swot: Swot
    outreach: Outreach


def read_culture(programme: Programme, source: Source) -> Reading | None:
    """Positioning, SWOT (with the participation round, if any) and outreach; ``None`` without a profile."""
    if source.profile is None:
        return None
    from objectmatch.culture import outreach, positioning, swot

    b, pool, profile = source.building, source.candidates, source.profile
    return Reading(
        positioning=positioning(programme, b, pool, profile),
        swot=swot(programme, b, pool, profile, participation=source.participation),
        outreach=outreach(programme, b, profile, top=5, candidates=pool),
    )


def top_programmes(result: MatchResult, top: int) -> tuple[Programme, ...]:
    """The first ``top`` programmes (``top`` >= 1)."""
    if not isinstance(top, int) or isinstance(top, bool) or top < 1:
        raise ValueError(f"top must be a positive whole number, got {top!r}")
    return tuple(result.programmes[:top])


def label(programme: Programme, index: int) -> str:
    """``#rank`` (or the position when the programme is not ranked)."""
    return f"#{programme.rank or index}"


def labels(programmes: Sequence[Programme]) -> list[str]:
    """``#rank`` of each programme, in order."""
    return [label(p, i) for i, p in enumerate(programmes, start=1)]


def num(value: float | None, digits: int = 3) -> str:
    """A number for a table; an empty string for None or NaN."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return f"{value:.{digits}f}"


def signed(value: float | None, digits: int = 3) -> str:
    """A contribution with its sign (``+0.632``, ``-0.100``).

    Examples
    --------
    >>> signed(0.6321), signed(-0.1), signed(0.0)
    ('+0.632', '-0.100', '0.000')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    rounded = round(value, digits)
    return f"{rounded + 0.0:+.{digits}f}" if rounded != 0 else f"{0.0:.{digits}f}"


def euros(value: float) -> str:
    """Whole euros with thousands separators (``931,400``)."""
    return f"{value:,.0f}"


def rate(value: float) -> str:
    """A rent per m² as given: whole when it is whole (``145``), else to the cent (``101.50``).

    Examples
    --------
    >>> rate(145.0), rate(101.5)
    ('145', '101.50')
    """
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def m2(value: float) -> str:
    """Square metres with thousands separators (``5,900``)."""
    return f"{value:,.0f}"
