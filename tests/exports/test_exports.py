"""Exports open in a spreadsheet and say what the JSON endpoints say, within the same scope."""

import csv
import io
from datetime import datetime, timedelta

import openpyxl
import pytest
import sqlalchemy as sa

from backend.clock import SHANGHAI, today
from backend.exports import services as exports
from backend.places.models import Estate

HEADER = exports.TICKET_HEADER


def _csv(response) -> list[list[str]]:
    assert response.data.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the Chinese right
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def _xlsx(response) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _local(iso: str) -> datetime:
    return datetime.fromisoformat(iso).astimezone(SHANGHAI).replace(tzinfo=None, microsecond=0)


SEVERITY = {"urgent": 0, "major": 1, "minor": 2}


def _assert_same_tickets(table, listed, fmt, sort):
    assert table[0] == HEADER
    col = {key: i for i, (key, _title) in enumerate(exports.TICKET_COLUMNS)}
    rows = table[1:]
    if sort == "severity":
        # The inbox's severity order has ties (same severity and deadline) that PostgreSQL may
        # return either way; the export breaks them by id. So: sorted by those keys, same set.
        labels = {label: key for key, label in exports.SEVERITY_LABELS.items()}
        keys = [
            (SEVERITY[labels[r[col["severity"]]]], r[col["due_at"]], int(r[col["id"]]))
            for r in rows
        ]
        assert keys == sorted(keys)
        rows = sorted(rows, key=lambda r: int(r[col["id"]]))
        listed = sorted(listed, key=lambda t: t["id"])
    assert [int(r[col["id"]]) for r in rows] == [t["id"] for t in listed]  # same order too
    for row, ticket in zip(rows, listed, strict=True):
        assert row[col["code"]] == ticket["code"]
        assert row[col["state"]] == exports.STATE_LABELS[ticket["state"]]
        due = _local(ticket["due_at"])
        assert row[col["due_at"]] == (due if fmt == "xlsx" else str(due))


@pytest.fixture
def world(inspect, client, login, dbsession):
    """firm1's E001 with two findings and a hostile manual case; firm2's E002 with one."""
    inspect("E001", failures=("ENV-02", "ENV-04"))
    inspect("E002", failures=("ORD-01",))
    e001 = dbsession.scalar(sa.select(Estate.id).where(Estate.code == "E001"))
    manual = client.post(
        "/api/tickets",
        json={"estate_id": e001, "item_code": "GAR-06", "description": '=HYPERLINK("http://x")'},
        headers=login("supervisor1"),
    )
    assert manual.status_code == 201, manual.json
    return {"e001": e001, "manual": manual.json["id"]}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_ticket_export_is_the_list_with_its_filters_and_scope(client, login, world, fmt):
    parse = _csv if fmt == "csv" else _xlsx
    for username, query, sort in (
        ("supervisor1", "sort=-due", "-due"),
        ("supervisor1", f"estate_id={world['e001']}&state=dispatched&sort=severity", "severity"),
        ("firm1", "sort=due", "due"),
        ("firm2", "sort=dispatched", "dispatched"),
    ):
        headers = login(username)
        listed = client.get(f"/api/tickets?page_size=200&{query}", headers=headers).json
        response = client.get(f"/api/exports/tickets?format={fmt}&{query}", headers=headers)
        assert response.status_code == 200, response.data[:300]
        disposition = response.headers["Content-Disposition"]
        assert disposition.startswith("attachment;") and f".{fmt}" in disposition
        _assert_same_tickets(parse(response), listed, fmt, sort)
    # Scope: firm1's file has firm1's tickets only, not firm2's E002.
    col = [key for key, _ in exports.TICKET_COLUMNS].index("estate_code")
    firm1 = parse(client.get(f"/api/exports/tickets?format={fmt}", headers=login("firm1")))
    assert {r[col] for r in firm1[1:]} == {"E001"}
    assert client.get(f"/api/exports/tickets?format={fmt}").status_code == 401


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_cells_cannot_become_formulas(client, login, world, fmt):
    response = client.get(f"/api/exports/tickets?format={fmt}", headers=login("supervisor1"))
    col = [key for key, _ in exports.TICKET_COLUMNS].index("description")
    ids = [key for key, _ in exports.TICKET_COLUMNS].index("id")
    if fmt == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
        assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    rows = (_csv if fmt == "csv" else _xlsx)(response)
    hostile = next(r for r in rows[1:] if int(r[ids]) == world["manual"])
    assert hostile[col] == '\'=HYPERLINK("http://x")'


def test_big_exports_are_read_in_batches_in_the_list_order(client, login, world, monkeypatch):
    monkeypatch.setattr(exports, "BATCH", 2)  # four tickets: several batches, every sort
    headers = login("admin")
    for sort in ("due", "-due", "dispatched", "-dispatched", "severity"):
        listed = client.get(f"/api/tickets?page_size=200&sort={sort}", headers=headers).json
        response = client.get(f"/api/exports/tickets?sort={sort}", headers=headers)
        _assert_same_tickets(_csv(response), listed, "csv", sort)
        assert len(listed) == 4


# Column titles of some figures, per level (the exports are Chinese first).
TITLES = {
    "firms": {"grade": "信用等级", "due": "应结案", "closed": "结案", "overdue_open": "超期未结"},
    "estates": {"code": "小区编号", "total": "总分", "grade": "等次"},
    "streets": {"code": "编码", "due": "应结案", "mean_estate_score": "小区平均分"},
    "districts": {"code": "编码", "due": "应结案", "estates": "小区数"},
}
ID_KEYS = {"firms": "organisation_id", "estates": "estate_id", "streets": "street_id",
           "districts": "district_id"}  # fmt: skip


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_scorecard_exports_match_the_scorecards(client, login, world, inspect, fmt):
    parse = _csv if fmt == "csv" else _xlsx
    inspect("E003", failures=("GAR-06",))
    first, last = today() - timedelta(days=7), today() + timedelta(days=40)
    query = f"from={first.isoformat()}&to={last.isoformat()}"
    headers = login("supervisor1")
    for level, titles in TITLES.items():
        rows = client.get(f"/api/reports/scorecards/{level}?{query}", headers=headers).json
        response = client.get(
            f"/api/exports/scorecards/{level}?format={fmt}&{query}", headers=headers
        )
        assert response.status_code == 200
        filename = f"scorecards-{level}-{first:%Y%m%d}-{last:%Y%m%d}.{fmt}"
        assert filename in response.headers["Content-Disposition"]
        table = parse(response)
        header = table[0]
        assert header[:2] == ["排名", "ID"] and len(table) == len(rows) + 1
        for exported, row in zip(table[1:], rows, strict=True):
            assert str(exported[1]) == str(row[ID_KEYS[level]])
            for key, title in titles.items():
                expected = row[key]
                if fmt == "csv":
                    expected = "" if expected is None else str(expected)
                assert exported[header.index(title)] == expected, (level, key)
            if level == "estates":  # the five area scores get a column each
                scores = [exported[header.index(name)] for name in ("环境卫生", "垃圾管理")]
                wanted = [row["area_scores"].get(k) for k in ("sanitation", "garbage")]
                assert scores == (
                    [("" if w is None else str(w)) for w in wanted] if fmt == "csv" else wanted
                )
    assert client.get(f"/api/exports/scorecards/people?{query}", headers=headers).status_code == 404
    assert client.get(f"/api/exports/scorecards/firms?{query}").status_code == 401


def test_the_csv_streams_after_the_request_has_committed(client, login, world, monkeypatch):
    """Rows are read while the response streams, after the request boundary has committed and
    let go of what it loaded (the signed-in user included)."""
    from backend.database import db

    headers = login("firm1")
    listed = client.get("/api/tickets?page_size=200", headers=headers).json
    commit = db.session.commit

    def commit_and_let_go() -> None:
        commit()
        db.session.expire_all()
        db.session.expunge_all()

    monkeypatch.setattr(db.session, "commit", commit_and_let_go)
    response = client.get("/api/exports/tickets", headers=headers)
    _assert_same_tickets(_csv(response), listed, "csv", "due")


def test_xlsx_refuses_more_rows_than_it_can_build_in_time(client, login, world, monkeypatch):
    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 3)  # supervisor1 sees four tickets
    headers = login("supervisor1")
    refused = client.get("/api/exports/tickets?format=xlsx", headers=headers)
    assert refused.status_code == 422 and "CSV" in refused.json["message"]
    assert client.get("/api/exports/tickets?format=csv", headers=headers).status_code == 200
    narrowed = client.get("/api/exports/tickets?format=xlsx&severity=minor", headers=headers)
    assert narrowed.status_code == 200
