"""Place request and response shapes; geometry is GeoJSON (WGS84 unless crs=gcj02 is asked)."""

from __future__ import annotations

import re
from typing import Any

import marshmallow as ma
from geoalchemy2.shape import to_shape
from marshmallow import fields, validate

from backend.geo.coordinates import SUPPORTED_CRS, from_wgs84
from backend.geo.geometry import (
    GeometryError,
    parse_bbox,
    parse_geojson_geometry,
    polygonal,
    to_geojson,
)
from backend.places.models import ESTATE_GRADES, CustodyMode, ManagementMode, OrgKind
from backend.schema import Schema
from backend.text import Text


class CrsArgs(Schema):
    crs = fields.String(
        load_default="wgs84",
        validate=validate.OneOf(SUPPORTED_CRS, error="unknown CRS; use one of: wgs84, gcj02"),
        metadata={"description": "coordinate system of geometry in and out: wgs84 or gcj02"},
    )


_LNG = r"-?(?:180(?:\.0+)?|(?:1[0-7][0-9]|[0-9]{1,2})(?:\.[0-9]+)?)"
_LAT = r"-?(?:90(?:\.0+)?|[0-8]?[0-9](?:\.[0-9]+)?)"
BBOX_PATTERN = f"^{_LNG},{_LAT},{_LNG},{_LAT}$"


class BBoxField(fields.String):
    """`minLng,minLat,maxLng,maxLat` (decimal degrees, min < max) → shapely Polygon. The pattern
    is the document's and the server's; only the order (min < max) is left to the parser."""

    def __init__(self, **kwargs: Any) -> None:
        metadata = {"pattern": BBOX_PATTERN, **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value: Any, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if not re.fullmatch(BBOX_PATTERN, text):
            raise ma.ValidationError("expected minLng,minLat,maxLng,maxLat in decimal degrees")
        try:
            return parse_bbox(text)
        except GeometryError as exc:
            raise ma.ValidationError(str(exc)) from exc


# What the document says of a polygonal GeoJSON geometry (its shape is judged on load). Stated, so
# that a client (or a fuzzer) knows null and other JSON are not one.
POLYGONAL_GEOJSON = {
    "type": "object",
    "required": ["type", "coordinates"],
    "properties": {
        "type": {"type": "string", "enum": ["Polygon", "MultiPolygon"]},
        "coordinates": {"type": "array", "items": {"type": "array"}},
    },
}


class GeoJSONPolygonField(fields.Field):
    """A GeoJSON Polygon or MultiPolygon; invalid shapes are refused here (the CLI repairs)."""

    def __init__(self, **kwargs: Any) -> None:
        metadata = {**POLYGONAL_GEOJSON, **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value: Any, attr, data, **kwargs):
        if not isinstance(value, dict):
            raise ma.ValidationError("expected a GeoJSON geometry object")
        try:
            shape, _ = polygonal(parse_geojson_geometry(value), repair=False)
        except GeometryError as exc:
            raise ma.ValidationError(str(exc)) from exc
        return shape


class EstateListArgs(CrsArgs):
    street_id = fields.Integer()
    district_id = fields.Integer()
    grid_id = fields.Integer()
    bbox = BBoxField(metadata={"description": "minLng,minLat,maxLng,maxLat (in the crs asked)"})
    q = fields.String(validate=validate.Length(max=100))
    mine = fields.Boolean(
        load_default=False,
        metadata={"description": "only estates in my own jurisdiction (grids, firm, office)"},
    )
    with_geometry = fields.Boolean(load_default=True)


class EstateCreateSchema(CrsArgs):
    code = Text(single_line=True, required=True, validate=validate.Length(min=1, max=40))
    name = Text(single_line=True, required=True, validate=validate.Length(min=1, max=200))
    address = Text(single_line=True, load_default="", validate=validate.Length(max=300))
    street_id = fields.Integer(required=True)
    community_id = fields.Integer(allow_none=True)
    grade = fields.String(allow_none=True, validate=validate.OneOf(ESTATE_GRADES))
    households = fields.Integer(allow_none=True, validate=validate.Range(min=0, max=100000))
    built_year = fields.Integer(allow_none=True, validate=validate.Range(min=1800, max=2100))
    geometry = GeoJSONPolygonField(required=True)


class ResponsibilitySchema(Schema):
    estate_id = fields.Integer()
    on = fields.Date()
    organisation_id = fields.Integer()
    organisation_name = fields.String()
    mode = fields.Enum(ManagementMode)
    basis = fields.String()
    arrangement_id = fields.Integer(allow_none=True)
    since = fields.Date(allow_none=True)
    until = fields.Date(allow_none=True)


class OnDateArgs(Schema):
    on = fields.Date(metadata={"description": "YYYY-MM-DD; today (Asia/Shanghai) if absent"})


class EstateSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    address = fields.String()
    street_id = fields.Integer()
    community_id = fields.Integer(allow_none=True)
    grid_id = fields.Integer(allow_none=True)
    grade = fields.String(allow_none=True)
    households = fields.Integer(allow_none=True)
    built_year = fields.Integer(allow_none=True)
    management_mode = fields.Enum(ManagementMode)
    centroid = fields.List(fields.Float(), metadata={"description": "[lng, lat]"})
    geometry = fields.Dict(allow_none=True, metadata={"description": "GeoJSON MultiPolygon"})


class EstateDetailSchema(EstateSchema):
    responsibility = fields.Nested(ResponsibilitySchema)


def present_estate(estate, crs: str, mode: ManagementMode, with_geometry: bool = True) -> dict:
    shape = from_wgs84(to_shape(estate.boundary), crs)
    point = shape.representative_point()
    return {
        "id": estate.id,
        "code": estate.code,
        "name": estate.name,
        "address": estate.address,
        "street_id": estate.street_id,
        "community_id": estate.community_id,
        "grid_id": estate.grid_id,
        "grade": estate.grade,
        "households": estate.households,
        "built_year": estate.built_year,
        "management_mode": mode,
        "centroid": [round(point.x, 7), round(point.y, 7)],
        "geometry": to_geojson(shape) if with_geometry else None,
    }


class GridSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    street_id = fields.Integer()
    is_active = fields.Boolean()
    geometry = fields.Dict()


class GridListArgs(CrsArgs):
    street_id = fields.Integer()
    active = fields.Boolean(metadata={"description": "only active (true) or deactivated (false)"})


def present_grid(grid, crs: str) -> dict:
    shape = from_wgs84(to_shape(grid.boundary), crs)
    return {
        "id": grid.id,
        "code": grid.code,
        "name": grid.name,
        "street_id": grid.street_id,
        "is_active": grid.is_active,
        "geometry": to_geojson(shape),
    }


class DistrictSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    is_active = fields.Boolean()


class StreetSchema(DistrictSchema):
    district_id = fields.Integer()


class StreetListArgs(Schema):
    district_id = fields.Integer()
    active = fields.Boolean(metadata={"description": "only active (true) or deactivated (false)"})


class DistrictListArgs(Schema):
    active = fields.Boolean(metadata={"description": "only active (true) or deactivated (false)"})


class OrganisationSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    kind = fields.Enum(OrgKind)
    state_owned = fields.Boolean()
    charitable = fields.Boolean()
    utility_kind = fields.String(allow_none=True)
    district_id = fields.Integer(allow_none=True)
    street_id = fields.Integer(allow_none=True)
    community_id = fields.Integer(allow_none=True)
    estate_id = fields.Integer(allow_none=True)
    credit_code = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    is_active = fields.Boolean()


class ContractSchema(Schema):
    id = fields.Integer(dump_only=True)
    estate_id = fields.Integer(required=True)
    firm_id = fields.Integer(required=True)
    start_date = fields.Date(required=True)
    end_date = fields.Date(allow_none=True, load_default=None)
    reference = Text(single_line=True, allow_none=True, validate=validate.Length(max=100))


class ContractListArgs(Schema):
    estate_id = fields.Integer()


class ContractEndSchema(Schema):
    end_date = fields.Date(required=True)


class CustodySchema(Schema):
    id = fields.Integer(dump_only=True)
    estate_id = fields.Integer(required=True)
    custodian_id = fields.Integer(required=True)
    mode = fields.Enum(CustodyMode, required=True)
    start_date = fields.Date(required=True)
    end_date = fields.Date(allow_none=True, load_default=None)


class PeriodSchema(Schema):
    kind = fields.String(validate=validate.OneOf(("contract", "custody")))
    id = fields.Integer(metadata={"description": "the contract's or the custody's id"})
    mode = fields.Enum(ManagementMode)
    custody_mode = fields.Enum(CustodyMode, allow_none=True)
    organisation_id = fields.Integer()
    organisation_name = fields.String()
    start_date = fields.Date()
    end_date = fields.Date(allow_none=True, metadata={"description": "inclusive; null: open"})
    reference = fields.String(allow_none=True)
    state = fields.String(
        validate=validate.OneOf(("past", "current", "future")),
        metadata={"description": "on today's date"},
    )


class EstateHistorySchema(Schema):
    estate_id = fields.Integer()
    estate_code = fields.String()
    estate_name = fields.String()
    responsibility = fields.Nested(ResponsibilitySchema, metadata={"description": "today"})
    periods = fields.List(
        fields.Nested(PeriodSchema),
        metadata={"description": "newest first; days none covers fall to the street office"},
    )
