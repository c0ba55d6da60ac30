"""The steps of a stacking plan: bars per floor, a tenant across its floors as one bar, labels that fit or a key."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from objectmatch.report._escape import mpl_text
from objectmatch.report.palette import (
    UNKNOWN_COLOUR,
    VACANT_COLOUR,
    VACANT_EDGE,
    VACANT_HATCH,
    function_colour,
    text_colour,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from objectmatch.models import Candidate
    from objectmatch.report.tables import FloorStack

#: Height of a floor's bar as a share of the row.
BAR_HEIGHT = 0.78
#: Average glyph width of the default sans-serif, in units of the font size.
CHAR_WIDTH = 0.56
#: How far a connecting piece reaches into the bars it joins (rows), to hide their edges.
OVERLAP = 0.03


@dataclass(frozen=True)
class Bar:
    """One placement as drawn: which tenant, on which floor and row, where, and in which colour."""

    candidate: str
    level: int
    row: int
    x: float
    width: float
    colour: str


def tenant_colour(candidate: str, by_id: Mapping[str, Candidate]) -> str:
    """The function colour of a tenant (neutral when its function is not known)."""
    c = by_id.get(candidate)
    return function_colour(c.function) if c is not None else UNKNOWN_COLOUR


def draw_floors(ax: Axes, stacks: Sequence[FloorStack], by_id: Mapping[str, Candidate], fontsize: float) -> list[Bar]:
    """Every floor as a row: tenant bars, hatched vacant area, the floor's outline and its let / lettable m²."""
    from matplotlib.patches import Rectangle

    half = BAR_HEIGHT / 2
    widest = max(s.area for s in stacks)
    bars: list[Bar] = []
    for row, s in enumerate(stacks):
        for slot in s.slots:
            if slot.candidate is None:
                ax.add_patch(Rectangle((slot.x, row - half), slot.width, BAR_HEIGHT, facecolor=VACANT_COLOUR,
                                       edgecolor=VACANT_EDGE, hatch=VACANT_HATCH, linewidth=0.5,
                                       gid=f"vacant:{s.level}"))
                continue
            colour = tenant_colour(slot.candidate, by_id)
            ax.add_patch(Rectangle((slot.x, row - half), slot.width, BAR_HEIGHT, facecolor=colour, edgecolor="white",
                                   linewidth=0.8, gid=f"placement:{slot.candidate}:{s.level}"))
            bars.append(Bar(slot.candidate, s.level, row, slot.x, slot.width, colour))
        ax.add_patch(Rectangle((0, row - half), s.area, BAR_HEIGHT, fill=False, edgecolor="#333333", linewidth=1.0,
                               gid=f"floor:{s.level}"))
        ax.text(s.area + 0.01 * widest, row, f"{s.let:,.0f} / {s.area:,.0f} m²", va="center", ha="left",
                fontsize=fontsize, color="#333333", usetex=False)
    return bars


def draw_spans(ax: Axes, bars: Sequence[Bar]) -> list[str]:
    """Join the bars of a tenant on adjacent rows that start at the same x into one bar; the ids joined."""
    from matplotlib.patches import Rectangle

    by_tenant: dict[str, list[Bar]] = {}
    for bar in bars:
        by_tenant.setdefault(bar.candidate, []).append(bar)
    joined = []
    half = BAR_HEIGHT / 2
    for cid, own in by_tenant.items():
        own.sort(key=lambda b: b.row)
        for low, high in itertools.pairwise(own):
            if high.row != low.row + 1 or abs(high.x - low.x) > 1e-6 * max(1.0, low.width):
                continue
            ax.add_patch(Rectangle((low.x, low.row + half - OVERLAP), min(low.width, high.width),
                                   1 - BAR_HEIGHT + 2 * OVERLAP, facecolor=low.colour, edgecolor="none", zorder=2.5,
                                   gid=f"span:{cid}:{low.level}:{high.level}"))
            joined.append(cid)
    return sorted(set(joined))


@dataclass(frozen=True)
class LabelFit:
    """Room for text in a bar: characters across and whether a second line fits."""

    points_per_m2: float
    row_points: float
    fontsize: float

    def chars(self, width: float) -> int:
        return int((width * self.points_per_m2 - 3) / (CHAR_WIDTH * self.fontsize))

    def two_lines(self) -> bool:
        return self.row_points >= 2.3 * self.fontsize


def label_fit(fig: Figure, ax: Axes, rows: int, fontsize: float) -> LabelFit:
    """How much text fits, from the settled layout (text must fit its bar at the final axes size)."""
    fig.draw_without_rendering()
    box = ax.get_window_extent()
    x0, x1 = ax.get_xlim()
    return LabelFit(box.width * 72 / fig.dpi / (x1 - x0), box.height * 72 / fig.dpi / (rows + 0.2) * BAR_HEIGHT,
                    fontsize)


def _short(name: str) -> str:
    """A name without its description: "Datavaart (IT consultancy)" -> "Datavaart"."""
    return name.split(" (", 1)[0]


def label_bars(ax: Axes, bars: Sequence[Bar], names: Mapping[str, str], fit: LabelFit) -> list[tuple[str, str, str]]:
    """One label per tenant, in its widest bar: its name if it fits, else a number listed in a key.

    Returns the key: (number, name, colour) for every tenant labelled by number.
    """
    widest: dict[str, Bar] = {}
    for bar in bars:
        if bar.candidate not in widest or bar.width > widest[bar.candidate].width:
            widest[bar.candidate] = bar
    key: list[tuple[str, str, str]] = []
    for bar in sorted(widest.values(), key=lambda b: (b.row, b.x)):
        name = names[bar.candidate]
        chars = fit.chars(bar.width)
        text = next((n for n in (name, _short(name)) if len(n) <= chars), None)
        if text is None:
            text = str(len(key) + 1)
            key.append((text, name, bar.colour))
            if len(text) > max(chars, 0) + 1:
                continue  # too narrow even for its number: the key still names it
        m2 = f"{bar.width:,.0f} m²"
        lines = [mpl_text(text)] + ([m2] if len(m2) <= chars and fit.two_lines() else [])
        ax.text(bar.x + bar.width / 2, bar.row, "\n".join(lines), ha="center", va="center", fontsize=fit.fontsize,
                color=text_colour(bar.colour), clip_on=True, gid=f"label:{bar.candidate}:{bar.level}",
                linespacing=1.15, usetex=False)
    return key
