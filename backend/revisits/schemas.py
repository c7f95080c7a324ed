"""Response schema of GET /api/tickets/{id}/revisit (supervisors: one ticket's 回访)."""

from __future__ import annotations

from marshmallow import fields, validate

from backend.revisits.services import Status
from backend.schema import Schema


class RevisitAnswerSchema(Schema):
    id = fields.Integer(required=True)
    resolved = fields.Boolean(required=True, metadata={"description": "解决了 (true) / 没解决"})
    rating = fields.Integer(required=True, validate=validate.Range(1, 5))
    satisfied = fields.Boolean(required=True, metadata={"description": "resolved and rating ≥ 4"})
    comment = fields.String(required=True)
    channel = fields.String(
        required=True,
        validate=validate.OneOf(["link", "open311"]),
        metadata={"description": "link: the resident's page; open311: a hotline, by phone"},
    )
    channel_name = fields.String(required=True, allow_none=True)
    reopened = fields.Boolean(required=True, metadata={"description": "this answer reopened it"})
    closure_event_id = fields.Integer(required=True)
    answered_at = fields.DateTime(required=True)


class RevisitSchema(Schema):
    ticket_id = fields.Integer(required=True)
    status = fields.String(
        required=True,
        validate=validate.OneOf([s.value for s in Status] + ["none"]),
        metadata={
            "description": "open, ask (awaiting the answer), answered, expired, cancelled; "
            "none: an inspection finding (no resident to ask)"
        },
    )
    token = fields.String(
        required=True, allow_none=True, metadata={"description": "the short link's token"}
    )
    url = fields.String(
        required=True, allow_none=True, metadata={"description": "the resident's link"}
    )
    window_ends = fields.DateTime(required=True, allow_none=True)
    would_reopen = fields.Boolean(
        required=True, metadata={"description": "a 'not solved' now would reopen the ticket"}
    )
    answers = fields.List(fields.Nested(RevisitAnswerSchema), required=True)
