"""Reporting periods are whole Beijing days, [start, end), whatever the server's zone."""

from datetime import UTC, date, datetime

import pytest

from backend.reports import periods


def test_custom_days_are_beijing_midnights():
    p = periods.days(date(2026, 3, 1), date(2026, 3, 31))
    assert p.start == datetime(2026, 2, 28, 16, tzinfo=UTC)
    assert p.end == datetime(2026, 3, 31, 16, tzinfo=UTC)
    assert (p.first_day, p.last_day) == (date(2026, 3, 1), date(2026, 3, 31))


def test_month_quarter_year():
    assert periods.month(2026, 2) == periods.days(date(2026, 2, 1), date(2026, 2, 28))
    assert periods.month(2026, 12) == periods.days(date(2026, 12, 1), date(2026, 12, 31))
    assert periods.quarter(2026, 4) == periods.days(date(2026, 10, 1), date(2026, 12, 31))
    assert periods.quarter(2024, 1) == periods.days(date(2024, 1, 1), date(2024, 3, 31))
    assert periods.year(2025) == periods.days(date(2025, 1, 1), date(2025, 12, 31))
    with pytest.raises(ValueError):
        periods.quarter(2026, 5)


def test_relative_periods():
    on = date(2026, 1, 15)
    assert periods.month_to_date(on) == periods.days(date(2026, 1, 1), on)
    assert periods.last_month(on) == periods.month(2025, 12)
    assert periods.trailing_year(on) == periods.days(date(2025, 1, 16), on)
