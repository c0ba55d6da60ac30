"""Running a list of independent tasks locally or on a Dask cluster, with the same results.

Dask is an optional extra (``pip install objectmatch[dask]``): it is imported here, inside
functions, only when a client is asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

__all__ = ["ClientLike", "resolve_client", "run_tasks"]

T = TypeVar("T")
R = TypeVar("R")

#: ``None``/``False`` (run locally), ``True``/``"current"`` (the current Dask client), or a client.
ClientLike = Any


def resolve_client(client: ClientLike) -> Any:
    """The ``distributed.Client`` to use, or ``None`` to run locally.

    Examples
    --------
    >>> resolve_client(None) is None and resolve_client(False) is None
    True
    """
    if client is None or client is False:
        return None
    if client is True or (isinstance(client, str) and client == "current"):
        try:
            from distributed import get_client
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ImportError(
                "client=True needs Dask: pip install 'objectmatch[dask]' (dask[distributed])"
            ) from exc
        try:
            return get_client()
        except ValueError as exc:
            raise ValueError(f"client={client!r}: no Dask client is running ({exc})") from exc
    if isinstance(client, str):
        raise ValueError(f"client must be None, True, 'current' or a dask.distributed.Client, got {client!r}")
    if not (hasattr(client, "map") and hasattr(client, "scatter") and hasattr(client, "gather")):
        raise TypeError(f"client must be a dask.distributed.Client, got a {type(client).__name__}")
    return client


def run_tasks(
    func: Callable[..., R], items: Sequence[T], client: Any, *, shared: object = None, **kwargs: Any
) -> list[R]:
    """``[func(item, shared=shared, **kwargs) for item in items]``, in order, locally or as Dask tasks.

    On Dask, ``shared`` is scattered to every worker once (``broadcast=True``) and each item
    becomes one task; results come back in the order of ``items``.
    """
    if client is None:
        return [func(item, shared=shared, **kwargs) for item in items]
    if not items:
        return []
    shared_future = client.scatter(shared, broadcast=True, hash=False) if shared is not None else None
    futures = client.map(func, list(items), shared=shared_future, pure=False, **kwargs)
    try:
        return list(client.gather(futures))
    finally:
        # free the workers' copies now rather than when the futures are garbage collected
        client.cancel([*futures, *([shared_future] if shared_future is not None else [])])
