"""Free text as tags, and when two tags (or a candidate and a tag) match."""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

from objectmatch.models import Candidate
from objectmatch.vocabulary import normalise_tag

Side = Literal["wish", "objection"]

_OTHER = re.compile(r"[^a-z0-9]+")


def free_tag(text: str) -> str:
    """Free text as a tag: accents dropped, lower case, every run of other characters one ``_``,
    then :func:`~objectmatch.vocabulary.normalise_tag`.

    Examples
    --------
    >>> free_tag("Repair Café (Spaarndammerbuurt)")
    'repair_cafe_spaarndammerbuurt'
    >>> free_tag("after-school care")
    'after_school_care'
    """
    if not isinstance(text, str):
        raise ValueError(f"{text!r} is a {type(text).__name__}, not text")
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    cleaned = _OTHER.sub("_", folded.lower()).strip("_")
    if not cleaned:
        raise ValueError(f"{text!r} holds no letters or digits to make a tag of")
    return normalise_tag(cleaned)


def tags_match(a: str, b: str) -> bool:
    """Two tags match when they are equal or the words of one contain all words of the other.

    Examples
    --------
    >>> tags_match("community_kitchen", "kitchen"), tags_match("repair_cafe", "bike_repair")
    (True, False)
    """
    if a == b:
        return True
    wa, wb = set(a.split("_")), set(b.split("_"))
    return wa <= wb or wb <= wa


def activity_tag(candidate: Candidate) -> str | None:
    """The candidate's free-text activity as a tag (``None`` if it holds no letters or digits)."""
    try:
        return free_tag(candidate.activity)
    except ValueError:
        return None


def candidate_match(candidate: Candidate, tag: str, side: Side) -> float:
    """How strongly ``candidate`` carries a wished or objected ``tag``, in [0, 1].

    The candidate's weight for ``tag`` as an identity; 1 when ``tag`` is its function, one of its
    offers, or matches its activity (:func:`tags_match`); for an objection also 1 when ``tag`` is
    one of its needs (what a tenant draws, such as ``logistics`` or ``foot_traffic``, is part of
    what the street gets). The largest of these; 0 when none applies.

    Examples
    --------
    >>> bakery = Candidate(id="b", name="Bakery", function="retail", activity="bakery",
    ...                    identities={"food": 0.8}, needs={"logistics"}, area_min=50, area_max=100)
    >>> [candidate_match(bakery, t, "wish") for t in ("food", "retail", "logistics", "bakery")]
    [0.8, 1.0, 0.0, 1.0]
    >>> candidate_match(bakery, "logistics", "objection")
    1.0
    """
    weight = float(candidate.identities.get(tag, 0.0))
    if tag == candidate.function or tag in candidate.offers or (side == "objection" and tag in candidate.needs):
        return 1.0
    activity = activity_tag(candidate)
    if activity is not None and tags_match(activity, tag):
        return 1.0
    return weight
