"""The money section: the best programme's rent roll, who pays below asking, and how the rest pays for it."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from objectmatch.report._common import Source, euros, label, m2, rate
from objectmatch.report.document import Block, Paragraph, Row, Section, Table

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from objectmatch.results import Programme

__all__ = ["money"]

#: A discount below this share of asking is rounding, not a discount.
DISCOUNT_TOLERANCE = 1e-9


def _rows(roll: pd.DataFrame, programme: Programme, source: Source) -> tuple[Row, ...]:
    rows = []
    for r in roll.to_dict(orient="records"):
        cid = str(r["candidate"])
        c = source.candidate(cid)
        below = float(r["discount"]) > DISCOUNT_TOLERANCE
        rows.append(Row((str(r["level"]), source.name(cid), "yes" if c is not None and c.pioneer else "",
                         m2(r["area"]), rate(r["asking_rent"]), rate(r["agreed_rent"]),
                         f"{r['discount']:.0%}" if below else "", euros(r["annual_rent"])),
                        tone="warn" if below else ""))
    rows.append(Row(("total", "", "", m2(programme.area), "", "", "", euros(programme.annual_rent)), kind="total"))
    return tuple(rows)


def _subsidy(roll: pd.DataFrame, programme: Programme, source: Source) -> Paragraph:
    """Which tenants pay below asking, what that costs, and who pays for it."""
    below = roll[roll["discount"] > DISCOUNT_TOLERANCE]
    if below.empty:
        return Paragraph("Every tenant pays the asking rent.")
    gone = programme.asking_rent_roll - programme.annual_rent
    payers = sorted(set(roll["candidate"]) - set(below["candidate"]))
    full = math.fsum(roll.loc[roll["candidate"].isin(payers), "annual_rent"])
    worst = below.groupby("candidate")["discount"].max().sort_values(ascending=False)
    named = "; ".join(f"{source.name(str(cid))} {d:.0%}" for cid, d in worst.items())
    share = full / programme.annual_rent if programme.annual_rent > 0 else 0.0
    return Paragraph(
        f"{len(worst)} tenants pay below asking ({named}): together {euros(gone)} EUR a year less than the "
        f"asking rent of their space, {gone / programme.asking_rent_roll:.1%} of the let area's asking rent roll. "
        f"The other {len(payers)} tenants pay the asking rent and bring {euros(full)} EUR, {share:.0%} of the "
        "income: they carry the discounts.",
        lead="Below asking.")


def money(source: Source) -> Section:
    """The best programme's income: annual rent against the asking rent roll, discounts, cross-subsidy,
    the rent floor asked for (``min_rent_share``), conversion cost and payback, and the rent roll."""
    p = source.programmes[0]
    name = label(p, 1)
    roll = p.rent_roll
    blocks: list[Block] = [Paragraph(
        f"Programme {name} brings {euros(p.annual_rent)} EUR a year at the agreed rents: {p.rent_share:.1%} of the "
        f"whole building's asking rent roll ({euros(p.full_rent_roll)} EUR a year, every floor let at asking rent). "
        f"At asking rent its let area would bring {euros(p.asking_rent_roll)} EUR.", lead="Income."),
        _subsidy(roll, p, source)]
    floor = source.result.options.constraints.min_rent_share
    if floor is not None:
        met = p.rent_share >= floor
        blocks.append(Paragraph(f"The constraints ask for at least {floor:.0%} of the full asking rent roll "
                                f"(min_rent_share); programme {name} brings {p.rent_share:.1%}.",
                                tone="good" if met else "bad"))
    if p.capex > 0:
        payback = f"a simple payback of {p.payback:.1f} years" if math.isfinite(p.payback) else "no payback"
        blocks.append(Paragraph(f"Converting the let area costs about {euros(p.capex)} EUR: {payback} at this rent.",
                                lead="Conversion."))
    header = ("level", "tenant", "pioneer", "m²", "asking EUR/m²/yr", "agreed EUR/m²/yr", "discount",
              "annual rent EUR")
    blocks.append(Table(header, _rows(roll, p, source), "rllrrrrr"))
    return Section("money", f"Rent roll and income of programme {name}", tuple(blocks))
