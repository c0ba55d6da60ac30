"""Benchmark: the engine's search on the 0-1 quadratic knapsack, against plain baselines at equal time.

The 38 published instances of Billionnet and Soutif (``jeu_{n}_{density}_{id}.txt``, n = 100 and
200; see ``shared/qkp/README.md``), each solved by

* ours: ``objectmatch._engine.solve_qkp(profits, weights, capacity, *, time_limit, seed)`` at its
  default budget (``time_limit=None``) and at each equal time (``--times``, default 1 s and 10 s).
  Imported lazily: while the engine does not provide it, only the baselines run and the report
  says so (ours is never stood in for by a baseline);
* greedy + add / drop / swap local search with seeded restarts (``qkp_baselines.py``);
* the textbook CP-SAT model, ``num_workers=1, linearization_level=2`` and ``num_workers=8``.

Every value is ``qkp_value`` of the returned 0/1 vector, checked against the capacity; gaps are in
% of the published best known value (optimal for these sizes). Single core: BLAS and OpenMP
limited to one thread and the process pinned to one CPU (``--no-pin`` to let it float), so the
8 CP-SAT workers time-share that core. Each run's wall time is measured around the whole call.
Writes ``benchmarks/results/qkp.md`` (and the raw runs as ``qkp.json`` beside it).

Run: ``python benchmarks/bench_qkp.py`` (about 25 minutes for the baselines alone, 32 with ours);
``python benchmarks/bench_qkp.py --quick`` for a smoke run (4 instances, 0.2 s and 1 s, written
to the temporary directory unless ``--output`` says otherwise).
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import json
import math
import os
import platform
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import ortools
from bench_common import LoadGate, write_atomically
from qkp_baselines import QkpRun, greedy_local_search, plain_cpsat, verified_value

from objectmatch._qkp_data import QkpInstance, read_best_known, read_qkp

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "qkp"
RESULTS = ROOT / "benchmarks" / "results" / "qkp.md"
QUICK_INSTANCES = ("jeu_100_25_1", "jeu_100_100_1", "jeu_200_25_1", "jeu_200_100_1")
QUICK_TIMES = (0.2, 1.0)
#: "Within 1 s": by this wall time (5% over 1 s for the timers' overrun); for hits and for the target.
ONE_SECOND = 1.05
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS",
                    "VECLIB_MAXIMUM_THREADS", "BLIS_NUM_THREADS")

OURS = "ours"
GREEDY = "greedy+LS"
CPSAT1 = "CP-SAT 1 worker"
CPSAT8 = "CP-SAT 8 workers"
BASELINES = (GREEDY, CPSAT1, CPSAT8)


class EngineAnswer(Protocol):
    x: Any
    value: float


EngineFn = Callable[..., EngineAnswer]


@dataclass(frozen=True)
class Case:
    """One instance file with its published best known value."""

    key: str  # the file's stem, as best_known.txt names it
    instance: QkpInstance
    best: int
    density: int

    @property
    def n(self) -> int:
        return self.instance.n


def load_cases(data: Path, only: Sequence[str] | None) -> list[Case]:
    """The instances in ``data`` (all ``jeu_*.txt``, or the stems in ``only``) with their best known."""
    if not (data / "best_known.txt").is_file():
        raise SystemExit(f"no best_known.txt in {data}: give the folder of the QKP instances with --data")
    best = read_best_known(data / "best_known.txt")
    paths = sorted(data.glob("jeu_*.txt")) if only is None else [data / f"{stem}.txt" for stem in only]
    cases = []
    for path in paths:
        if path.stem not in best:
            raise SystemExit(f"{path.stem}: no best known value in {data / 'best_known.txt'}")
        instance = read_qkp(path)
        parts = re.fullmatch(r"jeu_(\d+)_(\d+)_(\d+)", path.stem)
        density = int(parts.group(2)) if parts else round(100 * float(np.mean(instance.profits > 0)))
        cases.append(Case(path.stem, instance, best[path.stem], density))
    cases.sort(key=lambda c: (c.n, c.density, c.key))
    return cases


def load_engine() -> tuple[EngineFn | None, str]:
    """``objectmatch._engine.solve_qkp`` if the engine provides it, else ``None`` and the reason."""
    try:
        module = importlib.import_module("objectmatch._engine")
    except ModuleNotFoundError as exc:
        if exc.name not in ("objectmatch._engine", "objectmatch"):
            raise
        return None, "objectmatch._engine does not exist yet"
    solve = getattr(module, "solve_qkp", None)
    if solve is None:
        return None, "objectmatch._engine has no solve_qkp yet"
    return solve, "objectmatch._engine.solve_qkp"


def run_ours(engine: EngineFn, instance: QkpInstance, limit: float | None, seed: int) -> QkpRun:
    """One call of the engine, timed around the whole call; its answer re-scored and checked here."""
    start_wall, start_cpu = time.perf_counter(), time.process_time()
    answer = engine(instance.profits.copy(), instance.weights.copy(), instance.capacity, time_limit=limit, seed=seed)
    seconds, cpu = time.perf_counter() - start_wall, time.process_time() - start_cpu
    x = np.asarray(answer.x).astype(np.int64)
    value = verified_value(instance, x)
    status = "" if value is not None else "over capacity"
    if value is not None and abs(float(answer.value) - value) > 1e-6 * max(1, abs(value)):
        status = f"reported {float(answer.value):g}, re-scored {value}"
    return QkpRun(OURS, limit, x, value, seconds, cpu, None, status)


def run_case(case: Case, engine: EngineFn | None, times: Sequence[float], *, seed: int) -> list[QkpRun]:
    """Every method on one instance, one after the other, in one process."""
    runs: list[QkpRun] = []
    budgets: list[float | None] = [None, *times]
    if engine is not None:
        runs += [run_ours(engine, case.instance, limit, seed) for limit in budgets]
    for limit in times:
        greedy = greedy_local_search(case.instance, limit, seed=seed)
        greedy.method = GREEDY
        runs += [greedy, plain_cpsat(case.instance, limit, workers=1, seed=seed),
                 plain_cpsat(case.instance, limit, workers=8, seed=seed)]
    return runs


# -- the machine ----------------------------------------------------------------------------------------


@contextmanager
def single_core(pin: bool) -> Iterator[str]:
    """One BLAS / OpenMP thread, and (with ``pin``) the process on one CPU; yields what was done."""
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    for name in THREAD_VARIABLES:
        os.environ[name] = "1"
    before = os.sched_getaffinity(0)
    cpu = max(before)
    if pin:
        os.sched_setaffinity(0, {cpu})
    try:
        with threadpool_limits(limits=1):
            yield (f"pinned to CPU {cpu} (all threads, the CP-SAT workers included, share it)" if pin
                   else f"not pinned ({len(before)} CPUs usable)") + "; BLAS/OpenMP limited to 1 thread"
    finally:
        if pin:
            os.sched_setaffinity(0, before)


def machine_lines() -> list[str]:
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return [
        f"- CPU: {cpu}; {os.cpu_count()} logical cores",
        f"- Python {platform.python_version()}, numpy {np.__version__}, "
        f"OR-Tools {getattr(ortools, '__version__', '?')}",
    ]


def load_text(load: tuple[float, float, float]) -> str:
    return ", ".join(f"{v:.2f}" for v in load)


# -- reporting ------------------------------------------------------------------------------------------


def gap(run: QkpRun | None, best: int) -> float | None:
    """Gap to the best known in %, ``None`` without a feasible answer (negative: better than best known)."""
    if run is None or run.value is None:
        return None
    return 100.0 * (best - run.value) / best


def found_within(run: QkpRun, seconds: float) -> bool:
    """The answer was in hand by ``seconds`` (time to best where the method reports it, else the wall time)."""
    at = run.to_best if run.to_best is not None else run.seconds
    return at <= seconds


@dataclass
class Table:
    """All runs, looked up by (instance, method, budget)."""

    cases: list[Case]
    runs: dict[tuple[str, str, float | None], QkpRun]

    def get(self, case: Case, method: str, limit: float | None) -> QkpRun | None:
        return self.runs.get((case.key, method, limit))

    def has(self, method: str) -> bool:
        return any(key[1] == method for key in self.runs)


def cell(run: QkpRun | None, best: int) -> str:
    """``gap % (time to best / wall s)`` and, for CP-SAT, the status and bound."""
    g = gap(run, best)
    if run is None:
        return "—"
    if g is None:
        return f"no answer ({run.status or 'infeasible'}, {run.seconds:.2f} s)"
    when = f"{run.to_best:.2f} / {run.seconds:.2f} s" if run.to_best is not None else f"{run.seconds:.2f} s"
    text = f"{g:.3f} ({when})"
    if run.status == "OPTIMAL":
        text += " opt"
    elif run.bound is not None:
        text += f" ≤ {run.bound:.0f}"
    elif run.status:
        text += f" [{run.status}]"
    return text


def per_instance(table: Table, limit: float | None, methods: Sequence[str]) -> list[str]:
    header = ["instance", "n", "density %", "best known", *methods]
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    for case in table.cases:
        cells = [cell(table.get(case, m, limit), case.best) for m in methods]
        lines.append(f"| {case.key} | {case.n} | {case.density} | {case.best} | " + " | ".join(cells) + " |")
    return lines


def summary_row(table: Table, method: str, limit: float | None) -> str:
    """Mean and worst gap, hits, hits within 1 s, mean wall time, proofs; no answer counts as a 100% gap."""
    gaps, hits, fast, proofs, seconds, missing = [], 0, 0, 0, [], 0
    for case in table.cases:
        run = table.get(case, method, limit)
        if run is None:
            continue
        g = gap(run, case.best)
        missing += g is None
        gaps.append(100.0 if g is None else g)  # the empty knapsack is always feasible: value 0
        seconds.append(run.seconds)
        hit = run.value is not None and run.value >= case.best
        hits += hit
        fast += hit and found_within(run, ONE_SECOND)
        proofs += run.status == "OPTIMAL"
    budget = "default" if limit is None else f"{limit:g} s"
    if not gaps:
        return f"| {method} | {budget} | — | — | — | — | — | — | — |"
    return (f"| {method} | {budget} | {np.mean(gaps):.4f} | {max(gaps):.4f} | {hits} | {fast} | "
            f"{np.mean(seconds):.2f} | {proofs} | {missing} |")


def summary(table: Table, methods: Sequence[str], times: Sequence[float]) -> list[str]:
    lines = [
        f"| method | budget | mean gap % | worst gap % | hits (of {len(table.cases)}) | hits within 1 s | "
        "mean wall s | proved optimal | no answer |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    if table.has(OURS):
        lines.append(summary_row(table, OURS, None))
    for limit in times:
        lines += [summary_row(table, m, limit) for m in methods]
    return lines


def head_to_head(table: Table, times: Sequence[float], n: int = 200) -> list[str]:
    """On every instance of size ``n``: how often each heuristic is not worse / strictly better than CP-SAT."""
    cases = [c for c in table.cases if c.n == n]
    lines = [f"| method | budget | vs | not worse (of {len(cases)}) | strictly better | worse on |",
             "| --- | --- | --- | --- | --- | --- |"]
    for method in (OURS, GREEDY):
        if not table.has(method):
            continue
        for limit in times:
            for rival in (CPSAT1, CPSAT8):
                ours = [(c, gap(table.get(c, method, limit), c.best), gap(table.get(c, rival, limit), c.best))
                        for c in cases]
                worse = [c.key for c, a, b in ours if b is not None and (a is None or a > b)]
                better = sum(1 for _, a, b in ours if a is not None and (b is None or a < b))
                lines.append(f"| {method} | {limit:g} s | {rival} | {len(cases) - len(worse)} | {better} | "
                             f"{', '.join(worse) or '—'} |")
    return lines


def targets(table: Table, times: Sequence[float], engine_note: str) -> list[str]:
    """DESIGN §5's knapsack targets for ours at the default budget, and the equal-time verdict."""
    if not table.has(OURS):
        return [f"Not measured: {engine_note}. The tables below hold the baselines only."]
    runs = [(c, table.get(c, OURS, None)) for c in table.cases]
    gaps = [gap(r, c.best) for c, r in runs]
    known = [g for g in gaps if g is not None]
    mean = float(np.mean(known)) if len(known) == len(gaps) else float("inf")
    hits = sum(1 for c, r in runs if r is not None and r.value is not None and r.value >= c.best)
    slow = [c.key for c, r in runs if r is None or r.seconds > ONE_SECOND]
    big = [c for c in table.cases if c.n == 200]
    beaten = [
        f"{c.key} at {t:g} s"
        for t in times for c in big
        for rival in (CPSAT1, CPSAT8)
        if (b := gap(table.get(c, rival, t), c.best)) is not None
        and ((a := gap(table.get(c, OURS, t), c.best)) is None or a > b)
    ]
    need = math.ceil(34 * len(table.cases) / 38)  # DESIGN §5: 34 of 38

    def mark(ok: bool) -> str:
        return "met" if ok else "**missed**"

    return [
        "| target (ours, default budget) | measured | |",
        "| --- | --- | --- |",
        f"| mean gap to the best known ≤ 0.05% | {mean:.4f}% | {mark(mean <= 0.05)} |",
        f"| best known on at least {need} of {len(table.cases)} | {hits} | {mark(hits >= need)} |",
        f"| each within 1 s on one core | {len(table.cases) - len(slow)} of {len(table.cases)}"
        f"{' (over: ' + ', '.join(slow) + ')' if slow else ''} | {mark(not slow)} |",
        f"| never worse than plain CP-SAT on any n = 200 instance at equal time | "
        f"{'; '.join(beaten) or 'never worse'} | {mark(not beaten)} |",
    ]


def to_json(run: QkpRun, case: Case) -> dict[str, Any]:
    chosen = [] if run.x is None else np.flatnonzero(run.x).tolist()
    return {
        "instance": case.key, "method": run.method, "limit": run.limit, "value": run.value,
        "best_known": case.best, "gap_percent": gap(run, case.best), "seconds": run.seconds, "cpu": run.cpu,
        "to_best": run.to_best, "status": run.status, "bound": run.bound, "extra": run.extra, "chosen": chosen,
    }


def json_text(conditions: dict[str, Any], runs: Sequence[dict[str, Any]]) -> str:
    """The raw runs, one run a line (readable diffs, small file)."""
    lines = [json.dumps(run) for run in runs]
    return '{"conditions": ' + json.dumps(conditions) + ',\n "runs": [\n  ' + ",\n  ".join(lines) + "\n]}\n"


@dataclass
class Conditions:
    """How the runs were made: for the report's header."""

    command: str
    cores: str
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float]
    cpu_share: float
    minutes: float
    engine_note: str
    case_loads: tuple[float, ...] = ()
    threshold: float = 2.5


def report(table: Table, times: Sequence[float], cond: Conditions) -> str:
    methods = [OURS, *BASELINES] if table.has(OURS) else list(BASELINES)
    lines = [
        f"# Benchmark: the 0-1 quadratic knapsack ({len(table.cases)} Billionnet-Soutif instances)",
        "",
        f"Generated by `{cond.command}` on {datetime.date.today().isoformat()} in {cond.minutes:.1f} min.",
        "",
        f"**Ours: {cond.engine_note}.**" if not table.has(OURS) else f"Ours: `{cond.engine_note}`.",
        "",
        f"Load average (1, 5, 15 min) before: {load_text(cond.load_before)}; after: {load_text(cond.load_after)} "
        f"(2 cores shared with other jobs). One process, {cond.cores}. Mean CPU share of the single-threaded runs "
        f"(process CPU s / wall s): {cond.cpu_share:.2f}; below 1 means other jobs took part of the core.",
        "",
        *case_load_lines(cond),
        "Every value is `qkp_value` of the returned 0/1 vector, checked against the capacity. Gap % = "
        "100 (best known - value) / best known, against the published best known (optimal at these sizes); "
        "a run without an answer counts as 100% in the summary (the empty knapsack). "
        "A hit is a gap of 0; a hit within 1 s had its answer by 1.05 s of wall time (time to best where the "
        "method reports it, else the run's wall time). CP-SAT's wall time includes building its model "
        "(outside its limit).",
        "",
        "## Targets (DESIGN §5)",
        "",
        *targets(table, times, cond.engine_note),
        "",
        "## Summary",
        "",
        *summary(table, methods, times),
        "",
        "## Head to head on n = 200, at equal time",
        "",
        *head_to_head(table, times),
        "",
    ]
    if table.has(OURS):
        lines += ["## Per instance: ours at its default budget", "", *per_instance(table, None, [OURS]), ""]
    for limit in times:
        lines += [
            f"## Per instance at {limit:g} s",
            "",
            "Cells: gap % (time to best / wall s); for CP-SAT `opt` when proved optimal, else `≤ bound` "
            "(its proven upper bound).",
            "",
            *per_instance(table, limit, methods),
            "",
        ]
    lines += ["Machine:", "", *machine_lines(), ""]
    return "\n".join(lines)


def case_load_lines(cond: Conditions) -> list[str]:
    """The 1-minute load at the start of each instance (the script waits for a quiet machine first)."""
    if not cond.case_loads:
        return []
    loads = np.array(cond.case_loads)
    busy = int((loads >= cond.threshold).sum())
    text = (f"1-minute load average at the start of each instance (after waiting for it to drop below "
            f"{cond.threshold}): min {loads.min():.2f}, median {np.median(loads):.2f}, max {loads.max():.2f}.")
    if busy:
        text += f" **{busy} of {len(loads)} instances measured under load** (the wait budget ran out)."
    return [text, ""]


def cpu_share(runs: Sequence[QkpRun]) -> float:
    single = [r for r in runs if r.method in (OURS, GREEDY, CPSAT1) and r.seconds > 0]
    return float(np.mean([r.cpu / r.seconds for r in single])) if single else float("nan")


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder of jeu_*.txt and best_known.txt")
    parser.add_argument("--times", type=float, nargs="+", default=None, help="equal time limits, s (default 1 10)")
    parser.add_argument("--instances", nargs="+", default=None, help="file stems to run (default: all)")
    parser.add_argument("--quick", action="store_true", help=f"{len(QUICK_INSTANCES)} instances at 0.2 s and 1 s")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-pin", dest="pin", action="store_false", help="do not pin the process to one CPU")
    parser.add_argument("--output", type=Path, default=None, help=f"default {RESULTS.relative_to(ROOT)}")
    parser.add_argument("--no-wait", dest="wait", action="store_false",
                        help="do not wait for a 1-minute load average below 2.5 before each instance")
    parser.add_argument("--wait-budget", type=float, default=3 * 3600.0, help="seconds of waiting in all")
    args = parser.parse_args(argv)
    if args.quick:
        args.instances = args.instances or list(QUICK_INSTANCES)
        args.times = args.times or list(QUICK_TIMES)
        args.output = args.output or Path(tempfile.gettempdir()) / "qkp-quick.md"
    args.times = args.times or [1.0, 10.0]
    args.output = args.output or RESULTS
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    cases = load_cases(args.data, args.instances)
    engine, note = load_engine()
    if engine is None:
        print(f"NOTE: {note}; running the baselines only (ours is not faked with a baseline).", file=sys.stderr)
    started, load_before = time.perf_counter(), os.getloadavg()
    all_runs: list[tuple[Case, QkpRun]] = []
    gate = LoadGate(budget=args.wait_budget, enabled=args.wait and not args.quick)
    case_loads: list[float] = []
    with single_core(args.pin) as cores:
        for case in cases:
            case_loads.append(gate.wait(case.key)[0][0])
            runs = run_case(case, engine, args.times, seed=args.seed)
            all_runs += [(case, r) for r in runs]
            print(f"{case.key}: " + "; ".join(
                f"{r.method} {'default' if r.limit is None else f'{r.limit:g}s'} "
                f"{'-' if (g := gap(r, case.best)) is None else f'{g:.3f}%'}" for r in runs), flush=True)
    table = Table(cases, {(c.key, r.method, r.limit): r for c, r in all_runs})
    given = sys.argv[1:] if argv is None else argv
    cond = Conditions(
        "python benchmarks/bench_qkp.py" + "".join(f" {a}" for a in given),
        cores, load_before, os.getloadavg(), cpu_share([r for _, r in all_runs]),
        (time.perf_counter() - started) / 60, note, tuple(case_loads), gate.threshold,
    )
    text = report(table, args.times, cond)
    write_atomically(args.output, text)
    write_atomically(args.output.with_suffix(".json"), json_text(cond.__dict__, [to_json(r, c) for c, r in all_runs]))
    print(text)
    print(f"written to {args.output} and {args.output.with_suffix('.json')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
