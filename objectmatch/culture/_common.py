"""Shared pieces of objectmatch.culture: the frozen model base and tag checks.

The base model, key normalisation and the fixed-identity refusal are the input models' own
(:mod:`objectmatch.models`, :mod:`objectmatch.fixed_identity`): one rule, one home.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from pydantic import ValidationInfo

from objectmatch.models import _Model, _normalise_keys
from objectmatch.vocabulary import active_vocabulary, normalise_tag, refuse_fixed_identity

__all__ = ["CARRIES", "_Model", "_check_tags", "_identity", "_normalise_keys"]

#: A candidate (or carrier) *carries* an identity when its weight for it is at least this.
CARRIES = 0.25


def _check_tags(tags: Iterable[str], kind: Literal["identities", "values"], field: str, info: ValidationInfo) -> None:
    """Refuse fixed identity, then check ``tags`` against the active vocabulary's ``kind``."""
    tags = list(tags)
    refuse_fixed_identity(tags, field)
    active_vocabulary(info.context).check(tags, kind)


def _identity(tag: str) -> str:
    """Normalise an identity name and refuse a fixed identity (used where no model validates)."""
    canonical = normalise_tag(tag)
    refuse_fixed_identity([canonical], "identity")
    return canonical
