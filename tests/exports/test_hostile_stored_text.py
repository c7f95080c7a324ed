"""Rows stored before the text policy (written here by raw SQL, as legacy rows were) hold control
characters in every text field a writer shows: no output breaks. XLSX opens in openpyxl, the CSV
parses, Open311 JSON and XML parse strictly, and the public 公示 pages and the printed report
answer 200 without the characters."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from datetime import timedelta

import openpyxl
import pytest
import sqlalchemy as sa

from backend.clock import today
from backend.text import FORBIDDEN
from tests.open311.conftest import BASE, WANJIA, api_key, inside, post  # noqa: F401

B = "CAST(:bad AS TEXT)"  # PostgreSQL: one type for a parameter used twice
# What the issue reported, plus DEL, a C1 control and a non-character. PostgreSQL cannot store a
# NUL in text at all; SQLite can, so its leg adds one.
HOSTILE = "ctl\x01\x0b\x1bchars\x7f\x85\ufffe"
CLEANED = "ctlchars"


@pytest.fixture
def legacy(dbsession, backend_name, inspect, post, client, login):  # noqa: F811
    """A complaint, an inspection finding and a publication, then every text field they show
    overwritten with hostile text by raw SQL."""
    bad = HOSTILE + ("\x00" if backend_name == "spatialite" else "")
    inspection = inspect("E001", failures=("ENV-02",))
    filed = post(description="普通投诉")
    assert filed.status_code == 201
    number = int(filed.json[0]["service_request_id"].rsplit("-", 1)[1])
    statements = [
        f"UPDATE tickets SET title = {B}, description = {B}, category = {B}",
        f"UPDATE estates SET name = {B}, address = {B} WHERE code = 'E001'",
        f"UPDATE organisations SET name = {B} WHERE name = :wanjia",
        f"UPDATE ticket_events SET reason = {B}",
        f"UPDATE inspection_results SET note = {B}",
        f"UPDATE open311_requests SET media_url = {B}",
    ]
    for statement in statements:
        dbsession.execute(sa.text(statement), {"bad": bad, "wanjia": WANJIA})
    dbsession.flush()
    published = client.post(
        "/api/disclosures",
        json={
            "period_start": (today() - timedelta(days=7)).isoformat(),
            "period_end": (today() + timedelta(days=40)).isoformat(),
        },
        headers=login("admin"),
    )
    assert published.status_code == 201, published.json
    disclosure = published.json["id"]
    dbsession.execute(
        sa.text(f"UPDATE disclosures SET title = {B}, scope_name = {B} WHERE id = :id"),
        {"bad": bad, "id": disclosure},
    )
    dbsession.flush()
    dbsession.expire_all()
    return {"ticket": number, "disclosure": disclosure, "inspection": inspection["id"]}


def _clean_text(text: str) -> None:
    assert FORBIDDEN.search(text) is None, repr(FORBIDDEN.search(text))


def test_exports_hold_every_row(client, login, legacy):
    headers = login("admin")
    xlsx = client.get("/api/exports/tickets?format=xlsx", headers=headers)
    assert xlsx.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(xlsx.data)).active.iter_rows(values_only=True))
    cells = [str(value) for row in rows[1:] for value in row if value is not None]
    assert len(rows) == 3 and sum(CLEANED in cell for cell in cells) >= 10
    for cell in cells:
        _clean_text(cell)

    response = client.get("/api/exports/tickets?format=csv", headers=headers)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    text = response.data.decode("utf-8-sig")
    _clean_text(text.replace("\r\n", "\n"))
    table = list(csv.reader(io.StringIO(text)))
    assert len(table) == 3 and CLEANED in table[1][9]  # the description column

    # A period that holds the ticket's deadline (this month to date may not).
    period = f"from={today() - timedelta(days=7)}&to={today() + timedelta(days=40)}"
    for fmt in ("xlsx", "csv"):
        scores = client.get(f"/api/exports/scorecards/firms?format={fmt}&{period}", headers=headers)
        assert scores.status_code == 200
    book = client.get(f"/api/exports/scorecards/firms?format=xlsx&{period}", headers=headers)
    names = [r[2] for r in openpyxl.load_workbook(io.BytesIO(book.data)).active.iter_rows(
        min_row=2, values_only=True)]  # fmt: skip
    assert CLEANED in names


def test_open311_answers_stay_well_formed(client, legacy):
    as_json = client.get(f"{BASE}/requests.json")
    assert as_json.status_code == 200
    (request,) = json.loads(as_json.data.decode("utf-8"))
    assert request["description"] == CLEANED and request["service_name"] == CLEANED
    assert CLEANED in request["status_notes"] and request["agency_responsible"] == CLEANED
    as_xml = client.get(f"{BASE}/requests.xml")
    assert as_xml.status_code == 200
    root = ET.fromstring(as_xml.data)  # expat: strict, refuses any character XML cannot hold
    assert root.find("request/description").text == CLEANED
    assert root.find("request/media_url").text == CLEANED
    one = client.get(f"{BASE}/requests/{legacy['ticket']}.xml")
    assert one.status_code == 200 and ET.fromstring(one.data).find("request/address") is not None


def test_public_pages_and_the_printed_report(client, login, legacy):
    for path in ("/public/", f"/public/{legacy['disclosure']}"):
        page = client.get(path)
        assert page.status_code == 200, path
        text = page.data.decode("utf-8")
        _clean_text(text)
        assert CLEANED in text
    api = client.get(f"/api/public/disclosures/{legacy['disclosure']}")
    assert api.status_code == 200 and json.loads(api.data)["title"].startswith("ctl")
    report = client.get(f"/api/inspections/{legacy['inspection']}/report", headers=login("admin"))
    assert report.status_code == 200
    _clean_text(report.data.decode("utf-8"))
    assert CLEANED in report.data.decode("utf-8")
