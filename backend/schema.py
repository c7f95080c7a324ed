"""The base of our API schemas: what the database cannot hold is refused at the edge, by field.

Every integer field without a range of its own gets the 32-bit one (ids and counts are INTEGER
columns, 32-bit on PostgreSQL), so `?estate_id=10**10` is a 422 naming `estate_id` (not a
database error naming nothing), and the OpenAPI document states the bound. Every integer field
also refuses a number with a fraction (WholeInteger). Every date a client sends lies in
1900–2099 (DAYS), so no day reaches a calendar computation that overflows.
"""

from __future__ import annotations

from datetime import date

import marshmallow as ma
from marshmallow import validate

INT32 = validate.Range(min=-(2**31), max=2**31 - 1)
# Days the system computes with: year 1 cannot be shifted to UTC, nor 9999-12-31 to the next
# day, and no record of the city lies outside. The pattern says it in the document (OpenAPI 3.0
# has no range for dates).
DAYS = validate.Range(
    min=date(1900, 1, 1),
    max=date(2099, 12, 31),
    error="日期须在 1900-01-01 至 2099-12-31 之间 (a date from 1900-01-01 to 2099-12-31)",
)
DAY_PATTERN = r"^(19|20)\d\d-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"


class WholeInteger(ma.fields.Integer):
    """An integer that refuses a fraction: marshmallow's Integer turns 2.5 (or 2.6e-42, found by
    the long fuzz) into 2 (or 0) silently. A whole-valued JSON number (2.0) is still 2, as JSON
    Schema's `integer` allows."""

    def _validated(self, value: object) -> int:
        if isinstance(value, float) and not value.is_integer():
            raise self.make_error("invalid", input=value)
        return super()._validated(value)


def _bounded(field: ma.fields.Field) -> None:
    if type(field) is ma.fields.Date and not field.dump_only:
        if not any(isinstance(v, validate.Range) for v in field.validators):
            field.validators = [*field.validators, DAYS]
            field.metadata = {"pattern": DAY_PATTERN, **field.metadata}
    elif isinstance(field, ma.fields.List):
        _bounded(field.inner)
    elif isinstance(field, ma.fields.Dict) and field.value_field is not None:
        _bounded(field.value_field)
    elif isinstance(field, ma.fields.Integer):
        if type(field) is ma.fields.Integer:
            field.__class__ = WholeInteger  # the same field, with the fraction check
        if not any(isinstance(v, validate.Range) and v.max is not None for v in field.validators):
            # a Range with only a minimum (ids after 0) still needs the column's maximum
            field.validators = [*field.validators, INT32]


class JsonBoolean(ma.fields.Boolean):
    """A boolean in a JSON body: true or false only. marshmallow's Boolean also takes 1, "yes"
    and "on", which the document (type: boolean) says are invalid; a client sending them has a
    bug we should name, not guess at. Query strings keep fields.Boolean ("true"/"false")."""

    truthy = frozenset({True})
    falsy = frozenset({False})

    def _deserialize(self, value: object, attr: str | None, data: object, **kwargs: object) -> bool:
        if not isinstance(value, bool):  # 1 == True in Python, so the sets alone would take 1
            raise self.make_error("invalid")
        return value


class Schema(ma.Schema):
    def on_bind_field(self, field_name: str, field_obj: ma.fields.Field) -> None:
        _bounded(field_obj)
