"""Vocabularies: the words candidates, buildings and neighbourhoods may use.

Functions (use classes), flexible identities and the needs/offers taxonomy are
data, not code. :class:`Vocabulary` holds one set of each; the defaults below
are a starting point that a user can extend or replace. Models are validated
against the *active* vocabulary (see :func:`use_vocabulary`) or against one
passed in the pydantic validation context under the key ``"vocabulary"``.

Fixed identity (who people are: origin, religion, gender, orientation, age
group, ...) is never a valid tag, whatever the vocabulary says: objectmatch
matches on what people *do*, after the connected-identity method (DESIGN §1).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator

__all__ = [
    "DEFAULT_FUNCTIONS",
    "DEFAULT_IDENTITIES",
    "DEFAULT_NEEDS_OFFERS",
    "DEFAULT_VALUES",
    "FIXED_IDENTITY_TERMS",
    "PUBLIC_FUNCTIONS",
    "Vocabulary",
    "active_vocabulary",
    "fixed_identity_reason",
    "normalise_tag",
    "use_vocabulary",
]

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

#: Words that describe who people *are*, never what they do. Stems, matched on tag words.
FIXED_IDENTITY_TERMS: Mapping[str, str] = {
    # origin, ethnicity, nationality
    "ethnic": "ethnicity",
    "ethnicity": "ethnicity",
    "race": "ethnicity",
    "racial": "ethnicity",
    "origin": "origin",
    "migrant": "origin",
    "immigrant": "origin",
    "expat": "origin",
    "allochtoon": "origin",
    "autochtoon": "origin",
    "nationality": "nationality",
    "national": "nationality",
    "dutch": "nationality",
    "moroccan": "origin",
    "turkish": "origin",
    "surinamese": "origin",
    "antillean": "origin",
    "polish": "origin",
    "african": "origin",
    "asian": "origin",
    "european": "origin",
    "western": "origin",
    "arab": "origin",
    "black": "ethnicity",
    "white": "ethnicity",
    # religion
    "religion": "religion",
    "religious": "religion",
    "faith": "religion",
    "muslim": "religion",
    "islam": "religion",
    "islamic": "religion",
    "christian": "religion",
    "catholic": "religion",
    "protestant": "religion",
    "jewish": "religion",
    "hindu": "religion",
    "buddhist": "religion",
    "atheist": "religion",
    # gender
    "gender": "gender",
    "male": "gender",
    "female": "gender",
    "men": "gender",
    "women": "gender",
    "man": "gender",
    "woman": "gender",
    "sex": "gender",
    "transgender": "gender",
    "nonbinary": "gender",
    # sexual orientation
    "orientation": "sexual orientation",
    "sexuality": "sexual orientation",
    "gay": "sexual orientation",
    "lesbian": "sexual orientation",
    "bisexual": "sexual orientation",
    "heterosexual": "sexual orientation",
    "homosexual": "sexual orientation",
    "queer": "sexual orientation",
    "lgbt": "sexual orientation",
    "lgbtq": "sexual orientation",
    "lgbtqia": "sexual orientation",
    # age group and life stage
    "age": "age group",
    "elderly": "age group",
    "senior": "age group",
    "seniors": "age group",
    "pensioner": "age group",
    "pensioners": "age group",
    "retiree": "age group",
    "retirees": "age group",
    "youth": "age group",
    "teen": "age group",
    "teens": "age group",
    "teenager": "age group",
    "teenagers": "age group",
    "millennial": "age group",
    "millennials": "age group",
    "boomer": "age group",
    "boomers": "age group",
    "ouderen": "age group",
    "jongeren": "age group",
    "kinderen": "age group",
}

_SINGULAR = {"functions": "function", "identities": "identity", "values": "value", "needs_offers": "need/offer"}
_TAG_RE = re.compile(r"^[a-z0-9][a-z0-9_]*$")


def normalise_tag(tag: str) -> str:
    """Return ``tag`` in canonical form: lower case, words joined by ``_``.

    Examples
    --------
    >>> normalise_tag(" Green Fingers ")
    'green_fingers'
    >>> normalise_tag("foot-traffic")
    'foot_traffic'
    """
    if not isinstance(tag, str):
        raise TypeError(f"a tag must be a string, got {tag!r}")
    canonical = re.sub(r"[\s\-]+", "_", tag.strip().lower())
    if not _TAG_RE.match(canonical):
        raise ValueError(
            f"tag {tag!r} is not a valid tag: use letters, digits and '_' (e.g. 'green_space')"
        )
    return canonical


def fixed_identity_reason(tag: str) -> str | None:
    """Say why ``tag`` is a fixed-identity tag, or return ``None`` if it is not.

    Examples
    --------
    >>> fixed_identity_reason("sport") is None
    True
    >>> fixed_identity_reason("religion")
    "'religion' describes religion, a fixed identity ..."
    """
    words = normalise_tag(tag).split("_")
    for word in words:
        category = FIXED_IDENTITY_TERMS.get(word)
        if category is not None:
            return (
                f"{tag!r} describes {category}, a fixed identity (who people are). objectmatch "
                "matches on flexible identity (what people do: activities, passions, needs), "
                "never on fixed identity; use an activity tag such as 'sport' or 'green' instead"
            )
    return None


def _check_fixed(tags: Iterable[str], what: str) -> None:
    for tag in tags:
        reason = fixed_identity_reason(tag)
        if reason is not None:
            raise ValueError(f"{what} tag {reason}")


class Vocabulary(BaseModel):
    """The words in use: functions, flexible identities, values and the needs/offers taxonomy.

    Build one from the defaults with :meth:`default`, add words with
    :meth:`extend`, and make it the active vocabulary for validation with
    :func:`use_vocabulary`.

    Examples
    --------
    >>> vocab = Vocabulary.default().extend(identities=["skateboarding"])
    >>> "skateboarding" in vocab.identities
    True
    >>> Vocabulary.default().extend(identities=["religion"])
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

    @field_validator("functions", "identities", "values", "needs_offers", mode="before")
    @classmethod
    def _normalise(cls, value: Any) -> Any:
        if isinstance(value, str):
            raise ValueError(f"expected a list of tags, got the string {value!r}")
        if not isinstance(value, Iterable):
            return value
        out: list[str] = []
        seen: set[str] = set()
        for tag in value:
            if not isinstance(tag, str):  # a TypeError would escape pydantic's error report
                raise ValueError(f"tag {tag!r} is a {type(tag).__name__}, not a string")
            canonical = normalise_tag(tag)
            if canonical not in seen:
                seen.add(canonical)
                out.append(canonical)
        return tuple(out)

    @field_validator("identities", "values", "needs_offers")
    @classmethod
    def _no_fixed_identity(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        _check_fixed(value, "vocabulary")
        return value

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
    ) -> Vocabulary:
        """Return a new vocabulary with extra words added (order kept, duplicates dropped)."""
        return Vocabulary(
            functions=(*self.functions, *functions),
            identities=(*self.identities, *identities),
            values=(*self.values, *values),
            needs_offers=(*self.needs_offers, *needs_offers),
        )

    def check(self, tags: Iterable[str], kind: str) -> None:
        """Raise ``ValueError`` naming the first tag of ``kind`` this vocabulary lacks."""
        known: tuple[str, ...] = getattr(self, kind)
        known_set = frozenset(known)
        for tag in tags:
            if tag not in known_set:
                raise ValueError(
                    f"unknown {_SINGULAR.get(kind, kind)} {tag!r}; known: "
                    f"{', '.join(known)}. Extend the vocabulary "
                    f"(Vocabulary.default().extend({kind}=[{tag!r}])) to use a new one"
                )


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
    token = _ACTIVE.set(vocabulary)
    try:
        yield vocabulary
    finally:
        _ACTIVE.reset(token)


# -- placeholders until the vocabulary data lands (offer reach, meeting places) ----------------------
_STREET_REACH = frozenset({"foot_traffic", "evening_life", "weekend_life", "daytime_life", "customers", "retail"})
_FLOOR_REACH = frozenset({"workshop", "quiet"})
_MEETING = frozenset(
    {"cafe", "restaurant", "lunchroom", "bakery", "community_centre", "meeting_centre", "event_space", "library",
     "library_branch", "community_kitchen"}
)


def offer_reach(tag: str) -> str:
    """Where an offer reaches: ``building``, ``floor`` or ``street``."""
    return "street" if tag in _STREET_REACH else "floor" if tag in _FLOOR_REACH else "building"


def is_meeting_place(activity: str) -> bool:
    """Whether an activity makes a meeting place."""
    import unicodedata

    plain = unicodedata.normalize("NFKD", activity).encode("ascii", "ignore").decode().lower()
    words = [w for w in "".join(ch if ch.isalnum() else " " for ch in plain).split() if w]
    return "_".join(words) in _MEETING or any(w in _MEETING for w in words)
