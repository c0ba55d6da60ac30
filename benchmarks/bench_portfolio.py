"""Benchmark: ``objectmatch.portfolio`` at scale, locally and on a Dask LocalCluster, in one run.

* ``screen``: 1,000 buildings x 10,000 candidates (top 50): wall and CPU time (best of
  ``--repeat``), peak traced memory (``tracemalloc``, a separate run) and the process's peak RSS,
  against the dense alternative of one float per (building, candidate);
* ``match_all``: ``--match-buildings`` x ``--match-candidates``, exclusive, ``k`` programmes per
  building from a shortlist of ``--match-top`` with ``--time-limit`` seconds of work each: wall
  time, total score against the sum of the buildings' independent best scores (the cost of
  exclusivity), rounds and matches;
* both again on a ``distributed.LocalCluster`` with 1 and ``--workers`` single-threaded worker
  processes, with the ratio Dask / local and a check that the results are identical.

Targets (design section 5): 1,000 x 10,000 screened on 2 cores without O(buildings x candidates)
memory; the same job on Dask without code changes and with the same result. Writes
``benchmarks/results/portfolio.md``.

Run: ``python benchmarks/bench_portfolio.py`` (about 5 minutes on 2 quiet cores);
``--match-buildings 40 --match-candidates 3000`` for a shorter match_all on a busy machine.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import platform
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from objectmatch.datasets import generate_pool, generate_portfolio
from objectmatch.portfolio import PortfolioResult, match_all, screen

RESULTS = Path(__file__).resolve().parent / "results" / "portfolio.md"
T = TypeVar("T")


@dataclass
class Timing:
    """Shortest wall time of some runs, and the CPU time of this process in that run."""

    wall: float = float("inf")
    cpu: float = float("nan")

    def add(self, wall: float, cpu: float) -> None:
        if wall < self.wall:
            self.wall, self.cpu = wall, cpu


def timed(fn: Callable[[], T], timing: Timing) -> T:
    """Run ``fn`` once, adding its wall and CPU time to ``timing``."""
    gc.collect()
    start, cpu = time.perf_counter(), time.process_time()
    out = fn()
    timing.add(time.perf_counter() - start, time.process_time() - cpu)
    return out


def maxrss_bytes() -> int:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss if sys.platform == "darwin" else rss * 1024  # Linux reports KiB


def traced_peak(fn: Callable[[], Any]) -> int:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def blas_info() -> str:
    try:
        from threadpoolctl import threadpool_info  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover
        return "threadpoolctl not installed"
    parts = [f"{i.get('internal_api')} {i.get('version')} ({i.get('num_threads')} threads)" for i in threadpool_info()]
    return "; ".join(parts) or "none found"


def mb(n: float) -> str:
    return f"{n / 1e6:,.1f} MB"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--buildings", type=int, default=1000)
    parser.add_argument("--candidates", type=int, default=10_000)
    parser.add_argument("--top", type=int, default=50)
    parser.add_argument("--match-buildings", type=int, default=100)
    parser.add_argument("--match-candidates", type=int, default=5000)
    parser.add_argument("--match-top", type=int, default=40)
    parser.add_argument("--time-limit", type=float, default=0.3)
    parser.add_argument("--k", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--skip-match", action="store_true")
    parser.add_argument("--skip-match-1", action="store_true", help="no match_all run on the 1-worker cluster")
    parser.add_argument("--output", type=Path, default=RESULTS)
    return parser.parse_args()


@dataclass
class Run:
    """Everything measured, for the report."""

    args: argparse.Namespace
    load_before: float = 0.0
    load_after: float = 0.0
    cluster_start: float = 0.0
    peak: int = 0
    peak_no_assess: int = 0
    rss_before: int = 0
    rss_after: int = 0
    screen_local: Timing = field(default_factory=Timing)
    screen_no_assess: Timing = field(default_factory=Timing)
    screen_dask: dict[int, Timing] = field(default_factory=dict)
    same_screen: bool = True
    match_local: Timing = field(default_factory=Timing)
    match_result: PortfolioResult | None = None
    match_dask: dict[int, tuple[Timing, PortfolioResult]] = field(default_factory=dict)


def measure_memory(run: Run, buildings: list[Any], pool: list[Any]) -> None:
    """Peak RSS and tracemalloc's peak of a local screen, before any cluster exists."""
    top = run.args.top
    run.rss_before = maxrss_bytes()
    screen(buildings, pool, top=top)
    run.rss_after = maxrss_bytes()
    run.peak = traced_peak(lambda: screen(buildings, pool, top=top))
    run.peak_no_assess = traced_peak(lambda: screen(buildings, pool, top=top, assess=False))
    print(f"screen peak traced {mb(run.peak)} ({mb(run.peak_no_assess)} without the assessment), "
          f"RSS +{mb(run.rss_after - run.rss_before)}", flush=True)


@contextmanager
def clusters(run: Run) -> Iterator[dict[int, Any]]:
    """Dask clients on LocalClusters of 1 and ``--workers`` single-threaded worker processes."""
    from distributed import Client, LocalCluster

    logging.getLogger("distributed").setLevel(logging.WARNING)
    started = time.perf_counter()
    made = {n: LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None)
            for n in sorted({1, run.args.workers})}
    clients = {n: Client(cluster) for n, cluster in made.items()}
    run.cluster_start = time.perf_counter() - started
    try:
        yield clients
    finally:
        for c in clients.values():
            c.close()
        for cluster in made.values():
            cluster.close()


def time_screens(run: Run, clients: dict[int, Any], buildings: list[Any], pool: list[Any]) -> None:
    """Local and Dask screens, alternating, so that each sees the same load on a shared machine."""
    top = run.args.top
    for c in clients.values():  # every worker imports objectmatch and loads the assessment tables once
        screen(buildings[: 64 * run.args.workers], pool[:200], top=3, client=c)
    run.screen_dask = {n: Timing() for n in clients}
    for _ in range(run.args.repeat):
        local = timed(lambda: screen(buildings, pool, top=top), run.screen_local)
        for n, c in clients.items():
            on_dask = timed(lambda c=c: screen(buildings, pool, top=top, client=c), run.screen_dask[n])
            run.same_screen = run.same_screen and on_dask.equals(local)
        timed(lambda: screen(buildings, pool, top=top, assess=False), run.screen_no_assess)
    print(f"screen local {run.screen_local.wall:.2f} s, dask "
          f"{ {n: round(t.wall, 2) for n, t in run.screen_dask.items()} }, identical {run.same_screen}", flush=True)


def time_matches(run: Run, clients: dict[int, Any]) -> None:
    """match_all locally and on each cluster, once each."""
    a = run.args
    buildings = generate_portfolio(a.match_buildings, seed=a.seed + 1)
    pool = generate_pool(a.match_candidates, seed=a.seed + 1)
    settings: dict[str, Any] = {"k": a.k, "top": a.match_top, "time_limit": a.time_limit}
    run.match_result = timed(lambda: match_all(buildings, pool, **settings), run.match_local)
    print(f"match_all local: {run.match_local.wall:.1f} s; {run.match_result}", flush=True)
    for n in sorted(clients, reverse=True):
        if n == 1 and a.skip_match_1:
            continue
        timing = Timing()
        result = timed(lambda n=n: match_all(buildings, pool, client=clients[n], **settings), timing)
        run.match_dask[n] = (timing, result)
        print(f"match_all dask {n}: {timing.wall:.1f} s; {result}", flush=True)


def header(run: Run) -> list[str]:
    a = run.args
    return [
        "# Portfolio: screen and match_all, locally and on Dask",
        "",
        f"Command: `python benchmarks/bench_portfolio.py {' '.join(sys.argv[1:])}`".rstrip() + "  ",
        f"Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC  ",
        f"Machine: {os.cpu_count()} cores ({platform.processor() or platform.machine()}), shared with other work "
        f"while this ran (load average {run.load_before:.1f} at the start, {run.load_after:.1f} at the end: wall "
        f"times are noisy, CPU times less so); Python {platform.python_version()}, numpy {np.__version__}, "
        f"pandas {pd.__version__}, dask {_version('dask')}, distributed {_version('distributed')}; "
        f"BLAS: {blas_info()}  ",
        f"Dask: `LocalCluster(n_workers=n, threads_per_worker=1, processes=True)` for n = 1 and {a.workers} on the "
        f"same machine, started in {run.cluster_start:.1f} s (not counted), every worker warmed up once; local runs "
        "are one process, one thread. *1 worker* measures Dask's own overhead; *2 workers* what it adds on two cores.",
    ]


def screen_section(run: Run) -> list[str]:
    a = run.args
    dense = a.buildings * a.candidates * 8
    local, no_assess = run.screen_local, run.screen_no_assess
    return [
        "",
        "## screen",
        "",
        f"{a.buildings:,} buildings (3-12 floors) x {a.candidates:,} candidates, top {a.top}, "
        f"block_size 500, building_block 32; best of {a.repeat}, local and Dask runs alternating.",
        "",
        "| run | wall time | CPU time (this process) | Dask / local (wall) | peak traced memory | "
        "dense buildings x candidates x 8 B |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
        f"| local | {local.wall:.2f} s | {local.cpu:.2f} s | | {mb(run.peak)} | {mb(dense)} |",
        f"| local, `assess=False` | {no_assess.wall:.2f} s | {no_assess.cpu:.2f} s | | {mb(run.peak_no_assess)} | "
        f"{mb(dense)} |",
        *[
            f"| Dask, {n} worker{'s' if n > 1 else ''} | {t.wall:.2f} s | (workers) | {t.wall / local.wall:.2f} | "
            "(workers) | |"
            for n, t in run.screen_dask.items()
        ],
        "",
        f"Identical results (same rows, same bits): **{run.same_screen}**. Peak RSS of the process rose by "
        f"{mb(run.rss_after - run.rss_before)} during the first local screen (from {mb(run.rss_before)}, after "
        "generating the data). The assessment (`assess=True`, the default) keeps a bounded cache of its last 64 "
        "buildings (`objectmatch.assess`), part of the traced peak.",
    ]


def match_section(run: Run) -> list[str]:
    a = run.args
    result = run.match_result
    if result is None:
        return []
    s = result.summary()
    return [
        "",
        "## match_all",
        "",
        f"{a.match_buildings} buildings x {a.match_candidates:,} candidates, exclusive, k = {a.k} "
        f"programmes per building, shortlist top {a.match_top} (at least {max(1, a.match_top // 10)} per "
        f"function), `time_limit={a.time_limit}` s of work per building match; one run each.",
        "",
        "| run | wall time | Dask / local | matches | rounds | total score | independent total | ratio |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        _match_row("local", run.match_local.wall, None, result),
        *[
            _match_row(f"Dask, {n} worker{'s' if n > 1 else ''}", t.wall, t.wall / run.match_local.wall, r)
            for n, (t, r) in run.match_dask.items()
        ],
        "",
        *[
            f"Dask with {n} worker{'s' if n > 1 else ''}: identical to the local run: **{r == result}**"
            f"{_differences(result, r)}.  "
            for n, (_, r) in run.match_dask.items()
        ],
        f"Buildings in the local run: {s['assigned']} kept one of their own first "
        f"{a.k} programmes, {s['reassigned']} were re-matched after losing a clash, {s['infeasible']} got "
        f"none; {_clock_stopped(result)} of the {s['buildings']} settled matches were cut by the wall-clock safety "
        "net of `match` (the machine's load). *independent total* is the sum of every building's best programme "
        "matched on its own (`exclusive=False` gives exactly these), so *ratio* is what exclusivity keeps of it.",
    ]


def _clock_stopped(result: PortfolioResult) -> int:
    return int(result.buildings["message"].str.contains("wall-clock safety net").sum())


def _match_row(name: str, seconds: float, ratio: float | None, result: PortfolioResult) -> str:
    s = result.summary()
    r = f"{ratio:.2f}" if ratio is not None else ""
    return (
        f"| {name} | {seconds:.1f} s | {r} | {s['matches']} | {s['rounds']} | {s['total_score']:.2f} | "
        f"{s['independent_score']:.2f} | {s['ratio']:.1%} |"
    )


def _differences(a: PortfolioResult, b: PortfolioResult) -> str:
    if a == b:
        return ""
    x, y = a.buildings.set_index("building"), b.buildings.set_index("building")
    differ = int((x["independent_score"].fillna(0) != y["independent_score"].fillna(0)).sum())
    rows = int((x.fillna(0) != y.fillna(0)).any(axis=1).sum())
    return (
        f" ({differ} of {len(x)} buildings' own matches came out differently, {rows} rows differ in all; "
        f"total score {b.total_score - a.total_score:+.2f})"
    )


def _version(name: str) -> str:
    try:
        from importlib.metadata import version

        return version(name)
    except Exception:  # pragma: no cover
        return "not installed"


def main() -> None:
    run = Run(parse_args())
    a = run.args
    run.load_before = os.getloadavg()[0]
    print(f"generating {a.buildings} buildings x {a.candidates} candidates ...", flush=True)
    buildings = generate_portfolio(a.buildings, seed=a.seed)
    pool = generate_pool(a.candidates, seed=a.seed)
    screen(buildings[:2], pool[:50], top=3)  # imports and the assessment's tables, once
    measure_memory(run, buildings, pool)
    with clusters(run) as clients:
        time_screens(run, clients, buildings, pool)
        if not a.skip_match:
            time_matches(run, clients)
    run.load_after = os.getloadavg()[0]
    lines = header(run) + screen_section(run) + match_section(run)
    a.output.parent.mkdir(parents=True, exist_ok=True)
    tmp = a.output.with_suffix(".tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.replace(tmp, a.output)
    print(f"wrote {a.output}")


if __name__ == "__main__":
    main()
