"""What an action needs beyond a reason and photos: one check per action, named in
workflow.ACTIONS. Each answers field → messages; an empty answer lets the action go ahead."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from backend.database import db
from backend.places.models import Organisation
from backend.tickets.models import ExtensionRequest, ExtensionStatus, Ticket

Problems = dict[str, list[str]]
EXTENSION_UNITS = ("working_hours", "working_days")


def pending_extension(ticket: Ticket) -> ExtensionRequest | None:
    return db.session.scalar(
        sa.select(ExtensionRequest).where(
            ExtensionRequest.ticket_id == ticket.id,
            ExtensionRequest.status == ExtensionStatus.pending,
        )
    )


def reroute_target(ticket: Ticket, request: dict[str, Any]) -> Problems:
    org = db.session.get(Organisation, request.get("organisation_id") or 0)
    if org is None:
        return {"organisation_id": ["unknown organisation"]}
    if not org.is_active:
        return {"organisation_id": ["the organisation is deactivated"]}
    if org.id == ticket.responsible_org_id:
        return {"organisation_id": ["the ticket is already routed there"]}
    return {}


def extension_requested(ticket: Ticket, request: dict[str, Any]) -> Problems:
    problems: Problems = {}
    if not request.get("amount") or request.get("unit") not in EXTENSION_UNITS:
        problems["amount"] = ["amount (> 0) and unit (working_hours | working_days) required"]
    if pending_extension(ticket) is not None:
        problems["extension"] = ["an extension request is already pending"]
    return problems


def extension_pending(ticket: Ticket, request: dict[str, Any]) -> Problems:
    if pending_extension(ticket) is None:
        return {"extension": ["no pending extension request"]}
    return {}
