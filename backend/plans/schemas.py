"""Plan and task request and response shapes."""

from __future__ import annotations

from typing import Any

from marshmallow import fields, validate

from backend.plans.models import AreaKind, ScheduleKind, TaskState
from backend.schema import Schema
from backend.text import Text


class PlanRulesSchema(Schema):
    """A plan's rules; a change sends them whole, with the date they apply from."""

    effective_from = fields.Date(required=True)
    effective_to = fields.Date(allow_none=True, metadata={"description": "inclusive; none: open"})
    area_kind = fields.Enum(AreaKind, required=True)
    area_id = fields.Integer(
        allow_none=True, metadata={"description": "grid, street or district id (by area_kind)"}
    )
    estate_ids = fields.List(
        fields.Integer(), allow_none=True, validate=validate.Length(max=5000),
        metadata={"description": "area_kind=estates: the estates"},
    )  # fmt: skip
    schedule = fields.Enum(ScheduleKind, required=True)
    every_n = fields.Integer(
        allow_none=True,
        validate=validate.Range(min=1, max=250),
        metadata={"description": "every_n_working_days: the period in working days"},
    )
    weekdays = fields.List(
        fields.Integer(validate=validate.Range(min=0, max=6)),
        allow_none=True,
        validate=validate.Length(max=7),
        metadata={"description": "weekly: 0 = Monday … 6 = Sunday"},
    )
    window_days = fields.Integer(
        required=True,
        validate=validate.Range(min=1, max=250),
        metadata={"description": "working days a task stays open (at most the period)"},
    )
    grace_days = fields.Integer(
        load_default=0,
        validate=validate.Range(min=0, max=30),
        metadata={"description": "working days after the window in which it is done late"},
    )
    assignee_ids = fields.List(
        fields.Integer(),
        allow_none=True,
        validate=validate.Length(max=100),
        metadata={"description": "inspectors; none: the inspectors of each estate's grid"},
    )


class PlanCreateSchema(PlanRulesSchema):
    name = Text(single_line=True, required=True, validate=validate.Length(min=1, max=200))
    checklist_id = fields.Integer(required=True)


class PlanVersionSchema(Schema):
    id = fields.Integer()
    effective_from = fields.Date()
    effective_to = fields.Date(allow_none=True)
    area_kind = fields.String()
    area_id = fields.Integer(allow_none=True)
    estate_ids = fields.List(fields.Integer(), allow_none=True)
    schedule = fields.String()
    every_n = fields.Integer(allow_none=True)
    weekdays = fields.List(fields.Integer(), allow_none=True)
    window_days = fields.Integer()
    grace_days = fields.Integer()
    assignee_ids = fields.List(fields.Integer(), allow_none=True)
    created_at = fields.DateTime()


class PlanSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    checklist_id = fields.Integer()
    district_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime()
    versions = fields.List(fields.Nested(PlanVersionSchema))


class TaskArgs(Schema):
    on = fields.Date(metadata={"description": "the day (Asia/Shanghai); default today"})


class TaskSchema(Schema):
    id = fields.Integer()
    plan_id = fields.Integer()
    estate_id = fields.Integer()
    checklist_id = fields.Integer()
    opens_at = fields.DateTime()
    closes_at = fields.DateTime()
    grace_until = fields.DateTime()
    state = fields.Enum(TaskState)
    inspection_id = fields.String(allow_none=True)
    fulfilled_at = fields.DateTime(allow_none=True)
    assignee_ids = fields.List(fields.Integer())


def tasks_json(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`TaskSchema(many=True).dump(rows)` by hand, in the schema's key order: marshmallow takes
    about 0.1 ms a row, too slow for the hundreds of tasks of a busy inspector's day
    (tests/plans/test_tasks_queries.py checks that both give the same)."""
    return [
        {
            "id": row["id"],
            "plan_id": row["plan_id"],
            "estate_id": row["estate_id"],
            "checklist_id": row["checklist_id"],
            "opens_at": row["opens_at"].isoformat(),
            "closes_at": row["closes_at"].isoformat(),
            "grace_until": row["grace_until"].isoformat(),
            "state": row["state"].name,
            "inspection_id": row["inspection_id"],
            "fulfilled_at": row["fulfilled_at"] and row["fulfilled_at"].isoformat(),
            "assignee_ids": row["assignee_ids"],
        }
        for row in rows
    ]
