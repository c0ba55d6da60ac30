"""Hard-side assessment: what can this building become?

After the transformation potential meter of Geraedts and Van der Voordt (TU
Delft, "Transformatiepotentiemeter", 2000/2003, revised 2007) and the screens
used for office-to-residential conversion (floor-plate depth, free height,
column grid, core position). For each use function:

1. **Veto criteria** first (the meter's quick scan). Any one failing makes the
   function "not suitable", with the reason in words: zoning does not permit it
   and the municipality is not prepared to; no floor reaches the function's
   minimum free height or floor load (together); a vulnerable use inside a
   hazard contour; a noise-sensitive use above the noise maximum; an office
   without energy label C.
2. **Gradual criteria** (the meter's feasibility scan), each scored into
   points in [0, 1] against its thresholds and weighted, at location level
   (transit, amenities within walking distance, noise) and building level
   (depth, free height, column grid, core, lift, energy label, ...). The
   potential is the weighted mean of the points; ``location`` and ``building``
   are the same mean over each level's criteria.

Criteria and thresholds are data (``objectmatch/data/assessment_criteria.json``,
a table per function with its sources, validated by :class:`AssessmentCriteria`);
pass your own with ``criteria=load_criteria(path)``. docs/assessment.md
shows the tables.

Floor-level criteria are judged on the *usable* floors: those that pass every
floor-level veto of the function. A value that is not known (no column grid,
no noise figure, no amenity counts) scores a neutral 0.5 and is marked
``known=False``; a veto that cannot be checked for lack of data is listed in
``Assessment.unchecked`` rather than applied.

Amenity keys are read through a synonym table (``objectmatch/data/amenity_synonyms.json``:
``"supermarkt"`` and ``"grocery"`` count as ``supermarket``, ``"huisarts"`` and ``"gp"`` as
``doctors``, ``"horeca"`` as ``restaurant``); a key objectmatch does not know gives an
:class:`UnknownAmenityWarning` naming it rather than a silent zero (:func:`normalise_amenities`).
"""

from __future__ import annotations

import json
import math
import numbers
import threading
import warnings
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from objectmatch._inputs import as_building
from objectmatch._params import Int, param, validate
from objectmatch._text import short_repr
from objectmatch.location import AMENITY_IDENTITIES, TRANSIT_CATEGORIES
from objectmatch.models import ENERGY_LABELS, MAX_AMENITY_COUNT, Building, Floor
from objectmatch.vocabulary import ObjectmatchWarning, Vocabulary, active_vocabulary, normalise_tag

__all__ = [
    "AMENITY_SYNONYMS",
    "AssessOptions",
    "Assessment",
    "AssessmentCriteria",
    "CriterionResult",
    "CriterionSpec",
    "FunctionCriteria",
    "UnknownAmenityWarning",
    "VetoSpec",
    "assessments",
    "default_criteria",
    "excluded_functions",
    "known_amenities",
    "load_criteria",
    "normalise_amenities",
    "potential",
    "potentials",
    "profile",
    "validate_potentials",
]

Verdict = Literal["suitable", "conditionally suitable", "not suitable"]
Level = Literal["location", "building"]
VetoCheck = Literal["permitted", "floor_min", "location_max", "location_false", "label_min"]
Scoring = Literal["higher_better", "lower_better", "category", "bool"]
CriterionField = Literal[
    "free_height",
    "floor_load",
    "depth",
    "column_grid",
    "construction_year",
    "energy_label",
    "core_position",
    "street_frontage",
    "elevator",
    "usable_share",
    "transit_distance",
    "noise_db",
    "amenities",
]

#: Fields measured per floor; judged as the area-weighted mean over the usable floors.
FLOOR_FIELDS: frozenset[str] = frozenset({"free_height", "floor_load", "depth", "column_grid"})
#: Fields of the location (level "location"); all others are building level.
LOCATION_FIELDS: frozenset[str] = frozenset({"transit_distance", "noise_db", "amenities"})
_RAMP_FIELDS = FLOOR_FIELDS | {"construction_year", "elevator", "usable_share", "transit_distance", "noise_db",
                               "amenities"}
_CATEGORY_FIELDS: dict[str, tuple[str, ...]] = {
    "energy_label": ENERGY_LABELS,
    "core_position": ("central", "side", "corner", "multiple"),
}
_UNITS: dict[str, str] = {
    "free_height": "m",
    "floor_load": "kN/m²",
    "depth": "m",
    "column_grid": "m",
    "construction_year": "year",
    "elevator": "share of upper-floor area",
    "usable_share": "share of lettable area",
    "transit_distance": "m",
    "noise_db": "dB Lden",
    "amenities": "nearby",
}
_WORDS: dict[str, str] = {
    "free_height": "free height",
    "floor_load": "floor load",
    "noise_db": "noise at the facade",
    "transit_distance": "distance to transit",
}
Points = Annotated[float, Field(ge=0, le=1)]

#: Points given to a criterion whose value is not known: no information, no preference.
UNKNOWN_POINTS = 0.5


class UnknownAmenityWarning(ObjectmatchWarning):
    """An amenity key the assessment does not know: it counts towards no criterion."""


def _load_synonyms() -> tuple[dict[str, str], frozenset[str]]:
    raw = json.loads(resources.files("objectmatch").joinpath("data", "amenity_synonyms.json").read_text("utf-8"))
    synonyms: dict[str, str] = {}
    for canonical, aliases in raw["synonyms"].items():
        target = normalise_tag(canonical)
        for alias in (canonical, *aliases):
            key = normalise_tag(alias)
            if synonyms.get(key, target) != target:
                raise ValueError(f"amenity_synonyms.json: {alias!r} stands for both {synonyms[key]!r} and {target!r}")
            synonyms[key] = target
    return synonyms, frozenset(normalise_tag(k) for k in raw["known"])


_SYNONYMS, _KNOWN_UNSCORED = _load_synonyms()
#: Amenity key (alias or canonical, normalised) -> the canonical category the criteria count.
AMENITY_SYNONYMS: Mapping[str, str] = _SYNONYMS


# -- the criteria tables (data) ---------------------------------------------------------------
class _Spec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class VetoSpec(_Spec):
    """One veto criterion of a function: fails -> the function is not suitable.

    ``check`` is one of ``permitted`` (zoning now or prospectively), ``floor_min``
    (no floor reaches ``value`` for ``field``), ``location_max`` (location ``field``
    above ``value``), ``location_false`` (location flag ``field`` set) and
    ``label_min`` (energy label worse than ``value``).

    Examples
    --------
    >>> VetoSpec(name="free_height", check="floor_min", field="free_height", value=2.6, source="meter").value
    2.6
    >>> VetoSpec(name="x", check="floor_min", field="depth", value=2.6, source="meter")
    Traceback (most recent call last):
    ...
    pydantic_core._pydantic_core.ValidationError: 1 validation error for VetoSpec
    ...
    """

    name: str = Field(min_length=1)
    check: VetoCheck
    field: str | None = None
    value: float | str | None = None
    source: str = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> VetoSpec:
        allowed: dict[str, tuple[str, ...]] = {
            "floor_min": ("free_height", "floor_load"),
            "location_max": ("noise_db", "transit_distance"),
            "location_false": ("hazard_contour",),
            "label_min": ("energy_label",),
        }
        if self.check == "permitted":
            return self
        fields = allowed[self.check]
        if self.field not in fields:
            raise ValueError(f"veto {self.name!r}: check {self.check!r} needs field in {fields}, got {self.field!r}")
        if self.check in ("floor_min", "location_max") and not isinstance(self.value, int | float):
            raise ValueError(f"veto {self.name!r}: check {self.check!r} needs a numeric value, got {self.value!r}")
        if self.check == "label_min" and self.value not in ENERGY_LABELS:
            raise ValueError(f"veto {self.name!r}: value {self.value!r} is not an energy label {ENERGY_LABELS}")
        return self


class CriterionSpec(_Spec):
    """One gradual criterion: how a value is turned into points in [0, 1], and its weight.

    ``higher_better`` / ``lower_better`` ramp linearly from 0 points at ``poor`` to
    1 point at ``good``; ``category`` looks points up in a named scale; ``bool``
    gives 1 for true. ``amenities`` criteria count the ``categories`` within walking
    distance (``Location.amenities``).

    Examples
    --------
    >>> CriterionSpec(name="depth", level="building", field="depth", scoring="lower_better",
    ...               good=13, poor=18, weight=3, source="remoy").good
    13.0
    """

    name: str = Field(min_length=1)
    level: Level
    field: CriterionField
    scoring: Scoring
    good: float | None = None
    poor: float | None = None
    scale: str | None = None
    categories: tuple[str, ...] = ()
    weight: float = Field(gt=0, le=100)
    source: str = Field(min_length=1)

    @field_validator("categories", mode="before")
    @classmethod
    def _normalise(cls, value: Any) -> Any:
        if isinstance(value, Iterable) and not isinstance(value, str):
            return tuple(normalise_tag(v) for v in value)
        return value

    @model_validator(mode="after")
    def _consistent(self) -> CriterionSpec:
        where = f"criterion {self.name!r}"
        expected: Level = "location" if self.field in LOCATION_FIELDS else "building"
        if self.level != expected:
            raise ValueError(f"{where}: field {self.field!r} is {expected} level, not {self.level!r}")
        if self.scoring in ("higher_better", "lower_better"):
            if self.field not in _RAMP_FIELDS:
                raise ValueError(f"{where}: field {self.field!r} cannot be scored {self.scoring!r}")
            if self.good is None or self.poor is None:
                raise ValueError(f"{where}: scoring {self.scoring!r} needs both 'good' and 'poor'")
            if self.scoring == "higher_better" and not self.good > self.poor:
                raise ValueError(f"{where}: higher_better needs good > poor, got good={self.good}, poor={self.poor}")
            if self.scoring == "lower_better" and not self.good < self.poor:
                raise ValueError(f"{where}: lower_better needs good < poor, got good={self.good}, poor={self.poor}")
        elif self.scoring == "category":
            if self.field not in _CATEGORY_FIELDS:
                raise ValueError(f"{where}: field {self.field!r} is not categorical")
            if self.scale is None:
                raise ValueError(f"{where}: scoring 'category' needs a 'scale'")
        elif self.field != "street_frontage":
            raise ValueError(f"{where}: scoring 'bool' only applies to 'street_frontage', not {self.field!r}")
        if self.field == "amenities" and not self.categories:
            raise ValueError(f"{where}: an amenities criterion needs 'categories'")
        if self.field != "amenities" and self.categories:
            raise ValueError(f"{where}: 'categories' only applies to the amenities field")
        return self


class FunctionCriteria(_Spec):
    """The criteria table of one use function: vetoes first, then gradual criteria.

    Examples
    --------
    >>> table = default_criteria().table("residential")
    >>> [v.name for v in table.vetoes]
    ['zoning', 'free_height', 'floor_load', 'hazard_contour', 'noise']
    """

    label: str = Field(min_length=1)
    source: tuple[str, ...] = ()
    vetoes: tuple[VetoSpec, ...] = ()
    criteria: tuple[CriterionSpec, ...] = Field(min_length=2)

    @model_validator(mode="after")
    def _consistent(self) -> FunctionCriteria:
        for kind, names in (("veto", [v.name for v in self.vetoes]), ("criterion", [c.name for c in self.criteria])):
            seen: set[str] = set()
            for name in names:
                if name in seen:
                    raise ValueError(f"{self.label}: {kind} name {name!r} appears twice")
                seen.add(name)
        levels = {c.level for c in self.criteria}
        for level in ("location", "building"):
            if level not in levels:
                raise ValueError(f"{self.label}: needs at least one {level}-level criterion")
        return self


class AssessmentCriteria(_Spec):
    """All criteria tables: one per function, with the sources they cite and the category scales.

    Examples
    --------
    >>> crit = default_criteria()
    >>> crit.suitable_from, sorted(crit.functions)[:3]
    (0.5, ['assembly', 'education', 'healthcare'])
    >>> crit.to_frame().loc[lambda d: (d.function == "residential") & (d.name == "depth"), "good"].item()
    13.0
    """

    version: int = Field(ge=1)
    suitable_from: float = Field(ge=0, le=1, description="potential from which a function is 'suitable'")
    sources: dict[str, str] = Field(min_length=1)
    scales: dict[str, dict[str, Points]] = Field(default_factory=dict, description="category -> points")
    functions: dict[str, FunctionCriteria] = Field(min_length=1)

    @field_validator("functions", mode="before")
    @classmethod
    def _function_keys(cls, value: Any) -> Any:
        if isinstance(value, Mapping):
            return {normalise_tag(k): v for k, v in value.items()}
        return value

    @model_validator(mode="after")
    def _references(self) -> AssessmentCriteria:
        for fname, table in self.functions.items():
            for key in table.source:
                if key not in self.sources:
                    raise ValueError(f"function {fname!r} cites unknown source {key!r}; known: {sorted(self.sources)}")
            specs: list[VetoSpec | CriterionSpec] = [*table.vetoes, *table.criteria]
            for spec in specs:
                if spec.source not in self.sources:
                    raise ValueError(
                        f"function {fname!r}, {spec.name!r} cites unknown source {spec.source!r}; "
                        f"known: {sorted(self.sources)}"
                    )
            for crit in table.criteria:
                if crit.scoring != "category":
                    continue
                if crit.scale not in self.scales:
                    raise ValueError(f"function {fname!r}, {crit.name!r}: unknown scale {crit.scale!r}")
                missing = set(_CATEGORY_FIELDS[crit.field]) - set(self.scales[crit.scale])
                if missing:
                    raise ValueError(
                        f"function {fname!r}, {crit.name!r}: scale {crit.scale!r} lacks points for {sorted(missing)}"
                    )
        if "other" not in self.functions:
            raise ValueError("the criteria need an 'other' table: it assesses functions without a table of their own")
        return self

    def table(self, function: str) -> FunctionCriteria:
        """The table for ``function`` (the 'other' table for a function without one)."""
        return self.functions.get(function, self.functions["other"])

    def to_frame(self) -> pd.DataFrame:
        """One row per veto and criterion of every function: the documented criteria table."""
        rows: list[dict[str, Any]] = []
        for fname, table in self.functions.items():
            for v in table.vetoes:
                rows.append({"function": fname, "kind": "veto", "name": v.name, "level": _veto_level(v),
                             "field": v.field, "rule": _veto_rule(v), "good": None, "poor": None,
                             "weight": None, "source": v.source})
            for c in table.criteria:
                rule = c.scoring if c.field != "amenities" else f"{c.scoring}: {', '.join(c.categories)}"
                if c.scoring == "category":
                    rule = f"scale {c.scale}"
                rows.append({"function": fname, "kind": "gradual", "name": c.name, "level": c.level,
                             "field": c.field, "rule": rule, "good": c.good, "poor": c.poor,
                             "weight": c.weight, "source": c.source})
        return pd.DataFrame(rows)

    def to_markdown(self) -> str:
        """The criteria tables as Markdown, one section per function (docs/assessment.md is made with this).

        Examples
        --------
        >>> print(default_criteria().to_markdown().splitlines()[0])
        ### residential: woonfunctie (dwellings)
        """
        out: list[str] = []
        for fname, table in self.functions.items():
            out += [f"### {fname}: {table.label}", "", f"Sources: {', '.join(table.source) or '-'}.", ""]
            out += ["| veto (any failing: not suitable) | rule | source |", "| --- | --- | --- |"]
            out += [f"| {v.name} | {_veto_rule(v)} | {v.source} |" for v in table.vetoes]
            out += [
                "",
                "| criterion | level | measure | scoring | good (1 point) | poor (0 points) | weight | source |",
                "| --- | --- | --- | --- | ---: | ---: | ---: | --- |",
            ]
            for c in table.criteria:
                measure = c.field if c.field != "amenities" else "amenities: " + ", ".join(c.categories)
                scoring = c.scoring if c.scoring != "category" else f"scale `{c.scale}`"
                good = "" if c.good is None else f"{c.good:g}"
                poor = "" if c.poor is None else f"{c.poor:g}"
                out.append(
                    f"| {c.name} | {c.level} | {measure} | {scoring} | {good} | {poor} | {c.weight:g} | {c.source} |"
                )
            out.append("")
        out += ["### scales (points per category)", "", "| scale | points |", "| --- | --- |"]
        for name, scale in self.scales.items():
            out.append(f"| {name} | {', '.join(f'{k} {v:g}' for k, v in scale.items())} |")
        return "\n".join(out) + "\n"


def _veto_level(v: VetoSpec) -> str:
    return "location" if v.check in ("location_max", "location_false", "permitted") else "building"


def _veto_rule(v: VetoSpec) -> str:
    if v.check == "permitted":
        return "permitted or prospective"
    if v.check == "floor_min":
        return f"some floor with {v.field} >= {v.value}"
    if v.check == "location_max":
        return f"{v.field} <= {v.value}"
    if v.check == "location_false":
        return f"not {v.field}"
    return f"energy label {v.value} or better"


def load_criteria(source: str | Path | Mapping[str, Any] | None = None) -> AssessmentCriteria:
    """Load and validate criteria tables from a JSON file, a mapping, or (``None``) the bundled ones.

    Examples
    --------
    >>> crit = load_criteria()
    >>> crit.table("retail").criteria[0].name
    'transit'
    >>> load_criteria({"version": 1, "suitable_from": 2, "sources": {"a": "b"}, "functions": {}})
    Traceback (most recent call last):
    ...
    pydantic_core._pydantic_core.ValidationError: 2 validation errors for AssessmentCriteria
    ...
    """
    if source is None:
        text = resources.files("objectmatch").joinpath("data/assessment_criteria.json").read_text(encoding="utf-8")
        return AssessmentCriteria.model_validate_json(text)
    if isinstance(source, Mapping):
        return AssessmentCriteria.model_validate(dict(source))
    path = Path(source)
    if not path.is_file():
        raise FileNotFoundError(f"criteria file {str(path)!r} does not exist")
    return AssessmentCriteria.model_validate(json.loads(path.read_text(encoding="utf-8")))


@cache
def default_criteria() -> AssessmentCriteria:
    """The bundled criteria tables, loaded and validated once."""
    return load_criteria()


class AssessOptions(BaseModel):
    """The arguments the assessment's functions share, each checked by name (:func:`objectmatch._params.validate`).

    A dict of the criteria's fields is validated as :class:`AssessmentCriteria` (as :func:`load_criteria`
    does); a string for ``functions`` is refused (it would be read letter by letter).

    Examples
    --------
    >>> from objectmatch._params import validate
    >>> validate(AssessOptions, "potentials", {"functions": ("office",)}).functions
    ['office']
    >>> validate(AssessOptions, "potentials", {"functions": "office"})
    Traceback (most recent call last):
    ...
    objectmatch._params.InvalidParameterError: The 'functions' parameter of potentials must be None or a list ...
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    functions: list[str] | None = param(None, "None or a list of function names (not one string)")
    criteria: AssessmentCriteria | None = param(
        None, "an AssessmentCriteria (see load_criteria), a dict of its fields, or None (the bundled tables)"
    )
    amenities: dict[str, Annotated[Int, Field(ge=0, le=MAX_AMENITY_COUNT)]] = param(
        {}, f"a dict of amenity category -> count, an int in [0, {MAX_AMENITY_COUNT}]"
    )


def _criteria(criteria: AssessmentCriteria | None) -> AssessmentCriteria:
    return criteria if criteria is not None else default_criteria()


# -- results ------------------------------------------------------------------------------------
class CriterionResult(BaseModel):
    """How one gradual criterion scored in one building.

    ``points`` in [0, 1] against ``thresholds``; ``value`` is what was measured
    (floor fields: the area-weighted mean over the usable floors).
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    name: str
    level: Level
    value: bool | float | str | None
    thresholds: dict[str, float]
    points: float = Field(ge=0, le=1)
    weight: float = Field(gt=0)
    known: bool = True
    unit: str = ""
    source: str = ""

    def describe(self) -> str:
        """One line: name, value and points, e.g. ``'depth 20.0 m: 0.00 points (weight 3)'``."""
        if not self.known:
            shown = "unknown"
        elif isinstance(self.value, bool):
            shown = "yes" if self.value else "no"
        elif isinstance(self.value, float):
            shown = f"{self.value:.3g} {self.unit}".strip() if self.unit != "year" else f"{self.value:.0f}"
        else:
            shown = str(self.value)
        return f"{self.name} {shown}: {self.points:.2f} points (weight {self.weight:g})"


class Assessment(BaseModel):
    """The transformation potential of one building for one use function.

    Examples
    --------
    >>> from objectmatch import Building, Floor, Location
    >>> b = Building(id="b1", name="Kantoor Oost", asking_rent=150,
    ...              permitted_functions={"office", "residential", "sport"},
    ...              floors=[Floor(level=0, area=600, free_height=3.4, floor_load=4.0, depth=12,
    ...                            street_frontage=True),
    ...                      Floor(level=1, area=600, free_height=2.8, floor_load=2.5, depth=12)],
    ...              location=Location(lat=52.36, lon=4.92, neighbourhood="Oost", noise_db=55,
    ...                                transit_distance=350))
    >>> a = potential(b, "residential")
    >>> a.verdict, round(a.potential, 2), a.vetoes
    ('suitable', 0.74, [])
    >>> potential(b, "sport").vetoes
    ['floor load below the sport minimum of 5.00 kN/m² on every floor (highest: 4.00 kN/m² on level 0)']
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    building_id: str
    function: str
    verdict: Verdict
    potential: float = Field(ge=0, le=1, description="weighted mean of the criteria points; 0 when vetoed")
    location: float = Field(ge=0, le=1, description="weighted mean over location-level criteria (also when vetoed)")
    building: float = Field(ge=0, le=1, description="weighted mean over building-level criteria (also when vetoed)")
    vetoes: list[str] = Field(default_factory=list, description="why the function is not suitable")
    conditions: list[str] = Field(default_factory=list, description="why it is only conditionally suitable")
    unchecked: list[str] = Field(default_factory=list, description="vetoes that could not be checked (no data)")
    criteria: list[CriterionResult] = Field(default_factory=list)
    usable_levels: list[int] = Field(default_factory=list, description="floors that pass every floor-level veto")

    @property
    def vetoed(self) -> bool:
        """True when a veto criterion failed."""
        return bool(self.vetoes)

    def weakest(self, n: int = 3) -> list[CriterionResult]:
        """The ``n`` known criteria that cost the most potential (weight x missing points), worst first."""
        lacking = [c for c in self.criteria if c.known and c.points < 1.0]
        lacking.sort(key=lambda c: -c.weight * (1.0 - c.points))
        return lacking[:n]

    @property
    def deciding(self) -> list[str]:
        """What decides the verdict: the veto reasons, else the conditions and the weakest criteria."""
        if self.vetoes:
            return list(self.vetoes)
        return [*self.conditions, *(c.describe() for c in self.weakest())]

    def to_frame(self) -> pd.DataFrame:
        """One row per gradual criterion; the vetoes and verdict travel in ``frame.attrs``.

        Examples
        --------
        >>> from objectmatch import Building, Floor, Location
        >>> b = Building(id="b", name="B", asking_rent=100, permitted_functions={"office"},
        ...              floors=[Floor(level=0, area=100, free_height=3, floor_load=3, depth=14)],
        ...              location=Location(lat=52, lon=5, neighbourhood="X"))
        >>> frame = potential(b, "office").to_frame()
        >>> list(frame.columns)
        ['name', 'level', 'value', 'unit', 'thresholds', 'points', 'weight', 'weighted', 'known', 'source']
        """
        rows = [
            {
                "name": c.name,
                "level": c.level,
                "value": c.value,
                "unit": c.unit,
                "thresholds": dict(c.thresholds),
                "points": c.points,
                "weight": c.weight,
                "weighted": c.points * c.weight,
                "known": c.known,
                "source": c.source,
            }
            for c in self.criteria
        ]
        columns = ["name", "level", "value", "unit", "thresholds", "points", "weight", "weighted", "known", "source"]
        frame = pd.DataFrame(rows, columns=columns)
        frame.attrs.update(
            {
                "building_id": self.building_id,
                "function": self.function,
                "verdict": self.verdict,
                "potential": self.potential,
                "vetoes": list(self.vetoes),
                "conditions": list(self.conditions),
            }
        )
        return frame


# -- amenities and potentials given by users ---------------------------------------------------
def known_amenities(criteria: AssessmentCriteria | None = None) -> frozenset[str]:
    """Every amenity category the assessment knows: the criteria's, the synonyms' and those of
    :mod:`objectmatch.location` (canonical names, normalised).

    Examples
    --------
    >>> {"supermarket", "doctors", "hotel", "tram_stop"} <= known_amenities()
    True
    """
    return _known(_criteria(validate(AssessOptions, "known_amenities", {"criteria": criteria}).criteria))


def _known(crit: AssessmentCriteria) -> frozenset[str]:
    counted = {c for table in crit.functions.values() for spec in table.criteria for c in spec.categories}
    return frozenset(counted | set(_SYNONYMS.values()) | _KNOWN_UNSCORED | set(AMENITY_IDENTITIES)
                     | set(TRANSIT_CATEGORIES))


def normalise_amenities(
    amenities: Mapping[str, int], *, criteria: AssessmentCriteria | None = None, where: str = "location"
) -> dict[str, int]:
    """Amenity counts under their canonical category names, for the criteria to count.

    Each key is normalised and read through :data:`AMENITY_SYNONYMS` (counts of synonyms add
    up). A key that is not a known category (:func:`known_amenities`) is kept as it is and
    an :class:`UnknownAmenityWarning` names it, since no criterion would count it.

    Examples
    --------
    >>> normalise_amenities({"Supermarkt": 1, "grocery": 2, "huisarts": 1, "horeca": 4})
    {'supermarket': 3, 'doctors': 1, 'restaurant': 4}
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     normalise_amenities({"unicorn_stable": 2})
    {'unicorn_stable': 2}
    >>> str(caught[0].message)[:60]
    "location amenity 'unicorn_stable' is not a category objectma"
    """
    opts = validate(AssessOptions, "normalise_amenities", {"amenities": amenities, "criteria": criteria})
    return _normalise_amenities(opts.amenities, _criteria(opts.criteria), where)


def _normalise_amenities(amenities: Mapping[str, int], crit: AssessmentCriteria, where: str) -> dict[str, int]:
    known = _known(crit)
    out: dict[str, int] = {}
    unknown: list[str] = []
    for key, count in amenities.items():
        tag = normalise_tag(key)
        canonical = _SYNONYMS.get(tag, tag)
        if canonical not in known:
            unknown.append(canonical)
        out[canonical] = out.get(canonical, 0) + int(count)
    for tag in unknown:
        warnings.warn(
            f"{where} amenity {short_repr(tag)} is not a category objectmatch knows, so no criterion counts it; "
            "use a known name (objectmatch.assess.known_amenities()) or add a synonym",
            UnknownAmenityWarning,
            stacklevel=3,
        )
    return out


def validate_potentials(
    potentials: Mapping[str, float], *, vocabulary: Vocabulary | None = None
) -> dict[str, float]:
    """Check a function -> potential mapping given by a user: known functions, finite values in [0, 1].

    Returns a new dict with normalised function names and float values; raises ``ValueError``
    naming the function and the value for the first problem.

    Examples
    --------
    >>> validate_potentials({"Residential": 0.8, "office": 1})
    {'residential': 0.8, 'office': 1.0}
    >>> validate_potentials({"retail": 1.5})
    Traceback (most recent call last):
    ...
    ValueError: potentials['retail'] = 1.5 is not a finite number in [0, 1]
    """
    if not isinstance(potentials, Mapping):
        raise ValueError(
            f"potentials must be a mapping of function -> potential in [0, 1], got {type(potentials).__name__}"
        )
    vocab = vocabulary if vocabulary is not None else active_vocabulary()
    out: dict[str, float] = {}
    for key, value in potentials.items():
        if not isinstance(key, str):
            raise ValueError(f"potentials: function {short_repr(key)} is a {type(key).__name__}, not a string")
        function = normalise_tag(key)
        try:
            vocab.check([function], "functions")
        except ValueError as exc:
            raise ValueError(f"potentials: {exc}") from None
        if function in out:
            raise ValueError(f"potentials: function {short_repr(key)} appears twice (as {function!r})")
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0.0 <= float(value) <= 1.0:
            raise ValueError(f"potentials[{function!r}] = {short_repr(value)} is not a finite number in [0, 1]")
        out[function] = float(value)
    return out


# -- evaluation ---------------------------------------------------------------------------------
def _fmt(value: float, unit: str) -> str:
    return f"{value:.2f} {unit}"


def _floor_vetoes(
    building: Building, function: str, specs: Sequence[VetoSpec]
) -> tuple[list[str], list[Floor]]:
    """Reasons from the floor-level vetoes, and the floors that pass all of them."""
    if not specs:
        return [], list(building.floors)
    reasons: list[str] = []
    passing = list(building.floors)
    for spec in specs:
        assert spec.field is not None and isinstance(spec.value, int | float)
        minimum = float(spec.value)
        field = spec.field
        ok = [f for f in building.floors if float(getattr(f, field)) >= minimum]
        if not ok:
            best = max(building.floors, key=lambda f: float(getattr(f, field)))
            unit = _UNITS[field]
            reasons.append(
                f"{_WORDS.get(field, field)} below the {function} minimum of {_fmt(minimum, unit)} on every floor "
                f"(highest: {_fmt(float(getattr(best, field)), unit)} on level {best.level})"
            )
        passing = [f for f in passing if float(getattr(f, field)) >= minimum]
    if not reasons and not passing:
        needs = " and ".join(
            f"{_WORDS.get(s.field or '', s.field)} >= {_fmt(float(s.value or 0), _UNITS[s.field or ''])}" for s in specs
        )
        reasons.append(f"no floor meets the {function} minimums together ({needs})")
    return reasons, passing


def _veto_reason(building: Building, function: str, spec: VetoSpec) -> tuple[str | None, str | None, str | None]:
    """(veto reason, condition, unchecked note) of one non-floor veto."""
    loc = building.location
    if spec.check == "permitted":
        if function in building.permitted_functions:
            return None, None, None
        if function in building.prospective_functions:
            return None, (
                f"{function} is not permitted yet: it needs a zoning change, which the municipality is "
                "prepared to allow (prospective_functions)"
            ), None
        return (
            f"zoning does not permit {function} and the municipality is not prepared to allow it "
            f"(permitted: {', '.join(sorted(building.permitted_functions))}; prospective: "
            f"{', '.join(sorted(building.prospective_functions)) or 'none'})"
        ), None, None
    if spec.check == "location_false":
        if loc.hazard_contour:
            return (
                f"the location lies inside an external-safety risk contour, where {function} "
                "(a vulnerable use) may not be placed"
            ), None, None
        return None, None, None
    if spec.check == "location_max":
        assert spec.field is not None and isinstance(spec.value, int | float)
        raw = getattr(loc, spec.field)
        unit = _UNITS[spec.field]
        if raw is None:
            return None, None, f"{_WORDS.get(spec.field, spec.field)} unknown: the veto above {spec.value:g} {unit} " \
                               "was not checked"
        if float(raw) > float(spec.value):
            return (
                f"{_WORDS.get(spec.field, spec.field)} of {float(raw):.1f} {unit} is above the {function} maximum "
                f"of {float(spec.value):.1f} {unit}"
            ), None, None
        return None, None, None
    # label_min
    label = building.energy_label
    if label is None:
        return None, None, f"energy label unknown: the label {spec.value} minimum for {function} was not checked"
    if ENERGY_LABELS.index(label) > ENERGY_LABELS.index(str(spec.value)):
        return (
            f"energy label {label} is worse than {spec.value}, the minimum for {function} use "
            "(offices need label C or better since 2023)"
        ), None, None
    return None, None, None


def _ramp(x: float, good: float, poor: float) -> float:
    # One formula for both directions: 0 at poor, 1 at good, linear between, clipped.
    t = (x - poor) / (good - poor)
    return min(1.0, max(0.0, t))


def _floor_mean(floors: Sequence[Floor], field: str, spec: CriterionSpec) -> tuple[float | None, float]:
    known = [(f.area, float(v)) for f in floors if (v := getattr(f, field)) is not None]
    if not known:
        return None, UNKNOWN_POINTS
    total = math.fsum(a for a, _ in known)
    assert spec.good is not None and spec.poor is not None
    value = math.fsum(a * v for a, v in known) / total
    points = math.fsum(a * _ramp(v, spec.good, spec.poor) for a, v in known) / total
    return value, points


def _criterion(
    building: Building,
    usable: Sequence[Floor],
    spec: CriterionSpec,
    scales: Mapping[str, Mapping[str, float]],
    amenities: Mapping[str, int],
) -> CriterionResult:
    field = spec.field
    loc = building.location
    value: bool | float | str | None
    thresholds: dict[str, float]
    if spec.scoring == "category":
        assert spec.scale is not None
        scale = scales[spec.scale]
        thresholds = dict(scale)
        raw = getattr(building, field)
        value = raw
        points = UNKNOWN_POINTS if raw is None else float(scale[raw])
    elif spec.scoring == "bool":
        thresholds = {"true": 1.0, "false": 0.0}
        value = any(f.street_frontage for f in usable)
        points = 1.0 if value else 0.0
    else:
        assert spec.good is not None and spec.poor is not None
        thresholds = {"good": spec.good, "poor": spec.poor}
        if field in FLOOR_FIELDS:
            value, points = _floor_mean(usable, field, spec)
        else:
            number: float | None
            if field == "amenities":
                # An empty dict means nobody counted, not that there is nothing.
                number = float(sum(amenities.get(c, 0) for c in spec.categories)) if amenities else None
            elif field == "elevator":
                upper = [f for f in usable if f.level != 0]
                area = math.fsum(f.area for f in upper)
                number = 1.0 if area == 0 else math.fsum(f.area for f in upper if f.elevator) / area
            elif field == "usable_share":
                number = math.fsum(f.area for f in usable) / building.lettable_area
            elif field == "construction_year":
                number = None if building.construction_year is None else float(building.construction_year)
            else:
                raw_number = getattr(loc, field)
                number = None if raw_number is None else float(raw_number)
            value = number
            points = UNKNOWN_POINTS if number is None else _ramp(number, spec.good, spec.poor)
    return CriterionResult(
        name=spec.name,
        level=spec.level,
        value=value,
        thresholds=thresholds,
        points=points,
        weight=spec.weight,
        known=value is not None,
        unit=_UNITS.get(field, ""),
        source=spec.source,
    )


def _weighted(results: Iterable[CriterionResult]) -> float:
    items = list(results)
    total = math.fsum(c.weight for c in items)
    if total == 0:
        return 0.0
    return min(1.0, max(0.0, math.fsum(c.weight * c.points for c in items) / total))


def _check_function(function: str) -> str:
    if not isinstance(function, str):
        raise TypeError(f"function must be a string, got {function!r}")
    canonical = normalise_tag(function)
    active_vocabulary().check([canonical], "functions")
    return canonical


def potential(building: Building, function: str, *, criteria: AssessmentCriteria | None = None) -> Assessment:
    """Assess the transformation potential of ``building`` for the use ``function``.

    Veto criteria first (any failing: verdict "not suitable", potential 0, reasons
    named), then the gradual criteria, scored and weighted into ``potential``,
    ``location`` and ``building`` in [0, 1]. "conditionally suitable" means no veto
    failed but the function still needs a zoning change, or its potential is below
    ``criteria.suitable_from``.

    Parameters
    ----------
    building
        The object.
    function
        A use function of the active vocabulary (e.g. ``"residential"``).
    criteria
        Criteria tables; the bundled ones by default (see :func:`load_criteria`).

    Examples
    --------
    >>> from objectmatch import Building, Floor, Location
    >>> b = Building(id="b", name="B", asking_rent=100, permitted_functions={"office"},
    ...              prospective_functions={"residential"},
    ...              floors=[Floor(level=0, area=500, free_height=2.9, floor_load=3, depth=12)],
    ...              location=Location(lat=52, lon=5, neighbourhood="X", noise_db=50, transit_distance=300))
    >>> a = potential(b, "residential")
    >>> a.verdict, a.conditions[0][:40]
    ('conditionally suitable', 'residential is not permitted yet: it nee')
    >>> potential(b, "retail").vetoes[0][:48]
    'zoning does not permit retail and the municipali'
    """
    crit = _criteria(validate(AssessOptions, "potential", {"criteria": criteria}).criteria)
    building = as_building(building, "potential")
    function = _check_function(function)
    return _assess(building, function, crit, _building_amenities(building, crit))


def _building_amenities(building: Building, crit: AssessmentCriteria) -> dict[str, int]:
    return _normalise_amenities(building.location.amenities, crit, f"building {building.id!r}:")


def _vetoes(
    building: Building, function: str, crit: AssessmentCriteria
) -> tuple[list[str], list[str], list[str], list[Floor]]:
    """(veto reasons, conditions, unchecked notes, usable floors) of ``function`` in ``building``."""
    table = crit.table(function)
    vetoes: list[str] = []
    conditions: list[str] = []
    unchecked: list[str] = []
    if function not in crit.functions:
        conditions.append(f"no criteria table for {function!r}: assessed with the 'other' table")
    for spec in table.vetoes:
        if spec.check == "floor_min":
            continue
        reason, condition, note = _veto_reason(building, function, spec)
        if reason:
            vetoes.append(reason)
        if condition:
            conditions.append(condition)
        if note:
            unchecked.append(note)
    floor_reasons, usable = _floor_vetoes(building, function, [v for v in table.vetoes if v.check == "floor_min"])
    vetoes.extend(floor_reasons)
    return vetoes, conditions, unchecked, usable


def _assess(building: Building, function: str, crit: AssessmentCriteria, amenities: Mapping[str, int]) -> Assessment:
    """The assessment of a checked ``function``, with the building's amenities already normalised."""
    vetoes, conditions, unchecked, usable = _vetoes(building, function, crit)
    judged = usable if usable else list(building.floors)
    results = [_criterion(building, judged, spec, crit.scales, amenities) for spec in crit.table(function).criteria]
    location = _weighted(c for c in results if c.level == "location")
    building_score = _weighted(c for c in results if c.level == "building")
    score = 0.0 if vetoes else _weighted(results)

    verdict: Verdict
    if vetoes:
        verdict = "not suitable"
    else:
        if score < crit.suitable_from:
            conditions.append(f"potential {score:.2f} is below {crit.suitable_from:.2f}: weak on the criteria")
        verdict = "conditionally suitable" if conditions else "suitable"
    return Assessment(
        building_id=building.id,
        function=function,
        verdict=verdict,
        potential=score,
        location=location,
        building=building_score,
        vetoes=vetoes,
        conditions=conditions,
        unchecked=unchecked,
        criteria=results,
        usable_levels=[f.level for f in usable],
    )


def _functions(functions: Iterable[str] | None) -> list[str]:
    if functions is None:
        return list(active_vocabulary().functions)
    return [_check_function(f) for f in functions]


def assessments(
    building: Building, *, functions: Iterable[str] | None = None, criteria: AssessmentCriteria | None = None
) -> dict[str, Assessment]:
    """:func:`potential` for every function of the active vocabulary (or ``functions``), in vocabulary order.

    Examples
    --------
    >>> from objectmatch import Building, Floor, Location
    >>> b = Building(id="b", name="B", asking_rent=100, permitted_functions={"office"},
    ...              floors=[Floor(level=0, area=100, free_height=3, floor_load=3, depth=14)],
    ...              location=Location(lat=52, lon=5, neighbourhood="X"))
    >>> list(assessments(b))[:3]
    ['residential', 'assembly', 'healthcare']
    """
    return _assessments(building, functions, criteria, "assessments")


def _assessments(
    building: Building, functions: Iterable[str] | None, criteria: AssessmentCriteria | None, caller: str
) -> dict[str, Assessment]:
    """:func:`assessments` on behalf of ``caller`` (the public function the arguments were given to)."""
    opts = validate(AssessOptions, caller, {"functions": functions, "criteria": criteria})
    building, criteria = as_building(building, caller), opts.criteria
    names = _functions(opts.functions)
    key = (id(building), id(criteria), tuple(names), id(active_vocabulary()))
    with _RECENT_LOCK:
        hit = _RECENT.get(key)
    # Models are frozen, so a result cached for this very object stays right; keeping the object in
    # the cache entry keeps its id from being reused while the entry lives.
    if hit is not None and hit[0] is building and hit[1] is criteria:
        return dict(hit[2])
    crit = _criteria(criteria)
    amenities = _building_amenities(building, crit)  # warns once for the building, not once per function
    result = {f: _assess(building, f, crit, amenities) for f in names}
    with _RECENT_LOCK:  # threads share the cache: evicting and inserting must not interleave
        while len(_RECENT) >= _RECENT_SIZE:
            _RECENT.pop(next(iter(_RECENT)))
        _RECENT[key] = (building, criteria, result)
    return dict(result)


_RECENT_SIZE = 64
_RecentKey = tuple[int, int, tuple[str, ...], int]
_RECENT: dict[_RecentKey, tuple[Building, AssessmentCriteria | None, dict[str, Assessment]]] = {}
_RECENT_LOCK = threading.Lock()


def profile(
    building: Building, *, functions: Iterable[str] | None = None, criteria: AssessmentCriteria | None = None
) -> pd.DataFrame:
    """What can this building become? One row per function, highest potential first.

    Columns: ``function``, ``verdict``, ``potential``, ``location``, ``building``,
    ``vetoes`` (how many failed) and ``deciding`` (the veto reasons, else the
    conditions and the weakest criteria, joined by "; "). The index is the function.

    Examples
    --------
    >>> from objectmatch import Building, Floor, Location
    >>> b = Building(id="b", name="B", asking_rent=100, permitted_functions={"office", "retail"},
    ...              floors=[Floor(level=0, area=400, free_height=4.2, floor_load=5, depth=15,
    ...                            street_frontage=True)],
    ...              location=Location(lat=52, lon=5, neighbourhood="X", transit_distance=250))
    >>> p = profile(b)
    >>> len(p), p.loc["residential", "verdict"], p.loc["retail", "verdict"]
    (10, 'not suitable', 'suitable')
    """
    rows = []
    for function, a in _assessments(building, functions, criteria, "profile").items():
        rows.append(
            {
                "function": function,
                "verdict": a.verdict,
                "potential": a.potential,
                "location": a.location,
                "building": a.building,
                "vetoes": len(a.vetoes),
                "deciding": "; ".join(a.deciding),
            }
        )
    frame = pd.DataFrame(rows, columns=["function", "verdict", "potential", "location", "building", "vetoes",
                                        "deciding"])
    frame = frame.sort_values("potential", ascending=False, kind="stable")
    frame.index = pd.Index(frame["function"].tolist())
    return frame


def excluded_functions(
    building: Building, *, functions: Iterable[str] | None = None, criteria: AssessmentCriteria | None = None
) -> dict[str, str]:
    """Function -> why it has no potential in ``building`` (the veto reasons), for vetoed functions only.

    Examples
    --------
    >>> from objectmatch import Building, Floor, Location
    >>> b = Building(id="b", name="B", asking_rent=100, permitted_functions={"office", "sport"},
    ...              floors=[Floor(level=0, area=100, free_height=3, floor_load=3, depth=14)],
    ...              location=Location(lat=52, lon=5, neighbourhood="X"))
    >>> excluded_functions(b)["sport"]
    'floor load below the sport minimum of 5.00 kN/m² on every floor (highest: 3.00 kN/m² on level 0)'
    >>> "office" in excluded_functions(b)
    False
    """
    return {
        f: "; ".join(a.vetoes)
        for f, a in _assessments(building, functions, criteria, "excluded_functions").items()
        if a.vetoes
    }


def potentials(
    building: Building, *, functions: Iterable[str] | None = None, criteria: AssessmentCriteria | None = None
) -> dict[str, float]:
    """Function -> transformation potential in [0, 1] (0 for vetoed functions).

    Examples
    --------
    >>> from objectmatch import Building, Floor, Location
    >>> b = Building(id="b", name="B", asking_rent=100, permitted_functions={"office"},
    ...              floors=[Floor(level=0, area=100, free_height=3, floor_load=3, depth=14)],
    ...              location=Location(lat=52, lon=5, neighbourhood="X"))
    >>> p = potentials(b)
    >>> p["retail"], 0 < p["office"] <= 1
    (0.0, True)
    """
    return {f: a.potential for f, a in _assessments(building, functions, criteria, "potentials").items()}
