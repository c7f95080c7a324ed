"""催办 in the scorecards: urges made to a unit in the period, those it acknowledged by the period's
end and the mean hours to acknowledge, per firm and per street/district, on a hand-computed
fixture; in the exports and the stored scorecards (a stored row without them is never served)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from backend.accounts.models import User
from backend.clock import today
from backend.disclosures import services as disclosures
from backend.notifications.models import TicketUrge
from backend.places.models import Estate, Street
from backend.places.scope import Scope
from backend.reports import periods
from backend.scorecards import cache
from backend.scorecards.cache import ScorecardCache
from backend.tickets.models import Ticket

MARCH = "from=2026-03-01&to=2026-03-31"  # Beijing days: [02-28 16:00Z, 03-31 16:00Z)


def _at(day: int, hour: int, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


# (estate, urged at, acknowledged at) in UTC
FIXTURE = [
    ("E001", _at(2, 2), _at(2, 5)),  # acknowledged after 3 h
    ("E001", _at(10, 0), _at(11, 0)),  # after 24 h
    ("E001", _at(31, 15), _at(31, 17)),  # 23:00 Beijing on the 31st; acknowledged after the end
    ("E001", _at(28, 15, month=2), _at(28, 16, month=2)),  # 23:00 Beijing 28 Feb: not in March
    ("E006", _at(5, 0), None),  # never acknowledged
]
# 万家 (firm1, E001): urges 3, acknowledged 2, mean hours (3 + 24) / 2 = 13.5
# 海湾 (firm2, E006): urges 1, acknowledged 0, mean null


def _urge(dbsession, ticket_id: int, urged: datetime, acked: datetime | None) -> None:
    ticket = dbsession.get(Ticket, ticket_id)
    boss = dbsession.scalar(sa.select(User.id).where(User.username == "street1"))
    dbsession.add(
        TicketUrge(ticket_id=ticket.id, organisation_id=ticket.responsible_org_id, note="快",
                   urged_by_id=boss, urged_at=urged, acknowledged_at=acked)
    )  # fmt: skip
    dbsession.flush()


def _urged(dbsession, inspect, tickets_of) -> dict[str, dict]:
    found = {}
    for code in ("E001", "E006"):
        found[code] = tickets_of(inspect(code, failures=("ENV-02",))["id"])[0]
    for code, urged, acked in FIXTURE:
        _urge(dbsession, found[code]["id"], urged, acked)
    return found


def _by(rows, key, value):
    return next(r for r in rows if r[key] == value)


def test_urges_per_firm_and_area_by_hand(client, login, dbsession, inspect, tickets_of):
    found = _urged(dbsession, inspect, tickets_of)
    firms = client.get(f"/api/reports/scorecards/firms?{MARCH}", headers=login("admin")).json
    wanjia = _by(firms, "organisation_id", found["E001"]["responsible_org_id"])
    haiwan = _by(firms, "organisation_id", found["E006"]["responsible_org_id"])
    assert (wanjia["urges"], wanjia["urges_acknowledged"]) == (3, 2)
    assert wanjia["mean_hours_to_acknowledge"] == 13.5
    assert (haiwan["urges"], haiwan["urges_acknowledged"]) == (1, 0)
    assert haiwan["mean_hours_to_acknowledge"] is None
    assert wanjia["grade"] == haiwan["grade"] == "A"  # urges do not change the grade
    # A street supervisor sees the urges at their street's estates only.
    street = client.get(f"/api/reports/scorecards/firms?{MARCH}", headers=login("street1")).json
    assert [r["urges"] for r in street if r["urges"]] == [3]
    # Areas sum the urges at their estates.
    street_of = dict(dbsession.execute(
        sa.select(Estate.code, Street.code).join(Street, Street.id == Estate.street_id)
    ).all())  # fmt: skip
    assert (street_of["E001"], street_of["E006"]) == ("210202001", "210202002")
    streets = client.get(f"/api/reports/scorecards/streets?{MARCH}", headers=login("admin")).json
    assert _by(streets, "code", "210202001")["urges"] == 3
    assert _by(streets, "code", "210202002")["urges_acknowledged"] == 0
    districts = client.get(f"/api/reports/scorecards/districts?{MARCH}", headers=login("admin"))
    zhongshan = _by(districts.json, "code", "210202")
    assert (zhongshan["urges"], zhongshan["urges_acknowledged"]) == (4, 2)
    assert zhongshan["mean_hours_to_acknowledge"] == 13.5
    other = client.get("/api/reports/scorecards/firms?from=2026-04-01&to=2026-04-30",
                       headers=login("admin")).json  # fmt: skip
    assert all(r["urges"] == 0 for r in other)
    # The 公示 snapshot publishes them per firm.
    published = disclosures.snapshot(periods.days(date(2026, 3, 1), date(2026, 3, 31)),
                                     disclosures.city())["firms"]  # fmt: skip
    assert sorted((f["urges"], f["urges_acknowledged"]) for f in published if f["urges"]) == [
        (1, 0), (3, 2)
    ]  # fmt: skip


def test_urges_in_the_exports(client, login, dbsession, inspect, tickets_of):
    found = _urged(dbsession, inspect, tickets_of)
    answer = client.get(f"/api/exports/scorecards/firms?format=csv&{MARCH}",
                        headers=login("admin"))  # fmt: skip
    table = list(csv.reader(io.StringIO(answer.data.decode("utf-8-sig"))))
    header, rows = table[0], table[1:]
    row = next(r for r in rows if r[header.index("ID")] == str(found["E001"]["responsible_org_id"]))
    assert row[header.index("催办次数")] == "3" and row[header.index("催办已确认")] == "2"
    assert "13.5" in row[header.index("催办平均确认时长(小时)")]


def test_a_new_urge_shows_after_the_refresh(client, login, dbsession, inspect, tickets_of, app):
    ticket = tickets_of(inspect("E001", failures=("ENV-02",))["id"])[0]
    year = f"from={(today() - timedelta(days=364)).isoformat()}&to={today().isoformat()}"
    period, scope = periods.trailing_year(), Scope.all()

    def urges() -> tuple[int, bool]:
        answer = client.get(f"/api/reports/scorecards/firms?{year}", headers=login("admin"))
        unit = ticket["responsible_org_id"]
        row = next((r for r in answer.json if r["organisation_id"] == unit), {"urges": 0})
        return row["urges"], "X-Computed-At" in answer.headers  # no row: nothing to show yet

    cache.refresh([period], [scope])
    assert urges() == (0, True)
    made = client.post(f"/api/tickets/{ticket['id']}/urge", json={"note": "快"},
                       headers=login("street1"))  # fmt: skip
    assert made.status_code == 201
    assert urges() == (0, True)  # as of the last refresh, like every other ticket figure
    result = app.test_cli_runner().invoke(args=["reports", "refresh"])
    assert result.exit_code == 0, result.output
    assert urges() == (1, True)
    # Rows stored before the urge figures existed are never served: the live figures are.
    stored = dbsession.scalar(sa.select(ScorecardCache).where(ScorecardCache.scope_key == "all",
                                                              ScorecardCache.period_start == period.start))  # fmt: skip
    stored.rows = [{k: v for k, v in r.items() if k != "urges"} for r in stored.rows]
    dbsession.flush()
    assert urges() == (1, False)
