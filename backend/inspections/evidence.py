"""Evidence checks: was the inspector on site, and is each photo what it claims to be?

Flags are stored on the inspection and on each finding and shown to supervisors; they do not
refuse a submission (a phone with poor GPS still records real problems).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from geoalchemy2.shape import to_shape
from shapely.geometry.base import BaseGeometry

from backend.clock import utcnow
from backend.database import db
from backend.geo.distance import distance_m
from backend.inspections.flags import flag
from backend.inspections.models import Inspection, InspectionResult, ResultPhoto
from backend.inspections.photo_checks import Expected, photo_flags
from backend.photos.models import Photo
from backend.photos.pipeline import hamming


def _config(name: str) -> float:
    return float(current_app.config[name])


def _point(element) -> tuple[float, float] | None:
    if element is None:
        return None
    point = to_shape(element)
    return (point.y, point.x)


def _position_flags(
    where: tuple[float, float] | None, accuracy: float | None, boundary: BaseGeometry
) -> list[dict[str, Any]]:
    if where is None:
        return [flag("no_position")]
    flags = []
    tolerance = max(accuracy or 0.0, _config("EVIDENCE_MIN_TOLERANCE_M"))
    away = distance_m(where[0], where[1], boundary)
    if away > tolerance:
        flags.append(flag("outside_estate", distance_m=round(away), tolerance_m=round(tolerance)))
    if accuracy is not None and accuracy > _config("EVIDENCE_MAX_ACCURACY_M"):
        flags.append(flag("poor_accuracy", accuracy_m=accuracy))
    return flags


def assess(inspection: Inspection, boundary: BaseGeometry) -> None:
    """Recompute every evidence flag of an inspection (after saving it or when a photo arrives)."""
    start = _point(inspection.position)
    inspection.evidence = _position_flags(start, inspection.position_accuracy_m, boundary)
    hashes = {h for result in inspection.results for h in result.photo_hashes}
    photos = {
        p.sha256: p for p in db.session.scalars(sa.select(Photo).where(Photo.sha256.in_(hashes)))
    }
    reused = _reuse(inspection, hashes)
    similar = _near_duplicates(inspection, photos.values())
    for result in inspection.results:
        where = _point(result.position) or start
        accuracy = (
            result.position_accuracy_m
            if result.position is not None
            else (inspection.position_accuracy_m)
        )
        flags = _position_flags(where, accuracy, boundary) if result.position is not None else []
        for link in result.photos:
            sha = link.photo_sha256
            photo = photos.get(sha)
            if photo is None:
                flags.append(flag("photo_missing", photo=sha))
                continue
            expected = _expected(inspection, photo, where, boundary)
            flags.extend(photo_flags(photo, link.capture, expected))
            flags.extend(
                flag("photo_reused", photo=sha, **other)
                for other in reused.get((sha, result.item_code), [])
            )
            flags.extend(
                flag("photo_near_duplicate", photo=sha, **other) for other in similar.get(sha, [])
            )
        result.evidence = flags


def _expected(
    inspection: Inspection,
    photo: Photo,
    where: tuple[float, float] | None,
    boundary: BaseGeometry,
) -> Expected:
    """A finding's photo is taken during the inspection (and before it was uploaded), at the
    finding, or at least in the estate."""
    end = inspection.finished_at or utcnow()
    return Expected(
        place=where,
        boundary=boundary,
        not_before=inspection.started_at,
        not_after=min(end, photo.uploaded_at) if photo.uploaded_at else end,
    )


def _reuse(inspection: Inspection, hashes: set[str]) -> dict[tuple[str, str], list[dict]]:
    """Exact same photo on another finding (another item here, or any item elsewhere).

    Needs the inspection's own results flushed: they are among the rows read here."""
    if not hashes:
        return {}
    uses: dict[str, list[tuple[str, str]]] = {}
    rows = db.session.execute(
        sa.select(
            ResultPhoto.photo_sha256, InspectionResult.inspection_id, InspectionResult.item_code
        )
        .join(InspectionResult, InspectionResult.id == ResultPhoto.result_id)
        .where(ResultPhoto.photo_sha256.in_(hashes))
    )
    for sha, inspection_id, item_code in rows:
        uses.setdefault(sha, []).append((inspection_id, item_code))
    found: dict[tuple[str, str], list[dict]] = {}
    for result in inspection.results:
        for sha in result.photo_hashes:
            others = [u for u in uses.get(sha, []) if u != (inspection.id, result.item_code)]
            if others:
                found[(sha, result.item_code)] = [
                    {"inspection": other, "item_code": item} for other, item in others
                ]
    return found


def _near_duplicates(inspection: Inspection, photos: Iterable[Photo]) -> dict[str, list[dict]]:
    """Perceptually near-identical photos on findings of other inspections of the same estate or
    inspector in the last 90 days (an old picture passed off as new)."""
    photos = list(photos)
    if not photos:
        return {}
    since = inspection.started_at - timedelta(days=90)
    rows = db.session.execute(
        sa.select(Photo.sha256, Photo.phash, Inspection.id, InspectionResult.item_code)
        .join(ResultPhoto, ResultPhoto.photo_sha256 == Photo.sha256)
        .join(InspectionResult, InspectionResult.id == ResultPhoto.result_id)
        .join(Inspection, Inspection.id == InspectionResult.inspection_id)
        .where(
            Inspection.id != inspection.id,
            Inspection.started_at >= since,
            sa.or_(
                Inspection.estate_id == inspection.estate_id,
                Inspection.inspector_id == inspection.inspector_id,
            ),
        )
    ).all()
    limit = int(_config("EVIDENCE_PHASH_DISTANCE"))
    found: dict[str, list[dict]] = {}
    for photo in photos:
        for sha, phash, other_inspection, item in rows:
            if sha != photo.sha256 and hamming(photo.phash, phash) <= limit:
                found.setdefault(photo.sha256, []).append(
                    {"inspection": other_inspection, "item_code": item, "other_photo": sha}
                )
    return found


def inspections_using(sha256: str) -> list[Inspection]:
    # Ids first: PostgreSQL cannot DISTINCT rows that carry JSON columns.
    ids = (
        sa.select(InspectionResult.inspection_id)
        .join(ResultPhoto, ResultPhoto.result_id == InspectionResult.id)
        .where(ResultPhoto.photo_sha256 == sha256)
    )
    return list(db.session.scalars(sa.select(Inspection).where(Inspection.id.in_(ids))))
