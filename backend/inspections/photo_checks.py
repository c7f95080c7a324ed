"""Per-photo evidence checks from what the photo's own bytes carry (EXIF of an original) and from
the capture metadata the phone sent (original time and GPS, its own fix, camera or gallery).

Used for inspection findings (the window is the inspection) and for after-photos of a
rectification (the window starts at the finding). Flags never refuse anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from shapely.geometry.base import BaseGeometry

from backend.clock import SHANGHAI
from backend.geo.distance import distance_m, points_distance_m
from backend.inspections.flags import flag
from backend.photos import captures
from backend.photos.models import Photo

LatLng = tuple[float, float]


@dataclass(frozen=True)
class Expected:
    """Where and when a photo should have been taken."""

    place: LatLng | None  # the finding (or the inspector's position); None: the estate
    boundary: BaseGeometry
    not_before: datetime
    not_after: datetime
    after_photo: bool = False  # judged against the finding of a ticket


def _config(name: str) -> float:
    return float(current_app.config[name])


def _distance(point: LatLng, expected: Expected) -> float:
    if expected.place is not None:
        return points_distance_m(point, expected.place)
    return distance_m(point[0], point[1], expected.boundary)


def photo_flags(
    photo: Photo, capture: dict[str, Any] | None, expected: Expected
) -> list[dict[str, Any]]:
    sha, after = photo.sha256, expected.after_photo
    flags: list[dict[str, Any]] = []
    times = [
        ("capture", captures.taken_at(capture)),
        ("photo", photo.taken_at),
    ]
    slack = timedelta(minutes=_config("EVIDENCE_PHOTO_TIME_MINUTES"))
    for origin, taken in times:
        if taken is None:
            continue
        if not expected.not_before - slack <= taken <= expected.not_after + slack:
            flags.append(
                flag(
                    "photo_time",
                    after=after,
                    photo=sha,
                    source=origin,
                    taken_at=taken.astimezone(SHANGHAI).isoformat(),
                )
            )
            break
    limit = _config("EVIDENCE_PHOTO_DISTANCE_M")
    for origin, point in (("capture", captures.original_position(capture)), ("photo", photo.gps)):
        if point is None:
            continue
        away = _distance(point, expected)
        if away > limit:
            flags.append(
                flag("photo_far", after=after, photo=sha, source=origin, distance_m=round(away))
            )
            break
    fix = (capture or {}).get("fix")
    if fix is not None:
        away = _distance((fix["lat"], fix["lng"]), expected)
        tolerance = (fix.get("accuracy_m") or 0.0) + limit
        if away > tolerance:
            flags.append(
                flag("fix_far", photo=sha, distance_m=round(away), tolerance_m=round(tolerance))
            )
    if _unverifiable(photo, capture):
        flags.append(flag("unverifiable", photo=sha))
    return flags


def _unverifiable(photo: Photo, capture: dict[str, Any] | None) -> bool:
    """A gallery photo that carries neither its capture time nor its place, in its bytes or in
    what the phone read from the original."""
    if capture is None or capture.get("source") != "gallery":
        return False
    known = (
        captures.taken_at(capture),
        captures.original_position(capture),
        photo.taken_at,
        photo.gps,
    )
    return all(value is None for value in known)
