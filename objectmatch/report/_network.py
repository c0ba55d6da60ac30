"""The steps of an identity-network picture: the graph's data, its layout, links, nodes and legend."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from objectmatch.report._escape import mpl_text
from objectmatch.report.palette import function_colour, order_functions

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from objectmatch.culture import IdentityNetwork
    from objectmatch.models import Candidate
    from objectmatch.results import Programme

#: Longest tenant name under a dot, in characters.
NAME_CHARS = 26


@dataclass(frozen=True)
class NetworkOptions:
    """What an identity network shows: tenant-identity links of at least ``min_weight``, identity-identity
    links of at least ``min_strength`` (with a network), laid out by networkx's spring layout with ``seed``."""

    min_weight: float = 0.2
    min_strength: float = 0.4
    seed: int = 0


@dataclass(frozen=True)
class NetworkData:
    """The graph: tenants and their m², the programme's identity profile, and the links."""

    tenants: tuple[str, ...]
    areas: dict[str, float]
    profile: dict[str, float]
    links: tuple[tuple[str, str, float], ...]
    tags: tuple[str, ...]
    pairs: tuple[tuple[str, str, float], ...]


def network_data(programme: Programme, by_id: Mapping[str, Candidate], network: IdentityNetwork | None,
                 options: NetworkOptions) -> NetworkData:
    """Tenants, identities and the links between them that the picture draws."""
    tenants = tuple(cid for cid in programme.tenants if cid in programme.placements) or tuple(
        sorted(programme.placements))
    areas = {cid: math.fsum(programme.placements[cid].values()) for cid in tenants}
    let = math.fsum(areas.values())
    profile: dict[str, float] = {}
    links: list[tuple[str, str, float]] = []
    for cid in tenants:
        for tag, weight in by_id[cid].identities.items():
            profile[tag] = profile.get(tag, 0.0) + (areas[cid] / let if let > 0 else 0.0) * weight
            if weight >= options.min_weight and weight > 0:
                links.append((cid, tag, weight))
    tags = tuple(sorted({tag for _, tag, _ in links}))
    pairs: list[tuple[str, str, float]] = []
    if network is not None:
        for i, a in enumerate(tags):
            for b in tags[i + 1 :]:
                s = network.strength(a, b)
                if s >= options.min_strength and s > 0:
                    pairs.append((a, b, s))
    return NetworkData(tenants, areas, profile, tuple(links), tags, tuple(pairs))


def network_layout(data: NetworkData, seed: int) -> dict[Any, Any]:
    """Node positions: networkx's spring layout, the same for the same inputs and seed."""
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(("t", cid) for cid in data.tenants)
    graph.add_nodes_from(("i", tag) for tag in data.tags)
    for cid, tag, w in data.links:
        graph.add_edge(("t", cid), ("i", tag), weight=w)
    for a, b, s in data.pairs:
        graph.add_edge(("i", a), ("i", b), weight=0.5 * s)
    k = 1.6 / math.sqrt(max(graph.number_of_nodes(), 1))
    return dict(nx.spring_layout(graph, seed=seed, weight="weight", k=k, iterations=200)) if graph else {}


def draw_links(ax: Axes, data: NetworkData, pos: Mapping[Any, Any], by_id: Mapping[str, Candidate]) -> None:
    """Identity-identity links (dashed) and tenant-identity links (in the tenant's function colour)."""
    from matplotlib.collections import LineCollection

    if data.pairs:
        segs = [(pos[("i", a)], pos[("i", b)]) for a, b, _ in data.pairs]
        ax.add_collection(LineCollection(segs, linewidths=[0.4 + 3 * s for _, _, s in data.pairs], colors="#777777",
                                         alpha=0.45, linestyles="dashed", gid="identity-identity", zorder=1))
    if data.links:
        segs = [(pos[("t", cid)], pos[("i", tag)]) for cid, tag, _ in data.links]
        ax.add_collection(LineCollection(segs, linewidths=[0.6 + 5 * w for _, _, w in data.links],
                                         colors=[function_colour(by_id[cid].function) for cid, _, _ in data.links],
                                         alpha=0.65, gid="tenant-identity", zorder=2))


def _fit(text: str, chars: int) -> str:
    if len(text) <= chars:
        return text
    short = text.split(" (", 1)[0]
    return short if len(short) <= chars else short[: max(chars - 1, 1)].rstrip() + "…"


def draw_nodes(ax: Axes, data: NetworkData, pos: Mapping[Any, Any], by_id: Mapping[str, Candidate],
               fontsize: float) -> None:
    """Tenants as dots (sized by m², coloured by function) and identities as open circles with their names."""
    import numpy as np

    biggest = max(data.areas.values(), default=1.0) or 1.0
    if data.tenants:
        xy = np.array([pos[("t", cid)] for cid in data.tenants])
        ax.scatter(xy[:, 0], xy[:, 1], s=[60 + 300 * math.sqrt(data.areas[c] / biggest) for c in data.tenants],
                   c=[function_colour(by_id[c].function) for c in data.tenants], edgecolors="white", linewidths=1.0,
                   zorder=3, gid="tenants")
        for cid, (x, y) in zip(data.tenants, xy, strict=True):
            ax.annotate(mpl_text(_fit(by_id[cid].name, NAME_CHARS)), (x, y), xytext=(0, -9), textcoords="offset points",
                        ha="center", va="top", fontsize=fontsize - 1, color="#333333", zorder=5, usetex=False)
    if data.tags:
        top = max(data.profile.get(t, 0.0) for t in data.tags) or 1.0
        xy = np.array([pos[("i", t)] for t in data.tags])
        ax.scatter(xy[:, 0], xy[:, 1], s=[120 + 700 * data.profile.get(t, 0.0) / top for t in data.tags], c="white",
                   edgecolors="#222222", linewidths=1.4, zorder=4, gid="identities")
        for tag, (x, y) in zip(data.tags, xy, strict=True):
            ax.annotate(mpl_text(tag), (x, y), ha="center", va="center", fontsize=fontsize, fontweight="bold",
                        color="#222222", zorder=6, usetex=False,
                        bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.75})


def network_legend(fig: Figure, ax: Axes, functions: Sequence[str], *, own: bool, fontsize: float) -> None:
    """The functions' colours and the identity circle, below the picture (beside it on a given axes)."""
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], marker="o", linestyle="none", markerfacecolor=function_colour(f),
                      markeredgecolor="white", markersize=8, label=mpl_text(f)) for f in order_functions(functions)]
    handles.append(Line2D([], [], marker="o", linestyle="none", markerfacecolor="white", markeredgecolor="#222222",
                          markersize=8, label="identity"))
    if own:
        fig.legend(handles=handles, loc="outside lower center", ncol=min(len(handles), 6), frameon=False,
                   fontsize=fontsize + 0.5)
    else:
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=fontsize)
