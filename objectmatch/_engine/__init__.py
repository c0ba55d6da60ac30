"""The engine: encoding, score terms, the array problem, the search and the exact model (private).

Public names live in :mod:`objectmatch`; the array-level entry :func:`solve_qkp` is reachable here
(loaded on first use) so the search can be measured on plain quadratic-knapsack data
(``benchmarks/bench_qkp.py``).
"""

from __future__ import annotations

from typing import Any

__all__ = ["qkp_problem", "solve_qkp"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from objectmatch._engine import qkp

        return getattr(qkp, name)
    raise AttributeError(f"module 'objectmatch._engine' has no attribute {name!r}")
