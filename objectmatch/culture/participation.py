"""The neighbourhood's own voice: a participation round, aggregated without singling anyone out.

The connected-identity method ends on what it still lacked (DESIGN §1, *co-creation*): a
positioned object sits in an existing network, and that network should take part in the
redevelopment. A :class:`Participation` holds the responses of a participation round (what
people around the building wish for, object to and would help run), reports them only as
aggregates of at least ``min_count`` respondents, and gives the figures the score, the SWOT and
the outreach read. Formulas and a worked example: ``docs/culture.md``, section "Participation".
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from pydantic import Field, field_validator, model_validator

from objectmatch.culture._common import _Model
from objectmatch.culture._participation_table import parse_frame, responses_frame
from objectmatch.culture._response import (
    ALL_ROLES,
    PARTICIPATION_ROLES,
    ParticipationResponse,
    role_tag,
    unknown_role,
)
from objectmatch.culture._tags import Side, free_tag, match_rows, tags_match
from objectmatch.models import Candidate, TagWeights
from objectmatch.vocabulary import Vocabulary, active_vocabulary

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "PARTICIPATION_ROLES",
    "Participation",
    "ParticipationResponse",
    "ParticipationStrengths",
    "VolunteerGroup",
    "example_participation",
    "read_participation",
    "write_participation",
]

_SIDES: tuple[Side, ...] = ("wish", "objection")
_FIELD: dict[Side, str] = {"wish": "wishes", "objection": "objections"}
SUPPORT_COLUMNS: tuple[str, ...] = ("tag", "kind", "side", "role", "respondents", "weight", "mean", "share", "strength")
VOLUNTEER_COLUMNS: tuple[str, ...] = ("activity", "initiative", "respondents")


def saturate(weight: float, saturation: float) -> float:
    """``1 - exp(-weight / saturation)``: the strength of a summed weight, in [0, 1)."""
    return -math.expm1(-weight / saturation)


class ParticipationStrengths(_Model):
    """What a participation round wants and does not want, as strengths in [0, 1] per tag.

    ``wish[t] = 1 - exp(-W_t / saturation)`` with ``W_t`` the sum of the respondents' wish weights
    for tag ``t``; ``objection`` the same for objections. Only tags named (with a positive weight)
    by at least ``min_count`` respondents appear. ``wish_respondents`` and ``objection_respondents``
    give those counts. Tags are sorted. Built by :meth:`Participation.strengths`.

    Examples
    --------
    >>> s = ParticipationStrengths(wish={"green": 0.5}, wish_respondents={"green": 6})
    >>> s.wish["green"], s.objection
    (0.5, {})
    """

    wish: TagWeights = Field(default_factory=dict, description="tag -> wish strength in [0, 1]")
    objection: TagWeights = Field(default_factory=dict, description="tag -> objection strength in [0, 1]")
    wish_respondents: dict[str, int] = Field(default_factory=dict, description="tag -> respondents who wish it")
    objection_respondents: dict[str, int] = Field(default_factory=dict, description="tag -> respondents objecting")

    @model_validator(mode="after")
    def _counts_match(self) -> ParticipationStrengths:
        for side in _SIDES:
            strengths, counts = getattr(self, side), getattr(self, f"{side}_respondents")
            if counts and set(counts) != set(strengths):
                raise ValueError(f"{side}_respondents must name the same tags as {side}")
        return self

    def match_matrix(self, candidates: Sequence[Candidate], side: Side) -> np.ndarray:
        """Candidates x this side's tags (in the order of ``self.wish`` or ``self.objection``): how
        strongly each candidate carries each tag, by :func:`~objectmatch.culture._tags.candidate_match`
        (its identity weight; 1 for its function, offers or matching activity; for objections also
        its needs). The one home of "which candidate meets which wish or objection"; each
        candidate's activity is read once, so a pool of 10,000 takes a fraction of a second.

        Examples
        --------
        >>> cafe = Candidate(id="c", name="Cafe", function="assembly", activity="cafe",
        ...                  identities={"food": 0.8}, area_min=50, area_max=100)
        >>> ParticipationStrengths(wish={"food": 0.9, "green": 0.5}).match_matrix([cafe], "wish")
        array([[0.8, 0. ]])
        """
        if side not in _SIDES:
            raise ValueError(f"side must be 'wish' or 'objection', got {side!r}")
        return match_rows(list(candidates), list(getattr(self, side)), side)


@dataclass(frozen=True)
class VolunteerGroup:
    """The volunteers for one activity: the initiatives they named and how many they are."""

    activity: str
    initiatives: tuple[str, ...]
    respondents: int


class Participation(_Model):
    """The responses of a participation round, validated, and their aggregates.

    ``responses`` holds one :class:`ParticipationResponse` per respondent (ids unique); ``roles``
    the roles respondents may answer in (default :data:`PARTICIPATION_ROLES`, from
    ``data/participation_roles.json``). No aggregate is reported from fewer than ``min_count``
    respondents, so that a small round cannot single anyone out. ``saturation`` is the summed
    weight at which a strength reaches ``1 - 1/e`` (about 0.63).

    Build it with :meth:`from_frame` or :func:`read_participation`; :meth:`to_frame` gives the
    table back. :meth:`support`, :meth:`volunteers`, :meth:`strengths` and :meth:`carries` read it.

    Examples
    --------
    >>> rows = [{"respondent": f"r{i}", "role": "resident", "wishes": {"green": 1.0}} for i in range(5)]
    >>> round(Participation(responses=rows).strengths().wish["green"], 4)   # 1 - exp(-5 / 10)
    0.3935
    >>> Participation(responses=rows[:4]).strengths().wish                  # 4 respondents: not reported
    {}
    """

    responses: tuple[ParticipationResponse, ...] = ()
    roles: tuple[str, ...] = Field(default=PARTICIPATION_ROLES, min_length=1, description="accepted roles")
    min_count: int = Field(default=5, ge=1, description="fewest respondents behind any reported figure")
    saturation: float = Field(default=10.0, gt=0, description="summed weight at which a strength is 1 - 1/e")

    @field_validator("roles", mode="before")
    @classmethod
    def _roles(cls, value: Any) -> Any:
        return _role_tags(value)

    @model_validator(mode="after")
    def _known_roles_unique_ids(self) -> Participation:
        problems: list[str] = []
        seen: set[str] = set()
        for i, response in enumerate(self.responses):
            why = unknown_role(response.role, self.roles)
            if why is not None:
                problems.append(f"responses[{i}] ({response.respondent!r}): {why}")
            if response.respondent in seen:
                problems.append(f"responses[{i}]: respondent id {response.respondent!r} answers twice")
            seen.add(response.respondent)
        if problems:
            raise ValueError("; ".join(problems))
        return self

    # -- tables ----------------------------------------------------------------------------------
    @classmethod
    def from_frame(
        cls,
        frame: pd.DataFrame,
        *,
        roles: Iterable[str] | None = None,
        min_count: int | None = None,
        saturation: float | None = None,
    ) -> Participation:
        """Validate a table of responses (layout: :mod:`objectmatch.culture._participation_table`).

        One row per response with columns ``respondent``, ``role`` (both needed), ``wishes`` and
        ``objections`` (``'green:1; food:0.5'``), ``helps`` (an activity) and ``initiative`` (its
        name). Every problem of every row is reported at once in one
        :class:`~objectmatch.io.InputError` (row, respondent, field, value); a column that records a
        fixed identity (age, gender, origin, religion, ...) is refused. ``roles``, ``min_count``
        and ``saturation`` default to those :meth:`to_frame` left in ``frame.attrs``, else to the
        class defaults. ``frame`` is not modified.

        Examples
        --------
        >>> import pandas as pd
        >>> frame = pd.DataFrame({"respondent": ["r1", "r2"], "role": ["resident", "worker"],
        ...                       "wishes": ["green:1; food:0,5", "food"], "age": ["34", "51"]})
        >>> Participation.from_frame(frame)
        Traceback (most recent call last):
        ...
        objectmatch.io.InputError: 1 error in participation:
          field 'age': column 'age' describes age group, a fixed identity ...
        >>> p = Participation.from_frame(frame.drop(columns="age"))
        >>> p.responses[0].wishes, Participation.from_frame(p.to_frame()) == p
        ({'green': 1.0, 'food': 0.5}, True)
        """
        attrs = getattr(frame, "attrs", {}) or {}
        settings: dict[str, Any] = {
            "roles": tuple(roles) if roles is not None else attrs.get("roles", PARTICIPATION_ROLES),
            "min_count": min_count if min_count is not None else attrs.get("min_count", 5),
            "saturation": saturation if saturation is not None else attrs.get("saturation", 10.0),
        }
        accepted = _role_tags(settings["roles"])  # the role rule, applied before any row is read
        responses = parse_frame(frame, accepted)
        return cls(responses=tuple(responses), **{**settings, "roles": accepted})

    def to_frame(self) -> pd.DataFrame:
        """The responses as the flat table :meth:`from_frame` reads (text cells, empty ``''``); the
        settings in ``frame.attrs``, so that ``Participation.from_frame(p.to_frame()) == p``."""
        frame = responses_frame(self.responses)
        frame.attrs.update({"roles": list(self.roles), "min_count": self.min_count, "saturation": self.saturation})
        return frame

    @property
    def respondents(self) -> int:
        """How many responses the round holds (no ``__len__``: an empty round is still a round, not falsy)."""
        return len(self.responses)

    def __iter__(self) -> Iterator[ParticipationResponse]:  # type: ignore[override]
        return iter(self.responses)

    # -- aggregates --------------------------------------------------------------------------------
    def _weights(self, side: Side) -> dict[tuple[str, str], list[float]]:
        """(role, tag) -> the positive weights respondents of that role gave tag (one each)."""
        out: dict[tuple[str, str], list[float]] = {}
        for response in self.responses:
            for tag, weight in getattr(response, _FIELD[side]).items():
                if weight > 0:
                    out.setdefault((response.role, tag), []).append(weight)
        return out

    def _overall(self, side: Side) -> dict[str, list[float]]:
        """tag -> the positive weights of every respondent who named it (one each)."""
        out: dict[str, list[float]] = {}
        for response in self.responses:
            for tag, weight in getattr(response, _FIELD[side]).items():
                if weight > 0:
                    out.setdefault(tag, []).append(weight)
        return out

    def strengths(self) -> ParticipationStrengths:
        """Wish and objection strength per tag: ``1 - exp(-W_t / saturation)``, ``W_t`` the (exactly
        rounded) sum of the respondents' weights for ``t``; only tags with at least ``min_count``
        respondents. This is what the score's ``support`` term reads.

        Adding a response that wishes for a tag never lowers any wish strength and leaves every
        objection strength as it was (and the other way round): ``W_t`` only grows, the count
        behind it only grows, and no figure is divided by the size of the round.

        Examples
        --------
        >>> rows = [{"respondent": f"r{i}", "role": "resident", "objections": {"nightlife": 0.5}} for i in range(6)]
        >>> s = Participation(responses=rows).strengths()
        >>> round(s.objection["nightlife"], 4), s.objection_respondents   # 1 - exp(-3 / 10)
        (0.2592, {'nightlife': 6})
        """
        data: dict[str, dict[str, Any]] = {}
        for side in _SIDES:
            kept = {t: w for t, w in sorted(self._overall(side).items()) if len(w) >= self.min_count}
            data[side] = {t: saturate(math.fsum(w), self.saturation) for t, w in kept.items()}
            data[f"{side}_respondents"] = {t: len(w) for t, w in kept.items()}
        return ParticipationStrengths(**data)

    def support(self, vocabulary: Vocabulary | None = None) -> pd.DataFrame:
        """Support and objection per tag, overall (role ``'all'``) and per role, one figure a row.

        For a group ``G`` of respondents (all, or one role), a side (``'wish'`` or ``'objection'``)
        and a tag ``t``, with ``R`` the respondents of ``G`` who gave ``t`` a positive weight
        ``w_r``: ``respondents = |R|``, ``weight = sum_R w_r``, ``mean = weight / |R|``,
        ``share = |R| / |G|`` and ``strength = 1 - exp(-weight / saturation)``. ``kind`` says what
        the tag is in ``vocabulary`` (default: the active one): identity, function, need_offer
        or activity (anything else).

        A row from fewer than ``min_count`` respondents is left out. So is, where needed, the
        smallest reported role of a tag, until what the left-out roles hold together (overall
        minus the reported roles) is either nobody or at least ``min_count`` respondents: no
        figure can be worked out by subtraction from fewer than ``min_count`` people either.

        Examples
        --------
        >>> rows = [{"respondent": f"r{i}", "role": "resident" if i < 6 else "worker",
        ...          "wishes": {"green": 1.0}} for i in range(8)]
        >>> Participation(responses=rows).support()[["tag", "role", "respondents", "weight", "share"]]
             tag     role  respondents  weight  share
        0  green      all            8     8.0    1.0
        """
        vocab = vocabulary or active_vocabulary()
        rows: list[dict[str, Any]] = []
        for side in _SIDES:
            by_role = self._weights(side)
            for tag, weights in self._overall(side).items():
                if len(weights) < self.min_count:
                    continue
                counts = {role: len(by_role.get((role, tag), ())) for role in self.roles}
                groups = [ALL_ROLES, *self._reported_roles(len(weights), counts)]
                for group in groups:
                    ws = weights if group == ALL_ROLES else by_role[(group, tag)]
                    rows.append(self._support_row(tag, side, group, ws, vocab))
        return _support_frame(rows, self.roles)

    def _reported_roles(self, total: int, counts: dict[str, int]) -> list[str]:
        """The roles whose figure for a tag may be shown (primary and secondary suppression)."""
        shown = [role for role, n in counts.items() if n >= self.min_count]
        hidden = total - sum(counts[role] for role in shown)
        while shown and 0 < hidden < self.min_count:
            smallest = min(shown, key=lambda role: (counts[role], -self.roles.index(role)))
            shown.remove(smallest)
            hidden += counts[smallest]
        return shown

    def _group_size(self, group: str) -> int:
        return len(self.responses) if group == ALL_ROLES else sum(r.role == group for r in self.responses)

    def _support_row(self, tag: str, side: Side, group: str, weights: list[float], vocab: Vocabulary) -> dict[str, Any]:
        total = math.fsum(weights)
        return {
            "tag": tag,
            "kind": _kind(tag, vocab),
            "side": side,
            "role": group,
            "respondents": len(weights),
            "weight": total,
            "mean": total / len(weights),
            "share": len(weights) / self._group_size(group),
            "strength": saturate(total, self.saturation),
        }

    def volunteer_groups(self) -> tuple[VolunteerGroup, ...]:
        """The activities at least ``min_count`` respondents offered to help run, most volunteers first."""
        by_activity: dict[str, list[str | None]] = {}
        for response in self.responses:
            if response.helps is not None:
                by_activity.setdefault(response.helps, []).append(response.initiative)
        groups = [
            VolunteerGroup(activity, tuple(sorted({n for n in names if n is not None})), len(names))
            for activity, names in by_activity.items()
            if len(names) >= self.min_count
        ]
        return tuple(sorted(groups, key=lambda g: (-g.respondents, g.activity)))

    def volunteers(self) -> pd.DataFrame:
        """Pioneers-to-be: per activity that at least ``min_count`` respondents offered to help run,
        the initiatives they named (joined by ``'; '``; names offered publicly may be shown) and how
        many they are. Respondent ids are never shown.

        Examples
        --------
        >>> rows = [{"respondent": f"r{i}", "role": "resident", "helps": "Community kitchen",
        ...          "initiative": "Buurtkeuken" if i == 0 else None} for i in range(5)]
        >>> Participation(responses=rows).volunteers()
                     activity   initiative  respondents
        0  community_kitchen  Buurtkeuken            5
        """
        import pandas as pd

        rows = [[g.activity, "; ".join(g.initiatives), g.respondents] for g in self.volunteer_groups()]
        frame = pd.DataFrame(rows, columns=list(VOLUNTEER_COLUMNS))
        return frame.astype({"activity": object, "initiative": object, "respondents": "int64"})

    def carries(self, activity: str) -> bool:
        """Whether volunteers of this round (an activity with at least ``min_count`` of them) would
        help run ``activity``: the tags are equal or the words of one contain the other's.

        Examples
        --------
        >>> rows = [{"respondent": f"r{i}", "role": "resident", "helps": "community kitchen"} for i in range(5)]
        >>> p = Participation(responses=rows)
        >>> p.carries("Community kitchen"), p.carries("kitchen"), p.carries("bakery")
        (True, True, False)
        """
        try:
            tag = free_tag(activity)
        except ValueError as exc:
            raise ValueError(f"activity: {exc}") from None
        return any(tags_match(group.activity, tag) for group in self.volunteer_groups())

    def carried_by(self, activity: str) -> tuple[VolunteerGroup, ...]:
        """The volunteer groups (``min_count`` respected) that would help run ``activity``."""
        tag = free_tag(activity)
        return tuple(g for g in self.volunteer_groups() if tags_match(g.activity, tag))


def _role_tags(value: Any) -> Any:
    """Role names as tags, none repeated (the rule of :attr:`Participation.roles`)."""
    if isinstance(value, str):
        raise ValueError(f"roles must be a list of role names, not the string {value!r}")
    if not isinstance(value, Iterable):
        return value
    tags = [role_tag(role) for role in value]
    repeated = sorted({t for t in tags if tags.count(t) > 1})
    if repeated:
        raise ValueError(f"roles repeat {repeated}")
    return tuple(tags)


def _kind(tag: str, vocabulary: Vocabulary) -> Literal["identity", "function", "need_offer", "activity"]:
    if tag in vocabulary.identities:
        return "identity"
    if tag in vocabulary.functions:
        return "function"
    if tag in vocabulary.needs_offers:
        return "need_offer"
    return "activity"


def _support_frame(rows: list[dict[str, Any]], roles: Sequence[str]) -> pd.DataFrame:
    import pandas as pd

    order = {role: i for i, role in enumerate((ALL_ROLES, *roles))}
    rows.sort(key=lambda r: (r["side"] != "wish", order[r["role"]], -r["weight"], r["tag"]))
    frame = pd.DataFrame(rows, columns=list(SUPPORT_COLUMNS))
    types = {c: object for c in ("tag", "kind", "side", "role")}
    return frame.astype({**types, "respondents": "int64", "weight": float, "mean": float, "share": float,
                         "strength": float})


# -- files -------------------------------------------------------------------------------------------


def read_participation(
    path: str | os.PathLike[str],
    *,
    roles: Iterable[str] | None = None,
    min_count: int | None = None,
    saturation: float | None = None,
    suffix: str | None = None,
) -> Participation:
    """Read a participation round from a file: :func:`objectmatch.io.read_participation`, here too.

    Any suffix of ``objectmatch.io.formats()["participation"]`` (``.json``, ``.csv``, ``.tsv``,
    ``.parquet``, ``.xlsx``), read through the one I/O registry, with the same errors; the
    keyword arguments are those of :meth:`Participation.from_frame` and ``suffix``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "round.parquet"
    >>> write_participation(example_participation(), path)
    >>> read_participation(path) == example_participation()
    True
    """
    from objectmatch.io import read_participation as read  # lazily: the I/O layer loads pandas

    return read(path, roles=roles, min_count=min_count, saturation=saturation, suffix=suffix)


def write_participation(
    participation: Participation, path: str | os.PathLike[str], *, suffix: str | None = None
) -> None:
    """Write the responses to ``path``, atomically: :func:`objectmatch.io.write_participation`, here too.

    The settings (``roles``, ``min_count``, ``saturation``) are not stored in the file: pass them
    to :func:`read_participation` when they differ from the defaults.
    """
    from objectmatch.io import write_participation as write

    write(participation, path, suffix=suffix)


def example_participation() -> Participation:
    """The synthetic participation round of the bundled Sloterdijk example.

    ``data/example_participation.csv``, made by ``scripts/make_example_participation.py``:
    invented answers, plausible for the office area by Amsterdam Sloterdijk station and the
    neighbourhoods next to it (see ``docs/culture.md``). Not a survey of real people.

    Examples
    --------
    >>> p = example_participation()
    >>> p.respondents, p.min_count
    (320, 5)
    """
    path = resources.files("objectmatch").joinpath("data", "example_participation.csv")
    with resources.as_file(path) as file:
        return read_participation(file)
