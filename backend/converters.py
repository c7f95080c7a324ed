"""URL converters that say in the OpenAPI document what the server accepts in a path.

- `int` is werkzeug's, bounded to a database id (32-bit INTEGER): a larger number matches no
  route (404), instead of reaching the database as a value no column can hold.
- `sha256` and `uuid` match any segment (but a sibling resource's name), so a malformed one
  still reaches the service, which answers 422 naming the field; the document states the
  pattern or format it must have.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_smorest import Api
from flask_smorest.spec.plugins import integerconverter2paramschema
from werkzeug.routing import BaseConverter, IntegerConverter, Map

MAX_ID = 2**31 - 1  # INTEGER: 32-bit on PostgreSQL (SQLite's would hold more)
SHA256_PATTERN = "^[0-9a-f]{64}$"


class BoundedInt(IntegerConverter):
    def __init__(
        self,
        map: Map,
        fixed_digits: int = 0,
        min: int | None = None,
        max: int | None = MAX_ID,
        signed: bool = False,
    ) -> None:
        super().__init__(map, fixed_digits, min, max, signed)


class Sha256(BaseConverter):
    """A photo's content hash (lowercase hex); checked by the photo service. Never the name of
    a sibling resource (`/api/photos/uploads`): `PUT /api/photos/uploads` is a method that
    resource lacks (405), not a malformed hash (422)."""

    regex = r"(?!uploads(?:/|$))[^/]+"


class Uuid(BaseConverter):
    """A client-made UUID; checked (and normalised) by the inspection service."""


def _sha256_schema(converter: Any) -> dict[str, Any]:
    return {"type": "string", "pattern": SHA256_PATTERN}


def _uuid_schema(converter: Any) -> dict[str, Any]:
    return {"type": "string", "format": "uuid"}


def register(app: Flask, api: Api) -> None:
    """Before any blueprint is registered: rules pick their converter when they are added."""
    app.url_map.converters.update({"int": BoundedInt, "sha256": Sha256, "uuid": Uuid})
    api.register_converter(BoundedInt, integerconverter2paramschema)
    api.register_converter(Sha256, _sha256_schema)
    api.register_converter(Uuid, _uuid_schema)
