"""考评 assessment rules: importing forms, who assesses which estates, and one assessment per
estate, quarter and assessor kind (a later one by the same kind replaces it).

Who assesses: a committee member (业主委员会) their own estate; community staff (社区居委会) the
estates of their community; a street supervisor (街道办事处) the estates of their street. Nobody
else. A quarter takes assessments from its first day until KAOPING_GRACE_DAYS after its last.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from backend.accounts.models import Role, User
from backend.checklists.models import VersionStatus
from backend.clock import today, utcnow
from backend.database import db
from backend.errors import Forbidden, NotFound, ValidationFailed
from backend.kaoping.definition import content_hash, max_points
from backend.kaoping.models import Assessment, AssessmentForm, AssessmentFormVersion, AssessorKind
from backend.places.models import Estate
from backend.surveys.services import period_of
from backend.text import problem

COMMENT_MAX = 300
NOT_ASSESSOR = "您的账号不参与考评打分 (your account does not assess estates)"


def import_definition(
    definition: dict[str, Any], source: str | None = None
) -> AssessmentFormVersion:
    """Same content as a stored version → that version. New content → a new version that
    becomes the active one (the previous one retires; assessments keep naming theirs)."""
    kind = AssessorKind(definition["kind"])
    form = db.session.scalar(sa.select(AssessmentForm).where(AssessmentForm.kind == kind))
    if form is None:
        form = AssessmentForm(kind=kind, title_zh=definition["title"]["zh"])
        db.session.add(form)
        db.session.flush()
    digest = content_hash(definition)
    version = db.session.scalar(
        sa.select(AssessmentFormVersion).where(
            AssessmentFormVersion.form_id == form.id, AssessmentFormVersion.content_hash == digest
        )
    )
    if version is not None and version.status is VersionStatus.active:
        return version
    current = active_version(kind)
    if current is not None:
        current.status = VersionStatus.retired
        db.session.flush()  # free the one-active slot before taking it
    if version is None:
        number = db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.max(AssessmentFormVersion.number), 0)).where(
                AssessmentFormVersion.form_id == form.id
            )
        )
        version = AssessmentFormVersion(
            form_id=form.id, number=number + 1, content_hash=digest, definition=definition,
            source=source,
        )  # fmt: skip
        db.session.add(version)
    version.status = VersionStatus.active
    form.title_zh = definition["title"]["zh"]
    db.session.flush()
    return version


def active_version(kind: AssessorKind) -> AssessmentFormVersion | None:
    return db.session.scalar(
        sa.select(AssessmentFormVersion)
        .join(AssessmentForm)
        .where(AssessmentForm.kind == kind, AssessmentFormVersion.status == VersionStatus.active)
    )


def require_active(kind: AssessorKind) -> AssessmentFormVersion:
    version = active_version(kind)
    if version is None:
        raise NotFound("尚未导入考评表 (no assessment form imported: flask assessments import)")
    return version


# --- who assesses what ---------------------------------------------------------------------


def assessor_kind(user: User) -> AssessorKind | None:
    if user.role is Role.committee:
        return AssessorKind.committee
    if user.role is Role.community:
        return AssessorKind.community
    if user.role is Role.supervisor and user.street_id is not None:
        return AssessorKind.street
    return None


def assessable(user: User) -> sa.ColumnElement[bool]:
    """A WHERE clause over Estate: the estates `user` assesses (none for other roles)."""
    if user.role is Role.committee:
        return Estate.id == user.estate_id
    if user.role is Role.community:
        return Estate.community_id == user.community_id
    if user.role is Role.supervisor and user.street_id is not None:
        return Estate.street_id == user.street_id
    return sa.false()


def require_assessor(user: User) -> AssessorKind:
    kind = assessor_kind(user)
    if kind is None:
        raise Forbidden(NOT_ASSESSOR)
    return kind


def quarter_of(day: date) -> tuple[date, date]:
    return period_of(day, "quarter")


def check_open(day: date, on: date | None = None) -> date:
    """The quarter holding `day`, if it takes assessments on `on` (default today); its first day."""
    first, last = quarter_of(day)
    on = on or today()
    grace = int(current_app.config["KAOPING_GRACE_DAYS"])
    if first > on:
        raise ValidationFailed(
            "考评期尚未开始 (this quarter has not started)", {"period": ["not started"]}
        )
    if on > last + timedelta(days=grace):
        raise ValidationFailed(
            f"考评期已结束 (this quarter closed {grace} days after its last day)",
            {"period": ["closed"]},
        )
    return first


# --- submitting ----------------------------------------------------------------------------


def assessable_estate(user: User, estate_id: int) -> Estate:
    estate = db.session.scalar(sa.select(Estate).where(Estate.id == estate_id, assessable(user)))
    if estate is None:
        raise NotFound("小区不存在或不在您的考评范围内 (estate not found)")
    return estate


def _checked_ratings(definition: dict[str, Any], ratings: dict[str, Any]) -> dict[str, int]:
    points = max_points(definition)
    errors: dict[str, list[str]] = {}
    for key, value in ratings.items():
        if key not in points:
            errors[key] = ["not an item of the form"]
        elif isinstance(value, bool) or not isinstance(value, int):
            errors[key] = ["a whole number of points"]
        elif not 0 <= value <= points[key]:
            errors[key] = [f"0 to {points[key]} points"]
    for key in points.keys() - ratings.keys():
        errors[key] = ["missing"]
    if errors:
        raise ValidationFailed(
            "请检查标红的评分项 (please check the marked items)", {"ratings": errors}
        )
    return {key: ratings[key] for key in points}


def submit(
    user: User, estate_id: int, day: date, ratings: dict[str, Any], comment: str = ""
) -> Assessment:
    """Take or replace `user`'s kind's assessment of the estate for the quarter holding `day`."""
    kind = require_assessor(user)
    estate = assessable_estate(user, estate_id)
    first = check_open(day)
    version = require_active(kind)
    checked = _checked_ratings(version.definition, ratings)
    comment = comment.strip()
    if (refusal := problem(comment)) is not None or len(comment) > COMMENT_MAX:
        raise ValidationFailed(
            "意见含有不允许的字符或过长 (comment not allowed)",
            {"comment": [refusal or f"at most {COMMENT_MAX} characters"]},
        )
    now = utcnow()
    found = _current(estate.id, first, kind)
    if found is None:
        try:
            with db.session.begin_nested():
                found = Assessment(
                    estate_id=estate.id, period_start=first, kind=kind, version_id=version.id,
                    ratings=checked, comment=comment, submitted_by_id=user.id, submitted_at=now,
                    first_submitted_by_id=user.id, first_submitted_at=now,
                )  # fmt: skip
                db.session.add(found)
                db.session.flush()
            return found
        except IntegrityError:
            # Two members of one committee at the same moment: the other made the row first;
            # this later one replaces it, as it would a second after.
            found = _current(estate.id, first, kind)
            assert found is not None
    found.version_id = version.id
    found.ratings = checked
    found.comment = comment
    found.submitted_by_id = user.id
    found.submitted_at = now
    db.session.flush()
    return found


def _current(estate_id: int, first: date, kind: AssessorKind) -> Assessment | None:
    return db.session.scalar(
        sa.select(Assessment)
        .where(
            Assessment.estate_id == estate_id,
            Assessment.period_start == first,
            Assessment.kind == kind,
        )
        .with_for_update()
    )


def assessment_score(assessment: Assessment) -> float:
    """Points given (the form's points sum to 100): a 0–100 score."""
    return float(sum(assessment.ratings.values()))


def my_estates(user: User, day: date) -> list[dict[str, Any]]:
    """The caller's estates with their kind's assessment for the quarter (None: not yet)."""
    kind = require_assessor(user)
    first, _ = quarter_of(day)
    rows = db.session.execute(
        sa.select(Estate, Assessment)
        .outerjoin(
            Assessment,
            sa.and_(
                Assessment.estate_id == Estate.id,
                Assessment.period_start == first,
                Assessment.kind == kind,
            ),
        )
        .where(assessable(user))
        .order_by(Estate.code)
    ).all()
    return [{"estate": estate, "assessment": assessment} for estate, assessment in rows]
