"""Demo plans: every grid's estates inspected once a week (every five working days), from the
first day of the demo's six weeks, so the story's inspections fulfil, late-fulfil or miss real
tasks and inspector1 opens on a real 今日任务."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import current_app

from backend.accounts.services import find_user
from backend.database import db
from backend.places.models import Grid, Street
from backend.plans import generation
from backend.plans.models import AreaKind, Plan, PlanVersion, ScheduleKind

EVERY = 5  # working days: once a week
GRACE = 2  # working days a missed week may still be made up (done late)


def seed_plans(first_day: date, today: date, checklist_id: int) -> int:
    """A plan per grid from `first_day` and its tasks up to the horizon after `today`; returns
    how many tasks were made."""
    admin = find_user("admin")
    grids = db.session.execute(
        sa.select(Grid.id, Grid.name, Street.district_id).join(Street).order_by(Grid.code)
    ).all()
    ids = []
    for grid in grids:
        plan = Plan(
            name=f"{grid.name} 每周巡查",
            checklist_id=checklist_id,
            district_id=grid.district_id,
            created_by_id=admin.id if admin else None,
        )
        plan.versions.append(
            PlanVersion(
                effective_from=first_day,
                area_kind=AreaKind.grid,
                area_id=grid.id,
                schedule=ScheduleKind.every_n_working_days,
                every_n=EVERY,
                window_days=EVERY,
                grace_days=GRACE,
                created_by_id=admin.id if admin else None,
            )
        )
        db.session.add(plan)
        db.session.flush()
        ids.append(plan.id)
    horizon = (today - first_day).days + int(current_app.config["PLANS_HORIZON_DAYS"])
    return generation.generate(horizon, plan_ids=ids, first_day=first_day)
