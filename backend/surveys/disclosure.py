"""The owner survey in a 公示 (section `owner_survey`): aggregates only, frozen at publishing.

Read for the survey period (quarter or month) holding the publication's last day. Per estate
of the jurisdiction: the number of answers and, from the survey's `min_answers` on, the score
and satisfaction rate; per property firm (the firm under contract on the survey period's last
day): the same over all its estates' answers in the jurisdiction, again only from
`min_answers` answers on. Never a household, a device, a comment or a single answer.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from marshmallow import fields

from backend.database import db
from backend.places.models import Estate, Organisation, ServiceContract
from backend.places.scope import Scope
from backend.places.services import estate_visibility
from backend.reports import periods
from backend.schema import Schema
from backend.surveys import results, services

_PUBLIC = ("answers", "published", "score", "satisfaction")


def owner_survey_section(period: periods.Period, level: str, scope: Scope) -> dict[str, Any]:
    version = services.active_version()
    if version is None:
        return {"available": False, "estates": [], "firms": []}
    definition = version.definition
    first, last = services.period_of(period.last_day, definition["period"])
    minimum = definition["min_answers"]
    estates = [
        {"code": row["estate_code"], "name": row["estate_name"]}
        | {key: row[key] for key in _PUBLIC}
        for row in results.estate_results(version, first, scope)
    ]
    return {
        "available": True,
        "title": definition["title"]["zh"],
        "period_start": first.isoformat(),
        "period_end": last.isoformat(),
        "min_answers": minimum,
        "estates": estates,
        "firms": _firms(version, first, last, scope, minimum),
    }


def _firms(version: Any, first: Any, last: Any, scope: Scope, minimum: int) -> list[dict]:
    questions = version.definition["questions"]
    answers = results.answer_ratings(version, first)
    in_force = sa.and_(
        ServiceContract.estate_id == answers.c.estate_id,
        ServiceContract.start_date <= last,
        sa.or_(ServiceContract.end_date.is_(None), ServiceContract.end_date >= last),
    )
    query = (
        sa.select(Organisation.name, *results.aggregates(answers, questions))
        .select_from(answers)
        .join(Estate, Estate.id == answers.c.estate_id)
        .join(ServiceContract, in_force)
        .join(Organisation, Organisation.id == ServiceContract.firm_id)
        .where(estate_visibility(scope))
        .group_by(Organisation.id, Organisation.name)
        .order_by(Organisation.name)
    )
    rows = []
    for row in db.session.execute(query):
        figures = results.figures(row, questions, minimum)
        rows.append({"name": row.name} | {key: figures[key] for key in _PUBLIC})
    return rows


class PublishedSurveyFirmSchema(Schema):
    name = fields.String()
    answers = fields.Integer()
    published = fields.Boolean(metadata={"description": "answers ≥ min_answers"})
    score = fields.Float(allow_none=True, metadata={"description": "0–100; null below"})
    satisfaction = fields.Float(allow_none=True, metadata={"description": "null below"})


class PublishedSurveyEstateSchema(PublishedSurveyFirmSchema):
    code = fields.String()


class PublishedOwnerSurveySchema(Schema):
    available = fields.Boolean(metadata={"description": "false: no survey imported"})
    title = fields.String()
    period_start = fields.String()
    period_end = fields.String()
    min_answers = fields.Integer()
    estates = fields.List(fields.Nested(PublishedSurveyEstateSchema))
    firms = fields.List(fields.Nested(PublishedSurveyFirmSchema))
