"""Pictures of a programme: the stacking plan and the identity network.

Both draw on a plain :class:`matplotlib.figure.Figure` with the Agg canvas (no pyplot, no
display, no global state), return the figure, and save it when given ``path=`` (the suffix
decides the format: ``.png``, ``.svg`` or ``.pdf``).
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from objectmatch.report.palette import (
    UNKNOWN_COLOUR,
    VACANT_COLOUR,
    VACANT_EDGE,
    VACANT_HATCH,
    function_colour,
    order_functions,
    text_colour,
)
from objectmatch.report.tables import floor_stack, lookup

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from objectmatch.culture import IdentityNetwork
    from objectmatch.models import Building, Candidate
    from objectmatch.results import Programme

__all__ = ["SAVE_FORMATS", "figure_bytes", "identity_network", "save_figure", "stacking_plan"]

#: File suffixes ``path=`` accepts.
SAVE_FORMATS: tuple[str, ...] = (".png", ".svg", ".pdf")
#: Height of a floor's bar as a share of the row.
BAR_HEIGHT = 0.78
_CHAR_WIDTH = 0.56  # average glyph width of the default sans-serif, in units of the font size


def _new_figure(width: float, height: float, dpi: float) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=dpi, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def save_figure(fig: Figure, path: str | os.PathLike[str], *, dpi: float | None = None) -> Path:
    """Save ``fig`` to ``path`` as PNG, SVG or PDF (chosen by the suffix); returns the path.

    Raises ``ValueError`` for any other suffix.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> fig = _new_figure(2, 1, 50)
    >>> save_figure(fig, pathlib.Path(tempfile.mkdtemp()) / "empty.svg").suffix
    '.svg'
    >>> save_figure(fig, "empty.gif")
    Traceback (most recent call last):
    ...
    ValueError: cannot save a picture as 'empty.gif': use a file name ending in .png, .svg, .pdf
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in SAVE_FORMATS:
        raise ValueError(
            f"cannot save a picture as {str(target)!r}: use a file name ending in {', '.join(SAVE_FORMATS)}"
        )
    metadata: dict[str, Any] = {"Date": None} if suffix in (".svg", ".pdf") else {}
    fig.savefig(target, dpi=dpi if dpi is not None else fig.dpi, metadata=metadata)
    return target


def figure_bytes(fig: Figure, fmt: Literal["png", "svg"] = "png", *, dpi: float | None = None) -> bytes:
    """The figure encoded as PNG or SVG bytes (for inlining in a report).

    Examples
    --------
    >>> figure_bytes(_new_figure(2, 1, 50))[:4]
    b'\\x89PNG'
    """
    import io

    buffer = io.BytesIO()
    metadata: dict[str, Any] = {"Date": None} if fmt == "svg" else {"Software": None}
    fig.savefig(buffer, format=fmt, dpi=dpi if dpi is not None else fig.dpi, metadata=metadata)
    return buffer.getvalue()


def _fit(text: str, chars: int) -> str:
    if len(text) <= chars:
        return text
    short = text.split(" (", 1)[0]  # "Datavaart (IT consultancy)": the name without its description
    if len(short) <= chars:
        return short
    return short[: max(chars - 1, 1)].rstrip() + "…"


def _level_name(level: int) -> str:
    if level == 0:
        return "0 ground"
    if level < 0:
        return f"{level} basement"
    return str(level)


def _default_title(programme: Programme, building: Building, what: str) -> str:
    rank = f" #{programme.rank}" if programme.rank else ""
    return (
        f"{building.name}\n{what}{rank}: score {programme.score:.3f}, occupancy {programme.occupancy:.0%}, "
        f"{len(programme.placements)} tenants, {len(programme.functions)} functions"
    )


def stacking_plan(
    programme: Programme,
    building: Building,
    candidates: Sequence[Candidate] | None = None,
    *,
    ax: Axes | None = None,
    path: str | os.PathLike[str] | None = None,
    title: str | None = None,
    labels: Literal["name", "id"] | None = "name",
    legend: bool = True,
    width: float = 11.0,
    fontsize: float = 7.5,
    dpi: float = 150,
) -> Figure:
    """Stacking plan of a programme: floors as rows, tenants as bars in proportion to their m².

    Floors are rows, lowest level at the bottom (basements below the ground floor). All rows
    share one m² axis and each row's outline is that floor's lettable area, so a narrow floor
    looks narrow. Each tenant is a bar coloured by its use function
    (:data:`~objectmatch.report.palette.FUNCTION_COLOURS`, colour-blind friendly) and labelled
    with its name (or id) and m² where the bar is wide enough; vacant area is white and hatched.
    The title gives the score and occupancy; a legend names the functions; the let and
    lettable m² of each floor are written at its right.

    Every tenant bar is a :class:`matplotlib.patches.Rectangle` with ``gid``
    ``"placement:<candidate id>:<level>"`` (one per placement), vacant area has
    ``"vacant:<level>"`` and the floor outline ``"floor:<level>"``, so tests and tools can find
    them in ``fig.axes[0].patches``.

    Parameters
    ----------
    programme, building
        The programme and the building it is placed in.
    candidates
        The pool holding the tenants: gives names and functions (colours). Without it bars
        are labelled with ids and drawn in one neutral colour.
    ax
        Draw on this axes (its figure is returned); default: a new figure.
    path
        Save the picture here too (``.png``, ``.svg`` or ``.pdf``).
    title
        Default: the building's name, rank, score, occupancy and counts.
    labels
        ``"name"`` (default), ``"id"`` or ``None`` (no text in the bars).
    legend
        Draw the legend of functions.
    width, fontsize, dpi
        Figure width in inches (the height follows the number of floors), label size in
        points, resolution of PNG output.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from objectmatch import Building, Candidate, Programme, ScoreBreakdown
    >>> b = Building(id="b", name="Kantoor", permitted_functions={"office", "assembly"}, asking_rent=150,
    ...              location={"lat": 52, "lon": 4, "neighbourhood": "X"},
    ...              floors=[{"level": lv, "area": 500, "free_height": 3.5, "floor_load": 4, "depth": 14}
    ...                      for lv in (0, 1)])
    >>> pool = [Candidate(id="cafe", name="Cafe", function="assembly", activity="cafe", area_min=100, area_max=300),
    ...         Candidate(id="desk", name="Desk", function="office", activity="coworking", area_min=100, area_max=500)]
    >>> p = Programme(placements={"cafe": {0: 300.0}, "desk": {1: 500.0}}, tenants=("cafe", "desk"), score=1.0,
    ...               breakdown=ScoreBreakdown(total=1.0, components={}), occupancy=0.8,
    ...               functions=("assembly", "office"))
    >>> fig = stacking_plan(p, b, pool)
    >>> sorted(r.get_gid() for r in fig.axes[0].patches if r.get_gid().startswith(("placement", "vacant")))
    ['placement:cafe:0', 'placement:desk:1', 'vacant:0']
    """
    from matplotlib.patches import Patch, Rectangle

    stacks = floor_stack(programme, building)
    by_id = lookup(programme, candidates)
    n = len(stacks)
    functions = order_functions(c.function for cid in programme.placements if (c := by_id.get(cid)) is not None)
    handles = [Patch(facecolor=function_colour(f), edgecolor="none", label=f) for f in functions]
    if not by_id and programme.placements:
        handles.append(Patch(facecolor=UNKNOWN_COLOUR, label="tenant (function not given)"))
    if any(s.vacant > 0 for s in stacks):
        handles.append(Patch(facecolor=VACANT_COLOUR, edgecolor=VACANT_EDGE, hatch=VACANT_HATCH, label="vacant"))
    ncol = max(1, min(len(handles), int(width / (0.14 * (fontsize + 0.5)))))  # ~1.1 in per entry at 8 pt
    own = ax is None
    if ax is None:
        legend_rows = math.ceil(len(handles) / ncol) if legend else 0
        fig = _new_figure(width, 0.5 * n + 1.6 + 0.2 * legend_rows, dpi)
        ax = fig.add_subplot()
    else:
        fig = ax.get_figure()  # type: ignore[assignment]
    max_area = max(s.area for s in stacks)
    half = BAR_HEIGHT / 2
    bars: list[tuple[float, int, str, float, str]] = []  # x centre, row, id, m², colour
    for row, s in enumerate(stacks):
        x = 0.0
        for cid, area in s.tenants:
            c = by_id.get(cid)
            colour = function_colour(c.function) if c is not None else UNKNOWN_COLOUR
            ax.add_patch(
                Rectangle(
                    (x, row - half), area, BAR_HEIGHT, facecolor=colour, edgecolor="white", linewidth=0.8,
                    gid=f"placement:{cid}:{s.level}",
                )
            )
            bars.append((x + area / 2, row, cid, area, colour))
            x += area
        if s.vacant > 0:
            ax.add_patch(
                Rectangle(
                    (x, row - half), s.vacant, BAR_HEIGHT, facecolor=VACANT_COLOUR, edgecolor=VACANT_EDGE,
                    hatch=VACANT_HATCH, linewidth=0.5, gid=f"vacant:{s.level}",
                )
            )
        ax.add_patch(
            Rectangle(
                (0, row - half), s.area, BAR_HEIGHT, fill=False, edgecolor="#333333", linewidth=1.0,
                gid=f"floor:{s.level}",
            )
        )
        ax.text(
            s.area + 0.01 * max_area, row, f"{s.let:,.0f} / {s.area:,.0f} m²", va="center", ha="left",
            fontsize=fontsize, color="#333333",
        )
    ax.set_xlim(0, max_area * 1.17)
    ax.set_ylim(-0.6, n - 0.4)
    ax.set_yticks(range(n), [_level_name(s.level) for s in stacks], fontsize=fontsize + 0.5)
    ax.set_ylabel("level")
    ax.set_xlabel("m² (each row: that floor's lettable area)")
    ax.tick_params(axis="x", labelsize=fontsize)
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.tick_params(axis="y", length=0)
    ax.set_title(title if title is not None else _default_title(programme, building, "programme"),
                 loc="left", fontsize=fontsize + 2.5)
    if legend and handles:
        if own:
            fig.legend(handles=handles, loc="outside lower center", ncol=ncol, frameon=False, fontsize=fontsize + 0.5)
        else:
            ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False,
                      fontsize=fontsize + 0.5)

    if labels is not None and bars:
        # Label text must fit its bar, which needs the final axes size: settle the layout first.
        fig.draw_without_rendering()
        box = ax.get_window_extent()
        x0, x1 = ax.get_xlim()
        pt_per_m2 = box.width * 72 / fig.dpi / (x1 - x0)
        row_pt = box.height * 72 / fig.dpi / (n + 0.2) * BAR_HEIGHT
        for xc, row, cid, area, colour in bars:
            chars = int((area * pt_per_m2 - 3) / (_CHAR_WIDTH * fontsize))
            c = by_id.get(cid)
            name = c.name if (c is not None and labels == "name") else cid
            m2 = f"{area:,.0f} m²"
            lines = []
            if chars >= 3:
                lines.append(_fit(name, chars))
                if chars >= len(m2) and row_pt >= 2.3 * fontsize:
                    lines.append(m2)
            if lines:
                ax.text(
                    xc, row, "\n".join(lines), ha="center", va="center", fontsize=fontsize,
                    color=text_colour(colour), clip_on=True, gid=f"label:{cid}:{stacks[row].level}",
                    linespacing=1.15,
                )
    if path is not None:
        save_figure(fig, path, dpi=dpi)
    return fig


def identity_network(
    programme: Programme,
    candidates: Sequence[Candidate],
    *,
    network: IdentityNetwork | None = None,
    ax: Axes | None = None,
    path: str | os.PathLike[str] | None = None,
    title: str | None = None,
    min_weight: float = 0.2,
    min_strength: float = 0.4,
    seed: int = 0,
    width: float = 9.0,
    height: float = 7.0,
    fontsize: float = 7.5,
    dpi: float = 150,
) -> Figure:
    """The programme's tenants and their identities as a bipartite graph.

    Tenants (filled dots, coloured by function, sized by m²) are linked to the flexible
    identities they carry (open circles, sized by the programme's area-weighted identity
    profile); a link's width is the identity's weight for that tenant (links below
    ``min_weight`` are left out). With ``network`` (an
    :class:`~objectmatch.culture.IdentityNetwork`), identities are also linked to each
    other by their connected-identity strength (dashed, width in proportion; below
    ``min_strength`` left out), and those links pull related identities together in the
    layout. The layout is networkx's spring layout with ``seed``: the same inputs give the
    same picture.

    The axes hold four collections with ``gid`` ``"tenant-identity"``, ``"identity-identity"``
    (only with ``network``), ``"tenants"`` and ``"identities"``.

    Examples
    --------
    >>> from objectmatch import Candidate, Programme, ScoreBreakdown
    >>> pool = [Candidate(id="gym", name="Gym", function="sport", activity="gym", identities={"sport": 1.0,
    ...                   "health": 0.6}, area_min=100, area_max=300),
    ...         Candidate(id="cafe", name="Cafe", function="assembly", activity="cafe",
    ...                   identities={"food": 1.0, "health": 0.3}, area_min=50, area_max=100)]
    >>> p = Programme(placements={"gym": {0: 300.0}, "cafe": {0: 100.0}}, tenants=("cafe", "gym"), score=0.0,
    ...               breakdown=ScoreBreakdown(total=0.0, components={}), occupancy=1.0,
    ...               functions=("assembly", "sport"))
    >>> fig = identity_network(p, pool)
    >>> links = next(c for c in fig.axes[0].collections if c.get_gid() == "tenant-identity")
    >>> len(links.get_segments())
    4
    """
    import networkx as nx
    import numpy as np
    from matplotlib.collections import LineCollection
    from matplotlib.lines import Line2D

    by_id = lookup(programme, candidates)
    tenants = [cid for cid in programme.tenants if cid in programme.placements] or sorted(programme.placements)
    areas = {cid: math.fsum(programme.placements[cid].values()) for cid in tenants}
    let = math.fsum(areas.values())
    profile: dict[str, float] = {}
    links: list[tuple[str, str, float]] = []
    for cid in tenants:
        for tag, weight in by_id[cid].identities.items():
            profile[tag] = profile.get(tag, 0.0) + (areas[cid] / let if let > 0 else 0.0) * weight
            if weight >= min_weight and weight > 0:
                links.append((cid, tag, weight))
    tags = sorted({tag for _, tag, _ in links})
    pairs: list[tuple[str, str, float]] = []
    if network is not None:
        for i, a in enumerate(tags):
            for b in tags[i + 1 :]:
                s = network.strength(a, b)
                if s >= min_strength and s > 0:
                    pairs.append((a, b, s))

    graph = nx.Graph()
    graph.add_nodes_from(("t", cid) for cid in tenants)
    graph.add_nodes_from(("i", tag) for tag in tags)
    for cid, tag, w in links:
        graph.add_edge(("t", cid), ("i", tag), weight=w)
    for a, b, s in pairs:
        graph.add_edge(("i", a), ("i", b), weight=0.5 * s)
    k = 1.6 / math.sqrt(max(graph.number_of_nodes(), 1))
    pos: dict[Any, Any] = nx.spring_layout(graph, seed=seed, weight="weight", k=k, iterations=200) if graph else {}

    if ax is None:
        fig = _new_figure(width, height, dpi)
        ax = fig.add_subplot()
        own = True
    else:
        fig = ax.get_figure()  # type: ignore[assignment]
        own = False
    if pairs:
        segs = [(pos[("i", a)], pos[("i", b)]) for a, b, _ in pairs]
        ax.add_collection(
            LineCollection(segs, linewidths=[0.4 + 3 * s for _, _, s in pairs], colors="#777777", alpha=0.45,
                           linestyles="dashed", gid="identity-identity", zorder=1)
        )
    if links:
        segs = [(pos[("t", cid)], pos[("i", tag)]) for cid, tag, _ in links]
        ax.add_collection(
            LineCollection(segs, linewidths=[0.6 + 5 * w for _, _, w in links],
                           colors=[function_colour(by_id[cid].function) for cid, _, _ in links], alpha=0.65,
                           gid="tenant-identity", zorder=2)
        )
    biggest = max(areas.values(), default=1.0) or 1.0
    if tenants:
        xy = np.array([pos[("t", cid)] for cid in tenants])
        ax.scatter(xy[:, 0], xy[:, 1], s=[60 + 300 * math.sqrt(areas[c] / biggest) for c in tenants],
                   c=[function_colour(by_id[c].function) for c in tenants], edgecolors="white", linewidths=1.0,
                   zorder=3, gid="tenants")
        for cid, (x, y) in zip(tenants, xy, strict=True):
            ax.annotate(_fit(by_id[cid].name, 26), (x, y), xytext=(0, -9), textcoords="offset points",
                        ha="center", va="top", fontsize=fontsize - 1, color="#333333", zorder=5)
    if tags:
        top = max(profile.get(t, 0.0) for t in tags) or 1.0
        xy = np.array([pos[("i", t)] for t in tags])
        ax.scatter(xy[:, 0], xy[:, 1], s=[120 + 700 * profile.get(t, 0.0) / top for t in tags], c="white",
                   edgecolors="#222222", linewidths=1.4, zorder=4, gid="identities")
        for tag, (x, y) in zip(tags, xy, strict=True):
            ax.annotate(tag, (x, y), ha="center", va="center", fontsize=fontsize, fontweight="bold",
                        color="#222222", zorder=6,
                        bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.75})
    ax.set_axis_off()
    ax.margins(0.08)
    ax.autoscale_view()
    head = title
    if head is None:
        rank = f" #{programme.rank}" if programme.rank else ""
        head = f"Identity network of programme{rank}: {len(tenants)} tenants, {len(tags)} identities"
        if network is not None:
            head += " (dashed: connected-identity strength)"
    ax.set_title(head, loc="left", fontsize=fontsize + 2.5)
    fns = order_functions(by_id[c].function for c in tenants)
    handles = [
        Line2D([], [], marker="o", linestyle="none", markerfacecolor=function_colour(f), markeredgecolor="white",
               markersize=8, label=f)
        for f in fns
    ]
    handles.append(Line2D([], [], marker="o", linestyle="none", markerfacecolor="white", markeredgecolor="#222222",
                          markersize=8, label="identity"))
    if own:
        fig.legend(handles=handles, loc="outside lower center", ncol=min(len(handles), 6), frameon=False,
                   fontsize=fontsize + 0.5)
    else:
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=fontsize)
    if path is not None:
        save_figure(fig, path, dpi=dpi)
    return fig
