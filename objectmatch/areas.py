"""Area allocation: given who sits on which floors, the m² each takes, exactly, by linear programming.

Once the tenants and their floors are fixed, every score term that depends on
areas is linear in them (occupancy and the area-weighted unary fits), and so are
the constraints (area_min..area_max, floor capacity, min_occupancy,
max_function_share). The best areas are therefore one small LP, solved with
HiGHS through :func:`scipy.optimize.linprog`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from scipy.optimize import linprog

from objectmatch.encode import FloatArray
from objectmatch.problem import Problem

__all__ = ["MIN_PART", "allocate"]

#: Smallest m² a tenant takes on each floor it is placed on (so a placement keeps its floors).
MIN_PART = 1.0


def allocate(
    problem: Problem, assignment: Mapping[int, Sequence[int]], *, trim: bool = False
) -> FloatArray | None:
    """Best areas for ``assignment`` (row -> floor indices), or ``None`` if no areas meet the constraints.

    The result is an n x m matrix of m², zero outside the assignment. Every assigned floor gets
    at least ``MIN_PART`` m², except with ``trim=True``, where a tenant's end floors may drop to
    zero (and out of the programme) when its m² are worth more elsewhere: this removes the
    slivers a floor assignment can leave (a tenant with 1 m² on a second floor).
    """
    enc, scorer, cons = problem.enc, problem.scorer, problem.constraints
    pairs = [(i, f) for i in sorted(assignment) for f in sorted(assignment[i])]
    if not pairs:
        return None
    k = len(pairs)
    rows = np.array([p[0] for p in pairs])
    cols = np.array([p[1] for p in pairs])
    cost = -scorer.per_m2[rows, cols]
    tenants = sorted(assignment)

    a_ub: list[FloatArray] = []
    b_ub: list[float] = []
    # tenant totals within area_min..area_max
    for i in tenants:
        row = (rows == i).astype(float)
        a_ub.append(row)
        b_ub.append(float(enc.pool.area_max[i]))
        a_ub.append(-row)
        b_ub.append(-float(enc.pool.area_min[i]))
    # floor capacity
    for f in np.unique(cols):
        a_ub.append((cols == f).astype(float))
        b_ub.append(float(enc.floor_area[f]))
    # occupancy
    a_ub.append(-np.ones(k))
    b_ub.append(-problem.required_area())
    # largest function share of the let area
    if cons.max_function_share < 1.0:
        fn = enc.pool.function[rows]
        for g in np.unique(fn):
            a_ub.append((fn == g).astype(float) - cons.max_function_share)
            b_ub.append(0.0)
    lower = []
    for i, f in pairs:
        floors = sorted(assignment[i])
        end = f in (floors[0], floors[-1]) and len(floors) > 1
        lower.append(0.0 if trim and end else MIN_PART)
    res = linprog(
        cost,
        A_ub=np.vstack(a_ub),
        b_ub=np.array(b_ub),
        bounds=[(lo, float(enc.floor_area[f])) for lo, f in zip(lower, cols, strict=True)],
        method="highs",
    )
    if res.status != 0:
        return None
    areas = np.zeros((enc.n, enc.m))
    # HiGHS meets bounds to ~1e-9; rounding to micro-m² keeps the output stable and readable.
    areas[rows, cols] = np.round(res.x, 6)
    if trim:
        # a trimmed end floor is left entirely; the tenant keeps its other floors
        areas[areas < 1e-6] = 0.0
    return areas
