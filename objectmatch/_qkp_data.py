"""Quadratic knapsack instances: the Billionnet-Soutif file format, the objective, the best-known list.

With one floor, fixed areas and no conflict term, objectmatch's matching problem is exactly the
0-1 Quadratic Knapsack Problem (QKP)::

    maximise   sum_i p_ii x_i + sum_{i<j} p_ij x_i x_j
    subject to sum_i w_i x_i <= C,  x_i in {0, 1}.

The published instances of A. Billionnet and É. Soutif (EJOR 157, 2004) are the measuring stick
of the engine's search (``benchmarks/bench_qkp.py``). This private module reads them; it does not
solve them.

File format, line by line: the instance's name; n; the n linear profits ``p_ii``; n - 1 lines,
line i holding ``p_ij`` for j = i+1 .. n (the upper triangle); a blank line; ``0`` (the
constraint type, one ``<=`` row); the capacity C; the n weights ``w_i``. Whatever follows the
weights (the published files end with a free-text ``Comments`` block) is ignored.

Examples
--------
>>> import numpy as np
>>> inst = QkpInstance("tiny", np.array([[1.0, 4.0], [4.0, 2.0]]), np.array([3, 5]), 8)
>>> qkp_value(inst, [1, 1]), qkp_weight(inst, [1, 1])
(7, 8)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

__all__ = ["QkpFormatError", "QkpInstance", "qkp_value", "qkp_weight", "read_best_known", "read_qkp"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: Above this total |profit| an int64 objective could overflow; refuse rather than wrap around.
_INT64_SAFE = 2.0**62


class QkpFormatError(ValueError):
    """A QKP or best-known file that does not follow the format; the message names file and line."""


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


@dataclass(frozen=True)
class QkpInstance:
    """One 0-1 quadratic knapsack instance.

    Parameters
    ----------
    name : str
        The instance's name (as its file states it).
    profits : ndarray of float64, shape (n, n)
        Symmetric: the linear profits ``p_ii`` on the diagonal, ``p_ij = p_ji`` off it.
    weights : ndarray of int64, shape (n,)
        Non-negative item weights.
    capacity : int
        The knapsack capacity C (non-negative).

    The arrays are copied and made read-only, so an instance never changes and never shares
    memory with its caller's arrays.

    Examples
    --------
    >>> import numpy as np
    >>> inst = QkpInstance("pair", np.array([[1.0, 4.0], [4.0, 2.0]]), np.array([3, 5]), 6)
    >>> inst.n, inst.weights.dtype.name
    (2, 'int64')
    """

    name: str
    profits: FloatArray
    weights: IntArray
    capacity: int

    def __post_init__(self) -> None:
        profits = np.array(self.profits, dtype=np.float64, copy=True)
        weights = np.array(self.weights, copy=True)
        if profits.ndim != 2 or profits.shape[0] != profits.shape[1]:
            raise ValueError(f"profits must be a square n x n matrix, got shape {profits.shape}")
        n = profits.shape[0]
        if not np.isfinite(profits).all():
            raise ValueError("profits must be finite")
        if not np.array_equal(profits, profits.T):
            i, j = np.argwhere(profits != profits.T)[0]
            raise ValueError(f"profits must be symmetric: p[{i},{j}]={profits[i, j]} but p[{j},{i}]={profits[j, i]}")
        if weights.shape != (n,):
            raise ValueError(f"weights must have shape ({n},) to match profits, got {weights.shape}")
        if not np.issubdtype(weights.dtype, np.integer) and not np.array_equal(weights, np.round(weights)):
            raise ValueError(f"weights must be whole numbers, got {_short(str(weights))}")
        weights = weights.astype(np.int64)
        if (weights < 0).any():
            raise ValueError(f"weights must be non-negative, got {int(weights.min())}")
        if isinstance(self.capacity, bool) or not isinstance(self.capacity, int | np.integer):
            raise ValueError(f"capacity must be an int, got {self.capacity!r}")
        if self.capacity < 0:
            raise ValueError(f"capacity must be non-negative, got {self.capacity}")
        profits.setflags(write=False)
        weights.setflags(write=False)
        object.__setattr__(self, "profits", profits)
        object.__setattr__(self, "weights", weights)
        object.__setattr__(self, "capacity", int(self.capacity))

    @property
    def n(self) -> int:
        """Number of items."""
        return int(self.profits.shape[0])


def _as_selection(instance: QkpInstance, x: Sequence[int] | npt.ArrayLike) -> IntArray:
    """``x`` as an int64 0/1 vector of length n, or a ValueError naming what is wrong."""
    arr = np.asarray(x)
    if arr.shape != (instance.n,):
        raise ValueError(f"x must have shape ({instance.n},), got {arr.shape}")
    if not np.isin(arr, (0, 1)).all():
        bad = arr[~np.isin(arr, (0, 1))][0]
        raise ValueError(f"x must hold only 0 and 1, got {_short(str(bad))}")
    return arr.astype(np.int64)


def qkp_value(instance: QkpInstance, x: Sequence[int] | npt.ArrayLike) -> int:
    """The objective ``sum_i p_ii x_i + sum_{i<j} p_ij x_i x_j`` of a 0/1 vector, in exact integers.

    Feasibility (the capacity) is not checked here: see :func:`qkp_weight`.

    Raises
    ------
    ValueError
        If ``x`` is not a 0/1 vector of length n, or the profits are not whole numbers.

    Examples
    --------
    >>> import numpy as np
    >>> p = np.array([[1.0, 4.0, 0.0], [4.0, 2.0, 5.0], [0.0, 5.0, 3.0]])
    >>> inst = QkpInstance("path", p, np.array([1, 1, 1]), 2)
    >>> qkp_value(inst, [1, 1, 0]), qkp_value(inst, [0, 1, 1]), qkp_value(inst, [1, 1, 1])
    (7, 10, 15)
    """
    sel = _as_selection(instance, x)
    profits = instance.profits
    if not np.array_equal(profits, np.round(profits)):
        raise ValueError(f"instance {instance.name!r}: profits must be whole numbers for an exact objective")
    if float(np.abs(profits).sum()) >= _INT64_SAFE:
        raise ValueError(f"instance {instance.name!r}: profits too large for exact int64 arithmetic")
    exact = profits.astype(np.int64)
    # x'Px counts every pair twice and the diagonal once; add the diagonal again and halve.
    twice = int(sel @ exact @ sel) + int(np.diagonal(exact) @ sel)
    return twice // 2


def qkp_weight(instance: QkpInstance, x: Sequence[int] | npt.ArrayLike) -> int:
    """Total weight ``sum_i w_i x_i`` of a 0/1 vector; it is feasible when this is ``<= capacity``.

    Examples
    --------
    >>> import numpy as np
    >>> inst = QkpInstance("pair", np.array([[1.0, 4.0], [4.0, 2.0]]), np.array([3, 5]), 6)
    >>> qkp_weight(inst, [1, 1]) <= inst.capacity
    False
    """
    return int(instance.weights @ _as_selection(instance, x))


class _Lines:
    """The lines of one file with their 1-based numbers, for errors that name file and line."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lines = path.read_text(encoding="utf-8").splitlines()
        self.pos = 0

    def error(self, message: str, line: int | None = None) -> QkpFormatError:
        where = f"{self.path}, line {line if line is not None else self.pos}"
        return QkpFormatError(f"{where}: {message}")

    def next(self, what: str) -> str:
        if self.pos >= len(self.lines):
            raise self.error(f"file ends before {what}", len(self.lines))
        self.pos += 1
        return self.lines[self.pos - 1].strip()

    def next_nonblank(self, what: str) -> str:
        line = self.next(what)
        while not line:
            line = self.next(what)
        return line

    def ints(self, what: str, count: int) -> list[int]:
        """The next line as exactly ``count`` non-negative integers."""
        tokens = self.next(what).split()
        if len(tokens) != count:
            raise self.error(f"{what}: expected {count} numbers, found {len(tokens)}")
        values = []
        for token in tokens:
            try:
                value = int(token)
            except ValueError:
                raise self.error(f"{what}: {_short(token)!r} is not an integer") from None
            if value < 0:
                raise self.error(f"{what}: {value} is negative (the format has non-negative data)")
            values.append(value)
        return values

    def one_int(self, what: str) -> int:
        line = self.next_nonblank(what)
        try:
            return int(line)
        except ValueError:
            raise self.error(f"{what}: expected one integer, found {_short(line)!r}") from None


def read_qkp(path: str | Path) -> QkpInstance:
    """Read one instance in the Billionnet-Soutif format (see the module docstring).

    Raises
    ------
    QkpFormatError
        If the file does not follow the format; the message names the file and the line.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> text = "tiny\\n2\\n1 2\\n4\\n\\n0\\n8\\n3 5\\n"
    >>> with tempfile.TemporaryDirectory() as d:
    ...     f = pathlib.Path(d) / "tiny.txt"
    ...     _ = f.write_text(text)
    ...     inst = read_qkp(f)
    >>> inst.name, inst.n, inst.capacity, inst.profits.tolist(), inst.weights.tolist()
    ('tiny', 2, 8, [[1.0, 4.0], [4.0, 2.0]], [3, 5])
    """
    src = _Lines(Path(path))
    name = src.next_nonblank("the instance name")
    n = src.one_int("n (the number of items)")
    if n < 1:
        raise src.error(f"n must be positive, got {n}")
    profits = np.zeros((n, n), dtype=np.float64)
    np.fill_diagonal(profits, src.ints("the linear profits", n))
    for i in range(n - 1):
        profits[i, i + 1 :] = src.ints(f"row {i + 1} of the quadratic profits", n - 1 - i)
    upper = np.triu(profits, 1)
    profits += upper.T
    kind = src.one_int("the constraint type")
    if kind != 0:
        raise src.error(f"constraint type must be 0 (one <= knapsack row), got {kind}")
    capacity = src.one_int("the capacity")
    if capacity < 0:
        raise src.error(f"capacity must be non-negative, got {capacity}")
    weights = np.array(src.ints("the weights", n), dtype=np.int64)
    return QkpInstance(name, profits, weights, capacity)


def read_best_known(path: str | Path) -> dict[str, int]:
    """Read a best-known list: one ``name value`` pair a line; blank lines are skipped.

    Raises
    ------
    QkpFormatError
        On a malformed line, a value that is not an integer, or a name listed twice.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     f = pathlib.Path(d) / "best_known.txt"
    ...     _ = f.write_text("jeu_a 10\\n\\njeu_b 7\\n")
    ...     read_best_known(f)
    {'jeu_a': 10, 'jeu_b': 7}
    """
    file = Path(path)
    best: dict[str, int] = {}
    for number, raw in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
        parts = raw.split()
        if not parts:
            continue
        if len(parts) != 2:
            raise QkpFormatError(f"{file}, line {number}: expected 'name value', found {_short(raw.strip())!r}")
        name, text = parts
        try:
            value = int(text)
        except ValueError:
            raise QkpFormatError(f"{file}, line {number}: value {_short(text)!r} is not an integer") from None
        if name in best:
            raise QkpFormatError(f"{file}, line {number}: {name!r} is listed twice")
        best[name] = value
    return best
