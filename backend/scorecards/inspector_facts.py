"""The inspector scorecard's counts, one grouped query per kind of fact (formulas in the README,
"Inspector scorecard"). Each function answers {group key: counts}; the key is the inspector's
user id (`group="inspector"`) or the estate's grid id (`group="grid"`).

`scope` limits the facts to the estates the caller sees; None (an inspector's own row) counts
all of that inspector's work wherever it was, as coverage does.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import aliased

from backend.accounts.models import Role, User, grid_assignments
from backend.checklists.calendar import add_working_time
from backend.checklists.services import working_hours
from backend.database import db
from backend.inspections.models import Inspection, InspectionResult, InspectionStatus, ResultPhoto
from backend.places import services as places
from backend.places.models import Estate
from backend.places.scope import Scope
from backend.reports.periods import Period
from backend.tickets.models import Ticket, TicketEvent, TicketSource, TicketState

# Tickets a complaint channel opened: Open311 (hotlines, 12345) and cases registered by hand.
COMPLAINT_SOURCES = (TicketSource.complaint, TicketSource.manual)
# "Not uploaded yet" is a photo on its way, not doubtful evidence.
NOT_ANOMALIES = ("photo_missing",)


def _count(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def _within(column: sa.ColumnElement[Any], period: Period) -> sa.ColumnElement[bool]:
    return sa.and_(column >= period.start, column < period.end)


def _limits(
    query: sa.Select,
    group: str,
    person: sa.ColumnElement[int],
    scope: Scope | None,
    only_user: int | None,
) -> tuple[sa.Select, sa.ColumnElement[Any]]:
    """Join the estate, keep the visible ones (or the one user's), and pick the group key.

    Per grid, only inspectors' work counts (a supervisor's verification is not an inspector's)."""
    if scope is not None:
        query = query.where(places.estate_visibility(scope))
    if only_user is not None:
        query = query.where(person == only_user)
    if group == "grid":
        inspectors = sa.select(User.id).where(User.role == Role.inspector)
        return query.where(person.in_(inspectors)), Estate.grid_id
    return query, person


def findings(
    group: str, period: Period, scope: Scope | None, only_user: int | None
) -> dict[Any, tuple[int, int, int]]:
    """(findings, confirmed, invalid): tickets from the inspector's inspections created in the
    period. Confirmed: a unit accepted it (it was accepted, rectified or closed) and it was not
    cancelled. Invalid: cancelled by someone other than the finder (a supervisor's 撤销, also
    when a dispute is upheld). A ticket the inspector withdrew by revising the inspection, or
    one still waiting (dispatched, disputed), is neither."""
    cancel = aliased(TicketEvent)
    cancelled_by_other = (
        sa.exists()
        .where(
            cancel.ticket_id == Ticket.id,
            cancel.action == "cancel",
            cancel.actor_id.is_not(None),
            cancel.actor_id != Inspection.inspector_id,
        )
        .correlate(Ticket, Inspection)
    )
    cancelled = Ticket.state == TicketState.cancelled
    confirmed = sa.and_(sa.not_(cancelled), Ticket.accepted_at.is_not(None))
    query = (
        sa.select()
        .select_from(Ticket)
        .join(Inspection, Inspection.id == Ticket.inspection_id)
        .join(Estate, Estate.id == Ticket.estate_id)
        .where(Ticket.source == TicketSource.inspection, _within(Ticket.created_at, period))
    )
    query, key = _limits(query, group, Inspection.inspector_id, scope, only_user)
    query = query.add_columns(
        key, sa.func.count(), _count(confirmed), _count(sa.and_(cancelled, cancelled_by_other))
    ).group_by(key)
    return {k: (n, ok, bad) for k, n, ok, bad in db.session.execute(query)}


def reinspections(
    group: str, period: Period, scope: Scope | None, only_user: int | None
) -> dict[Any, tuple[int, int]]:
    """(re-inspections, on time): verify or reject events in the period, on time when no later
    than SCORECARD_VERIFY_WORKING_DAYS working days (the working calendar, working hours) after
    the ticket's latest rectification before it.

    The deadline needs the official holiday calendar, which only Python has: the database
    groups the events by (key, rectification time, re-inspection time) and the calendar is
    applied once per distinct pair."""
    days = current_app.config["SCORECARD_VERIFY_WORKING_DAYS"]
    rectify = aliased(TicketEvent)
    rectified = (
        sa.select(sa.func.max(rectify.at))
        .where(
            rectify.ticket_id == TicketEvent.ticket_id,
            rectify.action == "rectify",
            rectify.at <= TicketEvent.at,
        )
        .correlate(TicketEvent)
        .scalar_subquery()
    )
    query = (
        sa.select()
        .select_from(TicketEvent)
        .join(Ticket, Ticket.id == TicketEvent.ticket_id)
        .join(Estate, Estate.id == Ticket.estate_id)
        .where(TicketEvent.action.in_(("verify", "reject")), _within(TicketEvent.at, period))
    )
    query, key = _limits(query, group, TicketEvent.actor_id, scope, only_user)
    when = rectified.label("rectified_at")
    query = query.add_columns(key, when, TicketEvent.at, sa.func.count()).group_by(
        key, when, TicketEvent.at
    )
    hours = working_hours()
    found: dict[Any, list[int]] = defaultdict(lambda: [0, 0])
    for k, rectified_at, at, n in db.session.execute(query):
        found[k][0] += n
        if rectified_at is not None and at <= add_working_time(
            rectified_at, days, "working_days", hours
        ):
            found[k][1] += n
    return {k: (total, on_time) for k, (total, on_time) in found.items()}


def _days_before(moment: sa.ColumnElement[Any], days: int) -> sa.ColumnElement[Any]:
    """`moment` minus whole days, in SQL (SQLite keeps UTC text, PostgreSQL timestamps)."""
    if db.session.get_bind().dialect.name == "sqlite":
        return sa.func.datetime(moment, f"-{days} days")
    return moment - sa.literal(timedelta(days=days), sa.Interval())


def complaints(
    group: str, period: Period, scope: Scope | None, only_user: int | None
) -> dict[Any, tuple[int, int]]:
    """(complaints, missed): complaint tickets created in the period at the estates of the
    inspector's grids (per grid: of the grid); missed when no inspector had found that category
    at that estate in the SCORECARD_MISSED_WINDOW_DAYS days before (a ticket of an inspection,
    or a recurrence an inspection recorded on any ticket of it)."""
    complaint = aliased(Ticket)
    since = _days_before(complaint.created_at, current_app.config["SCORECARD_MISSED_WINDOW_DAYS"])
    found_ticket = aliased(Ticket)
    seen = aliased(TicketEvent)
    same_problem = sa.and_(
        found_ticket.estate_id == complaint.estate_id,
        found_ticket.category == complaint.category,
    )
    found_new = sa.exists().where(
        same_problem,
        found_ticket.source == TicketSource.inspection,
        found_ticket.found_at >= since,
        found_ticket.found_at < complaint.created_at,
    )
    found_again = sa.exists().where(
        same_problem,
        seen.ticket_id == found_ticket.id,
        seen.action == "recurrence",
        seen.at >= since,
        seen.at < complaint.created_at,
    )
    missed = sa.not_(sa.or_(found_new.correlate(complaint), found_again.correlate(complaint)))
    query = (
        sa.select()
        .select_from(complaint)
        .join(Estate, Estate.id == complaint.estate_id)
        .where(complaint.source.in_(COMPLAINT_SOURCES), _within(complaint.created_at, period))
    )
    if scope is not None:
        query = query.where(places.estate_visibility(scope))
    if group == "grid":
        key: sa.ColumnElement[Any] = Estate.grid_id
    else:
        query = query.join(grid_assignments, grid_assignments.c.grid_id == Estate.grid_id).join(
            User, sa.and_(User.id == grid_assignments.c.user_id, User.role == Role.inspector)
        )
        key = grid_assignments.c.user_id
        if only_user is not None:
            query = query.where(key == only_user)
    query = query.add_columns(key, sa.func.count(), _count(missed)).group_by(key)
    return {k: (n, lost) for k, n, lost in db.session.execute(query)}


def _flag_of_photo() -> sa.ColumnElement[bool]:
    """EXISTS an evidence flag of the photo's finding that names this photo (JSON, per
    database: SQLite's json_each, PostgreSQL's json_array_elements)."""
    if db.session.get_bind().dialect.name == "sqlite":
        flags = sa.func.json_each(InspectionResult.evidence).table_valued("value").alias("flag")
        photo = sa.func.json_extract(flags.c.value, "$.detail.photo")
        code = sa.func.json_extract(flags.c.value, "$.code")
    else:
        flags = (
            sa.func.json_array_elements(InspectionResult.evidence)
            .table_valued("value")
            .alias("flag")
        )
        photo = sa.func.json_extract_path_text(flags.c.value, "detail", "photo")
        code = sa.func.json_extract_path_text(flags.c.value, "code")
    return (
        sa.exists()
        .select_from(flags)
        .where(photo == ResultPhoto.photo_sha256, code.not_in(NOT_ANOMALIES))
        .correlate(InspectionResult, ResultPhoto)
    )


def photos(
    group: str, period: Period, scope: Scope | None, only_user: int | None
) -> dict[Any, tuple[int, int]]:
    """(photos, flagged): the photos of the findings of their inspections submitted in the
    period (current versions), and those with at least one evidence flag about them."""
    query = (
        sa.select()
        .select_from(ResultPhoto)
        .join(InspectionResult, InspectionResult.id == ResultPhoto.result_id)
        .join(Inspection, Inspection.id == InspectionResult.inspection_id)
        .join(Estate, Estate.id == Inspection.estate_id)
        .where(
            Inspection.status == InspectionStatus.submitted,
            _within(Inspection.submitted_at, period),
        )
    )
    query, key = _limits(query, group, Inspection.inspector_id, scope, only_user)
    query = query.add_columns(key, sa.func.count(), _count(_flag_of_photo())).group_by(key)
    return {k: (n, flagged) for k, n, flagged in db.session.execute(query)}
