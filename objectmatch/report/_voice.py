"""The co-creation section: what the neighbourhood asked for in its participation round, and what the
best programme gives (wishes met, objections touched, volunteers involved).

Only the round's aggregates are shown (:meth:`Participation.strengths` and
:meth:`Participation.volunteer_groups` leave out every group smaller than its ``min_count``), and
which tenant meets which wish is the round's own rule (:meth:`ParticipationStrengths.match_matrix`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from objectmatch.report._common import Source, label
from objectmatch.report.document import Block, Heading, Paragraph, Row, Section, Table, Tone

if TYPE_CHECKING:  # pragma: no cover
    from objectmatch.culture import Participation
    from objectmatch.results import Programme

__all__ = ["TITLE", "participation_section"]

TITLE = "What the neighbourhood asked for, and what this programme gives"
#: Tenants named per wish or objection (the rest are counted).
NAMED = 4


def _names(names: Sequence[str]) -> str:
    shown = list(names[:NAMED])
    if len(names) > NAMED:
        shown.append(f"and {len(names) - NAMED} more")
    return ", ".join(shown)


def _side(source: Source, programme: Programme, round_: Participation, side: str) -> tuple[Table, int, int]:
    """The wishes (or objections) of the round, and the tenants who carry each; how many are carried."""
    strengths = round_.strengths()
    tags = list(strengths.wish if side == "wish" else strengths.objection)
    counts = strengths.wish_respondents if side == "wish" else strengths.objection_respondents
    values = strengths.wish if side == "wish" else strengths.objection
    tenants = [c for cid in programme.tenants if (c := source.candidate(cid)) is not None]
    matrix = strengths.match_matrix(tenants, side)  # type: ignore[arg-type]
    rows = []
    for j, tag in sorted(enumerate(tags), key=lambda jt: (-values[jt[1]], jt[1])):
        order = sorted((i for i in range(len(tenants)) if matrix[i, j] > 0), key=lambda i: -matrix[i, j])
        who = _names([tenants[i].name for i in order])
        none = "not met" if side == "wish" else "untouched"
        tone: Tone = ("good" if side == "wish" else "warn") if order else ""
        rows.append(Row((tag, str(counts.get(tag, "")), f"{values[tag]:.2f}", who or none), tone=tone))
    head = ("wish" if side == "wish" else "objection", "respondents", "strength",
            "met by" if side == "wish" else "touched by")
    carried = sum(1 for r in rows if r.tone)
    return Table(head, tuple(rows), "lrrl"), carried, len(rows)


def _carried(source: Source, programme: Programme, round_: Participation) -> tuple[str, ...]:
    """The tenants a volunteer group would help run: the programme's own list when it was scored with this round."""
    if round_ == source.result.options.participation:
        return programme.carried
    return tuple(cid for cid in programme.tenants
                 if (c := source.candidate(cid)) is not None and round_.carries(c.activity))


def _volunteers(source: Source, programme: Programme, round_: Participation) -> tuple[Table, int, int]:
    through: dict[str, list[str]] = {}
    for cid in _carried(source, programme, round_):
        c = source.candidate(cid)
        for group in round_.carried_by(c.activity) if c is not None else ():
            through.setdefault(group.activity, []).append(source.name(cid))
    groups = round_.volunteer_groups()
    rows = tuple(Row((g.activity, str(g.respondents), "; ".join(g.initiatives),
                      _names(through.get(g.activity, [])) or "not in this programme"),
                     tone="good" if g.activity in through else "") for g in groups)
    return (Table(("volunteers for", "respondents", "initiatives", "involved through"), rows, "lrll"),
            sum(1 for g in groups if g.activity in through), len(groups))


def participation_section(source: Source) -> Section | None:
    """Wishes met, objections touched and volunteers involved by the best programme; None without a round."""
    round_ = source.participation
    if round_ is None or not source.programmes:
        return None
    p = source.programmes[0]
    wishes, met, n_wishes = _side(source, p, round_, "wish")
    objections, touched, n_objections = _side(source, p, round_, "objection")
    volunteers, involved, n_groups = _volunteers(source, p, round_)
    summary = (f"A participation round of {round_.respondents} respondents; figures only for groups of at least "
               f"{round_.min_count}. Programme {label(p, 1)} meets {met} of the {n_wishes} wishes, touches {touched} "
               f"of the {n_objections} objections and involves {involved} of the {n_groups} volunteer groups.")
    blocks: list[Block] = [Paragraph(summary), Heading("Wishes"), wishes, Heading("Objections"), objections,
                           Heading("Volunteers"), volunteers]
    return Section("participation", TITLE, tuple(blocks))
