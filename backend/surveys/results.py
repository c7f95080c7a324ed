"""Owner evaluation per estate for a period: only totals, and only from `min_answers` answers on.
Every estate in the caller's scope has a row (0 answers: its poster may not be up yet).

For each question q, mean_q is the mean rating (1–5) of the answers that rated it. The score is
Σ weight_q × (mean_q − 1) / 4 (0–100; the weights of the active version, summing to 100). The
satisfaction rate is the share of answers rating `overall` 4 or 5. Below `min_answers` only the
count is given: a handful of answers would point at the households that gave them.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from backend.database import db
from backend.places.models import Estate
from backend.places.scope import Scope
from backend.places.services import estate_visibility
from backend.surveys.models import SurveyAnswer, SurveyVersion


def one_decimal(value: float | None) -> float | None:
    if value is None:
        return None
    return float(Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def estate_results(
    version: SurveyVersion, period_start: date, scope: Scope, estate_id: int | None = None
) -> list[dict[str, Any]]:
    definition = version.definition
    questions = definition["questions"]
    chosen = sa.and_(
        SurveyAnswer.survey_id == version.survey_id, SurveyAnswer.period_start == period_start
    )
    ratings: Any = SurveyAnswer.ratings
    source: Any = SurveyAnswer
    if db.engine.dialect.name == "postgresql":
        # json is text: every ->> parses the whole answer again. Turned into jsonb once per
        # answer, in a materialised step the planner cannot fold back into each ->>.
        source = (
            sa.select(SurveyAnswer.id, SurveyAnswer.estate_id, sa.cast(ratings, JSONB).label("r"))
            .where(chosen)
            .cte("parsed")
            .prefix_with("MATERIALIZED")
        )
        ratings, chosen = source.c.r, sa.true()
    answers = (
        sa.select(
            source.id if source is SurveyAnswer else source.c.id,
            source.estate_id if source is SurveyAnswer else source.c.estate_id,
            *(ratings[q["key"]].as_integer().label(f"q_{q['key']}") for q in questions),
        )
        .where(chosen)
        .subquery("answers")
    )
    rating = {q["key"]: answers.c[f"q_{q['key']}"] for q in questions}
    overall = rating["overall"]
    query = (
        sa.select(
            Estate.id,
            Estate.code,
            Estate.name,
            sa.func.count(answers.c.id).label("answers"),
            sa.func.sum(sa.case((overall >= 4, 1), else_=0)).label("satisfied"),
            *(sa.func.avg(column).label(f"mean_{key}") for key, column in rating.items()),
        )
        .outerjoin(answers, answers.c.estate_id == Estate.id)
        .where(estate_visibility(scope))
        .group_by(Estate.id, Estate.code, Estate.name)
        .order_by(Estate.code)
    )
    if estate_id is not None:
        query = query.where(Estate.id == estate_id)
    minimum = definition["min_answers"]
    return [_row(row, questions, minimum) for row in db.session.execute(query)]


def _row(row: Any, questions: list[dict[str, Any]], minimum: int) -> dict[str, Any]:
    published = row.answers >= minimum
    means = {q["key"]: getattr(row, f"mean_{q['key']}") for q in questions}
    score = None
    if published and all(m is not None for m in means.values()):
        score = sum(q["weight"] * (float(means[q["key"]]) - 1) / 4 for q in questions)
    return {
        "estate_id": row.id,
        "estate_code": row.code,
        "estate_name": row.name,
        "answers": row.answers,
        "published": published,
        "score": one_decimal(score),
        "satisfaction": (row.satisfied or 0) / row.answers if published else None,
        "means": (
            {key: one_decimal(float(m)) if m is not None else None for key, m in means.items()}
            if published
            else None
        ),
    }
