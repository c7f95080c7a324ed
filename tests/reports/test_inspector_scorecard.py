"""The inspector scorecard on the hand-made month of tests/reports/inspector_world.py (read its
docstring for what happened); every expected figure below is worked out by hand."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from tests.reports.inspector_world import NOW, PERIOD, build

FIGURES = (
    "tasks_due", "tasks_done", "tasks_done_late", "tasks_missed", "on_time_inspection_rate",
    "findings", "findings_confirmed", "findings_invalid", "valid_report_rate",
    "reinspections", "reinspections_on_time", "on_time_verify_rate",
    "complaints", "complaints_missed", "missed_report_rate",
    "photos", "flagged_photos", "evidence_flag_rate",
)  # fmt: skip

# inspector1 over the city (or district 210202, which holds all of their estates):
INSPECTOR1 = (
    5, 2, 1, 2, 2 / 5,  # tasks: E001 ×3 + E004 + E006; on time: Feb 4 and Feb 11 → 2 / 5
    5, 2, 1, 2 / 3,  # T1–T5; confirmed T1, T2; invalid T3 (T4 withdrawn, T5 waiting) → 2 / (2 + 1)
    2, 1, 1 / 2,  # verify T1 (on time), reject T2 (late); street1's reject is not theirs → 1 / 2
    4, 2, 1 / 2,  # C1, C2, C3, C5 at their grids' estates; missed C2, C5 → 2 / 4
    4, 2, 1 / 2,  # P1–P4 (not P5: January; not P6: superseded); flagged P1, P4 → 2 / 4
)  # fmt: skip
INSPECTOR2 = (
    1, 1, 0, 0, 1.0,  # E016 Feb 14 done → 1 / 1
    0, 0, 0, None,  # no findings: no rate, not 0
    0, 0, None,
    1, 1, 1.0,  # C4 at E016, missed → 1 / 1
    1, 0, 0.0,  # P7, not flagged → 0 / 1
)  # fmt: skip
# street1 (street 210202001: E001, E004, E005) sees inspector1's work there only:
INSPECTOR1_IN_STREET = (
    4, 2, 1, 1, 2 / 4,  # E006's missed task is in the other street → 2 / 4
    5, 2, 1, 2 / 3,
    2, 1, 1 / 2,
    3, 1, 1 / 3,  # C1, C2, C3; missed C2 → 1 / 3
    3, 1, 1 / 3,  # P1, P2, P3; flagged P1 → 1 / 3
)  # fmt: skip
GRIDS = {
    "G-210202001-01": (  # E001
        3, 1, 1, 1, 1 / 3, 5, 2, 1, 2 / 3, 2, 1, 1 / 2,
        2, 1, 1 / 2,  # C1 found, C2 missed
        3, 1, 1 / 3,
    ),
    "G-210202001-02": (  # E004, E005
        1, 1, 0, 0, 1.0, 0, 0, 0, None, 0, 0, None,
        1, 0, 0.0,  # C3: the recurrence of Feb 10 found it
        0, 0, None,
    ),
    "G-210202002-01": (1, 0, 0, 1, 0.0, 0, 0, 0, None, 0, 0, None, 1, 1, 1.0, 1, 1, 1.0),
    "G-210204001-01": (1, 1, 0, 0, 1.0, 0, 0, 0, None, 0, 0, None, 1, 1, 1.0, 1, 0, 0.0),
    "G-210204002-01": (0, 0, 0, 0, None, 0, 0, 0, None, 0, 0, None, 0, 0, None, 0, 0, None),
}  # fmt: skip


@pytest.fixture
def world(dbsession, frozen_clock):
    frozen_clock(NOW)
    return build(dbsession)


def _rows(client, login, user: str, group: str = "inspector") -> dict[str, tuple]:
    response = client.get(
        f"/api/reports/scorecards/inspectors?group={group}&{PERIOD}", headers=login(user)
    )
    assert response.status_code == 200, response.json
    return {r["code"]: tuple(r[f] for f in FIGURES) for r in response.json}


def _close(found: tuple, expected: tuple) -> bool:
    return len(found) == len(expected) and all(
        a == b if b is None or a is None else a == pytest.approx(b)
        for a, b in zip(found, expected, strict=True)
    )


def test_figures_per_inspector(client, login, world):
    rows = _rows(client, login, "admin")
    assert set(rows) == {"inspector1", "inspector2"}
    assert _close(rows["inspector1"], INSPECTOR1), rows["inspector1"]
    assert _close(rows["inspector2"], INSPECTOR2), rows["inspector2"]


def test_figures_per_grid(client, login, world):
    rows = _rows(client, login, "admin", "grid")
    for code, expected in GRIDS.items():
        assert _close(rows[code], expected), (code, rows[code])


def test_scope(client, login, world):
    # a street supervisor: only the inspectors of their street, counted on its estates
    street = _rows(client, login, "street1")
    assert set(street) == {"inspector1"}
    assert _close(street["inspector1"], INSPECTOR1_IN_STREET), street["inspector1"]
    assert set(_rows(client, login, "street1", "grid")) == {"G-210202001-01", "G-210202001-02"}
    district = _rows(client, login, "supervisor1")
    assert set(district) == {"inspector1"} and _close(district["inspector1"], INSPECTOR1)
    # an inspector: their own row only, whoever else works near them
    for who, expected in (("inspector1", INSPECTOR1), ("inspector2", INSPECTOR2)):
        own = _rows(client, login, who)
        assert set(own) == {who} and _close(own[who], expected), own
    for path in ("/api/reports/scorecards/inspectors", "/api/exports/scorecards/inspectors"):
        grid = client.get(f"{path}?group=grid&{PERIOD}", headers=login("inspector1"))
        assert grid.status_code == 403 and "group" in grid.json["errors"], grid.json
        firm = client.get(f"{path}?{PERIOD}", headers=login("firm1"))
        assert firm.status_code == 403, firm.json


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=2025-03-01&to=2025-02-01", "from"),
        ("group=street", "group"),
        ("from=2025-02-30", "from"),
    ],
)
def test_bad_input_names_the_field(client, login, query, field):
    for path in ("/api/reports/scorecards/inspectors", "/api/exports/scorecards/inspectors"):
        response = client.get(f"{path}?{query}", headers=login("admin"))
        assert response.status_code == 422, (path, response.json)
        assert field in response.json["errors"], response.json


def test_default_period_is_this_month(client, login, world):
    response = client.get("/api/reports/scorecards/inspectors", headers=login("admin"))
    assert response.status_code == 200
    # 1–20 February: the same work (nothing happened after the 20th)
    rows = {r["code"]: tuple(r[f] for f in FIGURES) for r in response.json}
    assert _close(rows["inspector1"], INSPECTOR1)


def test_export_csv_and_xlsx(client, login, world):
    base = f"/api/exports/scorecards/inspectors?{PERIOD}"
    response = client.get(base, headers=login("supervisor1"))
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert "scorecards-inspectors-20250201-20250228.csv" in disposition
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0][:3] == ["巡查员账号 (code)", "巡查员 (name)", "应巡任务 (tasks due)"]
    assert "按时巡查率% (on-time inspection %)" in rows[0]
    assert len(rows) == 2 and rows[1][0] == "inspector1"
    by_title = dict(zip(rows[0], rows[1], strict=True))
    # rates as percentages with one decimal: 2/5 → 40.0, 2/3 → 66.7, 1/2 → 50.0
    assert by_title["按时巡查率% (on-time inspection %)"] == "40.0"
    assert by_title["有效上报率% (valid reports %)"] == "66.7"
    assert by_title["按时核查率% (on-time re-inspection %)"] == "50.0"
    assert by_title["漏报率% (missed reports %)"] == "50.0"
    assert by_title["取证异常率% (evidence flags %)"] == "50.0"
    xlsx = client.get(base + "&group=grid&format=xlsx", headers=login("admin"))
    assert xlsx.status_code == 200
    assert "scorecards-inspectors-grid-20250201" in xlsx.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    values = {r[0]: list(r) for r in sheet.iter_rows(values_only=True)}
    assert sheet.title == "巡查员考评"
    header = values["网格编码 (code)"]
    empty = dict(zip(header, values["G-210204002-01"], strict=True))
    assert (
        empty["应巡任务 (tasks due)"] == 0 and empty["按时巡查率% (on-time inspection %)"] is None
    )
    first = dict(zip(header, values["G-210202001-01"], strict=True))
    assert first["按时巡查率% (on-time inspection %)"] == 33.3  # 1 / 3
    own = client.get(base, headers=login("inspector2"))
    assert own.status_code == 200
    assert [r[0] for r in csv.reader(io.StringIO(own.data.decode()[1:]))][1:] == ["inspector2"]
