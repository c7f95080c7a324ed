"""/api/open311-keys: administrators issue, rename and revoke the channels' keys (as `flask
open311 create-key`, `list-keys` and `revoke-key` do, through the same service)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from backend.accounts.auth import auth_required
from backend.accounts.models import Role
from backend.open311 import keys
from backend.open311.key_schemas import (
    ApiKeyCreateSchema,
    ApiKeySchema,
    ApiKeyUpdateSchema,
    IssuedKeySchema,
)
from backend.open311.models import ApiKey

blp = Blueprint(
    "open311_keys",
    __name__,
    url_prefix="/api/open311-keys",
    description="Open311 channel keys (admin)",
)


@blp.route("")
class Keys(MethodView):
    @auth_required(Role.admin)
    @blp.response(200, ApiKeySchema(many=True))
    def get(self) -> list[ApiKey]:
        """Every channel and whether its key is active (the keys themselves are not stored)."""
        return keys.all_keys()

    @auth_required(Role.admin)
    @blp.arguments(ApiKeyCreateSchema)
    @blp.response(201, IssuedKeySchema)
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Issue a key for a channel. The answer holds the key itself, this once: only its
        SHA-256 is kept. A name in use (even by a revoked key) is a 409."""
        row, key = keys.create_key(data["name"])
        fields = ("id", "name", "active", "created_at", "revoked_at")
        return {**{name: getattr(row, name) for name in fields}, "key": key}


@blp.route("/<int:key_id>")
class KeyById(MethodView):
    @auth_required(Role.admin)
    @blp.arguments(ApiKeyUpdateSchema)
    @blp.response(200, ApiKeySchema)
    def patch(self, data: dict[str, Any], key_id: int) -> ApiKey:
        """Rename a channel; its key stays the same."""
        return keys.rename_key(keys.get_key(key_id), data["name"])


@blp.route("/<int:key_id>/revoke", methods=["POST"])
@auth_required(Role.admin)
@blp.response(200, ApiKeySchema)
def revoke(key_id: int) -> ApiKey:
    """Revoke a key: the channel's posts are refused (403) from now on. This is not undone; a
    channel gets a new key instead."""
    return keys.revoke(keys.get_key(key_id))
