"""Builders for inspection requests made from the real standard checklist."""

from __future__ import annotations

import hashlib
import io
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from geoalchemy2.shape import to_shape
from PIL import Image

from backend.checklists.definition import ChoiceAnswer, Item, NumberAnswer
from backend.checklists.models import ChecklistVersion, VersionStatus
from backend.checklists.services import definition_of
from backend.places.models import Estate


def passing(item: Item) -> Any:
    spec = item.answer
    if isinstance(spec, NumberAnswer):
        value = spec.pass_min if spec.pass_min is not None else (spec.min or 0)
        return int(value) if spec.integer else value
    if isinstance(spec, ChoiceAnswer):
        return next(o.value for o in spec.options if o.passes)
    return "pass"


def failing(item: Item) -> Any:
    spec = item.answer
    if isinstance(spec, NumberAnswer):
        value = spec.pass_max + 1 if spec.pass_max is not None else spec.pass_min - 1
        return int(value) if spec.integer else value
    if isinstance(spec, ChoiceAnswer):
        return next(o.value for o in spec.options if not o.passes)
    return "fail"


def jpeg(seed: int = 0, size: tuple[int, int] = (64, 48)) -> bytes:
    """A small distinct picture (different seeds give perceptually different images)."""
    image = Image.new("RGB", size, (seed * 37 % 256, seed * 91 % 256, seed * 53 % 256))
    for x in range(0, size[0], 8):
        for y in range(0, size[1], 8):
            if (x // 8 + y // 8 + seed) % (2 + seed % 3) == 0:
                image.paste((255 - seed % 256, 20, 200), (x, y, x + 8, y + 8))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def version(dbsession) -> ChecklistVersion:
    return dbsession.scalar(
        sa.select(ChecklistVersion).where(ChecklistVersion.status == VersionStatus.active)
    )


@pytest.fixture
def definition(version):
    return definition_of(version)


@pytest.fixture
def estate(dbsession) -> Estate:
    """E001, in inspector1's grid, managed by firm1."""
    return dbsession.scalar(sa.select(Estate).where(Estate.code == "E001"))


@pytest.fixture
def inside(estate) -> dict[str, float]:
    point = to_shape(estate.boundary).representative_point()
    return {"lat": point.y, "lng": point.x, "accuracy_m": 8.0}


@pytest.fixture
def make_body(version, definition, estate, inside) -> Callable[..., dict[str, Any]]:
    def _make(
        status: str = "submitted",
        failures: dict[str, dict[str, Any]] | None = None,
        started: datetime | None = None,
        skip: tuple[str, ...] = (),
        **overrides: Any,
    ) -> dict[str, Any]:
        started = started or datetime.now(UTC) - timedelta(hours=1)
        failures = failures or {}
        results = []
        for item in definition.items:
            if item.code in skip:
                continue
            row: dict[str, Any] = {"item_code": item.code, "answer": passing(item)}
            if item.code in failures:
                row.update(answer=failing(item), note="发现问题", **failures[item.code])
            results.append(row)
        body = {
            "estate_id": estate.id,
            "checklist_version_id": version.id,
            "status": status,
            "started_at": started.isoformat(),
            "finished_at": (started + timedelta(minutes=40)).isoformat(),
            "position": inside,
            "results": results,
        }
        body.update(overrides)
        return body

    return _make


@pytest.fixture
def new_id() -> Callable[[], str]:
    return lambda: str(uuid.uuid4())
