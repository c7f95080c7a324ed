"""Hostile Open311 input: control characters (cleaned from the resident's text, refused
elsewhere), form bodies in GBK or with undecodable bytes, multi-value attributes, and errors that
are the standard's list in both formats, well-formed even when they echo the input."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from urllib.parse import quote_from_bytes

import pytest
import sqlalchemy as sa

from backend.open311.models import ServiceRequest
from backend.text import FORBIDDEN
from backend.tickets.models import Ticket
from tests.open311.conftest import BASE
from tests.open311.spec import check_errors
from tests.open311.test_services import shared_category  # noqa: F401

FORM = "application/x-www-form-urlencoded"


def errors_of(response, fmt: str) -> list[dict]:
    """The standard's error list, read strictly (expat refuses a malformed XML document)."""
    if fmt == "xml":
        assert response.headers["Content-Type"] == "text/xml; charset=utf-8"
        root = ET.fromstring(response.data)
        assert root.tag == "errors"
        errors = [
            {"code": int(e.findtext("code")), "description": e.findtext("description")}
            for e in root.findall("error")
        ]
    else:
        assert response.headers["Content-Type"] == "application/json; charset=utf-8"
        errors = json.loads(response.data.decode("utf-8"))
    check_errors(errors, response.status_code)
    for error in errors:
        assert FORBIDDEN.search(error["description"]) is None
    return errors


def _body(fields: dict[str, str], encoding: str = "utf-8") -> bytes:
    return "&".join(
        f"{quote_from_bytes(k.encode(encoding))}={quote_from_bytes(v.encode(encoding))}"
        for k, v in fields.items()
    ).encode("ascii")


def test_control_characters_are_removed_from_the_residents_text(post, dbsession):
    response = post(description="ctl\x01\x0b\x1bchars\r\n第二行", first_name="李\x00四",
                    phone="139\x1b12345678")  # fmt: skip
    assert response.status_code == 201
    ticket = dbsession.scalar(sa.select(Ticket).order_by(Ticket.id.desc()).limit(1))
    assert ticket.description == "ctlchars\n第二行"
    record = dbsession.scalar(
        sa.select(ServiceRequest).where(ServiceRequest.ticket_id == ticket.id)
    )
    assert (record.first_name, record.phone) == ("李四", "13912345678")


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    "fields",
    [
        {"service_code": "garbage.overflow\x01"},
        {"email": "li\x1b@example.cn"},
        {"media_url": "https://12345.example/\x00"},
        {"attribute[\x13]": "x"},
    ],
    ids=["service_code", "email", "media_url", "attribute key"],
)
def test_control_characters_in_codes_are_refused(post, written, fmt, fields):
    before = written()
    response = post(fmt=fmt, **fields)
    assert response.status_code == 400
    assert any("U+00" in error["description"] for error in errors_of(response, fmt))
    assert written() == before


def test_a_gbk_form_body_is_read_with_its_key(client, api_key, inside, dbsession):
    fields = {"api_key": api_key, "service_code": "garbage.overflow", **inside(),
              "description": "垃圾满溢,请尽快处理"}  # fmt: skip
    for body in (
        _body(fields, "gbk"),
        "&".join(f"{k}={v}" for k, v in fields.items()).encode("gbk"),
    ):
        for charset in ("GBK", "gb2312", "GB18030"):
            response = client.post(
                f"{BASE}/requests.json", data=body, content_type=f"{FORM}; charset={charset}"
            )
            assert response.status_code in (200, 201), response.json
    descriptions = set(dbsession.scalars(sa.select(Ticket.description)))
    assert "垃圾满溢,请尽快处理" in descriptions


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_undecodable_bodies_are_a_400_that_says_so(client, api_key, written, fmt):
    before = written()
    raw = f"api_key={api_key}&service_code=garbage.overflow&description=%FF%FE%00".encode()
    response = client.post(f"{BASE}/requests.{fmt}", data=raw, content_type=FORM)
    assert response.status_code == 400
    assert "UTF-8" in errors_of(response, fmt)[0]["description"]
    gbk = "description=垃圾".encode("gbk") + f"&api_key={api_key}".encode()
    response = client.post(
        f"{BASE}/requests.{fmt}", data=gbk, content_type=f"{FORM}; charset=utf-8"
    )
    assert response.status_code == 400
    unknown = client.post(
        f"{BASE}/requests.{fmt}", data=raw, content_type=f"{FORM}; charset=koi8-r"
    )
    assert unknown.status_code == 415 and "GBK" in errors_of(unknown, fmt)[0]["description"]
    json_body = client.post(f"{BASE}/requests.{fmt}", json={"api_key": api_key})
    assert json_body.status_code == 415
    errors_of(json_body, fmt)
    assert written() == before


def test_multi_value_attributes(post, shared_category, dbsession):  # noqa: F811
    one = post(description="一个值", **{"attribute[item_code][]": "HOT-02"})
    assert one.status_code == 201
    ticket = dbsession.scalar(sa.select(Ticket).where(Ticket.description == "一个值"))
    assert ticket.item_code == "HOT-02"
    for fmt in ("json", "xml"):
        two = post(fmt=fmt, **{"attribute[item_code][]": ["HOT-01", "HOT-02"]})
        assert two.status_code == 400
        assert "one value" in errors_of(two, fmt)[0]["description"]


def test_multi_value_attribute_on_a_service_without_attributes(post):
    response = post(**{"attribute[item_code][]": ["A", "B"]})
    assert response.status_code == 400
    errors_of(response, "json")


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("status=%01", "status"),
        ("status=%FF%FE", "status"),
        ("service_code=%00", "service_code"),
        ("start_date=0001-01-01T00:00:00%2B14:00", "start_date"),
        ("end_date=9999-12-31T23:59:59-14:00", "end_date"),
        ("service_request_id=%1B%5B31m", "service_request_id"),
        ("locale=xx", "locale"),
        ("locale=", "locale"),
    ],
)
def test_bad_filters_are_400_lists_even_when_echoed(client, fmt, query, words):
    response = client.get(f"{BASE}/requests.{fmt}?{query}")
    assert response.status_code == 400
    assert any(words in error["description"] for error in errors_of(response, fmt))


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_paths_that_echo_input_stay_well_formed(client, fmt):
    for path in (f"{BASE}/requests/%01%1B.{fmt}", f"{BASE}/services/%00%0B.{fmt}",
                 f"{BASE}/tokens/%00abc.{fmt}", f"{BASE}/nothing%01.{fmt}"):  # fmt: skip
        response = client.get(path)
        assert response.status_code in (400, 404), path
        errors_of(response, fmt)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unsupported_methods_are_405_lists_with_allow(client, fmt):
    for method, path, allowed in (
        ("DELETE", f"{BASE}/services.{fmt}", {"GET", "HEAD", "OPTIONS"}),
        ("PUT", f"{BASE}/requests.{fmt}", {"GET", "HEAD", "OPTIONS", "POST"}),
        ("PATCH", f"/open311/discovery.{fmt}", {"GET", "HEAD", "OPTIONS"}),
    ):
        response = client.open(path, method=method)
        assert response.status_code == 405
        assert {m.strip() for m in response.headers["Allow"].split(",")} == allowed
        errors_of(response, fmt)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_body_too_large_is_a_413_list(app, client, api_key, fmt, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1000)
    response = client.post(
        f"{BASE}/requests.{fmt}", data={"api_key": api_key, "description": "长" * 2000}
    )
    assert response.status_code == 413
    errors_of(response, fmt)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_internal_error_is_a_500_list(client, fmt, monkeypatch):
    from backend.open311 import catalog

    def broken() -> None:
        raise RuntimeError("boom <&>")

    monkeypatch.setattr(catalog, "catalog", broken)
    response = client.get(f"{BASE}/services.{fmt}")
    assert response.status_code == 500
    (error,) = errors_of(response, fmt)
    assert "boom" not in error["description"]  # no internals reach the client


def test_ids_beyond_the_id_column_name_nothing(client):
    for fmt in ("json", "xml"):
        one = client.get(f"{BASE}/requests/ZG20261203-942814600860.{fmt}")
        assert one.status_code == 404
        errors_of(one, fmt)
    listed = client.get(f"{BASE}/requests.json?service_request_id=942814600860,000000031226188004")
    assert listed.status_code == 200 and listed.json == []
