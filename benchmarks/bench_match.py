"""Benchmark: ``match`` against the best known of long exact runs and the plain CP-SAT model, side by side.

Sections (``--sections``, default all, in this order; each writes its raw figures into
``results/match.json`` and the whole report ``results/match.md`` is rendered from that file, so a
section can be re-run alone):

``long``
    The best known of each instance: CP-SAT on the engine's whole model (``objectmatch._engine.exact``,
    8 workers, 600 s for 200 candidates, 300 s for 50 and the example, 120 s for small pools), hinted
    with the best answer of long engine runs (``match(k=1, time_limit=60)``, seeds 0-2); stored by
    ``long_exact.store`` (a stored run is replaced only by a better one, or when its value is not its
    solution's score under the current model: then that solution, re-scored, is a hint). Its values do
    not depend on wall time, so it may run under load (the load is recorded).
``quality``
    200 candidates, 12 floors: ``match(k=10)`` at the default budget (value, gap, wall time) and at
    ``time_limit`` 1, 2, 5, 10, 30 s; the plain CP-SAT model (``ExactOptions(textbook=True)``: one
    boolean per pair, no symmetry breaking, no rounding-window search; k = 1) with 1 and 8 workers at
    the same limits.
``proofs``
    Pools of at most 25 usable candidates on 1-12 floors: ``match(k=1)`` and ``match(k=10)`` (status,
    gap, wall time); the bundled example in 10 s (the default engine, and ``exact=True``); 50 candidates
    on 12 floors with ``exact=True, time_limit=60``.
``scale``
    1,000, 2,000 and 10,000 candidates (same generator, same building): value at the default budget;
    ``time_limit=0.5`` on 2,000 and 10,000 (wall time against ``0.5 * (1 + WALL_SLACK) + WALL_CONSTANT``);
    20,000 and 100,000 at the default budget under a 4 GiB resident-memory cap. Each run in its own
    process (peak memory: that child's ``ru_maxrss``).
``determinism``
    1,000 candidates, seed 0, default budget: once on the quiet machine, once beside busy-looping
    processes (bounded in time, stopped by the script): the same programmes?

Gap % = 100 (best known - value) / best known. Every value is the returned programme's ``score``
(``objectmatch.score``), equal to ``problem.value`` of its areas (checked in the long runs). Before
each timed section the script waits until the 1-minute load average is below 2.5 (polling every 60 s,
at most 3 hours in all); a section measured under load says so in its header.

Run: ``python benchmarks/bench_match.py`` (1.5-2 hours); ``--quick`` for a smoke run with short
limits, written to the temporary directory (best-known runs included, so the real ones are not touched).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from bench_common import Hogs, LoadGate, machine_lines, run_child, write_atomically
from long_exact import BEST_KNOWN_DIR, best_known, dense_areas, run_long_match, store
from match_cases import BIG, EXAMPLE, MID, SMALL, SMALL_LIMIT, Instance, areas_of, prepared, usable

import objectmatch
from objectmatch._engine import exact
from objectmatch.datasets import generate_building, generate_pool
from objectmatch.solve import WALL_CONSTANT, WALL_SLACK, programme_of

RESULTS = Path(__file__).resolve().parent / "results" / "match.md"
SECTIONS = ("long", "quality", "proofs", "scale", "determinism")
GIB = 1024**3


@dataclass(frozen=True)
class Config:
    """Limits and sizes of one run (``quick`` shrinks every one of them)."""

    quick: bool = False
    engine_time: float = 60.0
    engine_seeds: tuple[int, ...] = (0, 1, 2)
    small_engine_seeds: tuple[int, ...] = (0, 1)
    exact_times: dict[str, float] = field(default_factory=lambda: {BIG.name: 600.0, MID.name: 300.0,
                                                                    EXAMPLE.name: 300.0})
    small_exact_time: float = 120.0
    limits: tuple[float, ...] = (1.0, 2.0, 5.0, 10.0, 30.0)
    textbook_workers: tuple[int, ...] = (1, 8)
    repeats: int = 3
    small: tuple[Instance, ...] = SMALL
    scale_sizes: tuple[int, ...] = (200, 1000, 2000, 10000)
    short_sizes: tuple[int, ...] = (2000, 10000)
    huge_sizes: tuple[int, ...] = (20000, 100000)
    memory_cap: int = 4 * GIB
    huge_timeout: float = 1800.0
    determinism_n: int = 1000
    hogs: int = 4
    mid_time: float = 60.0
    folder: Path = BEST_KNOWN_DIR
    output: Path = RESULTS

    @classmethod
    def quick_run(cls) -> Config:
        tmp = Path(tempfile.gettempdir()) / "bench-match-quick"
        return cls(
            quick=True, engine_time=1.0, engine_seeds=(0,), small_engine_seeds=(0,),
            exact_times={BIG.name: 5.0, MID.name: 3.0, EXAMPLE.name: 3.0},
            small_exact_time=3.0, limits=(0.5, 1.0), textbook_workers=(8,), repeats=1, small=SMALL[::4],
            scale_sizes=(200, 1000), short_sizes=(2000,), huge_sizes=(), determinism_n=400, hogs=2,
            mid_time=3.0, folder=tmp / "best_known", output=tmp / "match.md",
        )

    def exact_time(self, instance: Instance) -> float:
        return self.exact_times.get(instance.name, self.small_exact_time)

    def seeds(self, instance: Instance) -> tuple[int, ...]:
        return self.small_engine_seeds if instance in self.small else self.engine_seeds

    @property
    def long_instances(self) -> tuple[Instance, ...]:
        return (BIG, MID, EXAMPLE, *self.small)


def now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


def timed_match(instance: Instance, **options: Any) -> dict[str, Any]:
    """One ``match`` call on ``instance``, timed around the whole call (encoding included)."""
    building, pool = instance.data()
    start = time.perf_counter()
    result = objectmatch.match(building, pool, **options)
    wall = time.perf_counter() - start
    status = result.status
    return {
        "options": {k: v for k, v in options.items()}, "value": result.best.score if result.programmes else None,
        "programmes": len(result.programmes), "code": status.code, "gap": status.gap, "bound": status.bound,
        "wall": wall, "status_wall": status.wall_time, "work": status.work, "clock_stopped": status.clock_stopped,
        "solver": status.solver,
    }


# -- long exact runs ----------------------------------------------------------------------------------


def engine_hint(instance: Instance, cfg: Config) -> tuple[np.ndarray | None, list[dict[str, Any]]]:
    """The best answer of long engine runs (``match(k=1, time_limit=engine_time)``, a few seeds) as areas."""
    prep = prepared(instance)
    building, pool = instance.data()
    best: tuple[np.ndarray, float] | None = None
    runs: list[dict[str, Any]] = []
    for seed in cfg.seeds(instance):
        result = objectmatch.match(building, pool, k=1, time_limit=cfg.engine_time, seed=seed)
        run: dict[str, Any] = {"seed": seed, "code": result.status.code, "wall": result.status.wall_time,
                               "clock_stopped": result.status.clock_stopped}
        if result.programmes:
            areas = areas_of(prep, result.best)
            run.update(score=result.best.score, value=prep.problem.value(areas))
            if best is None or run["value"] > best[1]:
                best = (areas, run["value"])
        runs.append(run)
        if result.status.code in ("optimal", "infeasible"):
            break
    return (best[0] if best else None), runs


def verify_stored(instance: Instance, solution: list[Any]) -> dict[str, Any]:
    """Re-score a stored solution with ``objectmatch.score`` (via ``programme_of``) and ``check`` it."""
    prep = prepared(instance)
    areas = dense_areas(solution, (prep.problem.n, prep.problem.m))
    programme = programme_of(prep, areas)
    building, pool = instance.data()
    violations = objectmatch.check(building, pool, programme.placements, constraints=prep.options.constraints)
    return {"score": programme.score, "problem_value": prep.problem.value(areas), "violations": list(violations),
            "tenants": len(programme.tenants), "occupancy": programme.occupancy}


def stored_hint(instance: Instance, cfg: Config) -> tuple[np.ndarray | None, float | None, bool]:
    """The stored best known's solution re-scored under the current model: (areas, value, stale?).

    A stored run whose value differs from its solution's current score was made on an earlier score
    model; its solution (if it still keeps every rule) is a hint, and the file is replaced by the new run.
    """
    try:
        old = best_known(instance.name, cfg.folder)
    except FileNotFoundError:
        return None, None, False
    if not old.solution:
        return None, None, False
    problem = prepared(instance).problem
    areas = dense_areas(old.solution, (problem.n, problem.m))
    value = problem.value(areas)
    stale = old.value is None or abs(value - old.value) > 1e-9 * max(1.0, abs(value))
    return (None if problem.violations(areas) else areas), value, stale


def long_one(instance: Instance, cfg: Config) -> dict[str, Any]:
    prep = prepared(instance)
    hint, engine_runs = engine_hint(instance, cfg)
    earlier, earlier_value, stale = stored_hint(instance, cfg)
    if earlier is not None and (hint is None or prep.problem.value(earlier) > prep.problem.value(hint)):
        hint = earlier
    details = {"label": instance.label, "usable": usable(prep), "engine_runs": engine_runs,
               "engine_time_limit": cfg.engine_time, "stored_rescored": earlier_value, "stored_stale": stale,
               "hint_value": None if hint is None else prep.problem.value(hint)}
    run = run_long_match(instance.name, prep.problem, hint, time_limit=cfg.exact_time(instance), details=details)
    if run.value is not None:
        run.details["verified"] = verify_stored(instance, run.solution)
    if stale and run.value is not None:
        (cfg.folder / f"{instance.name}.json").unlink(missing_ok=True)  # made on an earlier score model
    kept, replaced = store(run, cfg.folder)
    print(f"long {instance.name}: value {run.value} bound {run.bound} {run.status} in {run.seconds:.0f} s; "
          f"hint {details['hint_value']}; stored {'new' if replaced else 'kept earlier'}", flush=True)
    return {"instance": instance.name, "label": instance.label, "usable": usable(prep), "run": _run_summary(run),
            "kept": _run_summary(kept), "replaced": replaced}


def _run_summary(run: Any) -> dict[str, Any]:
    return {"value": run.value, "bound": run.bound, "status": run.status, "seconds": run.seconds,
            "parameters": run.solver_parameters, "load_before": run.load_before, "load_after": run.load_after,
            "date": run.date, "hint_value": run.details.get("hint_value"), "source": run.details.get("source"),
            "engine_runs": run.details.get("engine_runs", []), "verified": run.details.get("verified")}


def section_long(cfg: Config, gate: LoadGate) -> dict[str, Any]:
    load = os.getloadavg()  # values do not depend on wall time: no waiting, but the load is recorded
    rows = [long_one(instance, cfg) for instance in cfg.long_instances]
    return {"date": now(), "load_before": load, "quiet": load[0] < gate.threshold, "load_after": os.getloadavg(),
            "rows": rows}


# -- 200 x 12: quality against time --------------------------------------------------------------------


def known(instance: Instance, cfg: Config) -> float | None:
    try:
        return best_known(instance.name, cfg.folder).value
    except FileNotFoundError:
        return None


def textbook_build_seconds(instance: Instance) -> float:
    """Seconds to build the plain model (outside any solver limit; part of each plain run's wall time)."""
    prep = prepared(instance)
    start = time.perf_counter()
    exact.Builder(prep.problem, prep.problem.active.tolist(), exact.ExactOptions(textbook=True)).build()
    return time.perf_counter() - start


def textbook(instance: Instance, limit: float, workers: int) -> dict[str, Any]:
    """The plain CP-SAT model (k = 1) for ``limit`` seconds, model building included in the limit."""
    prep = prepared(instance)
    start = time.perf_counter()
    res = exact.solve(prep.problem, prep.problem.active.tolist(),
                      exact.ExactOptions(k=1, time_limit=limit, workers=workers, textbook=True))
    wall = time.perf_counter() - start
    value = res.answers[0][1] if res.answers else None
    return {"limit": limit, "workers": workers, "value": value, "status": res.status, "bound": res.bound,
            "proven": res.proven, "wall": wall}


def section_quality(cfg: Config, gate: LoadGate) -> dict[str, Any]:
    load, quiet = gate.wait("200 x 12")
    default = [timed_match(BIG, k=10) for _ in range(cfg.repeats)]
    limited = [timed_match(BIG, k=10, time_limit=t) for t in cfg.limits]
    plain = [textbook(BIG, t, w) for w in cfg.textbook_workers for t in cfg.limits]
    return {"date": now(), "load_before": load, "quiet": quiet, "load_after": os.getloadavg(),
            "best_known": known(BIG, cfg), "default": default, "limited": limited, "textbook": plain,
            "textbook_build": textbook_build_seconds(BIG)}


# -- proofs ------------------------------------------------------------------------------------------------


def section_proofs(cfg: Config, gate: LoadGate) -> dict[str, Any]:
    load, quiet = gate.wait("proofs")
    small = []
    for instance in cfg.small:
        n_usable = usable(prepared(instance))
        if n_usable > SMALL_LIMIT:
            raise SystemExit(f"{instance.name}: {n_usable} usable candidates, more than {SMALL_LIMIT}")
        row = {"instance": instance.name, "floors": instance.floors, "usable": n_usable,
               "best_known": known(instance, cfg)}
        row["k1"] = timed_match(instance, k=1)
        row["k10"] = timed_match(instance, k=10)
        small.append(row)
    example = {"usable": usable(prepared(EXAMPLE)), "best_known": known(EXAMPLE, cfg),
               "default": timed_match(EXAMPLE, k=1, time_limit=10.0),
               "exact": timed_match(EXAMPLE, k=1, time_limit=10.0, exact=True)}
    mid = {"usable": usable(prepared(MID)), "best_known": known(MID, cfg),
           "exact": timed_match(MID, k=1, time_limit=cfg.mid_time, exact=True)}
    return {"date": now(), "load_before": load, "quiet": quiet, "load_after": os.getloadavg(),
            "small": small, "example": example, "mid": mid, "mid_time": cfg.mid_time}


# -- scale, in child processes ---------------------------------------------------------------------------


def peak_rss() -> int:
    """This process's own resident high-water mark (``VmHWM``, bytes). Unlike ``ru_maxrss`` it starts afresh
    at ``exec``: Linux carries the parent's resident size at fork into the child's ``ru_maxrss``."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


def child_main(spec: dict[str, Any]) -> None:
    """In a child process: generate the pool, run one ``match``, print one JSON line."""
    start = time.perf_counter()
    building = generate_building(12, 0)
    pool = generate_pool(int(spec["n"]), 0)
    generated = time.perf_counter() - start
    rss_generated = peak_rss()
    options = {key: spec[key] for key in ("k", "time_limit", "seed") if spec.get(key) is not None}
    start, cpu = time.perf_counter(), time.process_time()
    result = objectmatch.match(building, pool, **options)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    programmes = [[p.score, sorted((cid, sorted(fl.items())) for cid, fl in p.placements.items())]
                  for p in result.programmes]
    print(json.dumps({
        "n": spec["n"], "options": options, "generate_seconds": generated, "rss_after_generate": rss_generated,
        "wall": wall, "cpu": cpu, "status_wall": result.status.wall_time,
        "value": result.best.score if programmes else None,
        "code": result.status.code, "clock_stopped": result.status.clock_stopped, "work": result.status.work,
        "programmes": programmes, "load": os.getloadavg(), "peak_rss": peak_rss(),
    }))


def in_child(spec: dict[str, Any], *, memory_cap: int | None = None, timeout: float = 3600.0) -> dict[str, Any]:
    child = run_child([sys.executable, str(Path(__file__).resolve()), "--child", json.dumps(spec)],
                      memory_cap=memory_cap, timeout=timeout)
    out: dict[str, Any] = {"spec": spec, "returncode": child.returncode, "killed": child.killed,
                           "process_wall": child.wall, "max_rss": child.max_rss_bytes,
                           "sampled_rss": child.sampled_rss_bytes}
    lines = [line for line in child.stdout.splitlines() if line.startswith("{")]
    if child.returncode == 0 and lines:
        out.update(json.loads(lines[-1]))
    else:
        out["error"] = child.stderr.strip().splitlines()[-3:] if child.stderr.strip() else []
    print(f"child {spec}: rc {child.returncode} {child.killed} wall {out.get('wall')} "
          f"rss {child.max_rss_bytes / GIB:.2f} GiB value {out.get('value')}", flush=True)
    return out


def section_scale(cfg: Config, gate: LoadGate) -> dict[str, Any]:
    load, quiet = gate.wait("scale")
    default = [in_child({"n": n}) for n in cfg.scale_sizes]
    short = [in_child({"n": n, "time_limit": 0.5}) for n in cfg.short_sizes for _ in range(cfg.repeats)]
    huge = [in_child({"n": n}, memory_cap=cfg.memory_cap, timeout=cfg.huge_timeout) for n in cfg.huge_sizes]
    return {"date": now(), "load_before": load, "quiet": quiet, "load_after": os.getloadavg(),
            "default": default, "short": short, "huge": huge, "memory_cap": cfg.memory_cap,
            "wall_target": 0.5 * (1 + WALL_SLACK) + WALL_CONSTANT}


def section_determinism(cfg: Config, gate: LoadGate) -> dict[str, Any]:
    load, quiet = gate.wait("determinism (quiet run)")
    spec = {"n": cfg.determinism_n, "seed": 0}
    alone = in_child(spec)
    with Hogs(cfg.hogs, seconds=600.0):
        time.sleep(30.0)  # let the hogs take the cores (and the 1-minute load average show them)
        loaded_before = os.getloadavg()
        loaded = in_child(spec)
    return {"date": now(), "load_before": load, "quiet": quiet, "hogs": cfg.hogs, "load_with_hogs": loaded_before,
            "load_after": os.getloadavg(), "alone": alone, "loaded": loaded}


RUNNERS: dict[str, Callable[[Config, LoadGate], dict[str, Any]]] = {
    "long": section_long, "quality": section_quality, "proofs": section_proofs, "scale": section_scale,
    "determinism": section_determinism,
}


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sections", nargs="+", choices=SECTIONS, default=list(SECTIONS))
    parser.add_argument("--quick", action="store_true", help="short limits, small sizes, output to the temp dir")
    parser.add_argument("--no-wait", dest="wait", action="store_false", help="do not wait for a quiet machine")
    parser.add_argument("--wait-budget", type=float, default=3 * 3600.0, help="seconds of waiting in all")
    parser.add_argument("--render", action="store_true", help="only re-render match.md from match.json")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    if args.child is not None:
        child_main(json.loads(args.child))
        return 0
    from match_report import render

    cfg = Config.quick_run() if args.quick else Config()
    raw_path = cfg.output.with_suffix(".json")
    raw: dict[str, Any] = json.loads(raw_path.read_text()) if raw_path.is_file() else {}
    gate = LoadGate(budget=args.wait_budget, enabled=args.wait and not args.quick)
    for name in [] if args.render else args.sections:
        started = time.perf_counter()
        raw[name] = RUNNERS[name](cfg, gate)
        raw[name]["minutes"] = (time.perf_counter() - started) / 60
        raw[name]["command"] = "python benchmarks/bench_match.py" + "".join(
            f" {a}" for a in (sys.argv[1:] if argv is None else argv))
        write_atomically(raw_path, json.dumps(raw, indent=1, default=float) + "\n")
    text = render(raw, cfg, machine_lines())
    write_atomically(cfg.output, text)
    print(text)
    print(f"written to {cfg.output} and {raw_path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
