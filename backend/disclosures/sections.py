"""Optional sections of a publication (公示), asked for with `sections` when publishing.

`coverage` (巡查覆盖率): the inspection tasks due in the period and how many were done on time,
done late, missed or are still open, per grid, and per street (and district) above a street's
publication, with the jurisdiction's total. Counted by `backend.plans.coverage` (one definition)
and frozen with the rest of the snapshot. Per place only: never per inspector (public pages hold
no personal data).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from backend.database import db
from backend.fullcover.disclosure import fullcover_section
from backend.kaoping.disclosure import kaoping_section
from backend.places.models import Grid, Street
from backend.places.scope import Scope
from backend.plans import coverage
from backend.reports import periods
from backend.scorecards.formulas import ratio
from backend.surveys.disclosure import owner_survey_section
from backend.watchlist import ranking as kaohe

SECTIONS = ("coverage",)
# The groups published per jurisdiction level, widest first; grids always.
COVERAGE_GROUPS = {
    "city": ("district", "street", "grid"),
    "district": ("street", "grid"),
    "street": ("grid",),
}


def _figures(row: dict[str, Any]) -> dict[str, Any]:
    return {name: row[name] for name in (*coverage.COUNTS, "coverage")}


def _total(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The jurisdiction's total: the grid rows split its tasks (estates without a grid included)."""
    counts = {name: sum(row[name] for row in rows) for name in coverage.COUNTS}
    return {**counts, "coverage": ratio(counts["done"] + counts["done_late"], counts["due"])}


def _grid_streets(grid_ids: list[int]) -> dict[int, str]:
    return dict(
        db.session.execute(
            sa.select(Grid.id, Street.name)
            .join(Street, Street.id == Grid.street_id)
            .where(Grid.id.in_(grid_ids))
        ).all()
    )


def coverage_section(period: periods.Period, level: str, scope: Scope) -> dict[str, Any]:
    """Coverage rows per place of the jurisdiction, as the public may read them (no ids)."""
    section: dict[str, Any] = {}
    for group in COVERAGE_GROUPS[level]:
        rows = coverage.coverage_report(group, period, scope)
        published = [{"code": r["code"], "name": r["name"], **_figures(r)} for r in rows]
        if group == "grid":
            streets = _grid_streets([r["id"] for r in rows if r["id"] is not None])
            for row, source in zip(published, rows, strict=True):
                row["street"] = streets.get(source["id"], "")
            section["total"] = _total(published)
        section[f"{group}s"] = published
    for group in ("district", "street"):
        section.setdefault(f"{group}s", [])
    return section


def build(
    sections: tuple[str, ...], period: periods.Period, level: str, scope: Scope
) -> dict[str, Any]:
    """The snapshot's optional parts: `sections` (what was asked) and one key per section."""
    body: dict[str, Any] = {"sections": list(sections)}
    if "coverage" in sections:
        body["coverage"] = coverage_section(period, level, scope)
    for name, section in REGISTERED.items():
        if name in sections:
            body[name] = section(period, level, scope)
    return body


# Sections defined in their own packages: name → (period, level, scope) → the frozen part.
REGISTERED: dict[str, Callable[[periods.Period, str, Scope], dict[str, Any]]] = {}
REGISTERED["owner_survey"] = owner_survey_section  # 业主满意度评价 (backend/surveys/disclosure.py)
REGISTERED["fullcover"] = fullcover_section  # 物业管理全覆盖 (backend/fullcover/disclosure.py)
REGISTERED["kaohe"] = kaohe.section  # 考核 ranking (backend/watchlist/ranking.py)
REGISTERED["kaoping"] = (
    kaoping_section  # 考评 grades, firms' 信用等级 (backend/kaoping/disclosure.py)
)
SECTIONS = (*SECTIONS, *REGISTERED)
