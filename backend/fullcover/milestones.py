"""Milestones as data: administrators add and remove them; every change is a row, never code."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from backend.database import db
from backend.errors import Conflict, NotFound, ValidationFailed
from backend.fullcover.models import CoverageMilestone
from backend.places.models import District


def add(district_id: int, target_date: date, target_percent: int, label: str) -> CoverageMilestone:
    if db.session.get(District, district_id) is None:
        raise ValidationFailed("区不存在 (no such district)", {"district_id": ["not found"]})
    taken = db.session.scalar(
        sa.select(CoverageMilestone.id).where(
            CoverageMilestone.district_id == district_id,
            CoverageMilestone.target_date == target_date,
        )
    )
    if taken is not None:
        raise Conflict(
            "该区在这一天已有目标 (this district already has a milestone on that date)",
            {"target_date": ["taken"]},
        )
    milestone = CoverageMilestone(
        district_id=district_id,
        target_date=target_date,
        target_percent=target_percent,
        label=label,
    )
    db.session.add(milestone)
    db.session.flush()
    return milestone


def remove(milestone_id: int) -> None:
    milestone = db.session.get(CoverageMilestone, milestone_id)
    if milestone is None:
        raise NotFound("目标不存在 (milestone not found)")
    db.session.delete(milestone)
    db.session.flush()


def seed_plan_targets(district_ids: list[int]) -> int:
    """The plan's targets (三(三)2) for the given districts: 60% by 2019-12-31, all by
    2020-12-31. Skips what exists; returns how many were added."""
    added = 0
    for district_id in district_ids:
        for day, percent, label in PLAN_TARGETS:
            exists = db.session.scalar(
                sa.select(CoverageMilestone.id).where(
                    CoverageMilestone.district_id == district_id,
                    CoverageMilestone.target_date == day,
                )
            )
            if exists is None:
                add(district_id, day, percent, label)
                added += 1
    return added


PLAN_TARGETS = (
    (date(2019, 12, 31), 60, "中心城区五区 2019年底覆盖率60% (plan: 60% by end of 2019)"),
    (date(2020, 12, 31), 100, "中心城区五区 2020年底全覆盖 (plan: all by end of 2020)"),
)
