"""Weekly schedules: occupancy over the week as 7 x 24 values in [0, 1].

Row 0 is Monday, column 0 is the hour 00:00-01:00. Build one from opening
hours with :func:`opening_hours` rather than by hand.
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Mapping, Sequence
from typing import Any

from objectmatch._text import short_repr

__all__ = ["DAYS", "EMPTY", "OFFICE_HOURS", "Schedule", "flat", "from_flat", "opening_hours", "schedule_from"]

#: A schedule: seven rows (Monday first) of 24 hourly occupancy values in [0, 1].
Schedule = tuple[tuple[float, ...], ...]

DAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_ALIASES = {
    "monday": "mon", "tuesday": "tue", "wednesday": "wed", "thursday": "thu",
    "friday": "fri", "saturday": "sat", "sunday": "sun",
    "ma": "mon", "di": "tue", "wo": "wed", "do": "thu", "vr": "fri", "za": "sat", "zo": "sun",
}
_RANGE_RE = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*-\s*(\d{1,2})(?::(\d{2}))?$")


def _day_index(token: str) -> int:
    key = token.strip().lower()
    key = _DAY_ALIASES.get(key, key)
    if key not in DAYS:
        raise ValueError(f"unknown day {short_repr(token)}; use one of {', '.join(DAYS)}")
    return DAYS.index(key)


def _days(spec: str) -> list[int]:
    spec = spec.strip().lower()
    if spec in ("daily", "all", "every day", "mon-sun"):
        return list(range(7))
    if spec in ("weekdays", "workdays"):
        return list(range(5))
    if spec in ("weekend", "weekends"):
        return [5, 6]
    days: list[int] = []
    for part in spec.split(","):
        if "-" in part:
            start, end = (_day_index(p) for p in part.split("-", 1))
            if end < start:
                raise ValueError(f"day range {short_repr(part.strip())} runs backwards")
            days.extend(range(start, end + 1))
        else:
            days.append(_day_index(part))
    return days


def _hours(spec: str) -> list[tuple[int, float]]:
    """Hours covered by ``"08:00-18:30"`` as (hour, share of that hour) pairs; may wrap past midnight."""
    match = _RANGE_RE.match(spec.strip())
    if match is None:
        raise ValueError(f"hours {short_repr(spec)} are not of the form 'HH:MM-HH:MM'")
    h0, m0, h1, m1 = (int(g) if g else 0 for g in match.groups())
    if not (0 <= h0 <= 24 and 0 <= h1 <= 24 and m0 < 60 and m1 < 60):
        raise ValueError(f"hours {short_repr(spec)} are out of range")
    start, end = h0 * 60 + m0, h1 * 60 + m1
    if end <= start:
        end += 24 * 60  # runs past midnight into the next day
    covered: list[tuple[int, float]] = []
    for hour in range(start // 60, (end + 59) // 60):
        lo, hi = max(start, hour * 60), min(end, (hour + 1) * 60)
        if hi > lo:
            covered.append((hour, (hi - lo) / 60))
    return covered


def opening_hours(spec: str | Mapping[str, str], level: float = 1.0) -> Schedule:
    """Build a schedule from opening hours.

    Parameters
    ----------
    spec
        ``"mon-fri 08:00-18:00; sat 10-16"`` or a mapping ``{"mon-fri": "08-18"}``.
        Days: ``mon``..``sun`` (Dutch ``ma``..``zo`` too), ranges, lists, or
        ``daily``/``weekdays``/``weekend``. Several ranges per day: ``"sat 10-13, 14-17"``.
        Hours past midnight roll into the next day.
    level
        Occupancy during open hours, in [0, 1].

    Examples
    --------
    >>> week = opening_hours("mon-fri 08:30-17:00")
    >>> week[0][8], week[0][9], week[0][17], week[5][10]
    (0.5, 1.0, 0.0, 0.0)
    >>> sum(map(sum, opening_hours("daily 22-02")))
    28.0
    >>> opening_hours({"mon-fri": 8})
    Traceback (most recent call last):
    ...
    ValueError: opening hours {'mon-fri': 8}: hours 8 are not text such as '08:00-18:00'
    """
    if isinstance(level, bool) or not isinstance(level, int | float) or not 0.0 <= level <= 1.0:
        raise ValueError(f"level must be a number in [0, 1], got {short_repr(level)}")
    grid = [[0.0] * 24 for _ in range(7)]
    for days, hours in _items(spec):
        for day in _days(days):
            for part in hours.split(","):
                for hour, share in _hours(part):
                    d, h = (day + hour // 24) % 7, hour % 24
                    grid[d][h] = min(1.0, max(grid[d][h], share * level))
    return tuple(tuple(row) for row in grid)


def _items(spec: Any) -> list[tuple[str, str]]:
    """(days, hours) pairs of an opening-hours string or mapping; ``ValueError`` for anything else."""
    if isinstance(spec, str):
        items: list[tuple[str, str]] = []
        for chunk in filter(None, (c.strip() for c in spec.split(";"))):
            if " " not in chunk:
                raise ValueError(f"opening hours {short_repr(chunk)} need days and hours, e.g. 'mon-fri 08-18'")
            days, hours = chunk.split(None, 1)
            items.append((days, hours))
        return items
    if not isinstance(spec, Mapping):
        raise ValueError(f"opening hours must be text or a mapping of days to hours, got {short_repr(spec)}")
    for days, hours in spec.items():
        if not isinstance(days, str):
            raise ValueError(
                f"opening hours {short_repr(spec)}: days {short_repr(days)} are not text such as 'mon-fri'"
            )
        if not isinstance(hours, str):
            raise ValueError(
                f"opening hours {short_repr(spec)}: hours {short_repr(hours)} are not text such as '08:00-18:00'"
            )
    return list(spec.items())


def _grid(value: Any) -> Schedule:
    """A 7 x 24 grid of numbers in [0, 1] as a schedule; ``ValueError`` naming the first bad cell."""
    rows = value.tolist() if hasattr(value, "tolist") else list(value)
    shape = [len(r) if hasattr(r, "__len__") and not isinstance(r, str | bytes | Mapping) else None for r in rows[:8]]
    if len(rows) != 7 or any(n != 24 for n in shape):
        raise ValueError(f"schedule must be 7 days x 24 hours, got {len(rows)} rows of lengths {shape}")
    for d, row in enumerate(rows):
        for h, v in enumerate(row):
            if type(v) is not float and (isinstance(v, bool) or not isinstance(v, numbers.Real)):
                raise ValueError(f"schedule[{d}][{h}] = {short_repr(v)} is not a number")
            if not (0.0 <= float(v) <= 1.0):  # also false for NaN
                raise ValueError(f"schedule[{d}][{h}] = {v!r} is outside [0, 1]")
    return tuple(tuple(float(v) for v in row) for row in rows)


def schedule_from(value: Any) -> Schedule:
    """A schedule from opening hours (text or a mapping) or a 7 x 24 grid (lists, tuples, an array).

    Every bad input raises ``ValueError`` naming the value, so a model field reports it as a
    validation error (never an ``AttributeError`` or ``TypeError`` from deep inside).

    Examples
    --------
    >>> schedule_from({"mon-fri": "09-17"}) == OFFICE_HOURS
    True
    >>> schedule_from([[0.0] * 24] * 6)
    Traceback (most recent call last):
    ...
    ValueError: schedule must be 7 days x 24 hours, got 6 rows of lengths [24, 24, 24, 24, 24, 24]
    >>> schedule_from(5)
    Traceback (most recent call last):
    ...
    ValueError: a schedule is opening hours (text or a mapping) or 7 x 24 numbers, got 5
    """
    if isinstance(value, str | Mapping):
        return opening_hours(value)
    if isinstance(value, Sequence) or hasattr(value, "tolist"):
        return _grid(value)
    raise ValueError(f"a schedule is opening hours (text or a mapping) or 7 x 24 numbers, got {short_repr(value)}")


def flat(schedule: Schedule) -> str:
    """Schedule as one string of 168 numbers separated by spaces (the CSV form)."""
    return " ".join(repr(float(v)) for row in schedule for v in row)


def from_flat(text: str) -> Schedule:
    """Inverse of :func:`flat`; also reads opening hours such as ``"mon-fri 09-17"``."""
    tokens = text.split()
    try:
        values = [float(t) for t in tokens]
    except ValueError:
        return opening_hours(text)
    if len(values) != 168:
        raise ValueError(f"a flat schedule has 168 values (7 x 24), got {len(values)}")
    return tuple(tuple(values[d * 24 : (d + 1) * 24]) for d in range(7))


EMPTY: Schedule = tuple(tuple(0.0 for _ in range(24)) for _ in range(7))
#: Monday to Friday, 09:00-17:00.
OFFICE_HOURS: Schedule = opening_hours("mon-fri 09:00-17:00")
