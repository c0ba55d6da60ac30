"""Validated, immutable input models: the object (hard side) and its candidate users (soft side).

Every model is a frozen pydantic v2 model: validated once at the boundary,
never mutated afterwards (its mappings are read-only :class:`FrozenDict` s),
exportable as JSON Schema with ``Model.model_json_schema()``. Tags (functions,
identities, values, needs/offers) are checked against the active
:class:`~objectmatch.vocabulary.Vocabulary`, and no tag, function or activity may
name a fixed identity (:mod:`objectmatch.fixed_identity`). Areas are whole square
metres; text fields lose control characters (:func:`~objectmatch._text.clean_text`).
"""

from __future__ import annotations

import json
import math
import numbers
from collections.abc import Iterable, Mapping
from functools import lru_cache
from importlib import resources
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

from objectmatch._frozen import FrozenDict, ReadOnlyMapping
from objectmatch._text import clean_text, short_repr
from objectmatch.schedule import OFFICE_HOURS, Schedule, schedule_from
from objectmatch.vocabulary import (
    PUBLIC_FUNCTIONS,
    active_vocabulary,
    normalise_tag,
    refuse_fixed_identity,
)

__all__ = [
    "ENERGY_LABELS",
    "MAX_AMENITY_COUNT",
    "MAX_AREA",
    "MAX_TRANSIT_DISTANCE",
    "Building",
    "Candidate",
    "Floor",
    "FrozenDict",
    "Location",
    "TagSet",
    "TagWeights",
    "area_weighted_identities",
    "check_unique_buildings",
    "check_unique_ids",
    "default_conversion_costs",
    "repeated_ids",
]

ENERGY_LABELS: tuple[str, ...] = ("A++++", "A+++", "A++", "A+", "A", "B", "C", "D", "E", "F", "G")

#: Largest area of a floor or a space need, m² (a whole number of square metres).
MAX_AREA = 1_000_000
#: Largest walking distance to transit, m: beyond 100 km there is no transit to speak of.
MAX_TRANSIT_DISTANCE = 100_000.0
#: Largest count of one amenity category within walking distance.
MAX_AMENITY_COUNT = 100_000

Weight = Annotated[float, Field(ge=0.0, le=1.0)]
#: tag -> weight in [0, 1], read-only
TagWeights = ReadOnlyMapping[str, Weight]


def _sorted_list(tags: frozenset[str]) -> list[str]:
    return sorted(tags)


#: A set of tags; written to JSON as a sorted list so output is deterministic.
TagSet = Annotated[
    frozenset[str],
    PlainSerializer(_sorted_list, return_type=list[str], when_used="always"),
]


def _clean(value: Any) -> Any:
    """Strings, and strings inside a list, tuple or set, without control characters."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list | tuple | set | frozenset) and any(isinstance(v, str) for v in value):
        return type(value)(clean_text(v) if isinstance(v, str) else v for v in value)
    return value


class _Model(BaseModel):
    """Base of every input model: frozen, strict about extra fields, NaN and control characters."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        allow_inf_nan=False,
        str_strip_whitespace=True,
        validate_default=False,
    )

    @field_validator("*", mode="before")
    @classmethod
    def _no_control_characters(cls, value: Any) -> Any:
        # One place for every text field (ids, names, activity, neighbourhood, ...): a terminal
        # escape or a line break in a name must not reach a report, a table or a log.
        return _clean(value)


def _whole_m2(value: Any, info: ValidationInfo) -> Any:
    """Areas are whole square metres: ``850.0`` is 850, ``850.5`` is refused naming the field."""
    number = value
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            raise ValueError(f"{info.field_name} must be a whole number of m², got {short_repr(value)}") from None
    if isinstance(number, bool):
        raise ValueError(f"{info.field_name} must be a whole number of m², got {short_repr(value)}")
    if isinstance(number, numbers.Real) and not isinstance(number, numbers.Integral):
        as_float = float(number)
        if not math.isfinite(as_float):
            return as_float  # pydantic says it must be finite
        if not as_float.is_integer():
            raise ValueError(f"{info.field_name} must be a whole number of m², got {short_repr(value)}")
        return int(as_float)
    return value


def _tag_str(tag: Any) -> str:
    # normalise_tag raises TypeError, which pydantic would not turn into a ValidationError
    if not isinstance(tag, str):
        raise ValueError(f"tag {short_repr(tag)} is a {type(tag).__name__}, not a string")
    return tag


def _normalise_keys(value: Any) -> Any:
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, weight in value.items():
            canonical = normalise_tag(_tag_str(key))
            if canonical in out:
                raise ValueError(f"tag {short_repr(key)} appears twice (as {short_repr(canonical)})")
            out[canonical] = weight
        return out
    return value


def _normalise_set(value: Any) -> Any:
    if isinstance(value, str):
        value = [t for t in value.replace(";", ",").split(",") if t.strip()]
    if isinstance(value, Iterable) and not isinstance(value, Mapping):
        return frozenset(normalise_tag(_tag_str(t)) for t in value)
    return value


def _vocab_check(tags: Iterable[str], kind: str, info: ValidationInfo) -> None:
    active_vocabulary(info.context).check(tags, kind)


def _functions_check(tags: Iterable[str], field: str, info: ValidationInfo) -> None:
    """Function tags: never a fixed identity (even in a vocabulary that skipped validation), and known."""
    tags = list(tags)
    refuse_fixed_identity(tags, field)
    _vocab_check(tags, "functions", info)


@lru_cache(maxsize=1)
def _conversion_costs() -> dict[str, float]:
    raw = json.loads(resources.files("objectmatch").joinpath("data", "conversion_costs.json").read_text("utf-8"))
    return {normalise_tag(f): float(entry["eur_per_m2"]) for f, entry in raw["costs"].items()}


def default_conversion_costs() -> dict[str, float]:
    """Default cost to convert a vacant Dutch office to each function, EUR per m² lettable area.

    From ``objectmatch/data/conversion_costs.json``: every figure there is an assumption
    (an order of magnitude, with its basis and price year), to be replaced by a quotation or
    calibrated against the public sources the file lists. A new dict on every call.

    Examples
    --------
    >>> costs = default_conversion_costs()
    >>> costs["residential"] > costs["retail"] > 0
    True
    """
    return dict(_conversion_costs())


class Floor(_Model):
    """One level of the object.

    Examples
    --------
    >>> Floor(level=0, area=850.0, free_height=4.2, floor_load=5.0, depth=16, street_frontage=True)
    Floor(level=0, area=850, free_height=4.2, floor_load=5.0, depth=16.0, street_frontage=True, ...)
    >>> Floor(level=0, area=850.5, free_height=4.2, floor_load=5.0, depth=16)
    Traceback (most recent call last):
    ...
    pydantic_core._pydantic_core.ValidationError: 1 validation error for Floor
    area
      Value error, area must be a whole number of m², got 850.5 ...
    """

    level: int = Field(ge=-5, le=200, description="0 = ground floor, negative = basement")
    area: int = Field(gt=0, le=MAX_AREA, description="lettable floor area (VVO), whole m²")
    free_height: float = Field(gt=0, le=30, description="free height floor to ceiling, m")
    floor_load: float = Field(gt=0, le=100, description="permitted imposed floor load, kN/m²")
    depth: float = Field(gt=0, le=200, description="floor-plate depth facade to facade (or to core), m")
    street_frontage: bool = Field(default=False, description="faces the street at entrance level")
    elevator: bool = Field(default=True, description="reachable by lift")
    asking_rent: float | None = Field(
        default=None, gt=0, le=10_000, description="asking rent EUR/m²/yr on this floor; None = building default"
    )
    column_grid: float | None = Field(default=None, gt=0, le=50, description="column spacing, m (None = unknown)")

    @field_validator("area", mode="before")
    @classmethod
    def _area(cls, value: Any, info: ValidationInfo) -> Any:
        return _whole_m2(value, info)


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
    dna: TagWeights = Field(default_factory=FrozenDict, description="present identities -> strength in [0, 1]")
    amenities: ReadOnlyMapping[str, Annotated[int, Field(ge=0, le=MAX_AMENITY_COUNT)]] = Field(
        default_factory=FrozenDict, description="amenity category -> count within walking distance"
    )
    transit_distance: float | None = Field(
        default=None, ge=0, le=MAX_TRANSIT_DISTANCE, description="walking distance to nearest stop, m"
    )
    noise_db: float | None = Field(default=None, ge=0, le=150, description="road/rail noise at the facade, Lden dB")
    hazard_contour: bool = Field(default=False, description="inside an external-safety risk contour")

    @field_validator("dna", mode="before")
    @classmethod
    def _dna_keys(cls, value: Any) -> Any:
        return _normalise_keys(value)

    @field_validator("dna")
    @classmethod
    def _dna_vocab(cls, value: Mapping[str, float], info: ValidationInfo) -> Mapping[str, float]:
        refuse_fixed_identity(value, "dna")
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
    conversion_costs: ReadOnlyMapping[str, Annotated[float, Field(ge=0, le=100_000)]] = Field(
        default_factory=FrozenDict,
        description="function -> cost to convert this object to it, EUR/m² lettable; overrides the defaults",
    )

    @field_validator("permitted_functions", "prospective_functions", mode="before")
    @classmethod
    def _functions_set(cls, value: Any) -> Any:
        return _normalise_set(value)

    @field_validator("permitted_functions", "prospective_functions")
    @classmethod
    def _functions_vocab(cls, value: frozenset[str], info: ValidationInfo) -> frozenset[str]:
        assert info.field_name is not None
        _functions_check(sorted(value), info.field_name, info)
        return value

    @field_validator("conversion_costs", mode="before")
    @classmethod
    def _cost_keys(cls, value: Any) -> Any:
        return _normalise_keys(value)

    @field_validator("conversion_costs")
    @classmethod
    def _cost_functions(cls, value: Mapping[str, float], info: ValidationInfo) -> Mapping[str, float]:
        _functions_check(value, "conversion_costs", info)
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
    def lettable_area(self) -> int:
        """Total lettable area over all floors, whole m²."""
        return sum(f.area for f in self.floors)

    def floor(self, level: int) -> Floor:
        """The floor at ``level``; ``KeyError`` naming the known levels if there is none."""
        for f in self.floors:
            if f.level == level:
                return f
        raise KeyError(f"building {self.id!r} has no floor at level {level}; levels: {list(self.levels)}")

    def rent(self, level: int) -> float:
        """Asking rent on ``level`` (the floor's own, else the building default), EUR/m²/yr."""
        f = self.floor(level)
        return f.asking_rent if f.asking_rent is not None else self.asking_rent

    def conversion_cost(self, function: str) -> float:
        """Cost to convert this object to ``function``, EUR/m² lettable: its own figure, else the default.

        Defaults come from :func:`default_conversion_costs`; a function of an extended vocabulary
        without a default costs as ``"other"``. ``ValueError`` if ``function`` is not known.

        Examples
        --------
        >>> from objectmatch import load_example
        >>> building, _ = load_example()
        >>> building.conversion_cost("residential") == default_conversion_costs()["residential"]
        True
        >>> building.model_copy(update={"conversion_costs": {"residential": 900.0}}).conversion_cost("residential")
        900.0
        """
        if not isinstance(function, str):
            raise TypeError(f"function must be a string, got {short_repr(function)}")
        canonical = normalise_tag(function)
        active_vocabulary().check([canonical], "functions")
        if canonical in self.conversion_costs:
            return float(self.conversion_costs[canonical])
        defaults = _conversion_costs()
        return defaults.get(canonical, defaults["other"])


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
    >>> c.identities["religion"] = 1.0
    Traceback (most recent call last):
    ...
    TypeError: FrozenDict is read-only: build a new mapping, e.g. {**old, 'key': value}
    """

    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    function: str = Field(description="use class, from the vocabulary's functions")
    activity: str = Field(min_length=1, description="finer activity, free text, e.g. 'cafe', 'coworking'")
    identities: TagWeights = Field(default_factory=FrozenDict, description="flexible identities -> weight in [0, 1]")
    values: TagWeights = Field(default_factory=FrozenDict, description="values -> weight in [0, 1]")
    schedule: Schedule = Field(default=OFFICE_HOURS, description="occupancy 7 days x 24 hours, Monday first")
    visitors_per_day: float = Field(default=0.0, ge=0, le=1_000_000)
    noise: int = Field(default=0, ge=0, le=3, description="noise emitted: 0 silent .. 3 loud")
    noise_tolerance: int = Field(default=3, ge=0, le=3, description="noise tolerated: 0 needs quiet .. 3 any")
    needs: TagSet = Field(default_factory=frozenset)
    offers: TagSet = Field(default_factory=frozenset)
    area_min: int = Field(gt=0, le=MAX_AREA, description="smallest area it can use, whole m²")
    area_max: int = Field(gt=0, le=MAX_AREA, description="largest area it wants, whole m²")
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
        _functions_check([value], "function", info)
        return value

    @field_validator("activity")
    @classmethod
    def _activity_flexible(cls, value: str) -> str:
        # Free text becomes a matching feature too (meeting places, reports): read word by word.
        refuse_fixed_identity([value], "activity", kind="text")
        return value

    @field_validator("area_min", "area_max", mode="before")
    @classmethod
    def _area(cls, value: Any, info: ValidationInfo) -> Any:
        return _whole_m2(value, info)

    @field_validator("identities", "values", mode="before")
    @classmethod
    def _weight_keys(cls, value: Any) -> Any:
        return _normalise_keys(value)

    @field_validator("identities", "values")
    @classmethod
    def _weights_vocab(cls, value: Mapping[str, float], info: ValidationInfo) -> Mapping[str, float]:
        assert info.field_name is not None
        refuse_fixed_identity(value, info.field_name)
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
        refuse_fixed_identity(value, info.field_name)
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
        return schedule_from(value)

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


def repeated_ids(ids: Iterable[str | None]) -> list[tuple[str, int, int]]:
    """Every id seen before: ``(id, first position, this position)``, in order; ``None`` ids are skipped.

    The one rule for unique ids; :func:`check_unique_ids` and :func:`check_unique_buildings`
    raise on the first, readers report all of them.

    Examples
    --------
    >>> repeated_ids(["a", "b", "a", None, "b", "a"])
    [('a', 0, 2), ('b', 1, 4), ('a', 0, 5)]
    """
    first: dict[str, int] = {}
    out: list[tuple[str, int, int]] = []
    for i, rid in enumerate(ids):
        if rid is None:
            continue
        if rid in first:
            out.append((rid, first[rid], i))
        else:
            first[rid] = i
    return out


def _unique_ids(items: Iterable[Any], model: type[Any], plural: str, singular: str) -> list[Any]:
    out = list(items)
    for i, item in enumerate(out):
        if not isinstance(item, model):
            raise TypeError(f"{plural}[{i}] is a {type(item).__name__}, not a {model.__name__}")
    repeated = repeated_ids(item.id for item in out)
    if repeated:
        rid, first, i = repeated[0]
        raise ValueError(f"duplicate {singular} id {short_repr(rid)} at positions {first} and {i}")
    return out


def area_weighted_identities(
    placements: Mapping[str, Mapping[int, float]], by_id: Mapping[str, Candidate]
) -> dict[str, float]:
    """The area-weighted identity profile of placed tenants: ``p[t] = sum_i area_i w_it / sum_i area_i``.

    The one home of that profile (programmes, SWOT, outreach read it). Identities with weight 0 are
    left out; sorted strongest first.

    Examples
    --------
    >>> a = Candidate(id="a", name="A", function="sport", activity="gym", identities={"sport": 1.0},
    ...               area_min=100, area_max=300)
    >>> b = Candidate(id="b", name="B", function="assembly", activity="cafe", identities={"food": 1.0},
    ...               area_min=100, area_max=300)
    >>> area_weighted_identities({"a": {0: 300.0}, "b": {0: 100.0}}, {"a": a, "b": b})
    {'sport': 0.75, 'food': 0.25}
    """
    total = 0.0
    acc: dict[str, float] = {}
    for cid, floors in placements.items():
        area = math.fsum(floors.values())
        total += area
        for tag, w in by_id[cid].identities.items():
            acc[tag] = acc.get(tag, 0.0) + area * w
    if total <= 0:
        return {}
    return dict(sorted(((t, v / total) for t, v in acc.items() if v > 0), key=lambda kv: (-kv[1], kv[0])))
