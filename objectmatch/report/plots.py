"""Pictures of a programme: the stacking plan and the identity network.

Both draw on a plain :class:`matplotlib.figure.Figure` with the Agg canvas (no pyplot, no
display, no global state), return the figure, and save it when given ``path=`` (the suffix
decides the format: ``.png``, ``.svg`` or ``.pdf``), atomically (:func:`objectmatch.io.atomic_write`).
Text is drawn with mathtext and TeX off: a name holding ``$`` is drawn as written.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from objectmatch.report._escape import mpl_lines, mpl_text
from objectmatch.report._network import (
    NetworkOptions,
    draw_links,
    draw_nodes,
    network_data,
    network_layout,
    network_legend,
)
from objectmatch.report._plan import draw_floors, draw_spans, label_bars, label_fit
from objectmatch.report.palette import (
    UNKNOWN_COLOUR,
    VACANT_COLOUR,
    VACANT_EDGE,
    VACANT_HATCH,
    function_colour,
    order_functions,
)
from objectmatch.report.tables import FloorStack, floor_stack, lookup

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from objectmatch.culture import IdentityNetwork
    from objectmatch.models import Building, Candidate
    from objectmatch.results import Programme

__all__ = [
    "SAVE_FORMATS", "FigureStyle", "NetworkOptions", "figure_bytes", "identity_network", "save_figure",
    "stacking_plan",
]

#: File suffixes ``path=`` accepts.
SAVE_FORMATS: tuple[str, ...] = (".png", ".svg", ".pdf")


@dataclass(frozen=True)
class FigureStyle:
    """Size and look of a picture: width and height in inches (``None``: the picture's default; a
    stacking plan's height follows its floors), label size in points, resolution of PNG output, and
    whether to draw the legend."""

    width: float | None = None
    height: float | None = None
    fontsize: float = 7.5
    dpi: float = 150
    legend: bool = True


def _new_figure(width: float, height: float, dpi: float) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=dpi, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _metadata(fmt: str) -> dict[str, Any]:
    # no dates or version strings: the same picture gives the same bytes
    return {"Date": None} if fmt in ("svg", "pdf") else {"Software": None}


def save_figure(fig: Figure, path: str | os.PathLike[str], *, dpi: float | None = None) -> Path:
    """Save ``fig`` to ``path`` as PNG, SVG or PDF (chosen by the suffix), atomically; returns the path.

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
    from objectmatch.io import atomic_write

    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in SAVE_FORMATS:
        raise ValueError(
            f"cannot save a picture as {str(target)!r}: use a file name ending in {', '.join(SAVE_FORMATS)}"
        )
    with atomic_write(target, "wb") as handle:
        fig.savefig(handle, format=suffix[1:], dpi=dpi if dpi is not None else fig.dpi, metadata=_metadata(suffix[1:]))
    return target


def figure_bytes(fig: Figure, fmt: Literal["png", "svg"] = "png", *, dpi: float | None = None) -> bytes:
    """The figure encoded as PNG or SVG bytes (for inlining in a report).

    Examples
    --------
    >>> figure_bytes(_new_figure(2, 1, 50))[:4]
    b'\\x89PNG'
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, dpi=dpi if dpi is not None else fig.dpi, metadata=_metadata(fmt))
    return buffer.getvalue()


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


def _plan_handles(programme: Programme, stacks: Sequence[FloorStack], by_id: dict[str, Candidate]) -> list[Any]:
    from matplotlib.patches import Patch

    functions = order_functions(c.function for cid in programme.placements if (c := by_id.get(cid)) is not None)
    handles = [Patch(facecolor=function_colour(f), edgecolor="none", label=mpl_text(f)) for f in functions]
    if not by_id and programme.placements:
        handles.append(Patch(facecolor=UNKNOWN_COLOUR, label="tenant (function not given)"))
    if any(s.vacant > 0 for s in stacks):
        handles.append(Patch(facecolor=VACANT_COLOUR, edgecolor=VACANT_EDGE, hatch=VACANT_HATCH, label="vacant"))
    return handles


def _frame_plan(ax: Axes, stacks: Sequence[FloorStack], fontsize: float, title: str) -> None:
    """Axes, ticks and title of a stacking plan."""
    n = len(stacks)
    ax.set_xlim(0, max(s.area for s in stacks) * 1.17)
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
    ax.set_title(mpl_lines(title), loc="left", fontsize=fontsize + 2.5, usetex=False)


def _key_legend(ax: Axes, key: Sequence[tuple[str, str, str]], width: float, fontsize: float) -> None:
    """Tenants labelled by number, named below the plan: no label ever overlaps another."""
    from matplotlib.patches import Patch

    handles = [Patch(facecolor=colour, edgecolor="none", label=mpl_text(f"{number}  {name}"))
               for number, name, colour in key]
    ncol = max(1, min(len(handles), int(width / 3.2)))
    legend = ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.0, -0.16), ncol=ncol, frameon=False,
                       fontsize=fontsize, title="tenants labelled by number", title_fontsize=fontsize,
                       alignment="left", handlelength=1.0)
    legend.set_gid("key")


def stacking_plan(
    programme: Programme,
    building: Building,
    candidates: Sequence[Candidate] | None = None,
    *,
    ax: Axes | None = None,
    path: str | os.PathLike[str] | None = None,
    title: str | None = None,
    labels: Literal["name", "id"] | None = "name",
    style: FigureStyle | None = None,
) -> Figure:
    """Stacking plan of a programme: floors as rows, tenants as bars in proportion to their m².

    Floors are rows, lowest at the bottom, on one m² axis: each row's outline is that floor's
    lettable area. A tenant is a bar coloured by its use function (colour-blind friendly
    :data:`~objectmatch.report.palette.FUNCTION_COLOURS`); a tenant on several floors sits at the
    same x on each, drawn as one bar across them (:func:`~objectmatch.report.floor_stack`). Each
    tenant is labelled once, in its widest bar, with its name and m² where they fit, else with a
    number a key below names: labels never overlap. Vacant area is hatched; let and lettable m²
    stand at each floor's right.

    Patches carry a ``gid`` for tests and tools: ``"placement:<id>:<level>"`` per placement,
    ``"span:<id>:<lower level>:<upper level>"`` joining a tenant's bars on adjacent floors,
    ``"vacant:<level>"`` and ``"floor:<level>"`` (the outline).

    Parameters
    ----------
    programme, building, candidates
        The programme, its building and the pool holding its tenants (names, functions); without
        the pool, bars show ids in one neutral colour.
    ax, path
        Draw on this axes (default: a new figure); also save the picture here (``.png``, ``.svg``
        or ``.pdf``), atomically.
    title, labels
        Default: the building's name, rank, score, occupancy and counts; ``"name"`` (default),
        ``"id"`` or ``None`` (no text in the bars).
    style
        Width (default 11 in; the height follows the floors), label size, resolution, legend.

    Examples
    --------
    >>> from objectmatch import Building, Candidate, Programme, ScoreBreakdown
    >>> b = Building(id="b", name="Kantoor", permitted_functions={"office", "assembly"}, asking_rent=150,
    ...              location={"lat": 52, "lon": 4, "neighbourhood": "X"},
    ...              floors=[{"level": lv, "area": 500, "free_height": 3.5, "floor_load": 4, "depth": 14}
    ...                      for lv in (0, 1)])
    >>> pool = [Candidate(id="cafe", name="Cafe", function="assembly", activity="cafe", area_min=100, area_max=300),
    ...         Candidate(id="desk", name="Desk", function="office", activity="coworking", area_min=100, area_max=700,
    ...                   max_floors=2)]
    >>> p = Programme(placements={"cafe": {0: 300.0}, "desk": {0: 200.0, 1: 500.0}}, tenants=("cafe", "desk"),
    ...               score=1.0, breakdown=ScoreBreakdown(total=1.0, components={}), occupancy=1.0,
    ...               functions=("assembly", "office"))
    >>> fig = stacking_plan(p, b, pool)
    >>> sorted(r.get_gid() for r in fig.axes[0].patches if r.get_gid().startswith(("placement", "span")))
    ['placement:cafe:0', 'placement:desk:0', 'placement:desk:1', 'span:desk:0:1']
    """
    look = style or FigureStyle()
    width, fontsize = look.width or 11.0, look.fontsize
    stacks = floor_stack(programme, building)
    by_id = lookup(programme, candidates)
    handles = _plan_handles(programme, stacks, by_id)
    own = ax is None
    fig, ax = _plan_axes(ax, len(stacks), len(handles), look)
    bars = draw_floors(ax, stacks, by_id, fontsize)
    draw_spans(ax, bars)
    _frame_plan(ax, stacks, fontsize, title if title is not None else _default_title(programme, building, "programme"))
    if look.legend and handles:
        _function_legend(fig, ax, handles, own=own, style=look)
    if labels is not None and bars:
        names = {b.candidate: (by_id[b.candidate].name if b.candidate in by_id and labels == "name" else b.candidate)
                 for b in bars}
        key = label_bars(ax, bars, names, label_fit(fig, ax, len(stacks), fontsize))
        if key:
            _key_legend(ax, key, width, fontsize)
            if own:  # room below the plan for the key
                fig.set_figheight(fig.get_figheight() + 0.35 + 0.17 * -(-len(key) // max(1, int(width / 3.2))))
    if path is not None:
        save_figure(fig, path, dpi=look.dpi)
    return fig


def _plan_axes(ax: Axes | None, rows: int, entries: int, style: FigureStyle) -> tuple[Figure, Axes]:
    """The given axes and its figure, or a new figure as tall as the floors and the legend need."""
    if ax is not None:
        return ax.get_figure(), ax  # type: ignore[return-value]
    width = style.width or 11.0
    legend_rows = -(-entries // _legend_columns(entries, width, style.fontsize)) if style.legend else 0
    fig = _new_figure(width, style.height or 0.5 * rows + 1.6 + 0.2 * legend_rows, style.dpi)
    return fig, fig.add_subplot()


def _function_legend(fig: Figure, ax: Axes, handles: Sequence[Any], *, own: bool, style: FigureStyle) -> None:
    """The functions' colours: below a plan of its own, beside one drawn on a given axes."""
    width, fontsize = style.width or 11.0, style.fontsize
    if own:
        fig.legend(handles=handles, loc="outside lower center", ncol=_legend_columns(len(handles), width, fontsize),
                   frameon=False, fontsize=fontsize + 0.5)
    else:
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=fontsize + 0.5)


def _legend_columns(entries: int, width: float, fontsize: float) -> int:
    return max(1, min(entries, int(width / (0.14 * (fontsize + 0.5)))))  # ~1.1 in per entry at 8 pt


def identity_network(
    programme: Programme,
    candidates: Sequence[Candidate],
    *,
    network: IdentityNetwork | None = None,
    ax: Axes | None = None,
    path: str | os.PathLike[str] | None = None,
    title: str | None = None,
    options: NetworkOptions | None = None,
    style: FigureStyle | None = None,
) -> Figure:
    """The programme's tenants and their identities as a bipartite graph.

    Tenants (filled dots, coloured by function, sized by m²) are linked to the flexible
    identities they carry (open circles, sized by the programme's area-weighted identity
    profile); a link's width is the identity's weight for that tenant (links below
    ``options.min_weight`` are left out). With ``network`` (an
    :class:`~objectmatch.culture.IdentityNetwork`), identities are also linked to each
    other by their connected-identity strength (dashed, width in proportion; below
    ``options.min_strength`` left out), and those links pull related identities together in the
    layout. The layout is networkx's spring layout with ``options.seed``: the same inputs give
    the same picture. ``style`` sets the size (default 9 x 7 in), label size and resolution.

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
    opts, look = options or NetworkOptions(), style or FigureStyle()
    by_id = lookup(programme, candidates)
    data = network_data(programme, by_id, network, opts)
    pos = network_layout(data, opts.seed)
    own = ax is None
    if ax is None:
        fig = _new_figure(look.width or 9.0, look.height or 7.0, look.dpi)
        ax = fig.add_subplot()
    else:
        fig = ax.get_figure()  # type: ignore[assignment]
    draw_links(ax, data, pos, by_id)
    draw_nodes(ax, data, pos, by_id, look.fontsize)
    ax.set_axis_off()
    ax.margins(0.08)
    ax.autoscale_view()
    head = title
    if head is None:
        rank = f" #{programme.rank}" if programme.rank else ""
        head = f"Identity network of programme{rank}: {len(data.tenants)} tenants, {len(data.tags)} identities"
        if network is not None:
            head += " (dashed: connected-identity strength)"
    ax.set_title(mpl_lines(head), loc="left", fontsize=look.fontsize + 2.5, usetex=False)
    if look.legend:
        network_legend(fig, ax, [by_id[c].function for c in data.tenants], own=own, fontsize=look.fontsize)
    if path is not None:
        save_figure(fig, path, dpi=look.dpi)
    return fig
