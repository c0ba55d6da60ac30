"""Plain baselines for the 0-1 quadratic knapsack problem, the measuring stick of the engine's search.

Two ways to an answer, both written here from the textbook and kept deliberately plain:

* :func:`greedy_local_search`: greedy on marginal gain per unit weight, then add / drop / swap
  local search to a local optimum, restarted from greedy runs with seeded multiplicative noise
  on the ratios until the time is up;
* :func:`plain_cpsat`: the textbook CP-SAT model (:func:`build_qkp_model`): one boolean x_i per
  item, one boolean y_ij per pair with a positive profit and ``y_ij <= x_i``, ``y_ij <= x_j``, the
  capacity row, maximise. Run with ``num_workers=1, linearization_level=2`` or with 8 workers
  (DESIGN §7).

Every value reported is ``qkp_value`` of a vector that ``qkp_weight`` shows to be feasible, never
a solver's own objective. Used by ``bench_qkp.py`` and ``long_exact.py``; not part of the package.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt
from ortools.sat.python import cp_model

from objectmatch._qkp_data import QkpInstance, qkp_value, qkp_weight

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
Improvement = Literal["best", "first"]

#: Spread (standard deviation of the log) of the noise on the greedy ratios after the first run.
NOISE = 0.25


@dataclass
class QkpRun:
    """One method on one instance: its best verified answer and what it cost.

    ``seconds`` is the wall time of the whole call (model building included); ``to_best`` the wall
    time at which the reported answer was first found (``None`` if the method cannot tell);
    ``cpu`` the process CPU seconds over the call (all threads).
    """

    method: str
    limit: float | None
    x: IntArray | None
    value: int | None
    seconds: float
    cpu: float
    to_best: float | None = None
    status: str = ""
    bound: float | None = None
    extra: dict[str, float] = field(default_factory=dict)


def verified_value(instance: QkpInstance, x: npt.ArrayLike) -> int | None:
    """``qkp_value`` of ``x`` if it respects the capacity, else ``None``."""
    return qkp_value(instance, x) if qkp_weight(instance, x) <= instance.capacity else None


# -- baseline (a): greedy + add / drop / swap local search --------------------------------------------


@dataclass
class _State:
    """A selection with its gains kept up to date.

    ``gains = diag(P) + Q @ x`` with Q the off-diagonal profits: for an item outside, what adding
    it earns; for an item inside, what dropping it loses. Each move updates the gains of all items
    at once with one column of Q (the matrix-vector product Q @ x, kept current).
    """

    x: BoolArray
    gains: FloatArray
    room: int

    @classmethod
    def empty(cls, diag: FloatArray, capacity: int) -> _State:
        return cls(np.zeros(diag.size, dtype=bool), diag.copy(), capacity)

    def add(self, k: int, off: FloatArray, weights: IntArray) -> None:
        self.x[k] = True
        self.gains += off[:, k]
        self.room -= int(weights[k])

    def drop(self, k: int, off: FloatArray, weights: IntArray) -> None:
        self.x[k] = False
        self.gains -= off[:, k]
        self.room += int(weights[k])


def _greedy(off: FloatArray, diag: FloatArray, weights: IntArray, capacity: int, noise: FloatArray) -> _State:
    """Add the fitting item of best (noisy) gain per unit weight while some fitting item gains."""
    state = _State.empty(diag, capacity)
    per_weight = 1.0 / np.maximum(weights, 1e-9)  # weightless items come first when they gain
    while True:
        candidates = ~state.x & (weights <= state.room) & (state.gains > 0)
        if not candidates.any():
            return state
        ratio = np.where(candidates, state.gains * per_weight * noise, -np.inf)
        state.add(int(np.argmax(ratio)), off, weights)


def _pick(improving: BoolArray, delta: FloatArray, how: Improvement, rng: np.random.Generator) -> int:
    """Flat index of the move to make: the best delta, or (first improvement) a random improving one."""
    if how == "best":
        return int(np.argmax(np.where(improving, delta, -np.inf)))
    return int(rng.choice(np.flatnonzero(improving)))


def _improve_once(
    state: _State, off: FloatArray, weights: IntArray, how: Improvement, rng: np.random.Generator
) -> bool:
    """Make one improving add, drop or swap (tried in that order); ``False`` at a local optimum."""
    add = ~state.x & (weights <= state.room) & (state.gains > 0)
    if add.any():
        state.add(_pick(add, state.gains, how, rng), off, weights)
        return True
    drop = state.x & (state.gains < 0)  # only with negative profits; never on the published set
    if drop.any():
        state.drop(_pick(drop, -state.gains, how, rng), off, weights)
        return True
    inside, outside = np.flatnonzero(state.x), np.flatnonzero(~state.x)
    if inside.size == 0 or outside.size == 0:
        return False
    # swap i (inside) for j (outside): gain_j - gain_i - p_ij, feasible if w_j - w_i <= room
    delta = state.gains[outside][None, :] - state.gains[inside][:, None] - off[np.ix_(inside, outside)]
    fits = weights[outside][None, :] - weights[inside][:, None] <= state.room
    improving = fits & (delta > 0.5)  # integer profits: an improvement is at least 1
    if not improving.any():
        return False
    a, b = divmod(_pick(improving, delta, how, rng), outside.size)
    state.drop(int(inside[a]), off, weights)
    state.add(int(outside[b]), off, weights)
    return True


def greedy_local_search(
    instance: QkpInstance, time_limit: float, *, seed: int = 0, improvement: Improvement = "best"
) -> QkpRun:
    """Greedy + add / drop / swap local search, restarted with seeded noise until ``time_limit`` (s).

    The first run is the plain greedy (gain per unit weight); each later run multiplies the ratios
    by ``exp(NOISE * N(0, 1))`` drawn from ``numpy.random.default_rng(seed)``. Every run ends at a
    local optimum of the add / drop / swap neighbourhood (``improvement``: take the best move, or a
    random improving one). At least one run completes, even if it overruns the limit.
    """
    start_wall, start_cpu = time.perf_counter(), time.process_time()
    deadline = start_wall + time_limit
    profits = instance.profits
    diag = np.diagonal(profits).copy()
    off = profits - np.diag(diag)
    weights = instance.weights
    rng = np.random.default_rng(seed)
    best_x, best_value, to_best, runs = np.zeros(instance.n, dtype=bool), -np.inf, 0.0, 0
    noise = np.ones(instance.n)
    while runs == 0 or time.perf_counter() < deadline:
        state = _greedy(off, diag, weights, instance.capacity, noise)
        while _improve_once(state, off, weights, improvement, rng):
            if runs and time.perf_counter() >= deadline:
                break
        value = float(diag @ state.x + state.x @ off @ state.x / 2)
        if value > best_value:
            best_x, best_value, to_best = state.x.copy(), value, time.perf_counter() - start_wall
        runs += 1
        noise = np.exp(NOISE * rng.standard_normal(instance.n))
    x = best_x.astype(np.int64)
    return QkpRun(
        f"greedy+LS ({improvement})", time_limit, x, verified_value(instance, x),
        time.perf_counter() - start_wall, time.process_time() - start_cpu, to_best, extra={"restarts": runs},
    )


# -- baseline (b): the textbook CP-SAT model -----------------------------------------------------------


def build_qkp_model(instance: QkpInstance) -> tuple[cp_model.CpModel, list[cp_model.IntVar]]:
    """The textbook model: x_i per item, y_ij per profitable pair (``y_ij <= x_i, x_j``), capacity, maximise.

    Returns the model and the item booleans x. Pairs with a negative profit (none in the published
    set) get ``y_ij >= x_i + x_j - 1`` instead, so the model stays exact for any integer data.
    """
    profits = np.rint(instance.profits).astype(np.int64)
    n = instance.n
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x{i}") for i in range(n)]
    terms: list[cp_model.IntVar] = []
    coefs: list[int] = []
    for i in range(n):
        if profits[i, i]:
            terms.append(x[i])
            coefs.append(int(profits[i, i]))
    rows, cols = np.nonzero(np.triu(profits, 1))
    for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
        y = model.new_bool_var(f"y{i}_{j}")
        if profits[i, j] > 0:
            model.add_implication(y, x[i])
            model.add_implication(y, x[j])
        else:
            model.add_bool_or([x[i].Not(), x[j].Not(), y])
        terms.append(y)
        coefs.append(int(profits[i, j]))
    model.add(cp_model.LinearExpr.weighted_sum(x, instance.weights.tolist()) <= instance.capacity)
    model.maximize(cp_model.LinearExpr.weighted_sum(terms, coefs))
    return model, x


class _FirstSeen(cp_model.CpSolverSolutionCallback):
    """Records the wall time at which the objective last improved."""

    def __init__(self, start: float) -> None:
        super().__init__()
        self.start = start
        self.best = -np.inf
        self.at: float | None = None

    def on_solution_callback(self) -> None:
        value = self.objective_value
        if value > self.best:
            self.best, self.at = value, time.perf_counter() - self.start


def solver_parameters(time_limit: float, workers: int, seed: int = 0) -> dict[str, float | int]:
    """The CP-SAT parameters of a plain run: 1 worker with ``linearization_level=2``, or ``workers`` workers."""
    params: dict[str, float | int] = {"max_time_in_seconds": time_limit, "num_workers": workers, "random_seed": seed}
    if workers == 1:
        params["linearization_level"] = 2
    return params


def plain_cpsat(instance: QkpInstance, time_limit: float, *, workers: int = 1, seed: int = 0) -> QkpRun:
    """Solve :func:`build_qkp_model` with CP-SAT for ``time_limit`` seconds (model building outside the limit).

    ``workers=1`` runs with ``linearization_level=2`` (DESIGN §7); any other count with CP-SAT's
    default portfolio. Reports the verified value, the proven bound, the status and the times.
    """
    start_wall, start_cpu = time.perf_counter(), time.process_time()
    model, x = build_qkp_model(instance)
    built = time.perf_counter() - start_wall
    solver = cp_model.CpSolver()
    for key, value in solver_parameters(time_limit, workers, seed).items():
        setattr(solver.parameters, key, value)
    seen = _FirstSeen(start_wall)
    status = solver.solve(model, seen)
    seconds, cpu = time.perf_counter() - start_wall, time.process_time() - start_cpu
    method = "CP-SAT 1 worker" if workers == 1 else f"CP-SAT {workers} workers"
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return QkpRun(method, time_limit, None, None, seconds, cpu, None, solver.status_name(status))
    chosen = np.array([solver.boolean_value(v) for v in x], dtype=np.int64)
    return QkpRun(
        method, time_limit, chosen, verified_value(instance, chosen), seconds, cpu, seen.at,
        solver.status_name(status), float(solver.best_objective_bound), {"build_seconds": built},
    )
