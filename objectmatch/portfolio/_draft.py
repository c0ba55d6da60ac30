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
    n = len(lists)
    most = most if most is not None else 2 * size
    taken: set[int] = set()
    picks: list[list[int]] = [[] for _ in range(n)]
    held = [0.0] * n

    def take(b: int, i: int) -> None:
        taken.add(i)
        picks[b].append(i)
        held[b] += area[i]

    def wants(b: int) -> bool:
        return len(picks[b]) < most and (len(picks[b]) < size or held[b] < target[b])

    turn = 0
    if per_function > 0:
        by_fn: list[dict[int, list[int]]] = []
        for ranked in lists:
            groups: dict[int, list[int]] = {}
            for i in ranked:
                groups.setdefault(function[i], []).append(i)
            by_fn.append(groups)
        for g in sorted({g for groups in by_fn for g in groups}):
            pointer = [0] * n
            for _ in range(per_function):
                for b in _snake(n, turn):
                    group = by_fn[b].get(g, [])
                    while pointer[b] < len(group) and group[pointer[b]] in taken:
                        pointer[b] += 1
                    if pointer[b] < len(group) and len(picks[b]) < size:
                        take(b, group[pointer[b]])
                turn += 1
    pointer = [0] * n
    active = [b for b in range(n) if wants(b)]
    while active:
        for b in _snake(n, turn):
            if not wants(b):
                continue
            ranked = lists[b]
            while pointer[b] < len(ranked) and ranked[pointer[b]] in taken:
                pointer[b] += 1
            if pointer[b] < len(ranked):
                take(b, ranked[pointer[b]])
        turn += 1
        active = [b for b in active if wants(b) and pointer[b] < len(lists[b])]
    # each shortlist best first, in the building's own ranking
    order = [{i: r for r, i in enumerate(ranked)} for ranked in lists]
    return [sorted(p, key=order[b].__getitem__) for b, p in enumerate(picks)]
