"""One matching problem in arrays: the scorer, the constraints and the candidates still in play.

The heuristic search, the exact CP-SAT model and the infeasibility explanation all
read this one structure, so they agree on what is allowed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from objectmatch.constraints import Constraints
from objectmatch.encode import BoolArray, Encoded, FloatArray, IntArray
from objectmatch.models import Candidate
from objectmatch.scoring import Scorer

__all__ = ["Problem"]


@dataclass(frozen=True, eq=False)
class Problem:
    """The arrays every solver shares.

    ``candidates`` are sorted by id (so the answer does not depend on the order given);
    ``active`` are the rows that may be placed at all (a feasible floor, not excluded);
    ``must`` the rows that must be placed; ``forbidden_pairs`` the pairs that may not both
    be placed (``Constraints.incompatible`` and ``Candidate.incompatible``).
    """

    candidates: tuple[Candidate, ...]
    scorer: Scorer
    constraints: Constraints
    active: IntArray
    must: IntArray
    forbidden_pairs: IntArray
    conflict_pairs: IntArray

    @classmethod
    def build(cls, candidates: Sequence[Candidate], scorer: Scorer, constraints: Constraints) -> Problem:
        enc = scorer.enc
        index = enc.pool.index()
        excluded = np.array([cid in constraints.exclude for cid in enc.pool.ids], dtype=bool)
        active = np.flatnonzero(enc.mask.any(axis=1) & ~excluded)
        must = np.array(sorted(index[c] for c in constraints.must_include if c in index), dtype=np.int64)
        pairs = {tuple(p) for p in enc.pool.incompatible_pairs.tolist()}
        for a, b in constraints.incompatible:
            if a in index and b in index:
                i, j = sorted((index[a], index[b]))
                pairs.add((i, j))
        forbidden = np.array(sorted(pairs), dtype=np.int64).reshape(-1, 2)
        conflict = scorer.conflict
        iu, ju = np.nonzero(np.triu(conflict, 1) > 0)
        keep = ~_pair_in(iu, ju, forbidden)
        conflict_pairs = np.stack([iu[keep], ju[keep]], axis=1).astype(np.int64)
        return cls(tuple(candidates), scorer, constraints, active, must, forbidden, conflict_pairs)

    @property
    def enc(self) -> Encoded:
        return self.scorer.enc

    @property
    def n(self) -> int:
        return self.enc.n

    @property
    def m(self) -> int:
        return self.enc.m

    def required_area(self) -> float:
        """The m² that min_occupancy asks for."""
        return self.constraints.min_occupancy * self.enc.lettable_area

    def affinity(self) -> FloatArray:
        """Signed weighted pair matrix of the non-gated pairwise terms (already times s_i s_j)."""
        return self.scorer.affinity

    def conflict_weighted(self) -> FloatArray:
        """What a conflict between i and j costs at most when they become neighbours (positive
        numbers): ``w_conflict * K_ij * (s_i + s_j)``, both tenants' shares at the conflict's level."""
        s = self.scorer.share
        return np.asarray(self.scorer.weights.conflict * self.scorer.conflict * (s[:, None] + s[None, :]))

    def heart_eligible(self) -> BoolArray:
        pool = self.enc.pool
        return np.asarray(pool.pioneer | pool.public)


def _pair_in(i: IntArray, j: IntArray, pairs: IntArray) -> BoolArray:
    if len(pairs) == 0 or len(i) == 0:
        return np.zeros(len(i), dtype=bool)
    key = i.astype(np.int64) * (1 << 32) + j
    pkey = pairs[:, 0] * (1 << 32) + pairs[:, 1]
    return np.isin(key, pkey)

