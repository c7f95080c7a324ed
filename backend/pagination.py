"""Page a SELECT for flask-smorest's @paginate (which sets X-Pagination from item_count).

flask-smorest's `page` has no upper bound, so `?page=10**30` reached the database as an OFFSET no
integer holds. Its parameter schema gets one (MAX_PAGE), stated in the document and refused
(422 naming `page`) at the edge. Imported by the app factory before any route module.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import flask_smorest.pagination as fs_pagination
import sqlalchemy as sa
from marshmallow import validate

from backend.database import db

MAX_PAGE = 2**31 - 1
_smorest_schema_factory = fs_pagination._pagination_parameters_schema_factory


def _bounded_schema_factory(page: int, page_size: int, max_page_size: int) -> type:
    schema = _smorest_schema_factory(page, page_size, max_page_size)
    schema._declared_fields["page"].validators = [validate.Range(min=1, max=MAX_PAGE)]
    return schema


fs_pagination._pagination_parameters_schema_factory = _bounded_schema_factory


def paginate(query: sa.Select, pagination_parameters: Any) -> Sequence[Any]:
    count_query = sa.select(sa.func.count()).select_from(query.order_by(None).subquery())
    pagination_parameters.item_count = db.session.scalar(count_query)
    page = query.limit(pagination_parameters.page_size).offset(pagination_parameters.first_item)
    return db.session.scalars(page).all()
