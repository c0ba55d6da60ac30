"""The programme report as Markdown: the same sections as the HTML page, as tables and lists."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from objectmatch.report._common import SWOT_ITEMS, label, num, read_culture, signed, status_lines, top_programmes
from objectmatch.report.plots import identity_network, save_figure, stacking_plan
from objectmatch.report.tables import breakdown_table, floor_table, function_mix, lookup

if TYPE_CHECKING:  # pragma: no cover
    from objectmatch.culture import NeighbourhoodProfile, SwotItem
    from objectmatch.models import Building, Candidate
    from objectmatch.results import MatchResult

__all__ = ["markdown_table", "to_markdown"]


def _cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[object]], align: str = "") -> str:
    """A GitHub-flavoured Markdown table; ``align`` holds one ``l`` or ``r`` per column (default left).

    Examples
    --------
    >>> print(markdown_table(["a", "b"], [[1, "x|y"]], align="rl"))
    | a | b |
    | ---: | --- |
    | 1 | x\\|y |
    """
    marks = [("---:" if align[i : i + 1] == "r" else "---") for i in range(len(header))]
    lines = ["| " + " | ".join(_cell(h) for h in header) + " |", "| " + " | ".join(marks) + " |"]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def _swot(title: str, items: Sequence[SwotItem]) -> list[str]:
    out = [f"*{title}*", ""]
    out += [f"- {it.text}" for it in items[:SWOT_ITEMS]] or ["- none found"]
    if len(items) > SWOT_ITEMS:
        out.append(f"- and {len(items) - SWOT_ITEMS} more")
    out.append("")
    return out


def to_markdown(
    result: MatchResult,
    building: Building,
    candidates: Sequence[Candidate],
    *,
    profile: NeighbourhoodProfile | None = None,
    top: int = 3,
    images: str | os.PathLike[str] | None = None,
    link: str | None = None,
) -> str:
    """The top programmes of ``result`` as a Markdown report.

    Sections: the status; the programmes at a glance; the score breakdowns side by side;
    then per programme its tenants per floor, its function mix and, with a neighbourhood
    ``profile``, its positioning, SWOT and outreach.

    With ``images`` (a directory, created if needed) the stacking plan of each programme
    (``programme-<rank>.png``) and the identity network of the best
    (``identity-network.png``) are saved there and linked as ``<link>/<file>``; ``link``
    defaults to ``images`` as given, so pass a path relative to where the Markdown will live.

    Examples
    --------
    >>> from objectmatch import Building, Candidate, MatchResult, MatchStatus, Programme, ScoreBreakdown
    >>> b = Building(id="b", name="Kantoor", permitted_functions={"office"}, asking_rent=150,
    ...              location={"lat": 52, "lon": 4, "neighbourhood": "X"},
    ...              floors=[{"level": 0, "area": 500, "free_height": 3, "floor_load": 3, "depth": 14}])
    >>> pool = [Candidate(id="desk", name="Desk", function="office", activity="coworking", area_min=100,
    ...                   area_max=500)]
    >>> p = Programme(placements={"desk": {0: 400.0}}, tenants=("desk",), score=0.8, rank=1, occupancy=0.8,
    ...               breakdown=ScoreBreakdown(total=0.8, components={"occupancy": 0.8}, weights={"occupancy": 1.0}),
    ...               functions=("office",), function_areas={"office": 400.0})
    >>> result = MatchResult(programmes=(p,), status=MatchStatus(code="optimal", message="proven optimal"))
    >>> print(to_markdown(result, b, pool).splitlines()[0])
    # Tenant programmes for Kantoor
    """
    programmes = top_programmes(result, top)
    for p in programmes:
        lookup(p, candidates)
    by_id = {c.id: c for c in candidates}
    lines = status_lines(result)
    out = [
        f"# Tenant programmes for {building.name}",
        "",
        f"{len(building.floors)} floors, {building.lettable_area:,.0f} m² lettable, neighbourhood "
        f"{building.location.neighbourhood}; {len(candidates)} candidates.",
        "",
        f"**Status: {result.status.code}.** {lines[0]}",
        "",
        f"{lines[1]}",
        "",
    ]
    out += [f"- {r}" for r in lines[2:]]
    if len(lines) > 2:
        out.append("")
    if not programmes:
        return "\n".join(out)

    folder = Path(images) if images is not None else None
    prefix = (link if link is not None else (Path(images).as_posix() if images is not None else "")).rstrip("/")
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)

    labels = [label(p, i) for i, p in enumerate(programmes, start=1)]
    glance = [
        ["score", *(f"{p.score:.3f}" for p in programmes)],
        ["occupancy", *(f"{p.occupancy:.1%}" for p in programmes)],
        ["let m²", *(f"{p.area:,.0f}" for p in programmes)],
        ["tenants", *(str(len(p.placements)) for p in programmes)],
        ["functions", *(", ".join(p.functions) for p in programmes)],
        ["pioneers", *(str(sum(1 for c in p.placements if by_id[c].pioneer)) for p in programmes)],
    ]
    out += ["## At a glance", "", markdown_table(["", *labels], glance, "l" + "r" * len(labels)), ""]

    frame = breakdown_table(programmes)
    rows = []
    for name, row in frame.iterrows():
        cells: list[object] = [name, num(row["weight"], 2)]
        for lb in labels:
            contrib = row[f"{lb} contribution"]
            cells += [num(row[f"{lb} value"]), num(contrib) if name == "total" else signed(contrib)]
        rows.append(cells)
    header = ["component", "weight", *(h for lb in labels for h in (f"{lb} value", f"{lb} contribution"))]
    out += ["## Score breakdown", "", "value: the component in [0, 1]; contribution: weight × value.", "",
            markdown_table(header, rows, "l" + "r" * (len(header) - 1)), ""]

    for i, p in enumerate(programmes, start=1):
        lb = labels[i - 1]
        out += [f"## Programme {lb}: score {p.score:.3f}, occupancy {p.occupancy:.0%}", ""]
        if folder is not None:
            name = f"programme-{p.rank or i}.png"
            save_figure(stacking_plan(p, building, candidates), folder / name)
            out += [f"![stacking plan of programme {lb}]({prefix}/{name})", ""]
        ft = floor_table(p, building, candidates)
        floor_rows = [
            [lv, nm if cid else "*vacant*", fn, f"{area:,.0f}"]
            for lv, cid, nm, fn, area in zip(ft["level"], ft["candidate"], ft["name"], ft["function"], ft["area"],
                                             strict=True)
        ]
        out += ["### Tenants per floor", "", markdown_table(["level", "tenant", "function", "m²"], floor_rows, "rllr"),
                ""]
        mix = function_mix(p, building)
        mix_rows = [[fn, f"{a:,.0f}", f"{s:.0%}"] for fn, a, s in zip(mix["function"], mix["area"], mix["share"],
                                                                        strict=True)]
        out += ["### Function mix", "", markdown_table(["function", "m²", "share"], mix_rows, "lrr"), ""]
        reading = read_culture(p, building, candidates, profile)
        if reading is not None:
            sw = reading.swot
            out += ["### Positioning", "", reading.positioning.summary, "", "### SWOT", ""]
            out += _swot("Strengths", sw.strengths) + _swot("Weaknesses", sw.weaknesses)
            out += _swot("Opportunities", sw.opportunities) + _swot("Threats", sw.threats)
            if reading.outreach.targets:
                out += [f"### Outreach for {reading.outreach.vacant_area:,.0f} m² vacant", ""]
                out += [f"{k}. {t.why}" for k, t in enumerate(reading.outreach.targets, start=1)] + [""]
    if folder is not None:
        network = profile.network(candidates) if profile is not None else None
        save_figure(identity_network(programmes[0], candidates, network=network), folder / "identity-network.png")
        out += ["## Identity network of the best programme", "",
                f"![identity network]({prefix}/identity-network.png)", ""]
    return "\n".join(out)
