"""公示 with the optional coverage section (巡查覆盖率): frozen per grid and street, no people.

A plan made through the API on 2025-01-20 (clock pinned, Beijing): every working day, a one-day
window and no grace, on E001 and E004 (street 210202001, grids -01 and -02) and E006 (street
210202002), all inspector1's and in supervisor1's district 中山区. On 21 January at 10:00:
    20 Jan: E001, E004, E006 missed (their windows closed at midnight, no grace);
    21 Jan: E001 done (inspected 09:00), E004 and E006 still due (open).
"""

from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa

from backend.accounts.models import User
from backend.checklists.calendar import SHANGHAI
from tests.plans.conftest import checklist_id, estate_id, plan_body, start  # noqa: F401

PERIOD = {"period_start": "2025-01-20", "period_end": "2025-01-21"}
WITH_COVERAGE = {**PERIOD, "sections": ["coverage"]}
FIGURES = ("due", "done", "done_late", "missed", "open", "coverage")


def _at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 1, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def planned(client, login, plan_body, estate_id, inspect, frozen_clock):  # noqa: F811
    body = plan_body(estate_ids=[estate_id(code) for code in ("E001", "E004", "E006")])
    response = client.post("/api/plans", json=body, headers=login("admin"))
    assert response.status_code == 201, response.json
    frozen_clock(_at(21, 10))
    inspect("E001", started=_at(21, 9))


def _rows(rows: list[dict]) -> dict[str, tuple]:
    return {r["code"]: tuple(r[f] for f in FIGURES) for r in rows}


def test_the_coverage_section_is_frozen_when_published(
    client, login, planned, inspect, frozen_clock
):
    headers = login("supervisor1")
    published = client.post("/api/disclosures", json=WITH_COVERAGE, headers=headers)
    assert published.status_code == 201, published.json
    snap = published.json
    assert snap["sections"] == ["coverage"]
    section = snap["coverage"]
    assert _rows(section["grids"]) == {
        "G-210202001-01": (2, 1, 0, 1, 0, 0.5),
        "G-210202001-02": (2, 0, 0, 1, 1, 0.0),
        "G-210202002-01": (2, 0, 0, 1, 1, 0.0),
    }
    assert _rows(section["streets"]) == {
        "210202001": (4, 1, 0, 2, 1, 0.25),
        "210202002": (2, 0, 0, 1, 1, 0.0),
    }
    assert section["districts"] == []  # a district's publication lists no districts
    assert tuple(section["total"][f] for f in FIGURES) == (6, 1, 0, 3, 2, 1 / 6)
    grid = next(r for r in section["grids"] if r["code"] == "G-210202001-01")
    streets = {r["code"]: r["name"] for r in section["streets"]}
    assert grid["street"] == streets["210202001"]

    public_json = client.get(f"/api/public/disclosures/{snap['id']}").json
    public_html = client.get(f"/public/{snap['id']}").get_data(as_text=True)
    assert public_json["coverage"] == section
    assert "巡查覆盖率" in public_html and "各网格" in public_html and "16.7%" in public_html

    # Later the other estates are inspected and a day passes: the live coverage moves …
    inspect("E004", started=_at(21, 9, 30))
    frozen_clock(_at(22, 10))
    query = "group=grid&from=2025-01-20&to=2025-01-21"
    live = client.get(f"/api/reports/coverage?{query}", headers=headers).json
    assert _rows(live)["G-210202001-02"] == (2, 1, 0, 1, 0, 0.5)
    assert _rows(live)["G-210202002-01"] == (2, 0, 0, 2, 0, 0.0)
    # … what was published does not, in JSON or in HTML.
    assert client.get(f"/api/public/disclosures/{snap['id']}").json == public_json
    assert client.get(f"/public/{snap['id']}").get_data(as_text=True) == public_html


def test_a_street_publication_lists_its_grids_and_without_the_section_there_is_none(
    client, login, planned
):
    street = client.post("/api/disclosures", json=WITH_COVERAGE, headers=login("street1")).json
    assert _rows(street["coverage"]["grids"]) == {
        "G-210202001-01": (2, 1, 0, 1, 0, 0.5),
        "G-210202001-02": (2, 0, 0, 1, 1, 0.0),
    }
    assert street["coverage"]["streets"] == street["coverage"]["districts"] == []
    plain = client.post("/api/disclosures", json=PERIOD, headers=login("supervisor1")).json
    assert plain["sections"] == [] and "coverage" not in plain
    page = client.get(f"/public/{plain['id']}").get_data(as_text=True)
    assert "巡查覆盖率" not in page


def test_the_coverage_section_holds_no_personal_data(client, login, planned, dbsession):
    made = client.post("/api/disclosures", json=WITH_COVERAGE, headers=login("admin")).json
    assert {r["code"] for r in made["coverage"]["districts"]} >= {"210202"}
    for level in ("districts", "streets", "grids"):
        for row in made["coverage"][level]:
            assert set(row) <= {"code", "name", "street", *FIGURES}, row
    people = dbsession.execute(sa.select(User.username, User.display_name)).all()
    words = {w for row in people for w in row if w} | {"published_by", "inspector", "user_id"}
    for text in (
        client.get(f"/api/public/disclosures/{made['id']}").get_data(as_text=True),
        client.get(f"/public/{made['id']}").get_data(as_text=True),
    ):
        assert not {w for w in words if w in text}


@pytest.mark.parametrize(
    "sections", [["inspectors"], ["coverage", "people"], "coverage", [1], [None]]
)
def test_an_unknown_section_is_refused_naming_the_field(client, login, sections):
    response = client.post(
        "/api/disclosures", json={**PERIOD, "sections": sections}, headers=login("supervisor1")
    )
    assert response.status_code == 422, response.json
    assert "sections" in response.json["errors"]


def test_the_command_line_publishes_the_section(app, planned):
    runner = app.test_cli_runner()
    period = ["--start", "2025-01-20", "--end", "2025-01-21", "--street", "210202001"]
    done = runner.invoke(args=["disclosures", "publish", *period, "--section", "coverage"])
    assert done.exit_code == 0, done.output
    assert "section coverage" in done.output
    wrong = runner.invoke(args=["disclosures", "publish", "--section", "inspectors"])
    assert wrong.exit_code != 0 and "--section" in wrong.output
