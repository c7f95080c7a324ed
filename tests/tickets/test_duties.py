"""Segregation of duties: street-office staff are the unit of the estates their office holds and
supervisors of the street, yet may not grant their own extension or verify their own fix."""

import pytest


@pytest.fixture
def office_ticket(inspect, tickets_of):
    """A ticket on E001 routed to 青泥洼桥街道办事处, whose staff account is street1."""
    inspection = inspect("E001", failures=("PRO-07",))
    ticket = tickets_of(inspection["id"])[0]
    assert ticket["responsible_basis"] == "street_office"
    return ticket


def test_whoever_requested_an_extension_cannot_approve_it(office_ticket, act, client, login):
    tid = office_ticket["id"]
    asked = act(tid, "request_extension", "street1", reason="材料未到", amount=2,
                unit="working_days")  # fmt: skip
    assert asked.status_code == 200, asked.json
    assert "approve_extension" not in asked.json["allowed_actions"]
    refused = act(tid, "approve_extension", "street1")
    assert refused.status_code == 403
    assert refused.json["code"] == "segregation_of_duties"
    assert refused.json["message"].startswith("不能批准自己提出的延期申请")
    approved = act(tid, "approve_extension", "supervisor1")
    assert approved.status_code == 200 and approved.json["extension_count"] == 1


def test_whoever_rectified_cannot_verify(office_ticket, act, upload, login, client):
    tid = office_ticket["id"]
    assert act(tid, "accept", "street1").status_code == 200
    fixed = act(tid, "rectify", "street1", photos=[upload("street1")], reason="已修复")
    assert fixed.status_code == 200 and fixed.json["state"] == "rectified"
    assert "verify" not in fixed.json["allowed_actions"]
    assert "reject" in fixed.json["allowed_actions"]  # sending one's own work back is no risk
    refused = act(tid, "verify", "street1", photos=[upload("street1")])
    assert refused.status_code == 403
    assert refused.json["code"] == "segregation_of_duties"
    assert "whoever rectified a ticket cannot verify it" in refused.json["message"]
    closed = act(tid, "verify", "inspector1", photos=[upload("inspector1")])
    assert closed.status_code == 200 and closed.json["state"] == "closed"
