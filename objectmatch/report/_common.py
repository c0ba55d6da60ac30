"""What the HTML and Markdown reports share: the culture reading of a programme and number formats."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from objectmatch.culture import NeighbourhoodProfile, Outreach, Positioning, Swot
    from objectmatch.models import Building, Candidate
    from objectmatch.results import MatchResult, Programme

#: SWOT items shown per quadrant in a report (the rest are counted).
SWOT_ITEMS = 4


@dataclass(frozen=True)
class Reading:
    """A programme read against its neighbourhood (:mod:`objectmatch.culture`)."""

    positioning: Positioning
    swot: Swot
    outreach: Outreach


def read_culture(
    programme: Programme, building: Building, candidates: Sequence[Candidate], profile: NeighbourhoodProfile | None
) -> Reading | None:
    """Positioning, SWOT and outreach of ``programme``; ``None`` without a neighbourhood profile."""
    if profile is None:
        return None
    from objectmatch.culture import outreach, positioning, swot

    return Reading(
        positioning=positioning(programme, building, candidates, profile),
        swot=swot(programme, building, candidates, profile),
        outreach=outreach(programme, building, profile, top=5, candidates=candidates),
    )


def top_programmes(result: MatchResult, top: int) -> list[Programme]:
    """The first ``top`` programmes (``top`` >= 1)."""
    if not isinstance(top, int) or top < 1:
        raise ValueError(f"top must be a positive whole number, got {top!r}")
    return list(result.programmes[:top])


def label(programme: Programme, index: int) -> str:
    """``#rank`` (or the position when the programme is not ranked)."""
    return f"#{programme.rank or index}"


def num(value: float, digits: int = 3) -> str:
    """A number for a table; an empty string for NaN."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return f"{value:.{digits}f}"


def signed(value: float, digits: int = 3) -> str:
    """A contribution with its sign (``+0.632``, ``-0.100``)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    rounded = round(value, digits)
    return f"{rounded + 0.0:+.{digits}f}" if rounded != 0 else f"{0.0:.{digits}f}"


def status_lines(result: MatchResult) -> list[str]:
    """The status in words: message, solver, time, bound and gap, and every reason."""
    s = result.status
    lines = [s.message]
    facts = []
    if s.solver:
        facts.append(f"solver: {s.solver}")
    facts.append(f"time: {s.wall_time:.2f} s")
    if s.bound is not None:
        facts.append(f"bound: {s.bound:.4f}")
    if s.gap is not None:
        facts.append(f"gap: {s.gap:.2%}")
    lines.append("; ".join(facts))
    lines.extend(r for r in s.reasons if r != s.message)
    return lines
