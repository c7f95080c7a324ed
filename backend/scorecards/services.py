"""Scorecards over a period for firms, estates, streets and districts (formulas in formulas.py).

Every figure is counted by the database: one grouped query per kind of fact (tickets, trail
events, rectification evidence, inspection scores), limited to the caller's scope, then the pure
formulas. The only per-ticket values read are the dispatch and rectification times of tickets
rectified in the period: working hours need the official holiday calendar (chinesecalendar), which
only Python has. Figures describe the tickets' current state as of the computation.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict
from typing import Any

import sqlalchemy as sa
from flask import current_app

from backend.accounts.models import User
from backend.checklists.calendar import working_hours_between
from backend.checklists.services import working_hours
from backend.clock import utcnow
from backend.database import db
from backend.inspections.models import AreaScore, Inspection, InspectionStatus
from backend.notifications.models import TicketUrge
from backend.places import services as places
from backend.places.models import District, Estate, Organisation, Street
from backend.places.scope import Scope
from backend.reports.periods import Period
from backend.revisits.formulas import SATISFIED_MIN_RATING, satisfaction
from backend.revisits.models import RevisitAnswer
from backend.scorecards.formulas import (
    SCORE_UNITS,
    TicketCounts,
    counted_figures,
    estate_grade,
    ratio,
    score_mean,
)
from backend.scorecards.urge_facts import EMPTY as NO_URGES
from backend.scorecards.urge_facts import urges_by
from backend.tickets.models import PhotoKind, Ticket, TicketEvent, TicketPhoto

__all__ = [
    "Period",
    "area_scorecards",
    "estate_scorecards",
    "firm_scorecards",
    "latest_inspections",
    "latest_scores",
]


def _visible_estates(scope: Scope) -> sa.Select:
    return sa.select(Estate.id).where(places.estate_visibility(scope))


def _within(column: sa.ColumnElement[Any], period: Period) -> sa.ColumnElement[bool]:
    return sa.and_(column >= period.start, column < period.end)


def _count(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def _ticket_rows(key: sa.ColumnElement[Any], *columns: Any) -> sa.Select:
    """`key` is a column over Ticket joined with its Estate and Street."""
    return (
        sa.select(key.label("key"), *columns)
        .select_from(Ticket)
        .join(Estate, Estate.id == Ticket.estate_id)
        .join(Street, Street.id == Estate.street_id)
    )


def _counts_by(key, period: Period, scope: Scope) -> dict[Any, TicketCounts]:
    """TicketCounts per group of `key`: one pass over the tickets, one over the trail."""
    visible = Ticket.estate_id.in_(_visible_estates(scope))
    due = _within(Ticket.due_at, period)
    closed = sa.and_(due, Ticket.closed_at < period.end)
    on_time = sa.and_(closed, Ticket.rectified_at <= Ticket.due_at)
    as_of = min(period.end, utcnow())  # a period may end in the future: nothing is late yet there
    late = Ticket.overdue_at(as_of)
    repeat = sa.and_(Ticket.repeat_of_id.is_not(None), _within(Ticket.dispatched_at, period))
    tickets = (
        _ticket_rows(
            key,
            _count(due),
            _count(sa.and_(due, Ticket.extension_count > 0)),
            _count(closed),
            _count(on_time),
            _count(late),
            _count(repeat),
        )
        .where(visible, sa.or_(due, late, repeat))
        .group_by(key)
    )
    found: dict[Any, dict[str, int]] = defaultdict(dict)
    for group, n_due, deferred, n_closed, n_on_time, overdue, repeats in db.session.execute(
        tickets
    ):
        found[group].update(
            due=n_due,
            deferred=deferred,
            closed=n_closed,
            closed_on_time=n_on_time,
            overdue_open=overdue,
            recurrences=repeats,
        )
    action = TicketEvent.action
    events = (
        _ticket_rows(
            key,
            _count(action.in_(("verify", "reject"))),
            _count(action == "reject"),
            _count(action == "recurrence"),
        )
        .join(TicketEvent, TicketEvent.ticket_id == Ticket.id)
        .where(
            visible,
            _within(TicketEvent.at, period),
            action.in_(("verify", "reject", "recurrence")),
        )
        .group_by(key)
    )
    for group, verifications, failed, recurrences in db.session.execute(events):
        fact = found[group]
        fact.update(verifications=verifications, failed_verifications=failed)
        fact["recurrences"] = fact.get("recurrences", 0) + recurrences
    return {group: TicketCounts(**fact) for group, fact in found.items()}


def _hours_by(key, period: Period, scope: Scope) -> dict[Any, list[float]]:
    """Working hours from dispatch to rectification of the tickets rectified in the period."""
    query = _ticket_rows(key, Ticket.dispatched_at, Ticket.rectified_at).where(
        Ticket.estate_id.in_(_visible_estates(scope)), _within(Ticket.rectified_at, period)
    )
    day = working_hours()
    hours: dict[Any, list[float]] = defaultdict(list)
    for group, dispatched, rectified in db.session.execute(query):
        hours[group].append(working_hours_between(dispatched, rectified, day))
    return hours


def _figures_by(key, period: Period, scope: Scope) -> dict[Any, tuple[TicketCounts, list[float]]]:
    counts = _counts_by(key, period, scope)
    hours = _hours_by(key, period, scope)
    return {g: (counts.get(g, TicketCounts()), hours.get(g, [])) for g in set(counts) | set(hours)}


def _score_units_sum(score: sa.ColumnElement[float | None]) -> sa.ColumnElement[int]:
    """SUM of formulas.score_units(score): whole thousandths, summed exactly as integers."""
    units = sa.cast(sa.func.round(score * SCORE_UNITS), sa.BigInteger)
    return sa.func.sum(units)


def latest_inspections(period: Period, scope: Scope, scored: bool = False) -> sa.Subquery:
    """Per visible estate, its latest inspection submitted before the period ends (only those
    with a total score when `scored`): estate_id, id, submitted_at, total_score."""
    conditions = [
        Inspection.estate_id.in_(_visible_estates(scope)),
        Inspection.status == InspectionStatus.submitted,
        Inspection.submitted_at < period.end,
    ]
    if scored:
        conditions.append(Inspection.total_score.is_not(None))
    newest_first = sa.func.row_number().over(
        partition_by=Inspection.estate_id,
        order_by=(Inspection.submitted_at.desc(), Inspection.id.desc()),
    )
    ranked = sa.select(
        Inspection.estate_id,
        Inspection.id,
        Inspection.submitted_at,
        Inspection.total_score,
        newest_first.label("newest"),
    ).where(*conditions)
    ranked_sq = ranked.subquery("ranked")
    return (
        sa.select(
            ranked_sq.c.estate_id,
            ranked_sq.c.id,
            ranked_sq.c.submitted_at,
            ranked_sq.c.total_score,
        )
        .where(ranked_sq.c.newest == 1)
        .subquery("latest")
    )


def latest_scores(period: Period, scope: Scope) -> dict[int, float]:
    """Estate → total score of its latest scored inspection submitted before the period ends."""
    latest = latest_inspections(period, scope, scored=True)
    return dict(db.session.execute(sa.select(latest.c.estate_id, latest.c.total_score)).all())


def _firm_inspection_scores(period: Period, scope: Scope) -> dict[int, float | None]:
    """Organisation → mean total score of inspections submitted in the period at the estates it
    manages at the period's end."""
    managed = places.managed_pairs(period.end.date())
    query = (
        sa.select(
            managed.c.organisation_id,
            _score_units_sum(Inspection.total_score),
            sa.func.count(Inspection.total_score),
        )
        .join(Inspection, Inspection.estate_id == managed.c.estate_id)
        .where(
            Inspection.estate_id.in_(_visible_estates(scope)),
            Inspection.status == InspectionStatus.submitted,
            _within(Inspection.submitted_at, period),
            Inspection.total_score.is_not(None),
        )
        .group_by(managed.c.organisation_id)
    )
    return {org: score_mean(units, n) for org, units, n in db.session.execute(query)}


def _flagged_rectifications(period: Period, scope: Scope) -> dict[int, tuple[int, int]]:
    """Organisation → (rectifications in the period, those with at least one evidence flag).

    A rectification belongs to the unit of the user who recorded it; it is flagged when one of
    its after-photos is."""
    flagged_photo = sa.and_(
        TicketPhoto.event_id == TicketEvent.id,
        TicketPhoto.kind == PhotoKind.after,
        TicketPhoto.flagged.is_(True),
    )
    query = (
        sa.select(
            User.organisation_id,
            sa.func.count(sa.distinct(TicketEvent.id)),
            sa.func.count(sa.distinct(TicketPhoto.event_id)),
        )
        .join(User, User.id == TicketEvent.actor_id)
        .join(Ticket, Ticket.id == TicketEvent.ticket_id)
        .outerjoin(TicketPhoto, flagged_photo)
        .where(
            Ticket.estate_id.in_(_visible_estates(scope)),
            TicketEvent.action == "rectify",
            _within(TicketEvent.at, period),
            User.organisation_id.is_not(None),
        )
        .group_by(User.organisation_id)
    )
    return {org: (done, flagged) for org, done, flagged in db.session.execute(query)}


def _revisits(period: Period, scope: Scope) -> dict[int, tuple[int, int, int]]:
    """Organisation → (回访 answers given in the period about its closures at visible estates,
    satisfied ones, sum of ratings)."""
    happy = sa.and_(RevisitAnswer.resolved.is_(True), RevisitAnswer.rating >= SATISFIED_MIN_RATING)
    query = (
        sa.select(
            RevisitAnswer.organisation_id,
            sa.func.count(RevisitAnswer.id),
            _count(happy),
            sa.func.coalesce(sa.func.sum(RevisitAnswer.rating), 0),
        )
        .where(
            RevisitAnswer.estate_id.in_(_visible_estates(scope)),
            _within(RevisitAnswer.answered_at, period),
        )
        .group_by(RevisitAnswer.organisation_id)
    )
    return {org: (n, good, total) for org, n, good, total in db.session.execute(query)}


def firm_scorecards(period: Period, scope: Scope) -> list[dict[str, Any]]:
    """Per responsible unit (firm, custodian, office, utility) with tickets in scope."""
    facts = _figures_by(Ticket.responsible_org_id, period, scope)
    revisits = _revisits(period, scope)
    urges = urges_by(TicketUrge.organisation_id, period, scope)
    for org_id in [*revisits, *urges]:  # judged by residents or urged, with no ticket figure
        facts.setdefault(org_id, (TicketCounts(), []))
    names = dict(
        db.session.execute(
            sa.select(Organisation.id, Organisation.name).where(Organisation.id.in_(facts))
        ).all()
    )
    scores = _firm_inspection_scores(period, scope)
    flagged = _flagged_rectifications(period, scope)
    least = current_app.config["REVISIT_MIN_ANSWERS"]
    rows = []
    for org_id, (counts, hours) in facts.items():
        done, with_flags = flagged.get(org_id, (0, 0))
        rows.append(
            {
                "organisation_id": org_id,
                "name": names.get(org_id, ""),
                **asdict(counted_figures(counts, hours, scores.get(org_id))),
                "rectifications": done,
                "flagged_rectifications": with_flags,
                "evidence_flag_rate": ratio(with_flags, done),
                **satisfaction(*revisits.get(org_id, (0, 0, 0)), least),
                **urges.get(org_id, NO_URGES),
            }
        )
    return sorted(rows, key=lambda r: (r["grade"], -(r["on_time_rate"] or 0), r["name"]))


def estate_scorecards(period: Period, scope: Scope) -> list[dict[str, Any]]:
    """Per estate: area scores and total of its latest inspection before the period ends."""
    latest = latest_inspections(period, scope)
    estates = db.session.execute(
        sa.select(
            Estate.id,
            Estate.code,
            Estate.name,
            Estate.street_id,
            latest.c.id,
            latest.c.submitted_at,
            latest.c.total_score,
        )
        .outerjoin(latest, latest.c.estate_id == Estate.id)
        .where(places.estate_visibility(scope))
        .order_by(Estate.code)
    ).all()
    areas: dict[str, dict[str, float | None]] = defaultdict(dict)
    area_rows = sa.select(AreaScore.inspection_id, AreaScore.area, AreaScore.score).where(
        AreaScore.inspection_id.in_(sa.select(latest.c.id))
    )
    for inspection_id, area, score in db.session.execute(area_rows):
        areas[inspection_id][area] = score
    rows = [
        {
            "estate_id": estate_id,
            "code": code,
            "name": name,
            "street_id": street_id,
            "inspection_id": inspection_id,
            "inspected_at": inspected_at,
            "area_scores": areas.get(inspection_id, {}) if inspection_id else {},
            "total": total,
            "grade": estate_grade(total),
        }
        for estate_id, code, name, street_id, inspection_id, inspected_at, total in estates
    ]
    return _ranked(rows, lambda r: (-(r["total"] if r["total"] is not None else -1), r["code"]))


def area_scorecards(level: str, period: Period, scope: Scope) -> list[dict[str, Any]]:
    """Per street or district: the same ticket figures over its estates, the mean estate score,
    and a ranking (考核)."""
    key = Street.id if level == "street" else Street.district_id
    model = Street if level == "street" else District
    facts = _figures_by(key, period, scope)
    urges = urges_by(key, period, scope)
    latest = latest_inspections(period, scope, scored=True)
    areas = (
        sa.select(
            key.label("area_id"),
            sa.func.count(Estate.id).label("estates"),
            _score_units_sum(latest.c.total_score).label("score_units"),
            sa.func.count(latest.c.total_score).label("scored"),
        )
        .select_from(Estate)
        .join(Street, Street.id == Estate.street_id)
        .outerjoin(latest, latest.c.estate_id == Estate.id)
        .where(places.estate_visibility(scope))
        .group_by(key)
        .subquery("areas")
    )
    query = sa.select(
        model.id, model.code, model.name, areas.c.estates, areas.c.score_units, areas.c.scored
    ).join(areas, areas.c.area_id == model.id)
    rows = []
    for area_id, code, name, estates, units, scored in db.session.execute(query):
        counts, hours = facts.get(area_id, (TicketCounts(), []))
        rows.append(
            {
                f"{level}_id": area_id,
                "code": code,
                "name": name,
                **asdict(counted_figures(counts, hours, None)),
                "mean_estate_score": score_mean(units, scored),
                "estates": estates,
                **urges.get(area_id, NO_URGES),
            }
        )
    return _ranked(
        rows, lambda r: (-(r["mean_estate_score"] or -1), -(r["on_time_rate"] or 0), r["name"])
    )


def _ranked(rows: list[dict[str, Any]], key) -> list[dict[str, Any]]:
    rows.sort(key=key)
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    return rows
