"""Disjoint shortlists: buildings take turns choosing candidates from their own ranked lists (a snake draft).

Used to re-match the buildings that lost a clash: with shortlists that share no candidate,
their programmes cannot clash again, so one round settles them all.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["draft"]


def _snake(n: int, turn: int) -> range:
    return range(n) if turn % 2 == 0 else range(n - 1, -1, -1)


def draft(lists: Sequence[Sequence[int]], function: Sequence[int], size: int, per_function: int) -> list[list[int]]:
    """Give each building up to ``size`` candidates from its ranked list, no candidate to two buildings.

    ``lists[b]`` are candidate rows, best first, in priority order of the buildings;
    ``function[i]`` is candidate i's function code. First ``per_function`` rounds per
    function (in code order): each building, in snake order, takes its best free candidate of
    that function. Then snake rounds in which each takes its best free candidate, until each
    has ``size`` or its list is spent. Deterministic: no ties are left to chance.

    Examples
    --------
    >>> draft([[0, 1, 2], [0, 1, 3]], function=[0, 0, 0, 0], size=2, per_function=0)
    [[0, 2], [1, 3]]
    """
    n = len(lists)
    taken: set[int] = set()
    picks: list[list[int]] = [[] for _ in range(n)]

    def take(b: int, i: int) -> None:
        taken.add(i)
        picks[b].append(i)

    if per_function > 0:
        by_fn: list[dict[int, list[int]]] = []
        for ranked in lists:
            groups: dict[int, list[int]] = {}
            for i in ranked:
                groups.setdefault(function[i], []).append(i)
            by_fn.append(groups)
        codes = sorted({g for groups in by_fn for g in groups})
        turn = 0
        for g in codes:
            pointer = [0] * n
            for _ in range(per_function):
                for b in _snake(n, turn):
                    if len(picks[b]) >= size:
                        continue
                    group = by_fn[b].get(g, [])
                    while pointer[b] < len(group) and group[pointer[b]] in taken:
                        pointer[b] += 1
                    if pointer[b] < len(group):
                        take(b, group[pointer[b]])
                turn += 1
    pointer = [0] * n
    turn = 0
    active = [b for b in range(n) if len(picks[b]) < size]
    while active:
        for b in _snake(n, turn):
            if len(picks[b]) >= size:
                continue
            ranked = lists[b]
            while pointer[b] < len(ranked) and ranked[pointer[b]] in taken:
                pointer[b] += 1
            if pointer[b] < len(ranked):
                take(b, ranked[pointer[b]])
        turn += 1
        active = [b for b in active if len(picks[b]) < size and pointer[b] < len(lists[b])]
    # each shortlist best first, in the building's own ranking
    order = [{i: r for r, i in enumerate(ranked)} for ranked in lists]
    return [sorted(p, key=order[b].__getitem__) for b, p in enumerate(picks)]
