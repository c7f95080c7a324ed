"""Task windows of a plan version on the working calendar (调休 included).

Windows are whole days in Asia/Shanghai: a window opens at midnight of its first working day
and closes at midnight after its `window_days`-th working day; the grace runs `grace_days`
further working days. Schedules are anchored at the version's `effective_from`, so every run of
the generator, whatever day it runs, finds the same windows.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import pairwise

from backend.checklists.calendar import SHANGHAI, is_working_day
from backend.plans.models import PlanVersion, ScheduleKind

MONTHLY_MAX_WINDOW = 15  # the shortest month (February with 春节) has about 15 working days
WEEKLY_MAX_WINDOW = 5


@dataclass(frozen=True)
class Window:
    first_day: date
    last_day: date
    opens_at: datetime
    closes_at: datetime
    grace_until: datetime


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=SHANGHAI)


def _working_days_from(day: date) -> Iterator[date]:
    """Working days from `day` (included when it is one) onwards."""
    while True:
        if is_working_day(day):
            yield day
        day += timedelta(days=1)


def _nth_working_day(day: date, n: int) -> date:
    """The n-th working day counting from `day` (n=1: `day` itself if it is a working day)."""
    for index, working in enumerate(_working_days_from(day), start=1):
        if index == n:
            return working
    raise AssertionError("unreachable")


def max_window(schedule: ScheduleKind, every_n: int | None, weekdays: list[int] | None) -> int:
    """The longest window that ends before the next one opens."""
    if schedule is ScheduleKind.every_n_working_days:
        return every_n or 0
    if schedule is ScheduleKind.weekly:
        days = sorted(set(weekdays or []))
        if not days:
            return 0
        gaps = [(b - a) for a, b in pairwise(days)]
        gaps.append(days[0] + 7 - days[-1])
        return min(min(gaps), WEEKLY_MAX_WINDOW)
    return MONTHLY_MAX_WINDOW


def _starts(version: PlanVersion, until: date) -> Iterator[date]:
    anchor = version.effective_from
    if version.schedule is ScheduleKind.every_n_working_days:
        every = version.every_n or 1
        for index, day in enumerate(_working_days_from(anchor)):
            if day > until:
                return
            if index % every == 0:
                yield day
    elif version.schedule is ScheduleKind.weekly:
        wanted = set(version.weekdays or [])
        seen: set[date] = set()
        day = anchor
        while day <= until:
            if day.weekday() in wanted:
                start = next(_working_days_from(day))  # a holiday moves it to the next one
                if start not in seen and start <= until:
                    seen.add(start)
                    yield start
            day += timedelta(days=1)
    else:
        month = date(anchor.year, anchor.month, 1)
        while month <= until:
            start = next(_working_days_from(month))
            if anchor <= start <= until:
                yield start
            month = (month + timedelta(days=32)).replace(day=1)


def windows(version: PlanVersion, start: date, end: date) -> list[Window]:
    """Windows of `version` that open on a day in [start, end] and within its effective dates."""
    until = min(end, version.effective_to or end)
    found = []
    for first in _starts(version, until):
        if first < start:
            continue
        last = _nth_working_day(first, version.window_days)
        grace_end = (
            _nth_working_day(last + timedelta(days=1), version.grace_days)
            if (version.grace_days)
            else last
        )
        found.append(
            Window(
                first_day=first,
                last_day=last,
                opens_at=_midnight(first),
                closes_at=_midnight(last + timedelta(days=1)),
                grace_until=_midnight(grace_end + timedelta(days=1)),
            )
        )
    return found
