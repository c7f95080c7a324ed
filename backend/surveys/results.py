"""Owner evaluation per estate for a period: only totals, and only from `min_answers` answers on.
Every estate in the caller's scope has a row (0 answers: its poster may not be up yet).

For each question q, mean_q is the mean rating (1–5) of the answers that rated it. The score is
Σ weight_q × (mean_q − 1) / 4 (0–100; the weights of the active version, summing to 100). The
satisfaction rate is the share of answers rating `overall` 4 or 5. Below `min_answers` only the
count is given: a handful of answers would point at the households that gave them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from backend.database import db
from backend.numbers import one_decimal
from backend.places.models import Estate
from backend.places.scope import Scope
from backend.places.services import estate_visibility, get_estate
from backend.surveys.models import SurveyAnswer, SurveyVersion


def estate_results(
    version: SurveyVersion, period_start: date, scope: Scope, estate_id: int | None = None
) -> list[dict[str, Any]]:
    definition = version.definition
    questions = definition["questions"]
    answers = answer_ratings(version, period_start)
    query = (
        sa.select(Estate.id, Estate.code, Estate.name, *aggregates(answers, questions))
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
    return {
        "estate_id": row.id,
        "estate_code": row.code,
        "estate_name": row.name,
        **figures(row, questions, minimum),
    }


def figures(row: Any, questions: list[dict[str, Any]], minimum: int) -> dict[str, Any]:
    """answers, published, score, satisfaction, means of one aggregated row (`answers`,
    `satisfied`, `mean_<key>`), the figures withheld below `minimum`."""
    published = row.answers >= minimum
    means = {q["key"]: getattr(row, f"mean_{q['key']}") for q in questions}
    score = None
    if published and all(m is not None for m in means.values()):
        score = sum(q["weight"] * (float(means[q["key"]]) - 1) / 4 for q in questions)
    return {
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


def answer_ratings(version: SurveyVersion, period_start: date) -> Any:
    """The period's answers as rows (id, estate_id, q_<key> per question: the rating or null)."""
    chosen = sa.and_(
        SurveyAnswer.survey_id == version.survey_id, SurveyAnswer.period_start == period_start
    )
    keys = [q["key"] for q in version.definition["questions"]]
    if db.engine.dialect.name != "postgresql":
        return (
            sa.select(
                SurveyAnswer.id,
                SurveyAnswer.estate_id,
                *(SurveyAnswer.ratings[key].as_integer().label(f"q_{key}") for key in keys),
            )
            .where(chosen)
            .subquery("answers")
        )
    # json is text: every ->> would parse the whole answer again. Turned into jsonb once per
    # answer, in a materialised step the planner cannot fold back into each ->>.
    parsed = (
        sa.select(
            SurveyAnswer.id, SurveyAnswer.estate_id, sa.cast(SurveyAnswer.ratings, JSONB).label("r")
        )
        .where(chosen)
        .cte("parsed")
        .prefix_with("MATERIALIZED")
    )
    return sa.select(
        parsed.c.id,
        parsed.c.estate_id,
        *(parsed.c.r[key].as_integer().label(f"q_{key}") for key in keys),
    ).subquery("answers")


def aggregates(answers: Any, questions: list[dict[str, Any]]) -> tuple[Any, ...]:
    """The aggregate columns `figures` reads, over `answer_ratings` rows."""
    rating = {q["key"]: answers.c[f"q_{q['key']}"] for q in questions}
    return (
        sa.func.count(answers.c.id).label("answers"),
        sa.func.sum(sa.case((rating["overall"] >= 4, 1), else_=0)).label("satisfied"),
        *(sa.func.avg(column).label(f"mean_{key}") for key, column in rating.items()),
    )


def estate_comments(
    version: SurveyVersion, period_start: date, scope: Scope, estate_id: int
) -> dict[str, Any]:
    """An estate's comments for the period: text only, sorted by text (not by time, which could
    tie a comment to a moment someone was seen answering), none below `min_answers`."""
    get_estate(estate_id, scope)  # 404 outside the caller's scope
    where = (
        SurveyAnswer.estate_id == estate_id,
        SurveyAnswer.survey_id == version.survey_id,
        SurveyAnswer.period_start == period_start,
    )
    answers = db.session.scalar(sa.select(sa.func.count()).where(*where))
    minimum = version.definition["min_answers"]
    published = answers >= minimum
    comments: list[str] = []
    if published and version.definition.get("comment"):
        comments = sorted(
            db.session.scalars(
                sa.select(SurveyAnswer.comment).where(*where, SurveyAnswer.comment != "")
            )
        )
    return {
        "estate_id": estate_id,
        "min_answers": minimum,
        "answers": answers,
        "published": published,
        "comments": comments,
    }
