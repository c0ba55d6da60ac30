"""Atomic file output: a temporary file beside the target, renamed over it only when complete."""

from __future__ import annotations

import contextlib
import functools
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import IO, Any, BinaryIO, Literal, TextIO, overload

__all__ = ["atomic_write"]


@functools.cache
def _umask() -> int:
    # os.umask can only be read by setting it; do it once, before any threads write files
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _target(path: str | os.PathLike[str]) -> Path:
    target = Path(path)
    if target.is_symlink():
        target = Path(os.path.realpath(target))  # replace the file the link points to, keep the link
    if target.is_dir():
        raise IsADirectoryError(f"{str(path)!r} is a directory, not a file")
    return target


@contextlib.contextmanager
def _atomic(target: Path, mode: str, encoding: str | None, newline: str | None) -> Iterator[IO[Any]]:
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.stem}-", suffix=f".tmp{target.suffix}")
    os.close(fd)  # reopened by name, so that ``handle.name`` is the temporary path
    try:
        with open(temporary, mode, encoding=encoding, newline=newline) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        try:
            permissions = stat.S_IMODE(target.stat().st_mode)
        except FileNotFoundError:
            permissions = 0o666 & ~_umask()
        os.chmod(temporary, permissions)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


@overload
def atomic_write(
    path: str | os.PathLike[str], mode: Literal["w"] = "w", *, encoding: str = "utf-8", newline: str | None = None
) -> AbstractContextManager[TextIO]: ...


@overload
def atomic_write(
    path: str | os.PathLike[str], mode: Literal["wb"], *, encoding: None = None, newline: None = None
) -> AbstractContextManager[BinaryIO]: ...


def atomic_write(
    path: str | os.PathLike[str],
    mode: Literal["w", "wb"] = "w",
    *,
    encoding: str | None = "utf-8",
    newline: str | None = None,
) -> AbstractContextManager[IO[Any]]:
    """Write ``path`` all at once or not at all: a file handle on a temporary file in the same
    directory, which replaces ``path`` (``os.replace``) when the ``with`` block ends without error.

    If the block raises (a full disk, a bug, Ctrl-C), the temporary file is removed and
    ``path`` keeps its old content, or stays absent: never a truncated or empty file.
    The new file keeps the permissions of the one it replaces (else the usual ones for a
    new file); a symbolic link is followed, not replaced. ``handle.name`` is the temporary
    file's path, which ends in the same suffix as ``path``: a library that writes by file
    name (and picks the format by suffix) can write there.

    Parameters
    ----------
    path
        The file to write.
    mode
        ``"w"`` for text (``encoding``, ``newline`` as for :func:`open`), ``"wb"`` for bytes.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> with atomic_write(path) as handle:
    ...     _ = handle.write("first")
    >>> try:
    ...     with atomic_write(path) as handle:
    ...         _ = handle.write("half")
    ...         raise RuntimeError("interrupted")
    ... except RuntimeError:
    ...     pass
    >>> path.read_text(), sorted(p.name for p in path.parent.iterdir())
    ('first', ['out.txt'])
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"mode must be 'w' or 'wb', got {mode!r}")
    binary = mode == "wb"
    return _atomic(_target(path), mode, None if binary else encoding, None if binary else newline)
