"""Ticket rules: who sees which ticket, inbox queries, transitions with optimistic concurrency."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from geoalchemy2.shape import from_shape
from shapely.geometry import Point

from backend import signals
from backend.accounts.models import Role, User
from backend.accounts.services import scope_of
from backend.checklists import services as checklists
from backend.checklists.calendar import add_working_time, is_official
from backend.checklists.services import working_hours
from backend.clock import utcnow
from backend.database import db
from backend.errors import (
    AppError,
    Conflict,
    Forbidden,
    NotFound,
    PreconditionFailed,
    ValidationFailed,
)
from backend.photos import captures
from backend.photos import services as photos
from backend.photos.models import Photo
from backend.places import services as places
from backend.places.models import Estate
from backend.places.scope import Scope
from backend.tickets import checks, creation, details, duties, evidence, trail
from backend.tickets.models import (
    ExtensionRequest,
    ExtensionStatus,
    OutboxEvent,
    PhotoKind,
    Ticket,
    TicketParty,
    TicketPhoto,
    TicketSource,
    TicketState,
    overdue,
)
from backend.tickets.workflow import ACTIONS, allowed_actions, may_act


class PreconditionRequired(AppError):
    status = 428


# --- visibility ---------------------------------------------------------------------------


def visibility(user: User, scope: Scope) -> sa.ColumnElement[bool]:
    """Firms see tickets ever routed to them (read-only once rerouted away); inspectors and
    supervisors see tickets of estates in their scope; admins everything."""
    if user.role is Role.admin:
        return sa.true()
    clauses = []
    if user.organisation_id is not None:
        parties = sa.select(TicketParty.ticket_id).where(
            TicketParty.organisation_id == user.organisation_id
        )
        clauses.append(Ticket.id.in_(parties))
    if user.role in (Role.inspector, Role.supervisor):
        clauses.append(
            Ticket.estate_id.in_(sa.select(Estate.id).where(places.estate_visibility(scope)))
        )
    return sa.or_(*clauses) if clauses else sa.false()


def get_ticket(ticket_id: int, user: User, scope: Scope) -> Ticket:
    ticket = db.session.scalar(
        sa.select(Ticket).where(Ticket.id == ticket_id, visibility(user, scope))
    )
    if ticket is None:
        raise NotFound("工单不存在 (ticket not found)")
    return ticket


def estate_in_scope(ticket: Ticket, scope: Scope) -> bool:
    query = sa.select(Estate.id).where(
        Estate.id == ticket.estate_id, places.estate_visibility(scope)
    )
    return db.session.scalar(query) is not None


def actions_for(ticket: Ticket, user: User, scope: Scope) -> list[str]:
    """What this user may do now: role and scope guards, less their own work to check."""
    in_scope = estate_in_scope(ticket, scope)
    actions = allowed_actions(ticket, lambda actor: may_act(actor, user, ticket, in_scope))
    own = duties.conflicts(ticket, actions, user)
    return [action for action in actions if action not in own]


def overdue_clause(now: datetime) -> sa.ColumnElement[bool]:
    return Ticket.overdue_at(now)


def is_overdue(ticket: Ticket | sa.Row, now: datetime | None = None) -> bool:
    """Also for rows of ticket columns (exports read those)."""
    return overdue(ticket.state, ticket.due_at, now or utcnow())


@dataclass(frozen=True)
class TicketFilter:
    states: tuple[TicketState, ...] = ()
    severity: str | None = None
    area: str | None = None
    estate_id: int | None = None
    organisation_id: int | None = None
    overdue: bool | None = None
    dispatched_from: datetime | None = None
    dispatched_to: datetime | None = None


SORTS = {
    "due": (Ticket.due_at.asc(), Ticket.id),
    "-due": (Ticket.due_at.desc(), Ticket.id),
    "dispatched": (Ticket.dispatched_at.asc(), Ticket.id),
    "-dispatched": (Ticket.dispatched_at.desc(), Ticket.id),
    "severity": (
        sa.case({"urgent": 0, "major": 1}, value=Ticket.severity, else_=2),
        Ticket.due_at,
        Ticket.id,
    ),
}


def filtered(
    query: sa.Select, f: TicketFilter, now: datetime, *, with_state: bool = True
) -> sa.Select:
    if with_state and f.states:
        query = query.where(Ticket.state.in_(f.states))
    for column, value in (
        (Ticket.severity, f.severity),
        (Ticket.area, f.area),
        (Ticket.estate_id, f.estate_id),
        (Ticket.responsible_org_id, f.organisation_id),
    ):
        if value is not None:
            query = query.where(column == value)
    if f.overdue is not None:
        clause = overdue_clause(now)
        query = query.where(clause if f.overdue else sa.not_(clause))
    if f.dispatched_from is not None:
        query = query.where(Ticket.dispatched_at >= f.dispatched_from)
    if f.dispatched_to is not None:
        query = query.where(Ticket.dispatched_at < f.dispatched_to)
    return query


def ticket_query(user: User, scope: Scope, f: TicketFilter, sort: str = "due") -> sa.Select:
    query = filtered(sa.select(Ticket).where(visibility(user, scope)), f, utcnow())
    return query.order_by(*SORTS[sort])


def counts(user: User, scope: Scope, f: TicketFilter) -> dict[str, int]:
    """Per-state counts (the state filter ignored) and the overdue count, for inbox badges."""
    now = utcnow()
    base = filtered(
        sa.select(Ticket.state, sa.func.count()).where(visibility(user, scope)),
        f,
        now,
        with_state=False,
    )
    result = {state.value: 0 for state in TicketState}
    for state, number in db.session.execute(base.group_by(Ticket.state)):
        result[state.value] = number
    overdue = filtered(
        sa.select(sa.func.count()).select_from(Ticket).where(visibility(user, scope)),
        f,
        now,
        with_state=False,
    ).where(overdue_clause(now))
    result["overdue"] = db.session.scalar(overdue)
    return result


# --- transitions --------------------------------------------------------------------------


def transition(
    ticket_id: int, request: dict[str, Any], expected_version: int | None, user: User, scope: Scope
) -> Ticket:
    ticket = get_ticket(ticket_id, user, scope)
    if expected_version is None:
        raise PreconditionRequired(
            "需要提供工单版本 (send the ticket version: If-Match header or `version`)",
            {"version": ["required"]},
            code="precondition_required",
        )
    if ticket.version != expected_version:
        raise PreconditionFailed(
            "工单已被他人更新,请刷新后重试 (the ticket changed meanwhile; reload and retry)",
            {"current_version": ticket.version},
        )
    action = ACTIONS[request["action"]]
    allowed = actions_for(ticket, user, scope)
    if ticket.state not in action.sources:
        raise Conflict(
            f"当前状态不能执行该操作 (cannot {action.name} a {ticket.state.value} ticket)",
            {"state": ticket.state.value, "allowed": allowed},
        )
    if action.name not in allowed:
        if action.name in duties.RULES and duties.own_work(ticket, action.name, user):
            raise Forbidden(
                duties.RULES[action.name],
                {"action": [duties.RULES[action.name]], "allowed": allowed},
                code="segregation_of_duties",
            )
        raise Forbidden("无权执行此操作 (you may not do this)", {"allowed": allowed})
    _check_requirements(ticket, action, request, user)
    handler = _HANDLERS.get(action.name, _move)
    handler(ticket, action, request, user)
    db.session.flush()  # a concurrent change raises StaleDataError → 412 (errors.py)
    db.session.expire(ticket, ["photos"])  # the rows just added, with their evidence
    return ticket


def _check_requirements(ticket: Ticket, action, request: dict[str, Any], user: User) -> None:
    errors: dict[str, list[str]] = {}
    if action.needs_reason and not (request.get("reason") or "").strip():
        errors["reason"] = ["a reason is required"]
    hashes = request.get("photos") or []
    if action.needs_photos and not hashes:
        errors["photos"] = ["after-photos are required"]
    if hashes:
        problems = _photo_problems(ticket, hashes, action.photo_kind, user)
        if problems:
            errors["photos"] = problems
    if action.check is not None:
        errors.update(action.check(ticket, request))
    if errors:
        raise ValidationFailed("操作缺少必要信息 (the action is missing what it needs)", errors)


def _photo_problems(
    ticket: Ticket, hashes: list[str], kind: PhotoKind | None, user: User
) -> list[str]:
    """Photos must be uploaded and visible to the sender (a hash cannot open someone else's
    photo). A photo seen before is accepted: an after-photo like that is flagged (evidence.py);
    only the very same attachment twice is refused, as there is nothing new in it."""
    problems = []
    visible = {
        photo.sha256
        for photo in db.session.scalars(sa.select(Photo).where(Photo.sha256.in_(hashes)))
        if photos.may_see(user, photo)
    }
    attached = set(
        db.session.scalars(
            sa.select(TicketPhoto.photo_sha256).where(
                TicketPhoto.ticket_id == ticket.id,
                TicketPhoto.kind == kind,
                TicketPhoto.photo_sha256.in_(hashes),
            )
        )
    )
    for sha in dict.fromkeys(hashes):
        if sha not in visible:
            problems.append(f"{sha}: not uploaded")
        elif sha in attached:
            problems.append(f"{sha}: already this ticket's {kind.value} photo")
    return problems


def _move(ticket: Ticket, action, request: dict[str, Any], user: User) -> None:
    before = ticket.state
    now = utcnow()
    ticket.state = action.target
    if action.stamps:
        setattr(ticket, action.stamps, now)
    if action.name == "reject":
        ticket.rework_count += 1
    hashes = list(dict.fromkeys(request.get("photos") or []))
    captured = captures.by_hash(request.get("captures"))
    flags = None
    if action.name == "rectify":
        flags = evidence.after_photo_flags(ticket, hashes, captured)
    trail.record(
        ticket,
        action.name,
        user,
        from_state=before.value,
        reason=request.get("reason", ""),
        photos=hashes,
        photo_kind=action.photo_kind,
        captures=captured,
        evidence=flags,
    )
    if ticket.state is TicketState.closed:
        signals.ticket_closed.send(ticket)


def _reroute(ticket: Ticket, action, request: dict[str, Any], user: User) -> None:
    before, old_org = ticket.state, ticket.responsible_org_id
    ticket.state = TicketState.dispatched
    ticket.responsible_org_id = request["organisation_id"]
    ticket.responsible_basis = "rerouted"
    ticket.accepted_at = None
    if db.session.get(TicketParty, (ticket.id, ticket.responsible_org_id)) is None:
        db.session.add(TicketParty(ticket_id=ticket.id, organisation_id=ticket.responsible_org_id))
    trail.record(
        ticket,
        "reroute",
        user,
        from_state=before.value,
        reason=request["reason"],
        data={"from_organisation_id": old_org, "to_organisation_id": ticket.responsible_org_id},
    )


def _request_extension(ticket: Ticket, action, request: dict[str, Any], user: User) -> None:
    db.session.add(
        ExtensionRequest(
            ticket_id=ticket.id,
            amount=request["amount"],
            unit=request["unit"],
            reason=request["reason"],
            requested_by_id=user.id,
        )
    )
    trail.record(
        ticket,
        "request_extension",
        user,
        from_state=ticket.state.value,
        reason=request["reason"],
        data={"amount": request["amount"], "unit": request["unit"]},
    )


def _decide_extension(ticket: Ticket, action, request: dict[str, Any], user: User) -> None:
    pending = checks.pending_extension(ticket)
    approved = action.name == "approve_extension"
    pending.status = ExtensionStatus.approved if approved else ExtensionStatus.denied
    pending.decided_by_id, pending.decided_at = user.id, utcnow()
    data: dict[str, Any] = {"extension_id": pending.id}
    if approved:
        old_due = ticket.due_at
        ticket.due_at = add_working_time(
            ticket.due_at, pending.amount, pending.unit, working_hours()
        )
        ticket.due_provisional = not is_official(ticket.due_at.date())
        ticket.extension_count += 1
        data.update(old_due_at=old_due.isoformat(), new_due_at=ticket.due_at.isoformat())
    trail.record(
        ticket,
        action.name,
        user,
        from_state=ticket.state.value,
        reason=request.get("reason", ""),
        data=data,
    )


_HANDLERS = {
    "reroute": _reroute,
    "request_extension": _request_extension,
    "approve_extension": _decide_extension,
    "deny_extension": _decide_extension,
}


# --- manual tickets and photos --------------------------------------------------------------


def photo_visible_through_tickets(user: User, sha256: str) -> bool:
    query = (
        sa.select(TicketPhoto.id)
        .join(Ticket, Ticket.id == TicketPhoto.ticket_id)
        .where(TicketPhoto.photo_sha256 == sha256, visibility(user, scope_of(user)))
        .limit(1)
    )
    return db.session.scalar(query) is not None


def describe(ticket: Ticket, user: User, scope: Scope, *, full: bool = True) -> Ticket:
    """Attach what a reader needs now: overdue, and the actions this user may take; `full` (one
    ticket, not an inbox row) also the estate, the finder and the names in the history."""
    ticket.overdue = is_overdue(ticket)  # type: ignore[attr-defined]
    ticket.allowed_actions = actions_for(ticket, user, scope)  # type: ignore[attr-defined]
    return details.attach(ticket) if full else ticket


def create_manual(data: dict[str, Any], user: User, scope: Scope) -> Ticket:
    """A supervisor registers a case directly (立案), routed like an inspection finding."""
    try:
        estate = places.get_estate(data["estate_id"], scope)
    except NotFound:
        raise ValidationFailed(
            "小区不存在 (unknown estate)", {"estate_id": ["unknown estate"]}
        ) from None
    item = checklists.active_item(data["item_code"])
    if item is None:
        raise ValidationFailed(
            "巡查项不存在 (unknown item)", {"item_code": ["not in an active checklist"]}
        )
    hashes = list(dict.fromkeys(data["photos"]))
    visible = {
        photo.sha256
        for photo in db.session.scalars(sa.select(Photo).where(Photo.sha256.in_(hashes)))
        if photos.may_see(user, photo)
    }
    missing = set(hashes) - visible
    if missing:
        raise ValidationFailed("照片尚未上传 (photos not uploaded)", {"photos": sorted(missing)})
    position = None
    if "lat" in data and "lng" in data:
        position = from_shape(Point(data["lng"], data["lat"]), srid=4326)
    return creation.open_ticket(
        estate=estate,
        item=item,
        source=TicketSource.manual,
        found_at=utcnow(),
        actor=user,
        description=data["description"],
        position=position,
        photos=hashes,
        captures=captures.by_hash(data.get("captures")),
    )


def outbox_page(after: int, limit: int) -> dict[str, Any]:
    events = db.session.scalars(
        sa.select(OutboxEvent).where(OutboxEvent.id > after).order_by(OutboxEvent.id).limit(limit)
    ).all()
    return {"events": events, "next_after": events[-1].id if events else after}
