"""The period a watch list or ranking is for, named as the city names it: `2026Q4` (a quarter)
or `2026-11` (a month). Built on backend/reports/periods.py (whole Beijing days)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from backend.clock import today
from backend.reports import periods

# Years 2000–2099: the city's records begin this century (year 0 has no calendar, 9999Q4 no end).
PATTERN = r"^(20\d\d)(?:Q([1-4])|-(0[1-9]|1[0-2]))$"


@dataclass(frozen=True)
class Named:
    key: str  # 2026Q4 or 2026-11
    period: periods.Period

    @property
    def label(self) -> str:
        year, rest = self.key[:4], self.key[4:]
        return f"{year}年第{rest[1]}季度" if rest.startswith("Q") else f"{year}年{int(rest[1:])}月"


def parse(key: str) -> Named | None:
    """The named period, or None when `key` is not one."""
    found = re.match(PATTERN, key or "")
    if found is None:
        return None
    year, quarter, month = found.groups()
    if quarter:
        return Named(key, periods.quarter(int(year), int(quarter)))
    return Named(key, periods.month(int(year), int(month)))


def current_quarter() -> Named:
    day = today()
    return parse(f"{day.year}Q{(day.month - 1) // 3 + 1}")  # type: ignore[return-value]
