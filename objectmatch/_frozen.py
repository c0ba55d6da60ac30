"""Read-only mappings for frozen models.

A frozen pydantic model still holds mutable dicts: ``candidate.identities["x"] = 1.0``
would change a validated model behind its validators' back. Every mapping field of an
input model is therefore a :class:`FrozenDict`, a ``dict`` whose mutators raise
``TypeError``. It is a real ``dict`` (equal to plain dicts, JSON-serialisable, fast to
read), pickles (Dask ships models between processes) and is hashable when its values are.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, NoReturn, TypeVar

from pydantic import AfterValidator

__all__ = ["FrozenDict", "ReadOnlyMapping", "freeze"]

K = TypeVar("K")
V = TypeVar("V")


class FrozenDict(dict[K, V]):
    """A ``dict`` that cannot be changed after it is made.

    Examples
    --------
    >>> d = FrozenDict({"food": 1.0})
    >>> d == {"food": 1.0}, d["food"]
    (True, 1.0)
    >>> d["food"] = 0.5
    Traceback (most recent call last):
    ...
    TypeError: FrozenDict is read-only: build a new mapping, e.g. {**old, 'key': value}
    >>> import pickle
    >>> pickle.loads(pickle.dumps(d)) == d
    True
    """

    __slots__ = ()

    def _refuse(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError(f"{type(self).__name__} is read-only: build a new mapping, e.g. {{**old, 'key': value}}")

    __setitem__ = _refuse
    __delitem__ = _refuse
    __ior__ = _refuse
    clear = _refuse
    pop = _refuse
    popitem = _refuse
    setdefault = _refuse
    update = _refuse

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuild from a plain dict: the default protocol would call __setitem__ on an empty one.
        return (type(self), (dict(self),))

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(frozenset(self.items()))

    def copy(self) -> dict[K, V]:
        """A plain, mutable ``dict`` with the same items."""
        return dict(self)

    def __repr__(self) -> str:
        return dict.__repr__(self)


def freeze(value: Mapping[K, V]) -> FrozenDict[K, V]:
    """``value`` as a :class:`FrozenDict` (itself if it is one already)."""
    return value if isinstance(value, FrozenDict) else FrozenDict(value)


#: A pydantic field type: validated as a ``Mapping[K, V]``, stored read-only, dumped as a plain dict.
ReadOnlyMapping = Annotated[Mapping[K, V], AfterValidator(freeze)]
