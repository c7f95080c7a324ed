"""The period every report is asked for: `from` and `to` query arguments (Beijing dates)."""

from __future__ import annotations

from datetime import date
from typing import Any

from marshmallow import fields

from backend.clock import today
from backend.errors import ValidationFailed
from backend.reports import periods
from backend.schema import Schema


class PeriodArgs(Schema):
    start = fields.Date(
        data_key="from", metadata={"description": "first day (default: 1st of this month)"}
    )
    end = fields.Date(
        data_key="to", metadata={"description": "last day, inclusive (default: today)"}
    )


def period(args: dict[str, Any]) -> periods.Period:
    last: date = args.get("end") or today()
    first: date = args.get("start") or last.replace(day=1)
    if first > last:
        raise ValidationFailed("开始日期晚于结束日期 (from is after to)", {"from": ["after to"]})
    return periods.days(first, last)
