"""Write a report to a file, atomically, in the format its suffix names."""

from __future__ import annotations

import os
from pathlib import Path
from types import MappingProxyType
from typing import Final

from objectmatch.report.document import Document
from objectmatch.report.html import render_html
from objectmatch.report.markdown import images_folder, render_markdown
from objectmatch.report.terminal import to_text

__all__ = ["REPORT_SUFFIXES", "write_report"]

#: File suffix -> the report format written there.
REPORT_SUFFIXES: Final = MappingProxyType(
    {".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown", ".txt": "text"}
)


def render(doc: Document, fmt: str, path: Path | None = None, *, pictures: bool = True) -> str:
    """``doc`` as ``html``, ``markdown`` (pictures beside ``path`` when given) or ``text``."""
    if fmt == "html":
        return render_html(doc, pictures=pictures)
    if fmt == "markdown":
        folder = images_folder(path) if path is not None and pictures else None
        return render_markdown(doc, images=folder, link=folder.name if folder is not None else None)
    if fmt == "text":
        return to_text(doc)
    raise ValueError(f"unknown report format {fmt!r}; known: html, markdown, text")


def write_report(doc: Document, path: str | os.PathLike[str], *, pictures: bool = True) -> Path:
    """Write ``doc`` to ``path`` as HTML (``.html``, ``.htm``), Markdown (``.md``, ``.markdown``; its
    pictures as PNG in ``<stem>_img/`` beside it) or plain text (``.txt``), atomically
    (:func:`objectmatch.io.atomic_write`): a failure never leaves a half-written file. Returns the path.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from objectmatch.report.document import Document, Paragraph, Section
    >>> doc = Document("Report", (Section("s", "Status", (Paragraph("ok"),)),))
    >>> path = write_report(doc, pathlib.Path(tempfile.mkdtemp()) / "report.md")
    >>> path.read_text(encoding="utf-8").splitlines()[0]
    '# Report'
    """
    from objectmatch.io import atomic_write

    target = Path(path)
    fmt = REPORT_SUFFIXES.get(target.suffix.lower())
    if fmt is None:
        raise ValueError(f"cannot write a report as {str(target)!r}: use a file name ending in "
                         f"{', '.join(REPORT_SUFFIXES)}")
    text = render(doc, fmt, target, pictures=pictures)
    with atomic_write(target) as handle:
        handle.write(text)
    return target
