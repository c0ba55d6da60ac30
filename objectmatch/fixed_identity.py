"""The fixed-identity rule: match on what people do, never on who they are.

objectmatch matches on flexible identity (activities, passions, needs) and refuses
fixed identity (origin, ethnicity, nationality, religion, gender, sexual orientation,
age group or life stage) as a matching feature, after the connected-identity method
(DESIGN §1). The words that name a fixed identity are data: a multilingual lexicon
(English, Dutch, German, French) in ``objectmatch/data/fixed_identity_lexicon.json``,
with its sources; ``docs/fixed-identity.md`` explains it.

How a tag is judged (:func:`fixed_identity_reason`), word by word after
:func:`~objectmatch._text.words`:

1. A word (or a run of words, ``sexual_orientation``) that is a lexicon form names a fixed
   identity; so does a word that starts or ends with a lexicon *stem* (Dutch and German write
   compounds as one word: ``moslimvrouwen``, ``ouderenclub``). Stems are at least
   ``min_stem_length`` letters, so short words never hit inside longer ones.
2. An allowed phrase lets its words through (``black_box``, ``stone_age``, ``national_park``).
3. A *modifier* form (an adjective that can describe a style of activity or product:
   ``turkish``, ``kosher``, ``dutch``) passes when the next word (after further modifiers) is
   an activity head (``bath``, ``bakery``, ``design``, ``drumming``), or, for head-first
   French, the word before is (``cuisine_marocaine``); a people or institution head next to
   it (``school``, ``community``, ``club``) or no head at all refuses it.

Every channel that becomes a matching feature calls :func:`refuse_fixed_identity`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from objectmatch._text import short_repr, words

__all__ = [
    "FixedIdentityLexicon",
    "fixed_identity_lexicon",
    "fixed_identity_reason",
    "refuse_fixed_identity",
]

_WORD = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)*$")
# Tags longer than this are judged but not cached: a cache of megabyte-long strings helps no one.
_CACHE_LIMIT = 200


def _canonical(word: str) -> str:
    return "_".join(words(word))


def _word_list(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return [_canonical(w) if isinstance(w, str) else w for w in value]
    return value


class _Term(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    term: str = Field(min_length=1)
    category: str
    sources: tuple[str, ...] = Field(min_length=1)
    forms: dict[str, tuple[str, ...]] = Field(description="language -> word forms")
    modifiers: tuple[str, ...] = ()
    stems: tuple[str, ...] = ()

    @field_validator("forms", mode="before")
    @classmethod
    def _fold_forms(cls, value: Any) -> Any:
        if isinstance(value, Mapping):
            return {lang: _word_list(ws) for lang, ws in value.items()}
        return value

    @field_validator("modifiers", "stems", mode="before")
    @classmethod
    def _fold_words(cls, value: Any) -> Any:
        return _word_list(value)

    @model_validator(mode="after")
    def _consistent(self) -> _Term:
        every = {w for ws in self.forms.values() for w in ws}
        for word in every | set(self.modifiers) | set(self.stems):
            if not _WORD.match(word):
                raise ValueError(f"term {self.term!r}: {word!r} is not a word (letters and digits, '_' between)")
        missing = sorted(set(self.modifiers) - every)
        if missing:
            raise ValueError(f"term {self.term!r}: modifiers {missing} are not among its forms")
        if not every:
            raise ValueError(f"term {self.term!r} has no forms")
        return self


class _LexiconFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    version: int = Field(ge=1)
    rule: str = Field(min_length=1)
    min_stem_length: int = Field(ge=3, le=20)
    categories: dict[str, str] = Field(min_length=1)
    sources: dict[str, str] = Field(min_length=1)
    terms: tuple[_Term, ...] = Field(min_length=1)
    allowed_phrases: tuple[str, ...] = ()
    activity_heads: dict[str, tuple[str, ...]]
    people_heads: dict[str, tuple[str, ...]]

    @field_validator("allowed_phrases", mode="before")
    @classmethod
    def _fold_phrases(cls, value: Any) -> Any:
        return _word_list(value)

    @field_validator("activity_heads", "people_heads", mode="before")
    @classmethod
    def _fold_heads(cls, value: Any) -> Any:
        if isinstance(value, Mapping):
            return {lang: _word_list(ws) for lang, ws in value.items()}
        return value

    @model_validator(mode="after")
    def _consistent(self) -> _LexiconFile:
        for t in self.terms:
            if t.category not in self.categories:
                raise ValueError(f"term {t.term!r}: unknown category {t.category!r}; known: {sorted(self.categories)}")
            unknown = sorted(set(t.sources) - set(self.sources))
            if unknown:
                raise ValueError(f"term {t.term!r} cites unknown sources {unknown}")
            short = [s for s in t.stems if len(s) < self.min_stem_length]
            if short:
                raise ValueError(f"term {t.term!r}: stems {short} are shorter than {self.min_stem_length} letters")
        forms = {w for t in self.terms for ws in t.forms.values() for w in ws}
        activity = {w for ws in self.activity_heads.values() for w in ws}
        people = {w for ws in self.people_heads.values() for w in ws}
        for name, heads in (("activity", activity), ("people", people)):
            clash = sorted(heads & forms)
            if clash:
                raise ValueError(f"{name} heads {clash} are also fixed-identity forms")
        both = sorted(activity & people)
        if both:
            raise ValueError(f"heads {both} are both activity and people heads")
        for phrase in self.allowed_phrases:
            parts = phrase.split("_")
            if not any("_".join(parts[i:j]) in forms for i in range(len(parts)) for j in range(i + 1, len(parts) + 1)):
                raise ValueError(f"allowed phrase {phrase!r} holds no fixed-identity form: it would allow nothing")
        return self


@dataclass(frozen=True)
class _Hit:
    """A fixed-identity word found in a tag: the words ``start:stop`` matched ``term``."""

    term: str
    category: str
    text: str
    start: int
    stop: int
    modifier: bool


class FixedIdentityLexicon:
    """The fixed-identity lexicon, loaded and checked: forms, modifiers, stems, phrases and heads.

    Use :func:`fixed_identity_lexicon` for the bundled one. All words are folded (lower case,
    accents off) and multiword forms joined by ``_``.

    Examples
    --------
    >>> lex = fixed_identity_lexicon()
    >>> lex.category("moslims"), lex.category("sport")
    ('religion', None)
    >>> "turkish" in lex.modifiers and "bath" in lex.activity_heads and "school" in lex.people_heads
    True
    """

    def __init__(self, data: _LexiconFile) -> None:
        self.rule = data.rule
        self.min_stem_length = data.min_stem_length
        self.categories: Mapping[str, str] = dict(data.categories)
        self.sources: Mapping[str, str] = dict(data.sources)
        forms: dict[str, tuple[str, str]] = {}
        stems: dict[str, tuple[str, str]] = {}
        modifiers: set[str] = set()
        for t in data.terms:
            for ws in t.forms.values():
                for w in ws:
                    forms.setdefault(w, (t.term, t.category))
            for s in t.stems:
                stems.setdefault(s, (t.term, t.category))
            modifiers.update(t.modifiers)
        #: form (words joined by '_') -> (term, category)
        self.forms: Mapping[str, tuple[str, str]] = forms
        #: compound stem -> (term, category)
        self.stems: Mapping[str, tuple[str, str]] = stems
        self.modifiers: frozenset[str] = frozenset(modifiers)
        self.allowed_phrases: tuple[str, ...] = data.allowed_phrases
        self.activity_heads: frozenset[str] = frozenset(w for ws in data.activity_heads.values() for w in ws)
        self.people_heads: frozenset[str] = frozenset(w for ws in data.people_heads.values() for w in ws)
        self._longest = max(len(f.split("_")) for f in forms)
        self._phrases = tuple(tuple(p.split("_")) for p in data.allowed_phrases)
        by_length = sorted(stems, key=lambda s: (-len(s), s))
        alternation = "|".join(map(re.escape, by_length))
        self._stem_start = re.compile(rf"^({alternation})")
        self._stem_end = re.compile(rf"({alternation})$")

    def category(self, word: str) -> str | None:
        """The category of a lexicon form (folded, words joined by ``_``), else ``None``."""
        found = self.forms.get(_canonical(word))
        return None if found is None else found[1]

    # -- matching --------------------------------------------------------------------------
    def _match_at(self, parts: list[str], i: int) -> _Hit | None:
        for k in range(min(self._longest, len(parts) - i), 0, -1):
            text = "_".join(parts[i : i + k])
            found = self.forms.get(text)
            if found is not None:
                return _Hit(found[0], found[1], text, i, i + k, text in self.modifiers)
        word = parts[i]
        if word in self.activity_heads or word in self.people_heads:
            return None
        m = self._stem_start.match(word) or self._stem_end.search(word)
        if m is None:
            return None
        term, category = self.stems[m.group(1)]
        return _Hit(term, category, word, i, i + 1, False)

    def _covered(self, parts: list[str]) -> list[bool]:
        covered = [False] * len(parts)
        for phrase in self._phrases:
            k = len(phrase)
            for i in range(len(parts) - k + 1):
                if tuple(parts[i : i + k]) == phrase:
                    covered[i : i + k] = [True] * k
        return covered

    def _describes_activity(self, parts: list[str], hit: _Hit) -> bool:
        """A modifier next to an activity head (not a people head) names a style of activity."""
        j = hit.stop
        while j < len(parts) and parts[j] in self.modifiers:
            j += 1
        following = parts[j] if j < len(parts) else None
        if following in self.people_heads:
            return False
        if following in self.activity_heads:
            return True
        j = hit.start - 1
        while j >= 0 and parts[j] in self.modifiers:
            j -= 1
        return j >= 0 and parts[j] in self.activity_heads

    def find(self, text: str) -> _Hit | None:
        """The first fixed-identity word of ``text`` that no context lets through, else ``None``."""
        parts = words(text)
        covered = self._covered(parts)
        i = 0
        while i < len(parts):
            hit = self._match_at(parts, i)
            if hit is None:
                i += 1
                continue
            if not all(covered[hit.start : hit.stop]) and not (hit.modifier and self._describes_activity(parts, hit)):
                return hit
            i = hit.stop
        return None


@lru_cache(maxsize=1)
def fixed_identity_lexicon() -> FixedIdentityLexicon:
    """The bundled lexicon (``objectmatch/data/fixed_identity_lexicon.json``), loaded and checked once."""
    text = resources.files("objectmatch").joinpath("data", "fixed_identity_lexicon.json").read_text("utf-8")
    return FixedIdentityLexicon(_LexiconFile.model_validate(json.loads(text)))


def _reason(tag: str) -> str | None:
    hit = fixed_identity_lexicon().find(tag)
    if hit is None:
        return None
    hint = ""
    if hit.modifier:
        hint = f"; to name a style of activity, put the activity next to it (e.g. '{hit.text}_cuisine')"
    word = "" if _canonical(tag) == hit.text else f", by the word {short_repr(hit.text)}"
    return (
        f"{short_repr(tag)} describes {hit.category}, a fixed identity (who people are){word}. objectmatch "
        "matches on flexible identity (what people do: activities, passions, needs), never on fixed "
        f"identity; use an activity tag such as 'sport' or 'green' instead{hint}"
    )


_reason_cached = lru_cache(maxsize=8192)(_reason)


def fixed_identity_reason(tag: str) -> str | None:
    """Say why ``tag`` names a fixed identity, or return ``None`` if it does not.

    ``tag`` may be a tag or free text (an activity): it is read word by word, in English,
    Dutch, German or French, with the context rules of the module docstring.

    Examples
    --------
    >>> fixed_identity_reason("sport") is None
    True
    >>> fixed_identity_reason("religion")
    "'religion' describes religion, a fixed identity ..."
    >>> fixed_identity_reason("moslimvrouwen")
    "'moslimvrouwen' describes religion, a fixed identity ..."
    >>> fixed_identity_reason("Turkse gemeenschap")
    "'Turkse gemeenschap' describes origin, a fixed identity (who people are), by the word 'turkse'. ..."
    >>> [fixed_identity_reason(t) for t in ("turkish_bath", "Dutch design", "black_box_theatre")]
    [None, None, None]
    """
    if not isinstance(tag, str):
        raise TypeError(f"a tag must be a string, got {short_repr(tag)}")
    if len(tag) > _CACHE_LIMIT:
        return _reason(tag)
    return _reason_cached(tag)


def refuse_fixed_identity(tags: Iterable[str], field: str, *, kind: str = "tag") -> None:
    """Raise ``ValueError`` for the first of ``tags`` that names a fixed identity.

    The one refusal every channel uses (identities, values, needs, offers, functions,
    activities, DNA, culture profiles, vocabularies). The message names ``field``, the
    tag (shortened when long), the category and the rule.

    Examples
    --------
    >>> refuse_fixed_identity(["sport", "green"], "identities")
    >>> refuse_fixed_identity(["sport", "Moslim"], "identities")
    Traceback (most recent call last):
    ...
    ValueError: identities tag 'Moslim' describes religion, a fixed identity (who people are). ...
    """
    for tag in tags:
        reason = fixed_identity_reason(tag)
        if reason is not None:
            raise ValueError(f"{field} {kind} {reason}")

