"""/api/tickets (inboxes, detail, transitions, manual cases) and /api/events (the outbox)."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_smorest import Blueprint

from backend.accounts.auth import auth_required, current_scope, current_user
from backend.accounts.models import Role
from backend.errors import BadRequest
from backend.pagination import paginate
from backend.tickets import services
from backend.tickets.schemas import (
    CountsSchema,
    ManualTicketSchema,
    OutboxArgs,
    OutboxPageSchema,
    TicketListArgs,
    TicketSchema,
    TicketSummarySchema,
    TransitionSchema,
)

blp = Blueprint("tickets", __name__, url_prefix="/api/tickets", description="Rectification tickets")
events_blp = Blueprint(
    "events", __name__, url_prefix="/api/events", description="Integration outbox"
)


def _filter(args: dict[str, Any]) -> services.TicketFilter:
    args = dict(args)
    args.pop("sort", None)
    return services.TicketFilter(states=tuple(args.pop("state", ())), **args)


@blp.route("")
@auth_required()
@blp.arguments(TicketListArgs, location="query")
@blp.response(200, TicketSummarySchema(many=True))
@blp.paginate(max_page_size=200)
def list_tickets(args: dict[str, Any], pagination_parameters):
    """Inbox: tickets the caller may see, filtered and sorted (due, -due, dispatched, severity)."""
    user, scope = current_user(), current_scope()
    query = services.ticket_query(user, scope, _filter(args), args["sort"])
    rows = paginate(query, pagination_parameters)
    return [services.describe(t, user, scope, full=False) for t in rows]


@blp.route("/counts")
@auth_required()
@blp.arguments(TicketListArgs, location="query")
@blp.response(200, CountsSchema)
def ticket_counts(args: dict[str, Any]) -> dict[str, int]:
    """Counts per state and overdue, for inbox badges (same filters; `state` ignored)."""
    return services.counts(current_user(), current_scope(), _filter(args))


@blp.route("", methods=["POST"])
@auth_required(Role.supervisor, Role.admin)
@blp.arguments(ManualTicketSchema)
@blp.response(201, TicketSchema)
def create_ticket(data: dict[str, Any]):
    """Register a case by hand (立案); it is routed and dispatched like a finding."""
    user, scope = current_user(), current_scope()
    ticket = services.create_manual(data, user, scope)
    return services.describe(ticket, user, scope), 201, {"ETag": f'"{ticket.version}"'}


@blp.route("/<int:ticket_id>")
@auth_required()
@blp.response(200, TicketSchema)
def get_ticket(ticket_id: int):
    """A ticket with its photos, its full history and what you may do next; ETag = version."""
    user, scope = current_user(), current_scope()
    ticket = services.describe(services.get_ticket(ticket_id, user, scope), user, scope)
    return ticket, 200, {"ETag": f'"{ticket.version}"'}


def _expected_version(data: dict[str, Any]) -> int | None:
    header = request.headers.get("If-Match")
    if header:
        try:
            return int(header.removeprefix("W/").strip('"'))
        except ValueError:
            raise BadRequest(
                "If-Match 必须是工单版本 (If-Match must be the ticket version)"
            ) from None
    return data.get("version")


@blp.route("/<int:ticket_id>/transitions", methods=["POST"])
@auth_required()
@blp.arguments(TransitionSchema)
@blp.response(200, TicketSchema)
def transition(data: dict[str, Any], ticket_id: int):
    """Move a ticket (accept, rectify, verify, reject, dispute, return, reroute, cancel, extension
    requests). Send the version you saw (If-Match or `version`): a stale one gets 412."""
    user, scope = current_user(), current_scope()
    ticket = services.transition(ticket_id, data, _expected_version(data), user, scope)
    return services.describe(ticket, user, scope), 200, {"ETag": f'"{ticket.version}"'}


@events_blp.route("")
@auth_required(Role.admin)
@events_blp.arguments(OutboxArgs, location="query")
@events_blp.response(200, OutboxPageSchema)
def outbox(args: dict[str, Any]):
    """Every ticket event in commit order after a cursor; follow `next_after` to keep up."""
    return services.outbox_page(args["after"], args["limit"])
