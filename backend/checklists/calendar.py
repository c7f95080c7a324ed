"""Rectification deadlines in working time on the official Chinese calendar.

Working days come from the ``chinesecalendar`` package (``chinese_calendar.is_workday``), which
follows the State Council's yearly holiday notice: public holidays are days off even on weekdays,
and adjusted working days (调休, a Saturday or Sunday declared a working day) count as working days.
The package only knows the years whose notice it ships (see ``SUPPORTED_YEARS``).  Dates before
them raise ``ValueError``.  Dates after them (the notice for next year usually comes out in
November, and deadlines set in late December run into the new year) follow a *provisional* rule:
Monday to Friday are working days except the fixed-date statutory holidays of the national holiday
law (元旦 1 Jan, 劳动节 1-2 May, 国庆 1-3 Oct); ``is_official(day)`` tells callers whether a date
was decided by the official calendar, so they can mark such deadlines provisional.  Upgrade the
package every year once the State Council notice is out.

All clock times are wall-clock times in Asia/Shanghai, whatever zone the input is in.  The working
day runs from ``WorkingHours.start`` (inclusive) to ``WorkingHours.end`` (exclusive), 08:30-17:30 by
default, with no lunch break.

Rules of ``add_working_time(moment, amount, unit)``:

* ``working_hours``: only time inside working hours of working days is counted.  A moment inside
  working time starts counting at once; a moment before the start of a working day starts at that
  day's start; any other moment (after the end, or on a day off) starts at the start of the next
  working day.  The deadline is the instant at which ``amount`` hours have been counted; when that
  happens exactly at the end of a working day the deadline is that end (17:30), not the next start.
* ``working_days``: ``amount`` working days are ``amount`` times the length of the working day,
  counted as working hours.  From a moment inside working time that is the same clock time
  ``amount`` working days later (10:00 Friday + 1 working day = 10:00 on the next working day);
  from a moment outside working time it is the end of the ``amount``-th working day after it
  (Saturday + 1 working day = 17:30 on Monday, or on the 调休 Sunday if that is a working day).
* ``amount == 0``: the moment itself, converted to Asia/Shanghai (not moved to working time).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from importlib import metadata
from typing import Literal, get_args
from zoneinfo import ZoneInfo

from chinese_calendar.constants import holidays as _HOLIDAYS
from chinese_calendar.constants import workdays as _WORKDAYS

__all__ = [
    "CALENDAR_VERSION",
    "DEFAULT_HOURS",
    "SHANGHAI",
    "SUPPORTED_YEARS",
    "WorkingHours",
    "WorkingUnit",
    "add_working_time",
    "is_official",
    "is_working_day",
    "next_working_start",
    "working_hours_between",
]

SHANGHAI = ZoneInfo("Asia/Shanghai")
WorkingUnit = Literal["working_hours", "working_days"]
_UNITS: tuple[str, ...] = get_args(WorkingUnit)

try:
    CALENDAR_VERSION: str = metadata.version("chinesecalendar")
except metadata.PackageNotFoundError:  # pragma: no cover - vendored copies
    CALENDAR_VERSION = "unknown"

SUPPORTED_YEARS: tuple[int, int] = (
    min(day.year for day in _HOLIDAYS),
    max(day.year for day in _HOLIDAYS),
)


@dataclass(frozen=True)
class WorkingHours:
    """Daily working time on working days, as naive wall-clock times in Asia/Shanghai."""

    start: time = time(8, 30)
    end: time = time(17, 30)

    def __post_init__(self) -> None:
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("WorkingHours takes naive times (they are read in Asia/Shanghai)")
        if self.start >= self.end:
            raise ValueError(f"working day start {self.start} must be before end {self.end}")

    @property
    def length(self) -> timedelta:
        """Length of one working day."""
        day = date(2000, 1, 3)
        return datetime.combine(day, self.end) - datetime.combine(day, self.start)

    def opening(self, day: date) -> tuple[datetime, datetime]:
        """Start and end of working time on ``day`` (whether or not it is a working day)."""
        return (
            datetime.combine(day, self.start, tzinfo=SHANGHAI),
            datetime.combine(day, self.end, tzinfo=SHANGHAI),
        )


DEFAULT_HOURS = WorkingHours()

# Gregorian-date holidays fixed by 全国年节及纪念日放假办法; lunar ones need the yearly notice.
_FIXED_STATUTORY_HOLIDAYS = frozenset({(1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3)})


def is_working_day(day: date) -> bool:
    """True for official working days, including 调休 weekend days; False for holidays.

    Takes a ``date`` (a ``datetime`` is refused, since its civil date depends on the zone).
    Raises ``ValueError`` for years before the installed calendar; years after it follow the
    provisional rule of the module docstring.
    """
    if isinstance(day, datetime):
        raise TypeError("is_working_day takes a date; convert the datetime to Asia/Shanghai first")
    if not isinstance(day, date):
        raise TypeError(f"is_working_day takes a date, not {type(day).__name__}")
    low, high = SUPPORTED_YEARS
    if day.year > high:
        return day.weekday() < 5 and (day.month, day.day) not in _FIXED_STATUTORY_HOLIDAYS
    if day.year < low:
        raise ValueError(
            f"No official holiday calendar for {day.year}: the installed chinesecalendar "
            f"{CALENDAR_VERSION} covers {low}-{high}."
        )
    # chinese_calendar.is_workday's rule on its tables, without its per-call range check (a
    # min and max over every holiday it knows: 70 µs a day, which scorecards felt).
    return day in _WORKDAYS or (day.weekday() < 5 and day not in _HOLIDAYS)


def is_official(day: date) -> bool:
    """Whether ``day`` is decided by the official calendar (not the provisional rule)."""
    return SUPPORTED_YEARS[0] <= day.year <= SUPPORTED_YEARS[1]


def _local(moment: datetime, name: str = "moment") -> datetime:
    if not isinstance(moment, datetime):
        raise TypeError(f"{name} must be a datetime, not {type(moment).__name__}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {moment.isoformat()}")
    return moment.astimezone(SHANGHAI)


def _next_working_day(day: date) -> date:
    day += timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def next_working_start(moment: datetime, hours: WorkingHours = DEFAULT_HOURS) -> datetime:
    """Where counting begins: ``moment`` if inside working time, else the next working start."""
    local = _local(moment)
    day = local.date()
    if is_working_day(day):
        start, end = hours.opening(day)
        if local < start:
            return start
        if local < end:
            return local
    return hours.opening(_next_working_day(day))[0]


def add_working_time(
    moment: datetime,
    amount: int,
    unit: WorkingUnit,
    hours: WorkingHours = DEFAULT_HOURS,
) -> datetime:
    """The deadline ``amount`` working hours or working days after ``moment``.

    See the module docstring for the exact rules.  Returns an aware datetime in Asia/Shanghai.
    Raises ``ValueError`` for a naive ``moment``, a negative ``amount``, an unknown ``unit`` or a
    date before the years the installed ``chinesecalendar`` knows; ``TypeError`` for a
    non-integer ``amount``.
    """
    local = _local(moment)
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"amount must be an int, not {type(amount).__name__}")
    if amount < 0:
        raise ValueError(f"amount must not be negative, got {amount}")
    if unit not in _UNITS:
        raise ValueError(f"unknown unit {unit!r}; expected one of {', '.join(_UNITS)}")
    is_working_day(local.date())  # refuse years before the calendar even for amount 0
    if amount == 0:
        return local

    remaining = amount * (timedelta(hours=1) if unit == "working_hours" else hours.length)
    cursor = next_working_start(local, hours)
    while True:
        day_end = hours.opening(cursor.date())[1]
        available = day_end - cursor
        if remaining <= available:
            return cursor + remaining
        remaining -= available
        cursor = hours.opening(_next_working_day(cursor.date()))[0]


def working_hours_between(a: datetime, b: datetime, hours: WorkingHours = DEFAULT_HOURS) -> float:
    """Working hours from ``a`` to ``b`` (negative when ``b`` is before ``a``).

    Only time inside working hours on working days counts, so for ``amount > 0``
    ``working_hours_between(m, add_working_time(m, n, "working_hours")) == n``.
    Counted as the difference of two running totals of working microseconds (one lookup per
    end, not a walk over the days between): exactly the day-by-day sum, about 100 times faster
    (scorecards take it for every ticket rectified in a year).
    """
    start, stop = _local(a, "a"), _local(b, "b")
    if stop < start:
        return -working_hours_between(b, a, hours)
    return (_worked_until(stop, hours) - _worked_until(start, hours)) / _HOUR_US


_HOUR_US = 3_600_000_000


def _clock_us(moment: datetime | time) -> int:
    """Wall-clock microseconds since midnight (Asia/Shanghai keeps no summer time)."""
    seconds = (moment.hour * 60 + moment.minute) * 60 + moment.second
    return seconds * 1_000_000 + moment.microsecond


def _worked_until(local: datetime, hours: WorkingHours) -> int:
    """Working microseconds from the first day of the installed calendar to ``local``."""
    day = local.date()
    before = _working_days_before(day)
    open_us, close_us = _clock_us(hours.start), _clock_us(hours.end)
    total = before * (close_us - open_us)
    if _working_days_before(day + timedelta(days=1)) > before:  # a working day
        total += min(max(_clock_us(local), open_us), close_us) - open_us
    return total


_FIRST_DAY = date(SUPPORTED_YEARS[0], 1, 1)
_EXTENDING = threading.Lock()
_WORKING_DAYS_BEFORE = [0]  # index i: working days in [_FIRST_DAY, _FIRST_DAY + i days)


def _working_days_before(day: date) -> int:
    """Working days from the calendar's first day up to ``day`` (excluded); earlier days raise
    ValueError, as is_working_day does. Extended on demand, kept for the process."""
    if day < _FIRST_DAY:
        is_working_day(day)  # raises ValueError: before the official calendar
    index = (day - _FIRST_DAY).days
    known = _WORKING_DAYS_BEFORE
    if len(known) <= index:
        with _EXTENDING:  # threads of one worker share the list
            while len(known) <= index:
                following = _FIRST_DAY + timedelta(days=len(known) - 1)
                known.append(known[-1] + is_working_day(following))
    return known[index]
