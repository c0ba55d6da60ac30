"""The engine's array-level entry on a plain 0-1 quadratic knapsack.

With one floor, fixed sizes and no placement-dependent terms, a matching problem is exactly the
quadratic knapsack problem: maximise ``sum_i p_ii x_i + sum_{i<j} p_ij x_i x_j`` subject to
``sum_i w_i x_i <= C``. :func:`qkp_problem` writes such an instance as an
:class:`~objectmatch._engine.problem.ArrayProblem`, so the same search and exact model that place
tenants can be measured against the published optima (``benchmarks/bench_qkp.py``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from objectmatch._engine.encode import FloatArray, IntArray
from objectmatch._engine.problem import ArrayProblem
from objectmatch._engine.search import WORK_PER_SECOND, Search

__all__ = ["QkpAnswer", "qkp_problem", "solve_qkp"]

#: Default budget, seconds of work.
DEFAULT_TIME = 1.0


@dataclass(frozen=True)
class QkpAnswer:
    """A 0/1 vector ``x``, its objective ``value``, the work spent and whether the clock stopped it."""

    x: IntArray
    value: float
    work: int
    clock_stopped: bool


def qkp_problem(profits: FloatArray, weights: IntArray, capacity: int) -> ArrayProblem:
    """A quadratic knapsack as an array problem: one floor of ``capacity``, item i of fixed size
    ``weights[i]`` worth ``profits[i, i]`` alone and ``profits[i, j]`` with j.

    Examples
    --------
    >>> p = np.array([[2.0, 3.0], [3.0, 1.0]])
    >>> problem = qkp_problem(p, np.array([1, 1]), 2)
    >>> problem.value(np.array([[1], [1]]))
    6.0
    """
    profits = np.asarray(profits, dtype=float)
    weights = np.asarray(weights, dtype=np.int64)
    n = len(weights)
    if profits.shape != (n, n) or not np.array_equal(profits, profits.T):
        raise ValueError(f"profits must be a symmetric {n} x {n} matrix, got shape {profits.shape}")
    if (weights <= 0).any() or capacity < 0:
        raise ValueError("weights must be positive and capacity non-negative")
    pair = profits.copy()
    np.fill_diagonal(pair, 0.0)
    fits = weights <= capacity
    return ArrayProblem(
        unit=1,
        cap=np.array([int(capacity)], dtype=np.int64),
        levels=np.zeros(1, dtype=np.int64),
        street=np.zeros(1, dtype=bool),
        amin=weights,
        amax=weights,
        min_part=np.ones(n, dtype=np.int64),
        max_floors=np.ones(n, dtype=np.int64),
        mask=fits[:, None],
        unary=(np.diag(profits) / weights)[:, None],
        pair={"all": pair},
        conflict=np.zeros((n, n)),
        conflict_cost=np.zeros(n),
        function=np.zeros(n, dtype=np.int64),
        pioneer=np.zeros(n, dtype=bool),
        heart=np.zeros(n, dtype=bool),
    )


def solve_qkp(
    profits: FloatArray, weights: IntArray, capacity: int, *, time_limit: float | None = None, seed: int = 0
) -> QkpAnswer:
    """The engine's search on a plain quadratic knapsack, with ``time_limit`` seconds of work.

    Examples
    --------
    >>> p = np.array([[5.0, 4.0, 0.0], [4.0, 1.0, 0.0], [0.0, 0.0, 6.0]])
    >>> answer = solve_qkp(p, np.array([2, 2, 3]), 4, time_limit=0.05)
    >>> answer.x.tolist(), answer.value
    ([1, 1, 0], 10.0)
    """
    problem = qkp_problem(profits, weights, capacity)
    seconds = DEFAULT_TIME if time_limit is None else float(time_limit)
    search = Search(problem, seed=seed)
    result = search.run(int(seconds * WORK_PER_SECOND), deadline=time.perf_counter() + 1.1 * seconds + 0.05)
    x = np.zeros(problem.n, dtype=np.int64)
    if result.found:
        x[sorted(result.found[0].items)] = 1
    return QkpAnswer(x, result.found[0].value if result.found else 0.0, result.work, result.clock_stopped)
