"""The neighbourhood as a network organisation: the onion model's four layers and the DNA they give."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from importlib import resources
from typing import TYPE_CHECKING, Any

from pydantic import Field, ValidationInfo, field_validator

from objectmatch.culture._common import _check_tags, _Model, _normalise_keys
from objectmatch.models import Candidate, FrozenDict, Location, TagWeights
from objectmatch.vocabulary import Vocabulary, active_vocabulary

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from objectmatch.culture.network import IdentityNetwork

__all__ = ["LAYER_WEIGHTS", "Hero", "NeighbourhoodProfile", "Ritual", "Symbol", "example_profile"]

#: Weight of each onion layer in the DNA, outer to inner: inner layers say more about who a place is.
LAYER_WEIGHTS: Mapping[str, float] = {"symbols": 1.0, "heroes": 2.0, "rituals": 3.0, "values": 4.0}

#: Rituals held this often per year or more count fully in the DNA; rarer ones count from half.
_FULL_FREQUENCY = 12.0


class _Carrier(_Model):
    name: str = Field(min_length=1)
    identities: TagWeights = Field(min_length=1, description="flexible identities -> weight in [0, 1]")

    @field_validator("identities", mode="before")
    @classmethod
    def _keys(cls, value: Any) -> Any:
        return _normalise_keys(value)

    @field_validator("identities")
    @classmethod
    def _vocab(cls, value: Mapping[str, float], info: ValidationInfo) -> Mapping[str, float]:
        _check_tags(value, "identities", f"{cls.__name__.lower()} identities", info)
        return value

    @property
    def dna_factor(self) -> float:
        """Multiplier of this carrier's contribution within its layer (1 unless said otherwise)."""
        return 1.0


class Symbol(_Carrier):
    """Outer layer: a place or landmark that stands for the neighbourhood (park, market hall, church).

    Examples
    --------
    >>> Symbol(name="Park", identities={"green": 1.0, "sport": 0.5}).identities["green"]
    1.0
    """


class Hero(_Carrier):
    """Second layer: a pioneer or key organisation whose actions cause encounters.

    Examples
    --------
    >>> Hero(name="Running club", identities={"sport": 1.0}, pioneer=True).pioneer
    True
    """

    pioneer: bool = Field(default=False, description="an entrepreneur or community maker who causes encounters")


class Ritual(_Carrier):
    """Third layer: a recurring activity or event (market day, park run, festival).

    ``per_year`` is how often it is held; a ritual held monthly or more counts fully in the DNA,
    a rarer one counts ``0.5 + 0.5 * per_year / 12`` (a yearly festival still marks a place).

    Examples
    --------
    >>> Ritual(name="Summer festival", identities={"culture": 1.0}, per_year=6).dna_factor
    0.75
    """

    per_year: float | None = Field(default=None, gt=0, le=8784, description="times held per year; None = regular")
    when: str | None = Field(default=None, description="free-text schedule, e.g. 'every Saturday 09-14'")

    @property
    def dna_factor(self) -> float:
        """``1`` when held monthly or more (or unknown), else ``0.5 + 0.5 * per_year / 12``."""
        if self.per_year is None:
            return 1.0
        return 0.5 + 0.5 * min(self.per_year, _FULL_FREQUENCY) / _FULL_FREQUENCY


class NeighbourhoodProfile(_Model):
    """A neighbourhood as a network organisation: the four layers of the onion model.

    Outer to inner: ``symbols`` (places, landmarks), ``heroes`` (pioneers and key
    organisations), ``rituals`` (recurring activities and events) and ``values`` (core values
    with weights, from the values vocabulary). Identities are checked against the active
    vocabulary; fixed-identity tags are refused. :meth:`dna` derives the identity profile that
    :class:`~objectmatch.models.Location` carries, so a user can give the DNA directly or build
    it from the layers.

    Examples
    --------
    >>> profile = NeighbourhoodProfile(
    ...     name="Oosterpark",
    ...     symbols=[Symbol(name="Park", identities={"green": 1.0, "sport": 0.5})],
    ...     heroes=[Hero(name="Running club", identities={"sport": 1.0, "health": 1.0}, pioneer=True)],
    ...     rituals=[{"name": "Park run", "identities": {"sport": 1.0}, "per_year": 52}],
    ...     values={"openness": 0.8},
    ... )
    >>> profile.dna()
    {'green': 0.1818..., 'health': 0.3636..., 'sport': 1.0}
    >>> profile.to_location(52.36, 4.92).dna == profile.dna()
    True
    """

    name: str = Field(min_length=1, description="neighbourhood name or CBS code")
    description: str = ""
    symbols: tuple[Symbol, ...] = ()
    heroes: tuple[Hero, ...] = ()
    rituals: tuple[Ritual, ...] = ()
    values: TagWeights = Field(default_factory=FrozenDict, description="core values -> weight in [0, 1]")

    @field_validator("values", mode="before")
    @classmethod
    def _value_keys(cls, value: Any) -> Any:
        return _normalise_keys(value)

    @field_validator("values")
    @classmethod
    def _value_vocab(cls, value: Mapping[str, float], info: ValidationInfo) -> Mapping[str, float]:
        _check_tags(value, "values", "values", info)
        return value

    @field_validator("symbols", "heroes", "rituals")
    @classmethod
    def _unique_names(cls, items: tuple[_Carrier, ...], info: ValidationInfo) -> tuple[_Carrier, ...]:
        seen: set[str] = set()
        for item in items:
            if item.name in seen:
                raise ValueError(f"{info.field_name} lists {item.name!r} twice: names are unique within a layer")
            seen.add(item.name)
        return items

    # -- derived views ---------------------------------------------------------------------
    def layers(self) -> Iterator[tuple[str, _Carrier]]:
        """Every carrier with its layer name, outer layer first."""
        for layer in ("symbols", "heroes", "rituals"):
            for item in getattr(self, layer):
                yield layer, item

    @property
    def pioneers(self) -> tuple[Hero, ...]:
        """The heroes marked as pioneers."""
        return tuple(h for h in self.heroes if h.pioneer)

    @property
    def identities(self) -> tuple[str, ...]:
        """Every identity some carrier carries, sorted."""
        return tuple(sorted({tag for _, item in self.layers() for tag in item.identities}))

    def dna(self, vocabulary: Vocabulary | None = None) -> dict[str, float]:
        """The neighbourhood's identity profile: identity -> strength in [0, 1], sorted by identity.

        ``raw[i] = sum over layers L of LAYER_WEIGHTS[L] * sum over carriers c in L of f(c) * w(c, i)``
        with ``f`` the ritual frequency factor (1 for symbols and heroes); a core value whose name is
        also an identity of ``vocabulary`` (default: the active one), such as ``'sustainability'`` or
        ``'health'``, adds ``LAYER_WEIGHTS['values'] * weight``. The DNA is ``raw / max(raw)``, so the
        strongest identity is 1; identities with no contribution are left out.

        Examples
        --------
        >>> NeighbourhoodProfile(name="Empty").dna()
        {}
        """
        raw: dict[str, float] = {}
        for layer, item in self.layers():
            factor = LAYER_WEIGHTS[layer] * item.dna_factor
            for tag, weight in item.identities.items():
                raw[tag] = raw.get(tag, 0.0) + factor * weight
        known = frozenset((vocabulary or active_vocabulary()).identities)
        for tag, weight in self.values.items():
            if tag in known:
                raw[tag] = raw.get(tag, 0.0) + LAYER_WEIGHTS["values"] * weight
        top = max(raw.values(), default=0.0)
        if top <= 0.0:
            return {}
        dna = {tag: raw[tag] / top for tag in sorted(raw)}
        return {tag: value for tag, value in dna.items() if value > 0.0}

    def to_location(self, lat: float, lon: float, **fields: Any) -> Location:
        """A new :class:`~objectmatch.models.Location` named after this neighbourhood, with its DNA.

        Other ``Location`` fields (``amenities``, ``transit_distance``, ...) pass through ``fields``.

        Examples
        --------
        >>> NeighbourhoodProfile(name="Oost").to_location(52.36, 4.92, transit_distance=250).neighbourhood
        'Oost'
        """
        if "dna" in fields:
            raise ValueError("to_location derives dna from the profile; build Location(...) directly to give it")
        data = {"lat": lat, "lon": lon, "neighbourhood": self.name, **fields, "dna": self.dna()}
        return Location.model_validate(data)

    def with_dna(self, location: Location) -> Location:
        """A copy of ``location`` whose DNA is this profile's (the input is not changed).

        Examples
        --------
        >>> loc = Location(lat=52.0, lon=4.0, neighbourhood="X", dna={"tech": 1.0})
        >>> profile = NeighbourhoodProfile(name="X", symbols=[Symbol(name="Lab", identities={"knowledge": 1})])
        >>> profile.with_dna(loc).dna, loc.dna
        ({'knowledge': 1.0}, {'tech': 1.0})
        """
        return Location.model_validate({**location.model_dump(), "dna": self.dna()})

    def network(self, candidates: Iterable[Candidate] = (), **options: Any) -> IdentityNetwork:
        """The identity network of this neighbourhood and ``candidates`` (see
        :meth:`IdentityNetwork.from_profile`)."""
        from objectmatch.culture.network import IdentityNetwork  # network.py imports this module

        return IdentityNetwork.from_profile(self, candidates, **options)

    def to_frame(self) -> pd.DataFrame:
        """One row per (layer, carrier, identity) with its weight and DNA factor."""
        import pandas as pd

        rows = [
            {"layer": layer, "name": item.name, "identity": tag, "weight": weight, "factor": item.dna_factor}
            for layer, item in self.layers()
            for tag, weight in item.identities.items()
        ]
        return pd.DataFrame(rows, columns=["layer", "name", "identity", "weight", "factor"])


def example_profile() -> NeighbourhoodProfile:
    """The neighbourhood profile of the bundled example building (``data/example_neighbourhood.json``).

    Examples
    --------
    >>> profile = example_profile()
    >>> max(profile.dna().values())
    1.0
    """
    text = resources.files("objectmatch").joinpath("data", "example_neighbourhood.json").read_text("utf-8")
    return NeighbourhoodProfile.model_validate(json.loads(text))
