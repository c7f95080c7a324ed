"""Inspection sync request and response shapes."""

from __future__ import annotations

import marshmallow as ma
from geoalchemy2.shape import to_shape
from marshmallow import fields, validate

from backend.inspections.models import InspectionStatus, Outcome
from backend.photos.captures import CaptureOutSchema, captures_field, check_against_photos

SHA256 = validate.Regexp(r"^[0-9a-f]{64}$", error="not a lowercase hex SHA-256")
MAX_RESULTS = 300
MAX_TRACK_POINTS = 5000


class PositionSchema(ma.Schema):
    lat = fields.Float(required=True, validate=validate.Range(-90, 90))
    lng = fields.Float(required=True, validate=validate.Range(-180, 180))
    accuracy_m = fields.Float(
        allow_none=True, load_default=None, validate=validate.Range(0, 100_000)
    )


class TrackPointSchema(PositionSchema):
    t = fields.AwareDateTime(required=True)


class AnswerField(fields.Raw):
    """pass / fail / not_applicable, true / false, a number, or a choice value."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool | int | float | str) and value != "":
            return value
        raise ma.ValidationError("expected pass, fail, not_applicable, a number or a choice value")


class ResultInSchema(ma.Schema):
    item_code = fields.String(required=True, validate=validate.Length(min=1, max=16))
    answer = AnswerField(required=True)
    note = fields.String(load_default="", validate=validate.Length(max=2000))
    position = fields.Nested(PositionSchema, allow_none=True, load_default=None)
    photos = fields.List(
        fields.String(validate=SHA256), load_default=list, validate=validate.Length(max=10)
    )
    captures = captures_field()

    @ma.post_load
    def _captures(self, data: dict, **_: object) -> dict:
        check_against_photos(data)
        return data


class InspectionPutSchema(ma.Schema):
    estate_id = fields.Integer(required=True)
    checklist_version_id = fields.Integer(required=True)
    status = fields.Enum(
        InspectionStatus,
        required=True,
        validate=validate.OneOf([InspectionStatus.draft, InspectionStatus.submitted]),
    )
    started_at = fields.AwareDateTime(required=True)
    finished_at = fields.AwareDateTime(allow_none=True, load_default=None)
    position = fields.Nested(PositionSchema, allow_none=True, load_default=None)
    track = fields.List(
        fields.Nested(TrackPointSchema),
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=MAX_TRACK_POINTS),
    )
    replaces = fields.UUID(
        allow_none=True,
        load_default=None,
        metadata={"description": "the submitted inspection this new version replaces"},
    )
    results = fields.List(
        fields.Nested(ResultInSchema), required=True, validate=validate.Length(max=MAX_RESULTS)
    )


def _position(obj) -> dict | None:
    if obj.position is None:
        return None
    point = to_shape(obj.position)
    return {"lat": point.y, "lng": point.x, "accuracy_m": obj.position_accuracy_m}


class EvidenceSchema(ma.Schema):
    code = fields.String()
    message = fields.String()
    detail = fields.Dict()


class AttachmentSchema(ma.Schema):
    """One photo of a finding: its capture metadata (or null) and its evidence flags."""

    sha256 = fields.String()
    capture = fields.Nested(CaptureOutSchema, allow_none=True)
    evidence = fields.List(fields.Nested(EvidenceSchema))


class ResultOutSchema(ma.Schema):
    item_code = fields.String()
    outcome = fields.Enum(Outcome, by_value=True)
    answer = fields.Raw(attribute="value")
    note = fields.String()
    position = fields.Function(_position)
    photos = fields.List(fields.String(), attribute="photo_hashes")
    attachments = fields.List(fields.Nested(AttachmentSchema))
    evidence = fields.List(fields.Nested(EvidenceSchema))


class InspectionSummarySchema(ma.Schema):
    id = fields.String()
    estate_id = fields.Integer()
    checklist_version_id = fields.Integer()
    inspector_id = fields.Integer()
    status = fields.Enum(InspectionStatus)
    started_at = fields.DateTime()
    finished_at = fields.DateTime(allow_none=True)
    submitted_at = fields.DateTime(allow_none=True)
    replaces = fields.String(attribute="replaces_id", allow_none=True)
    total_score = fields.Float(allow_none=True)
    area_scores = fields.Function(lambda i: {s.area: s.score for s in i.area_scores})
    evidence_flags = fields.Function(
        lambda i: sorted(
            {f["code"] for f in i.evidence} | {f["code"] for r in i.results for f in r.evidence}
        )
    )


class InspectionSchema(InspectionSummarySchema):
    position = fields.Function(_position)
    track = fields.Raw(allow_none=True)
    evidence = fields.List(fields.Nested(EvidenceSchema))
    results = fields.List(fields.Nested(ResultOutSchema))
    missing_photos = fields.List(fields.String())
    unanswered = fields.List(fields.String())


class InspectionListArgs(ma.Schema):
    estate_id = fields.Integer()
    inspector_id = fields.Integer()
    status = fields.Enum(InspectionStatus)
    started_from = fields.AwareDateTime(data_key="from")
    started_to = fields.AwareDateTime(data_key="to")
    area = fields.String(validate=validate.Length(max=32))
    min_score = fields.Float(validate=validate.Range(0, 100))
    max_score = fields.Float(validate=validate.Range(0, 100))
    mine = fields.Boolean(load_default=False, metadata={"description": "only my own inspections"})
