"""Text helpers shared by the models and the vocabulary: tags, free text, short reprs.

One home for how objectmatch reads words: :func:`normalise_tag` (a tag's canonical
form), :func:`fold` (lower case, accents off), :func:`words` (free text to tag words),
:func:`clean_text` (control characters out of display text) and :func:`short_repr`
(a value as it appears in an error message, never longer than about 80 characters).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

__all__ = ["MESSAGE_LIMIT", "clean_text", "fold", "normalise_tag", "short_repr", "words"]

#: Most characters of a bad value an error message repeats.
MESSAGE_LIMIT = 80

_TAG_RE = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)*$")
_SEPARATORS = re.compile(r"[\s\-_]+")
_NOT_WORD = re.compile(r"[^a-z0-9]+")
# Letters NFKD does not take apart; folded the way Dutch, German and French readers would.
_LIGATURES = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ı": "i", "ĳ": "ij"})
# ANSI escape sequences (CSI ``ESC [ ... final`` and OSC ``ESC ] ... BEL|ESC \\``) go whole,
# so that "\x1b[2Jname" reads "name", not "[2Jname".
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]")
# Line breaks and tabs become one space; every other C0/C1 control character and DEL goes.
_BREAKS = re.compile(r"[\t\n\v\f\r\x1c-\x1f\x85\u2028\u2029]+")
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")
_ANY_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def short_repr(value: Any, limit: int = MESSAGE_LIMIT) -> str:
    """``repr(value)``, cut to about ``limit`` characters with the length said, for error messages.

    Examples
    --------
    >>> short_repr("sport")
    "'sport'"
    >>> short_repr("x" * 1_000_000)
    "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'... (1000000 characters)"
    """
    if isinstance(value, str) and len(value) > limit:
        return f"{value[: limit - 4]!r}... ({len(value)} characters)"
    text = repr(value)
    if len(text) > limit:
        return f"{text[: limit - 4]}... ({len(text)} characters)"
    return text


def fold(text: str) -> str:
    """Lower case with accents removed (``"Café"`` -> ``"cafe"``, ``"Ausländer"`` -> ``"auslander"``).

    Examples
    --------
    >>> fold("Immigrée Ausländer Straße")
    'immigree auslander strasse'
    """
    if text.isascii():  # the common case, and NFKD would leave it as it is
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(_LIGATURES))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """The words of free text as tag words: folded, split on anything but letters and digits.

    Examples
    --------
    >>> words("  Turkish bath, Café-Restaurant! ")
    ['turkish', 'bath', 'cafe', 'restaurant']
    """
    return [w for w in _NOT_WORD.split(fold(text)) if w]


def normalise_tag(tag: str) -> str:
    """Return ``tag`` in canonical form: lower case, accents off, words joined by one ``_``.

    Spaces, hyphens and underscores separate words; separators at either end are dropped.
    Anything but letters, digits and separators is refused with a ``ValueError``.

    Examples
    --------
    >>> normalise_tag(" Green Fingers ")
    'green_fingers'
    >>> normalise_tag("foot-traffic")
    'foot_traffic'
    >>> normalise_tag("-Café--")
    'cafe'
    """
    if not isinstance(tag, str):
        raise TypeError(f"a tag must be a string, got {short_repr(tag)}")
    canonical = _SEPARATORS.sub("_", fold(tag)).strip("_")
    if not _TAG_RE.match(canonical):
        raise ValueError(
            f"tag {short_repr(tag)} is not a valid tag: use letters, digits and '_' (e.g. 'green_space')"
        )
    return canonical


def clean_text(text: str) -> str:
    """Display text without control characters: escape sequences and C0/C1 controls removed.

    Line breaks and tabs become a single space, every other control character (ESC, DEL,
    NUL, ...) is dropped, ordinary spaces stay, and the ends are stripped.

    Examples
    --------
    >>> clean_text("\\x1b[2JBuurtcafe\\r\\nDe Hoek\\x7f ")
    'Buurtcafe De Hoek'
    """
    if _ANY_CONTROL.search(text) is None:
        return text.strip()
    text = _ANSI.sub("", text)
    text = _BREAKS.sub(" ", text)
    return _CONTROLS.sub("", text).strip()
