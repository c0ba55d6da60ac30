"""The engine: encoding, score terms, the array problem, the search and the exact model (private).

Public names live in :mod:`objectmatch`; the array-level entry :func:`solve_qkp` is here so the
search can be measured on plain quadratic-knapsack data (``benchmarks/bench_qkp.py``).
"""

from __future__ import annotations

from objectmatch._engine.qkp import QkpAnswer, qkp_problem, solve_qkp

__all__ = ["QkpAnswer", "qkp_problem", "solve_qkp"]
