"""Benchmark: ``objectmatch.portfolio`` at scale, locally and on a Dask LocalCluster, in one run.

* ``screen``: 1,000 buildings x 10,000 candidates (top 50): wall time (best of ``--repeat``),
  peak traced memory (``tracemalloc``, a separate run) and the process's peak RSS, against the
  dense alternative of one float per (building, candidate);
* ``match_all``: 100 buildings x 5,000 candidates, exclusive, ``k`` programmes per building
  from a shortlist of ``--match-top`` with ``--time-limit`` seconds of work each: wall time,
  total score against the sum of the buildings' independent best scores (the cost of
  exclusivity), rounds and matches;
* both again on a ``distributed.LocalCluster`` with 2 single-threaded worker processes, with
  the ratio Dask / local and a check that the results are identical.

Targets (issue 8, design section 5): the screen in seconds, not minutes, without O(buildings x
candidates) memory; Dask overhead under 20% on one machine. Writes ``benchmarks/results/portfolio.md``.

Run: ``python benchmarks/bench_portfolio.py`` (about 5 minutes on 2 cores).
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
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from objectmatch.datasets import generate_pool, generate_portfolio
from objectmatch.portfolio import PortfolioResult, match_all, screen

RESULTS = Path(__file__).resolve().parent / "results" / "portfolio.md"
T = TypeVar("T")


def timed(fn: Callable[[], T], repeat: int = 1) -> tuple[float, T]:
    """Shortest wall time of ``repeat`` calls, and the last result."""
    best, out = float("inf"), None
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    assert out is not None
    return best, out


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
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
    args = parser.parse_args()

    from distributed import Client, LocalCluster

    logging.getLogger("distributed").setLevel(logging.WARNING)

    load_before = os.getloadavg()[0]
    print(f"generating {args.buildings} buildings x {args.candidates} candidates ...", flush=True)
    buildings = generate_portfolio(args.buildings, seed=args.seed)
    pool = generate_pool(args.candidates, seed=args.seed)
    screen(buildings[:2], pool[:50], top=3)  # imports and the assessment's tables, once
    # Memory first, before any cluster exists: the process's peak RSS and tracemalloc's peak.
    rss_before = maxrss_bytes()
    screen(buildings, pool, top=args.top)
    rss_after = maxrss_bytes()
    peak = traced_peak(lambda: screen(buildings, pool, top=args.top))
    peak_no_assess = traced_peak(lambda: screen(buildings, pool, top=args.top, assess=False))
    dense = args.buildings * args.candidates * 8
    print(f"screen peak traced {mb(peak)} ({mb(peak_no_assess)} without the assessment), "
          f"RSS +{mb(rss_after - rss_before)}", flush=True)

    started = time.perf_counter()
    clusters = {n: LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None)
                for n in sorted({1, args.workers})}
    clients = {n: Client(cluster) for n, cluster in clusters.items()}
    t_start = time.perf_counter() - started
    for c in clients.values():  # every worker imports objectmatch and loads the assessment tables once
        screen(buildings[:64 * args.workers], pool[:200], top=3, client=c)
    try:
        # Local and Dask runs alternate, so that each sees the same load on a shared machine.
        t_local: list[float] = []
        t_dask: dict[int, list[float]] = {n: [] for n in clients}
        same_screen = True
        for _ in range(args.repeat):
            t, local_screen = timed(lambda: screen(buildings, pool, top=args.top))
            t_local.append(t)
            for n, c in clients.items():
                t, dask_screen = timed(lambda c=c: screen(buildings, pool, top=args.top, client=c))
                t_dask[n].append(t)
                same_screen = same_screen and dask_screen.equals(local_screen)
        t_screen = min(t_local)
        print(f"screen local {t_screen:.2f} s, dask {({n: round(min(v), 2) for n, v in t_dask.items()})}, "
              f"identical {same_screen}", flush=True)
        t_screen_no_assess, _ = timed(lambda: screen(buildings, pool, top=args.top, assess=False), args.repeat)

        if not args.skip_match:
            m_buildings = generate_portfolio(args.match_buildings, seed=args.seed + 1)
            m_pool = generate_pool(args.match_candidates, seed=args.seed + 1)
            settings = {"k": args.k, "top": args.match_top, "time_limit": args.time_limit}
            t_match, local_match = timed(lambda: match_all(m_buildings, m_pool, **settings))
            print(f"match_all local: {t_match:.1f} s; {local_match}", flush=True)
            match_runs: dict[int, tuple[float, PortfolioResult]] = {}
            for n in sorted(clients, reverse=True):
                if n == 1 and args.skip_match_1:
                    continue
                match_runs[n] = timed(lambda n=n: match_all(m_buildings, m_pool, client=clients[n], **settings))
                print(f"match_all dask {n}: {match_runs[n][0]:.1f} s; {match_runs[n][1]}", flush=True)
    finally:
        for c in clients.values():
            c.close()
        for cluster in clusters.values():
            cluster.close()

    load_after = os.getloadavg()[0]
    lines = [
        "# Portfolio: screen and match_all, locally and on Dask",
        "",
        f"Command: `python benchmarks/bench_portfolio.py {' '.join(sys.argv[1:])}`".rstrip() + "  ",
        f"Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC  ",
        f"Machine: {os.cpu_count()} cores ({platform.processor() or platform.machine()}), shared with other work "
        f"while this ran (load average {load_before:.1f} at the start, {load_after:.1f} at the end: timings are "
        f"noisy); Python {platform.python_version()}, numpy {np.__version__}, "
        f"pandas {pd.__version__}, dask {_version('dask')}, distributed {_version('distributed')}; "
        f"BLAS: {blas_info()}  ",
        f"Dask: `LocalCluster(n_workers=n, threads_per_worker=1, processes=True)` for n = 1 and {args.workers} on the "
        f"same machine, started in {t_start:.1f} s (not counted), every worker warmed up once; local runs are one "
        "process, one thread. *1 worker* measures Dask's own overhead; *2 workers* what it adds on two cores.",
        "",
        "## screen",
        "",
        f"{args.buildings:,} buildings (3-12 floors) x {args.candidates:,} candidates, top {args.top}, "
        f"block_size 500, building_block 32; best of {args.repeat}, local and Dask runs alternating.",
        "",
        "| run | wall time | Dask / local | peak traced memory | dense buildings x candidates x 8 B |",
        "| --- | ---: | ---: | ---: | ---: |",
        f"| local | {t_screen:.2f} s | | {mb(peak)} | {mb(dense)} |",
        f"| local, `assess=False` | {t_screen_no_assess:.2f} s | | {mb(peak_no_assess)} | {mb(dense)} |",
        *[
            f"| Dask, {n} worker{'s' if n > 1 else ''} | {min(v):.2f} s | {min(v) / t_screen:.2f} | (workers) | |"
            for n, v in t_dask.items()
        ],
        "",
        f"Identical results (same rows, same bits): **{same_screen}**. Peak RSS of the process rose by "
        f"{mb(rss_after - rss_before)} during the first local screen (from {mb(rss_before)}, after generating the "
        "data). "
        "The assessment (`assess=True`, the default) keeps a bounded cache of its last 64 buildings "
        "(`objectmatch.assess`), part of the traced peak.",
    ]
    if not args.skip_match:
        s = local_match.summary()
        lines += [
            "",
            "## match_all",
            "",
            f"{args.match_buildings} buildings x {args.match_candidates:,} candidates, exclusive, k = {args.k} "
            f"programmes per building, shortlist top {args.match_top} (at least {max(1, args.match_top // 10)} per "
            f"function), `time_limit={args.time_limit}` s of work per building match; one run each.",
            "",
            "| run | wall time | Dask / local | matches | rounds | total score | independent total | ratio |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
            _match_row("local", t_match, None, local_match),
            *[
                _match_row(f"Dask, {n} worker{'s' if n > 1 else ''}", t, t / t_match, r)
                for n, (t, r) in match_runs.items()
            ],
            "",
            *[
                f"Dask with {n} worker{'s' if n > 1 else ''}: identical to the local run: **{r == local_match}**"
                f"{_differences(local_match, r)}.  "
                for n, (_, r) in match_runs.items()
            ],
            f"Buildings in the local run: {s['assigned']} kept one of their own first "
            f"{args.k} programmes, {s['reassigned']} were re-matched after losing a clash, {s['infeasible']} got "
            f"none. *independent total* is the sum of every building's best programme matched on its own "
            f"(`exclusive=False` gives exactly these), so *ratio* is what exclusivity keeps of it.",
        ]
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.output}")


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


if __name__ == "__main__":
    main()
