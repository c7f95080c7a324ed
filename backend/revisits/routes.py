"""GET /api/tickets/{id}/revisit: a resident's ticket's 回访 (its link and every answer given),
for supervisors in scope and admins. Firms never read single answers (they see 满意率 in their
scorecard, and a reopening's words in the ticket's history)."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_smorest import Blueprint

from backend.accounts.auth import auth_required, current_scope, current_user
from backend.accounts.models import Role
from backend.database import db
from backend.revisits import services
from backend.revisits.models import RevisitLink
from backend.revisits.schemas import RevisitSchema
from backend.tickets import services as tickets

blp = Blueprint("revisits", __name__, url_prefix="/api/tickets", description="回访 (follow-up)")


@blp.route("/<int:ticket_id>/revisit")
@auth_required(Role.supervisor, Role.admin)
@blp.response(200, RevisitSchema)
def ticket_revisit(ticket_id: int) -> dict[str, Any]:
    """The resident's link (made when the ticket is first closed; read it out or send it by
    SMS), the 回访 status now, and every answer (status `none` for an inspection finding: no
    resident to ask; 404 out of scope)."""
    ticket = tickets.get_ticket(ticket_id, current_user(), current_scope())
    if ticket.source not in services.RESIDENT_SOURCES:  # a finding: nobody to ask
        return {"ticket_id": ticket.id, "status": "none", "token": None, "url": None,
                "window_ends": None, "would_reopen": False, "answers": []}  # fmt: skip
    current = services.visit(ticket)
    link = db.session.get(RevisitLink, ticket.id)
    return {
        "ticket_id": ticket.id,
        "status": current.status.value,
        "token": link.token if link else None,
        "url": url_for("revisit_pages.show", token=link.token, _external=True) if link else None,
        "window_ends": current.window_ends,
        "would_reopen": current.would_reopen,
        "answers": services.answers_of(ticket.id),
    }
