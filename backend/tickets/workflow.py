"""The ticket lifecycle as one table: which action moves which states, who may do it, what it needs.

dispatched ─accept→ accepted ─rectify→ rectified ─verify→ closed
    │  ╰──dispute──╮  ╰─dispute─╮        ╰─reject→ rework ─rectify→ rectified
    │           disputed ─return→ dispatched (same unit)   ─reroute→ dispatched (another unit)
any open state ─reroute (supervisor)→ dispatched · ─cancel (supervisor)→ cancelled
closed ─reopen (the resident's 回访 "没解决", once; backend/revisits)→ rework
request_extension / approve_extension / deny_extension change the deadline, not the state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from backend.accounts.models import Role, User
from backend.tickets import checks
from backend.tickets.models import OPEN_STATES, PhotoKind, Ticket, TicketState

S = TicketState


class Actor(StrEnum):
    unit = "unit"  # the organisation the ticket is routed to (firm, custodian, street office…)
    verifier = "verifier"  # an inspector or supervisor whose scope holds the estate
    supervisor = "supervisor"  # a supervisor whose scope holds the estate
    resident = "resident"  # the resident's 回访 (backend/revisits): never a signed-in user


@dataclass(frozen=True)
class Action:
    name: str
    sources: frozenset[TicketState]
    target: TicketState | None  # None: the state does not change
    actor: Actor
    needs_reason: bool = False
    needs_photos: bool = False
    photo_kind: PhotoKind | None = None  # what the photos sent with it are evidence of
    stamps: str | None = None  # the Ticket column that records when it last happened
    # anything else it needs (field → messages)
    check: Callable[[Ticket, dict[str, Any]], checks.Problems] | None = None


UNIT, VERIFIER, SUPERVISOR, RESIDENT = Actor.unit, Actor.verifier, Actor.supervisor, Actor.resident
WHY = {"needs_reason": True}
UNIT_OWES = frozenset({S.dispatched, S.accepted, S.rework})

ACTIONS: dict[str, Action] = {
    action.name: action
    for action in (
        Action("accept", frozenset({S.dispatched}), S.accepted, UNIT, stamps="accepted_at"),
        Action(
            "rectify",
            frozenset({S.accepted, S.rework}),
            S.rectified,
            UNIT,
            needs_photos=True,
            photo_kind=PhotoKind.after,
            stamps="rectified_at",
        ),
        Action(
            "verify",
            frozenset({S.rectified}),
            S.closed,
            VERIFIER,
            photo_kind=PhotoKind.verification,
            stamps="closed_at",
        ),
        Action(
            "reject",
            frozenset({S.rectified}),
            S.rework,
            VERIFIER,
            photo_kind=PhotoKind.verification,
            **WHY,
        ),
        Action("dispute", frozenset({S.dispatched, S.accepted}), S.disputed, UNIT, **WHY),
        Action("return", frozenset({S.disputed}), S.dispatched, SUPERVISOR, **WHY),
        Action(
            "reroute",
            OPEN_STATES - {S.rectified},
            S.dispatched,
            SUPERVISOR,
            check=checks.reroute_target,
            **WHY,
        ),
        Action("cancel", OPEN_STATES, S.cancelled, SUPERVISOR, **WHY),
        # The resident says the problem is not solved: back to the unit, with their words.
        Action("reopen", frozenset({S.closed}), S.rework, RESIDENT, **WHY),
        Action("request_extension", UNIT_OWES, None, UNIT, check=checks.extension_requested, **WHY),
        Action("approve_extension", OPEN_STATES, None, SUPERVISOR, check=checks.extension_pending),
        Action(
            "deny_extension", OPEN_STATES, None, SUPERVISOR, check=checks.extension_pending, **WHY
        ),
    )
}


def may_act(actor: Actor, user: User, ticket: Ticket, estate_in_scope: bool) -> bool:
    """Role guards. `estate_in_scope`: the ticket's estate lies in the user's jurisdiction.
    No user acts as the resident: their action comes only through their 回访 link."""
    if actor is Actor.resident:
        return False
    if user.role is Role.admin:
        return actor is not Actor.unit
    if actor is Actor.unit:
        return (
            user.organisation_id is not None and user.organisation_id == ticket.responsible_org_id
        )
    if actor is Actor.verifier:
        return user.role in (Role.inspector, Role.supervisor) and estate_in_scope
    return user.role is Role.supervisor and estate_in_scope


def allowed_actions(ticket: Ticket, guard: Callable[[Actor], bool]) -> list[str]:
    return [a.name for a in ACTIONS.values() if ticket.state in a.sources and guard(a.actor)]
