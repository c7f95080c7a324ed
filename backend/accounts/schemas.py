"""Account request and response shapes."""

from __future__ import annotations

from marshmallow import fields, validate

from backend.accounts.models import Role
from backend.accounts.services import scope_level
from backend.schema import JsonBoolean, Schema
from backend.text import Text


class LoginSchema(Schema):
    username = Text(required=True, single_line=True, validate=validate.Length(min=1, max=64))
    # A password is only ever hashed, never stored or searched: any character may be in it.
    password = fields.String(required=True, validate=validate.Length(min=1, max=256))


class GridRefSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()


class ScopeSchema(Schema):
    level = fields.String(
        metadata={
            "description": "all | city | district | street | grids | organisation | estate "
            "(业主委员会) | community (社区居委会)"
        }
    )
    district_id = fields.Integer(allow_none=True)
    street_id = fields.Integer(allow_none=True)
    organisation_id = fields.Integer(allow_none=True)
    estate_id = fields.Integer(allow_none=True)
    community_id = fields.Integer(allow_none=True)
    grids = fields.List(fields.Nested(GridRefSchema))


class UserSchema(Schema):
    id = fields.Integer(dump_only=True)
    username = fields.String()
    display_name = fields.String()
    role = fields.Enum(Role)
    organisation_id = fields.Integer(allow_none=True)
    district_id = fields.Integer(allow_none=True)
    street_id = fields.Integer(allow_none=True)
    estate_id = fields.Integer(allow_none=True, metadata={"description": "committee members"})
    community_id = fields.Integer(allow_none=True, metadata={"description": "community staff"})
    grid_ids = fields.Method("_grid_ids")
    is_active = fields.Boolean()
    must_change_password = fields.Boolean(
        metadata={"description": "an administrator reset the password: pick a new one first"}
    )
    last_login_at = fields.DateTime(allow_none=True)

    def _grid_ids(self, user) -> list[int]:
        return [grid.id for grid in user.grids]


class MeSchema(UserSchema):
    scope = fields.Method("_scope", metadata={"description": "what this user may see"})

    def _scope(self, user) -> dict:
        return ScopeSchema().dump(
            {
                "level": scope_level(user),
                "district_id": user.district_id,
                "street_id": user.street_id,
                "organisation_id": user.organisation_id,
                "estate_id": user.estate_id,
                "community_id": user.community_id,
                "grids": user.grids,
            }
        )


class TokenSchema(Schema):
    token = fields.String()
    token_type = fields.String()
    expires_at = fields.DateTime()
    user = fields.Nested(MeSchema)


PASSWORD_RULE = validate.Length(min=8, max=256)


class PasswordChangeSchema(Schema):
    current_password = fields.String(
        required=True, validate=validate.Length(min=1, max=256), load_only=True
    )
    new_password = fields.String(
        required=True,
        validate=PASSWORD_RULE,
        load_only=True,
        metadata={"description": "8–256 characters, not the current password"},
    )


class UserCreateSchema(Schema):
    username = fields.String(
        required=True,
        validate=validate.Regexp(r"^[A-Za-z0-9_.\-]{3,64}$", error="3–64 letters, digits, _ . -"),
    )
    password = fields.String(required=True, validate=PASSWORD_RULE, load_only=True)
    display_name = Text(single_line=True, validate=validate.Length(max=100))
    role = fields.Enum(Role, required=True)
    organisation_id = fields.Integer(allow_none=True)
    district_id = fields.Integer(allow_none=True)
    street_id = fields.Integer(allow_none=True)
    estate_id = fields.Integer(allow_none=True, metadata={"description": "committee: the estate"})
    community_id = fields.Integer(allow_none=True, metadata={"description": "community staff"})
    grid_ids = fields.List(fields.Integer(), load_default=list)
    must_change_password = JsonBoolean(
        load_default=False, metadata={"description": "ask for a new password at first sign-in"}
    )


class UserUpdateSchema(Schema):
    password = fields.String(
        validate=PASSWORD_RULE,
        load_only=True,
        metadata={"description": "a reset: the user must pick a new one at next sign-in"},
    )
    display_name = Text(single_line=True, validate=validate.Length(max=100))
    role = fields.Enum(Role)
    organisation_id = fields.Integer(allow_none=True)
    district_id = fields.Integer(allow_none=True)
    street_id = fields.Integer(allow_none=True)
    estate_id = fields.Integer(allow_none=True)
    community_id = fields.Integer(allow_none=True)
    grid_ids = fields.List(fields.Integer())
    is_active = JsonBoolean()


class UserListArgs(Schema):
    role = fields.Enum(Role)
    active = fields.Boolean(metadata={"description": "only active (true) or deactivated (false)"})
    q = fields.String(
        validate=validate.Length(min=1, max=64),
        metadata={"description": "part of the username or display name"},
    )
