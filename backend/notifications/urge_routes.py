"""催办: POST /api/tickets/{id}/urge (supervisors in scope, admins), GET /api/tickets/{id}/urges
(whoever sees the ticket), POST /api/tickets/{id}/urges/ack (the responsible unit's users)."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from backend.accounts.auth import auth_required, current_scope, current_user
from backend.accounts.models import Role
from backend.notifications import urges
from backend.notifications.models import TicketUrge
from backend.notifications.schemas import UrgeInSchema, UrgeSchema
from backend.tickets import services as tickets

blp = Blueprint("urges", __name__, url_prefix="/api/tickets", description="催办 (urging)")


@blp.route("/<int:ticket_id>/urge", methods=["POST"])
@auth_required(Role.supervisor, Role.admin)
@blp.arguments(UrgeInSchema)
@blp.response(201, UrgeSchema)
def urge(data: dict[str, Any], ticket_id: int) -> TicketUrge:
    """Urge the responsible unit on an open ticket in your scope (404 outside it; 409 when the
    ticket is closed or cancelled). Its users are told at once on every channel."""
    ticket = tickets.get_ticket(ticket_id, current_user(), current_scope())
    return urges.urge(ticket, current_user(), data["note"])


@blp.route("/<int:ticket_id>/urges")
@auth_required()
@blp.response(200, UrgeSchema(many=True))
def list_urges(ticket_id: int) -> list[TicketUrge]:
    """The ticket's urges, oldest first, with their acknowledgements."""
    return urges.list_for(tickets.get_ticket(ticket_id, current_user(), current_scope()))


@blp.route("/<int:ticket_id>/urges/ack", methods=["POST"])
@auth_required(Role.firm)
@blp.response(200, UrgeSchema(many=True))
def acknowledge(ticket_id: int) -> list[TicketUrge]:
    """The responsible unit acknowledges every open urge of the ticket (403 for another unit)."""
    ticket = tickets.get_ticket(ticket_id, current_user(), current_scope())
    return urges.acknowledge(ticket, current_user())
