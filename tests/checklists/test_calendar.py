"""Working-time deadlines on the official Chinese calendar, checked on real 2025 and 2026 dates.

Holiday arrangements per the State Council General Office notices on the 2025 and 2026 public
holidays (国务院办公厅关于2025年/2026年部分节假日安排的通知).
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from backend.checklists.calendar import (
    SHANGHAI,
    SUPPORTED_YEARS,
    WorkingHours,
    add_working_time,
    is_official,
    is_working_day,
    next_working_start,
    working_hours_between,
)
from tests.reports.scorecards_before import is_working_day as day_by_package
from tests.reports.scorecards_before import working_hours_between as by_day


def sh(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


# --------------------------------------------------------------------------- the calendar


@pytest.mark.parametrize(
    ("holiday", "working_weekend"),
    [
        # 2025 Spring Festival: 1.28-2.4 off; Sun 1.26 and Sat 2.8 worked
        (days(date(2025, 1, 28), date(2025, 2, 4)), [date(2025, 1, 26), date(2025, 2, 8)]),
        # 2025 National Day + Mid-Autumn: 10.1-10.8 off; Sun 9.28 and Sat 10.11 worked
        (days(date(2025, 10, 1), date(2025, 10, 8)), [date(2025, 9, 28), date(2025, 10, 11)]),
        # 2026 Spring Festival: 2.15-2.23 off (9 days); Sat 2.14 and Sat 2.28 worked
        (days(date(2026, 2, 15), date(2026, 2, 23)), [date(2026, 2, 14), date(2026, 2, 28)]),
        # 2026 National Day: 10.1-10.7 off; Sun 9.20 and Sat 10.10 worked
        (days(date(2026, 10, 1), date(2026, 10, 7)), [date(2026, 9, 20), date(2026, 10, 10)]),
    ],
)
def test_official_holidays_and_adjusted_working_days(
    holiday: list[date], working_weekend: list[date]
) -> None:
    for day in holiday:
        assert not is_working_day(day), day
    for day in working_weekend:
        assert day.weekday() >= 5
        assert is_working_day(day), day


def test_plain_weeks() -> None:
    assert is_working_day(date(2025, 3, 12))  # Wednesday
    assert not is_working_day(date(2025, 3, 15))  # Saturday
    assert not is_working_day(date(2025, 3, 16))  # Sunday
    assert is_working_day(date(2025, 1, 27))  # Monday, last working day before Spring Festival
    assert not is_working_day(date(2026, 9, 25))  # Friday, Mid-Autumn Festival 2026


def test_is_working_day_refuses_datetime() -> None:
    with pytest.raises(TypeError):
        is_working_day(sh(2025, 3, 12, 10))  # type: ignore[arg-type]


# --------------------------------------------------------------------------- working hours


def test_working_hours_across_spring_festival_2025() -> None:
    # Mon 2025-01-27 is the last working day: 1.5 h left, then nothing until Wed 2025-02-05
    deadline = add_working_time(sh(2025, 1, 27, 16), 4, "working_hours")
    assert deadline == sh(2025, 2, 5, 11)
    assert deadline.tzinfo is SHANGHAI


def test_working_hours_use_adjusted_sunday() -> None:
    # Sat 2025-01-25 is a day off, Sun 2025-01-26 is a working day
    assert add_working_time(sh(2025, 1, 25, 10), 2, "working_hours") == sh(2025, 1, 26, 10, 30)


def test_working_hours_in_a_plain_day() -> None:
    assert add_working_time(sh(2025, 3, 12, 9), 2, "working_hours") == sh(2025, 3, 12, 11)
    # ending exactly at closing time stays on that day
    assert add_working_time(sh(2025, 3, 12, 15, 30), 2, "working_hours") == sh(2025, 3, 12, 17, 30)
    # before opening starts at opening
    assert add_working_time(sh(2025, 3, 12, 6), 2, "working_hours") == sh(2025, 3, 12, 10, 30)
    # after closing starts next morning; Friday evening goes to Monday
    assert add_working_time(sh(2025, 3, 12, 20), 2, "working_hours") == sh(2025, 3, 13, 10, 30)
    assert add_working_time(sh(2025, 3, 14, 17, 30), 4, "working_hours") == sh(2025, 3, 17, 12, 30)


def test_working_hours_across_spring_festival_2026() -> None:
    # Fri 2026-02-13 16:00: 1.5 h, then Sat 2026-02-14 is a working day
    assert add_working_time(sh(2026, 2, 13, 16), 4, "working_hours") == sh(2026, 2, 14, 11)
    # from the adjusted Saturday the holiday follows: next working day is Tue 2026-02-24
    assert add_working_time(sh(2026, 2, 14, 16), 4, "working_hours") == sh(2026, 2, 24, 11)


def test_urgent_two_hours_on_holiday_starts_after_it() -> None:
    # a manhole reported on National Day 2025 is due two hours into Thu 2025-10-09
    assert add_working_time(sh(2025, 10, 3, 14), 2, "working_hours") == sh(2025, 10, 9, 10, 30)


# --------------------------------------------------------------------------- working days


def test_working_days_count_adjusted_saturday_2025() -> None:
    # Fri 2025-02-07 + 5 working days: Sat 2.8 (adjusted), Mon 2.10 .. Thu 2.13
    assert add_working_time(sh(2025, 2, 7, 10), 5, "working_days") == sh(2025, 2, 13, 10)


def test_working_days_across_national_day_2025() -> None:
    # illegal structure, 15 working days from Fri 2025-09-26 09:00:
    # 9.28(Sun), 9.29, 9.30, 10.9, 10.10, 10.11(Sat), 10.13-17, 10.20-23
    assert add_working_time(sh(2025, 9, 26, 9), 15, "working_days") == sh(2025, 10, 23, 9)
    assert add_working_time(sh(2025, 9, 26, 10), 1, "working_days") == sh(2025, 9, 28, 10)
    assert add_working_time(sh(2025, 9, 30, 10), 1, "working_days") == sh(2025, 10, 9, 10)


def test_working_days_2026() -> None:
    # Fri 2026-02-27 + 1 working day is the adjusted Sat 2026-02-28
    assert add_working_time(sh(2026, 2, 27, 10), 1, "working_days") == sh(2026, 2, 28, 10)
    # Fri 2026-02-13 + 2 working days: Sat 2.14, then Tue 2.24
    assert add_working_time(sh(2026, 2, 13, 10), 2, "working_days") == sh(2026, 2, 24, 10)
    # Fri 2026-09-18 + 1: adjusted Sun 2026-09-20
    assert add_working_time(sh(2026, 9, 18, 10), 1, "working_days") == sh(2026, 9, 20, 10)
    # Wed 2026-09-30 + 1: Thu 2026-10-08 (10.1-10.7 off)
    assert add_working_time(sh(2026, 9, 30, 10), 1, "working_days") == sh(2026, 10, 8, 10)
    # Fri 2026-10-09 + 1: adjusted Sat 2026-10-10
    assert add_working_time(sh(2026, 10, 9, 10), 1, "working_days") == sh(2026, 10, 10, 10)
    # greenery, 5 working days from Thu 2026-09-24: 9.28-9.30, 10.8, 10.9
    assert add_working_time(sh(2026, 9, 24, 14), 5, "working_days") == sh(2026, 10, 9, 14)


def test_working_days_from_outside_working_time_end_at_closing() -> None:
    # Saturday 2025-03-15 + 1 working day = end of Monday
    assert add_working_time(sh(2025, 3, 15, 11), 1, "working_days") == sh(2025, 3, 17, 17, 30)
    # exactly at opening: the whole day counts
    assert add_working_time(sh(2025, 3, 17, 8, 30), 1, "working_days") == sh(2025, 3, 17, 17, 30)
    # exactly at closing: that day is over
    assert add_working_time(sh(2025, 3, 17, 17, 30), 1, "working_days") == sh(2025, 3, 18, 17, 30)


# --------------------------------------------------------------------------- zones and options


def test_input_in_utc() -> None:
    moment = datetime(2025, 1, 27, 8, 0, tzinfo=UTC)  # 16:00 in Shanghai
    deadline = add_working_time(moment, 4, "working_hours")
    assert deadline == sh(2025, 2, 5, 11)
    assert deadline.utcoffset() == timedelta(hours=8)
    assert deadline.tzinfo is SHANGHAI


def test_input_in_another_zone_uses_shanghai_clock() -> None:
    # Fri 2025-03-14 22:00 in New York is Sat 10:00 in Shanghai: counting starts Monday
    moment = datetime(2025, 3, 14, 22, 0, tzinfo=ZoneInfo("America/New_York"))
    assert add_working_time(moment, 2, "working_hours") == sh(2025, 3, 17, 10, 30)


def test_custom_working_hours() -> None:
    hours = WorkingHours(start=time(9), end=time(17))
    assert hours.length == timedelta(hours=8)
    assert add_working_time(sh(2025, 3, 12, 16), 2, "working_hours", hours) == sh(2025, 3, 13, 10)
    assert add_working_time(sh(2025, 3, 12, 16), 1, "working_days", hours) == sh(2025, 3, 13, 16)
    with pytest.raises(ValueError):
        WorkingHours(start=time(18), end=time(9))


def test_zero_amount_returns_moment_in_shanghai() -> None:
    moment = datetime(2025, 10, 3, 2, 0, tzinfo=UTC)  # a holiday
    result = add_working_time(moment, 0, "working_days")
    assert result == moment
    assert result.tzinfo is SHANGHAI
    assert result.hour == 10


def test_next_working_start() -> None:
    assert next_working_start(sh(2025, 1, 28, 9)) == sh(2025, 2, 5, 8, 30)
    assert next_working_start(sh(2025, 3, 12, 9)) == sh(2025, 3, 12, 9)


# --------------------------------------------------------------------------- errors


def test_naive_datetime_rejected() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        add_working_time(datetime(2025, 3, 12, 10), 1, "working_hours")


def test_negative_amount_rejected() -> None:
    with pytest.raises(ValueError, match="negative"):
        add_working_time(sh(2025, 3, 12, 10), -1, "working_hours")


def test_non_integer_amount_rejected() -> None:
    with pytest.raises(TypeError):
        add_working_time(sh(2025, 3, 12, 10), 1.5, "working_hours")  # type: ignore[arg-type]


def test_unknown_unit_rejected() -> None:
    with pytest.raises(ValueError, match="unknown unit"):
        add_working_time(sh(2025, 3, 12, 10), 1, "hours")  # type: ignore[arg-type]


def test_years_before_the_calendar_are_rejected() -> None:
    low, high = SUPPORTED_YEARS
    assert low <= 2025 and high >= 2026
    with pytest.raises(ValueError, match=f"No official holiday calendar for {low - 1}"):
        is_working_day(date(low - 1, 3, 1))
    with pytest.raises(ValueError, match=str(low - 1)):
        add_working_time(sh(low - 1, 6, 1, 10), 0, "working_days")


def test_years_after_the_calendar_follow_the_provisional_rule() -> None:
    """Deadlines set in late December run into a year whose notice is not out yet: they must
    still be computed (weekdays minus the fixed-date statutory holidays) and be marked."""
    _, high = SUPPORTED_YEARS
    beyond = high + 1
    assert is_official(date(high, 12, 31)) and not is_official(date(beyond, 1, 4))
    assert not is_working_day(date(beyond, 1, 1))  # 元旦 is fixed by law
    assert not is_working_day(date(beyond, 5, 2)) and not is_working_day(date(beyond, 10, 3))
    first_monday = next(
        date(beyond, 3, d) for d in range(1, 8) if date(beyond, 3, d).weekday() == 0
    )
    assert is_working_day(first_monday)
    assert not is_working_day(first_monday - timedelta(days=1))  # a Sunday
    # 4 working hours from the last afternoon of the known year land in the new year.
    last = date(high, 12, 31)
    while not is_working_day(last):
        last -= timedelta(days=1)
    due = add_working_time(datetime.combine(last, time(16, 0), tzinfo=SHANGHAI), 4, "working_hours")
    assert due.year == beyond and due.time() == time(11, 0)  # 1.5 h + 2.5 h
    assert not is_official(due.date())


# --------------------------------------------------------------------------- durations


def test_working_hours_between() -> None:
    assert working_hours_between(sh(2025, 1, 27, 16), sh(2025, 2, 5, 11)) == 4.0
    assert working_hours_between(sh(2025, 2, 5, 11), sh(2025, 1, 27, 16)) == -4.0
    # holidays and nights do not count
    assert working_hours_between(sh(2025, 10, 1, 0), sh(2025, 10, 8, 23)) == 0.0
    # the adjusted Sunday counts as a full day
    assert working_hours_between(sh(2025, 9, 27, 0), sh(2025, 9, 29, 0)) == 9.0
    # time zones are honoured
    utc = datetime(2025, 3, 12, 1, 30, tzinfo=UTC)  # 09:30 Shanghai
    assert working_hours_between(utc, sh(2025, 3, 12, 12)) == 2.5
    with pytest.raises(ValueError):
        working_hours_between(datetime(2025, 3, 12, 9), sh(2025, 3, 12, 12))


@pytest.mark.parametrize(
    ("start", "amount", "unit"),
    [
        (sh(2025, 1, 24, 15, 17), 7, "working_hours"),
        (sh(2025, 9, 26, 11), 15, "working_days"),
        (sh(2026, 2, 12, 17, 45), 20, "working_hours"),
        (sh(2026, 9, 19, 3), 20, "working_days"),
    ],
)
def test_between_inverts_add(start: datetime, amount: int, unit: str) -> None:
    deadline = add_working_time(start, amount, unit)  # type: ignore[arg-type]
    expected = amount if unit == "working_hours" else amount * 9
    assert working_hours_between(start, deadline) == pytest.approx(expected)


@pytest.mark.parametrize("hours", [WorkingHours(), WorkingHours(time(9), time(12, 15))])
def test_working_hours_between_equals_the_day_by_day_sum(hours: WorkingHours) -> None:
    rng = random.Random(17)
    first = datetime(SUPPORTED_YEARS[0], 1, 1, tzinfo=SHANGHAI)
    span = (datetime(SUPPORTED_YEARS[1] + 2, 1, 1, tzinfo=SHANGHAI) - first).total_seconds()
    for n in range(2000):
        a = first + timedelta(seconds=rng.random() * span, microseconds=rng.randrange(10**6))
        b = a + timedelta(hours=rng.uniform(-400, 400) if n % 50 else rng.uniform(-30000, 30000))
        if b < first:
            continue
        if n % 7 == 0:  # on the opening and closing instants
            b = datetime.combine(b.date(), rng.choice((hours.start, hours.end)), tzinfo=SHANGHAI)
        assert working_hours_between(a, b, hours) == by_day(a, b, hours), (a, b)
    with pytest.raises(ValueError):
        working_hours_between(first - timedelta(days=1), first + timedelta(days=3), hours)


def test_is_working_day_is_the_package_rule_on_every_day_it_knows() -> None:
    day, last = date(SUPPORTED_YEARS[0], 1, 1), date(SUPPORTED_YEARS[1] + 1, 12, 31)
    while day <= last:
        assert is_working_day(day) == day_by_package(day), day
        day += timedelta(days=1)
