"""One response of a participation round, and the roles respondents answer in."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from importlib import resources
from typing import Any

from pydantic import Field, ValidationInfo, field_validator

from objectmatch.culture._common import _Model
from objectmatch.culture._tags import free_tag
from objectmatch.models import TagWeights
from objectmatch.vocabulary import fixed_identity_reason

__all__ = ["PARTICIPATION_ROLES", "ParticipationResponse"]

#: The figure over every role in :meth:`Participation.support`; no role may take this name.
ALL_ROLES = "all"


def _default_roles() -> tuple[str, ...]:
    text = resources.files("objectmatch").joinpath("data", "participation_roles.json").read_text("utf-8")
    return tuple(json.loads(text)["roles"])


#: How a respondent relates to the place (``data/participation_roles.json``): never who they are.
PARTICIPATION_ROLES: tuple[str, ...] = _default_roles()


def refuse_fixed(tag: str, what: str) -> str:
    """``tag`` unchanged, or a ``ValueError`` with the candidate model's explanation."""
    reason = fixed_identity_reason(tag)
    if reason is not None:
        raise ValueError(f"{what} {reason}")
    return tag


def role_tag(role: Any) -> str:
    """A role name as a tag; a fixed identity (``'senior'``) or ``'all'`` is refused."""
    tag = refuse_fixed(free_tag(role), "role")
    if tag == ALL_ROLES:
        raise ValueError(f"role {role!r} is reserved for the figure over all roles; choose another name")
    return tag


def unknown_role(role: str, roles: Iterable[str]) -> str | None:
    """Why ``role`` is not accepted in a round with ``roles``, or ``None``."""
    known = tuple(roles)
    if role in known:
        return None
    return (
        f"unknown role {role!r}; known: {', '.join(known)}. A new role is added with "
        f"roles=(*PARTICIPATION_ROLES, {role!r})"
    )


def _tag_weights(value: Any) -> Any:
    """Keys as tags (duplicates refused); a list of tags means weight 1 each."""
    if isinstance(value, list | tuple | set | frozenset):
        value = dict.fromkeys(value, 1.0)
    if not isinstance(value, Mapping):
        return value
    out: dict[str, Any] = {}
    for key, weight in value.items():
        canonical = free_tag(key)
        if canonical in out:
            raise ValueError(f"tag {key!r} appears twice (as {canonical!r})")
        out[canonical] = weight
    return out


class ParticipationResponse(_Model):
    """One respondent's answer: their role, what they wish for, object to and would help run.

    ``wishes`` and ``objections`` map tags (identities such as ``'green'``, functions such as
    ``'industrial'``, needs/offers such as ``'childcare'`` or activities in free text such as
    ``'community kitchen'``) to a weight in [0, 1]; a list of tags means weight 1 each. ``helps``
    is an activity the respondent would help run or organise, ``initiative`` the name of that
    initiative, if any. Tags are free text made into tags (:func:`free_tag`, then
    :func:`~objectmatch.vocabulary.normalise_tag`). A tag that describes who people are
    (``'youth'``, ``'women'``, ``'muslim'``) is refused: a round records what people want and do.

    Examples
    --------
    >>> r = ParticipationResponse(respondent="r1", role="Resident", wishes={"Green": 1, "Community kitchen": 0.5},
    ...                           objections=["nightlife"], helps="Urban farming")
    >>> r.role, r.wishes, r.objections, r.helps
    ('resident', {'green': 1.0, 'community_kitchen': 0.5}, {'nightlife': 1.0}, 'urban_farming')
    >>> ParticipationResponse(respondent="r2", role="resident", wishes={"youth centre": 1})
    Traceback (most recent call last):
    ...
    pydantic_core._pydantic_core.ValidationError: 1 validation error for ParticipationResponse
    wishes
      Value error, wish 'youth_centre' describes age group, a fixed identity (who people are), by the word 'youth'...
    """

    respondent: str = Field(min_length=1, max_length=100, description="anonymous respondent id")
    role: str = Field(description="how the respondent relates to the place (PARTICIPATION_ROLES)")
    wishes: TagWeights = Field(default_factory=dict, description="wanted identities or activities -> weight")
    objections: TagWeights = Field(default_factory=dict, description="activities or functions not wanted nearby")
    helps: str | None = Field(default=None, description="an activity the respondent would help run or organise")
    initiative: str | None = Field(default=None, min_length=1, max_length=200, description="its name, if any")

    @field_validator("respondent")
    @classmethod
    def _anonymous(cls, value: str) -> str:
        if "@" in value:
            raise ValueError(f"{value!r} looks like an e-mail address; use an anonymous respondent id")
        return value

    @field_validator("role", mode="before")
    @classmethod
    def _role(cls, value: Any) -> str:
        return role_tag(value)

    @field_validator("wishes", "objections", mode="before")
    @classmethod
    def _keys(cls, value: Any) -> Any:
        return _tag_weights(value)

    @field_validator("wishes")
    @classmethod
    def _wishes(cls, value: dict[str, float]) -> dict[str, float]:
        for tag in value:
            refuse_fixed(tag, "wish")
        return value

    @field_validator("objections")
    @classmethod
    def _objections(cls, value: dict[str, float], info: ValidationInfo) -> dict[str, float]:
        for tag in value:
            refuse_fixed(tag, "objection")
        both = sorted(set(value) & set(info.data.get("wishes") or ()))
        if both:
            raise ValueError(f"{', '.join(map(repr, both))} both wished for and objected to: choose one")
        return value

    @field_validator("helps", mode="before")
    @classmethod
    def _helps(cls, value: Any) -> str | None:
        return None if value is None else refuse_fixed(free_tag(value), "activity")

    @field_validator("initiative")
    @classmethod
    def _initiative(cls, value: str | None, info: ValidationInfo) -> str | None:
        # a failed 'helps' is missing from info.data and already reported
        if value is not None and "helps" in info.data and info.data["helps"] is None:
            raise ValueError(f"initiative {value!r} needs the activity it runs in 'helps'")
        return value

