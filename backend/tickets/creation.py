"""Tickets from findings: one per failed item, routed, with a deadline; recurrences and repeats.

Runs inside the inspection's transaction (a submission and its tickets commit together).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from geoalchemy2.shape import to_shape

from backend.accounts.models import User
from backend.checklists import services as checklists
from backend.checklists.definition import ChecklistDefinition, Item
from backend.clock import SHANGHAI, utcnow
from backend.database import db
from backend.geo.distance import points_distance_m
from backend.inspections.models import Inspection, InspectionResult, Outcome
from backend.places.models import Estate
from backend.tickets import trail
from backend.tickets.models import (
    OPEN_STATES,
    PhotoKind,
    Ticket,
    TicketParty,
    TicketPhoto,
    TicketSource,
    TicketState,
)
from backend.tickets.routing import route


def open_ticket(
    *,
    estate: Estate,
    item: Item,
    source: TicketSource,
    found_at: datetime,
    actor: User | None,
    description: str = "",
    position=None,
    photos: list[str] = (),  # type: ignore[assignment]
    inspection_id: str | None = None,
    channel: str | None = None,
    captures: dict[str, dict] | None = None,
) -> Ticket:
    """Register and dispatch a ticket: routed by the item's party on the finding date; the
    deadline clock starts at dispatch (now) on the working calendar. `channel` names where a
    complaint came from (e.g. the 12345 hotline); the dispatch event records it."""
    target = route(estate, item.responsible, found_at.astimezone(SHANGHAI).date())
    dispatched_at = utcnow()
    due = checklists.due_for(item, dispatched_at)
    ticket = Ticket(
        estate_id=estate.id,
        source=source,
        inspection_id=inspection_id,
        item_code=item.code,
        category=item.category,
        area=item.area,
        severity=item.severity,
        title=item.title.zh,
        description=description,
        position=position,
        state=TicketState.dispatched,
        responsible_org_id=target.organisation_id,
        responsible_basis=target.basis,
        found_at=found_at,
        dispatched_at=dispatched_at,
        due_at=due.at,
        due_provisional=due.provisional,
        repeat_of_id=_recently_closed(estate.id, item.code, found_at),
        created_by_id=actor.id if actor else None,
    )
    db.session.add(ticket)
    db.session.flush()
    db.session.add(TicketParty(ticket_id=ticket.id, organisation_id=target.organisation_id))
    trail.record(
        ticket,
        "dispatch",
        actor,
        data={
            "organisation_id": target.organisation_id,
            "basis": target.basis,
            "source": source.value,
            **({"channel": channel} if channel else {}),
        },
        photos=list(photos),
        photo_kind=PhotoKind.before,
        captures=captures,
    )
    return ticket


def _recently_closed(estate_id: int, item_code: str, found_at: datetime) -> int | None:
    """A failure soon after the same problem was closed is a repeat (反复), counted as such."""
    window = timedelta(days=current_app.config["REPEAT_WINDOW_DAYS"])
    return db.session.scalar(
        sa.select(Ticket.id)
        .where(
            Ticket.estate_id == estate_id,
            Ticket.item_code == item_code,
            Ticket.state == TicketState.closed,
            Ticket.closed_at >= found_at - window,
        )
        .order_by(Ticket.closed_at.desc())
        .limit(1)
    )


def _open_duplicate(estate_id: int, item_code: str, where) -> Ticket | None:
    """An open ticket for the same item at the same estate (and nearby, when both have places).

    Locked (FOR UPDATE, fresh values): the recurrence then counts on the ticket as it is after
    a concurrent transition or recurrence commits, instead of failing the whole submission on
    the ticket's version check (a 412 an inspector could do nothing about)."""
    candidates = db.session.scalars(
        sa.select(Ticket)
        .where(
            Ticket.estate_id == estate_id,
            Ticket.item_code == item_code,
            Ticket.state.in_(OPEN_STATES),
        )
        .order_by(Ticket.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    limit = current_app.config["RECURRENCE_DISTANCE_M"]
    for ticket in candidates:
        if where is None or ticket.position is None:
            return ticket
        here, there = to_shape(where), to_shape(ticket.position)
        if points_distance_m((here.y, here.x), (there.y, there.x)) <= limit:
            return ticket
    return None


def _captures(result: InspectionResult) -> dict[str, dict]:
    return {link.photo_sha256: link.capture for link in result.photos if link.capture}


def _attach_photos(ticket: Ticket, result: InspectionResult, event_id: int) -> None:
    known = set(
        db.session.scalars(
            sa.select(TicketPhoto.photo_sha256).where(TicketPhoto.ticket_id == ticket.id)
        )
    )
    for link in result.photos:
        if link.photo_sha256 not in known:
            db.session.add(
                TicketPhoto(
                    ticket_id=ticket.id,
                    photo_sha256=link.photo_sha256,
                    kind=PhotoKind.before,
                    event_id=event_id,
                    capture=link.capture,
                )
            )


def on_inspection_submitted(inspection: Inspection, definition: ChecklistDefinition) -> None:
    """Each failed item of a submitted inspection becomes a ticket exactly once."""
    estate = db.session.get(Estate, inspection.estate_id)
    actor = db.session.get(User, inspection.inspector_id)
    found_at = inspection.finished_at or inspection.started_at
    inherited = _tickets_of_replaced(inspection)
    for result in inspection.results:
        if result.outcome is not Outcome.failed:
            continue
        item = definition.item(result.item_code)
        where = result.position if result.position is not None else inspection.position
        if result.item_code in inherited:
            ticket = inherited.pop(result.item_code)
            ticket.inspection_id = inspection.id
            trail.record(
                ticket,
                "inspection_revised",
                actor,
                from_state=ticket.state.value,
                data={"inspection_id": inspection.id},
            )
            continue
        duplicate = _open_duplicate(estate.id, item.code, where)
        if duplicate is not None:
            _recur(duplicate, inspection, result, actor)
            continue
        open_ticket(
            estate=estate,
            item=item,
            source=TicketSource.inspection,
            found_at=found_at,
            actor=actor,
            description=result.note,
            position=where,
            photos=result.photo_hashes,
            inspection_id=inspection.id,
            captures=_captures(result),
        )
    for ticket in inherited.values():
        before = ticket.state.value
        ticket.state = TicketState.cancelled
        trail.record(
            ticket,
            "cancel",
            actor,
            from_state=before,
            reason="巡查修订后该项不再不合格 (no longer failed in the revised inspection)",
            data={"inspection_id": inspection.id},
        )


def _recur(ticket: Ticket, inspection: Inspection, result: InspectionResult, actor: User) -> None:
    ticket.recurrence_count += 1
    event = trail.record(
        ticket,
        "recurrence",
        actor,
        from_state=ticket.state.value,
        reason=result.note,
        data={"inspection_id": inspection.id},
    )
    _attach_photos(ticket, result, event.id)


def _tickets_of_replaced(inspection: Inspection) -> dict[str, Ticket]:
    """An edited inspection (a new version) keeps the open tickets of the version it replaces."""
    if inspection.replaces_id is None:
        return {}
    tickets = db.session.scalars(
        sa.select(Ticket).where(
            Ticket.inspection_id == inspection.replaces_id, Ticket.state.in_(OPEN_STATES)
        )
    )
    return {ticket.item_code: ticket for ticket in tickets}
