"""One self-contained HTML page comparing the top programmes side by side.

Pictures are inline PNG (``data:`` URIs) and the style sheet is inline: the file has no
external references and opens anywhere, offline, and in a headless browser.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING

from objectmatch.report._common import (
    SWOT_ITEMS,
    Reading,
    label,
    num,
    read_culture,
    signed,
    status_lines,
    top_programmes,
)
from objectmatch.report.palette import FUNCTION_COLOURS, VACANT_EDGE, function_colour, text_colour
from objectmatch.report.plots import figure_bytes, identity_network, stacking_plan
from objectmatch.report.tables import breakdown_table, floor_table, function_mix, lookup

if TYPE_CHECKING:  # pragma: no cover
    from objectmatch.culture import NeighbourhoodProfile, SwotItem
    from objectmatch.models import Building, Candidate
    from objectmatch.results import MatchResult, Programme

__all__ = ["to_html"]

_CSS = """
*{box-sizing:border-box}
body{font-family:"DejaVu Sans",Helvetica,Arial,sans-serif;font-size:13px;color:#222;margin:0;padding:18px 20px;
background:#f6f6f4;line-height:1.4}
h1{font-size:22px;margin:0 0 4px}
h2{font-size:16px;margin:0 0 6px}
h3{font-size:13px;margin:14px 0 4px;text-transform:uppercase;letter-spacing:.04em;color:#555}
section{margin:14px 0}
.meta{color:#555;margin:0 0 8px}
.status{padding:8px 12px;border-radius:4px;border-left:5px solid #4477aa;background:#fff;margin:8px 0}
.status.optimal{border-color:#117733}.status.infeasible{border-color:#cc3311}
.status p{margin:2px 0}.status .facts{color:#555;font-size:12px}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(380px,1fr));gap:14px;align-items:start}
.card{background:#fff;border:1px solid #ddd;border-radius:6px;padding:12px}
.card img{width:100%;height:auto;display:block}
.score{float:right;font-size:15px;font-weight:bold;color:#332288}
table{border-collapse:collapse;width:100%;font-size:12px;background:#fff}
th,td{border-bottom:1px solid #e3e3e3;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#efefec;font-weight:600}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
tr.vacant td{color:#777;font-style:italic}
tr.floor td{border-top:2px solid #bbb}
tr.total td{font-weight:bold;border-top:2px solid #999}
.sw{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:5px;vertical-align:middle}
.mix{display:flex;height:22px;border-radius:3px;overflow:hidden;border:1px solid #ccc;margin:4px 0 6px}
.mix div{font-size:11px;line-height:22px;overflow:hidden;white-space:nowrap;text-align:center}
.mix .vac{background:repeating-linear-gradient(45deg,#fff 0 4px,#ccc 4px 5px)}
.quad{margin:6px 0;padding:4px 8px;border-left:4px solid #ccc;background:#fafafa}
.quad h4{margin:0 0 2px;font-size:12px}
.quad ul{margin:0;padding-left:16px}.quad li{margin:1px 0}
.quad.strength{border-color:#117733}.quad.weakness{border-color:#cc6677}
.quad.opportunity{border-color:#4477aa}.quad.threat{border-color:#cc3311}
.more{color:#777}
.pos{margin:4px 0}
.wide{background:#fff;border:1px solid #ddd;border-radius:6px;padding:12px}
.wide img{max-width:900px;width:100%;height:auto}
footer{color:#777;font-size:11px;margin-top:18px}
"""


def _img(png: bytes, alt: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return f'<img alt="{escape(alt)}" src="data:image/png;base64,{data}">'


def _swatch(colour: str) -> str:
    return f'<span class="sw" style="background:{colour}"></span>'


def _status(result: MatchResult) -> str:
    lines = status_lines(result)
    code = result.status.code
    out = [f'<div class="status {escape(code)}"><p><strong>Status: {escape(code)}.</strong> {escape(lines[0])}</p>']
    out.append(f'<p class="facts">{escape(lines[1])}</p>')
    if len(lines) > 2:
        out.append("<ul>" + "".join(f"<li>{escape(r)}</li>" for r in lines[2:]) + "</ul>")
    out.append("</div>")
    return "\n".join(out)


def _glance(programmes: Sequence[Programme], building: Building, by_id: dict[str, Candidate]) -> str:
    head = "".join(f'<th class="n">{escape(label(p, i))}</th>' for i, p in enumerate(programmes, start=1))
    rows: list[tuple[str, list[str]]] = [
        ("score", [f"{p.score:.3f}" for p in programmes]),
        ("occupancy", [f"{p.occupancy:.1%}" for p in programmes]),
        ("let m²", [f"{p.area:,.0f}" for p in programmes]),
        ("vacant m²", [f"{max(building.lettable_area - p.area, 0.0):,.0f}" for p in programmes]),
        ("tenants", [str(len(p.placements)) for p in programmes]),
        ("functions", [str(len(p.functions)) for p in programmes]),
        ("pioneers", [str(sum(1 for c in p.placements if c in by_id and by_id[c].pioneer)) for p in programmes]),
    ]
    body = "".join(
        f"<tr><td>{escape(name)}</td>" + "".join(f'<td class="n">{escape(v)}</td>' for v in values) + "</tr>"
        for name, values in rows
    )
    return f"<table><tr><th></th>{head}</tr>{body}</table>"


def _mix(programme: Programme, building: Building) -> str:
    mix = function_mix(programme, building)
    bar = []
    for fn, share in zip(mix["function"], mix["building_share"], strict=True):
        colour = function_colour(fn)
        text = escape(fn) if share >= 0.08 else ""
        bar.append(
            f'<div style="width:{share * 100:.2f}%;background:{colour};color:{text_colour(colour)}" '
            f'title="{escape(fn)} {share:.0%}">{text}</div>'
        )
    vacant = max(0.0, 1.0 - float(mix["building_share"].sum()))
    if vacant > 1e-6:
        bar.append(f'<div class="vac" style="width:{vacant * 100:.2f}%" title="vacant {vacant:.0%}"></div>')
    rows = "".join(
        f"<tr><td>{_swatch(function_colour(fn))}{escape(fn)}</td><td class='n'>{area:,.0f}</td>"
        f"<td class='n'>{share:.0%}</td></tr>"
        for fn, area, share in zip(mix["function"], mix["area"], mix["share"], strict=True)
    )
    table = f"<table><tr><th>function</th><th class='n'>m²</th><th class='n'>share</th></tr>{rows}</table>"
    return f'<div class="mix">{"".join(bar)}</div>{table}'


def _floors(programme: Programme, building: Building, candidates: Sequence[Candidate]) -> str:
    frame = floor_table(programme, building, candidates)
    rows = []
    last = None
    for level, cid, name, fn, area in zip(
        frame["level"], frame["candidate"], frame["name"], frame["function"], frame["area"], strict=True
    ):
        first = level != last
        last = level
        cls = ["vacant"] if not cid else []
        if first:
            cls.append("floor")
        who = f"{_swatch(function_colour(fn))}{escape(name)}" if cid else "vacant"
        rows.append(
            f'<tr class="{" ".join(cls)}"><td class="n">{level if first else ""}</td><td>{who}</td>'
            f"<td>{escape(fn)}</td><td class='n'>{area:,.0f}</td></tr>"
        )
    return (
        "<table><tr><th class='n'>level</th><th>tenant</th><th>function</th><th class='n'>m²</th></tr>"
        + "".join(rows)
        + "</table>"
    )


def _quadrant(kind: str, title: str, items: Sequence[SwotItem]) -> str:
    shown = items[:SWOT_ITEMS]
    lis = "".join(f"<li>{escape(it.text)}</li>" for it in shown) or "<li class='more'>none found</li>"
    if len(items) > len(shown):
        lis += f"<li class='more'>and {len(items) - len(shown)} more</li>"
    return f'<div class="quad {kind}"><h4>{title}</h4><ul>{lis}</ul></div>'


def _culture(reading: Reading) -> str:
    pos, sw, out = reading.positioning, reading.swot, reading.outreach
    parts = ["<h3>Positioning</h3>", f'<p class="pos">{escape(pos.summary)}</p>', "<h3>SWOT</h3>"]
    parts.append(_quadrant("strength", "Strengths", sw.strengths))
    parts.append(_quadrant("weakness", "Weaknesses", sw.weaknesses))
    parts.append(_quadrant("opportunity", "Opportunities", sw.opportunities))
    parts.append(_quadrant("threat", "Threats", sw.threats))
    if out.targets:
        parts.append(f"<h3>Outreach for {out.vacant_area:,.0f} m² vacant</h3>")
        parts.append("<ol>" + "".join(f"<li>{escape(t.why)}</li>" for t in out.targets) + "</ol>")
    return "\n".join(parts)


def _breakdown(programmes: Sequence[Programme]) -> str:
    frame = breakdown_table(programmes)
    labels = [label(p, i) for i, p in enumerate(programmes, start=1)]
    head = "<tr><th>component</th><th class='n'>weight</th>" + "".join(
        f"<th class='n'>{escape(lb)} value</th><th class='n'>{escape(lb)} contribution</th>" for lb in labels
    ) + "</tr>"
    rows = []
    for name, row in frame.iterrows():
        cls = ' class="total"' if name == "total" else ""
        cells = [f"<td>{escape(str(name))}</td>", f"<td class='n'>{num(row['weight'], 2)}</td>"]
        for lb in labels:
            value, contrib = row[f"{lb} value"], row[f"{lb} contribution"]
            cells.append(f"<td class='n'>{num(value)}</td>")
            cells.append(f"<td class='n'>{num(contrib) if name == 'total' else signed(contrib)}</td>")
        rows.append(f"<tr{cls}>{''.join(cells)}</tr>")
    return f"<table>{head}{''.join(rows)}</table>"


def to_html(
    result: MatchResult,
    building: Building,
    candidates: Sequence[Candidate],
    *,
    profile: NeighbourhoodProfile | None = None,
    top: int = 3,
    pictures: bool = True,
    title: str | None = None,
) -> str:
    """One self-contained HTML page comparing the top programmes of ``result`` side by side.

    For each of the first ``top`` programmes, in a column: its stacking plan, the function
    mix, the tenants per floor and, with a neighbourhood ``profile``
    (:class:`~objectmatch.culture.NeighbourhoodProfile`), its positioning, SWOT and outreach
    (:mod:`objectmatch.culture`; left out when ``profile`` is None). Above the columns: the
    match status in words and the programmes' key figures; below: the score breakdowns side
    by side (components, weights, values, contributions) and the identity network of the best
    programme. Pictures are inline PNG and the style inline: the page has no external
    references. ``pictures=False`` leaves the pictures out (faster, smaller).

    An infeasible result gives a page with the status and its reasons.

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
    >>> page = to_html(result, b, pool, pictures=False)
    >>> page.startswith("<!DOCTYPE html>"), "Programme #1" in page, "http" in page
    (True, True, False)
    """
    programmes = top_programmes(result, top)
    by_id = {c.id: c for c in candidates}
    for p in programmes:
        lookup(p, candidates)  # every tenant must be in the pool: fail before drawing anything
    heading = title if title is not None else f"Tenant programmes for {building.name}"
    neighbourhood = building.location.neighbourhood
    meta = (
        f"{len(building.floors)} floors, {building.lettable_area:,.0f} m² lettable, neighbourhood {neighbourhood}; "
        f"{len(candidates)} candidates; top {len(programmes)} of {len(result.programmes)} programmes shown"
    )
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(heading)}</title><style>{_CSS}</style></head><body>",
        f"<header><h1>{escape(heading)}</h1><p class='meta'>{escape(meta)}</p>{_status(result)}</header>",
    ]
    if programmes:
        parts.append(f"<section><h3>At a glance</h3>{_glance(programmes, building, by_id)}</section>")
        cards = []
        for i, p in enumerate(programmes, start=1):
            card = [f'<article class="card"><h2>Programme {escape(label(p, i))}'
                    f'<span class="score">{p.score:.3f}</span></h2>']
            card.append(
                f"<p class='meta'>occupancy {p.occupancy:.0%}, {len(p.placements)} tenants, "
                f"{escape(', '.join(p.functions))}</p>"
            )
            if pictures:
                fig = stacking_plan(p, building, candidates, width=5.6, fontsize=8.0, dpi=160,
                                    title=f"Programme {label(p, i)}: score {p.score:.3f}, occupancy {p.occupancy:.0%}")
                card.append(_img(figure_bytes(fig), f"stacking plan of programme {label(p, i)}"))
            card.append(f"<h3>Function mix</h3>{_mix(p, building)}")
            card.append(f"<h3>Tenants per floor</h3>{_floors(p, building, candidates)}")
            reading = read_culture(p, building, candidates, profile)
            if reading is not None:
                card.append(_culture(reading))
            card.append("</article>")
            cards.append("\n".join(card))
        parts.append(f'<section class="grid">{"".join(cards)}</section>')
        parts.append(f'<section class="wide"><h3>Score breakdown</h3>{_breakdown(programmes)}'
                     "<p class='meta'>value: the component in [0, 1]; contribution: weight × value, what it adds to "
                     "the score (conflict counts negatively).</p></section>")
        if pictures:
            network = profile.network(candidates) if profile is not None else None
            fig = identity_network(programmes[0], candidates, network=network, width=9.0, height=6.5, dpi=110)
            parts.append(f'<section class="wide"><h3>Identity network of programme {escape(label(programmes[0], 1))}'
                         f"</h3>{_img(figure_bytes(fig), 'identity network')}</section>")
    legend = "".join(f"{_swatch(c)}{escape(f)} &nbsp; " for f, c in FUNCTION_COLOURS.items())
    vacant = (f'<span class="sw" style="background:repeating-linear-gradient(45deg,#fff 0 3px,{VACANT_EDGE} 3px 4px)">'
              "</span>vacant")
    from objectmatch import __version__

    parts.append(f"<footer><p>Colours per function (colour-blind friendly): {legend}{vacant}</p>"
                 f"<p>Made with objectmatch {escape(__version__)}.</p></footer>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
