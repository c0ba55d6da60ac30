"""What people look at: a report built once as a document, its renderers, stacking plans and tables.

* :func:`document` builds the report of a match result once, as a :class:`Document` of sections
  (headings, paragraphs, tables, lists and pictures): the status, the programmes, the money, the
  neighbourhood's voice, scenarios, the score breakdown, why programme 1 beats programme 2, and
  who was left out;
* renderers show that one document: :func:`to_markdown`, :func:`to_html` (one self-contained
  page), :func:`to_terminal` and :func:`to_text` (rich), and :func:`write_report` writes a
  file atomically in the format its suffix names;
* :func:`stacking_plan` draws a programme floor by floor (``Programme.plot()`` calls it), a tenant
  on several floors as one bar across them; :func:`identity_network` its tenants and their
  identities as a bipartite graph;
* :func:`floor_table`, :func:`function_mix` and :func:`breakdown_table` give the numbers as
  DataFrames.

Every renderer escapes every text for its format, so names never inject markup. Pictures use
matplotlib's Agg canvas: no display is needed. Colours follow a fixed, colour-blind friendly
palette per use function (:data:`FUNCTION_COLOURS`).
"""

from __future__ import annotations

from objectmatch.report.build import as_document, assessment_document, document, scenario_document
from objectmatch.report.document import (
    Block,
    Document,
    Heading,
    ItemList,
    Paragraph,
    Picture,
    Row,
    Section,
    Table,
    Tone,
)
from objectmatch.report.files import REPORT_SUFFIXES, write_report
from objectmatch.report.html import render_html, to_html
from objectmatch.report.markdown import images_folder, render_markdown, to_markdown
from objectmatch.report.palette import FUNCTION_COLOURS, VACANT_HATCH, function_colour
from objectmatch.report.plots import (
    SAVE_FORMATS,
    FigureStyle,
    NetworkOptions,
    figure_bytes,
    identity_network,
    save_figure,
    stacking_plan,
)
from objectmatch.report.tables import FloorStack, breakdown_table, floor_stack, floor_table, function_mix
from objectmatch.report.terminal import to_terminal, to_text

__all__ = [
    "FUNCTION_COLOURS",
    "REPORT_SUFFIXES",
    "SAVE_FORMATS",
    "VACANT_HATCH",
    "Block",
    "Document",
    "FigureStyle",
    "FloorStack",
    "Heading",
    "ItemList",
    "NetworkOptions",
    "Paragraph",
    "Picture",
    "Row",
    "Section",
    "Table",
    "Tone",
    "as_document",
    "assessment_document",
    "breakdown_table",
    "document",
    "figure_bytes",
    "floor_stack",
    "floor_table",
    "function_colour",
    "function_mix",
    "identity_network",
    "images_folder",
    "render_html",
    "render_markdown",
    "save_figure",
    "scenario_document",
    "stacking_plan",
    "to_html",
    "to_markdown",
    "to_terminal",
    "to_text",
    "write_report",
]
