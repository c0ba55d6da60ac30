"""Markdown: a renderer of a report :class:`~objectmatch.report.document.Document`.

Every text is escaped for Markdown (its syntax and HTML, see :func:`objectmatch.report._escape.markdown_text`).
Pictures are saved as PNG files (atomically) in an ``images`` folder and linked, or left out.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from objectmatch.report._escape import markdown_text
from objectmatch.report.document import Block, Document, Heading, ItemList, Paragraph, Picture, Table

if TYPE_CHECKING:  # pragma: no cover
    from objectmatch.culture import NeighbourhoodProfile, Participation
    from objectmatch.results import MatchResult, ScenarioSet

__all__ = ["images_folder", "render_markdown", "to_markdown"]


def images_folder(report: str | os.PathLike[str]) -> Path:
    """Where the pictures of a Markdown report written to ``report`` go: ``<stem>_img`` beside it.

    Examples
    --------
    >>> images_folder("out/report.md").as_posix()
    'out/report_img'
    """
    path = Path(report)
    return path.with_name(f"{path.stem}_img")


def _line(cells: Sequence[object], strong: bool = False) -> str:
    texts = [markdown_text(c) for c in cells]
    return "| " + " | ".join(f"**{t}**" if strong and t else t for t in texts) + " |"


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[object]], align: str = "") -> str:
    """A GitHub-flavoured Markdown table of escaped text; ``align`` holds one ``l`` or ``r`` per column.

    Examples
    --------
    >>> print(markdown_table(["a", "b"], [[1, "x|y"]], align="rl"))
    | a | b |
    | ---: | --- |
    | 1 | x\\|y |
    """
    marks = [("---:" if align[i : i + 1] == "r" else "---") for i in range(len(header))]
    return "\n".join([_line(header), "| " + " | ".join(marks) + " |", *(_line(row) for row in rows)])


def _table(table: Table) -> str:
    """A document table; a total row in bold."""
    head = markdown_table(table.header, [], table.align)
    return "\n".join([head, *(_line(row.cells, strong=row.kind == "total") for row in table.rows)])


def _paragraph(p: Paragraph) -> str:
    text = markdown_text(p.text)
    if p.lead:
        text = f"**{markdown_text(p.lead)}** {text}".rstrip()
    return f"*{text}*" if p.tone == "note" and text else text


def _block(block: Block, pictures: _Pictures | None) -> str | None:
    if isinstance(block, Heading):
        return "#" * max(1, min(block.level, 6)) + " " + markdown_text(block.text)
    if isinstance(block, Paragraph):
        return _paragraph(block)
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, ItemList):
        marks = [f"{i}." if block.ordered else "-" for i in range(1, len(block.items) + 1)]
        return "\n".join(f"{m} {markdown_text(item)}" for m, item in zip(marks, block.items, strict=True))
    return pictures.link(block) if pictures is not None else None


class _Pictures:
    """Save pictures in ``folder`` and link them as ``prefix/<name>.png``."""

    def __init__(self, folder: Path, prefix: str) -> None:
        self.folder, self.prefix = folder, prefix

    def link(self, picture: Picture) -> str:
        from objectmatch.report.plots import save_figure

        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"{picture.name}.png"
        save_figure(picture.draw(), self.folder / name)
        target = f"{self.prefix}/{name}" if self.prefix else name
        return f"![{markdown_text(picture.alt)}]({target.replace(' ', '%20').replace(')', '%29')})"


def render_markdown(doc: Document, *, images: str | os.PathLike[str] | None = None, link: str | None = None) -> str:
    """The document as Markdown: ``# title``, ``## section``, tables, lists and, with ``images`` (a folder,
    created if needed), every picture saved there as PNG and linked as ``<link>/<name>.png`` (``link``
    defaults to ``images`` as given: pass a path relative to where the Markdown will live).

    Examples
    --------
    >>> from objectmatch.report.document import Document, Paragraph, Section
    >>> print(render_markdown(Document("A <b>", (Section("s", "Status", (Paragraph("ok *now*", lead="Done."),)),))))
    # A &lt;b&gt;
    <BLANKLINE>
    ## Status
    <BLANKLINE>
    **Done.** ok \\*now\\*
    <BLANKLINE>
    """
    pictures = None
    if images is not None:
        prefix = (link if link is not None else Path(images).as_posix()).rstrip("/")
        pictures = _Pictures(Path(images), prefix)
    out = [f"# {markdown_text(doc.title)}", ""]
    for section in doc:
        out += [f"## {markdown_text(section.title)}", ""]
        for block in section.blocks:
            text = _block(block, pictures)
            if text:
                out += [text, ""]
    if doc.footer:
        out += [f"*{markdown_text(doc.footer)}*", ""]
    return "\n".join(out)


def to_markdown(
    report: Document | MatchResult,
    *,
    profile: NeighbourhoodProfile | None = None,
    participation: Participation | None = None,
    scenarios: ScenarioSet | None = None,
    top: int = 3,
    images: str | os.PathLike[str] | None = None,
    link: str | None = None,
) -> str:
    """A report as Markdown: a :class:`Document`, or a match result made into one by
    :func:`objectmatch.report.document` (with ``profile``, ``participation``, ``scenarios``, ``top``).

    With ``images`` (a folder, created if needed) the pictures (each programme's stacking plan
    ``programme-<rank>.png``, the best one's ``identity-network.png``) are saved there and linked as
    ``<link>/<file>``; ``link`` defaults to ``images`` as given, so pass a path relative to where the
    Markdown will live. Without ``images`` there are no pictures.

    Examples
    --------
    >>> from objectmatch import load_example, match
    >>> result = match(*load_example(), k=2, time_limit=1)
    >>> print(to_markdown(result).splitlines()[0])
    # Tenant programmes for Radarhuis, Radarweg, Amsterdam Sloterdijk
    """
    from objectmatch.report.build import as_document

    doc = as_document(report, profile=profile, participation=participation, scenarios=scenarios, top=top)
    return render_markdown(doc, images=images, link=link)
