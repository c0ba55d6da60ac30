"""The scenario comparison: each leading function's best programme side by side (:meth:`ScenarioSet.to_frame`)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from objectmatch.report._common import euros
from objectmatch.report.document import Block, ItemList, Paragraph, Row, Section, Table

if TYPE_CHECKING:  # pragma: no cover
    from objectmatch.results import ScenarioSet

__all__ = ["scenarios_section"]

TITLE = "Scenarios: the best programme each leading function gives"


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _status(row: dict[str, Any]) -> str:
    if row["status"] == "feasible" and not _missing(row.get("gap")):
        return f"feasible, gap {row['gap']:.2%}"
    return str(row["status"])


def _cells(row: dict[str, Any]) -> tuple[str, ...]:
    if _missing(row.get("score")):
        return (str(row["lead"]), _status(row), "", "", "", "", "", "no programme")
    return (str(row["lead"]), _status(row), f"{row['score']:.3f}", euros(row["annual_rent"]),
            f"{row['rent_share']:.1%}", f"{row['occupancy']:.1%}", str(int(row["tenants"])), str(row["functions"]))


def scenarios_section(scenarios: ScenarioSet) -> Section:
    """One row per scenario: the lead, whether it is proven optimal (or its gap), score, rent, rent share,
    occupancy, tenants and functions; and why a scenario has no programme."""
    frame = scenarios.to_frame()
    records = [{str(k): v for k, v in r.items()} for r in frame.to_dict(orient="records")]
    rows = tuple(Row(_cells(r), tone="" if not _missing(r.get("score")) else "warn") for r in records)
    header = ("lead", "status", "score", "annual rent EUR", "rent share", "occupancy", "tenants", "functions")
    blocks: list[Block] = [
        Paragraph("Each row is its own match in which the leading function holds the largest share of the let "
                  "area (objectmatch.scenarios): real alternatives, not variations of one programme.", tone="note"),
        Table(header, rows, "llrrrrrl"),
    ]
    why = tuple(f"{s.lead}: {s.status.message}" for s in scenarios if s.programme is None)
    if why:
        blocks.append(ItemList(why))
    return Section("scenarios", TITLE, tuple(blocks))
