"""Ticket codes carry the Beijing date of dispatch; a code with the wrong date finds nothing."""

from datetime import UTC, datetime

from backend.tickets.codes import parse_ticket_ref, ticket_code
from tests.open311.conftest import BASE, api_key, inside, post  # noqa: F401


def test_a_ticket_dispatched_at_half_past_midnight_beijing_time_carries_that_date(
    post,  # noqa: F811
    client,
    frozen_clock,
):
    frozen_clock(datetime(2026, 12, 3, 16, 30, tzinfo=UTC))  # 2026-12-04 00:30 in Dalian
    code = post(description="夜间垃圾外溢").json[0]["service_request_id"]
    number = code.rsplit("-", 1)[1]
    assert code == f"ZG20261204-{number}"
    (row,) = client.get(f"{BASE}/requests/{code}.json").json
    assert row["service_request_id"] == code
    assert client.get(f"{BASE}/requests/{int(number)}.json").status_code == 200

    utc_dated = f"ZG20261203-{number}"  # the UTC date: the old, wrong code
    assert client.get(f"{BASE}/requests/{utc_dated}.json").status_code == 404
    listed = client.get(f"{BASE}/requests.json?service_request_id={utc_dated}").json
    assert listed == []
    listed = client.get(f"{BASE}/requests.json?service_request_id={code},{utc_dated}").json
    assert [r["service_request_id"] for r in listed] == [code]


def test_codes_parse_and_print_in_beijing_time():
    moment = datetime(2026, 12, 31, 16, 0, tzinfo=UTC)  # 2027-01-01 00:00 in Dalian
    assert ticket_code(91, moment) == "ZG20270101-000091"
    ref = parse_ticket_ref("ZG20270101-000091")
    assert ref is not None and ref.matches(91, moment)
    assert not parse_ticket_ref("ZG20261231-000091").matches(91, moment)  # type: ignore[union-attr]
    assert parse_ticket_ref("91").matches(91, moment)  # type: ignore[union-attr]
    impossible = parse_ticket_ref("ZG20261332-000091")  # no 32 December: a claim nothing meets
    assert impossible is not None and not impossible.matches(91, moment)
    assert parse_ticket_ref("XX-1") is None
