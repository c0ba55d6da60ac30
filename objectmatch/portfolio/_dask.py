"""Running a list of independent tasks locally or on a Dask cluster, with the same results.

Dask is an optional extra (``pip install objectmatch[dask]``): it is imported here, inside
functions, only when a client is asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar, cast

from objectmatch.portfolio._progress import SILENT, Tracker

__all__ = ["ClientLike", "resolve_client", "run_tasks"]

T = TypeVar("T")
R = TypeVar("R")

#: ``None``/``False`` (run locally), ``True``/``"current"`` (the current Dask client), or a client.
ClientLike = Any


def resolve_client(client: ClientLike) -> Any:
    """The ``distributed.Client`` to use, or ``None`` to run locally (``client`` already validated).

    Examples
    --------
    >>> resolve_client(None) is None and resolve_client(False) is None
    True
    """
    if client is None or client is False:
        return None
    if client is True or client == "current":
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
    return client


def run_tasks(
    func: Callable[..., R],
    items: Sequence[T],
    client: Any,
    *,
    shared: object = None,
    tracker: Tracker = SILENT,
    **kwargs: Any,
) -> list[R]:
    """``[func(item, shared=shared, **kwargs) for item in items]``, in order, locally or as Dask tasks.

    On Dask, ``shared`` is scattered to every worker once (``broadcast=True``) and each item
    becomes one task; results come back in the order of ``items``. ``tracker`` hears of every
    item done, in the order they finish.
    """
    tracker.grow(len(items))
    if client is None:
        out = []
        for item in items:
            out.append(func(item, shared=shared, **kwargs))
            tracker.advance()
        return out
    if not items:
        return []
    from distributed import as_completed

    shared_future = client.scatter(shared, broadcast=True, hash=False) if shared is not None else None
    futures = client.map(func, list(items), shared=shared_future, pure=False, **kwargs)
    try:
        for _ in cast(Any, as_completed)(futures):  # distributed is untyped
            tracker.advance()
        return list(client.gather(futures))
    finally:
        # free the workers' copies now rather than when the futures are garbage collected
        client.cancel([*futures, *([shared_future] if shared_future is not None else [])])
