"""Where each tenant's bar goes on its floor in a stacking plan, so that a tenant on several floors lines up.

A tenant that spans floors is drawn at the same x on each of them: one bar across its floors.
Tenants on one floor only and vacant area fill the room to the left of it, chosen so that every
floor still holds exactly its own m² (nothing is drawn past a floor's lettable area). Spanning
tenants are placed lowest first, each at the smallest x that every floor it uses can reach with
a set of its single-floor tenants (a subset sum) plus some of its vacant area; a tenant for which
no such x exists (a full floor with no subset that fits) keeps its floors' own order.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

__all__ = ["Slot", "layout"]

#: Most distinct subset sums kept per floor (areas are whole m², so this is rarely reached).
MAX_SUMS = 20_000


@dataclass(frozen=True)
class Slot:
    """One piece of a floor in drawing order: a tenant (``candidate``) or vacant area (``None``)."""

    candidate: str | None
    x: float
    width: float


@dataclass
class _Floor:
    level: int
    area: float
    singles: list[tuple[str, float]]
    vacancy: float
    cursor: float = 0.0
    slots: list[Slot] = field(default_factory=list)

    def put(self, candidate: str | None, width: float) -> None:
        self.slots.append(Slot(candidate, self.cursor, width))
        self.cursor += width

    def tolerance(self) -> float:
        return 1e-6 * max(1.0, self.area)


def _subset_sums(widths: Sequence[float]) -> dict[float, tuple[int, ...]]:
    """Reachable sums of subsets of ``widths`` (rounded to 1e-6 m²) and one subset for each."""
    sums: dict[float, tuple[int, ...]] = {0.0: ()}
    for i, w in enumerate(widths):
        for total, chosen in list(sums.items()):
            key = round(total + w, 6)
            if key not in sums and len(sums) < MAX_SUMS:
                sums[key] = (*chosen, i)
    return sums


def _fill(floor: _Floor, gap: float) -> tuple[float, tuple[int, ...]] | None:
    """The largest subset of the floor's singles that fits ``gap`` with vacancy making up the rest."""
    tol = floor.tolerance()
    sums = _subset_sums([w for _, w in floor.singles])
    best = max((s for s in sums if s <= gap + tol), default=None)
    if best is None or gap - best > floor.vacancy + tol:
        return None
    return best, sums[best]


def _start(floors: Sequence[_Floor]) -> float | None:
    """The smallest x every floor can reach: cursor + a subset sum of its singles + some of its vacancy."""
    sums = [sorted(_subset_sums([w for _, w in f.singles])) for f in floors]
    lowest = max(f.cursor for f in floors)
    options = sorted({lowest, *(f.cursor + s for f, ss in zip(floors, sums, strict=True) for s in ss
                                if f.cursor + s > lowest)})
    for x in options:
        ok = True
        for f, ss in zip(floors, sums, strict=True):
            gap, tol = x - f.cursor, f.tolerance()
            i = bisect.bisect_right(ss, gap + tol) - 1  # the largest sum not above the gap
            if i < 0 or gap - ss[i] > f.vacancy + tol:
                ok = False
                break
        if ok:
            return x
    return None


def _align(candidate: str, widths: Mapping[int, float], floors: Mapping[int, _Floor]) -> bool:
    """Place a spanning tenant at one x on all its floors (True), or leave it for later (False)."""
    used = [floors[lv] for lv in sorted(widths)]
    x = _start(used)
    if x is None:
        return False
    for f in used:
        gap = x - f.cursor
        fill = _fill(f, gap)
        if fill is None:  # pragma: no cover - _start found a fill for every floor
            return False
        total, chosen = fill
        for i in chosen:
            f.put(*f.singles[i])
        f.singles = [s for i, s in enumerate(f.singles) if i not in chosen]
        rest = gap - total
        if rest > f.tolerance():
            f.put(None, rest)
            f.vacancy -= rest
        f.cursor = x
        f.put(candidate, widths[f.level])
    return True


def _place(
    placements: Mapping[str, Mapping[int, float]], floors: Sequence[tuple[int, float]], ordered: Sequence[str],
    spanning: Sequence[str],
) -> tuple[dict[int, list[Slot]], set[str]]:
    """One layout with the spanning tenants aligned in the order given."""
    state: dict[int, _Floor] = {}
    for level, area in floors:
        singles = [(cid, float(placements[cid][level])) for cid in ordered
                   if level in placements[cid] and len(placements[cid]) == 1]
        let = math.fsum(float(fl[level]) for fl in placements.values() if level in fl)
        state[level] = _Floor(level, area, singles, max(area - let, 0.0))
    aligned = {cid for cid in spanning if _align(cid, placements[cid], state)}
    for f in state.values():
        for cid in spanning:
            if cid not in aligned and f.level in placements[cid]:
                f.put(cid, float(placements[cid][f.level]))
        for cid, width in f.singles:
            f.put(cid, width)
        if f.vacancy > f.tolerance():
            f.put(None, f.vacancy)
    return {lv: f.slots for lv, f in state.items()}, aligned


def layout(
    placements: Mapping[str, Mapping[int, float]], floors: Sequence[tuple[int, float]], order: Sequence[str]
) -> tuple[dict[int, list[Slot]], set[str]]:
    """Slots of every floor (left to right) and the spanning tenants drawn at one x on all their floors.

    ``floors`` holds (level, lettable m²) lowest first; ``order`` the tenants in the programme's order.
    The spanning tenants are aligned lowest first, highest first and largest first; the order that
    aligns the most of them wins (the first on a tie).

    Examples
    --------
    >>> slots, aligned = layout({"a": {0: 300.0}, "b": {0: 100.0, 1: 400.0}}, [(0, 500.0), (1, 500.0)], ["a", "b"])
    >>> [(s.candidate, s.x, s.width) for s in slots[0]], [(s.candidate, s.x) for s in slots[1]], aligned
    ([('b', 0.0, 100.0), ('a', 100.0, 300.0), (None, 400.0, 100.0)], [('b', 0.0), (None, 400.0)], {'b'})
    """
    rank = {cid: i for i, cid in enumerate(order)}
    ordered = sorted(placements, key=lambda c: (rank.get(c, len(rank)), c))
    spanning = [c for c in ordered if len(placements[c]) > 1]
    lowest = sorted(spanning, key=lambda c: (min(placements[c]), -len(placements[c])))
    orders = [lowest, sorted(spanning, key=lambda c: -max(placements[c])),
              sorted(spanning, key=lambda c: -math.fsum(placements[c].values()))]
    best: tuple[dict[int, list[Slot]], set[str]] | None = None
    for attempt in orders if spanning else [spanning]:
        found = _place(placements, floors, ordered, attempt)
        if best is None or len(found[1]) > len(best[1]):
            best = found
        if len(best[1]) == len(spanning):
            break
    assert best is not None
    return best
