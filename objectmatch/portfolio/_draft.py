"""Disjoint shortlists: buildings take turns choosing candidates from their own ranked lists (a snake draft).

Used to re-match the buildings that lost a clash: with shortlists that share no candidate,
their new programmes cannot clash with each other, so one round settles them.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["draft"]


def _snake(n: int, turn: int) -> range:
    return range(n) if turn % 2 == 0 else range(n - 1, -1, -1)


def draft(
    lists: Sequence[Sequence[int]],
    function: Sequence[int],
    area: Sequence[float],
    target: Sequence[float],
    size: int,
    per_function: int,
    most: int | None = None,
) -> list[list[int]]:
    """Share candidates among buildings, each candidate to one building at most.

    ``lists[b]`` are candidate rows, best first, buildings in priority order; ``function[i]``
    and ``area[i]`` are candidate i's function code and the m² it can take (its area_max).
    First ``per_function`` rounds per function (in code order): each building, in snake
    order, takes its best free candidate of that function. Then snake rounds in which each
    building takes its best free candidate while it has fewer than ``size`` or their areas
    add up to less than ``target[b]`` (and fewer than ``most``), until its list is spent.
    Deterministic: no ties are left to chance.

    Examples
    --------
    >>> draft([[0, 1, 2], [0, 1, 3]], function=[0, 0, 0, 0], area=[1, 1, 1, 1], target=[0, 0], size=2,
    ...       per_function=0)
    [[0, 2], [1, 3]]
    """
    state = _Draft(lists, area, target, size, most if most is not None else 2 * size)
    turn = _quota_rounds(state, function, per_function) if per_function > 0 else 0
    _free_rounds(state, turn)
    # each shortlist best first, in the building's own ranking
    order = [{i: r for r, i in enumerate(ranked)} for ranked in lists]
    return [sorted(p, key=order[b].__getitem__) for b, p in enumerate(state.picks)]


class _Draft:
    """Who holds what so far: each building's picks and the area they add up to."""

    def __init__(
        self, lists: Sequence[Sequence[int]], area: Sequence[float], target: Sequence[float], size: int, most: int
    ) -> None:
        self.lists, self.area, self.target, self.size, self.most = lists, area, target, size, most
        self.taken: set[int] = set()
        self.picks: list[list[int]] = [[] for _ in lists]
        self.held = [0.0] * len(lists)

    def take(self, b: int, i: int) -> None:
        self.taken.add(i)
        self.picks[b].append(i)
        self.held[b] += self.area[i]

    def wants(self, b: int) -> bool:
        """Fewer than ``most``, and fewer than ``size`` or less area than its target."""
        picks = self.picks[b]
        return len(picks) < self.most and (len(picks) < self.size or self.held[b] < self.target[b])

    def next_free(self, ranked: Sequence[int], pointer: int) -> int:
        """The first position from ``pointer`` on whose candidate nobody holds (``len(ranked)``: none)."""
        while pointer < len(ranked) and ranked[pointer] in self.taken:
            pointer += 1
        return pointer


def _quota_rounds(state: _Draft, function: Sequence[int], per_function: int) -> int:
    """``per_function`` snake rounds per function (in code order), each building its best free one of
    that function while it holds fewer than ``size``; returns the next turn."""
    n = len(state.lists)
    by_fn: list[dict[int, list[int]]] = []
    for ranked in state.lists:
        groups: dict[int, list[int]] = {}
        for i in ranked:
            groups.setdefault(function[i], []).append(i)
        by_fn.append(groups)
    turn = 0
    for g in sorted({g for groups in by_fn for g in groups}):
        pointer = [0] * n
        for _ in range(per_function):
            for b in _snake(n, turn):
                group = by_fn[b].get(g, [])
                pointer[b] = state.next_free(group, pointer[b])
                if pointer[b] < len(group) and len(state.picks[b]) < state.size:
                    state.take(b, group[pointer[b]])
            turn += 1
    return turn


def _free_rounds(state: _Draft, turn: int) -> None:
    """Snake rounds in which each building that still wants more takes its best free candidate."""
    n = len(state.lists)
    pointer = [0] * n
    active = [b for b in range(n) if state.wants(b)]
    while active:
        for b in _snake(n, turn):
            if not state.wants(b):
                continue
            ranked = state.lists[b]
            pointer[b] = state.next_free(ranked, pointer[b])
            if pointer[b] < len(ranked):
                state.take(b, ranked[pointer[b]])
        turn += 1
        active = [b for b in active if state.wants(b) and pointer[b] < len(state.lists[b])]
