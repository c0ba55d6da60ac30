"""The terminal: a renderer of a report :class:`~objectmatch.report.document.Document` with rich.

Every text becomes a rich ``Text`` (never parsed as markup) with control characters and escape
sequences taken out, so a name can neither style the output nor move the cursor. Pictures are
named, not drawn: the HTML and Markdown reports hold them.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from objectmatch.report._escape import plain
from objectmatch.report.document import Block, Document, Heading, ItemList, Paragraph, Row, Table, Tone

if TYPE_CHECKING:  # pragma: no cover
    from rich.console import Console, RenderableType
    from rich.text import Text

__all__ = ["to_terminal", "to_text"]

#: Width of the text written to a file or a pipe.
PIPE_WIDTH = 120
_TONES: dict[Tone, str] = {"": "", "note": "dim", "good": "green", "warn": "yellow", "bad": "red"}


def _text(value: object, style: str = "") -> Text:
    from rich.text import Text

    return Text(plain(value), style=style)


def _paragraph(p: Paragraph) -> Text:
    from rich.text import Text

    out = Text()
    if p.lead:
        out.append(plain(p.lead), style=f"bold {_TONES[p.tone]}".strip())
        out.append(" " if p.text else "")
    out.append(plain(p.text), style="dim" if p.tone == "note" else "")
    return out


def _cell(row: Row, table: Table, i: int, cell: str) -> Text:
    style = {"total": "bold", "muted": "dim italic"}.get(row.kind, "")
    text = _text(cell, style)
    if row.colour and table.swatch == i and cell:
        from rich.text import Text

        text = Text("■ ", style=row.colour) + text
    if row.tone and i == 0 and row.tone != "note":
        text.stylize(_TONES[row.tone])
    return text


def _table(table: Table) -> RenderableType:
    from rich.table import Table as RichTable

    out = RichTable()
    for i, head in enumerate(table.header):
        out.add_column(_text(head), justify="right" if table.align[i : i + 1] == "r" else "left")
    for row in table.rows:
        if row.kind in ("group", "total") and out.row_count:
            out.add_section()
        out.add_row(*(_cell(row, table, i, c) for i, c in enumerate(row.cells)))
    return out


def _block(block: Block) -> RenderableType:
    from rich.padding import Padding

    if isinstance(block, Heading):
        return _text(block.text, "bold")
    if isinstance(block, Paragraph):
        return _paragraph(block)
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, ItemList):
        marks = [f"{i}." if block.ordered else "-" for i in range(1, len(block.items) + 1)]
        return Padding(_text("\n".join(f"{m} {plain(item)}" for m, item in zip(marks, block.items, strict=True))),
                       (0, 0, 0, 2))
    return _text(f"[picture: {plain(block.alt)}; the HTML and Markdown reports show it]", "dim")


def to_terminal(doc: Document, console: Console | None = None) -> None:
    """Print the document on ``console`` (default: a rich Console on standard output): its title, then
    each section's title and blocks, with colours on a terminal."""
    if console is None:
        from rich.console import Console

        console = Console(highlight=False)
    console.print(_text(doc.title, "bold"))
    for section in doc:
        console.print()
        console.print(_text(section.title, "bold underline"))
        for block in section.blocks:
            if isinstance(block, Heading):
                console.print()
            console.print(_block(block))


def to_text(doc: Document, *, width: int = PIPE_WIDTH) -> str:
    """The terminal rendering as plain text (no colours), ``width`` characters wide.

    Examples
    --------
    >>> from objectmatch.report.document import Document, Paragraph, Section
    >>> print(to_text(Document("Report [bold]x[/]", (Section("s", "Status", (Paragraph("ok", lead="Done."),)),))))
    Report [bold]x[/]
    <BLANKLINE>
    Status
    Done. ok
    <BLANKLINE>
    """
    from rich.console import Console

    buffer = io.StringIO()
    to_terminal(doc, Console(file=buffer, width=width, force_terminal=False, color_system=None, highlight=False,
                                 soft_wrap=False))
    return buffer.getvalue()
