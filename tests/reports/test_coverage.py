"""Coverage per grid, street, district and inspector, and each estate's state on the map, on a
hand-made set of tasks (clock pinned at 2025-02-20 12:00 Beijing; period 1–28 February).

Tasks (window close = `closes_at`, exclusive, at 00:00 Beijing of that day; grace one day more):
    E001 (grid 210202001-01) inspector1: Feb 4 done · Feb 6 done late · Feb 10 missed ·
         Feb 21 due · Mar 1 upcoming (its last day is Feb 28: in the period) ·
         Feb 1 done (its last day is Jan 31: outside)
    E004 (grid 210202001-02) inspector1: Feb 11 done
    E005 (grid 210202001-02) inspector1: Feb 17 done late (grace until Feb 18)
    E006 (grid 210202002-01, the other street) inspector1: Feb 12 missed
    E016 (grid 210204001-01, 沙河口区) inspector2: Feb 14 done · Mar 5 due (outside)
"""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from backend.accounts.models import User
from backend.checklists.calendar import SHANGHAI
from backend.checklists.models import ChecklistVersion, VersionStatus
from backend.inspections.models import Inspection, InspectionStatus
from backend.places.models import Estate
from backend.plans.models import AreaKind, Plan, PlanVersion, ScheduleKind, Task, task_assignees

PERIOD = "from=2025-02-01&to=2025-02-28"
NOW = datetime(2025, 2, 20, 12, 0, tzinfo=SHANGHAI)


def _day(month: int, day: int, hour: int = 0) -> datetime:
    return datetime(2025, month, day, hour, tzinfo=SHANGHAI)


# estate, who, window close (month, day), fulfilled (month, day, hour) or None
TASKS = [
    ("E001", "inspector1", (2, 4), (2, 3, 10)),
    ("E001", "inspector1", (2, 6), (2, 6, 9)),
    ("E001", "inspector1", (2, 10), None),
    ("E001", "inspector1", (2, 21), None),
    ("E001", "inspector1", (3, 1), None),
    ("E001", "inspector1", (2, 1), (1, 31, 9)),
    ("E004", "inspector1", (2, 11), (2, 10, 15)),
    ("E005", "inspector1", (2, 17), (2, 17, 10)),
    ("E006", "inspector1", (2, 12), None),
    ("E016", "inspector2", (2, 14), (2, 13, 11)),
    ("E016", "inspector2", (3, 5), None),
]


@pytest.fixture
def tasks(dbsession, frozen_clock):
    frozen_clock(NOW)
    checklist = dbsession.scalar(
        sa.select(ChecklistVersion.checklist_id).where(
            ChecklistVersion.status == VersionStatus.active
        )
    )
    plan = Plan(name="覆盖率测试", checklist_id=checklist)
    version = PlanVersion(
        plan=plan,
        effective_from=date(2025, 1, 1),
        area_kind=AreaKind.estates,
        estate_ids=[],
        schedule=ScheduleKind.every_n_working_days,
        every_n=1,
        window_days=1,
        grace_days=1,
    )
    dbsession.add_all([plan, version])
    dbsession.flush()
    ids = dict(dbsession.execute(sa.select(Estate.code, Estate.id)).all())
    users = dict(dbsession.execute(sa.select(User.username, User.id)).all())
    for code, who, (month, day), done in TASKS:
        closes = _day(month, day)
        task = Task(
            plan_id=plan.id,
            plan_version_id=version.id,
            estate_id=ids[code],
            checklist_id=checklist,
            opens_at=closes - timedelta(days=1),
            closes_at=closes,
            grace_until=closes + timedelta(days=1),
            fulfilled_at=_day(*done) if done else None,
        )
        dbsession.add(task)
        dbsession.flush()
        dbsession.execute(sa.insert(task_assignees).values(task_id=task.id, user_id=users[who]))
    dbsession.flush()
    return ids


def _rows(client, login, user: str, group: str) -> dict[str, tuple]:
    response = client.get(f"/api/reports/coverage?group={group}&{PERIOD}", headers=login(user))
    assert response.status_code == 200, response.json
    return {
        r["code"]: (r["due"], r["done"], r["done_late"], r["missed"], r["open"], r["coverage"])
        for r in response.json
    }


def test_counts_and_coverage_per_group(client, login, tasks):
    assert _rows(client, login, "admin", "grid") == {
        "G-210202001-01": (5, 1, 1, 1, 2, 2 / 5),
        "G-210202001-02": (2, 1, 1, 0, 0, 1.0),
        "G-210202002-01": (1, 0, 0, 1, 0, 0.0),
        "G-210204001-01": (1, 1, 0, 0, 0, 1.0),
    }
    assert _rows(client, login, "admin", "street") == {
        "210202001": (7, 2, 2, 1, 2, 4 / 7),
        "210202002": (1, 0, 0, 1, 0, 0.0),
        "210204001": (1, 1, 0, 0, 0, 1.0),
    }
    assert _rows(client, login, "admin", "district") == {
        "210202": (8, 2, 2, 2, 2, 0.5),
        "210204": (1, 1, 0, 0, 0, 1.0),
    }
    assert _rows(client, login, "admin", "inspector") == {
        "inspector1": (8, 2, 2, 2, 2, 0.5),
        "inspector2": (1, 1, 0, 0, 0, 1.0),
    }


def test_scope(client, login, dbsession, tasks):
    assert set(_rows(client, login, "street1", "grid")) == {"G-210202001-01", "G-210202001-02"}
    assert set(_rows(client, login, "supervisor1", "grid")) == {
        "G-210202001-01",
        "G-210202001-02",
        "G-210202002-01",
    }
    assert _rows(client, login, "street1", "district") == {"210202": (7, 2, 2, 1, 2, 4 / 7)}
    # an inspector sees their own row only, and only per inspector; their own tasks count even
    # where a plan sent them outside their grids (E001 is inspector1's)
    assert _rows(client, login, "inspector2", "inspector") == {"inspector2": (1, 1, 0, 0, 0, 1.0)}
    model = dbsession.scalar(sa.select(Task).where(Task.estate_id == tasks["E016"]).limit(1))
    extra = Task(
        plan_id=model.plan_id,
        plan_version_id=model.plan_version_id,
        estate_id=tasks["E001"],
        checklist_id=model.checklist_id,
        opens_at=_day(2, 17),
        closes_at=_day(2, 18),
        grace_until=_day(2, 19),
    )
    dbsession.add(extra)
    dbsession.flush()
    inspector2 = dbsession.scalar(sa.select(User.id).where(User.username == "inspector2"))
    dbsession.execute(sa.insert(task_assignees).values(task_id=extra.id, user_id=inspector2))
    assert _rows(client, login, "inspector2", "inspector") == {"inspector2": (2, 1, 0, 1, 0, 0.5)}
    grid = client.get(f"/api/reports/coverage?group=grid&{PERIOD}", headers=login("inspector1"))
    assert grid.status_code == 403 and "group" in grid.json["errors"]
    for path in ("/api/reports/coverage", "/api/exports/coverage", "/api/map/coverage"):
        refused = client.get(f"{path}?bbox=121.2,38.7,122.0,39.2", headers=login("firm1"))
        assert refused.status_code == 403, path


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("group=grid&from=2025-03-01&to=2025-02-01", "from"),
        ("group=estate", "group"),
        ("group=grid&from=2025-02-30", "from"),
    ],
)
def test_bad_input_names_the_field(client, login, query, field):
    for path in ("/api/reports/coverage", "/api/exports/coverage"):
        response = client.get(f"{path}?{query}", headers=login("admin"))
        assert response.status_code == 422, (path, response.json)
        assert field in str(response.json["errors"]), response.json


def test_export_csv_and_xlsx(client, login, tasks):
    base = f"/api/exports/coverage?group=street&{PERIOD}"
    response = client.get(base, headers=login("supervisor1"))
    assert response.status_code == 200
    assert "coverage-street-20250201-20250228.csv" in response.headers["Content-Disposition"]
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0][0] == "街道编码 (code)" and rows[0][-1] == "覆盖率% (coverage %)"
    assert [r[:1] + r[2:] for r in rows[1:]] == [
        ["210202001", "7", "2", "2", "1", "2", "57.1"],
        ["210202002", "1", "0", "0", "1", "0", "0.0"],
    ]
    xlsx = client.get(base + "&format=xlsx", headers=login("admin"))
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert sheet.title == "巡查覆盖率" and len(values) == 4
    assert values[3][:1] + values[3][2:] == ["210204001", 1, 1, 0, 0, 0, 100]


def _inspected(dbsession, estate_id: int, at: datetime) -> None:
    version = dbsession.scalar(
        sa.select(ChecklistVersion.id).where(ChecklistVersion.status == VersionStatus.active)
    )
    inspector = dbsession.scalar(sa.select(User.id).where(User.username == "inspector1"))
    dbsession.add(
        Inspection(
            id=str(uuid.uuid4()),
            estate_id=estate_id,
            checklist_version_id=version,
            inspector_id=inspector,
            status=InspectionStatus.submitted,
            started_at=at,
            finished_at=at + timedelta(minutes=30),
            submitted_at=at + timedelta(hours=1),
            body_hash="0" * 64,
        )
    )
    dbsession.flush()


def test_map_states_and_days_since(client, login, dbsession, tasks):
    chosen = [tasks[c] for c in ("E001", "E002", "E003", "E004", "E005", "E006", "E016")]
    assert not dbsession.scalar(
        sa.select(sa.func.count()).where(Inspection.estate_id.in_(chosen))
    ), "the demo world has no inspections of these estates"
    for code, at in (
        ("E001", _day(2, 6, 9)),
        ("E001", _day(2, 3, 10)),
        ("E002", _day(2, 1, 8)),
        ("E004", _day(2, 10, 15)),
        ("E005", _day(2, 17, 10)),
        ("E016", _day(2, 13, 11)),
    ):
        _inspected(dbsession, tasks[code], at)
    bbox = "bbox=121.2,38.7,122.0,39.2"
    response = client.get(f"/api/map/coverage?{bbox}", headers=login("admin"))
    assert response.status_code == 200, response.json
    found = {
        f["properties"]["code"]: (f["properties"]["coverage"], f["properties"]["days_since"])
        for f in response.json["features"]
    }
    assert {c: found[c] for c in ("E001", "E002", "E003", "E004", "E005", "E006", "E016")} == {
        "E001": ("due", 14),  # its Feb 21 task opened this morning; last seen 6 February
        "E002": ("unplanned", 19),
        "E003": ("never_inspected", None),
        "E004": ("done", 10),
        "E005": ("late", 3),
        "E006": ("never_inspected", None),  # its task was missed, and nobody ever came
        "E016": ("done", 7),
    }
    assert response.json["features"][0]["geometry"]["type"] == "MultiPolygon"
    mine = client.get(f"/api/map/coverage?{bbox}", headers=login("supervisor1")).json
    codes = {f["properties"]["code"] for f in mine["features"]}
    assert "E016" not in codes and {"E001", "E006"} <= codes
