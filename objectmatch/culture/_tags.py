"""Free text as tags, and when two tags (or a candidate and a tag) match."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np

from objectmatch._text import words
from objectmatch.models import Candidate
from objectmatch.vocabulary import normalise_tag

Side = Literal["wish", "objection"]



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
    cleaned = "_".join(words(text))  # the one reading of free text as tag words (objectmatch._text)
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
    return a == b or _words_match(frozenset(a.split("_")), frozenset(b.split("_")))


def _words_match(a: frozenset[str], b: frozenset[str]) -> bool:
    return a <= b or b <= a


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
    return float(match_rows([candidate], [tag], side)[0, 0])


def match_rows(candidates: Sequence[Candidate], tags: Sequence[str], side: Side) -> np.ndarray:
    """:func:`candidate_match` for every candidate (rows) and tag (columns), each activity read once."""
    tag_words = [frozenset(t.split("_")) for t in tags]
    out = np.zeros((len(candidates), len(tags)))
    for k, candidate in enumerate(candidates):
        activity = activity_tag(candidate)
        words = frozenset(activity.split("_")) if activity is not None else None
        brings = candidate.offers | candidate.needs if side == "objection" else candidate.offers
        for j, tag in enumerate(tags):
            if tag == candidate.function or tag in brings or (words is not None and _words_match(words, tag_words[j])):
                out[k, j] = 1.0
            else:
                out[k, j] = candidate.identities.get(tag, 0.0)
    return out
