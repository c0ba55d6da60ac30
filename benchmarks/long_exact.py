"""Long exact runs: the "best known" of a benchmark instance, stored with its bound, time and conditions.

In a benchmark, "best known" means the best value from a long exact run, stored with its proven
bound and its time, never the engine's own short answer. This module makes and keeps such runs:

* :func:`run_long_exact` solves a CP-SAT model (built by a callable: the plain quadratic knapsack
  model of ``qkp_baselines.py``) for a long time limit with 8 workers, and returns a :class:`LongRun`;
* :func:`run_long_match` does the same for a matching instance with the engine's own whole-pool
  model (``objectmatch._engine.exact.solve`` on the ``ArrayProblem``), hinted with the best answer
  of long engine runs, so the stored value is at least as good as anything the engine found;
* :func:`store` writes it as JSON to ``benchmarks/results/best_known/<instance>.json``, keeping the
  better of the stored and the new run (higher value; at equal value, the tighter bound);
* :func:`best_known` reads a stored run back.

Run as a script it demonstrates the whole on quadratic knapsack instances with the plain model of
``qkp_baselines.py`` and checks each value against the published best known::

    python benchmarks/long_exact.py --data ../shared/qkp --time-limit 120 \\
        --instances jeu_100_25_1 jeu_100_75_2 jeu_200_25_1 jeu_200_100_3
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import ortools
from bench_common import write_atomically
from ortools.sat.python import cp_model
from qkp_baselines import build_qkp_model

from objectmatch._engine import exact
from objectmatch._engine.problem import ArrayProblem
from objectmatch._qkp_data import qkp_value, qkp_weight, read_best_known, read_qkp

BEST_KNOWN_DIR = Path(__file__).resolve().parent / "results" / "best_known"
DEFAULT_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "qkp"
DEMO_INSTANCES = ("jeu_100_25_1", "jeu_100_75_2", "jeu_200_25_1", "jeu_200_100_3")


@dataclass(frozen=True)
class ExactModel:
    """What a model builder returns.

    ``variables`` are the decision variables whose values are stored as the solution (for the
    QKP, the item booleans); ``scale`` is the objective's units per unit of the reported value
    (an integer-scaled float score divides by it), so value and bound are in the caller's units.
    """

    model: cp_model.CpModel
    variables: Sequence[cp_model.IntVar]
    scale: float = 1.0


ModelBuilder = Callable[[], ExactModel]
Rescore = Callable[[list[int]], float]


@dataclass(frozen=True)
class LongRun:
    """One long exact run: the best value found, the proven bound and how they were obtained.

    ``value`` is ``None`` when no solution was found. ``solver_objective`` is CP-SAT's own objective
    (divided by the scale); ``value`` is the re-scored solution when a re-scoring function was
    given, else the same. ``improvements`` lists (seconds, objective) as solutions improved.
    ``solution`` is the item booleans for a knapsack, ``[item, floor, area units]`` triples for a
    matching instance; ``details`` holds what else the instance's runner records (hints, sizes).
    """

    instance: str
    value: float | None
    bound: float
    status: str
    seconds: float
    solver_parameters: dict[str, float | int]
    date: str
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float]
    solver_objective: float | None = None
    solution: list[Any] = field(default_factory=list)
    improvements: list[tuple[float, float]] = field(default_factory=list)
    machine: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    def better_than(self, other: LongRun) -> bool:
        """Higher value, or the same value with a tighter (lower) bound."""
        if self.value is None:
            return False
        if other.value is None or self.value > other.value:
            return True
        return self.value == other.value and self.bound < other.bound


class _Progress(cp_model.CpSolverSolutionCallback):
    """Wall time and objective of each improving solution."""

    def __init__(self, start: float, scale: float) -> None:
        super().__init__()
        self.start, self.scale = start, scale
        self.seen: list[tuple[float, float]] = []

    def on_solution_callback(self) -> None:
        value = self.objective_value / self.scale
        if not self.seen or value > self.seen[-1][1]:
            self.seen.append((round(time.perf_counter() - self.start, 3), value))


def _check_name(instance: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", instance):
        raise ValueError(f"instance name must be a plain file stem (letters, digits, _ . -), got {instance!r}")
    return instance


def _machine() -> str:
    return f"{os.cpu_count()} logical cores; OR-Tools {getattr(ortools, '__version__', '?')}"


def run_long_exact(
    instance: str,
    build: ModelBuilder,
    *,
    time_limit: float = 600.0,
    workers: int = 8,
    seed: int = 0,
    rescore: Rescore | None = None,
) -> LongRun:
    """Solve the model ``build()`` returns for ``time_limit`` seconds with ``workers`` CP-SAT workers.

    ``rescore`` (solution -> value) re-scores the answer with the caller's own objective (for the
    QKP ``qkp_value``; for matching ``objectmatch.score``), so a stored value never rests on the
    model's integer scaling alone. The run is not stored: see :func:`store`.
    """
    _check_name(instance)
    load_before = os.getloadavg()
    start = time.perf_counter()
    exact = build()
    solver = cp_model.CpSolver()
    params: dict[str, float | int] = {"max_time_in_seconds": time_limit, "num_workers": workers, "random_seed": seed}
    for key, setting in params.items():
        setattr(solver.parameters, key, setting)
    progress = _Progress(start, exact.scale)
    status = solver.solve(exact.model, progress)
    seconds = time.perf_counter() - start
    found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    solution = [int(solver.value(v)) for v in exact.variables] if found else []
    objective = solver.objective_value / exact.scale if found else None
    value = (rescore(solution) if rescore is not None else objective) if found else None
    return LongRun(
        instance=instance, value=value, bound=solver.best_objective_bound / exact.scale,
        status=solver.status_name(status), seconds=round(seconds, 3), solver_parameters=params,
        date=datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        load_before=load_before, load_after=os.getloadavg(), solver_objective=objective,
        solution=solution, improvements=progress.seen, machine=_machine(),
    )


def sparse_areas(areas: np.ndarray) -> list[list[int]]:
    """An area matrix (items x floors, units) as ``[item, floor, units]`` triples of its non-zero cells."""
    rows, cols = np.nonzero(areas)
    return [[int(i), int(f), int(areas[i, f])] for i, f in zip(rows.tolist(), cols.tolist(), strict=True)]


def dense_areas(triples: Sequence[Sequence[int]], shape: tuple[int, int]) -> np.ndarray:
    """The inverse of :func:`sparse_areas`."""
    areas = np.zeros(shape, dtype=np.int64)
    for i, f, units in triples:
        areas[i, f] = units
    return areas


def run_long_match(
    instance: str,
    problem: ArrayProblem,
    hint: np.ndarray | None,
    *,
    time_limit: float = 600.0,
    workers: int = 8,
    seed: int = 0,
    details: dict[str, Any] | None = None,
) -> LongRun:
    """The engine's whole-pool CP-SAT model of ``problem`` (every usable item), hinted with ``hint``
    (an area matrix), for ``time_limit`` seconds with ``workers`` workers.

    The value is ``problem.value`` of the best answer (re-scored in floating point); the bound is the
    model's proven bound plus its largest rounding error, so it bounds the float score. If CP-SAT's own
    answer is below the hint (it should not be), the hint is kept and ``details["source"]`` says so.
    """
    _check_name(instance)
    load_before = os.getloadavg()
    options = exact.ExactOptions(k=1, time_limit=time_limit, workers=workers, seed=seed,
                                 hints=() if hint is None else (hint,))
    result = exact.solve(problem, problem.active.tolist(), options)
    load_after = os.getloadavg()
    found = [(areas, value) for areas, value in result.answers]
    info = dict(details or {})
    info["source"] = "CP-SAT"
    solver_value = found[0][1] if found else None
    if hint is not None and (not found or problem.value(hint) > found[0][1]) and not problem.violations(hint):
        found = [(hint, problem.value(hint))]
        info["source"] = "hint (CP-SAT returned less)"
    value = found[0][1] if found else None
    bound = result.bound if result.bound is not None else math.inf
    if result.proven and value is not None:
        bound = value
    status = "OPTIMAL" if result.proven else ("INFEASIBLE" if result.infeasible else result.status)
    if result.status == "OPTIMAL" and not result.proven:
        status = "OPTIMAL-INTEGER"  # the scaled integer model is optimal; the float rounding window was not exhausted
    params: dict[str, float | int] = {"max_time_in_seconds": time_limit, "num_workers": workers, "random_seed": seed}
    return LongRun(
        instance=instance, value=value, bound=bound, status=status, seconds=round(result.wall_time, 3),
        solver_parameters=params, date=datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        load_before=load_before, load_after=load_after, solver_objective=solver_value,
        solution=sparse_areas(found[0][0]) if found else [], machine=_machine(), details=info,
    )


def _path(instance: str, folder: Path) -> Path:
    return folder / f"{_check_name(instance)}.json"


def _from_json(data: dict[str, Any]) -> LongRun:
    data = dict(data)
    data["load_before"] = tuple(data["load_before"])
    data["load_after"] = tuple(data["load_after"])
    data["improvements"] = [tuple(pair) for pair in data.get("improvements", [])]
    return LongRun(**data)


def best_known(name: str, folder: Path = BEST_KNOWN_DIR) -> LongRun:
    """The stored long exact run of instance ``name``.

    Raises
    ------
    FileNotFoundError
        If no run of ``name`` is stored in ``folder`` (the message says how to make one).
    """
    path = _path(name, folder)
    if not path.is_file():
        raise FileNotFoundError(f"no long exact run stored for {name!r} ({path}); make one with run_long_exact + store")
    return _from_json(json.loads(path.read_text(encoding="utf-8")))


def store(run: LongRun, folder: Path = BEST_KNOWN_DIR) -> tuple[LongRun, bool]:
    """Keep the better of ``run`` and the stored run of its instance; returns (the kept run, replaced?).

    Written atomically (``bench_common.write_atomically``).
    """
    path = _path(run.instance, folder)
    if path.is_file():
        old = best_known(run.instance, folder)
        if not run.better_than(old):
            return old, False
    write_atomically(path, json.dumps(asdict(run), indent=1) + "\n")
    return run, True


# -- demonstration on the quadratic knapsack ----------------------------------------------------------


def qkp_demo(data: Path, names: Sequence[str], time_limit: float, workers: int, folder: Path) -> list[str]:
    """Long runs of the plain QKP model on ``names``, stored, and checked against the published values."""
    published = read_best_known(data / "best_known.txt")
    lines = ["| instance | published | long run | status | bound | seconds | best found at s | load before | stored |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for name in names:
        inst = read_qkp(data / f"{name}.txt")

        def build(inst: Any = inst) -> ExactModel:
            model, x = build_qkp_model(inst)
            return ExactModel(model, x)

        def rescore(solution: list[int], inst: Any = inst) -> float:
            if qkp_weight(inst, solution) > inst.capacity:
                raise RuntimeError(f"{inst.name}: CP-SAT's solution is over capacity")
            return float(qkp_value(inst, solution))

        run = run_long_exact(name, build, time_limit=time_limit, workers=workers, rescore=rescore)
        kept, replaced = store(run, folder)
        if run.value is not None and run.value > published[name]:
            print(f"WARNING {name}: long run {run.value} above the published {published[name]}", file=sys.stderr)
        check = "=" if run.value == published[name] else ("<" if run.value is None or run.value < published[name]
                                                           else "**>**")
        at = run.improvements[-1][0] if run.improvements else None
        lines.append(
            f"| {name} | {published[name]} | {run.value if run.value is None else int(run.value)} {check} | "
            f"{run.status} | {run.bound:.0f} | {run.seconds:.1f} | {at} | {run.load_before[0]:.2f} | "
            f"{'new' if replaced else f'kept earlier ({kept.value})'} |"
        )
        print(lines[-1], flush=True)
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder of the QKP instances")
    parser.add_argument("--instances", nargs="+", default=list(DEMO_INSTANCES))
    parser.add_argument("--time-limit", type=float, default=120.0)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--folder", type=Path, default=BEST_KNOWN_DIR, help="where the runs are stored")
    args = parser.parse_args(argv)
    lines = qkp_demo(args.data, args.instances, args.time_limit, args.workers, args.folder)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
