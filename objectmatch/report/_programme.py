"""One programme's section: its stacking plan, function mix, tenants per floor and its neighbourhood reading."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from objectmatch.report._common import SWOT_ITEMS, Reading, Source, euros, label, m2, read_culture
from objectmatch.report.document import Block, Heading, ItemList, Paragraph, Picture, Row, Section, Table
from objectmatch.report.palette import function_colour
from objectmatch.report.tables import floor_table, function_mix

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from objectmatch.culture import SwotItem
    from objectmatch.results import Programme

__all__ = ["programme_section"]


def _plan(programme: Programme, source: Source, name: str) -> Picture:
    from objectmatch.report.plots import FigureStyle, stacking_plan

    title = f"Programme {name}: score {programme.score:.3f}, occupancy {programme.occupancy:.0%}"

    def draw() -> Figure:
        return stacking_plan(programme, source.building, source.candidates, title=title,
                             style=FigureStyle(width=5.6, fontsize=8.0, dpi=160))

    return Picture(f"programme-{name.lstrip('#')}", f"stacking plan of programme {name}", draw)


def _mix(programme: Programme, source: Source) -> Table:
    mix = function_mix(programme, source.building)
    rows = tuple(Row((fn, m2(area), f"{share:.0%}"), colour=function_colour(fn))
                 for fn, area, share in zip(mix["function"], mix["area"], mix["share"], strict=True))
    return Table(("function", "m²", "share"), rows, "lrr", swatch=0)


def _floors(programme: Programme, source: Source) -> Table:
    frame = floor_table(programme, source.building, source.candidates)
    rows = []
    last = None
    for level, cid, name, fn, area in zip(frame["level"], frame["candidate"], frame["name"], frame["function"],
                                          frame["area"], strict=True):
        first = level != last
        last = level
        shown = str(level) if first else ""
        if cid:
            rows.append(Row((shown, name, fn, m2(area)), kind="group" if first else "", colour=function_colour(fn)))
        else:
            rows.append(Row((shown, "vacant", "", m2(area)), kind="muted"))
    return Table(("level", "tenant", "function", "m²"), tuple(rows), "rllr", swatch=1)


def _quadrant(title: str, items: Sequence[SwotItem]) -> list[Block]:
    shown = [it.text for it in items[:SWOT_ITEMS]] or ["none found"]
    if len(items) > SWOT_ITEMS:
        shown.append(f"and {len(items) - SWOT_ITEMS} more")
    return [Paragraph("", lead=title), ItemList(tuple(shown))]


def _culture(reading: Reading) -> list[Block]:
    sw, out = reading.swot, reading.outreach
    blocks: list[Block] = [Heading("Positioning"), Paragraph(reading.positioning.summary), Heading("SWOT")]
    for title, items in (("Strengths", sw.strengths), ("Weaknesses", sw.weaknesses),
                         ("Opportunities", sw.opportunities), ("Threats", sw.threats)):
        blocks += _quadrant(title, items)
    if out.targets:
        blocks += [Heading(f"Outreach for {m2(out.vacant_area)} m² vacant"),
                   ItemList(tuple(t.why for t in out.targets), ordered=True)]
    return blocks


def programme_section(programme: Programme, index: int, source: Source) -> Section:
    """A programme's card: key figures, stacking plan, function mix, tenants per floor, and (with a
    neighbourhood profile) its positioning, SWOT and outreach."""
    name = label(programme, index)
    facts = (f"{len(programme.placements)} tenants; {', '.join(programme.functions)}; {euros(programme.annual_rent)} "
             f"EUR a year, {programme.rent_share:.0%} of the full asking rent roll")
    blocks: list[Block] = [Paragraph(facts, tone="note"), _plan(programme, source, name),
                           Heading("Function mix"), _mix(programme, source),
                           Heading("Tenants per floor"), _floors(programme, source)]
    reading = read_culture(programme, source)
    if reading is not None:
        blocks += _culture(reading)
    title = f"Programme {name}: score {programme.score:.3f}, occupancy {programme.occupancy:.0%}"
    return Section(f"programme-{name.lstrip('#')}", title, tuple(blocks), group="programmes")
