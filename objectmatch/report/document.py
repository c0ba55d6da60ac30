"""A report as data: a document of sections, each holding headings, paragraphs, tables, lists and pictures.

:func:`objectmatch.report.document` builds a :class:`Document` once from a match result; Markdown
(:func:`~objectmatch.report.to_markdown`), HTML (:func:`~objectmatch.report.to_html`) and the
terminal (:func:`~objectmatch.report.to_terminal`) are renderers of that one document, so every
output shows the same sections with the same numbers.

Every text in a document is plain text, never markup: each renderer escapes it for its own
format (Markdown and HTML syntax, rich markup, matplotlib's mathtext), so a candidate named
``<script>`` or ``$\\frac{1$`` reads as written everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["Block", "Document", "Heading", "ItemList", "Paragraph", "Picture", "Row", "Section", "Table", "Tone"]

#: How a paragraph or a table row reads: plain, a side note, or good / warning / bad news.
Tone = Literal["", "note", "good", "warn", "bad"]


@dataclass(frozen=True)
class Heading:
    """A heading inside a section (the section's own title is one level up)."""

    text: str
    level: int = 3


@dataclass(frozen=True)
class Paragraph:
    """A paragraph; ``lead`` (if any) is shown strong before the text."""

    text: str
    lead: str = ""
    tone: Tone = ""


@dataclass(frozen=True)
class Row:
    """One table row: its cells as text, how it reads (``kind``) and an optional colour swatch.

    ``kind`` is ``""``, ``"group"`` (the first row of a group: a rule above it), ``"total"``
    (strong, a rule above it) or ``"muted"`` (vacant area, left-out lines). ``colour`` (hex)
    is drawn as a swatch before the cell in the table's ``swatch`` column.
    """

    cells: tuple[str, ...]
    kind: Literal["", "group", "total", "muted"] = ""
    colour: str | None = None
    tone: Tone = ""


@dataclass(frozen=True)
class Table:
    """A table: a header, rows of text, and per column ``l`` or ``r`` alignment (default left)."""

    header: tuple[str, ...]
    rows: tuple[Row, ...]
    align: str = ""
    swatch: int | None = None

    def __post_init__(self) -> None:
        width = len(self.header)
        for row in self.rows:
            if len(row.cells) != width:
                raise ValueError(f"a row has {len(row.cells)} cells, the header {width}: {row.cells!r}")

    def column(self, name: str) -> list[str]:
        """The cells of the column headed ``name``."""
        index = self.header.index(name)
        return [row.cells[index] for row in self.rows]


@dataclass(frozen=True)
class ItemList:
    """A bulleted (or numbered) list of plain-text items."""

    items: tuple[str, ...]
    ordered: bool = False


@dataclass(frozen=True)
class Picture:
    """A picture, drawn only when a renderer shows pictures: ``draw()`` returns a matplotlib Figure.

    ``name`` is a file stem (``programme-1``) for renderers that save pictures to files.
    """

    name: str
    alt: str
    draw: Callable[[], Figure] = field(repr=False, compare=False)


Block = Heading | Paragraph | Table | ItemList | Picture


@dataclass(frozen=True)
class Section:
    """One section: a key (stable, for code and tests), a title, and its blocks in order.

    Consecutive sections with the same non-empty ``group`` are shown side by side where the
    format allows (HTML cards).
    """

    key: str
    title: str
    blocks: tuple[Block, ...]
    group: str = ""

    def tables(self) -> list[Table]:
        """The section's tables, in order."""
        return [b for b in self.blocks if isinstance(b, Table)]


@dataclass(frozen=True)
class Document:
    """A report: a title and its sections, in order.

    Examples
    --------
    >>> doc = Document("Report", (Section("status", "Status", (Paragraph("proven optimal", lead="Status:"),)),))
    >>> doc.keys, doc["status"].title
    (('status',), 'Status')
    """

    title: str
    sections: tuple[Section, ...]
    footer: str = ""

    @property
    def keys(self) -> tuple[str, ...]:
        """The keys of the sections, in order."""
        return tuple(s.key for s in self.sections)

    def __getitem__(self, key: str) -> Section:
        for s in self.sections:
            if s.key == key:
                return s
        raise KeyError(f"no section {key!r}; sections: {', '.join(self.keys)}")

    def __contains__(self, key: object) -> bool:
        return key in self.keys

    def __iter__(self) -> Iterator[Section]:
        return iter(self.sections)

    def __len__(self) -> int:
        return len(self.sections)

    def select(self, *keys: str) -> Document:
        """The same document with only the sections named, in the order named.

        Examples
        --------
        >>> doc = Document("Report", (Section("a", "A", ()), Section("b", "B", ())))
        >>> doc.select("b").keys
        ('b',)
        """
        return Document(self.title, tuple(self[key] for key in keys), footer=self.footer)
