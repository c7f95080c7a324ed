"""物业管理全覆盖 in a 公示 (section `fullcover`): the progress on the publication's last day
(or today, for a period not over yet), per district (city publication) or street, with the
jurisdiction's total and milestones. Counts of estates only, frozen at publishing."""

from __future__ import annotations

from datetime import date
from typing import Any

from marshmallow import fields

from backend.clock import today
from backend.fullcover import services
from backend.places.scope import Scope
from backend.reports import periods
from backend.schema import Schema

_FIGURES = (
    "estates",
    "old_estates",
    "unknown_built_year",
    "formerly_unmanaged",
    "covered",
    "share",
    "old_unmanaged_now",
)


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _marks(marks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    keys = ("label", "target_date", "target_percent", "share", "status")
    return [{key: _iso(mark[key]) for key in keys} for mark in marks]


def fullcover_section(period: periods.Period, level: str, scope: Scope) -> dict[str, Any]:
    as_of = min(period.last_day, today())
    group = "district" if level == "city" else "street"
    found = services.progress(group, as_of, as_of, "old", scope)
    rows = [
        {"code": row["code"], "name": row["name"]}
        | {key: row[key] for key in _FIGURES}
        | {"milestones": _marks(row["milestones"])}
        for row in found["rows"]
    ]
    total = {key: found["total"][key] for key in _FIGURES}
    total["milestones"] = _marks(found["total"]["milestones"])
    return {
        "as_of": as_of.isoformat(),
        "baseline": found["baseline"].isoformat(),
        "old_before": found["old_before"],
        "group": group,
        "rows": rows,
        "total": total,
    }


class PublishedFullcoverMarkSchema(Schema):
    label = fields.String()
    target_date = fields.String()
    target_percent = fields.Integer()
    share = fields.Float(allow_none=True)
    status = fields.String()


class PublishedFullcoverFiguresSchema(Schema):
    estates = fields.Integer()
    old_estates = fields.Integer()
    unknown_built_year = fields.Integer()
    formerly_unmanaged = fields.Integer()
    covered = fields.Integer(metadata={"description": "formerly unmanaged, now covered"})
    share = fields.Float(allow_none=True, metadata={"description": "covered ÷ formerly_unmanaged"})
    old_unmanaged_now = fields.Integer()
    milestones = fields.List(fields.Nested(PublishedFullcoverMarkSchema))


class PublishedFullcoverRowSchema(PublishedFullcoverFiguresSchema):
    code = fields.String()
    name = fields.String()


class PublishedFullcoverSchema(Schema):
    as_of = fields.String()
    baseline = fields.String()
    old_before = fields.Integer()
    group = fields.String(metadata={"description": "district or street"})
    rows = fields.List(fields.Nested(PublishedFullcoverRowSchema))
    total = fields.Nested(PublishedFullcoverFiguresSchema)
