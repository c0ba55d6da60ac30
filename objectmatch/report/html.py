"""One self-contained HTML page: a renderer of a report :class:`~objectmatch.report.document.Document`.

Pictures are inline PNG (``data:`` URIs) and the style sheet is inline: the file has no
external references and opens anywhere, offline, and in a headless browser. Every text is
HTML-escaped; consecutive sections of one group (the programmes) are shown side by side.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from objectmatch.report._escape import html_text
from objectmatch.report.document import Block, Document, Heading, ItemList, Paragraph, Picture, Row, Section, Table
from objectmatch.report.palette import FUNCTION_COLOURS, VACANT_EDGE

if TYPE_CHECKING:  # pragma: no cover
    from objectmatch.culture import NeighbourhoodProfile, Participation
    from objectmatch.results import MatchResult, ScenarioSet

__all__ = ["render_html", "to_html"]

_CSS = """
*{box-sizing:border-box}
body{font-family:"DejaVu Sans",Helvetica,Arial,sans-serif;font-size:13px;color:#222;margin:0;padding:18px 20px;
background:#f6f6f4;line-height:1.4}
h1{font-size:22px;margin:0 0 8px}
h2{font-size:16px;margin:0 0 6px}
h3{font-size:13px;margin:14px 0 4px;text-transform:uppercase;letter-spacing:.04em;color:#555}
section{margin:14px 0}
p{margin:4px 0}
.note{color:#555;font-size:12px}
.tone-good{border-left:5px solid #117733;padding-left:8px}
.tone-warn{border-left:5px solid #ddaa33;padding-left:8px}
.tone-bad{border-left:5px solid #cc3311;padding-left:8px}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(380px,1fr));gap:14px;align-items:start}
.card,.wide{background:#fff;border:1px solid #ddd;border-radius:6px;padding:12px}
.card img{width:100%;height:auto;display:block}
.wide img{max-width:900px;width:100%;height:auto}
table{border-collapse:collapse;width:100%;font-size:12px;background:#fff;margin:4px 0}
th,td{border-bottom:1px solid #e3e3e3;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#efefec;font-weight:600}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
tr.muted td{color:#777;font-style:italic}
tr.group td{border-top:2px solid #bbb}
tr.total td{font-weight:bold;border-top:2px solid #999}
tr.tone-good td:first-child{border-left:4px solid #117733}
tr.tone-warn td:first-child{border-left:4px solid #ddaa33}
tr.tone-bad td:first-child{border-left:4px solid #cc3311}
.sw{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:5px;vertical-align:middle}
ul,ol{margin:2px 0 6px;padding-left:18px}li{margin:1px 0}
footer{color:#777;font-size:11px;margin-top:18px}
"""


def _swatch(colour: str) -> str:
    return f'<span class="sw" style="background:{html_text(colour)}"></span>'


def _row(row: Row, table: Table) -> str:
    classes = " ".join(c for c in (row.kind, f"tone-{row.tone}" if row.tone else "") if c)
    cells = []
    for i, cell in enumerate(row.cells):
        swatch = _swatch(row.colour) if row.colour and table.swatch == i and cell else ""
        cells.append(f"<td{_numeric(table, i)}>{swatch}{html_text(cell)}</td>")
    return f'<tr class="{classes}">' + "".join(cells) + "</tr>" if classes else "<tr>" + "".join(cells) + "</tr>"


def _numeric(table: Table, column: int) -> str:
    return ' class="n"' if table.align[column : column + 1] == "r" else ""


def _table(table: Table) -> str:
    head = "".join(f"<th{_numeric(table, i)}>{html_text(h)}</th>" for i, h in enumerate(table.header))
    return f"<table><tr>{head}</tr>{''.join(_row(r, table) for r in table.rows)}</table>"


def _paragraph(p: Paragraph) -> str:
    kind = "note" if p.tone == "note" else f"tone-{p.tone}"
    tone = f' class="{kind}"' if p.tone else ""
    lead = f"<strong>{html_text(p.lead)}</strong> " if p.lead else ""
    return f"<p{tone}>{lead}{html_text(p.text)}</p>"


def _picture(picture: Picture) -> str:
    from objectmatch.report.plots import figure_bytes

    data = base64.b64encode(figure_bytes(picture.draw())).decode("ascii")
    return f'<img alt="{html_text(picture.alt)}" src="data:image/png;base64,{data}">'


def _block(block: Block, pictures: bool) -> str:
    if isinstance(block, Heading):
        return f"<h{min(block.level, 6)}>{html_text(block.text)}</h{min(block.level, 6)}>"
    if isinstance(block, Paragraph):
        return _paragraph(block)
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, ItemList):
        tag = "ol" if block.ordered else "ul"
        return f"<{tag}>" + "".join(f"<li>{html_text(item)}</li>" for item in block.items) + f"</{tag}>"
    return _picture(block) if pictures else ""


def _section(section: Section, pictures: bool, kind: str) -> str:
    body = "\n".join(b for b in (_block(block, pictures) for block in section.blocks) if b)
    tag = "article" if kind == "card" else "section"
    return f'<{tag} class="{kind}" id="{html_text(section.key)}"><h2>{html_text(section.title)}</h2>\n{body}</{tag}>'


def _runs(sections: Sequence[Section]) -> Iterator[list[Section]]:
    """Sections in runs: consecutive sections of one group together, every other section alone."""
    run: list[Section] = []
    for s in sections:
        if run and (not s.group or s.group != run[-1].group):
            yield run
            run = []
        run.append(s)
    if run:
        yield run


def _footer(doc: Document) -> str:
    legend = "".join(f"{_swatch(c)}{html_text(f)} &nbsp; " for f, c in FUNCTION_COLOURS.items())
    vacant = (f'<span class="sw" style="background:repeating-linear-gradient(45deg,#fff 0 3px,{VACANT_EDGE} 3px 4px)">'
              "</span>vacant")
    return (f"<footer><p>Colours per function (colour-blind friendly): {legend}{vacant}</p>"
            f"<p>{html_text(doc.footer)}</p></footer>")


def render_html(doc: Document, *, pictures: bool = True) -> str:
    """The document as one self-contained HTML page (``pictures=False``: without the pictures, faster).

    Examples
    --------
    >>> from objectmatch.report.document import Document, Paragraph, Section
    >>> page = render_html(Document("<script>x</script>", (Section("s", "Status", (Paragraph("ok"),)),)))
    >>> "<script>" in page, "&lt;script&gt;x&lt;/script&gt;" in page
    (False, True)
    """
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>{html_text(doc.title)}</title><style>{_CSS}</style></head><body>",
             f"<header><h1>{html_text(doc.title)}</h1></header>"]
    for run in _runs(doc.sections):
        if run[0].group:
            parts.append('<section class="grid">' + "".join(_section(s, pictures, "card") for s in run) + "</section>")
        else:
            parts.append(_section(run[0], pictures, "wide"))
    parts += [_footer(doc), "</body></html>"]
    return "\n".join(parts) + "\n"


def to_html(
    report: Document | MatchResult,
    *,
    profile: NeighbourhoodProfile | None = None,
    participation: Participation | None = None,
    scenarios: ScenarioSet | None = None,
    top: int = 3,
    pictures: bool = True,
) -> str:
    """A report as one self-contained HTML page: a :class:`Document`, or a match result made into one
    by :func:`objectmatch.report.document` (with ``profile``, ``participation``, ``scenarios``, ``top``).

    The programmes stand side by side in columns (stacking plan, function mix, tenants per floor,
    positioning and SWOT), the other sections across the page. Pictures are inline PNG and the style
    inline: the page has no external references. ``pictures=False`` leaves the pictures out.

    Examples
    --------
    >>> from objectmatch import load_example, match
    >>> page = to_html(match(*load_example(), k=2, time_limit=1), pictures=False)
    >>> page.startswith("<!DOCTYPE html>"), "Programme #1" in page, "http" in page
    (True, True, False)
    """
    from objectmatch.report.build import as_document

    doc = as_document(report, profile=profile, participation=participation, scenarios=scenarios, top=top)
    return render_html(doc, pictures=pictures)
