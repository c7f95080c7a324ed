"""Ticket request and response shapes."""

from __future__ import annotations

import marshmallow as ma
from geoalchemy2.shape import to_shape
from marshmallow import fields, validate

from backend.inspections.schemas import EvidenceSchema
from backend.photos.captures import CaptureOutSchema, captures_field, check_against_photos
from backend.schema import Schema
from backend.text import Text
from backend.tickets.models import TicketState
from backend.tickets.services import SORTS
from backend.tickets.workflow import ACTIONS, Actor

SHA256 = validate.Regexp(r"^[0-9a-f]{64}$", error="not a lowercase hex SHA-256")


def _position(ticket) -> dict | None:
    if ticket.position is None:
        return None
    point = to_shape(ticket.position)
    return {"lat": point.y, "lng": point.x}


# What a signed-in user may send (the resident's reopen comes only through their 回访 link).
USER_ACTIONS = [name for name, a in ACTIONS.items() if a.actor is not Actor.resident]


class EventSchema(Schema):
    id = fields.Integer()
    action = fields.String()
    from_state = fields.String(allow_none=True)
    to_state = fields.String(allow_none=True)
    actor_id = fields.Integer(allow_none=True)
    actor_name = fields.String(
        allow_none=True, metadata={"description": "the actor's display name (null: the system)"}
    )
    at = fields.DateTime()
    reason = fields.String()
    data = fields.Dict()


class TicketPhotoSchema(Schema):
    sha256 = fields.String(attribute="photo_sha256")
    kind = fields.String()
    event_id = fields.Integer(allow_none=True)
    capture = fields.Nested(CaptureOutSchema, allow_none=True)
    evidence = fields.Function(
        lambda p: p.evidence or [],
        metadata={"description": "after-photos: evidence flags [{code, message, detail}]"},
    )


class TicketSummarySchema(Schema):
    id = fields.Integer()
    code = fields.String()
    estate_id = fields.Integer()
    source = fields.String()
    inspection_id = fields.String(allow_none=True)
    item_code = fields.String()
    category = fields.String()
    area = fields.String()
    severity = fields.String()
    title = fields.String()
    state = fields.Enum(TicketState)
    responsible_org_id = fields.Integer()
    responsible_basis = fields.String()
    found_at = fields.DateTime()
    dispatched_at = fields.DateTime()
    due_at = fields.DateTime()
    due_provisional = fields.Boolean()
    overdue = fields.Boolean()
    closed_at = fields.DateTime(allow_none=True)
    rework_count = fields.Integer()
    recurrence_count = fields.Integer()
    extension_count = fields.Integer()
    escalation_level = fields.Integer()
    repeat_of_id = fields.Integer(allow_none=True)
    version = fields.Integer()
    position = fields.Function(_position)


class FinderSchema(Schema):
    user_id = fields.Integer(allow_none=True, metadata={"description": "who registered it"})
    name = fields.String(allow_none=True, metadata={"description": "their display name"})
    channel = fields.String(
        allow_none=True, metadata={"description": "complaints: the channel (e.g. 12345 hotline)"}
    )


class TicketSchema(TicketSummarySchema):
    estate_name = fields.String()
    estate_address = fields.String()
    found_by = fields.Nested(
        FinderSchema,
        metadata={"description": "who found it (inspector, supervisor) or a complaint's channel"},
    )
    description = fields.String()
    accepted_at = fields.DateTime(allow_none=True)
    rectified_at = fields.DateTime(allow_none=True)
    allowed_actions = fields.List(fields.String())
    photos = fields.List(fields.Nested(TicketPhotoSchema))
    evidence = fields.List(
        fields.Nested(EvidenceSchema),
        metadata={"description": "flags of the latest rectification's after-photos"},
    )
    events = fields.List(fields.Nested(EventSchema))


class TicketListArgs(Schema):
    state = fields.List(fields.Enum(TicketState), metadata={"description": "repeatable"})
    severity = fields.String(validate=validate.OneOf(["minor", "major", "urgent"]))
    area = Text(single_line=True, validate=validate.Length(max=32))
    estate_id = fields.Integer()
    organisation_id = fields.Integer(metadata={"description": "the responsible unit (firm)"})
    overdue = fields.Boolean()
    dispatched_from = fields.AwareDateTime(data_key="from")
    dispatched_to = fields.AwareDateTime(data_key="to")
    sort = fields.String(load_default="due", validate=validate.OneOf(list(SORTS)))


CountsSchema = ma.Schema.from_dict(
    {state.value: fields.Integer() for state in TicketState} | {"overdue": fields.Integer()},
    name="TicketCountsSchema",
)


class TransitionSchema(Schema):
    action = fields.String(required=True, validate=validate.OneOf(USER_ACTIONS))
    version = fields.Integer(metadata={"description": "expected version (or send If-Match)"})
    reason = Text(load_default="", validate=validate.Length(max=2000))
    photos = fields.List(
        fields.String(validate=SHA256), load_default=list, validate=validate.Length(max=10)
    )
    captures = captures_field()
    organisation_id = fields.Integer(metadata={"description": "reroute: the new unit"})
    amount = fields.Integer(validate=validate.Range(min=1, max=1000))
    unit = fields.String(validate=validate.OneOf(["working_hours", "working_days"]))

    @ma.post_load
    def _captures(self, data: dict, **_: object) -> dict:
        check_against_photos(data)
        return data


class ManualTicketSchema(Schema):
    estate_id = fields.Integer(required=True)
    item_code = Text(single_line=True, required=True, validate=validate.Length(max=16))
    description = Text(required=True, validate=validate.Length(min=1, max=4000))
    photos = fields.List(
        fields.String(validate=SHA256), load_default=list, validate=validate.Length(max=10)
    )
    captures = captures_field()
    lat = fields.Float(validate=validate.Range(-90, 90))
    lng = fields.Float(validate=validate.Range(-180, 180))

    @ma.post_load
    def _captures(self, data: dict, **_: object) -> dict:
        check_against_photos(data)
        return data


class OutboxEventSchema(Schema):
    id = fields.Integer()
    topic = fields.String()
    payload = fields.Dict()
    created_at = fields.DateTime()


class OutboxArgs(Schema):
    after = fields.Integer(load_default=0, validate=validate.Range(min=0))
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))


class OutboxPageSchema(Schema):
    events = fields.List(fields.Nested(OutboxEventSchema))
    next_after = fields.Integer()
