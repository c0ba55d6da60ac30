"""The matching instances of ``bench_match.py`` and what turns a programme into the engine's arrays.

Every instance is a generated building and pool (``generate_building(floors, seed)``,
``generate_pool(n, seed)``) or the bundled example, with default constraints. :func:`prepared`
encodes it as ``match`` does (``objectmatch.solve.prepare``); :func:`areas_of` turns a returned
programme into the area matrix (units) of that encoding, so its value is ``problem.value(areas)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import objectmatch
from objectmatch import Building, Candidate
from objectmatch.datasets import generate_building, generate_pool
from objectmatch.options import MatchOptions
from objectmatch.results import Programme
from objectmatch.solve import Prepared, prepare

IntArray = np.ndarray


@dataclass(frozen=True)
class Instance:
    """A building and pool by generator seeds (``n == 0``: the bundled example), default constraints."""

    name: str
    floors: int
    seed: int
    n: int

    def data(self) -> tuple[Building, list[Candidate]]:
        if self.n == 0:
            return objectmatch.load_example()
        return generate_building(self.floors, self.seed), generate_pool(self.n, self.seed)

    @property
    def label(self) -> str:
        if self.n == 0:
            return "bundled example (7 floors, 52 candidates)"
        return f"{self.floors} floors, {self.n} candidates, seed {self.seed}"


def generated(floors: int, n: int, seed: int, prefix: str = "gen") -> Instance:
    return Instance(f"{prefix}_f{floors}_n{n}_s{seed}", floors, seed, n)


#: The 200-candidate, 12-floor pool of DESIGN §5.
BIG = generated(12, 200, 0)
#: 50 candidates on the same building (31 usable: just above the engine's exact limit of 30).
MID = generated(12, 50, 0)
EXAMPLE = Instance("example", 7, 0, 0)
#: Pools of at most 25 usable candidates on 1, 4, 8 and 12 floors, two seeds each (the pool size is the
#: largest of 20, 30, ..., 80 that keeps the usable count at 25 or under; checked when they run).
SMALL = (
    generated(1, 30, 0, "small"), generated(1, 40, 1, "small"),
    generated(4, 30, 0, "small"), generated(4, 40, 1, "small"),
    generated(8, 40, 0, "small"), generated(8, 60, 1, "small"),
    generated(12, 40, 0, "small"), generated(12, 30, 1, "small"),
)
SMALL_LIMIT = 25


def prepared(instance: Instance, **options: object) -> Prepared:
    """The instance encoded as ``match`` encodes it (default constraints unless ``options`` say otherwise)."""
    building, pool = instance.data()
    return prepare(building, pool, MatchOptions.model_validate(options))


def usable(prep: Prepared) -> int:
    return len(prep.problem.active)


def areas_of(prep: Prepared, programme: Programme) -> IntArray:
    """A programme's placements as the area matrix (items x floors, units) of ``prep``'s problem."""
    index = {c.id: i for i, c in enumerate(prep.pool)}
    column = {int(level): f for f, level in enumerate(prep.enc.levels.tolist())}
    unit = prep.problem.unit
    areas = np.zeros((prep.problem.n, prep.problem.m), dtype=np.int64)
    for cid, floors in programme.placements.items():
        for level, m2 in floors.items():
            areas[index[cid], column[int(level)]] = round(m2 / unit)
    return areas


def gap_percent(value: float | None, best: float | None) -> float | None:
    """100 (best - value) / |best|; negative when ``value`` beats the best known; None without both."""
    if value is None or best is None or best == 0:
        return None
    return 100.0 * (best - value) / abs(best)
