"""objectmatch: reposition vacant office buildings with tenant programmes that fit and connect.

The object (hard side: floors, technical limits, zoning, location) and a pool of
candidate users (soft side: flexible identities, values, behaviour, needs and
offers) go in; ranked tenant programmes, each with a checkable score breakdown,
come out.
"""

from __future__ import annotations

from objectmatch.assess import Assessment
from objectmatch.constraints import Constraints, check
from objectmatch.culture import IdentityNetwork, NeighbourhoodProfile
from objectmatch.datasets import load_example
from objectmatch.io import (
    candidates_from_frame,
    candidates_to_frame,
    read_building,
    read_candidates,
    write_building,
    write_candidates,
)
from objectmatch.models import Building, Candidate, Floor, Location
from objectmatch.results import MatchResult, MatchStatus, Programme, ScoreBreakdown
from objectmatch.schedule import opening_hours
from objectmatch.scoring import Weights, pairwise_scores, score
from objectmatch.solve import match
from objectmatch.vocabulary import Vocabulary, use_vocabulary

# Later modules add their exports to the sorted block above and to __all__ below.

_SUBMODULES = frozenset(
    {"assess", "culture", "datasets", "encode", "io", "location", "portfolio", "report", "scoring", "strategies"}
)


def __getattr__(name: str) -> object:
    # Submodules load on first use (``objectmatch.report`` pulls in matplotlib), so that
    # ``import objectmatch`` stays light and ``objectmatch.assess.profile(...)`` still works.
    if name in _SUBMODULES:
        import importlib

        return importlib.import_module(f"objectmatch.{name}")
    raise AttributeError(f"module 'objectmatch' has no attribute {name!r}")

__version__ = "0.1.0"

__all__ = [
    "Assessment",
    "Building",
    "Candidate",
    "Constraints",
    "Floor",
    "IdentityNetwork",
    "Location",
    "MatchResult",
    "MatchStatus",
    "NeighbourhoodProfile",
    "Programme",
    "ScoreBreakdown",
    "Vocabulary",
    "Weights",
    "__version__",
    "candidates_from_frame",
    "candidates_to_frame",
    "check",
    "load_example",
    "match",
    "opening_hours",
    "pairwise_scores",
    "read_building",
    "read_candidates",
    "score",
    "use_vocabulary",
    "write_building",
    "write_candidates",
]
