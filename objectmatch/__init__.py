"""objectmatch: reposition vacant office buildings with tenant programmes that fit, pay and connect.

The object (hard side: floors, technical limits, zoning, location) and a pool of candidate users
(soft side: flexible identities, values, behaviour, needs and offers, budget) go in; ranked tenant
programmes, each with a checkable score breakdown and its rent roll, come out.

Every public name loads on first use, so ``import objectmatch`` stays light: the solver (OR-Tools),
the reports (matplotlib, rich), Parquet (pyarrow), the network picture (networkx), neighbour search
(scikit-learn), the portfolio's Dask backend and the hypothesis strategies load only when used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from objectmatch._version import __version__

if TYPE_CHECKING:  # pragma: no cover
    from objectmatch.assess import Assessment
    from objectmatch.constraints import Constraints, Violation, check
    from objectmatch.culture import IdentityNetwork, NeighbourhoodProfile, Participation
    from objectmatch.datasets import load_example
    from objectmatch.io import read_building, read_candidates, read_result, write_building, write_candidates
    from objectmatch.models import Building, Candidate, Floor, Location
    from objectmatch.options import MatchOptions
    from objectmatch.results import MatchResult, MatchStatus, Programme, Scenario, ScenarioSet, ScoreBreakdown
    from objectmatch.schedule import opening_hours
    from objectmatch.scoring import ScoreModel, Weights, pairwise_scores, score
    from objectmatch.solve import match, scenarios
    from objectmatch.vocabulary import Vocabulary, use_vocabulary

#: Public name -> the module that defines it.
_NAMES: dict[str, str] = {
    "Assessment": "assess",
    "Building": "models",
    "Candidate": "models",
    "Constraints": "constraints",
    "Floor": "models",
    "IdentityNetwork": "culture",
    "Location": "models",
    "MatchOptions": "options",
    "MatchResult": "results",
    "MatchStatus": "results",
    "NeighbourhoodProfile": "culture",
    "Participation": "culture",
    "Programme": "results",
    "Scenario": "results",
    "ScenarioSet": "results",
    "ScoreBreakdown": "results",
    "ScoreModel": "scoring",
    "Violation": "constraints",
    "Vocabulary": "vocabulary",
    "Weights": "scoring",
    "check": "constraints",
    "load_example": "datasets",
    "match": "solve",
    "opening_hours": "schedule",
    "pairwise_scores": "scoring",
    "read_building": "io",
    "read_candidates": "io",
    "read_result": "io",
    "scenarios": "solve",
    "score": "scoring",
    "use_vocabulary": "vocabulary",
    "write_building": "io",
    "write_candidates": "io",
}
#: Submodules reachable as attributes (``objectmatch.assess.profile(...)``).
_SUBMODULES = frozenset(
    {"assess", "constraints", "culture", "datasets", "io", "location", "options", "portfolio", "report", "results",
     "scoring", "strategies", "testing", "vocabulary"}
)


def __getattr__(name: str) -> Any:
    if name in _NAMES:
        value = getattr(importlib.import_module(f"objectmatch.{_NAMES[name]}"), name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f"objectmatch.{name}")
    raise AttributeError(f"module 'objectmatch' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_NAMES, *_SUBMODULES})


__all__ = [
    "Assessment",
    "Building",
    "Candidate",
    "Constraints",
    "Floor",
    "IdentityNetwork",
    "Location",
    "MatchOptions",
    "MatchResult",
    "MatchStatus",
    "NeighbourhoodProfile",
    "Participation",
    "Programme",
    "Scenario",
    "ScenarioSet",
    "ScoreBreakdown",
    "ScoreModel",
    "Violation",
    "Vocabulary",
    "Weights",
    "__version__",
    "check",
    "load_example",
    "match",
    "opening_hours",
    "pairwise_scores",
    "read_building",
    "read_candidates",
    "read_result",
    "scenarios",
    "score",
    "use_vocabulary",
    "write_building",
    "write_candidates",
]
