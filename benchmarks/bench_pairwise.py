"""Benchmark: ``objectmatch.pairwise_scores`` on whole candidate models against one BLAS matrix product.

For pools of 4,000 and 10,000 generated candidates (``generate_pool(n, 0)``), side by side in one run:

* the whole call ``objectmatch.pairwise_scores(candidates, weights=Weights())`` on the list of
  ``Candidate`` models: validation, encoding (``objectmatch._engine.encode.encode_pool``), the factor
  matrices and the n x n product, everything a user pays for;
* its parts: ``encode_pool(candidates)`` alone and ``pairwise_scores(pool_arrays)`` on the encoded pool;
* one numpy matrix product of the same shape, ``(n x d) @ (d x n)`` with d the width of the factors
  ``pairwise_scores`` multiplies (all components and proximity classes side by side): the floor for
  any BLAS approach. ``pairwise_scores`` computes each panel above the diagonal once and mirrors it,
  so it may beat the full product.

The two are timed alternately (best of ``--repeat``), so both see the same load. Target (DESIGN
§5): within 2x of the product at n = 10,000, encoding included. Also checked: the result is exactly
symmetric with a zero diagonal and equals the weighted sum of ``pairwise_components``; peak traced
memory of the whole call. Before each size the script waits for a 1-minute load average below 2.5
(at most ``--wait-budget`` seconds in all). Writes ``benchmarks/results/pairwise.md``.

Run: ``python benchmarks/bench_pairwise.py`` (about a minute on 2 quiet cores);
``--quick`` for a smoke run (n = 1,000 and 2,000, to the temporary directory).
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from bench_common import LoadGate, header_load, machine_lines, write_atomically

import objectmatch
from objectmatch._engine.encode import encode_pool, network_projection
from objectmatch._engine.scorer import conflict_matrix, pair_factors, symmetric_product
from objectmatch.datasets import generate_pool
from objectmatch.scoring import ScoreModel, Weights, pairwise_components

RESULTS = Path(__file__).resolve().parent / "results" / "pairwise.md"
GIB = 1024**3


def once(fn: Callable[[], Any]) -> float:
    """Wall time of one call (its result dropped before returning)."""
    gc.collect()
    start = time.perf_counter()
    out = fn()
    seconds = time.perf_counter() - start
    del out
    return seconds


def factor_width(pool: Any, weights: Weights) -> tuple[int, str]:
    """d: the width of the factors ``pairwise_scores`` multiplies, and its split by component."""
    projection = network_projection(pool.identity_columns, None, weights.network_strength)
    parts = {name: sum(left.shape[1] for left, _ in classes.values())
             for name, classes in pair_factors(pool, projection, weights, ScoreModel()).items()}
    return sum(parts.values()), ", ".join(f"{name} {width}" for name, width in parts.items())


@dataclass
class Measured:
    n: int
    d: int
    widths: str
    whole: float
    encode: float
    arrays: float
    product: float
    peak: int
    parts: dict[str, float]
    symmetric: bool
    agreement: float
    load: tuple[float, float, float]
    quiet: bool

    @property
    def ratio(self) -> float:
        return self.whole / self.product


def measure(n: int, repeat: int, gate: LoadGate) -> Measured:
    weights = Weights()
    candidates = generate_pool(n, seed=0)
    pool = encode_pool(candidates)
    d, widths = factor_width(pool, weights)
    rng = np.random.default_rng(0)
    a, b = rng.random((n, d)), rng.random((n, d))
    load, quiet = gate.wait(f"pairwise n = {n}")
    whole, encode, arrays, product = [], [], [], []
    for _ in range(repeat):
        whole.append(once(lambda: objectmatch.pairwise_scores(candidates, weights=weights)))
        product.append(once(lambda: a @ b.T))
        encode.append(once(lambda: encode_pool(candidates)))
        arrays.append(once(lambda: objectmatch.pairwise_scores(pool, weights=weights)))
    parts = breakdown(pool, weights, repeat)
    tracemalloc.start()
    full = objectmatch.pairwise_scores(candidates, weights=weights)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    symmetric = bool((full == full.T).all()) and not full.diagonal().any()
    agreement = agreement_with_components(full, pool, weights, rows=min(n, 1000))
    return Measured(n, d, widths, min(whole), min(encode), min(arrays), min(product), peak, parts, symmetric,
                    agreement, load, quiet)


def breakdown(pool: Any, weights: Weights, repeat: int) -> dict[str, float]:
    """Where the time of ``pairwise_scores`` on an encoded pool goes (its steps, called one by one)."""
    model = ScoreModel()
    projection = network_projection(pool.identity_columns, None, weights.network_strength)
    factors = pair_factors(pool, projection, weights, model)
    left = np.hstack([lf for classes in factors.values() for lf, _ in classes.values()])
    right = np.hstack([r for classes in factors.values() for _, r in classes.values()])
    steps: dict[str, Callable[[], Any]] = {
        "factors": lambda: pair_factors(pool, projection, weights, model),
        "symmetric product": lambda: symmetric_product(left, right),
        "full product of the same factors": lambda: left @ right.T,
        "conflict matrix": lambda: conflict_matrix(pool, model),
    }
    return {name: min(once(fn) for _ in range(repeat)) for name, fn in steps.items()}


def agreement_with_components(full: np.ndarray, pool: Any, weights: Weights, rows: int) -> float:
    """Largest difference from ``sum_k signed_k * pairwise_components[k]`` on the first ``rows`` candidates."""
    index = np.arange(rows)
    sub = pool if rows == pool.n else _rows(pool, index)
    signed = weights.signed()
    comp = pairwise_components(sub, weights=weights)
    expected = sum((signed[name] * mat for name, mat in comp.items()), np.zeros((rows, rows)))
    return float(np.abs(full[np.ix_(index, index)] - expected).max())


def _rows(pool: Any, index: np.ndarray) -> Any:
    """The encoded pool restricted to ``index`` (row fields subset; the incompatibilities among them)."""
    from dataclasses import fields, replace

    where = {int(i): k for k, i in enumerate(index.tolist())}
    changes: dict[str, Any] = {}
    for f in fields(pool):
        value = getattr(pool, f.name)
        if f.name == "incompatible_pairs":
            pairs = [(where[i], where[j]) for i, j in value.tolist() if i in where and j in where]
            changes[f.name] = np.array(pairs, dtype=np.int64).reshape(-1, 2)
        elif isinstance(value, np.ndarray) and value.ndim >= 1 and len(value) == pool.n:
            changes[f.name] = value[index]
        elif isinstance(value, tuple) and not f.name.endswith("columns") and len(value) == pool.n:
            changes[f.name] = tuple(value[i] for i in index.tolist())
    return replace(pool, **changes)


def report(results: Sequence[Measured], command: str, repeat: int, threshold: float) -> str:
    def mark(ok: bool) -> str:
        return "met" if ok else "**missed**"

    lines = [
        "# Benchmark: pairwise scores",
        "",
        f"Generated by `{command}` on {time.strftime('%Y-%m-%d')}. Pools: `generate_pool(n, seed=0)` (generation "
        f"not timed). Times are the best of {repeat} runs, the methods timed alternately.",
        "",
        "| n | d (factor width) | whole call, encoding included | `encode_pool` | on encoded pool | "
        "one product (n x d) @ (d x n) | whole / product | peak traced memory | load before |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in results:
        lines.append(
            f"| {r.n:,} | {r.d} ({r.widths}) | {r.whole:.3f} s | {r.encode:.3f} s | {r.arrays:.3f} s | "
            f"{r.product:.3f} s | {r.ratio:.2f}x | {r.peak / GIB:.2f} GiB | "
            f"{header_load(r.load, r.quiet, threshold).replace('load average (1, 5, 15 min) before: ', '')} |")
    lines += ["", "Where the time of `pairwise_scores` on the encoded pool goes (its steps called one by one, best of "
              "the same runs; the rest is subtracting the conflict matrix, the diagonal and the weights):", "",
              "| n | " + " | ".join(results[0].parts) + " |", "| ---: |" + " ---: |" * len(results[0].parts)]
    lines += [f"| {r.n:,} | " + " | ".join(f"{v:.3f} s" for v in r.parts.values()) + " |" for r in results]
    lines += ["", "| target | measured | |", "| --- | --- | --- |"]
    for r in results:
        lines.append(f"| n = {r.n:,}: whole call within 2x of one matrix product | {r.ratio:.2f}x | "
                     f"{mark(r.ratio <= 2)} |")
        lines.append(f"| n = {r.n:,}: exactly symmetric, zero diagonal; equals the weighted sum of "
                     f"`pairwise_components` | {r.symmetric}; max difference {r.agreement:.1e} | "
                     f"{mark(r.symmetric and r.agreement < 1e-9)} |")
    lines += ["", "Machine:", "", *machine_lines(), ""]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=None, help="pool sizes (default 4000 10000)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="n = 1,000 and 2,000, to the temporary directory")
    parser.add_argument("--no-wait", dest="wait", action="store_false", help="do not wait for a quiet machine")
    parser.add_argument("--wait-budget", type=float, default=3 * 3600.0)
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args(argv)
    sizes = args.sizes or ([1000, 2000] if args.quick else [4000, 10000])
    output = args.output or (Path(tempfile.gettempdir()) / "pairwise-quick.md" if args.quick else RESULTS)
    gate = LoadGate(budget=args.wait_budget, enabled=args.wait and not args.quick)
    results = [measure(n, args.repeat, gate) for n in sizes]
    command = "python benchmarks/bench_pairwise.py" + "".join(f" {a}" for a in (sys.argv[1:] if argv is None else argv))
    text = report(results, command, args.repeat, gate.threshold)
    write_atomically(output, text)
    print(text)
    print(f"written to {output}; load now {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
