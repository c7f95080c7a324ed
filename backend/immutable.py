"""Rows whose content must never change once stored: versions of checklists, surveys and
assessment forms (old answers stay explainable by the version they were given under), and
published 公示 (what the public read stays what it was)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa


def immutable(model: type, fields: Iterable[str], what: str) -> None:
    """Refuse (ValueError) any UPDATE of `model` that changes one of `fields`."""
    names = tuple(fields)

    @sa.event.listens_for(model, "before_update")
    def _content_is_immutable(_mapper: Any, _connection: Any, row: Any) -> None:
        state = sa.inspect(row)
        changed = [name for name in names if state.attrs[name].history.has_changes()]
        if changed:
            raise ValueError(f"{what} content is immutable, frozen once stored: {changed}")
