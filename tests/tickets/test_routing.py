"""Every routing case of DOMAIN.md §3: the item's party applied to the estate on the finding date."""

from datetime import date

import pytest
import sqlalchemy as sa

from backend.places.models import Estate, Organisation
from backend.tickets.routing import route


def _org(dbsession, organisation_id):
    return dbsession.get(Organisation, organisation_id).name


CASES = [
    # estate, item party, finding date, expected organisation, basis
    ("E001", "manager", date(2025, 5, 1), "大连万家物业服务有限公司", "contract"),
    ("E003", "manager", date(2023, 6, 30), "大连海湾物业管理有限公司", "contract"),
    ("E003", "manager", date(2023, 7, 1), "大连万家物业服务有限公司", "contract"),
    ("E005", "manager", date(2022, 3, 31), "大连海湾物业管理有限公司", "contract"),
    ("E005", "manager", date(2022, 4, 1), "大连国有物业服务集团有限公司", "custody"),
    ("E010", "manager", date(2025, 5, 1), "大连公益物业托管中心", "custody"),
    ("E007", "manager", date(2025, 5, 1), "业主委员会", "custody"),
    ("E012", "manager", date(2025, 5, 1), "街道办事处", "street_fallback"),
    ("E029", "manager", date(2025, 5, 1), "街道办事处", "custody"),
    ("E001", "street_office", date(2025, 5, 1), "青泥洼桥街道办事处", "street_office"),
    ("E001", "utility:power", date(2025, 5, 1), "国网大连供电公司", "utility:power"),
    (
        "E001",
        "utility:telecom",
        date(2025, 5, 1),
        "青泥洼桥街道办事处",
        "unregistered_utility:telecom",
    ),
]


@pytest.mark.parametrize(("estate_code", "party", "day", "expected", "basis"), CASES)
def test_routing(dbsession, estate_code, party, day, expected, basis):
    estate = dbsession.scalar(sa.select(Estate).where(Estate.code == estate_code))
    target = route(estate, party, day)
    assert expected in _org(dbsession, target.organisation_id)
    assert target.basis == basis


def test_a_failed_item_becomes_a_ticket_in_the_right_inbox_at_once(
    inspect, tickets_of, client, login
):
    inspection = inspect("E001", failures=("ENV-02", "ORD-08", "PRO-07"))
    tickets = {t["item_code"]: t for t in tickets_of(inspection["id"])}
    assert set(tickets) == {"ENV-02", "ORD-08", "PRO-07"}
    firm1 = client.get("/api/me", headers=login("firm1")).json["organisation_id"]
    assert tickets["ENV-02"]["responsible_org_id"] == firm1
    assert tickets["ORD-08"]["responsible_basis"] == "utility:power"
    assert tickets["PRO-07"]["responsible_basis"] == "street_office"
    inbox = client.get("/api/tickets?page_size=100", headers=login("firm1")).json
    assert tickets["ENV-02"]["id"] in {t["id"] for t in inbox}
    assert tickets["ORD-08"]["id"] not in {t["id"] for t in inbox}
    detail = client.get(f"/api/tickets/{tickets['ENV-02']['id']}", headers=login("firm1")).json
    assert detail["state"] == "dispatched" and len(detail["photos"]) == 1
    assert detail["photos"][0]["kind"] == "before"
    assert detail["due_at"] > detail["dispatched_at"]
    assert detail["events"][0]["action"] == "dispatch"
    assert "accept" in detail["allowed_actions"]


def test_replays_of_a_submission_create_no_new_tickets(inspect, tickets_of, client, login):
    inspection = inspect("E002", failures=("ENV-02",))
    first = tickets_of(inspection["id"])
    assert len(first) == 1
    request = inspection["_request"]
    for _ in range(3):  # the phone retries the same submission
        again = client.put(
            request["path"], json=request["body"], headers=login(request["username"])
        )
        assert again.status_code == 200
    assert [t["id"] for t in tickets_of(inspection["id"])] == [first[0]["id"]]
