"""Exclusivity: one programme per building, no candidate in two buildings, as a small set packing.

Each building offers its k programmes (tenant sets with scores). One boolean per (building,
programme); at most one per building; for every candidate offered by two or more programmes,
at most one of those chosen; maximise the total score. CP-SAT solves it with one worker and a
deterministic time limit, so the same programmes always give the same choice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

__all__ = ["Packing", "pack"]

#: Score units -> integers (scores are O(1..10); DESIGN section 7: at least 10^4, rounded).
SCALE = 1e6
#: CP-SAT deterministic time limit (its own work units, about seconds): the same on every machine.
DETERMINISTIC_LIMIT = 30.0


@dataclass(frozen=True)
class Packing:
    """Chosen programme per building (``None``: none of its programmes), and whether proven optimal."""

    choice: tuple[int | None, ...]
    optimal: bool


def pack(options: Sequence[Sequence[tuple[float, frozenset[str]]]]) -> Packing:
    """Choose at most one ``(score, tenants)`` option per building, tenants disjoint, total score maximal.

    At least one option is chosen when there is any, so that every round of
    :func:`objectmatch.portfolio.match_all` settles a building even if all scores are negative.

    Examples
    --------
    >>> a = [(5.0, frozenset({"x", "y"})), (4.0, frozenset({"z"}))]
    >>> b = [(3.0, frozenset({"x"}))]
    >>> pack([a, b]).choice
    (1, 0)
    """
    model = cp_model.CpModel()
    z: dict[tuple[int, int], cp_model.IntVar] = {}
    users: dict[str, list[cp_model.IntVar]] = {}
    objective = []
    for b, opts in enumerate(options):
        row = []
        for j, (score, tenants) in enumerate(opts):
            var = model.new_bool_var(f"z{b}_{j}")
            z[b, j] = var
            row.append(var)
            objective.append(round(SCALE * score) * var)
            for cid in tenants:
                users.setdefault(cid, []).append(var)
        if len(row) > 1:
            model.add_at_most_one(row)
    if not z:
        return Packing(tuple(None for _ in options), True)
    for cid in sorted(users):
        if len(users[cid]) > 1:
            model.add_at_most_one(users[cid])
    model.add(sum(z.values()) >= 1)
    model.maximize(sum(objective))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    solver.parameters.max_deterministic_time = DETERMINISTIC_LIMIT
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):  # pragma: no cover - one option is always feasible
        raise RuntimeError(f"the exclusivity packing found no solution (CP-SAT status {solver.status_name(status)})")
    choice: list[int | None] = []
    for b, opts in enumerate(options):
        picked = [j for j in range(len(opts)) if solver.boolean_value(z[b, j])]
        choice.append(picked[0] if picked else None)
    return Packing(tuple(choice), status == cp_model.OPTIMAL)
