"""Shared pieces of objectmatch.culture: the frozen model base and tag checks."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationInfo

from objectmatch.vocabulary import active_vocabulary, fixed_identity_reason, normalise_tag

#: A candidate (or carrier) *carries* an identity when its weight for it is at least this.
CARRIES = 0.25


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False, str_strip_whitespace=True)


def _normalise_keys(value: Any) -> Any:
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, weight in value.items():
            if not isinstance(key, str):  # normalise_tag's TypeError would escape pydantic's error report
                raise ValueError(f"tag {key!r} is a {type(key).__name__}, not a string")
            canonical = normalise_tag(key)
            if canonical in out:
                raise ValueError(f"tag {key!r} appears twice (as {canonical!r})")
            out[canonical] = weight
        return out
    return value


def _check_tags(tags: Iterable[str], kind: Literal["identities", "values"], field: str, info: ValidationInfo) -> None:
    tags = list(tags)
    for tag in tags:
        reason = fixed_identity_reason(tag)
        if reason is not None:
            raise ValueError(f"{field} tag {reason}")
    active_vocabulary(info.context).check(tags, kind)


def _identity(tag: str) -> str:
    """Normalise an identity name and refuse a fixed identity (used where no model validates)."""
    canonical = normalise_tag(tag)
    reason = fixed_identity_reason(canonical)
    if reason is not None:
        raise ValueError(f"identity tag {reason}")
    return canonical
