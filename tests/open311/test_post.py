"""POST requests: a complaint becomes a routed ticket, once; bad posts write nothing."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
import sqlalchemy as sa
from geoalchemy2.shape import to_shape

from backend.clock import utcnow
from backend.open311.models import ApiKey, ServiceRequest
from backend.places.models import Estate, Organisation
from backend.tickets.models import Ticket, TicketEvent, TicketSource, TicketState
from tests.open311.conftest import BASE, WANJIA, xml_of
from tests.open311.spec import check_errors, check_post_answer, check_token_answer, textual


def _ticket(dbsession, answer) -> Ticket:
    number = int(answer[0]["service_request_id"].rsplit("-", 1)[1])
    return dbsession.get(Ticket, number)


def test_a_complaint_inside_an_estate_becomes_a_ticket_routed_to_its_firm(post, dbsession, client):
    response = post(description="3号楼垃圾桶满溢", email="li@example.cn", phone="13912345678",
                    first_name="李", last_name="四", media_url="https://12345.example/p/1.jpg")  # fmt: skip
    assert response.status_code == 201
    check_post_answer(response.json)
    ticket = _ticket(dbsession, response.json)
    assert ticket.source is TicketSource.complaint and ticket.state is TicketState.dispatched
    assert ticket.category == "garbage.overflow" and ticket.description == "3号楼垃圾桶满溢"
    assert dbsession.get(Estate, ticket.estate_id).code == "E001"
    assert dbsession.get(Organisation, ticket.responsible_org_id).name == WANJIA
    assert ticket.position is not None and ticket.due_at > ticket.dispatched_at
    assert WANJIA in response.json[0]["service_notice"]
    dispatch = dbsession.scalar(sa.select(TicketEvent).where(TicketEvent.ticket_id == ticket.id))
    assert dispatch.action == "dispatch" and dispatch.data["channel"] == "12345热线"
    record = dbsession.scalar(
        sa.select(ServiceRequest).where(ServiceRequest.ticket_id == ticket.id)
    )
    assert (record.email, record.phone, record.first_name) == ("li@example.cn", "13912345678", "李")
    assert record.media_url == "https://12345.example/p/1.jpg"
    token = client.get(f"{BASE}/tokens/{response.json[0]['token']}.json")
    assert token.status_code == 200
    check_token_answer(token.json)
    assert token.json[0]["service_request_id"] == response.json[0]["service_request_id"]


def test_xml_post_answers_xml(post, dbsession, client):
    response = post(fmt="xml", description="XML 渠道")
    assert response.status_code == 201
    (answer,) = xml_of(response)
    assert set(answer) == {"service_request_id", "service_notice", "account_id", "token"}
    assert answer["account_id"] == "" and answer["service_request_id"].startswith("ZG")
    again = client.get(f"{BASE}/tokens/{answer['token']}.xml")
    assert xml_of(again) == textual([{"service_request_id": answer["service_request_id"],
                                      "token": answer["token"]}])  # fmt: skip


def test_an_identical_repeat_within_ten_minutes_creates_nothing(post, written, frozen_clock):
    first = post(description="重复提交", phone="13800000000")
    before = written()
    again = post(description="重复提交", phone="13800000000")
    assert first.status_code == 201 and again.status_code == 200
    assert again.json == first.json and written() == before
    other = post(description="重复提交,补充说明", phone="13800000000")
    assert other.status_code == 201 and other.json[0]["service_request_id"] != first.json[0][
        "service_request_id"]  # fmt: skip
    frozen_clock(utcnow() + timedelta(minutes=11))
    later = post(description="重复提交", phone="13800000000")
    assert later.status_code == 201 and written()[0] == before[0] + 2


def test_the_same_post_from_another_channel_is_another_request(post, written, dbsession):
    from backend.open311.keys import create_key

    _row, other_key = create_key("易安居")
    first = post(description="两个渠道")
    second = post(key=other_key, description="两个渠道")
    assert first.status_code == second.status_code == 201
    assert first.json[0]["service_request_id"] != second.json[0]["service_request_id"]


def test_a_point_just_outside_a_boundary_goes_to_the_nearest_estate(post, dbsession):
    from backend.geo.distance import distance_m
    from backend.open311.location import estate_at

    boundary = to_shape(dbsession.scalar(sa.select(Estate.boundary).where(Estate.code == "E001")))
    lat = (boundary.bounds[1] + boundary.bounds[3]) / 2
    lng = boundary.bounds[2] + 40 / 86_700  # ~40 m east of the east edge
    from shapely.geometry import Point

    assert estate_at(Point(lng, lat)) is None and 0 < distance_m(lat, lng, boundary) < 100
    response = post(lat=f"{lat:.7f}", long=f"{lng:.7f}")
    assert response.status_code == 201
    assert dbsession.get(Estate, _ticket(dbsession, response.json).estate_id).code == "E001"


@pytest.mark.parametrize(
    "address", ["大连市中山区长春路88号3号楼2单元", "长春名苑 北门", "长春路88号"]
)
def test_an_address_string_finds_the_estate(post, dbsession, address):
    response = post(lat=None, long=None, address_string=address)
    assert response.status_code == 201, response.json
    ticket = _ticket(dbsession, response.json)
    assert dbsession.get(Estate, ticket.estate_id).code == "E001" and ticket.position is None


TOO_LONG = "长" * 4001
BAD_POSTS = [
    # (what, fields, status, words in the description)
    ("no key", {"key": None}, 403, "api_key"),
    ("wrong key", {"key": "not-a-key"}, 403, "api_key"),
    ("no service_code", {"service_code": None}, 400, "service_code"),
    ("unknown service", {"service_code": "no.such"}, 404, "service_code"),
    ("empty service_code", {"service_code": ""}, 400, "service_code"),
    ("no location", {"lat": None, "long": None}, 400, "location"),
    ("lat without long", {"long": None}, 400, "lat and long"),
    ("lat out of range", {"lat": "91"}, 400, "lat"),
    ("long out of range", {"long": "-181"}, 400, "long"),
    ("lat not a number", {"lat": "north"}, 400, "lat"),
    ("lat empty", {"lat": ""}, 400, "lat"),
    ("lat with a space", {"lat": " 38.9"}, 400, "lat"),
    ("outside every estate", {"lat": "38.5", "long": "121.0"}, 404, "location"),
    ("unknown address", {"lat": None, "long": None, "address_string": "沈阳市和平区"}, 404, "address_string"),
    ("description too long", {"description": TOO_LONG}, 400, "description"),
    ("malformed attribute", {"attribute[item_code": "x"}, 400, "attribute"),
    ("unknown attribute", {"attribute[colour]": "red"}, 404, "attribute[colour]"),
    ("unknown field", {"colour": "red"}, 400, "colour"),
    ("media_url not http", {"media_url": "file:///etc/passwd"}, 400, "media_url"),
    ("email not an email", {"email": "nobody"}, 400, "email"),
]  # fmt: skip


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    ("what", "fields", "status", "words"), BAD_POSTS, ids=[c[0] for c in BAD_POSTS]
)
def test_bad_posts_answer_the_standard_error_and_write_nothing(
    post, written, fmt, what, fields, status, words
):
    before = written()
    response = post(fmt=fmt, **fields)
    assert response.status_code == status
    if fmt == "json":
        errors = response.json
    else:
        errors = [{"code": int(e["code"]), "description": e["description"]}
                  for e in xml_of(response)]  # fmt: skip
    check_errors(errors, status)
    assert any(words in error["description"] for error in errors), errors
    assert written() == before


def test_a_key_is_checked_before_the_input(post):
    response = post(key="wrong", service_code=None, lat="999")
    assert response.status_code == 403 and len(response.json) == 1


def test_a_description_of_exactly_4000_characters_is_accepted(post):
    assert post(description="长" * 4000).status_code == 201


def test_cli_issues_a_key_once_stores_only_its_hash_and_revokes(app, dbsession, post):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["open311", "create-key", "民心网"])
    assert result.exit_code == 0, result.output
    key = result.output.strip().splitlines()[-1]
    row = dbsession.scalar(sa.select(ApiKey).where(ApiKey.name == "民心网"))
    assert row.key_hash == hashlib.sha256(key.encode()).hexdigest() and key not in row.key_hash
    assert post(key=key).status_code == 201
    again = runner.invoke(args=["open311", "create-key", "民心网"])
    assert again.exit_code != 0 and "exists" in again.output
    listed = runner.invoke(args=["open311", "list-keys"])
    assert "民心网\tactive" in listed.output and key not in listed.output
    assert runner.invoke(args=["open311", "revoke-key", "民心网"]).exit_code == 0
    refused = post(key=key)
    assert refused.status_code == 403 and "revoked" in refused.json[0]["description"]
