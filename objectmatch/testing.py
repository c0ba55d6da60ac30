"""Checks and strategies for testing pipelines built on objectmatch (the ``objectmatch[testing]`` extra).

:func:`assert_valid_result` is the check the project's own tests run on every match: in the spirit
of scikit-learn's ``check_estimator``, it states what must hold of any result, so a pipeline of
your own (other weights, another vocabulary, a wrapper around :func:`objectmatch.match`) can be
property-tested against the same contract. The hypothesis strategies of :mod:`objectmatch.strategies`
are re-exported here (they need ``hypothesis``: ``pip install "objectmatch[testing]"``).

Examples
--------
>>> import objectmatch as om
>>> from objectmatch.testing import assert_valid_result
>>> result = om.match(*om.load_example(), k=2, time_limit=1)
>>> assert_valid_result(result)
"""

from __future__ import annotations

import math
from typing import Any

from objectmatch.results import MatchResult, Programme, ScenarioSet

__all__ = ["assert_valid_programme", "assert_valid_result", "assert_valid_scenarios"]

_STRATEGIES = frozenset(
    {"buildings", "candidate_pools", "candidates", "floors", "ids", "locations", "names", "schedules", "tag_sets",
     "tag_weights"}
)


def __getattr__(name: str) -> Any:
    if name in _STRATEGIES:
        from objectmatch import strategies

        return getattr(strategies, name)
    raise AttributeError(f"module 'objectmatch.testing' has no attribute {name!r}")


def _close(a: float, b: float, tol: float = 1e-9) -> bool:
    return abs(a - b) <= tol * max(1.0, abs(a), abs(b))


def assert_valid_programme(result: MatchResult | ScenarioSet, programme: Programme) -> None:
    """One programme of ``result`` meets every hard constraint, scores what it says, and its figures add up.

    Checked: ``result.check(programme) == []``; ``result.score(programme).total == programme.score``; every
    component in [0, 1]; ``total == sum(weights x components)``; the rent roll sums to ``annual_rent``;
    agreed rents are never above asking; occupancy and function areas match the placements; areas are
    whole multiples of the area step.
    """
    violations = result.check(programme)
    assert violations == [], f"programme {programme.rank} breaks hard constraints: {violations}"
    rescored = result.score(programme)
    assert rescored.total == programme.score, f"score() gives {rescored.total!r}, programme says {programme.score!r}"
    b = programme.breakdown
    for name, value in b.components.items():
        assert -1e-12 <= value <= 1 + 1e-12, f"component {name} = {value!r} is outside [0, 1]"
    total = math.fsum(b.weights[k] * v for k, v in b.components.items())
    assert _close(total, b.total), f"total {b.total!r} is not the weighted sum of its components ({total!r})"
    roll = programme.rent_roll
    assert _close(float(roll["annual_rent"].sum()), programme.annual_rent), "the rent roll does not sum to annual_rent"
    assert (roll["agreed_rent"] <= roll["asking_rent"] + 1e-9).all(), "a tenant pays more than the asking rent"
    let = math.fsum(a for fl in programme.placements.values() for a in fl.values())
    assert _close(let, math.fsum(programme.function_areas.values())), "function areas do not add up to the let area"
    assert _close(programme.occupancy, let / result.building.lettable_area), "occupancy does not match the placements"
    step = result.options.area_step
    assert all(float(a / step).is_integer() for fl in programme.placements.values() for a in fl.values()), (
        f"an area is not a whole multiple of area_step {step}"
    )


def _overlap_share(a: Programme, b: Programme) -> float:
    shared = math.fsum(
        min(area, b.placements.get(cid, {}).get(lvl, 0.0))
        for cid, fl in a.placements.items()
        for lvl, area in fl.items()
    )
    return shared / max(a.area, b.area, 1.0)


def assert_valid_result(result: MatchResult) -> None:
    """Everything that must hold of a match result (see the module docstring).

    Every programme passes :func:`assert_valid_programme`; ranks run 1..k, best first; at most ``k``
    programmes, differing pairwise in at least ``min_difference`` of the let area; a status that agrees
    with what came back (an optimal status has a gap of 0, an infeasible one no programmes and a
    reason); and the result serialises to JSON and loads back equal.
    """
    opts = result.options
    assert len(result.programmes) <= opts.k, f"{len(result.programmes)} programmes, more than k = {opts.k}"
    for rank, p in enumerate(result.programmes, start=1):
        assert p.rank == rank, f"programme {rank} has rank {p.rank}"
        assert_valid_programme(result, p)
    scores = [p.score for p in result.programmes]
    assert scores == sorted(scores, reverse=True), f"programmes are not best first: {scores}"
    for i, a in enumerate(result.programmes):
        for b in result.programmes[i + 1 :]:
            same = _overlap_share(a, b)
            assert 1 - same >= opts.min_difference - 1e-9, (
                f"programmes {a.rank} and {b.rank} differ in {1 - same:.1%} of the let area, "
                f"less than min_difference {opts.min_difference:.0%}"
            )
    status = result.status
    if status.code == "infeasible":
        assert not result.programmes and status.reasons, "an infeasible status must come with reasons and no programme"
    else:
        assert result.programmes, f"status {status.code} but no programme"
    if status.code == "optimal" and status.gap is not None:
        assert status.gap == 0.0, f"an optimal status with gap {status.gap}"
    again = type(result).model_validate_json(result.model_dump_json())
    assert again == result, "the result does not load back equal from JSON"


def assert_valid_scenarios(scenarios: ScenarioSet) -> None:
    """Every scenario's programme is valid and led by its function (it holds the largest area)."""
    for s in scenarios:
        if s.programme is None:
            assert s.status.code == "infeasible", f"scenario {s.lead}: no programme but status {s.status.code}"
            continue
        assert_valid_programme(scenarios, s.programme)
        areas = s.programme.function_areas
        assert areas.get(s.lead, 0.0) >= max(areas.values()) - 1e-9, f"scenario {s.lead} is not led by {s.lead}"
