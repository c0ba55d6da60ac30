"""Vocabularies: the words candidates, buildings and neighbourhoods may use.

Functions (use classes), flexible identities, values and the needs/offers taxonomy are
data, not code. :class:`Vocabulary` holds one set of each, with the *reach* of every
need/offer (building, floor or street) and the activities that make a meeting place;
the defaults below are a starting point that a user can extend or replace. Models are
validated against the *active* vocabulary (see :func:`use_vocabulary`) or against one
passed in the pydantic validation context under the key ``"vocabulary"``.

Fixed identity (who people are: origin, ethnicity, nationality, religion, gender,
sexual orientation, age group) is never a valid tag, whatever the vocabulary says:
objectmatch matches on what people *do*, after the connected-identity method (DESIGN §1).
The rule and its multilingual lexicon live in :mod:`objectmatch.fixed_identity`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from importlib import resources
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from objectmatch._frozen import FrozenDict, ReadOnlyMapping
from objectmatch._text import normalise_tag, short_repr, words
from objectmatch.fixed_identity import fixed_identity_lexicon, fixed_identity_reason, refuse_fixed_identity

__all__ = [
    "DEFAULT_FUNCTIONS",
    "DEFAULT_IDENTITIES",
    "DEFAULT_MEETING_ACTIVITIES",
    "DEFAULT_NEEDS_OFFERS",
    "DEFAULT_OFFER_REACH",
    "DEFAULT_VALUES",
    "FIXED_IDENTITY_TERMS",
    "PUBLIC_FUNCTIONS",
    "REACHES",
    "ObjectmatchWarning",
    "Reach",
    "Vocabulary",
    "active_vocabulary",
    "fixed_identity_reason",
    "is_meeting_place",
    "normalise_tag",
    "refuse_fixed_identity",
    "use_vocabulary",
]


class ObjectmatchWarning(UserWarning):
    """Base of objectmatch's warnings: input that was used, but probably not as meant."""


#: Use classes after the Dutch building register's use functions (gebruiksfuncties).
DEFAULT_FUNCTIONS: tuple[str, ...] = (
    "residential",  # woonfunctie
    "assembly",  # bijeenkomstfunctie
    "healthcare",  # gezondheidszorgfunctie
    "industrial",  # industriefunctie
    "office",  # kantoorfunctie
    "lodging",  # logiesfunctie
    "education",  # onderwijsfunctie
    "sport",  # sportfunctie
    "retail",  # winkelfunctie
    "other",  # overige gebruiksfunctie
)

#: Functions open to the public: they can form a building's heart on a street-facing floor.
PUBLIC_FUNCTIONS: frozenset[str] = frozenset({"assembly", "retail", "sport", "education", "healthcare"})

#: Flexible identities: what people do, study, make, play and care about.
DEFAULT_IDENTITIES: tuple[str, ...] = (
    "knowledge",
    "culture",
    "art",
    "music",
    "making",
    "craft",
    "design",
    "tech",
    "media",
    "sport",
    "health",
    "wellbeing",
    "green",
    "sustainability",
    "food",
    "care",
    "play",
    "learning",
    "community",
    "entrepreneurship",
    "nightlife",
    "heritage",
    "hospitality",
    "living",
)

#: Values a user holds: how they work and what they stand for.
DEFAULT_VALUES: tuple[str, ...] = (
    "sustainability",
    "openness",
    "craftsmanship",
    "innovation",
    "inclusiveness",
    "quality",
    "calm",
    "hospitality",
    "cooperation",
    "creativity",
    "health",
    "learning",
    "entrepreneurship",
    "diversity",
    "safety",
    "independence",
    "tradition",
    "playfulness",
    "solidarity",
    "affordability",
    "locality",
    "transparency",
)

#: One taxonomy for what users need and what they offer.
DEFAULT_NEEDS_OFFERS: tuple[str, ...] = (
    "foot_traffic",
    "catering",
    "meeting_rooms",
    "event_space",
    "childcare",
    "workshop",
    "storage",
    "quiet",
    "evening_life",
    "daytime_life",
    "weekend_life",
    "customers",
    "students",
    "talent",
    "mentoring",
    "healthcare",
    "fitness",
    "retail",
    "exhibition_space",
    "stage",
    "green_space",
    "bike_parking",
    "logistics",
    "security",
    "reception",
    "coworking",
    "internet",
    "volunteers",
)

#: Where an offer reaches: every floor, the same floor only, or only from and to the street.
Reach = Literal["building", "floor", "street"]
REACHES: tuple[str, ...] = get_args(Reach)


def _data(name: str) -> Any:
    return json.loads(resources.files("objectmatch").joinpath("data", name).read_text("utf-8"))


def _load_reach() -> tuple[str, dict[str, str]]:
    raw = _data("offer_reach.json")
    default = raw["default"]
    reach = {normalise_tag(tag): entry["reach"] for tag, entry in raw["reach"].items()}
    for tag, where in [("default", default), *reach.items()]:
        if where not in REACHES:
            raise ValueError(f"offer_reach.json: {tag} has reach {where!r}, not one of {REACHES}")
    return default, reach


_DEFAULT_REACH, _REACH = _load_reach()
#: Reach of each default need/offer tag (data: ``objectmatch/data/offer_reach.json``, reasons there).
DEFAULT_OFFER_REACH: Mapping[str, Reach] = FrozenDict(_REACH)  # type: ignore[arg-type]
#: Activities that make a meeting place (data: ``objectmatch/data/meeting_activities.json``).
DEFAULT_MEETING_ACTIVITIES: tuple[str, ...] = tuple(
    dict.fromkeys(normalise_tag(t) for t in _data("meeting_activities.json")["meeting_activities"])
)

#: Single words of the fixed-identity lexicon -> category (read-only; the lexicon itself also holds
#: multiword forms, compound stems and the context rules: :func:`objectmatch.fixed_identity.fixed_identity_lexicon`).
FIXED_IDENTITY_TERMS: Mapping[str, str] = FrozenDict(
    {form: category for form, (_, category) in fixed_identity_lexicon().forms.items() if "_" not in form}
)

_SINGULAR = {
    "functions": "function",
    "identities": "identity",
    "values": "value",
    "needs_offers": "need/offer",
    "meeting_activities": "meeting activity",
}
_TAG_KINDS = ("functions", "identities", "values", "needs_offers", "meeting_activities")
#: Most known words an "unknown tag" message lists.
_LIST_LIMIT = 40


def _known(words_: tuple[str, ...]) -> str:
    shown = ", ".join(words_[:_LIST_LIMIT])
    more = len(words_) - _LIST_LIMIT
    return shown if more <= 0 else f"{shown}, ... ({more} more)"


class Vocabulary(BaseModel):
    """The words in use: functions, flexible identities, values and the needs/offers taxonomy.

    Build one from the defaults with :meth:`default`, add words with
    :meth:`extend`, and make it the active vocabulary for validation with
    :func:`use_vocabulary`. No tag of any kind may name a fixed identity.

    ``offer_reach`` says where each need/offer reaches ("building", "floor" or "street";
    every needs_offers tag has one, "building" unless the defaults or ``reach=`` say otherwise)
    and ``meeting_activities`` lists the activities that make a meeting place
    (see :func:`is_meeting_place`).

    Examples
    --------
    >>> vocab = Vocabulary.default().extend(identities=["skateboarding"])
    >>> "skateboarding" in vocab.identities
    True
    >>> vocab.reach("foot_traffic"), vocab.reach("catering"), vocab.reach("quiet")
    ('street', 'building', 'floor')
    >>> Vocabulary.default().extend(functions=["moslim_school"])
    Traceback (most recent call last):
    ...
    pydantic_core._pydantic_core.ValidationError: 1 validation error for Vocabulary
    ...
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    functions: tuple[str, ...] = DEFAULT_FUNCTIONS
    identities: tuple[str, ...] = DEFAULT_IDENTITIES
    values: tuple[str, ...] = DEFAULT_VALUES
    needs_offers: tuple[str, ...] = DEFAULT_NEEDS_OFFERS
    offer_reach: ReadOnlyMapping[str, Reach] = Field(
        default=DEFAULT_OFFER_REACH, description="need/offer tag -> where the offer reaches"
    )
    meeting_activities: tuple[str, ...] = Field(
        default=DEFAULT_MEETING_ACTIVITIES, description="activities that make a meeting place"
    )

    @field_validator(*_TAG_KINDS, mode="before")
    @classmethod
    def _normalise(cls, value: Any) -> Any:
        if isinstance(value, str):
            raise ValueError(f"expected a list of tags, got the string {short_repr(value)}")
        if not isinstance(value, Iterable):
            return value
        out: list[str] = []
        seen: set[str] = set()
        for tag in value:
            if not isinstance(tag, str):  # a TypeError would escape pydantic's error report
                raise ValueError(f"tag {short_repr(tag)} is a {type(tag).__name__}, not a string")
            canonical = normalise_tag(tag)
            if canonical not in seen:
                seen.add(canonical)
                out.append(canonical)
        return tuple(out)

    @field_validator(*_TAG_KINDS)
    @classmethod
    def _no_fixed_identity(cls, value: tuple[str, ...], info: Any) -> tuple[str, ...]:
        refuse_fixed_identity(value, f"vocabulary {info.field_name}")
        return value

    @field_validator("offer_reach", mode="before")
    @classmethod
    def _reach_keys(cls, value: Any) -> Any:
        if isinstance(value, Mapping):
            out: dict[str, Any] = {}
            for tag, where in value.items():
                if not isinstance(tag, str):
                    raise ValueError(f"tag {short_repr(tag)} is a {type(tag).__name__}, not a string")
                out[normalise_tag(tag)] = where
            return out
        return value

    @model_validator(mode="after")
    def _every_offer_has_a_reach(self) -> Vocabulary:
        given = dict(self.offer_reach) if "offer_reach" in self.model_fields_set else {}
        stray = [t for t in given if t not in self.needs_offers]
        if stray:
            raise ValueError(
                f"offer_reach names {', '.join(map(short_repr, stray[:5]))}, not in needs_offers; "
                "add them to needs_offers first"
            )
        full = {t: given.get(t, _REACH.get(t, _DEFAULT_REACH)) for t in self.needs_offers}
        if full != self.offer_reach:
            # Filled in once here, so that every needs_offers tag has a reach; the model is frozen after.
            object.__setattr__(self, "offer_reach", FrozenDict(full))
        return self

    @classmethod
    def default(cls) -> Vocabulary:
        """The default vocabulary."""
        return cls()

    def extend(
        self,
        *,
        functions: Iterable[str] = (),
        identities: Iterable[str] = (),
        values: Iterable[str] = (),
        needs_offers: Iterable[str] = (),
        reach: Mapping[str, str] | None = None,
        meeting_activities: Iterable[str] = (),
    ) -> Vocabulary:
        """Return a new vocabulary with extra words added (order kept, duplicates dropped).

        New needs/offers reach the whole building unless ``reach`` (tag -> "building", "floor"
        or "street") says otherwise; ``reach`` may also change the reach of a known tag.

        Examples
        --------
        >>> v = Vocabulary.default().extend(needs_offers=["darkroom"], reach={"darkroom": "floor"})
        >>> v.reach("darkroom"), Vocabulary.default().extend(needs_offers=["lab"]).reach("lab")
        ('floor', 'building')
        """
        return Vocabulary(
            functions=(*self.functions, *functions),
            identities=(*self.identities, *identities),
            values=(*self.values, *values),
            needs_offers=(*self.needs_offers, *needs_offers),
            offer_reach={**self.offer_reach, **(reach or {})},
            meeting_activities=(*self.meeting_activities, *meeting_activities),
        )

    def check(self, tags: Iterable[str], kind: str) -> None:
        """Raise ``ValueError`` naming the first tag of ``kind`` this vocabulary lacks."""
        known: tuple[str, ...] = getattr(self, kind)
        known_set = frozenset(known)
        for tag in tags:
            if tag not in known_set:
                shown = short_repr(tag)
                raise ValueError(
                    f"unknown {_SINGULAR.get(kind, kind)} {shown}; known: {_known(known)}. Extend the "
                    f"vocabulary (Vocabulary.default().extend({kind}=[{shown}])) to use a new one"
                )

    def reach(self, tag: str) -> Reach:
        """Where the need/offer ``tag`` reaches: "building", "floor" or "street".

        Raises ``ValueError`` if ``tag`` is not one of this vocabulary's needs/offers.
        """
        canonical = normalise_tag(tag)
        self.check([canonical], "needs_offers")
        return self.offer_reach[canonical]


def is_meeting_place(activity: str, vocabulary: Vocabulary | None = None) -> bool:
    """Does ``activity`` (free text) make a meeting place: somewhere people drop in, stay and meet?

    The text is normalised (case, accents, separators) and matches when it is one of the
    vocabulary's ``meeting_activities`` (default: the active vocabulary's), ends with one
    (a head word: ``"neighbourhood cafe"``), or its last word is a compound ending with one
    of at least four letters (``"buurtcafe"``). A GP practice is not a meeting place.

    Examples
    --------
    >>> is_meeting_place("Café"), is_meeting_place("Library branch"), is_meeting_place("Neighbourhood cafe")
    (True, True, True)
    >>> is_meeting_place("GP practice"), is_meeting_place("coworking")
    (False, False)
    """
    if not isinstance(activity, str):
        raise TypeError(f"activity must be a string, got {short_repr(activity)}")
    vocab = vocabulary if vocabulary is not None else active_vocabulary()
    return _meets(words(activity), frozenset(vocab.meeting_activities))


def _meets(parts: list[str], meeting: frozenset[str]) -> bool:
    if not parts:
        return False
    if any("_".join(parts[i:]) in meeting for i in range(len(parts))):
        return True
    last = parts[-1]
    return any(last.endswith(m) for m in meeting if len(m) >= 4 and "_" not in m)


_DEFAULT = Vocabulary()
_ACTIVE: ContextVar[Vocabulary] = ContextVar("objectmatch_vocabulary")


def active_vocabulary(context: Mapping[str, Any] | None = None) -> Vocabulary:
    """The vocabulary in force: the validation context's, else the one set by :func:`use_vocabulary`."""
    if context:
        vocab = context.get("vocabulary")
        if isinstance(vocab, Vocabulary):
            return vocab
    return _ACTIVE.get(_DEFAULT)


@contextmanager
def use_vocabulary(vocabulary: Vocabulary) -> Iterator[Vocabulary]:
    """Validate models against ``vocabulary`` inside a ``with`` block.

    Examples
    --------
    >>> from objectmatch import Candidate
    >>> vocab = Vocabulary.default().extend(identities=["skateboarding"])
    >>> with use_vocabulary(vocab):
    ...     c = Candidate(id="sk8", name="Skate hall", function="sport", activity="skatepark",
    ...                   identities={"skateboarding": 1.0}, area_min=300, area_max=600)
    >>> c.identities
    {'skateboarding': 1.0}
    """
    if not isinstance(vocabulary, Vocabulary):
        raise TypeError(f"use_vocabulary needs a Vocabulary, got {type(vocabulary).__name__}")
    for kind in _TAG_KINDS:  # also a vocabulary built with model_construct, which skips validation
        refuse_fixed_identity(getattr(vocabulary, kind), f"vocabulary {kind}")
    token = _ACTIVE.set(vocabulary)
    try:
        yield vocabulary
    finally:
        _ACTIVE.reset(token)
