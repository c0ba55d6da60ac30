"""The matching context of a building under some options: DNA, identity network, potentials, vetoes,
participation strengths and the mask rules -- derived once, the same way for ``score``, ``check``,
``match`` and ``scenarios``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from objectmatch._engine.encode import Encoded, MaskRules, encode
from objectmatch.constraints import Constraints
from objectmatch.models import Building, Candidate
from objectmatch.options import ScoringOptions

__all__ = ["Context", "context", "encode_in"]


@dataclass(frozen=True)
class Context:
    """What the encoder reads besides the building and the pool."""

    dna: Mapping[str, float]
    network: Any
    potentials: Mapping[str, float]
    rules: MaskRules
    strengths: Any


def context(building: Building, options: ScoringOptions, constraints: Constraints | None = None) -> Context:
    """The context of ``building`` under ``options`` (and ``constraints``, for the mask rules)."""
    cons = constraints if constraints is not None else Constraints()
    potentials: Mapping[str, float] = {}
    vetoes: Mapping[str, str] = {}
    if options.assess:
        from objectmatch import assess

        vetoes = assess.excluded_functions(building)
        potentials = assess.potentials(building)
    if options.potentials is not None:
        potentials = options.potentials
    return Context(
        dna=options.profile.dna() if options.profile is not None else building.location.dna,
        network=options.identity_network(),
        potentials=potentials,
        rules=MaskRules(max_discount=cons.max_discount, function_levels=cons.function_levels, vetoes=vetoes),
        strengths=options.participation.strengths() if options.participation is not None else None,
    )


def encode_in(building: Building, candidates: Sequence[Candidate], ctx: Context, options: ScoringOptions) -> Encoded:
    """Encode ``candidates`` in ``building`` under a context."""
    return encode(
        building,
        candidates,
        rules=ctx.rules,
        potentials=ctx.potentials,
        dna=ctx.dna,
        network=ctx.network,
        network_strength=options.weights.network_strength,
        strengths=ctx.strengths,
    )
