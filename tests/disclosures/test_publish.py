"""公示: publishing freezes a period's figures; the public reads them without a token."""

from datetime import timedelta

import sqlalchemy as sa

from backend.accounts.models import User
from backend.clock import today
from backend.disclosures.models import Disclosure


def _firm1(client, login) -> str:
    org = client.get("/api/me", headers=login("firm1")).json["organisation_id"]
    # Up to a year ahead: the firm's only tickets may fall due after today.
    until = (today() + timedelta(days=365)).isoformat()
    query = f"from=2000-01-01&to={until}"
    rows = client.get(f"/api/reports/scorecards/firms?{query}", headers=login("admin")).json
    return next((r["name"] for r in rows if r["organisation_id"] == org), None) or org


def _firm_row(rows, name):
    return next(r for r in rows if r["name"] == name)


def test_publishing_freezes_the_figures(client, login, inspect, tickets_of, walk, period):
    first = inspect("E001", failures=("ENV-02", "ENV-04"))
    ids = {t["item_code"]: t["id"] for t in tickets_of(first["id"])}
    headers = login("supervisor1")
    published = client.post("/api/disclosures", json=period, headers=headers)
    assert published.status_code == 201, published.json
    snap = published.json
    assert snap["scope"] == {"level": "district", "name": "中山区"} and snap["version"] == 1
    name = _firm1(client, login)
    row = _firm_row(snap["firms"], name)
    assert (row["due"], row["closed"], row["grade"]) == (2, 0, row["grade"])
    estates = {e["code"]: e for e in snap["estates"]}
    assert estates["E001"]["total"] == first["total_score"] and estates["E002"]["total"] is None
    public_json = client.get(f"/api/public/disclosures/{snap['id']}").json
    public_html = client.get(f"/public/{snap['id']}").get_data(as_text=True)
    assert public_json["firms"] == snap["firms"] and name in public_html

    # Later work through the real transitions, and a new inspection of another estate …
    walk(ids["ENV-02"], "accept", "rectify", "verify")
    walk(ids["ENV-04"], "accept", "rectify", "reject")
    inspect("E002")

    # … changes the live scorecards …
    query = f"from={period['period_start']}&to={period['period_end']}"
    live = client.get(f"/api/reports/scorecards/firms?{query}", headers=headers).json
    live_row = next(r for r in live if r["name"] == name)
    assert (live_row["closed"], live_row["verifications"], live_row["failed_verifications"]) == (
        1,
        2,
        1,
    )
    live_estates = client.get(f"/api/reports/scorecards/estates?{query}", headers=headers).json
    assert next(e for e in live_estates if e["code"] == "E002")["total"] == 100.0
    # … but not what was published, in JSON or in HTML.
    assert client.get(f"/api/public/disclosures/{snap['id']}").json == public_json
    assert client.get(f"/public/{snap['id']}").get_data(as_text=True) == public_html
    assert _firm_row(public_json["firms"], name)["closed"] == 0


def test_public_pages_need_no_token_and_hold_no_personal_data(
    client, login, inspect, dbsession, period
):
    inspect("E001", failures=("ENV-02",))
    inspect("E004", failures=("ORD-01",), username="inspector1")
    made = client.post("/api/disclosures", json=period, headers=login("admin")).json
    listing = client.get("/api/public/disclosures")
    assert listing.status_code == 200 and listing.json[0]["id"] == made["id"]
    assert "X-Pagination" in listing.headers
    detail = client.get(f"/api/public/disclosures/{made['id']}")
    page = client.get(f"/public/{made['id']}")
    index = client.get("/public/")
    assert detail.status_code == page.status_code == index.status_code == 200
    assert page.mimetype == "text/html" and "<script" not in page.get_data(as_text=True)
    assert made["title"] in index.get_data(as_text=True)
    people = dbsession.execute(sa.select(User.username, User.display_name)).all()
    words = {w for row in people for w in row if w} | {"published_by", "inspector", "phone"}
    for text in (
        listing.get_data(as_text=True),
        detail.get_data(as_text=True),
        page.get_data(as_text=True),
    ):
        leaked = {w for w in words if w in text}
        assert not leaked, leaked
    assert "user_id" not in detail.json and "organisation_id" not in str(detail.json["firms"])
    assert client.get("/api/public/disclosures/999999").status_code == 404
    assert client.get("/public/999999").status_code == 404


def test_only_supervisors_and_admins_publish(client, login, period):
    assert client.post("/api/disclosures", json=period).status_code == 401
    assert client.get("/api/disclosures").status_code == 401
    for username in ("inspector1", "firm1"):
        headers = login(username)
        assert client.post("/api/disclosures", json=period, headers=headers).status_code == 403
        assert client.get("/api/disclosures", headers=headers).status_code == 403
    bad = {"period_start": period["period_end"], "period_end": period["period_start"]}
    assert client.post("/api/disclosures", json=bad, headers=login("admin")).status_code == 422


def test_republishing_makes_a_new_version_that_supersedes(client, login, inspect, period):
    headers = login("street1")
    first = client.post("/api/disclosures", json=period, headers=headers).json
    inspect("E002")
    second = client.post("/api/disclosures", json=period, headers=headers).json
    assert (second["version"], second["supersedes_id"]) == (2, first["id"])
    # A street's publication covers its estates and ranks no streets or districts.
    assert second["scope"]["level"] == "street" and second["streets"] == second["districts"] == []
    totals = [{e["code"]: e["total"] for e in d["estates"]} for d in (first, second)]
    assert (totals[0]["E002"], totals[1]["E002"]) == (None, 100.0)
    old = client.get(f"/api/public/disclosures/{first['id']}").json
    assert old["superseded_by_id"] == second["id"] and old["estates"] == first["estates"]
    listed = [d["id"] for d in client.get("/api/public/disclosures").json]
    assert second["id"] in listed and first["id"] not in listed
    notice = client.get(f"/public/{first['id']}").get_data(as_text=True)
    assert f'href="/public/{second["id"]}"' in notice
    # Internal list: the street's own publications, both versions; a district's are not its own.
    district = client.post("/api/disclosures", json=period, headers=login("supervisor1")).json
    own = [d["id"] for d in client.get("/api/disclosures", headers=headers).json]
    assert first["id"] in own and second["id"] in own and district["id"] not in own
    everything = [d["id"] for d in client.get("/api/disclosures", headers=login("admin")).json]
    assert {first["id"], second["id"], district["id"]} <= set(everything)


def test_published_rows_cannot_be_rewritten(client, login, dbsession, period):
    made = client.post("/api/disclosures", json=period, headers=login("admin")).json
    disclosure = dbsession.get(Disclosure, made["id"])
    disclosure.snapshot = {"firms": []}
    try:
        dbsession.flush()
    except ValueError as error:
        assert "frozen" in str(error)
    else:
        raise AssertionError("a published snapshot was rewritten")
    finally:
        dbsession.rollback()


def test_cli_publishes_a_district_for_cron(app, dbsession, client, period):
    runner = app.test_cli_runner()
    args = ["disclosures", "publish", "--start", period["period_start"]]
    result = runner.invoke(args=[*args, "--end", period["period_end"], "--district", "210202"])
    assert result.exit_code == 0, result.output
    assert "version 1" in result.output
    listed = client.get("/api/public/disclosures").json
    assert listed[0]["scope"] == {"level": "district", "name": "中山区"}
    again = runner.invoke(args=[*args, "--end", period["period_end"], "--district", "210202"])
    assert again.exit_code == 0 and "version 2" in again.output
    wrong = runner.invoke(args=[*args, "--end", period["period_end"], "--district", "999"])
    assert wrong.exit_code != 0 and "no district" in wrong.output


def test_the_app_fallback_leaves_public_pages_alone(client, monkeypatch, tmp_path):
    from backend import web

    (tmp_path / "index.html").write_text("<!doctype html><title>app shell</title>")
    monkeypatch.setattr(web, "PWA_DIST", tmp_path)
    assert "app shell" in client.get("/inspect/abc").get_data(as_text=True)
    missing = client.get("/public/not-a-number")
    assert missing.status_code == 404 and "app shell" not in missing.get_data(as_text=True)
    assert "app shell" not in client.get("/public/").get_data(as_text=True)
