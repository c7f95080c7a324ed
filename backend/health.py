"""`GET /api/health`: is the service up and can it reach its database?"""

from __future__ import annotations

import marshmallow as ma
import sqlalchemy as sa
from flask_smorest import Blueprint
from sqlalchemy.exc import DBAPIError

from backend.database import backend_name, db
from backend.errors import AppError
from backend.schema import Schema

blp = Blueprint("health", __name__, url_prefix="/api/health", description="Service health")


class HealthSchema(Schema):
    status = ma.fields.String()
    database = ma.fields.String()


class Unavailable(AppError):
    status = 503


@blp.route("")
@blp.response(200, HealthSchema)
def health() -> dict[str, str]:
    """Liveness and database reachability (no authentication)."""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except DBAPIError as exc:
        db.session.rollback()
        raise Unavailable(
            "数据库不可用 (database unreachable)", headers={"Retry-After": "5"}
        ) from exc
    return {"status": "ok", "database": backend_name()}
