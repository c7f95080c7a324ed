"""GET requests, requests/{id}: filters, status through the real lifecycle, no personal data."""

from __future__ import annotations

from datetime import timedelta

import pytest

from backend.clock import utcnow
from tests.open311.conftest import BASE, WANJIA, xml_of
from tests.open311.spec import check_errors, check_requests, textual


def _ids(response) -> list[str]:
    check_requests(response.json)
    return [row["service_request_id"] for row in response.json]


def _number(request_id: str) -> int:
    return int(request_id.rsplit("-", 1)[1])


def test_a_complaint_closes_through_the_lifecycle_and_reads_closed(post, client, act, upload):
    rid = post(description="垃圾外溢").json[0]["service_request_id"]
    (row,) = client.get(f"{BASE}/requests/{rid}.json").json
    check_requests([row])
    assert row["status"] == "open" and row["agency_responsible"] == WANJIA
    assert row["service_code"] == "garbage.overflow" and row["address_id"] == "E001"
    assert row["expected_datetime"] > row["requested_datetime"]
    assert row["status_notes"].startswith("已派遣")

    tid = _number(rid)
    assert act(tid, "accept", "firm1").status_code == 200
    assert (
        act(tid, "rectify", "firm1", photos=[upload("firm1")], reason="已清运").status_code == 200
    )
    (row,) = client.get(f"{BASE}/requests/{rid}.json").json
    assert row["status"] == "open" and row["status_notes"].endswith("已清运")
    assert act(tid, "verify", "street1", photos=[upload("street1")]).status_code == 200
    (row,) = client.get(f"{BASE}/requests/{rid}.json").json
    assert row["status"] == "closed" and row["status_notes"] == "已结案 (closed)"
    assert row["service_notice"] is None and row["updated_datetime"] >= row["requested_datetime"]
    assert xml_of(client.get(f"{BASE}/requests/{rid}.xml")) == textual([row])
    assert rid in _ids(client.get(f"{BASE}/requests.json?status=closed"))
    assert rid not in _ids(client.get(f"{BASE}/requests.json?status=open"))


def test_a_cancelled_complaint_reads_closed_with_the_reason(post, client, act):
    rid = post(description="误报").json[0]["service_request_id"]
    response = act(_number(rid), "cancel", "supervisor1", reason="重复投诉,已合并")
    assert response.status_code == 200, response.json
    (row,) = client.get(f"{BASE}/requests/{rid}.json").json
    assert (
        row["status"] == "closed" and row["status_notes"] == "已撤销 (cancelled): 重复投诉,已合并"
    )


def test_filters(post, client, inside):
    overflow = post(description="A").json[0]["service_request_id"]
    lights = post(service_code="facilities.street_light", description="B").json[0][
        "service_request_id"]  # fmt: skip
    elsewhere = post(description="C", **inside("E002")).json[0]["service_request_id"]
    everything = _ids(client.get(f"{BASE}/requests.json"))
    assert everything[:3] == [elsewhere, lights, overflow]  # newest first
    by_code = _ids(client.get(f"{BASE}/requests.json?service_code=facilities.street_light"))
    assert by_code == [lights]
    both = _ids(
        client.get(f"{BASE}/requests.json?service_code=facilities.street_light,garbage.overflow")
    )
    assert set(both) >= {lights, overflow, elsewhere}
    # service_request_id overrides the other filters; the bare number works too.
    picked = client.get(f"{BASE}/requests.json?service_request_id={overflow},{_number(lights)}"
                        "&service_code=no.such&status=closed")  # fmt: skip
    assert sorted(_ids(picked)) == sorted([overflow, lights])
    future = (utcnow() + timedelta(days=1)).isoformat()
    assert _ids(client.get(f"{BASE}/requests.json", query_string={"start_date": future})) == []
    past = (utcnow() - timedelta(days=1)).isoformat()
    window = client.get(
        f"{BASE}/requests.json", query_string={"start_date": past, "end_date": future}
    )
    assert {overflow, lights, elsewhere} <= set(_ids(window))
    rows = client.get(f"{BASE}/requests.xml?service_code=facilities.street_light")
    assert xml_of(rows) == textual(
        client.get(f"{BASE}/requests.json?service_code=facilities.street_light").json
    )


def test_by_default_the_last_ninety_days_and_at_most_1000(post, client, frozen_clock, monkeypatch):
    frozen_clock(utcnow() - timedelta(days=100))
    old = post(description="旧投诉").json[0]["service_request_id"]
    frozen_clock(None)
    recent = [post(description=f"新投诉{n}").json[0]["service_request_id"] for n in range(3)]
    listed = _ids(client.get(f"{BASE}/requests.json"))
    assert old not in listed and set(recent) <= set(listed)
    assert _ids(client.get(f"{BASE}/requests.json?service_request_id={old}")) == [old]
    from backend.open311 import services

    monkeypatch.setattr(services, "MAX_ROWS", 2)
    assert _ids(client.get(f"{BASE}/requests.json")) == recent[::-1][:2]


def test_inspection_findings_are_not_listed(inspect, tickets_of, client, post):
    inspection = inspect("E001", failures=("ENV-04",))
    (finding,) = tickets_of(inspection["id"])
    mine = post(description="居民投诉").json[0]["service_request_id"]
    listed = _ids(client.get(f"{BASE}/requests.json"))
    assert mine in listed and finding["code"] not in listed
    response = client.get(f"{BASE}/requests/{finding['code']}.json")
    assert response.status_code == 404
    check_errors(response.json, 404)


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("status=pending", "status"),
        ("start_date=yesterday", "start_date"),
        ("start_date=2026-02-30", "start_date"),
        ("start_date=2026-11-05 08:15", "start_date"),
        ("status=", "status"),
        ("status=open,", "status"),
        ("service_request_id=abc", "service_request_id"),
    ],
)
def test_bad_filters_are_400(client, query, words):
    response = client.get(f"{BASE}/requests.json?{query}")
    assert response.status_code == 400
    check_errors(response.json, 400)
    assert words in response.json[0]["description"]


def test_ranges_are_read_leniently(post, client, frozen_clock):
    """The standard limits a range to 90 days: a longer one is cut to the 90 days before its end;
    one that ends before it starts holds nothing."""
    frozen_clock(utcnow() - timedelta(days=100))
    old = post(description="一百天前").json[0]["service_request_id"]
    frozen_clock(None)
    new = post(description="今天").json[0]["service_request_id"]
    start = (utcnow() - timedelta(days=200)).isoformat()
    end = (utcnow() + timedelta(hours=1)).isoformat()
    wide = client.get(f"{BASE}/requests.json", query_string={"start_date": start, "end_date": end})
    assert wide.status_code == 200 and new in _ids(wide) and old not in _ids(wide)
    backwards = client.get(f"{BASE}/requests.json",
                           query_string={"start_date": end, "end_date": start})  # fmt: skip
    assert backwards.status_code == 200 and backwards.json == []


def test_unknown_ids_and_tokens_are_404(client):
    for path in ("requests/ZG20260101-999999.json", "requests/999999.xml", "tokens/nope.json"):
        response = client.get(f"{BASE}/{path}")
        assert response.status_code == 404, path


def test_no_personal_data_in_any_public_answer(post, client, act):
    personal = {"email": "wang.wu@example.cn", "phone": "13698765432",
                "first_name": "王", "last_name": "五五", "device_id": "device-7788",
                "account_id": "acct-31415"}  # fmt: skip
    answer = post(description="我是王五五,电话 13698765432,身份证 210202199001011234,"
                  "邮箱 wang.wu@example.cn;座机 0411-82345678", address_string="长春名苑5号楼3单元502",
                  **personal).json[0]  # fmt: skip
    rid = answer["service_request_id"]
    act(_number(rid), "dispute", "firm1", reason="请联系业主 13698765432 核实")
    bodies = []
    for fmt in ("json", "xml"):
        for path in (f"requests.{fmt}", f"requests/{rid}.{fmt}", f"tokens/{answer['token']}.{fmt}",
                     f"requests.{fmt}?service_request_id={rid}"):  # fmt: skip
            response = client.get(f"{BASE}/{path}")
            assert response.status_code == 200, path
            bodies.append(response.get_data(as_text=True))
    (row,) = client.get(f"{BASE}/requests/{rid}.json").json
    assert "***" in row["description"] and "***" in row["status_notes"]
    assert row["address"] == "大连市中山区长春路88号 长春名苑"  # the estate's, not what was typed
    secrets = [value for value in personal.values() if len(value) > 1]
    secrets += ["王五五", "210202199001011234", "82345678", "5号楼3单元502"]
    for body in bodies:
        for secret in secrets:
            assert secret not in body, secret
