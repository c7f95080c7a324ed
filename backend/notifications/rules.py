"""Who must know about a ticket event, and what they are told.

    dispatch, reroute, return        → the users of the organisation now responsible (to act)
    reject, reopen (返工)             → the users of the responsible organisation (rework)
    urge (催办)                       → the users of the responsible organisation, urgently
    rectify (已整改)                   → the inspectors of the estate's grid (re-inspection due)
    escalate level 1 / level 2       → supervisors of the estate's street / district, and the
                                       users of the street office / district authority named
Other events tell nobody. Every message names the ticket and opens it (`link`, per role).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from backend.accounts.models import Role, User, grid_assignments
from backend.clock import SHANGHAI
from backend.database import db
from backend.places.models import Estate, Street
from backend.tickets.models import OutboxEvent, Ticket

TO_UNIT = {
    "dispatch": ("新工单待受理", "ticket.dispatch"),
    "reroute": ("工单改派给您", "ticket.reroute"),
    "return": ("争议已退回，请继续处理", "ticket.return"),
    "reject": ("复查未通过，请返工", "ticket.rework"),
    "reopen": ("居民回访未解决，请返工", "ticket.rework"),
    "urge": ("监管部门催办，请尽快处理并确认", "ticket.urge"),
}


@dataclass(frozen=True)
class Message:
    topic: str
    ticket_id: int | None
    title: str
    body: str
    path: str | None = None  # a message about no one ticket opens this (a digest: the home)

    def link_for(self, user: User) -> str:
        """The app path that opens the ticket for this user's role."""
        if self.path is not None:
            return self.path
        if self.ticket_id is None:
            return "/notifications"
        if user.role in (Role.supervisor, Role.admin):
            return f"/supervise/tickets/{self.ticket_id}"
        return f"/ticket/{self.ticket_id}"


def beijing(moment: datetime) -> str:
    local = moment.astimezone(SHANGHAI)
    return f"{local.month}月{local.day}日 {local:%H:%M}"


def org_users(organisation_id: int | None) -> list[User]:
    if organisation_id is None:
        return []
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.organisation_id == organisation_id, User.is_active.is_(True))
            .order_by(User.id)
        )
    )


def ticket_body(ticket: Ticket, estate_name: str) -> str:
    return f"{ticket.code} {estate_name}：{ticket.title}。整改期限 {beijing(ticket.due_at)}"


def _supervisors(street: Street, level: int) -> list[User]:
    where = User.street_id == street.id if level == 1 else User.district_id == street.district_id
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.role == Role.supervisor, User.is_active.is_(True), where)
            .order_by(User.id)
        )
    )


def recipients(event: OutboxEvent) -> tuple[Message, list[User]] | None:
    """The message an outbox event means and who receives it; None when nobody is told."""
    payload: dict[str, Any] = event.payload or {}
    action = payload.get("action")
    if action not in TO_UNIT and action not in ("escalate", "rectify"):
        return None
    ticket = db.session.get(Ticket, payload.get("ticket_id"))
    if ticket is None:
        return None
    estate = db.session.get(Estate, ticket.estate_id)
    body = ticket_body(ticket, estate.name)
    if action in TO_UNIT:
        title, topic = TO_UNIT[action]
        data = payload.get("data") or {}
        org = data.get("to_organisation_id") or payload.get("responsible_org_id")
        if action == "urge":
            body = f"{body}。催办意见：{payload.get('reason') or ''}"
        return Message(topic, ticket.id, title, body), org_users(org)
    if action == "rectify":
        inspectors = db.session.scalars(
            sa.select(User)
            .join(grid_assignments, grid_assignments.c.user_id == User.id)
            .where(
                grid_assignments.c.grid_id == estate.grid_id,
                User.role == Role.inspector,
                User.is_active.is_(True),
            )
            .order_by(User.id)
        ).all()
        return Message("ticket.reinspect", ticket.id, "整改已完成，待复查", body), list(inspectors)
    level = int((payload.get("data") or {}).get("level") or 1)
    street = db.session.get(Street, estate.street_id)
    title = "工单逾期升级至街道" if level == 1 else "工单逾期升级至区级"
    users = {u.id: u for u in _supervisors(street, level)}
    for user in org_users((payload.get("data") or {}).get("organisation_id")):
        users.setdefault(user.id, user)
    return Message("ticket.escalate", ticket.id, title, body), list(users.values())
