"""The scorecards as computed before they moved to grouped SQL (commit f53b4b6), kept verbatim as
the reference the SQL version must equal (tests/reports/test_scorecards_sql.py) and as the
"before" of bench/scorecards.py. Not used by the application.

One deliberate change: the mean estate score uses formulas.mean_score (exact, rounded once) as
the SQL version does, where a plain float sum made 97.19999999999999 of three 97.2s, ranked that
street below another at 97.2, and depended on the row order (formulas.mean and unit_figures,
used here, are exact too now).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Any

import chinese_calendar
import sqlalchemy as sa
from flask import current_app

from backend.accounts.models import User
from backend.checklists.calendar import (
    _FIXED_STATUTORY_HOLIDAYS,
    SUPPORTED_YEARS,
    WorkingHours,
)
from backend.checklists.services import working_hours
from backend.clock import SHANGHAI, utcnow
from backend.database import db
from backend.inspections.models import AreaScore, Inspection, InspectionStatus
from backend.notifications.models import TicketUrge
from backend.places import services as places
from backend.places.models import District, Estate, Organisation, Street
from backend.places.scope import Scope
from backend.revisits.formulas import satisfied
from backend.revisits.models import RevisitAnswer
from backend.scorecards.formulas import TicketFacts, estate_grade, mean_score, ratio, unit_figures
from backend.tickets.models import UNIT_STATES, PhotoKind, Ticket, TicketEvent, TicketPhoto


def is_working_day(day: date) -> bool:
    """backend.checklists.calendar's version of the time (chinese_calendar.is_workday per day)."""
    if day.year > SUPPORTED_YEARS[1]:
        return day.weekday() < 5 and (day.month, day.day) not in _FIXED_STATUTORY_HOLIDAYS
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError as error:
        raise ValueError(f"No official holiday calendar for {day.year}") from error


def working_hours_between(a: datetime, b: datetime, hours: WorkingHours) -> float:
    """backend.checklists.calendar's day-by-day version of the time (running totals now)."""
    start, stop = a.astimezone(SHANGHAI), b.astimezone(SHANGHAI)
    if stop < start:
        return -working_hours_between(b, a, hours)
    total = timedelta()
    day = start.date()
    while day <= stop.date():
        if is_working_day(day):
            open_at, close_at = hours.opening(day)
            low, high = max(start, open_at), min(stop, close_at)
            if high > low:
                total += high - low
        day += timedelta(days=1)
    return total / timedelta(hours=1)


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime


def _visible_estates(scope: Scope) -> sa.Select:
    return sa.select(Estate.id).where(places.estate_visibility(scope))


def _figures_by(key, period: Period, scope: Scope) -> dict[Any, dict[str, Any]]:
    """Unit figures grouped by `key`, a column over Ticket joined with Estate and Street."""
    visible = Ticket.estate_id.in_(_visible_estates(scope))
    joined = (
        sa.select(key.label("key"), Ticket)
        .join(Estate, Estate.id == Ticket.estate_id)
        .join(Street, Street.id == Estate.street_id)
    )
    due: dict[Any, list[TicketFacts]] = defaultdict(list)
    query = joined.where(visible, Ticket.due_at >= period.start, Ticket.due_at < period.end)
    for group, ticket in db.session.execute(query):
        due[group].append(
            TicketFacts(
                ticket.due_at, ticket.extension_count > 0, ticket.closed_at, ticket.rectified_at
            )
        )
    hours: dict[Any, list[float]] = defaultdict(list)
    rectified = joined.where(
        visible, Ticket.rectified_at >= period.start, Ticket.rectified_at < period.end
    )
    day = working_hours()
    for group, ticket in db.session.execute(rectified):
        hours[group].append(working_hours_between(ticket.dispatched_at, ticket.rectified_at, day))
    overdue: dict[Any, int] = defaultdict(int)
    as_of = min(period.end, utcnow())  # a period may end in the future: nothing is late yet there
    late = joined.where(visible, Ticket.state.in_(UNIT_STATES), Ticket.due_at < as_of)
    for group, _ticket in db.session.execute(late):
        overdue[group] += 1
    verifications: dict[Any, list[str]] = defaultdict(list)
    recurrences: dict[Any, int] = defaultdict(int)
    events = (
        sa.select(key.label("key"), TicketEvent.action)
        .join(Ticket, Ticket.id == TicketEvent.ticket_id)
        .join(Estate, Estate.id == Ticket.estate_id)
        .join(Street, Street.id == Estate.street_id)
        .where(
            visible,
            TicketEvent.at >= period.start,
            TicketEvent.at < period.end,
            TicketEvent.action.in_(("verify", "reject", "recurrence")),
        )
    )
    for group, action in db.session.execute(events):
        if action == "recurrence":
            recurrences[group] += 1
        else:
            verifications[group].append(action)
    repeats = joined.where(
        visible,
        Ticket.repeat_of_id.is_not(None),
        Ticket.dispatched_at >= period.start,
        Ticket.dispatched_at < period.end,
    )
    for group, _ticket in db.session.execute(repeats):
        recurrences[group] += 1
    groups = set(due) | set(hours) | set(overdue) | set(verifications) | set(recurrences)
    return {
        group: {
            "tickets_due": due.get(group, []),
            "hours": hours.get(group, []),
            "overdue": overdue.get(group, 0),
            "verifications": len(verifications.get(group, [])),
            "failed": verifications.get(group, []).count("reject"),
            "recurrences": recurrences.get(group, 0),
        }
        for group in groups
    }


def latest_scores(period: Period, scope: Scope) -> dict[int, float]:
    """Estate → total score of its latest inspection submitted before the period ends."""
    latest = (
        sa.select(Inspection.estate_id, Inspection.total_score, Inspection.submitted_at)
        .where(
            Inspection.estate_id.in_(_visible_estates(scope)),
            Inspection.status == InspectionStatus.submitted,
            Inspection.submitted_at < period.end,
        )
        .order_by(Inspection.estate_id, Inspection.submitted_at)
    )
    scores: dict[int, float] = {}
    for estate_id, total, _ in db.session.execute(latest):
        if total is not None:
            scores[estate_id] = total  # later rows overwrite earlier ones
    return scores


def _inspection_scores(period: Period, scope: Scope, estate_ids: set[int]) -> list[float]:
    query = sa.select(Inspection.total_score).where(
        Inspection.estate_id.in_(estate_ids),
        Inspection.estate_id.in_(_visible_estates(scope)),
        Inspection.status == InspectionStatus.submitted,
        Inspection.submitted_at >= period.start,
        Inspection.submitted_at < period.end,
        Inspection.total_score.is_not(None),
    )
    return list(db.session.scalars(query))


def _unit(facts: dict[str, Any], period: Period, scores: list[float]) -> dict[str, Any]:
    figures = unit_figures(
        facts["tickets_due"],
        facts["hours"],
        facts["overdue"],
        facts["verifications"],
        facts["failed"],
        facts["recurrences"],
        scores,
        period.end,
    )
    return asdict(figures)


def firm_scorecards(period: Period, scope: Scope) -> list[dict[str, Any]]:
    """Per responsible unit (firm, custodian, office, utility) with tickets in scope."""
    facts = _figures_by(Ticket.responsible_org_id, period, scope)
    answers = _revisit_answers(period, scope)
    urged = _urges(period, scope, lambda urge, estate: urge.organisation_id)
    for org_id in [*answers, *urged]:  # (added with 回访 and 催办: judged by residents, urged)
        facts.setdefault(org_id, _figures_of_nothing())
    names = dict(
        db.session.execute(
            sa.select(Organisation.id, Organisation.name).where(Organisation.id.in_(facts))
        ).all()
    )
    flagged = _flagged_rectifications(period, scope)
    rows = []
    for org_id, fact in facts.items():
        managed = set(db.session.scalars(places.managed_estate_ids([org_id], period.end.date())))
        scores = _inspection_scores(period, scope, managed)
        done, with_flags = flagged.get(org_id, (0, 0))
        rows.append(
            {
                "organisation_id": org_id,
                "name": names.get(org_id, ""),
                **_unit(fact, period, scores),
                "rectifications": done,
                "flagged_rectifications": with_flags,
                "evidence_flag_rate": ratio(with_flags, done),
                **_satisfaction(answers.get(org_id, [])),
                **_urge_figures(urged.get(org_id, []), period),
            }
        )
    return sorted(rows, key=lambda r: (r["grade"], -(r["on_time_rate"] or 0), r["name"]))


def _flagged_rectifications(period: Period, scope: Scope) -> dict[int, tuple[int, int]]:
    """Organisation → (rectifications in the period, those with at least one evidence flag).

    A rectification belongs to the unit of the user who recorded it; it is flagged when one of
    its after-photos is. One grouped query."""
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
            TicketEvent.at >= period.start,
            TicketEvent.at < period.end,
            User.organisation_id.is_not(None),
        )
        .group_by(User.organisation_id)
    )
    return {org: (done, flagged) for org, done, flagged in db.session.execute(query)}


def estate_scorecards(period: Period, scope: Scope) -> list[dict[str, Any]]:
    """Per estate: area scores and total of its latest inspection before the period ends."""
    latest: dict[int, Inspection] = {}
    query = (
        sa.select(Inspection)
        .where(
            Inspection.estate_id.in_(_visible_estates(scope)),
            Inspection.status == InspectionStatus.submitted,
            Inspection.submitted_at < period.end,
        )
        .order_by(Inspection.submitted_at)
    )
    for inspection in db.session.scalars(query):
        latest[inspection.estate_id] = inspection
    area_rows = db.session.execute(
        sa.select(AreaScore.inspection_id, AreaScore.area, AreaScore.score).where(
            AreaScore.inspection_id.in_([i.id for i in latest.values()])
        )
    )
    areas: dict[str, dict[str, float | None]] = defaultdict(dict)
    for inspection_id, area, score in area_rows:
        areas[inspection_id][area] = score
    estates = db.session.scalars(
        sa.select(Estate).where(places.estate_visibility(scope)).order_by(Estate.code)
    )
    rows = []
    for estate in estates:
        inspection = latest.get(estate.id)
        total = inspection.total_score if inspection else None
        rows.append(
            {
                "estate_id": estate.id,
                "code": estate.code,
                "name": estate.name,
                "street_id": estate.street_id,
                "inspection_id": inspection.id if inspection else None,
                "inspected_at": inspection.submitted_at if inspection else None,
                "area_scores": areas.get(inspection.id, {}) if inspection else {},
                "total": total,
                "grade": estate_grade(total),
            }
        )
    return _ranked(rows, lambda r: (-(r["total"] if r["total"] is not None else -1), r["code"]))


def area_scorecards(level: str, period: Period, scope: Scope) -> list[dict[str, Any]]:
    """Per street or district: the same ticket figures over its estates, the mean estate score,
    and a ranking (考核)."""
    key = Street.id if level == "street" else Street.district_id
    model = Street if level == "street" else District
    facts = _figures_by(key, period, scope)
    scores = latest_scores(period, scope)
    streets = {s.id: s for s in db.session.scalars(sa.select(Street))}
    urged = _urges(
        period,
        scope,
        lambda urge, estate: (
            estate.street_id if level == "street" else streets[estate.street_id].district_id
        ),
    )
    estate_area = dict(
        db.session.execute(
            sa.select(Estate.id, key)
            .join(Street, Street.id == Estate.street_id)
            .where(places.estate_visibility(scope))
        ).all()
    )
    by_area: dict[int, list[float]] = defaultdict(list)
    for estate_id, area_id in estate_area.items():
        if estate_id in scores:
            by_area[area_id].append(scores[estate_id])
    empty = {
        "tickets_due": [],
        "hours": [],
        "overdue": 0,
        "verifications": 0,
        "failed": 0,
        "recurrences": 0,
    }
    rows = []
    for area in db.session.scalars(sa.select(model).where(model.id.in_(set(estate_area.values())))):
        figures = _unit(facts.get(area.id, empty), period, [])
        rows.append(
            {
                f"{level}_id": area.id,
                "code": area.code,
                "name": area.name,
                **figures,
                "mean_estate_score": mean_score(by_area.get(area.id, [])),
                "estates": sum(1 for a in estate_area.values() if a == area.id),
                **_urge_figures(urged.get(area.id, []), period),
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


# --- added with 回访 (not part of the verbatim "before"): 满意率 answer by answer -------------


def _figures_of_nothing() -> dict[str, Any]:
    return {"tickets_due": [], "hours": [], "overdue": 0, "verifications": 0, "failed": 0,
            "recurrences": 0}  # fmt: skip


def _revisit_answers(period: Period, scope: Scope) -> dict[int, list[RevisitAnswer]]:
    """Organisation → its 回访 answers given in the period at visible estates, one row each."""
    found: dict[int, list[RevisitAnswer]] = defaultdict(list)
    rows = db.session.scalars(
        sa.select(RevisitAnswer).where(
            RevisitAnswer.estate_id.in_(_visible_estates(scope)),
            RevisitAnswer.answered_at >= period.start,
            RevisitAnswer.answered_at < period.end,
        )
    )
    for answer in rows:
        found[answer.organisation_id].append(answer)
    return found


def _satisfaction(answers: list[RevisitAnswer]) -> dict[str, Any]:
    n = len(answers)
    shown = n > 0 and n >= current_app.config["REVISIT_MIN_ANSWERS"]
    happy = sum(1 for a in answers if satisfied(a.resolved, a.rating))
    return {
        "revisit_answers": n,
        "satisfaction_rate": happy / n if shown else None,
        "mean_rating": sum(a.rating for a in answers) / n if shown else None,
    }


# --- added with 催办 in the scorecards: urge by urge ------------------------------------------


def _urges(period: Period, scope: Scope, group) -> dict[int, list[TicketUrge]]:
    """group(urge, estate) → the urges made in the period on tickets at visible estates."""
    found: dict[int, list[TicketUrge]] = defaultdict(list)
    visible = set(db.session.scalars(_visible_estates(scope)))
    for urge in db.session.scalars(sa.select(TicketUrge)):
        ticket = db.session.get(Ticket, urge.ticket_id)
        if ticket.estate_id in visible and period.start <= urge.urged_at < period.end:
            found[group(urge, db.session.get(Estate, ticket.estate_id))].append(urge)
    return found


def _urge_figures(urges: list[TicketUrge], period: Period) -> dict[str, Any]:
    hours = [
        (u.acknowledged_at - u.urged_at).total_seconds() / 3600
        for u in urges
        if u.acknowledged_at is not None and u.acknowledged_at < period.end
    ]
    return {
        "urges": len(urges),
        "urges_acknowledged": len(hours),
        "mean_hours_to_acknowledge": math.fsum(hours) / len(hours) if hours else None,
    }
