"""objectmatch: reposition vacant office buildings with tenant programmes that fit and connect.

The object (hard side: floors, technical limits, zoning, location) and a pool of
candidate users (soft side: flexible identities, values, behaviour, needs and
offers) go in; ranked tenant programmes, each with a checkable score breakdown,
come out.
"""

from __future__ import annotations

from objectmatch.constraints import Constraints, check
from objectmatch.models import Building, Candidate, Floor, Location
from objectmatch.results import MatchResult, MatchStatus, Programme, ScoreBreakdown
from objectmatch.schedule import opening_hours
from objectmatch.vocabulary import Vocabulary, use_vocabulary

# -- exports added by later modules (one line each) --------------------------------

__version__ = "0.1.0"

__all__ = [
    "Building",
    "Candidate",
    "Constraints",
    "Floor",
    "Location",
    "MatchResult",
    "MatchStatus",
    "Programme",
    "ScoreBreakdown",
    "Vocabulary",
    "__version__",
    "check",
    "opening_hours",
    "use_vocabulary",
]
