"""A progress bar for long portfolio calls: rich, imported only when the bar is shown.

``progress=None`` (the default) shows it only when stderr is a terminal, so scripts, logs, tests
and notebooks piping stderr stay quiet; ``True`` forces it, ``False`` silences it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol

__all__ = ["SILENT", "Tracker", "progress_bar", "shows_progress"]


class Tracker(Protocol):
    """What the portfolio tells a progress display: more work, work done, what it is doing."""

    def grow(self, n: int) -> None: ...

    def advance(self, n: int = 1) -> None: ...

    def describe(self, text: str) -> None: ...


class _Silent:
    """A tracker that shows nothing."""

    def grow(self, n: int) -> None:
        """No display."""

    def advance(self, n: int = 1) -> None:
        """No display."""

    def describe(self, text: str) -> None:
        """No display."""


SILENT: Tracker = _Silent()


class _RichTracker:
    """A rich progress task whose total grows as work is found (rounds of matches are not known up front)."""

    def __init__(self, bar: Any, task: Any) -> None:
        self._bar, self._task = bar, task

    def grow(self, n: int) -> None:
        total = self._bar.tasks[0].total or 0
        self._bar.update(self._task, total=total + n)

    def advance(self, n: int = 1) -> None:
        self._bar.advance(self._task, n)

    def describe(self, text: str) -> None:
        self._bar.update(self._task, description=text)


def shows_progress(progress: bool | None) -> bool:
    """Whether to show a bar: as asked, or by default when stderr is a terminal.

    Examples
    --------
    >>> shows_progress(False), shows_progress(True)
    (False, True)
    """
    if progress is not None:
        return progress
    isatty = getattr(sys.stderr, "isatty", None)
    return bool(isatty and isatty())


@contextmanager
def progress_bar(progress: bool | None, description: str) -> Iterator[Tracker]:
    """A tracker drawing a rich progress bar on stderr, or :data:`SILENT` when none is to be shown."""
    if not shows_progress(progress):
        yield SILENT
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(file=sys.stderr)) as bar:
        yield _RichTracker(bar, bar.add_task(description, total=0))
