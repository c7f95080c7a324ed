"""The inspector scorecard (巡查员考评): per inspector or per grid over a period, the tasks done on
time, the findings confirmed, the re-inspections made on time, the complaints nobody had found
and the photos with evidence flags. Formulas and a worked example are in the README
("Inspector scorecard"); the counts come from inspector_facts (grouped SQL) and coverage.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from backend.accounts.models import Role, User, grid_assignments
from backend.database import db
from backend.errors import Forbidden
from backend.places import services as places
from backend.places.models import Grid
from backend.places.scope import Scope
from backend.plans.coverage import coverage_counts
from backend.reports.periods import Period
from backend.scorecards import inspector_facts as facts
from backend.scorecards.formulas import ratio

GROUPS = ("inspector", "grid")
NO_GRID = "未划网格 (no grid)"


def check_access(user: User, group: str) -> int | None:
    """Supervisors and admins see their scope; an inspector only per inspector, and then only
    their own row (the id returned); firms never."""
    if user.role in (Role.supervisor, Role.admin):
        return None
    if user.role == Role.inspector and group == "inspector":
        return user.id
    raise Forbidden(
        "无权查看巡查员考评 (the inspector scorecard is for supervisors; "
        "inspectors see only their own row)",
        {"group": ["inspectors may ask only group=inspector"]},
    )


def _members(group: str, scope: Scope, only_user: int | None) -> dict[Any, tuple[str, str]]:
    """The rows there always are, with (code, name): the inspectors assigned to a grid the
    scope sees (or the one inspector), or the scope's active grids."""
    if only_user is not None:
        query = sa.select(User.id, User.username, User.display_name).where(User.id == only_user)
    elif group == "inspector":
        in_scope = sa.select(grid_assignments.c.user_id).join(
            Grid, Grid.id == grid_assignments.c.grid_id
        )
        query = sa.select(User.id, User.username, User.display_name).where(
            User.role == Role.inspector,
            User.is_active.is_(True),
            User.id.in_(in_scope.where(places.grid_visibility(scope))),
        )
    else:
        query = sa.select(Grid.id, Grid.code, Grid.name).where(
            Grid.is_active.is_(True), places.grid_visibility(scope)
        )
    return {key: (code, name or code) for key, code, name in db.session.execute(query)}


def _names(group: str, keys: set[Any]) -> dict[Any, tuple[str, str]]:
    ids = {k for k in keys if k is not None}
    if group == "inspector":
        query = sa.select(User.id, User.username, User.display_name).where(
            User.id.in_(ids), User.role == Role.inspector
        )
    else:
        query = sa.select(Grid.id, Grid.code, Grid.name).where(Grid.id.in_(ids))
    return {key: (code, name or code) for key, code, name in db.session.execute(query)}


def inspector_scorecard(
    group: str, period: Period, scope: Scope, only_user: int | None = None
) -> list[dict[str, Any]]:
    """Rows sorted by code (username or grid code), each with its counts and the five rates
    (None when a rate has nothing to count)."""
    limit = None if only_user is not None else scope
    tasks = coverage_counts(group, period, scope, only_user)
    found = facts.findings(group, period, limit, only_user)
    checks = facts.reinspections(group, period, limit, only_user)
    heard = facts.complaints(group, period, limit, only_user)
    shots = facts.photos(group, period, limit, only_user)
    members = _members(group, scope, only_user)
    active = set(tasks) | set(found) | set(checks) | set(heard) | set(shots)
    if only_user is not None:
        active &= {only_user}
    names = {**_names(group, active - set(members)), **members}
    if group == "grid" and None in active:
        names[None] = ("", NO_GRID)
    rows = []
    for key, (code, name) in names.items():
        t = tasks.get(key, {})
        due, done, late, missed = (t.get(n, 0) for n in ("due", "done", "done_late", "missed"))
        n_found, confirmed, invalid = found.get(key, (0, 0, 0))
        n_checks, checks_on_time = checks.get(key, (0, 0))
        n_heard, n_missed = heard.get(key, (0, 0))
        n_photos, flagged = shots.get(key, (0, 0))
        rows.append(
            {
                "id": key,
                "code": code,
                "name": name,
                "tasks_due": due,
                "tasks_done": done,
                "tasks_done_late": late,
                "tasks_missed": missed,
                "on_time_inspection_rate": ratio(done, due),
                "findings": n_found,
                "findings_confirmed": confirmed,
                "findings_invalid": invalid,
                "valid_report_rate": ratio(confirmed, confirmed + invalid),
                "reinspections": n_checks,
                "reinspections_on_time": checks_on_time,
                "on_time_verify_rate": ratio(checks_on_time, n_checks),
                "complaints": n_heard,
                "complaints_missed": n_missed,
                "missed_report_rate": ratio(n_missed, n_heard),
                "photos": n_photos,
                "flagged_photos": flagged,
                "evidence_flag_rate": ratio(flagged, n_photos),
            }
        )
    return sorted(rows, key=lambda row: (row["code"] == "", row["code"]))
