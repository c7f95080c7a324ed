"""The 考评 per estate and per firm for a quarter (formulas in formulas.py).

Every part is computed from its source rows by the module that owns it, over the caller's reach:
the owner survey's results (backend/surveys/results.py), the latest inspection scores and the
ticket counts of the scorecards (backend/scorecards), and the assessments. A handful of grouped
queries for any number of estates, then the pure formula.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import current_app

from backend.accounts.models import Role, User
from backend.accounts.services import UNIT_KINDS
from backend.clock import today
from backend.database import db
from backend.kaoping import formulas
from backend.kaoping.models import Assessment
from backend.kaoping.services import assessable, quarter_of
from backend.places.models import Community, Estate, Organisation
from backend.places.scope import Scope
from backend.places.services import estate_visibility, managed_pairs
from backend.reports import periods
from backend.scorecards.formulas import ratio
from backend.scorecards.services import _counts_by, latest_scores
from backend.surveys import results as survey_results
from backend.surveys import services as surveys
from backend.tickets.models import Ticket


def weights() -> dict[str, float]:
    return formulas.parse_weights(current_app.config["KAOPING_WEIGHTS"])


def formula() -> dict[str, Any]:
    w = weights()
    return {"id": formulas.formula_id(w), "weights": w}


def reach(user: User | None, scope: Scope) -> tuple[Scope, sa.ColumnElement[bool]]:
    """The scope the parts are computed over, and the WHERE over Estate of what `user` sees
    (None: all of `scope`). Committee members and community staff see the estates they assess
    (their street's scope is only the reach of the queries, narrowed to those estates)."""
    if user is None:
        return scope, estate_visibility(scope)
    if user.role is Role.committee:
        street = db.session.scalar(sa.select(Estate.street_id).where(Estate.id == user.estate_id))
        return Scope(street_ids=frozenset({street} if street else ())), assessable(user)
    if user.role is Role.community:
        street = db.session.get(Community, user.community_id)
        ids = frozenset({street.street_id} if street else ())
        return Scope(street_ids=ids), assessable(user)
    return scope, estate_visibility(scope)


def _owner_scores(first: date, scope: Scope) -> dict[int, dict[str, Any]]:
    version = surveys.active_version()
    if version is None or version.definition["period"] != "quarter":
        return {}
    rows = survey_results.estate_results(version, first, scope)
    return {row["estate_id"]: row for row in rows}


def _ticket_scores(period: periods.Period, scope: Scope) -> dict[int, float | None]:
    counts = _counts_by(Ticket.estate_id, period, scope)
    return {
        estate_id: (
            None
            if (rate := ratio(c.closed_on_time, c.due - c.deferred)) is None
            else formulas.one_decimal(100 * rate)
        )
        for estate_id, c in counts.items()
    }


def _assessment_scores(first: date, visible: sa.ColumnElement[bool]) -> dict[int, dict[str, float]]:
    """Estate → kind → points given. Plain rows, not ORM objects: a city has thousands."""
    found: dict[int, dict[str, float]] = defaultdict(dict)
    rows = db.session.execute(
        sa.select(Assessment.estate_id, Assessment.kind, Assessment.ratings).where(
            Assessment.period_start == first,
            Assessment.estate_id.in_(sa.select(Estate.id).where(visible)),
        )
    )
    for estate_id, kind, ratings in rows:
        found[estate_id][kind.value] = float(sum(ratings.values()))
    return found


def estate_rows(user: User | None, scope: Scope, day: date) -> list[dict[str, Any]]:
    """Per visible estate: its parts, composite and grade."""
    first, last = quarter_of(day)
    period = periods.days(first, last)
    wide, visible = reach(user, scope)
    estates = db.session.execute(
        sa.select(Estate.id, Estate.code, Estate.name, Estate.street_id)
        .where(visible)
        .order_by(Estate.code)
    ).all()
    owners = _owner_scores(first, wide)
    inspections = latest_scores(period, wide)
    tickets = _ticket_scores(period, wide)
    assessed = _assessment_scores(first, visible)
    w = weights()
    rows = []
    for estate in estates:
        owner = owners.get(estate.id, {})
        kinds = assessed.get(estate.id, {})
        parts = {
            "owner": owner.get("score"),
            **{kind: kinds.get(kind) for kind in ("committee", "community", "street")},
            "inspection": inspections.get(estate.id),
            "tickets": tickets.get(estate.id),
        }  # fmt: skip
        result = formulas.composite(parts, w)
        rows.append(
            {
                "estate_id": estate.id,
                "code": estate.code,
                "name": estate.name,
                "street_id": estate.street_id,
                "owner_answers": owner.get("answers", 0),
                "parts": parts,
                "missing": list(result.missing),
                "composite": result.score,
                "grade": result.grade,
            }
        )
    return rows


def firm_rows(user: User, estates: list[dict[str, Any]], day: date) -> list[dict[str, Any]]:
    """Per unit managing visible estates (a firm user: their own unit only)."""
    _, last = quarter_of(day)
    on = min(last, today())
    managed = managed_pairs(on)
    by_estate = {row["estate_id"]: row for row in estates}
    pairs = db.session.execute(
        sa.select(Organisation.id, Organisation.name, managed.c.estate_id)
        .join(managed, managed.c.organisation_id == Organisation.id)
        .where(Organisation.kind.in_(UNIT_KINDS), managed.c.estate_id.in_(list(by_estate)))
    ).all()
    units: dict[int, dict[str, Any]] = {}
    for org_id, name, estate_id in pairs:
        if user is not None and user.role is Role.firm and org_id != user.organisation_id:
            continue
        unit = units.setdefault(org_id, {"organisation_id": org_id, "name": name, "estates": []})
        unit["estates"].append(by_estate[estate_id])
    rows = []
    for unit in units.values():
        grades = formulas.credit([e["composite"] for e in unit["estates"]])
        counted = defaultdict(int)
        for estate in unit["estates"]:
            counted[estate["grade"] or "—"] += 1
        rows.append(
            {
                "organisation_id": unit["organisation_id"],
                "name": unit["name"],
                "estates": len(unit["estates"]),
                **grades,
                "grades": {g: counted.get(g, 0) for g in ("优", "良", "中", "差")},
            }
        )
    order = {"A": 0, "B": 1, "C": 2, "D": 3, None: 4}
    return sorted(rows, key=lambda r: (order[r["credit_grade"]], -(r["mean"] or 0), r["name"]))


def kaoping(user: User | None, scope: Scope, day: date | None = None) -> dict[str, Any]:
    day = day or today()
    first, last = quarter_of(day)
    estates = estate_rows(user, scope, day)
    return {
        "period": {"first": first, "last": last},
        "formula": formula(),
        "estates": estates,
        "firms": firm_rows(user, estates, day),
    }


def estate_detail(
    user: User, scope: Scope, estate_id: int, day: date | None = None
) -> dict[str, Any] | None:
    """One visible estate's 考评 (None when it is not visible), computed over its street."""
    day = day or today()
    _, visible = reach(user, scope)
    street = db.session.scalar(sa.select(Estate.street_id).where(Estate.id == estate_id, visible))
    if street is None:
        return None
    narrow = Scope(street_ids=frozenset({street}))
    rows = estate_rows(None, narrow, day)
    estate = next(row for row in rows if row["estate_id"] == estate_id)
    first, last = quarter_of(day)
    given = list(
        db.session.scalars(
            sa.select(Assessment)
            .where(Assessment.estate_id == estate_id, Assessment.period_start == first)
            .order_by(Assessment.kind)
        )
    )
    return {
        "period": {"first": first, "last": last},
        "formula": formula(),
        "estate": estate,
        "assessments": given,
        "forms": {a.kind.value: a.version.definition for a in given},
    }
