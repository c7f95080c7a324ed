"""Capture metadata per photo attachment: what the phone knew when a photo was taken or picked.

The phone re-encodes photos (which drops EXIF), so it sends beside `photos: [sha256]` a list
`captures`: the ORIGINAL file's capture time and GPS, the phone's own fix at that moment, and
whether the photo came from the camera or the gallery. A naive original time is the camera's
local time, read as Asia/Shanghai. Stored as JSON on the attachment row, in the shape received
(times as ISO 8601 with their offset).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from backend.clock import SHANGHAI

SHA256 = validate.Regexp(r"^[0-9a-f]{64}$", error="not a lowercase hex SHA-256")
SOURCES = ("camera", "gallery")
MAX_CAPTURES = 10


class LocalOrAwareDateTime(fields.DateTime):
    """ISO 8601 with an offset, or without one (then the camera's local time, Asia/Shanghai)."""

    def _deserialize(self, value, attr, data, **kwargs) -> datetime:
        parsed = super()._deserialize(value, attr, data, **kwargs)
        return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=SHANGHAI)


class FixSchema(ma.Schema):
    """The phone's own geolocation (WGS84) when the photo was taken or picked."""

    lat = fields.Float(required=True, validate=validate.Range(-90, 90))
    lng = fields.Float(required=True, validate=validate.Range(-180, 180))
    accuracy_m = fields.Float(
        allow_none=True, load_default=None, validate=validate.Range(0, 100_000)
    )
    at = LocalOrAwareDateTime(allow_none=True, load_default=None)


class CaptureSchema(ma.Schema):
    sha256 = fields.String(
        required=True, validate=SHA256, metadata={"description": "must also be in `photos`"}
    )
    source = fields.String(required=True, validate=validate.OneOf(SOURCES))
    original_taken_at = LocalOrAwareDateTime(
        allow_none=True,
        load_default=None,
        metadata={"description": "DateTimeOriginal of the original file; naive = Asia/Shanghai"},
    )
    original_lat = fields.Float(
        allow_none=True, load_default=None, validate=validate.Range(-90, 90)
    )
    original_lng = fields.Float(
        allow_none=True, load_default=None, validate=validate.Range(-180, 180)
    )
    fix = fields.Nested(FixSchema, allow_none=True, load_default=None)

    @ma.validates_schema
    def _both_coordinates(self, data: dict[str, Any], **_: Any) -> None:
        if (data.get("original_lat") is None) != (data.get("original_lng") is None):
            raise ma.ValidationError("give both original_lat and original_lng, or neither")


def captures_field() -> fields.List:
    return fields.List(
        fields.Nested(CaptureSchema),
        load_default=list,
        validate=validate.Length(max=MAX_CAPTURES),
        metadata={"description": "capture metadata per photo (contract: one per listed photo)"},
    )


def check_against_photos(data: dict[str, Any]) -> None:
    """Every capture names a photo of the same `photos` list, once (422 names the field).

    Sorted by hash afterwards: the order carries no meaning, so a repeat in another order is
    still the same request (inspection sync idempotency)."""
    listed = set(data.get("photos") or [])
    errors: dict[int, dict[str, list[str]]] = {}
    seen: set[str] = set()
    for index, capture in enumerate(data.get("captures") or []):
        if capture["sha256"] not in listed:
            errors[index] = {"sha256": ["not listed in photos"]}
        elif capture["sha256"] in seen:
            errors[index] = {"sha256": ["given twice"]}
        seen.add(capture["sha256"])
    if errors:
        raise ma.ValidationError({"captures": errors})
    data["captures"] = sorted(data.get("captures") or [], key=lambda c: c["sha256"])


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def stored(capture: dict[str, Any]) -> dict[str, Any]:
    """The JSON kept on the attachment row (and returned on reads)."""
    fix = capture.get("fix")
    return {
        "source": capture["source"],
        "original_taken_at": _iso(capture.get("original_taken_at")),
        "original_lat": capture.get("original_lat"),
        "original_lng": capture.get("original_lng"),
        "fix": None if fix is None else {**fix, "at": _iso(fix.get("at"))},
    }


def by_hash(captures: list[dict[str, Any]] | None) -> dict[str, dict[str, Any]]:
    return {c["sha256"]: stored(c) for c in captures or []}


def taken_at(capture: dict[str, Any] | None) -> datetime | None:
    raw = (capture or {}).get("original_taken_at")
    return datetime.fromisoformat(raw) if raw else None


def original_position(capture: dict[str, Any] | None) -> tuple[float, float] | None:
    capture = capture or {}
    if capture.get("original_lat") is None or capture.get("original_lng") is None:
        return None
    return (capture["original_lat"], capture["original_lng"])


class CaptureOutSchema(ma.Schema):
    """The stored capture, in the shape it was sent (sha256 given beside it)."""

    source = fields.String()
    original_taken_at = fields.String(allow_none=True)
    original_lat = fields.Float(allow_none=True)
    original_lng = fields.Float(allow_none=True)
    fix = fields.Dict(allow_none=True)
