"""/api/notify-admin/dead-letters: the dead letters as the admin console shows them, with the
recipient's name and the ticket's code (the notifier's own list, /api/notifications/dead-letters,
gives ids only). Administrators only; read-only."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_smorest import Blueprint
from marshmallow import fields, validate

from backend.accounts.auth import auth_required
from backend.accounts.models import Role, User
from backend.database import db
from backend.notifications import admin
from backend.notifications.models import Channel, Delivery
from backend.pagination import paginate
from backend.schema import Schema
from backend.tickets.models import Ticket

blp = Blueprint(
    "notify_admin",
    __name__,
    url_prefix="/api/notify-admin",
    description="通知健康 (the notifier's health, for administrators)",
)


class DeadLetterArgs(Schema):
    channel = fields.String(validate=validate.OneOf([c.value for c in Channel]))


class DeadLetterRowSchema(Schema):
    id = fields.Integer(required=True)
    channel = fields.String(required=True)
    topic = fields.String(required=True)
    user_id = fields.Integer(required=True)
    recipient = fields.String(required=True, metadata={"description": "display name (username)"})
    ticket_id = fields.Integer(required=True, allow_none=True)
    ticket_code = fields.String(required=True, allow_none=True)
    attempts = fields.Integer(required=True)
    last_error = fields.String(required=True, metadata={"description": "why it was given up"})
    created_at = fields.DateTime(required=True)


def _rows(deliveries: list[Delivery]) -> list[dict[str, Any]]:
    """The page's names and codes in two queries, whatever the page size."""
    users = {d.user_id for d in deliveries}
    tickets = {d.ticket_id for d in deliveries if d.ticket_id is not None}
    names = {
        uid: f"{name} ({username})" if name else username
        for uid, name, username in db.session.execute(
            sa.select(User.id, User.display_name, User.username).where(User.id.in_(users))
        )
    }
    codes = {
        t.id: t.code for t in db.session.scalars(sa.select(Ticket).where(Ticket.id.in_(tickets)))
    }
    return [
        {
            "id": d.id,
            "channel": d.channel.value,
            "topic": d.topic,
            "user_id": d.user_id,
            "recipient": names.get(d.user_id, ""),
            "ticket_id": d.ticket_id,
            "ticket_code": codes.get(d.ticket_id) if d.ticket_id is not None else None,
            "attempts": d.attempts,
            "last_error": d.last_error,
            "created_at": d.created_at,
        }
        for d in deliveries
    ]


@blp.route("/dead-letters")
@auth_required(Role.admin)
@blp.arguments(DeadLetterArgs, location="query")
@blp.response(200, DeadLetterRowSchema(many=True))
@blp.paginate(max_page_size=100)
def dead_letters(args: dict[str, Any], pagination_parameters: Any) -> list[dict[str, Any]]:
    """Deliveries given up, newest first: channel, recipient, ticket code, attempts, reason."""
    return _rows(
        list(paginate(admin.dead_letters_query(args.get("channel")), pagination_parameters))
    )
