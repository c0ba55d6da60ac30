"""Portfolio scale: many vacant buildings against one pool of candidates, on one machine or on Dask.

* :func:`screen`: for every building, the candidates that can use it at all (the core's
  feasibility mask), ranked by the area terms of the score, computed over blocks of candidates x
  buildings so that memory stays O(buildings x top + block), never O(buildings x candidates).
* :func:`match_all`: a programme per building from its screened candidates, with
  ``exclusive=True`` no candidate placed in two buildings (a set packing over each
  building's k best programmes, re-matching the buildings that lose a clash).

Both take the options of :func:`objectmatch.match` as keyword arguments (validated by the same
models) and ``client=``: a ``dask.distributed.Client`` (or ``True`` for the current one) runs
the work as tasks per block of buildings, with the same results as the local run. Dask is an
optional extra (``pip install objectmatch[dask]``), imported only when a client is given; rich
draws a progress bar only when one is shown.
docs/portfolio.md gives the method, the memory bound and measured costs.
"""

from __future__ import annotations

from objectmatch.portfolio._match import match_all
from objectmatch.portfolio._options import MatchAllParams, ScreenParams
from objectmatch.portfolio._result import (
    BUILDING_COLUMNS,
    PLACEMENT_COLUMNS,
    PortfolioResult,
    buildings_from_parquet,
    buildings_to_parquet,
    candidates_from_parquet,
    candidates_to_parquet,
    read_parquet,
)
from objectmatch.portfolio._screen import SCREEN_COLUMNS, screen

__all__ = [
    "BUILDING_COLUMNS",
    "PLACEMENT_COLUMNS",
    "SCREEN_COLUMNS",
    "MatchAllParams",
    "PortfolioResult",
    "ScreenParams",
    "buildings_from_parquet",
    "buildings_to_parquet",
    "candidates_from_parquet",
    "candidates_to_parquet",
    "match_all",
    "read_parquet",
    "screen",
]
