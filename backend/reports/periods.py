"""Reporting periods (one definition for scorecards, exports and disclosures).

A period is a half-open interval [start, end) of whole Beijing days: it starts at 00:00
Asia/Shanghai on its first day and ends at 00:00 after its last day, whatever the server's zone.
Months, quarters and years are such day ranges too; `days(first, last)` is the custom one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from backend.clock import SHANGHAI, today


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime

    @property
    def first_day(self) -> date:
        return self.start.astimezone(SHANGHAI).date()

    @property
    def last_day(self) -> date:
        return (self.end - timedelta(days=1)).astimezone(SHANGHAI).date()


def days(first: date, last: date) -> Period:
    """From `first` to `last`, both inclusive (callers check first <= last: their own error)."""
    start = datetime.combine(first, time(0), tzinfo=SHANGHAI)
    return Period(start, datetime.combine(last + timedelta(days=1), time(0), tzinfo=SHANGHAI))


def month(year: int, number: int) -> Period:
    first = date(year, number, 1)
    following = date(year + number // 12, number % 12 + 1, 1)
    return days(first, following - timedelta(days=1))


def quarter(year: int, number: int) -> Period:
    """Quarter 1 to 4 of `year`."""
    if not 1 <= number <= 4:
        raise ValueError(f"no quarter {number}")
    first, last = month(year, 3 * number - 2), month(year, 3 * number)
    return Period(first.start, last.end)


def year(number: int) -> Period:
    return days(date(number, 1, 1), date(number, 12, 31))


def month_to_date(on: date | None = None) -> Period:
    last = on or today()
    return days(last.replace(day=1), last)


def last_month(on: date | None = None) -> Period:
    first_of_this = (on or today()).replace(day=1)
    previous = first_of_this - timedelta(days=1)
    return month(previous.year, previous.month)


def trailing_year(on: date | None = None) -> Period:
    """The 365 days ending with `on` (default today)."""
    last = on or today()
    return days(last - timedelta(days=364), last)
