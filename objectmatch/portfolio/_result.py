"""The portfolio's answer as two tables (per building, per placement), and Parquet in and out."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any

import pandas as pd

from objectmatch.models import Building, Candidate

__all__ = [
    "BUILDING_COLUMNS",
    "PLACEMENT_COLUMNS",
    "PortfolioResult",
    "buildings_from_parquet",
    "buildings_to_parquet",
    "candidates_from_parquet",
    "candidates_to_parquet",
    "read_parquet",
]

#: Columns of :attr:`PortfolioResult.buildings` and their dtypes.
BUILDING_COLUMNS: dict[str, str] = {
    "building": "str",
    "status": "str",
    "score": "float64",
    "independent_score": "float64",
    "occupancy": "float64",
    "annual_rent": "float64",
    "tenants": "int64",
    "functions": "str",
    "candidates": "str",
    "round": "int64",
    "programme": "int64",
    "message": "str",
}
#: Columns of :attr:`PortfolioResult.placements` and their dtypes.
PLACEMENT_COLUMNS: dict[str, str] = {
    "building": "str",
    "candidate": "str",
    "level": "int64",
    "area": "int64",
    "function": "str",
}
_FILES = ("buildings.parquet", "placements.parquet", "portfolio.json")


def typed_frame(rows: Iterable[dict[str, Any]], columns: dict[str, str]) -> pd.DataFrame:
    """A frame with exactly ``columns``, each of its dtype, also when there are no rows."""
    records = list(rows)
    return pd.DataFrame(
        {name: pd.Series([r[name] for r in records], dtype=dtype) for name, dtype in columns.items()},
        columns=list(columns),
    )


@dataclass(frozen=True, eq=False)
class PortfolioResult:
    """Programmes for a portfolio: one row per building and one row per placement.

    ``buildings`` columns: ``building`` (id), ``status`` (``"assigned"``: one of its own k
    programmes; ``"reassigned"``: a programme from a later round, after losing candidates to
    other buildings; ``"infeasible"``), ``score``, ``independent_score`` (its best score
    without exclusivity), ``occupancy``, ``annual_rent`` (EUR a year, at the agreed rents),
    ``tenants`` (count), ``functions`` and ``candidates`` (joined by ``", "``), ``round`` (0 =
    first), ``programme`` (which of that round's k programmes, 1 = best; 0 = none) and
    ``message`` (the match status).

    ``placements`` columns: ``building``, ``candidate``, ``level``, ``area`` (whole m²), ``function``.

    Examples
    --------
    >>> result = PortfolioResult.empty()
    >>> result.total_score, list(result.placements.columns)
    (0.0, ['building', 'candidate', 'level', 'area', 'function'])
    """

    buildings: pd.DataFrame
    placements: pd.DataFrame
    exclusive: bool = True
    rounds: int = 0
    matches: int = 0
    packing_optimal: bool = True

    @classmethod
    def empty(cls, exclusive: bool = True) -> PortfolioResult:
        """A result for an empty portfolio."""
        return cls(typed_frame([], BUILDING_COLUMNS), typed_frame([], PLACEMENT_COLUMNS), exclusive)

    # -- figures -------------------------------------------------------------------------------
    @property
    def total_score(self) -> float:
        """Sum of the buildings' scores (infeasible buildings count 0)."""
        return math.fsum(s for s in self.buildings["score"].tolist() if not math.isnan(s))

    @property
    def independent_score(self) -> float:
        """Sum of every building's best score matched on its own, without exclusivity."""
        return math.fsum(s for s in self.buildings["independent_score"].tolist() if not math.isnan(s))

    @property
    def ratio(self) -> float:
        """``total_score / independent_score``: what exclusivity keeps of the independent optimum (NaN if 0)."""
        return self.total_score / self.independent_score if self.independent_score else math.nan

    def summary(self) -> dict[str, Any]:
        """The headline figures as a dict."""
        status = self.buildings["status"].value_counts()
        return {
            "buildings": len(self.buildings),
            "assigned": int(status.get("assigned", 0)),
            "reassigned": int(status.get("reassigned", 0)),
            "infeasible": int(status.get("infeasible", 0)),
            "placements": len(self.placements),
            "total_score": self.total_score,
            "independent_score": self.independent_score,
            "ratio": self.ratio,
            "exclusive": self.exclusive,
            "rounds": self.rounds,
            "matches": self.matches,
            "packing_optimal": self.packing_optimal,
        }

    def placements_of(self, building_id: str) -> dict[str, dict[int, float]]:
        """The chosen programme of one building as placements (candidate id -> {level: m²}).

        It is what :func:`objectmatch.score` and :func:`objectmatch.check` take (m² as floats, as
        in :attr:`objectmatch.results.Programme.placements`); an unknown id raises ``KeyError``.
        """
        if building_id not in set(self.buildings["building"].tolist()):
            raise KeyError(f"no building {building_id!r} in this result")
        rows = self.placements[self.placements["building"] == building_id]
        out: dict[str, dict[int, float]] = {}
        for cid, level, area in zip(rows["candidate"], rows["level"], rows["area"], strict=True):
            out.setdefault(str(cid), {})[int(level)] = float(area)
        return out

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PortfolioResult):
            return NotImplemented
        return (
            self.buildings.equals(other.buildings)
            and self.placements.equals(other.placements)
            and (self.exclusive, self.rounds, self.matches, self.packing_optimal)
            == (other.exclusive, other.rounds, other.matches, other.packing_optimal)
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        s = self.summary()
        return (
            f"PortfolioResult({s['buildings']} buildings: {s['assigned']} assigned, {s['reassigned']} reassigned, "
            f"{s['infeasible']} infeasible; total score {s['total_score']:.4f}, "
            f"{s['ratio']:.2%} of {s['independent_score']:.4f} without exclusivity)"
        )

    # -- Parquet ---------------------------------------------------------------------------------
    def to_parquet(self, path: str | PathLike[str]) -> Path:
        """Write the result to the directory ``path`` (created if needed): two Parquet files and a JSON note.

        Each file is written atomically (:func:`objectmatch.io.atomic_write`). Returns the
        directory; :func:`read_parquet` loads it back equal.
        """
        from objectmatch.io import atomic_write, write_frame

        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        write_frame(self.buildings, folder / _FILES[0], suffix=".parquet")
        write_frame(self.placements, folder / _FILES[1], suffix=".parquet")
        meta = {"exclusive": self.exclusive, "rounds": self.rounds, "matches": self.matches,
                "packing_optimal": self.packing_optimal}
        with atomic_write(folder / _FILES[2]) as handle:
            handle.write(json.dumps(meta, indent=1) + "\n")
        return folder

    @classmethod
    def read_parquet(cls, path: str | PathLike[str]) -> PortfolioResult:
        """Load a result written by :meth:`to_parquet`."""
        from objectmatch.io import read_frame

        folder = Path(path)
        missing = [name for name in _FILES if not (folder / name).is_file()]
        if missing:
            raise FileNotFoundError(f"{folder} is not a portfolio result: missing {', '.join(missing)}")
        meta = json.loads((folder / _FILES[2]).read_text(encoding="utf-8"))
        return cls(
            _conform(read_frame(folder / _FILES[0], suffix=".parquet"), BUILDING_COLUMNS, folder / _FILES[0]),
            _conform(read_frame(folder / _FILES[1], suffix=".parquet"), PLACEMENT_COLUMNS, folder / _FILES[1]),
            exclusive=bool(meta["exclusive"]),
            rounds=int(meta["rounds"]),
            matches=int(meta["matches"]),
            packing_optimal=bool(meta["packing_optimal"]),
        )


def _conform(frame: pd.DataFrame, columns: dict[str, str], source: Path) -> pd.DataFrame:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{source}: missing columns {missing}")
    return frame[list(columns)].astype(columns).reset_index(drop=True)


def read_parquet(path: str | PathLike[str]) -> PortfolioResult:
    """Load a :class:`PortfolioResult` written by :meth:`PortfolioResult.to_parquet`.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     read_parquet(PortfolioResult.empty().to_parquet(tmp)) == PortfolioResult.empty()
    True
    """
    return PortfolioResult.read_parquet(path)


def buildings_to_parquet(buildings: Sequence[Building], path: str | PathLike[str]) -> None:
    """Write a portfolio to one Parquet file, one row per floor (:func:`objectmatch.io.write_buildings`)."""
    from objectmatch.io import write_buildings

    write_buildings(list(buildings), path, suffix=".parquet")


def buildings_from_parquet(path: str | PathLike[str]) -> list[Building]:
    """Read a portfolio written by :func:`buildings_to_parquet` (validated, every error reported).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from objectmatch.datasets import generate_portfolio
    >>> portfolio = generate_portfolio(3, seed=2)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     buildings_to_parquet(portfolio, pathlib.Path(tmp) / "b.parquet")
    ...     buildings_from_parquet(pathlib.Path(tmp) / "b.parquet") == portfolio
    True
    """
    from objectmatch.io import read_buildings

    return read_buildings(path, suffix=".parquet")


def candidates_to_parquet(candidates: Sequence[Candidate], path: str | PathLike[str]) -> None:
    """Write a pool to one Parquet file, one row per candidate (:func:`objectmatch.io.write_candidates`)."""
    from objectmatch.io import write_candidates

    write_candidates(candidates, path, suffix=".parquet")


def candidates_from_parquet(path: str | PathLike[str]) -> list[Candidate]:
    """Read a pool written by :func:`candidates_to_parquet` (validated, every error reported).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from objectmatch.datasets import generate_pool
    >>> pool = generate_pool(20, seed=2)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     candidates_to_parquet(pool, pathlib.Path(tmp) / "c.parquet")
    ...     candidates_from_parquet(pathlib.Path(tmp) / "c.parquet") == pool
    True
    """
    from objectmatch.io import read_candidates

    return read_candidates(path, suffix=".parquet")
