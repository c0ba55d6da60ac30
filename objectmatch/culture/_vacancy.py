"""Who of the pool could come into a programme's vacant space, read from the one rule that says so.

The rule (a floor run the candidate may use under the constraints, room for its ``area_min`` there,
no floor it would have to share against the exclusive-function rule) lives in
:func:`objectmatch._explain.vacancy_reasons`; SWOT and outreach only read its verdicts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import cached_property

from objectmatch.constraints import Constraints
from objectmatch.models import Building, Candidate

#: (candidate id, why it cannot come in)
Blocked = tuple[tuple[str, str], ...]


def check_vacancy_inputs(constraints: Constraints | Mapping[str, object] | None, assess: bool) -> Constraints:
    """The constraints to judge vacant space under (default ``Constraints()``; a dict is validated as
    :class:`Constraints`, as :func:`objectmatch.match` takes it); refuse wrong types."""
    if isinstance(constraints, Mapping):
        constraints = Constraints.model_validate(constraints)
    if constraints is not None and not isinstance(constraints, Constraints):
        raise TypeError(f"constraints must be a Constraints or None, got {type(constraints).__name__}")
    if not isinstance(assess, bool):
        raise TypeError(f"assess must be True or False, got {assess!r}")
    return constraints if constraints is not None else Constraints()


class Vacancy:
    """The verdicts of :func:`~objectmatch._explain.vacancy_reasons` for a pool and a programme's
    placements, asked once and only when needed: ``now`` for the space the programme leaves,
    ``if_free`` for the building with nothing let (who would be next in line)."""

    def __init__(
        self,
        building: Building,
        pool: Sequence[Candidate],
        placements: Mapping[str, Mapping[int, float]],
        *,
        constraints: Constraints,
        assess: bool,
    ) -> None:
        self._building = building
        self._pool = tuple(pool)
        self._placements = placements
        self._constraints = constraints
        self._assess = assess

    def _reasons(self, placements: Mapping[str, Mapping[int, float]]) -> dict[str, str | None]:
        from objectmatch._explain import vacancy_reasons  # _explain imports the results, which import this package

        if not any(c.id not in placements for c in self._pool):
            return {}
        return vacancy_reasons(
            self._building, self._pool, placements, constraints=self._constraints, assess=self._assess
        )

    @cached_property
    def now(self) -> dict[str, str | None]:
        """Per candidate not placed: ``None`` if it could come into the vacant space, else why not."""
        return self._reasons(self._placements)

    @cached_property
    def if_free(self) -> dict[str, str | None]:
        """Per candidate: ``None`` if it could come in were nothing let, else why not."""
        return self._reasons({})

    def split(self, ids: Iterable[str], limit: int, *, if_free: bool = False) -> tuple[tuple[str, ...], Blocked]:
        """The first ``limit`` of ``ids`` (best first) that could come in, and the first ``limit`` that
        could not, each with its reason."""
        verdict = self.if_free if if_free else self.now
        ids = list(ids)
        judged = [cid for cid in ids if cid in verdict]  # placed tenants get no verdict
        placeable = tuple(cid for cid in judged if verdict[cid] is None)[:limit]
        blocked = tuple((cid, reason) for cid in judged if (reason := verdict[cid]) is not None)[:limit]
        return placeable, blocked
