"""Benchmark: ``pairwise_scores`` for a large pool against a Python loop and one matrix product.

Three ways to the same n x n matrix of weighted pairwise affinities, side by side in one run:

* ``pairwise_scores`` on the encoded pool (``PoolArrays``), as the solver calls it;
* a pure Python loop over pairs computing the same four components (shared identity,
  complementarity, time complementarity, conflict) on a subsample, checked against
  ``pairwise_scores`` and extrapolated to all pairs;
* one numpy matrix product of the same shapes (n x d @ d x n, d the width of the
  concatenated factors ``pairwise_scores`` multiplies): the floor for any BLAS approach.

Targets (issue 3, design section 5): at least 100x faster than the loop, within 2x of the
product, peak memory under 2 GB at n = 10,000. Writes ``benchmarks/results/pairwise.md``.

Run: ``python benchmarks/bench_pairwise.py`` (about half a minute on 2 cores).
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import platform
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from objectmatch.datasets import generate_pool
from objectmatch.encode import HOURS_PER_WEEK, NOISE_LEVELS, PoolArrays, encode_pool
from objectmatch.scoring import PAIRWISE, Weights, pair_factors, pairwise_scores

RESULTS = Path(__file__).resolve().parent / "results" / "pairwise.md"


def best_of(repeat: int, fn: Callable[[], Any]) -> float:
    """Shortest wall time of ``repeat`` calls (the result is dropped before the next call)."""
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
        del out
    return min(times)


def time_side_by_side(pool: PoolArrays, weights: Weights, d: int, repeat: int, seed: int) -> tuple[float, float]:
    """Best times of ``pairwise_scores`` and of one plain ``(n x d) @ (d x n)`` product.

    The two are timed alternately, so that both see the same load on a shared machine; the
    product allocates its n x n output as ``pairwise_scores`` does.
    """
    rng = np.random.default_rng(seed)
    a, b = rng.random((pool.n, d)), rng.random((pool.n, d))
    scores, product = [], []
    for _ in range(repeat):
        scores.append(best_of(1, lambda: pairwise_scores(pool, weights)))
        product.append(best_of(1, lambda: a @ b.T))
    return min(scores), min(product)


def python_loop(pool: PoolArrays, weights: Weights) -> list[list[float]]:
    """The weighted pairwise matrix, one pair at a time, in plain Python (no network).

    Per-candidate preparation (unit vectors, need shares, hours) is O(n) and included;
    the pair loop visits each unordered pair once and fills both halves.
    """
    v = weights.values_share
    signed = weights.signed()
    w_i, w_c, w_t, w_k = (signed[name] for name in PAIRWISE)

    def unit(row: list[float]) -> list[float]:
        norm = math.sqrt(sum(x * x for x in row))
        return [x / norm for x in row] if norm > 0 else [0.0] * len(row)

    ident = [unit(r) for r in pool.identity.tolist()]
    vals = [unit(r) for r in pool.values.tolist()]
    needs = pool.needs.tolist()
    offers = pool.offers.tolist()
    share = []
    for row in needs:
        total = sum(row)
        share.append([x / total for x in row] if total else [0.0] * len(row))
    sched = pool.schedule.tolist()
    hours = [sum(r) for r in sched]
    noise = pool.noise.tolist()
    tol = pool.noise_tolerance.tolist()
    refused = {(int(i), int(j)) for i, j in pool.incompatible_pairs.tolist()}
    n = pool.n
    out = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            identity = sum(a * b for a, b in zip(ident[i], ident[j], strict=True))
            value = sum(a * b for a, b in zip(vals[i], vals[j], strict=True))
            shared = (1 - v) * identity + v * value
            m_ij = sum(a * b for a, b in zip(share[i], offers[j], strict=True))
            m_ji = sum(a * b for a, b in zip(share[j], offers[i], strict=True))
            both = sum(a * b for a, b in zip(sched[i], sched[j], strict=True))
            apart = (hours[i] + hours[j] - 2 * both) / HOURS_PER_WEEK
            excess = max(0, noise[i] - tol[j], noise[j] - tol[i]) / (NOISE_LEVELS - 1)
            conflict = 1.0 if (i, j) in refused else excess
            p = w_i * shared + w_c * (m_ij + m_ji) / 2 + w_t * apart + w_k * conflict
            out[i][j] = out[j][i] = p
    return out


def subset(pool: PoolArrays, rows: np.ndarray) -> PoolArrays:
    """The pool restricted to ``rows`` (same columns), with the incompatibilities among them."""
    where = {int(r): k for k, r in enumerate(rows)}
    pairs = [(where[i], where[j]) for i, j in pool.incompatible_pairs.tolist() if i in where and j in where]
    pairs = sorted((min(a, b), max(a, b)) for a, b in pairs)
    fields: dict[str, Any] = {}
    for name in PoolArrays.__dataclass_fields__:
        value = getattr(pool, name)
        if name == "ids":
            fields[name] = tuple(value[int(r)] for r in rows)
        elif name == "incompatible_pairs":
            fields[name] = np.array(pairs, dtype=np.int64).reshape(-1, 2)
        elif isinstance(value, np.ndarray):
            fields[name] = value[rows]
        else:
            fields[name] = value
    return PoolArrays(**fields)


def _package(path: str) -> str:
    """The package a shared library ships with, e.g. ``numpy`` for ``.../numpy.libs/libopenblas...so``."""
    for part in reversed(Path(path).parts):
        if part.endswith(".libs") or part in ("numpy", "scipy"):
            return "bundled with " + part.removesuffix(".libs").lstrip("_")
    return path or "unknown library"


def blas_info() -> str:
    try:
        from threadpoolctl import threadpool_info  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - threadpoolctl ships with scikit-learn
        return "threadpoolctl not installed"
    parts = [
        f"{i.get('internal_api')} {i.get('version')} ({i.get('threading_layer', '?')}, "
        f"{i.get('architecture', '?')}, {i.get('num_threads')} threads; {_package(str(i.get('filepath', '')))})"
        for i in threadpool_info()
        if i.get("user_api") == "blas"
    ]
    return "; ".join(parts) or "no BLAS found by threadpoolctl"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def maxrss_bytes() -> int:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss if sys.platform == "darwin" else rss * 1024  # Linux reports KiB


def run(n: int, sample: int, repeat: int, seed: int) -> tuple[str, bool]:
    weights = Weights()
    t0 = time.perf_counter()
    candidates = generate_pool(n, seed=seed)
    t_generate = time.perf_counter() - t0
    t0 = time.perf_counter()
    pool = encode_pool(candidates)
    t_encode = time.perf_counter() - t0
    del candidates
    gc.collect()

    factors = pair_factors(pool, values_share=weights.values_share, strength=weights.network_strength)
    d = sum(factors[name][0].shape[1] for name in PAIRWISE)
    widths = ", ".join(f"{name} {factors[name][0].shape[1]}" for name in PAIRWISE)
    del factors

    # Memory first, before anything else has pushed the process high-water mark up.
    rss_before = maxrss_bytes()
    tracemalloc.start()
    full = pairwise_scores(pool, weights)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_delta = maxrss_bytes() - rss_before
    symmetric = bool((full == full.T).all()) and not full.diagonal().any()

    t_scores, t_matmul = time_side_by_side(pool, weights, d, repeat, seed)

    rng = np.random.default_rng(seed)

    rows = np.sort(rng.choice(n, size=min(sample, n), replace=False))
    small = subset(pool, rows)
    start = time.perf_counter()
    looped = np.array(python_loop(small, weights))
    t_loop = time.perf_counter() - start
    vectorised = pairwise_scores(small, weights)
    err_small = float(np.abs(looped - vectorised).max())
    err_full = float(np.abs(looped - full[np.ix_(rows, rows)]).max())
    agrees = err_small < 1e-9 and err_full < 1e-9
    del full
    gc.collect()

    pairs_sample = sample * (sample - 1) // 2
    pairs_full = n * (n - 1) // 2
    t_loop_full = t_loop / pairs_sample * pairs_full
    vs_loop = t_loop_full / t_scores
    vs_matmul = t_scores / t_matmul
    ok_loop, ok_matmul, ok_mem = vs_loop >= 100, vs_matmul <= 2, peak < 2 * 1024**3
    passed = ok_loop and ok_matmul and ok_mem and agrees and symmetric

    def mark(ok: bool) -> str:
        return "met" if ok else "**missed**"

    gib = 1024**3
    lines = [
        "# Benchmark: pairwise scores",
        "",
        f"Generated by `python benchmarks/bench_pairwise.py --n {n} --sample {sample} --repeat {repeat} "
        f"--seed {seed}` on {time.strftime('%Y-%m-%d')}.",
        "",
        f"Pool: `generate_pool({n}, seed={seed})`, encoded once with `encode_pool` "
        f"({t_generate:.2f} s to generate, {t_encode:.2f} s to encode; not included below). "
        f"Factor width d = {d} ({widths}). Times are the best of {repeat} runs; the two vectorised "
        "methods are timed alternately, so that both see the same load.",
        "",
        "| method | pairs | time (s) | ratio |",
        "| --- | ---: | ---: | ---: |",
        f"| `pairwise_scores` (n = {n:,}) | {pairs_full:,} | {t_scores:.3f} | 1 |",
        f"| one matrix product {n:,} x {d} @ {d} x {n:,} | {pairs_full:,} | {t_matmul:.3f} | "
        f"`pairwise_scores` takes {vs_matmul:.2f}x |",
        f"| Python loop over pairs, {sample} candidates (measured) | {pairs_sample:,} | {t_loop:.3f} | |",
        f"| Python loop, extrapolated to n = {n:,} | {pairs_full:,} | {t_loop_full:,.0f} | "
        f"`pairwise_scores` is {vs_loop:,.0f}x faster |",
        "",
        "| target | measured | |",
        "| --- | --- | --- |",
        f"| at least 100x faster than the Python loop | {vs_loop:,.0f}x | {mark(ok_loop)} |",
        f"| within 2x of one matrix product | {vs_matmul:.2f}x | {mark(ok_matmul)} |",
        f"| peak memory of `pairwise_scores` at n = {n:,} under 2 GB | {peak / gib:.2f} GiB traced "
        f"(max RSS grew {rss_delta / gib:.2f} GiB; the n x n float64 result alone is {n * n * 8 / gib:.2f} GiB) "
        f"| {mark(ok_mem)} |",
        f"| loop agrees with `pairwise_scores` on the subsample | max abs difference {err_small:.1e} "
        f"(vs the full matrix's rows: {err_full:.1e}) | {mark(agrees)} |",
        f"| result exactly symmetric, zero diagonal | {symmetric} | {mark(symmetric)} |",
        "",
        "The loop visits each unordered pair once (half the work of the n x n matrix) with dense Python",
        "lists and per-candidate preparation (unit vectors, need shares, hours) done once; it is linear",
        "in the number of pairs, so the extrapolation multiplies its time per pair by n(n - 1)/2.",
        "",
        "Machine:",
        "",
        f"- CPU: {cpu_model()}; {os.cpu_count()} logical cores, {len(os.sched_getaffinity(0))} usable",
        f"- Python {platform.python_version()}, numpy {np.__version__}",
        f"- BLAS: {blas_info()}",
        "",
    ]
    return "\n".join(lines), passed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=10_000, help="pool size (default 10,000)")
    parser.add_argument("--sample", type=int, default=300, help="candidates in the Python loop's subsample")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per method; the best counts")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output", type=Path, default=RESULTS, help=f"markdown file (default {RESULTS})")
    parser.add_argument("--strict", action="store_true", help="exit with status 1 if a target is missed")
    args = parser.parse_args(argv)
    if args.n < 2 or not 2 <= args.sample <= args.n or args.repeat < 1:
        parser.error("need n >= 2, 2 <= sample <= n and repeat >= 1")
    report, passed = run(args.n, args.sample, args.repeat, args.seed)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(report, encoding="utf-8")
    print(report)
    print(f"written to {args.output}")
    return 0 if passed or not args.strict else 1


if __name__ == "__main__":
    raise SystemExit(main())
