"""Inspection sync with ODK Central's semantics, scoring, visibility.

PUT by the phone's UUID: the first PUT creates (201); the identical request again returns what is
stored (200) and changes nothing; a draft may be changed until it is submitted; after that a
different body is a 409 unless it comes as a new inspection naming the one it `replaces`.
Two identical requests at the same moment create one record (the primary key decides; the loser
reads the winner's row inside a savepoint).
"""

from __future__ import annotations

import hashlib
import json
import uuid as uuidlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from geoalchemy2.shape import from_shape, to_shape
from shapely.geometry import Point
from sqlalchemy.exc import IntegrityError

from backend import signals
from backend.accounts.models import Role, User
from backend.accounts.services import scope_of
from backend.checklists import services as checklists
from backend.checklists.definition import ChecklistDefinition
from backend.checklists.scoring import AnswerError, evaluate_answer, score_inspection
from backend.clock import utcnow
from backend.database import db
from backend.errors import Conflict, NotFound, ValidationFailed
from backend.inspections import evidence
from backend.inspections.models import (
    AreaScore,
    Inspection,
    InspectionResult,
    InspectionStatus,
    Outcome,
    ResultPhoto,
)
from backend.photos import captures
from backend.photos import services as photos
from backend.places import services as places
from backend.places.models import Estate
from backend.places.scope import Scope

CLOCK_SKEW = timedelta(minutes=10)


def normalise_uuid(value: str) -> str:
    try:
        return str(uuidlib.UUID(value))
    except ValueError:
        raise ValidationFailed(
            "巡查编号必须是 UUID (inspection id must be a UUID)", {"id": ["not a UUID"]}
        ) from None


def body_hash(data: dict[str, Any]) -> str:
    """Hash of the normalised request, so formatting and key order do not matter."""

    def default(value: Any) -> str:
        if isinstance(value, datetime):
            return value.astimezone(UTC).isoformat()
        return str(value)

    # The order of results carries no meaning: the same answers in another order are a repeat.
    # No captures hashes like before captures existed (older clients' repeats stay repeats).
    results = [
        {k: v for k, v in r.items() if k != "captures" or v}
        for r in sorted(data["results"], key=lambda r: r["item_code"])
    ]
    ordered = {**data, "results": results}
    text = json.dumps(ordered, sort_keys=True, default=default, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Saved:
    inspection: Inspection
    created: bool


def put_inspection(inspection_id: str, data: dict[str, Any], user: User, scope: Scope) -> Saved:
    inspection_id = normalise_uuid(inspection_id)
    digest = body_hash(data)
    existing = _locked(inspection_id)
    if existing is not None:
        return Saved(_update(existing, data, digest, user, scope), created=False)
    inspection = Inspection(id=inspection_id, inspector_id=user.id, body_hash=digest)
    replaced = _replaced(data.get("replaces"), inspection_id, user)
    definition, estate = _apply(inspection, data, user, scope)
    try:
        with db.session.begin_nested():
            db.session.add(inspection)
            if replaced is not None:
                replaced.status = InspectionStatus.superseded
                inspection.replaces_id = replaced.id
    except IntegrityError:
        # The savepoint rollback dropped our pending rows; read the concurrent winner's.
        winner = db.session.get(Inspection, inspection_id, populate_existing=True)
        if winner is None:
            raise
        return Saved(_update(winner, data, digest, user, scope), created=False)
    _after_save(inspection, definition, estate)
    return Saved(inspection, created=True)


def _locked(inspection_id: str) -> Inspection | None:
    # FOR UPDATE on PostGIS serialises concurrent changes of one inspection; SQLite's write
    # transactions are already serial.
    return db.session.get(Inspection, inspection_id, with_for_update=True)


def _update(
    inspection: Inspection, data: dict, digest: str, user: User, scope: Scope
) -> Inspection:
    if inspection.inspector_id != user.id:
        raise Conflict("该编号已被其他巡查记录使用 (this id belongs to another inspection)")
    if inspection.body_hash == digest:
        return inspection  # a repeat: nothing changes
    if inspection.status is not InspectionStatus.draft:
        raise Conflict(
            "巡查已提交,不能修改;请用新编号提交新版本并注明 replaces "
            "(already submitted: send a new inspection with `replaces` naming this one)",
            {"status": inspection.status.value, "allowed": ["identical repeat", "replaces"]},
        )
    if data.get("replaces") is not None:
        raise ValidationFailed(
            "草稿不能替代其他巡查 (a draft update cannot replace another inspection)",
            {"replaces": ["only a new inspection may replace one"]},
        )
    inspection.body_hash = digest
    definition, estate = _apply(inspection, data, user, scope)
    _after_save(inspection, definition, estate)
    return inspection


def _replaced(replaces: uuidlib.UUID | None, new_id: str, user: User) -> Inspection | None:
    if replaces is None:
        return None
    old = _locked(str(replaces))
    errors = None
    if old is None or old.id == new_id:
        errors = ["unknown inspection"]
    elif old.inspector_id != user.id and user.role is not Role.admin:
        errors = ["only its inspector may replace an inspection"]
    elif old.status is not InspectionStatus.submitted:
        errors = [f"inspection is {old.status.value}; only a submitted one can be replaced"]
    if errors:
        raise ValidationFailed(
            "无法替代该巡查 (cannot replace that inspection)", {"replaces": errors}
        )
    return old


def _apply(
    inspection: Inspection, data: dict[str, Any], user: User, scope: Scope
) -> tuple[ChecklistDefinition, Estate]:
    """Check the request against the estate, the checklist version and the rules; fill in."""
    try:
        estate = places.get_estate(data["estate_id"], scope)
    except NotFound:
        raise ValidationFailed(
            "小区不存在或不在您的网格内 (unknown estate, or not in your grids)",
            {"estate_id": ["unknown estate or out of your scope"]},
        ) from None
    if inspection.checklist_version_id not in (None, data["checklist_version_id"]):
        raise ValidationFailed(
            "草稿的巡查表版本不能更改 (a draft keeps its checklist version)",
            {"checklist_version_id": ["differs from the draft's"]},
        )
    version = checklists.version_for_inspection(data["checklist_version_id"])
    definition = checklists.definition_of(version)
    results = _results(definition, data["results"])
    _check_times(data)
    if inspection in db.session:
        # Replacing a draft's rows: delete the old ones first (item codes are unique).
        inspection.results = []
        inspection.area_scores = []
        db.session.flush()
    inspection.estate_id = estate.id
    inspection.checklist_version_id = version.id
    inspection.status = data["status"]
    inspection.started_at = data["started_at"]
    inspection.finished_at = data["finished_at"]
    inspection.submitted_at = utcnow() if data["status"] is InspectionStatus.submitted else None
    inspection.position, inspection.position_accuracy_m = _position(data["position"])
    inspection.track = _track(data["track"])
    inspection.results = results
    scores = score_inspection(definition, {r.item_code: r.value for r in results})
    inspection.total_score = scores.total
    inspection.area_scores = [AreaScore(area=a.key, score=a.score) for a in scores.areas]
    return definition, estate


def _after_save(inspection: Inspection, definition: ChecklistDefinition, estate: Estate) -> None:
    db.session.flush()
    evidence.assess(inspection, to_shape(estate.boundary))
    if inspection.status is InspectionStatus.submitted:
        signals.inspection_submitted.send(inspection, definition=definition)
    db.session.flush()


def _results(definition: ChecklistDefinition, rows: list[dict[str, Any]]) -> list[InspectionResult]:
    errors: dict[str, list[str]] = {}
    results: list[InspectionResult] = []
    seen: set[str] = set()
    for index, row in enumerate(rows):
        where = f"results[{index}]"
        code = row["item_code"]
        if code in seen:
            errors[f"{where}.item_code"] = [f"{code} answered twice"]
            continue
        seen.add(code)
        try:
            item = definition.item(code)
        except KeyError:
            errors[f"{where}.item_code"] = [f"{code} is not an item of this checklist version"]
            continue
        try:
            outcome = Outcome(evaluate_answer(item, row["answer"]))
        except AnswerError as error:
            errors[f"{where}.answer"] = [str(error)]
            continue
        if outcome is Outcome.failed:
            if item.on_fail.note and not row["note"].strip():
                errors[f"{where}.note"] = ["a note is required when this item fails"]
            if item.on_fail.photo and not row["photos"]:
                errors[f"{where}.photos"] = ["a photo is required when this item fails"]
        position, accuracy = _position(row["position"])
        known = captures.by_hash(row.get("captures"))
        results.append(
            InspectionResult(
                item_code=code,
                outcome=outcome,
                value=row["answer"],
                note=row["note"].strip(),
                position=position,
                position_accuracy_m=accuracy,
                photos=[
                    ResultPhoto(photo_sha256=sha, position=i, capture=known.get(sha))
                    for i, sha in enumerate(dict.fromkeys(row["photos"]))
                ],
            )
        )
    if errors:
        raise ValidationFailed("巡查结果有误 (invalid results)", errors)
    return results


def _check_times(data: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    if data["started_at"] > utcnow() + CLOCK_SKEW:
        errors["started_at"] = ["in the future"]
    finished = data["finished_at"]
    if finished is not None and finished < data["started_at"]:
        errors["finished_at"] = ["before started_at"]
    if data["status"] is InspectionStatus.submitted and finished is None:
        errors["finished_at"] = ["required when submitting"]
    if errors:
        raise ValidationFailed("巡查时间有误 (invalid times)", errors)


def _position(position: dict[str, Any] | None):
    if position is None:
        return None, None
    point = from_shape(Point(position["lng"], position["lat"]), srid=4326)
    return point, position["accuracy_m"]


def _track(track: list[dict[str, Any]] | None) -> list[dict[str, Any]] | None:
    if track is None:
        return None
    return [{**p, "t": p["t"].isoformat()} for p in track]


# --- photos arriving after the inspection ---------------------------------------------------------


def refresh_for_photo(photo) -> None:
    """A photo arrived: re-check the evidence of inspections that reference it."""
    for inspection in evidence.inspections_using(photo.sha256):
        estate = db.session.get(Estate, inspection.estate_id)
        evidence.assess(inspection, to_shape(estate.boundary))


# --- reading -------------------------------------------------------------------------------------


def visibility(user: User, scope: Scope) -> sa.ColumnElement[bool]:
    """Who sees which inspections: their own (drafts too), and submitted ones in scope.
    Firms never see drafts."""
    if user.role is Role.admin:
        return sa.true()
    in_scope = Inspection.estate_id.in_(sa.select(Estate.id).where(places.estate_visibility(scope)))
    not_draft = Inspection.status != InspectionStatus.draft
    if user.role is Role.inspector:
        return sa.or_(Inspection.inspector_id == user.id, sa.and_(not_draft, in_scope))
    return sa.and_(not_draft, in_scope)


def get_inspection(inspection_id: str, user: User, scope: Scope) -> Inspection:
    inspection = db.session.scalar(
        sa.select(Inspection).where(
            Inspection.id == normalise_uuid(inspection_id), visibility(user, scope)
        )
    )
    if inspection is None:
        raise NotFound("巡查记录不存在 (inspection not found)")
    return annotate(inspection)


def annotate(inspection: Inspection) -> Inspection:
    """Attach what the phone needs to know now: photos still missing, items not answered."""
    wanted = {sha for result in inspection.results for sha in result.photo_hashes}
    inspection.missing_photos = sorted(wanted - photos.stored_hashes(wanted))  # type: ignore[attr-defined]
    answered = {result.item_code for result in inspection.results}
    codes = checklists.definition_for(inspection.checklist_version_id).item_codes
    inspection.unanswered = [code for code in codes if code not in answered]  # type: ignore[attr-defined]
    return inspection


@dataclass(frozen=True)
class InspectionFilter:
    estate_id: int | None = None
    inspector_id: int | None = None
    status: InspectionStatus | None = None
    started_from: Any = None
    started_to: Any = None
    area: str | None = None
    min_score: float | None = None
    max_score: float | None = None
    mine: bool = False


def inspection_query(user: User, scope: Scope, f: InspectionFilter) -> sa.Select:
    query = sa.select(Inspection).where(visibility(user, scope))
    if f.mine:
        query = query.where(Inspection.inspector_id == user.id)
    for column, value in (
        (Inspection.estate_id, f.estate_id),
        (Inspection.inspector_id, f.inspector_id),
        (Inspection.status, f.status),
    ):
        if value is not None:
            query = query.where(column == value)
    if f.started_from is not None:
        query = query.where(Inspection.started_at >= f.started_from)
    if f.started_to is not None:
        query = query.where(Inspection.started_at < f.started_to)
    if f.min_score is not None or f.max_score is not None:
        score = Inspection.total_score
        if f.area:
            query = query.join(
                AreaScore,
                sa.and_(AreaScore.inspection_id == Inspection.id, AreaScore.area == f.area),
            )
            score = AreaScore.score
        if f.min_score is not None:
            query = query.where(score >= f.min_score)
        if f.max_score is not None:
            query = query.where(score <= f.max_score)
    return query.order_by(Inspection.started_at.desc(), Inspection.id)


def photo_visible_through_inspections(user: User, sha256: str) -> bool:
    query = (
        sa.select(ResultPhoto.photo_sha256)
        .join(InspectionResult, InspectionResult.id == ResultPhoto.result_id)
        .join(Inspection, Inspection.id == InspectionResult.inspection_id)
        .where(ResultPhoto.photo_sha256 == sha256, visibility(user, scope_of(user)))
        .limit(1)
    )
    return db.session.scalar(query) is not None
