"""Connected identity: neighbourhood DNA, the identity network, SWOT, positioning and outreach.

The culture model of the connected-identity method (DESIGN §1) in code:

* :class:`NeighbourhoodProfile` describes a neighbourhood as a network organisation in the four
  layers of the onion model (outer to inner: symbols, heroes, rituals, values) and derives the
  DNA (identity -> strength in [0, 1]) that :class:`~objectmatch.models.Location` carries.
* :class:`IdentityNetwork` links identities through the carriers (places, pioneers, rituals,
  candidates) that carry both; its strength matrix is the kernel the scoring engine uses so that
  "sport" and "health" are close even when two candidates share no literal tag.
* :func:`swot`, :func:`positioning` and :func:`outreach` read a tenant programme against its
  neighbourhood: what it reinforces and adds, where its identities meet, and which identity
  networks to approach for the space that is left ("recommended, not advertised").

The formulas, a worked example and the monotonicity proof are in ``docs/culture.md``.
"""

from __future__ import annotations

from objectmatch.culture._common import CARRIES
from objectmatch.culture._outreach import Outreach, OutreachChannel, OutreachRules, OutreachTarget, outreach
from objectmatch.culture._positioning import OverlapPlace, Positioning, positioning
from objectmatch.culture._swot import Swot, SwotItem, SwotRules, swot
from objectmatch.culture._view import identity_profile
from objectmatch.culture.network import IdentityNetwork
from objectmatch.culture.participation import (
    PARTICIPATION_ROLES,
    Participation,
    ParticipationResponse,
    ParticipationStrengths,
    VolunteerGroup,
    example_participation,
    read_participation,
    write_participation,
)
from objectmatch.culture.profile import LAYER_WEIGHTS, Hero, NeighbourhoodProfile, Ritual, Symbol, example_profile

__all__ = [
    "CARRIES",
    "LAYER_WEIGHTS",
    "PARTICIPATION_ROLES",
    "Hero",
    "IdentityNetwork",
    "NeighbourhoodProfile",
    "Outreach",
    "OutreachChannel",
    "OutreachRules",
    "OutreachTarget",
    "OverlapPlace",
    "Participation",
    "ParticipationResponse",
    "ParticipationStrengths",
    "Positioning",
    "Ritual",
    "Swot",
    "SwotItem",
    "SwotRules",
    "Symbol",
    "VolunteerGroup",
    "example_participation",
    "example_profile",
    "identity_profile",
    "outreach",
    "positioning",
    "read_participation",
    "swot",
    "write_participation",
]
