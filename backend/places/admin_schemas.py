"""Request shapes for registering organisations and grids."""

from __future__ import annotations

from marshmallow import fields, validate

from backend.places.models import UTILITY_KINDS, OrgKind
from backend.places.schemas import CrsArgs, GeoJSONPolygonField
from backend.schema import JsonBoolean, Schema
from backend.text import Text

# 统一社会信用代码: 18 characters of digits and capitals without I, O, S, V, Z.
CREDIT_CODE = r"^[0-9A-HJ-NPQRTUWXY]{18}$"
PHONE = r"^[0-9+\-() ]{3,40}$"


class OrganisationFields(Schema):
    name = Text(single_line=True, validate=validate.Length(min=1, max=200))
    kind = fields.Enum(OrgKind)
    state_owned = JsonBoolean()
    charitable = JsonBoolean()
    utility_kind = fields.String(allow_none=True, validate=validate.OneOf(UTILITY_KINDS))
    credit_code = fields.String(
        allow_none=True,
        validate=validate.Regexp(CREDIT_CODE, error="18 characters: digits and capitals"),
        metadata={"pattern": CREDIT_CODE},
    )
    phone = fields.String(
        allow_none=True,
        validate=validate.Regexp(PHONE, error="digits, spaces and + - ( )"),
        metadata={"pattern": PHONE},
    )
    district_id = fields.Integer(allow_none=True)
    street_id = fields.Integer(allow_none=True)
    community_id = fields.Integer(allow_none=True)
    estate_id = fields.Integer(
        allow_none=True, metadata={"description": "seat of an owners' committee"}
    )


class OrganisationCreateSchema(OrganisationFields):
    name = Text(single_line=True, required=True, validate=validate.Length(min=1, max=200))
    kind = fields.Enum(OrgKind, required=True)
    state_owned = JsonBoolean(load_default=False)
    charitable = JsonBoolean(load_default=False)


class OrganisationUpdateSchema(OrganisationFields):
    is_active = JsonBoolean(
        metadata={"description": "false deactivates: refused (409) while it holds work"}
    )


class OrganisationListArgs(Schema):
    kind = fields.Enum(OrgKind)
    active = fields.Boolean(metadata={"description": "only active (true) or deactivated (false)"})
    managed = fields.Boolean(
        metadata={"description": "true: only those you may edit (a supervisor's jurisdiction)"}
    )


GRID_CODE = r"^[A-Za-z0-9_.\-]{1,40}$"


class GridCreateSchema(CrsArgs):
    code = fields.String(
        required=True,
        validate=validate.Regexp(GRID_CODE, error="1–40 letters, digits, _ . -"),
        metadata={"pattern": GRID_CODE},
    )
    name = Text(single_line=True, required=True, validate=validate.Length(min=1, max=100))
    street_id = fields.Integer(required=True)
    geometry = GeoJSONPolygonField(
        required=True, metadata={"description": "GeoJSON Polygon or MultiPolygon"}
    )


class GridUpdateSchema(CrsArgs):
    name = Text(single_line=True, validate=validate.Length(min=1, max=100))
    geometry = GeoJSONPolygonField(
        metadata={"description": "new outline: GeoJSON Polygon or MultiPolygon (optional)"}
    )
    is_active = JsonBoolean(
        metadata={
            "description": "false deactivates: refused (409) while inspectors or open tickets "
            "are on it"
        }
    )
