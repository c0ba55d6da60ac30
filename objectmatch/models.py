"""Validated, immutable input models: the object (hard side) and its candidate users (soft side).

Every model is a frozen pydantic v2 model: validated once at the boundary,
never mutated afterwards, exportable as JSON Schema with
``Model.model_json_schema()``. Tags (functions, identities, values,
needs/offers) are checked against the active :class:`~objectmatch.vocabulary.Vocabulary`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationInfo,
    field_validator,
    model_validator,
)

from objectmatch.schedule import OFFICE_HOURS, Schedule, opening_hours
from objectmatch.vocabulary import (
    PUBLIC_FUNCTIONS,
    active_vocabulary,
    fixed_identity_reason,
    normalise_tag,
)

__all__ = [
    "ENERGY_LABELS",
    "Building",
    "Candidate",
    "Floor",
    "Location",
    "TagSet",
    "TagWeights",
    "check_unique_buildings",
    "check_unique_ids",
]

ENERGY_LABELS: tuple[str, ...] = ("A++++", "A+++", "A++", "A+", "A", "B", "C", "D", "E", "F", "G")

Weight = Annotated[float, Field(ge=0.0, le=1.0)]
#: tag -> weight in [0, 1]
TagWeights = dict[str, Weight]


def _sorted_list(tags: frozenset[str]) -> list[str]:
    return sorted(tags)


#: A set of tags; written to JSON as a sorted list so output is deterministic.
TagSet = Annotated[
    frozenset[str],
    PlainSerializer(_sorted_list, return_type=list[str], when_used="always"),
]


class _Model(BaseModel):
    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        allow_inf_nan=False,
        str_strip_whitespace=True,
        validate_default=False,
    )


def _tag_str(tag: Any) -> str:
    # normalise_tag raises TypeError, which pydantic would not turn into a ValidationError
    if not isinstance(tag, str):
        raise ValueError(f"tag {tag!r} is a {type(tag).__name__}, not a string")
    return tag


def _normalise_keys(value: Any) -> Any:
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, weight in value.items():
            canonical = normalise_tag(_tag_str(key))
            if canonical in out:
                raise ValueError(f"tag {key!r} appears twice (as {canonical!r})")
            out[canonical] = weight
        return out
    return value


def _normalise_set(value: Any) -> Any:
    if isinstance(value, str):
        value = [t for t in value.replace(";", ",").split(",") if t.strip()]
    if isinstance(value, Iterable) and not isinstance(value, Mapping):
        return frozenset(normalise_tag(_tag_str(t)) for t in value)
    return value


def _refuse_fixed(tags: Iterable[str], field: str) -> None:
    for tag in tags:
        reason = fixed_identity_reason(tag)
        if reason is not None:
            raise ValueError(f"{field} tag {reason}")


def _vocab_check(tags: Iterable[str], kind: str, info: ValidationInfo) -> None:
    active_vocabulary(info.context).check(tags, kind)


class Floor(_Model):
    """One level of the object.

    Examples
    --------
    >>> Floor(level=0, area=850, free_height=4.2, floor_load=5.0, depth=16, street_frontage=True)
    Floor(level=0, area=850.0, free_height=4.2, floor_load=5.0, depth=16.0, street_frontage=True, ...)
    """

    level: int = Field(ge=-5, le=200, description="0 = ground floor, negative = basement")
    area: float = Field(gt=0, le=1_000_000, description="lettable floor area (VVO), m²")
    free_height: float = Field(gt=0, le=30, description="free height floor to ceiling, m")
    floor_load: float = Field(gt=0, le=100, description="permitted imposed floor load, kN/m²")
    depth: float = Field(gt=0, le=200, description="floor-plate depth facade to facade (or to core), m")
    street_frontage: bool = Field(default=False, description="faces the street at entrance level")
    elevator: bool = Field(default=True, description="reachable by lift")
    asking_rent: float | None = Field(
        default=None, gt=0, le=10_000, description="asking rent EUR/m²/yr on this floor; None = building default"
    )
    column_grid: float | None = Field(default=None, gt=0, le=50, description="column spacing, m (None = unknown)")


class Location(_Model):
    """Where the object stands: coordinates, neighbourhood and its identity profile (DNA).

    Examples
    --------
    >>> loc = Location(lat=52.37, lon=4.9, neighbourhood="Oost", dna={"culture": 0.8, "green": 0.4})
    >>> loc.dna["culture"]
    0.8
    """

    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    neighbourhood: str = Field(min_length=1, description="neighbourhood name or CBS code")
    dna: TagWeights = Field(default_factory=dict, description="present identities -> strength in [0, 1]")
    amenities: dict[str, Annotated[int, Field(ge=0)]] = Field(
        default_factory=dict, description="amenity category -> count within walking distance"
    )
    transit_distance: float | None = Field(default=None, ge=0, description="walking distance to nearest stop, m")
    noise_db: float | None = Field(default=None, ge=0, le=150, description="road/rail noise at the facade, Lden dB")
    hazard_contour: bool = Field(default=False, description="inside an external-safety risk contour")

    @field_validator("dna", mode="before")
    @classmethod
    def _dna_keys(cls, value: Any) -> Any:
        return _normalise_keys(value)

    @field_validator("dna")
    @classmethod
    def _dna_vocab(cls, value: dict[str, float], info: ValidationInfo) -> dict[str, float]:
        _refuse_fixed(value, "dna")
        _vocab_check(value, "identities", info)
        return value

    @field_validator("amenities", mode="before")
    @classmethod
    def _amenity_keys(cls, value: Any) -> Any:
        return _normalise_keys(value)


class Building(_Model):
    """The vacant object: its floors, technical limits, what zoning permits, rent and location.

    Examples
    --------
    >>> from objectmatch import load_example
    >>> building, _ = load_example()
    >>> building.lettable_area > 0 and building.floor(0).street_frontage
    True
    """

    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    floors: tuple[Floor, ...] = Field(min_length=1, description="unique levels, stored sorted by level")
    permitted_functions: TagSet = Field(min_length=1, description="use functions zoning permits")
    asking_rent: float = Field(gt=0, le=10_000, description="default asking rent, EUR/m²/yr")
    construction_year: int | None = Field(default=None, ge=1200, le=2100)
    energy_label: Literal["A++++", "A+++", "A++", "A+", "A", "B", "C", "D", "E", "F", "G"] | None = None
    location: Location
    prospective_functions: TagSet = Field(
        default_factory=frozenset,
        description="functions not permitted now that the municipality is prepared to allow",
    )
    core_position: Literal["central", "side", "corner", "multiple"] | None = None

    @field_validator("permitted_functions", "prospective_functions", mode="before")
    @classmethod
    def _functions_set(cls, value: Any) -> Any:
        return _normalise_set(value)

    @field_validator("permitted_functions", "prospective_functions")
    @classmethod
    def _functions_vocab(cls, value: frozenset[str], info: ValidationInfo) -> frozenset[str]:
        _vocab_check(sorted(value), "functions", info)
        return value

    @field_validator("floors")
    @classmethod
    def _unique_levels(cls, floors: tuple[Floor, ...]) -> tuple[Floor, ...]:
        seen: set[int] = set()
        for floor in floors:
            if floor.level in seen:
                raise ValueError(f"duplicate floor level {floor.level}: each level appears once")
            seen.add(floor.level)
        return tuple(sorted(floors, key=lambda f: f.level))

    # -- derived views -------------------------------------------------------------
    @property
    def levels(self) -> tuple[int, ...]:
        """Floor levels, lowest first."""
        return tuple(f.level for f in self.floors)

    @property
    def lettable_area(self) -> float:
        """Total lettable area over all floors, m²."""
        return math.fsum(f.area for f in self.floors)

    def floor(self, level: int) -> Floor:
        """The floor at ``level``; ``KeyError`` naming the known levels if there is none."""
        for f in self.floors:
            if f.level == level:
                return f
        raise KeyError(f"building {self.id!r} has no floor at level {level}; levels: {list(self.levels)}")

    def conversion_cost(self, function: str) -> float:  # placeholder until the conversion-cost data lands
        """Conversion cost to ``function``, EUR/m²."""
        return 0.0

    def rent(self, level: int) -> float:
        """Asking rent on ``level`` (the floor's own, else the building default), EUR/m²/yr."""
        f = self.floor(level)
        return f.asking_rent if f.asking_rent is not None else self.asking_rent


class Candidate(_Model):
    """A prospective user of the object: what it is, does, needs, offers and can pay.

    ``schedule`` accepts 7 x 24 occupancy values, or opening hours as a string
    such as ``"mon-fri 08-18; sat 10-16"`` (see :func:`objectmatch.schedule.opening_hours`).

    Examples
    --------
    >>> c = Candidate(id="cafe-1", name="Buurtcafe", function="assembly", activity="cafe",
    ...               identities={"food": 1.0, "community": 0.8}, schedule="daily 08-23",
    ...               noise=2, needs={"foot_traffic"}, offers={"catering"},
    ...               area_min=150, area_max=300, needs_ground_floor=True, pioneer=True)
    >>> c.is_public, c.schedule[6][22]
    (True, 1.0)
    """

    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    function: str = Field(description="use class, from the vocabulary's functions")
    activity: str = Field(min_length=1, description="finer activity, free text, e.g. 'cafe', 'coworking'")
    identities: TagWeights = Field(default_factory=dict, description="flexible identities -> weight in [0, 1]")
    values: TagWeights = Field(default_factory=dict, description="values -> weight in [0, 1]")
    schedule: Schedule = Field(default=OFFICE_HOURS, description="occupancy 7 days x 24 hours, Monday first")
    visitors_per_day: float = Field(default=0.0, ge=0, le=1_000_000)
    noise: int = Field(default=0, ge=0, le=3, description="noise emitted: 0 silent .. 3 loud")
    noise_tolerance: int = Field(default=3, ge=0, le=3, description="noise tolerated: 0 needs quiet .. 3 any")
    needs: TagSet = Field(default_factory=frozenset)
    offers: TagSet = Field(default_factory=frozenset)
    area_min: float = Field(gt=0, le=1_000_000, description="smallest area it can use, m²")
    area_max: float = Field(gt=0, le=1_000_000, description="largest area it wants, m²")
    max_floors: int = Field(default=1, ge=1, le=200, description="floors it may span (contiguous)")
    needs_ground_floor: bool = False
    min_free_height: float = Field(default=0.0, ge=0, le=30, description="m")
    min_floor_load: float = Field(default=0.0, ge=0, le=100, description="kN/m²")
    max_rent: float | None = Field(default=None, gt=0, le=10_000, description="EUR/m²/yr it can pay")
    pioneer: bool = Field(default=False, description="causes encounters: entrepreneur, community maker")
    incompatible: TagSet = Field(
        default_factory=frozenset, description="ids of candidates it refuses to share the object with"
    )

    @field_validator("function", mode="before")
    @classmethod
    def _function_tag(cls, value: Any) -> Any:
        return normalise_tag(value) if isinstance(value, str) else value

    @field_validator("function")
    @classmethod
    def _function_vocab(cls, value: str, info: ValidationInfo) -> str:
        _vocab_check([value], "functions", info)
        return value

    @field_validator("identities", "values", mode="before")
    @classmethod
    def _weight_keys(cls, value: Any) -> Any:
        return _normalise_keys(value)

    @field_validator("identities", "values")
    @classmethod
    def _weights_vocab(cls, value: dict[str, float], info: ValidationInfo) -> dict[str, float]:
        assert info.field_name is not None
        _refuse_fixed(value, info.field_name)
        _vocab_check(value, "identities" if info.field_name == "identities" else "values", info)
        return value

    @field_validator("needs", "offers", mode="before")
    @classmethod
    def _tag_set(cls, value: Any) -> Any:
        return _normalise_set(value)

    @field_validator("needs", "offers")
    @classmethod
    def _tags_vocab(cls, value: frozenset[str], info: ValidationInfo) -> frozenset[str]:
        assert info.field_name is not None
        _refuse_fixed(value, info.field_name)
        _vocab_check(sorted(value), "needs_offers", info)
        return value

    @field_validator("incompatible", mode="before")
    @classmethod
    def _id_set(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [t.strip() for t in value.replace(";", ",").split(",") if t.strip()]
        return value

    @field_validator("schedule", mode="before")
    @classmethod
    def _schedule(cls, value: Any) -> Any:
        if isinstance(value, str | Mapping):
            return opening_hours(value)
        if isinstance(value, Sequence) or hasattr(value, "tolist"):
            rows = value.tolist() if hasattr(value, "tolist") else list(value)
            shape_rows = [len(r) if isinstance(r, Sequence) else None for r in rows]
            if len(rows) != 7 or any(n != 24 for n in shape_rows):
                raise ValueError(
                    f"schedule must be 7 days x 24 hours, got {len(rows)} rows of lengths {shape_rows}"
                )
            for d, row in enumerate(rows):
                for h, v in enumerate(row):
                    if isinstance(v, bool) or not isinstance(v, int | float):
                        raise ValueError(f"schedule[{d}][{h}] = {v!r} is not a number")
                    if not (0.0 <= float(v) <= 1.0):  # also false for NaN
                        raise ValueError(f"schedule[{d}][{h}] = {v!r} is outside [0, 1]")
            return tuple(tuple(float(v) for v in row) for row in rows)
        return value

    @model_validator(mode="after")
    def _areas(self) -> Candidate:
        if self.area_min > self.area_max:
            raise ValueError(f"area_min {self.area_min} is larger than area_max {self.area_max}")
        if self.id in self.incompatible:
            raise ValueError(f"incompatible lists the candidate's own id {self.id!r}")
        return self

    @property
    def is_public(self) -> bool:
        """Open to the public (assembly, retail, sport, education, healthcare): can be a heart."""
        return self.function in PUBLIC_FUNCTIONS

    @property
    def hours_open(self) -> float:
        """Occupied hours per week (sum of the schedule)."""
        return math.fsum(v for row in self.schedule for v in row)


def check_unique_ids(candidates: Iterable[Candidate]) -> list[Candidate]:
    """Return ``candidates`` as a list, raising ``ValueError`` if two share an id.

    Examples
    --------
    >>> a = Candidate(id="a", name="A", function="office", activity="studio", area_min=50, area_max=80)
    >>> check_unique_ids([a, a])
    Traceback (most recent call last):
    ...
    ValueError: duplicate candidate id 'a' at positions 0 and 1
    """
    return _unique_ids(candidates, Candidate, "candidates", "candidate")


def check_unique_buildings(buildings: Iterable[Building]) -> list[Building]:
    """Return ``buildings`` as a list, raising ``ValueError`` if two share an id (a portfolio)."""
    return _unique_ids(buildings, Building, "buildings", "building")


def _unique_ids(items: Iterable[Any], model: type[Any], plural: str, singular: str) -> list[Any]:
    out = list(items)
    first: dict[str, int] = {}
    for i, item in enumerate(out):
        if not isinstance(item, model):
            raise TypeError(f"{plural}[{i}] is a {type(item).__name__}, not a {model.__name__}")
        if item.id in first:
            raise ValueError(f"duplicate {singular} id {item.id!r} at positions {first[item.id]} and {i}")
        first[item.id] = i
    return out
