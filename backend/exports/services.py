"""Rows for the exports: the ticket inbox (same filters and scope as GET /api/tickets), read in
keyset batches so a million tickets never sit in memory, and the scorecards."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import UnaryExpression

from backend.accounts.models import User
from backend.checklists import services as checklists
from backend.clock import SHANGHAI, utcnow
from backend.database import db
from backend.places.models import Estate, Organisation, Street
from backend.places.scope import Scope
from backend.reports import periods
from backend.reports.rates import percent
from backend.scorecards import services as scorecards
from backend.tickets import services as tickets
from backend.tickets.models import Ticket

BATCH = 2000
# An XLSX is built whole before it is sent (openpyxl writes ~5,000 rows/s on this hardware), and
# Excel holds at most 1,048,576 rows: larger exports are CSV, which streams.
XLSX_MAX_ROWS = 100_000
STATE_LABELS = {
    "dispatched": "已派遣",
    "accepted": "已受理",
    "rectified": "已整改待核查",
    "rework": "返工",
    "disputed": "有争议",
    "closed": "已结案",
    "cancelled": "已撤销",
}
SEVERITY_LABELS = {"minor": "一般", "major": "较重", "urgent": "紧急"}
SOURCE_LABELS = {"inspection": "巡查", "manual": "人工立案", "complaint": "投诉"}


def area_titles() -> dict[str, str]:
    titles: dict[str, str] = {}
    for version in checklists.active_versions():
        for area in checklists.definition_of(version).areas:
            titles.setdefault(area.key, area.title.zh)
    return titles


# --- tickets ---------------------------------------------------------------------------------

TICKET_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "ID"),
    ("code", "工单编号"),
    ("source", "来源"),
    ("estate_code", "小区编号"),
    ("estate_name", "小区"),
    ("item_code", "巡查项"),
    ("category", "类别"),
    ("area", "方面"),
    ("title", "问题"),
    ("description", "描述"),
    ("severity", "严重程度"),
    ("state", "状态"),
    ("responsible", "责任单位"),
    ("responsible_basis", "责任依据"),
    ("found_at", "发现时间"),
    ("dispatched_at", "派遣时间"),
    ("due_at", "整改期限"),
    ("due_provisional", "期限暂定"),
    ("overdue", "超期"),
    ("rectified_at", "整改时间"),
    ("closed_at", "结案时间"),
    ("rework_count", "返工次数"),
    ("recurrence_count", "复发次数"),
    ("extension_count", "延期次数"),
    ("escalation_level", "督办级别"),
)
TICKET_HEADER = [title for _key, title in TICKET_COLUMNS]
TICKET_FIELDS = (
    "id",
    "estate_id",
    "source",
    "item_code",
    "category",
    "area",
    "title",
    "description",
    "severity",
    "state",
    "responsible_org_id",
    "responsible_basis",
    "found_at",
    "dispatched_at",
    "due_at",
    "due_provisional",
    "rectified_at",
    "closed_at",
    "rework_count",
    "recurrence_count",
    "extension_count",
    "escalation_level",
)


def _sort_keys(sort: str) -> list[tuple[Any, bool]]:
    """The inbox's ORDER BY as (expression, descending) pairs, ending with the id so that the
    order is total and a batch can start strictly after the previous one's last row."""
    keys: list[tuple[Any, bool]] = []
    for clause in tickets.SORTS[sort]:
        if isinstance(clause, UnaryExpression):
            keys.append((clause.element, clause.modifier is operators.desc_op))
        else:
            keys.append((clause, False))
    if not any(expr is Ticket.id for expr, _ in keys):
        keys.append((Ticket.id, False))
    return keys


def _after(keys: Sequence[tuple[Any, bool]], last: Sequence[Any]) -> sa.ColumnElement[bool]:
    """Rows strictly after `last` in the key order (mixed directions, so no row comparison)."""
    branches = []
    for i, (expr, desc) in enumerate(keys):
        equal = [keys[j][0] == last[j] for j in range(i)]
        branches.append(sa.and_(*equal, expr < last[i] if desc else expr > last[i]))
    return sa.or_(*branches)


def ticket_rows(
    user: User, scope: Scope, f: tickets.TicketFilter, sort: str
) -> Iterator[list[Any]]:
    """The rows GET /api/tickets would list, in its order, BATCH at a time.

    The query is built now, while the request's user is loaded: the rows are read later, as the
    response streams, after the request's transaction has ended."""
    now = utcnow()  # one 'now' for the whole export, so `overdue` is consistent across batches
    keys = _sort_keys(sort)
    # Plain columns, not ORM objects: no identity map to grow, and several times faster.
    columns = sa.select(*(getattr(Ticket, name) for name in TICKET_FIELDS))
    base = tickets.filtered(columns.where(tickets.visibility(user, scope)), f, now)
    keyed = (expr.label(f"sort_key_{i}") for i, (expr, _) in enumerate(keys))
    base = base.add_columns(*keyed).order_by(
        *(expr.desc() if desc else expr.asc() for expr, desc in keys)
    )
    return _batches(base, keys, now)


def ticket_count(user: User, scope: Scope, f: tickets.TicketFilter) -> int:
    query = tickets.filtered(
        sa.select(Ticket.id).where(tickets.visibility(user, scope)), f, utcnow()
    )
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0


def _batches(base: sa.Select, keys: Sequence[tuple[Any, bool]], now: datetime) -> Iterator[list]:
    areas = area_titles()
    last: Sequence[Any] | None = None
    while True:
        query = base if last is None else base.where(_after(keys, last))
        batch = db.session.execute(query.limit(BATCH)).all()
        if not batch:
            return
        estates = _names(Estate, {t.estate_id for t in batch}, with_code=True)
        orgs = _names(Organisation, {t.responsible_org_id for t in batch})
        for ticket in batch:
            yield _ticket_row(ticket, estates, orgs, areas, now)
        last = tuple(batch[-1][len(TICKET_FIELDS) :])


def _names(model: Any, ids: set[int], *, with_code: bool = False) -> dict[int, Any]:
    columns = (model.id, model.code, model.name) if with_code else (model.id, model.name)
    rows = db.session.execute(sa.select(*columns).where(model.id.in_(ids)))
    return {row[0]: tuple(row[1:]) if with_code else row[1] for row in rows}


def _ticket_row(
    ticket: sa.Row,
    estates: dict[int, Any],
    orgs: dict[int, str],
    areas: dict[str, str],
    now: datetime,
) -> list[Any]:
    estate_code, estate_name = estates.get(ticket.estate_id, ("", ""))
    values = {
        "id": ticket.id,
        "code": Ticket.code.fget(ticket),  # type: ignore[attr-defined]
        "source": SOURCE_LABELS.get(ticket.source.value, ticket.source.value),
        "estate_code": estate_code,
        "estate_name": estate_name,
        "area": areas.get(ticket.area, ticket.area),
        "severity": SEVERITY_LABELS.get(ticket.severity, ticket.severity),
        "state": STATE_LABELS[ticket.state.value],
        "responsible": orgs.get(ticket.responsible_org_id, ""),
        "overdue": tickets.is_overdue(ticket, now),
    }
    return [
        values[key] if key in values else getattr(ticket, key) for key, _title in TICKET_COLUMNS
    ]


def tickets_of_inspection(inspection_id: str) -> list[dict[str, Any]]:
    """The tickets an inspection's failures became, for its printed report."""
    rows = db.session.execute(
        sa.select(Ticket, Organisation.name)
        .join(Organisation, Organisation.id == Ticket.responsible_org_id)
        .where(Ticket.inspection_id == inspection_id)
        .order_by(Ticket.item_code)
    )
    return [
        {
            "code": Ticket.code.fget(ticket),  # type: ignore[attr-defined]
            "item_code": ticket.item_code,
            "title": ticket.title,
            "responsible": org_name,
            "state": STATE_LABELS[ticket.state.value],
            "due_at": ticket.due_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"),
        }
        for ticket, org_name in rows
    ]


# --- scorecards ------------------------------------------------------------------------------

UNIT_COLUMNS = (
    ("due", "应结案"),
    ("deferred", "延期"),
    ("closed", "结案"),
    ("closed_on_time", "按期结案"),
    ("closure_rate", "结案率"),
    ("on_time_rate", "按期结案率"),
    ("rework_rate", "返工率"),
    ("extension_rate", "延期率"),
    ("overdue_open", "超期未结"),
    ("mean_hours_to_rectify", "平均整改工时"),
    ("p90_hours_to_rectify", "整改工时P90"),
    ("recurrences", "复发"),
    ("verifications", "核查次数"),
    ("failed_verifications", "核查未通过"),
    ("urges", "催办次数"),
    ("urges_acknowledged", "催办已确认"),
    ("mean_hours_to_acknowledge", "催办平均确认时长(小时)"),
)
LEVELS = ("firms", "estates", "streets", "districts")
SHEETS = {"firms": "责任单位", "estates": "居住小区", "streets": "街道", "districts": "区市县"}


def _area_unit_columns(level: str) -> list[tuple[str, str]]:
    label = "街道" if level == "streets" else "区市县"
    return [
        ("rank", "排名"),
        (f"{level[:-1]}_id", "ID"),
        ("code", "编码"),
        ("name", label),
        ("estates", "小区数"),
        ("mean_estate_score", "小区平均分"),
        *UNIT_COLUMNS,
        ("grade", "等级"),
    ]


def scorecard_table(
    level: str, period: periods.Period, scope: Scope
) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of one scorecard, the same figures as /api/reports/scorecards/<level>."""
    columns: list[tuple[str, str]]
    extract: Callable[[dict[str, Any], str], Any] = lambda row, key: row.get(key)  # noqa: E731
    if level == "firms":
        rows = scorecards.firm_scorecards(period, scope)
        for rank, row in enumerate(rows, start=1):
            row["rank"] = rank
        columns = [
            ("rank", "排名"),
            ("organisation_id", "ID"),
            ("name", "责任单位"),
            ("grade", "信用等级"),
            *UNIT_COLUMNS,
            ("mean_inspection_score", "巡查平均分"),
            ("evidence_flag_rate", "取证异常率"),
            ("revisit_answers", "回访数"),
            ("satisfaction_rate", "满意率"),
            ("mean_rating", "回访平均评分"),
        ]
    elif level == "estates":
        rows = scorecards.estate_scorecards(period, scope)
        streets = dict(db.session.execute(sa.select(Street.id, Street.name)).all())
        for row in rows:
            row["street"] = streets.get(row["street_id"], "")
        columns = [
            ("rank", "排名"),
            ("estate_id", "ID"),
            ("code", "小区编号"),
            ("name", "小区"),
            ("street", "街道"),
            *((f"area:{key}", title) for key, title in area_titles().items()),
            ("total", "总分"),
            ("grade", "等次"),
            ("inspected_at", "最近巡查"),
        ]

        def extract(row: dict[str, Any], key: str) -> Any:
            if key.startswith("area:"):
                return row["area_scores"].get(key.removeprefix("area:"))
            return row.get(key)

    else:
        rows = scorecards.area_scorecards(level[:-1], period, scope)
        columns = _area_unit_columns(level)
    header = [title for _key, title in columns]
    return header, [[extract(row, key) for key, _title in columns] for row in rows]


# --- coverage --------------------------------------------------------------------------------

COVERAGE_GROUP_TITLES = {"grid": "网格", "street": "街道", "district": "区", "inspector": "巡查员"}


def coverage_table(group: str, rows: list[dict[str, Any]]) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of the coverage report; the rate as a percentage with one decimal."""
    title = COVERAGE_GROUP_TITLES[group]
    header = [
        f"{title}编码 (code)",
        f"{title} (name)",
        "应巡 (due)",
        "按时完成 (done)",
        "逾期完成 (done late)",
        "漏巡 (missed)",
        "未完成 (open)",
        "覆盖率% (coverage %)",
    ]
    table = [
        [
            row["code"],
            row["name"],
            row["due"],
            row["done"],
            row["done_late"],
            row["missed"],
            row["open"],
            percent(row["coverage"]),
        ]
        for row in rows
    ]
    return header, table
