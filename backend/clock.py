"""The one source of 'now', so tests can move time instead of sleeping."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")

_frozen: datetime | None = None


def utcnow() -> datetime:
    return _frozen if _frozen is not None else datetime.now(UTC)


def today() -> date:
    """Today's date in Asia/Shanghai, the city's civil date."""
    return utcnow().astimezone(SHANGHAI).date()


def freeze(moment: datetime | None) -> None:
    """Pin the clock (tests only); None releases it."""
    global _frozen
    if moment is not None and moment.tzinfo is None:
        raise ValueError("freeze() needs an aware datetime")
    _frozen = moment
