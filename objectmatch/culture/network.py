"""The identity network: identities linked by the carriers that carry both, strengths in [0, 1]."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from objectmatch.culture._common import _identity
from objectmatch.culture.profile import NeighbourhoodProfile
from objectmatch.models import Candidate, check_unique_ids

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx
    import pandas as pd

__all__ = ["IdentityNetwork"]


def _carrier_identities(item: Any, index: int) -> tuple[str, Mapping[str, float]]:
    """The (name, identity weights) of one carrier: a mapping, or an object with ``.identities``."""
    if isinstance(item, Mapping):
        return f"#{index}", item
    identities = getattr(item, "identities", None)
    if not isinstance(identities, Mapping):
        raise TypeError(
            f"carriers[{index}] is a {type(item).__name__}: give a mapping identity -> weight or an object "
            "with an .identities mapping (Candidate, Symbol, Hero, Ritual)"
        )
    name = getattr(item, "id", None) or getattr(item, "name", None) or f"#{index}"
    return str(name), identities


class IdentityNetwork:
    """Identities linked by the carriers that carry both; strengths in [0, 1].

    ``B`` (carriers x identities, sparse) holds ``sqrt(carrier_weight) * identity_weight``. With
    ``A = BᵀB`` without its diagonal (direct co-occurrence), ``D = 1 - exp(-A / scale)``
    (saturated direct links) and ``N = D D`` (shared-neighbour mass: both identities linked to
    the same third one), the strength is ::

        S[a, b] = 1 - exp(-(A[a, b] / scale + indirect * N[a, b]))   (a != b),   S[a, a] = 1.

    ``S`` is symmetric, in [0, 1], and never decreases when a carrier is added or a weight
    grows (every step is non-decreasing in ``B``; proof in docs/culture.md). Use
    :meth:`from_carriers` or :meth:`from_profile` to build one; :meth:`matrix` gives the kernel.

    Examples
    --------
    >>> net = IdentityNetwork.from_carriers([{"sport": 1.0, "health": 1.0}, {"sport": 1.0, "green": 1.0}])
    >>> round(net.strength("sport", "health"), 4), round(net.strength("health", "green"), 4)
    (0.6321, 0.0951)
    >>> net.matrix(["health", "sport", "art"]).round(4)
    array([[1.    , 0.6321, 0.    ],
           [0.6321, 1.    , 0.    ],
           [0.    , 0.    , 1.    ]])
    """

    def __init__(
        self,
        identities: Sequence[str],
        incidence: Any,
        *,
        carriers: Sequence[str] | None = None,
        scale: float = 1.0,
        indirect: float = 0.25,
    ) -> None:
        from scipy import sparse

        names = tuple(_identity(t) for t in identities)
        if len(set(names)) != len(names):
            raise ValueError(f"identities must be distinct, got {list(identities)}")
        if not (math.isfinite(scale) and scale > 0):
            raise ValueError(f"scale must be a positive number, got {scale!r}")
        if not (math.isfinite(indirect) and indirect >= 0):
            raise ValueError(f"indirect must be a non-negative number, got {indirect!r}")
        b = sparse.csr_array(incidence, dtype=np.float64)
        if b.shape[1] != len(names):
            raise ValueError(f"incidence has {b.shape[1]} columns but {len(names)} identities were named")
        if b.nnz and (not np.all(np.isfinite(b.data)) or b.data.min() < 0):
            raise ValueError("incidence weights must be finite and non-negative")
        carrier_names = tuple(carriers) if carriers is not None else tuple(f"#{i}" for i in range(b.shape[0]))
        if len(carrier_names) != b.shape[0]:
            raise ValueError(f"{len(carrier_names)} carrier names for {b.shape[0]} incidence rows")

        self._identities = names
        self._index = {t: i for i, t in enumerate(names)}
        self._carriers = carrier_names
        self._scale = float(scale)
        self._indirect = float(indirect)
        self._incidence = b

        # Every step below is non-decreasing in the entries of B: that is the monotonicity proof.
        c = (b.T @ b).tocsr()
        direct = (c - sparse.diags_array(c.diagonal())).tocsr()
        direct.eliminate_zeros()
        linked = direct.copy()
        linked.data = -np.expm1(-linked.data / self._scale)
        shared = (linked @ linked).tocsr()
        shared = (shared - sparse.diags_array(shared.diagonal())).tocsr()
        exponent = (direct / self._scale + self._indirect * shared).toarray()
        strength = -np.expm1(-exponent)
        strength = np.maximum(strength, strength.T)  # exact symmetry despite float summation order
        np.fill_diagonal(strength, 1.0)
        np.clip(strength, 0.0, 1.0, out=strength)
        a = direct.toarray()
        n = shared.toarray()
        for arr in (strength, a, n):
            arr.setflags(write=False)
        self._strength: np.ndarray = strength
        self._direct: np.ndarray = a
        self._shared: np.ndarray = n

    # -- constructors ------------------------------------------------------------------------
    @classmethod
    def from_carriers(
        cls,
        carriers: Iterable[Mapping[str, float] | Any],
        *,
        weights: Iterable[float] | None = None,
        identities: Iterable[str] = (),
        scale: float = 1.0,
        indirect: float = 0.25,
    ) -> IdentityNetwork:
        """Build the network from carriers: identity-weight mappings or objects with ``.identities``
        (:class:`~objectmatch.models.Candidate`, :class:`Symbol`, :class:`Hero`, :class:`Ritual`).

        ``weights`` (one per carrier, default 1) multiply the co-occurrences a carrier contributes
        (its incidence row is ``sqrt(weight) * identity weights``); ``identities`` adds nodes that no
        carrier carries. Nodes are sorted by name.

        Examples
        --------
        >>> net = IdentityNetwork.from_carriers([{"food": 1.0, "community": 0.5}], identities=["art"])
        >>> net.identities
        ('art', 'community', 'food')
        """
        from scipy import sparse

        items = list(carriers)
        carrier_weights = [1.0] * len(items) if weights is None else [float(w) for w in weights]
        if len(carrier_weights) != len(items):
            raise ValueError(f"{len(carrier_weights)} weights for {len(items)} carriers")
        names: list[str] = []
        rows: list[int] = []
        tags: list[str] = []
        data: list[float] = []
        for i, (item, cw) in enumerate(zip(items, carrier_weights, strict=True)):
            if not (math.isfinite(cw) and cw >= 0):
                raise ValueError(f"carrier weight {cw!r} of carriers[{i}] must be a non-negative number")
            name, mapping = _carrier_identities(item, i)
            names.append(name)
            for tag, w in mapping.items():
                weight = float(w)
                if not (0.0 <= weight <= 1.0):  # also false for NaN
                    raise ValueError(f"carriers[{i}] ({name}) identity {tag!r} has weight {w!r}, not in [0, 1]")
                if weight > 0.0 and cw > 0.0:
                    rows.append(i)
                    tags.append(_identity(tag))
                    data.append(math.sqrt(cw) * weight)  # so that a carrier's co-occurrences count cw times
        nodes = sorted({*tags, *(_identity(t) for t in identities)})
        index = {t: j for j, t in enumerate(nodes)}
        cols = [index[t] for t in tags]
        incidence = sparse.coo_array((data, (rows, cols)), shape=(len(items), len(nodes))).tocsr()
        return cls(nodes, incidence, carriers=names, scale=scale, indirect=indirect)

    @classmethod
    def from_profile(
        cls,
        profile: NeighbourhoodProfile,
        candidates: Iterable[Candidate] = (),
        *,
        candidate_weight: float = 0.5,
        scale: float = 1.0,
        indirect: float = 0.25,
    ) -> IdentityNetwork:
        """The network of a neighbourhood's symbols, heroes and rituals plus ``candidates``.

        Every profile carrier counts with weight 1, every candidate with ``candidate_weight``.
        The identities of the profile's DNA are nodes even if no carrier links them.

        Examples
        --------
        >>> from objectmatch.culture import Hero
        >>> club = Hero(name="Club", identities={"sport": 1, "health": 1})
        >>> profile = NeighbourhoodProfile(name="Oost", heroes=[club])
        >>> round(IdentityNetwork.from_profile(profile).strength("health", "sport"), 4)
        0.6321
        """
        pool = check_unique_ids(candidates)
        carriers: list[Any] = [item for _, item in profile.layers()]
        weights = [1.0] * len(carriers) + [float(candidate_weight)] * len(pool)
        return cls.from_carriers(
            [*carriers, *pool], weights=weights, identities=profile.dna(), scale=scale, indirect=indirect
        )

    # -- queries -------------------------------------------------------------------------------
    @property
    def identities(self) -> tuple[str, ...]:
        """The nodes, in the order of :meth:`matrix` with no argument."""
        return self._identities

    @property
    def carriers(self) -> tuple[str, ...]:
        """Carrier names (candidate ids, profile names, or ``#i``), one per incidence row."""
        return self._carriers

    @property
    def incidence(self) -> Any:
        """``B``: carriers x identities, ``scipy.sparse.csr_array`` (a copy)."""
        return self._incidence.copy()

    @property
    def direct(self) -> np.ndarray:
        """``A``: direct co-occurrence mass between identities (zero diagonal), read-only."""
        return self._direct

    @property
    def shared(self) -> np.ndarray:
        """``N``: shared-neighbour mass between identities (zero diagonal), read-only."""
        return self._shared

    @property
    def scale(self) -> float:
        """Co-occurrence mass at which a direct link reaches strength ``1 - 1/e``."""
        return self._scale

    @property
    def indirect(self) -> float:
        """Weight of shared-neighbour mass relative to direct co-occurrence."""
        return self._indirect

    def strength(self, a: str, b: str) -> float:
        """Connected-identity strength of ``a`` and ``b`` in [0, 1]: 1 for ``a == b``, 0 for a node
        the network does not know.

        Examples
        --------
        >>> IdentityNetwork.from_carriers([{"sport": 1.0}]).strength("sport", "knowledge")
        0.0
        """
        ia, ib = _identity(a), _identity(b)
        if ia == ib:
            return 1.0
        i, j = self._index.get(ia), self._index.get(ib)
        if i is None or j is None:
            return 0.0
        return float(self._strength[i, j])

    def matrix(self, identities: Sequence[str] | None = None) -> np.ndarray:
        """Strength matrix with rows and columns in the order of ``identities`` (default: the nodes).

        Identities the network does not know are isolated (1 on the diagonal, 0 elsewhere), so the
        scoring engine can pass its whole vocabulary. This is the kernel ``S`` of the shared-identity
        term; see :meth:`kernel` for a mix with the identity matrix.

        Examples
        --------
        >>> net = IdentityNetwork.from_carriers([{"sport": 1.0, "health": 1.0}])
        >>> net.matrix(["sport", "health"]).round(4)
        array([[1.    , 0.6321],
               [0.6321, 1.    ]])
        """
        if identities is None:
            return self._strength.copy()
        if isinstance(identities, str):
            raise TypeError("identities must be a sequence of identity names, not one string")
        names = [_identity(t) for t in identities]
        if len(set(names)) != len(names):
            dupes = sorted({t for t in names if names.count(t) > 1})
            raise ValueError(f"identities repeat {dupes}: each column appears once")
        pos = np.array([self._index.get(t, -1) for t in names], dtype=np.intp)
        out = np.eye(len(names))
        known = np.flatnonzero(pos >= 0)
        out[np.ix_(known, known)] = self._strength[np.ix_(pos[known], pos[known])]
        return out

    def kernel(self, identities: Sequence[str] | None = None, mix: float = 0.5) -> np.ndarray:
        """``K = (1 - mix) * I + mix * S``: the identity kernel for a kernelised cosine.

        All entries are non-negative, so ``x K x > 0`` for any non-negative, non-zero ``x``.

        Examples
        --------
        >>> IdentityNetwork.from_carriers([{"sport": 1.0, "health": 1.0}]).kernel(mix=0.5).round(4)
        array([[1.    , 0.3161],
               [0.3161, 1.    ]])
        """
        if not (0.0 <= mix <= 1.0):
            raise ValueError(f"mix must be in [0, 1], got {mix!r}")
        s = self.matrix(identities)
        return (1.0 - mix) * np.eye(len(s)) + mix * s

    def to_frame(self) -> pd.DataFrame:
        """One row per linked pair ``a < b``: strength, direct and shared mass, strongest first."""
        import pandas as pd

        i, j = np.triu_indices(len(self._identities), k=1)
        keep = self._strength[i, j] > 0
        i, j = i[keep], j[keep]
        frame = pd.DataFrame(
            {
                "a": [self._identities[k] for k in i],
                "b": [self._identities[k] for k in j],
                "strength": self._strength[i, j],
                "direct": self._direct[i, j],
                "shared": self._shared[i, j],
            }
        )
        return frame.sort_values(["strength", "a", "b"], ascending=[False, True, True], ignore_index=True)

    def to_networkx(self) -> nx.Graph:
        """A ``networkx.Graph``: identities as nodes (attribute ``carriers``: how many carry it), an edge
        for every pair with strength > 0 (attributes ``strength``, ``direct``, ``shared`` and
        ``carriers``: the names of the carriers that carry both).

        Examples
        --------
        >>> g = IdentityNetwork.from_carriers([{"sport": 1.0, "health": 1.0}]).to_networkx()
        >>> g.edges["health", "sport"]["carriers"]
        ('#0',)
        """
        import networkx as nx

        b = self._incidence
        graph = nx.Graph(scale=self._scale, indirect=self._indirect)
        counts = np.diff(b.tocsc().indptr)
        for k, tag in enumerate(self._identities):
            graph.add_node(tag, carriers=int(counts[k]))
        both: dict[tuple[int, int], list[str]] = {}
        for row in range(b.shape[0]):
            cols = sorted(b.indices[b.indptr[row] : b.indptr[row + 1]].tolist())
            for x, i in enumerate(cols):
                for j in cols[x + 1 :]:
                    both.setdefault((i, j), []).append(self._carriers[row])
        i_idx, j_idx = np.nonzero(np.triu(self._strength, k=1))
        for i, j in zip(i_idx.tolist(), j_idx.tolist(), strict=True):
            graph.add_edge(
                self._identities[i],
                self._identities[j],
                strength=float(self._strength[i, j]),
                direct=float(self._direct[i, j]),
                shared=float(self._shared[i, j]),
                carriers=tuple(both.get((i, j), ())),
            )
        return graph

    def __eq__(self, other: object) -> bool:
        """Equal when built from the same data: identities, carriers, incidence, scale and indirect
        (so a network compares equal to itself after a JSON round trip of the options that carry it).

        Examples
        --------
        >>> a = IdentityNetwork.from_carriers([{"sport": 1.0, "health": 0.5}])
        >>> a == IdentityNetwork(a.identities, a.incidence.toarray(), carriers=a.carriers)
        True
        >>> a == IdentityNetwork.from_carriers([{"sport": 1.0, "health": 0.5}], scale=2.0)
        False
        """
        if not isinstance(other, IdentityNetwork):
            return NotImplemented
        if (self._identities, self._carriers, self._scale, self._indirect) != (
            other._identities, other._carriers, other._scale, other._indirect
        ):
            return False
        mine, theirs = self._incidence, other._incidence
        return bool(mine.shape == theirs.shape and (mine != theirs).nnz == 0)

    def __hash__(self) -> int:
        # Equal networks share these (incidence entries are compared by __eq__, not hashed).
        return hash((self._identities, self._carriers, self._scale, self._indirect, self._incidence.shape))

    def __repr__(self) -> str:
        return (
            f"IdentityNetwork({len(self._identities)} identities, {len(self._carriers)} carriers, "
            f"scale={self._scale}, indirect={self._indirect})"
        )
