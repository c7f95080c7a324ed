"""Page a SELECT for flask-smorest's @paginate (which sets X-Pagination from item_count)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from backend.database import db


def paginate(query: sa.Select, pagination_parameters: Any) -> Sequence[Any]:
    count_query = sa.select(sa.func.count()).select_from(query.order_by(None).subquery())
    pagination_parameters.item_count = db.session.scalar(count_query)
    page = query.limit(pagination_parameters.page_size).offset(pagination_parameters.first_item)
    return db.session.scalars(page).all()
