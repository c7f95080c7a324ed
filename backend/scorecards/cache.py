"""Materialised firm scorecards: computing them for every firm over a year reads every ticket of
the year (seconds at city scale), so `flask reports refresh` stores the rows for the standard
periods (the trailing year and the month to date) per scope (city, each district, each street),
and the API answers those periods from the table. Other periods are computed live. The rows are
as fresh as the last refresh (run it from cron, e.g. hourly); `X-Computed-At` says when.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from backend.clock import utcnow
from backend.database import UTCDateTime, db
from backend.places.models import District, Street
from backend.places.scope import Scope
from backend.reports import periods
from backend.scorecards import services as scorecards


class ScorecardCache(db.Model):
    __tablename__ = "scorecard_cache"
    __table_args__ = (sa.UniqueConstraint("kind", "period_start", "period_end", "scope_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    period_start: Mapped[datetime] = mapped_column(UTCDateTime)
    period_end: Mapped[datetime] = mapped_column(UTCDateTime)
    scope_key: Mapped[str] = mapped_column(sa.String(200))
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    rows: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)


def scope_key(scope: Scope) -> str | None:
    """Only the scopes refresh() stores: the city, one district, one street."""
    if scope.everything:
        return "all"
    if scope.grid_ids or scope.organisation_ids:
        return None
    if len(scope.district_ids) == 1 and not scope.street_ids:
        return f"district:{next(iter(scope.district_ids))}"
    if len(scope.street_ids) == 1 and not scope.district_ids:
        return f"street:{next(iter(scope.street_ids))}"
    return None


def standard_periods(on: date | None = None) -> list[periods.Period]:
    return [periods.trailing_year(on), periods.month_to_date(on)]


def _plain(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {k: (v.isoformat() if isinstance(v, datetime | date) else v) for k, v in row.items()}
        for row in rows
    ]


def _every_scope() -> list[Scope]:
    districts = db.session.scalars(sa.select(District.id))
    streets = db.session.scalars(sa.select(Street.id))
    return [
        Scope.all(),
        *(Scope(district_ids=frozenset({i})) for i in districts),
        *(Scope(street_ids=frozenset({i})) for i in streets),
    ]


def refresh(periods: list[periods.Period] | None = None, scopes: list[Scope] | None = None) -> int:
    """Store firm scorecards for `periods` × `scopes` (default: standard periods, every scope)."""
    written = 0
    for period in periods or standard_periods():
        for scope in scopes or _every_scope():
            rows = _plain(scorecards.firm_scorecards(period, scope))
            db.session.execute(
                sa.delete(ScorecardCache).where(*_match("firms", period, scope_key(scope)))
            )
            db.session.add(
                ScorecardCache(kind="firms", period_start=period.start, period_end=period.end,
                               scope_key=scope_key(scope), computed_at=utcnow(), rows=rows)
            )  # fmt: skip
            written += 1
    db.session.flush()
    return written


def _match(kind: str, period: periods.Period, key: str | None) -> tuple:
    return (
        ScorecardCache.kind == kind,
        ScorecardCache.period_start == period.start,
        ScorecardCache.period_end == period.end,
        ScorecardCache.scope_key == key,
    )


def cached(period: periods.Period, scope: Scope) -> ScorecardCache | None:
    key = scope_key(scope)
    if key is None:
        return None
    stored = db.session.scalar(sa.select(ScorecardCache).where(*_match("firms", period, key)))
    if stored is not None and any(FIELDS - row.keys() for row in stored.rows):
        return None  # stored before a figure was added: computed live until the next refresh
    return stored


# Every field of a firm row today: a stored row lacking one is never served.
FIELDS = frozenset(
    {
        "organisation_id",
        "satisfaction_rate",
        "mean_rating",
        "revisit_answers",
        "urges",
        "urges_acknowledged",
        "mean_hours_to_acknowledge",
    }
)
