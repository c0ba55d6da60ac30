"""What people look at: stacking plans, identity networks, tables, and Markdown and HTML reports.

* :func:`stacking_plan` draws a programme floor by floor (``Programme.plot()`` calls it);
* :func:`identity_network` draws its tenants and their identities as a bipartite graph;
* :func:`floor_table`, :func:`function_mix` and :func:`breakdown_table` give the numbers as
  DataFrames;
* :func:`to_html` writes one self-contained HTML page comparing the top programmes side by side,
  :func:`to_markdown` the same as Markdown.

Pictures use matplotlib's Agg canvas: no display is needed. Colours follow a fixed,
colour-blind friendly palette per use function (:data:`FUNCTION_COLOURS`).
"""

from __future__ import annotations

from objectmatch.report.html import to_html
from objectmatch.report.markdown import to_markdown
from objectmatch.report.palette import FUNCTION_COLOURS, VACANT_HATCH, function_colour
from objectmatch.report.plots import SAVE_FORMATS, figure_bytes, identity_network, save_figure, stacking_plan
from objectmatch.report.tables import FloorStack, breakdown_table, floor_stack, floor_table, function_mix

__all__ = [
    "FUNCTION_COLOURS",
    "SAVE_FORMATS",
    "VACANT_HATCH",
    "FloorStack",
    "breakdown_table",
    "figure_bytes",
    "floor_stack",
    "floor_table",
    "function_colour",
    "function_mix",
    "identity_network",
    "save_figure",
    "stacking_plan",
    "to_html",
    "to_markdown",
]
