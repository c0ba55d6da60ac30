"""Sections of a report about the whole result: the object, the status, the programmes at a glance,
the score breakdown, why one programme beats the next, who was left out, and the identity network."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING

from objectmatch.report._common import Source, euros, labels, m2, num, signed
from objectmatch.report.document import Heading, ItemList, Paragraph, Picture, Row, Section, Table, Tone
from objectmatch.report.tables import breakdown_table

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from objectmatch.results import MatchStatus

__all__ = ["breakdown", "comparison", "glance", "left_out", "network", "overview", "status"]


def overview(source: Source) -> Section:
    """The object and the pool in one paragraph."""
    b = source.building
    rents = [b.rent(lv) for lv in b.levels]
    asking = f"{min(rents):,.0f}" if min(rents) == max(rents) else f"{min(rents):,.0f}-{max(rents):,.0f}"
    found = len(source.result.programmes)
    shown = f"; {found} programmes found, the best {len(source.programmes)} shown" if found else ""
    text = (f"{len(b.floors)} floors, {m2(b.lettable_area)} m² lettable, asking rent {asking} EUR/m²/yr, "
            f"neighbourhood {b.location.neighbourhood}; {len(source.candidates)} candidates{shown}.")
    return Section("overview", "The object and the pool", (Paragraph(text),))


def _tone(status: MatchStatus) -> Tone:
    return {"optimal": "good", "feasible": "warn"}.get(status.code, "bad")  # type: ignore[return-value]


def status(source: Source) -> Section:
    """How the search ended: proven optimal, or the bound and gap; whether the clock cut it short; why nothing fits."""
    s = source.result.status
    facts = [f"solver: {s.solver}"] if s.solver else []
    facts.append("proven optimal" if s.optimal else "not proven optimal")
    if s.bound is not None:
        facts.append(f"bound {s.bound:.4f}")
    if s.gap is not None:
        facts.append(f"gap {s.gap:.2%}")
    facts.append(f"{s.wall_time:.2f} s")
    if s.clock_stopped:
        facts.append("the wall-clock safety net cut the work short")
    blocks: list[Paragraph | ItemList] = [Paragraph(s.message, lead=f"Status: {s.code}.", tone=_tone(s)),
                                          Paragraph("; ".join(facts), tone="note")]
    reasons = tuple(r for r in s.reasons if r != s.message)
    if reasons:
        blocks.append(ItemList(reasons))
    return Section("status", "Status", tuple(blocks))


def glance(source: Source) -> Section:
    """The key figures of each programme shown, side by side."""
    ps, b = source.programmes, source.building

    def pioneers(cids: Iterable[str]) -> str:
        return str(sum(1 for c in cids if (cand := source.candidate(c)) is not None and cand.pioneer))

    rows = [
        ("score", [f"{p.score:.3f}" for p in ps]),
        ("occupancy", [f"{p.occupancy:.1%}" for p in ps]),
        ("let m²", [m2(p.area) for p in ps]),
        ("vacant m²", [m2(max(b.lettable_area - p.area, 0.0)) for p in ps]),
        ("tenants", [str(len(p.placements)) for p in ps]),
        ("functions", [str(len(p.functions)) for p in ps]),
        ("pioneers", [pioneers(p.placements) for p in ps]),
        ("annual rent, EUR", [euros(p.annual_rent) for p in ps]),
        ("share of the full asking rent roll", [f"{p.rent_share:.1%}" for p in ps]),
        ("payback of the conversion, years", [f"{p.payback:.1f}" if math.isfinite(p.payback) else "" for p in ps]),
    ]
    if source.participation is not None:
        rows.append(("carried by volunteers", [str(len(p.carried)) for p in ps]))
    table = Table(("", *labels(ps)), tuple(Row((name, *values)) for name, values in rows), "l" + "r" * len(ps))
    return Section("glance", "At a glance", (table,))


def _term_labels() -> dict[str, tuple[str, str]]:
    from objectmatch._engine.terms import TERMS

    return {t.name: (t.label, t.measures) for t in TERMS}


def breakdown(source: Source) -> Section:
    """Every score component under its readable name, weight, value and contribution, and what it measures."""
    terms = _term_labels()
    ps = source.programmes
    names = labels(ps)
    frame = breakdown_table(ps)
    rows = []
    for name, row in frame.iterrows():
        key = str(name)
        cells = [terms.get(key, (key, ""))[0] if key != "total" else "total", num(row["weight"], 2)]
        for lb in names:
            contrib = row[f"{lb} contribution"]
            cells += [num(row[f"{lb} value"]), num(contrib) if key == "total" else signed(contrib)]
        rows.append(Row(tuple(cells), kind="total" if key == "total" else ""))
    header = ("component", "weight", *(h for lb in names for h in (f"{lb} value", f"{lb} contribution")))
    measured = tuple(f"{terms[n][0]}: {terms[n][1]}" for n in frame.index if n in terms)
    return Section("breakdown", "Score breakdown", (
        Paragraph("value: the component in [0, 1]; contribution: weight × value, what it adds to the score "
                  "(a negative weight subtracts).", tone="note"),
        Table(header, tuple(rows), "l" + "r" * (len(header) - 1)),
        Heading("What each component measures"),
        ItemList(measured),
    ))


def comparison(source: Source) -> Section | None:
    """Why the best programme beats the second, in plain words (:meth:`MatchResult.compare`)."""
    result = source.result
    if len(result.programmes) < 2:
        return None
    first, second = labels(result.programmes[:2])
    return Section("comparison", f"Why programme {first} beats programme {second}",
                   (Paragraph(result.compare(0, 1)),))


def left_out(source: Source) -> Section | None:
    """Every candidate not in the best programme, and why (:attr:`MatchResult.left_out`)."""
    result = source.result
    if not result.left_out:
        return None
    rows = []
    for cid, why in sorted(result.left_out.items(), key=lambda kv: (source.name(kv[0]).lower(), kv[0])):
        c = source.candidate(cid)
        rows.append(Row((source.name(cid), c.function if c is not None else "", why)))
    best = f"programme {labels(result.programmes[:1])[0]}" if result.programmes else "any programme"
    return Section("left-out", f"Candidates left out of {best}, and why", (
        Paragraph(f"{len(rows)} of {len(source.candidates)} candidates are not in {best}.", tone="note"),
        Table(("candidate", "function", "why"), tuple(rows)),
    ))


def network(source: Source) -> Section:
    """The identity network of the best programme (a picture)."""
    from objectmatch.report.plots import FigureStyle, identity_network

    best = source.programmes[0]
    title = f"Identity network of programme {labels([best])[0]}"
    net = source.profile.network(source.candidates) if source.profile is not None else None

    def draw() -> Figure:
        return identity_network(best, source.candidates, network=net, style=FigureStyle(width=9.0, height=6.5,
                                                                                          dpi=110))

    return Section("network", title, (Picture("identity-network", title.lower(), draw),))
