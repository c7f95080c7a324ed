"""Request and response shapes for administering districts, streets, communities and estates,
and for importing GeoJSON with a preview."""

from __future__ import annotations

from marshmallow import fields, validate

from backend.geo.coordinates import INPUT_CRS
from backend.places.importer import LEVELS
from backend.places.models import ESTATE_GRADES
from backend.places.schemas import CrsArgs, EstateSchema, GeoJSONPolygonField
from backend.schema import JsonBoolean, Schema
from backend.text import Text

# Administrative division codes (e.g. 210202, 210202001) and local codes alike.
PLACE_CODE = r"^[A-Za-z0-9_.\-]{1,32}$"


def _code(required: bool = False) -> fields.String:
    return fields.String(
        required=required,
        validate=validate.Regexp(PLACE_CODE, error="1–32 letters, digits, _ . -"),
        metadata={"pattern": PLACE_CODE},
    )


def _name(required: bool = False, length: int = 100) -> Text:
    return Text(single_line=True, required=required, validate=validate.Length(min=1, max=length))


_ACTIVE = {"description": "false deactivates: refused (409) while something current hangs on it"}


class ActiveArgs(Schema):
    active = fields.Boolean(metadata={"description": "only active (true) or deactivated (false)"})


class DistrictCreateSchema(Schema):
    code = _code(required=True)
    name = _name(required=True)


class DistrictUpdateSchema(Schema):
    code = _code()
    name = _name()
    is_active = JsonBoolean(metadata=_ACTIVE)


class StreetCreateSchema(DistrictCreateSchema):
    district_id = fields.Integer(required=True)


class CommunitySchema(Schema):
    id = fields.Integer()
    street_id = fields.Integer()
    name = fields.String()
    is_active = fields.Boolean()


class CommunityCreateSchema(Schema):
    street_id = fields.Integer(required=True)
    name = _name(required=True)


class CommunityUpdateSchema(Schema):
    name = _name()
    is_active = JsonBoolean(metadata=_ACTIVE)


class CommunityListArgs(ActiveArgs):
    street_id = fields.Integer()


class EstateUpdateSchema(CrsArgs):
    code = Text(single_line=True, validate=validate.Length(min=1, max=40))
    name = _name(length=200)
    address = Text(single_line=True, validate=validate.Length(max=300))
    street_id = fields.Integer(metadata={"description": "moves the estate to another street"})
    community_id = fields.Integer(allow_none=True)
    grade = fields.String(allow_none=True, validate=validate.OneOf(ESTATE_GRADES))
    households = fields.Integer(allow_none=True, validate=validate.Range(min=0, max=100000))
    built_year = fields.Integer(allow_none=True, validate=validate.Range(min=1800, max=2100))
    geometry = GeoJSONPolygonField(metadata={"description": "new outline: Polygon/MultiPolygon"})


class EstateEditedSchema(EstateSchema):
    old_office_open_tickets = fields.Integer(
        metadata={
            "description": "after a move: open tickets still held by the old street's office "
            "(tickets keep their unit; supervision and escalation follow the estate)"
        }
    )


class ImportSchema(Schema):
    level = fields.String(required=True, validate=validate.OneOf(LEVELS))
    crs = fields.String(
        validate=validate.OneOf(INPUT_CRS, error="unknown CRS; use one of: wgs84, gcj02, bd09"),
        metadata={"description": "the file's coordinates; needed unless the file declares them"},
    )
    data = fields.Dict(
        required=True, metadata={"description": "a GeoJSON FeatureCollection (or one Feature)"}
    )
    skip_refused = JsonBoolean(
        load_default=False,
        metadata={"description": "commit the good features even though some are refused"},
    )


class FeaturePlanSchema(Schema):
    index = fields.Integer()
    label = fields.String()
    name = fields.String(allow_none=True)
    code = fields.String(allow_none=True)
    action = fields.String(metadata={"description": "create, update or refused"})
    repairs = fields.List(fields.String())
    reasons = fields.List(fields.String())
    original = fields.Dict(
        allow_none=True, metadata={"description": "as given, in WGS84, before repair"}
    )
    geometry = fields.Dict(allow_none=True, metadata={"description": "as it would be stored"})


class ImportPlanSchema(Schema):
    level = fields.String()
    crs = fields.String()
    committed = fields.Boolean()
    created = fields.Integer()
    updated = fields.Integer()
    refused = fields.Integer()
    repaired = fields.Integer()
    features = fields.List(fields.Nested(FeaturePlanSchema))
