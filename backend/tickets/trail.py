"""Append an audit event and its outbox copy, in the caller's transaction."""

from __future__ import annotations

from typing import Any

from backend.accounts.models import User
from backend.clock import utcnow
from backend.database import db
from backend.tickets.models import OutboxEvent, PhotoKind, Ticket, TicketEvent, TicketPhoto


def record(
    ticket: Ticket,
    action: str,
    actor: User | None,
    *,
    from_state: str | None = None,
    reason: str = "",
    data: dict[str, Any] | None = None,
    photos: list[str] = (),  # type: ignore[assignment]
    photo_kind: PhotoKind | None = None,
    captures: dict[str, dict[str, Any]] | None = None,
    evidence: dict[str, list[dict[str, Any]]] | None = None,
) -> TicketEvent:
    """`captures` and `evidence` (per photo hash) are kept on the photo rows."""
    event = TicketEvent(
        ticket_id=ticket.id,
        action=action,
        from_state=from_state,
        to_state=ticket.state.value,
        actor_id=actor.id if actor else None,
        reason=reason,
        data={**(data or {}), **({"photos": list(photos)} if photos else {})},
    )
    db.session.add(event)
    ticket.updated_at = utcnow()  # every event touches the ticket, so its version always moves
    db.session.flush()
    for sha in photos:
        flags = (evidence or {}).get(sha)
        db.session.add(
            TicketPhoto(
                ticket_id=ticket.id,
                photo_sha256=sha,
                kind=photo_kind,
                event_id=event.id,
                capture=(captures or {}).get(sha),
                evidence=flags,
                flagged=bool(flags),
            )
        )
    db.session.add(
        OutboxEvent(
            ticket_event_id=event.id, topic=f"ticket.{action}", payload=_payload(ticket, event)
        )
    )
    return event


def _payload(ticket: Ticket, event: TicketEvent) -> dict[str, Any]:
    return {
        "ticket_id": ticket.id,
        "event_id": event.id,
        "action": event.action,
        "from_state": event.from_state,
        "to_state": event.to_state,
        "at": event.at.isoformat(),
        "estate_id": ticket.estate_id,
        "category": ticket.category,
        "severity": ticket.severity,
        "responsible_org_id": ticket.responsible_org_id,
        "due_at": ticket.due_at.isoformat(),
        "reason": event.reason,
        "data": event.data,
    }
