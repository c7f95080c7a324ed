"""HTTP hygiene, on both databases: every 405 says what is allowed, routing errors are Chinese
first in our JSON shape, oversized URLs and headers are the app's JSON 414/431, a body of the
wrong type is 415, out-of-range numbers name their field, and X-Pagination is what the document
says it is."""

from __future__ import annotations

import hashlib
import json
import re
import uuid

import marshmallow as ma
import pytest
from marshmallow import validate

from backend.request_checks import MAX_HEADER_FIELD_BYTES, MAX_HEADER_FIELDS, MAX_URL_BYTES
from backend.schema import JsonBoolean
from backend.text import Text
from tests.photos.images import png_bomb

SHAPE = {"code", "status", "message", "errors"}
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
CHINESE_FIRST = re.compile(r"^[\u4e00-\u9fff]")


def _sample_path(rule) -> str:
    """A concrete URL for a rule: each placeholder filled with a value its converter accepts."""
    samples = {"BoundedInt": "1", "Sha256": "0" * 64, "Uuid": str(uuid.uuid4())}

    def fill(match: re.Match) -> str:
        name = match.group(1)
        converter = rule._converters[name]
        kind = type(converter).__name__
        if kind == "AnyConverter":
            return sorted(converter.items)[0]
        if kind == "PathConverter":
            return "x/y"
        return samples.get(kind, "x")

    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", fill, rule.rule.replace("<path:", "<"))


def _routes_and_refused_methods(app):
    adapter = app.url_map.bind("localhost")
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        path = _sample_path(rule)
        allowed = set(adapter.allowed_methods(path))
        for method in METHODS:
            if method not in allowed:
                yield path, method, allowed


def test_every_405_carries_allow_and_our_shape(app, client):
    """Derived from the URL map: every route, every method it does not take."""
    seen = 0
    for path, method, allowed in _routes_and_refused_methods(app):
        response = client.open(path, method=method)
        assert response.status_code == 405, (method, path, response.status_code)
        if path.startswith("/open311/"):  # GeoReport v2's own error list, in the format asked for
            if response.mimetype == "application/json":
                assert [e["code"] for e in response.json] == [405], (path, response.json)
        else:
            assert set(response.json) == SHAPE and response.json["code"] == "method_not_allowed"
            assert CHINESE_FIRST.match(response.json["message"]), response.json
        advertised = {m.strip() for m in response.headers["Allow"].split(",")}
        assert advertised == allowed and method not in advertised, (method, path)
        seen += 1
    assert seen > 100  # a real sweep, not an empty loop


def test_a_sibling_resource_is_not_taken_for_a_photo_hash(client):
    """PUT /api/photos/<sha256> exists; PUT /api/photos/uploads is a method uploads lacks."""
    response = client.put("/api/photos/uploads")
    assert response.status_code == 405
    assert {m.strip() for m in response.headers["Allow"].split(",")} == {"OPTIONS", "POST"}


def test_allowed_methods_answer_options_with_the_same_allow(client):
    response = client.open("/api/tickets", method="OPTIONS")
    assert {m.strip() for m in response.headers["Allow"].split(",")} >= {"GET", "POST"}


@pytest.mark.parametrize("path", ["/api/nowhere", "/api/tickets/1/nowhere", "/public/x/y"])
def test_routing_404_is_chinese_first_json(client, path):
    response = client.get(path)
    assert response.status_code == 404 and set(response.json) == SHAPE
    assert response.json["code"] == "not_found" and response.json["errors"] == {}
    assert CHINESE_FIRST.match(response.json["message"]), response.json
    assert response.headers["Content-Type"] == "application/json"


def test_malformed_json_names_the_body_in_an_object(client):
    response = client.post("/api/auth/login", data="{oops", content_type="application/json")
    assert response.status_code == 400 and response.json["code"] == "bad_request"
    assert isinstance(response.json["errors"], dict) and list(response.json["errors"]) == ["body"]
    assert CHINESE_FIRST.match(response.json["message"])


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("username=admin&password=x", "application/x-www-form-urlencoded"),
        ('{"username": "admin", "password": "x"}', "text/plain"),
        ('{"username": "admin", "password": "x"}', None),
    ],
)
def test_a_body_that_is_not_json_is_415(client, body, content_type):
    headers = {"Content-Type": content_type} if content_type else {}
    response = client.post("/api/auth/login", data=body.encode(), headers=headers)
    if content_type is None:
        assert response.request.headers.get("Content-Type") is None
    assert response.status_code == 415, response.json
    assert response.json["code"] == "unsupported_media_type"
    assert "Content-Type" in response.json["errors"]


def test_no_body_at_all_is_422_naming_the_body(client, login):
    response = client.post("/api/auth/login")
    assert response.status_code == 422 and response.json["errors"] == {"body": ["required"]}
    empty_patch = client.patch("/api/users/1", headers=login("admin"))
    assert empty_patch.status_code == 422 and "body" in empty_patch.json["errors"]
    fields = client.post("/api/auth/login", json={})
    assert set(fields.json["errors"]) == {"username", "password"}


def test_json_with_a_charset_is_json(client):
    body = json.dumps({"username": "nobody", "password": "wrong"}).encode()
    response = client.post(
        "/api/auth/login", data=body, content_type="application/json; charset=utf-8"
    )
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("path", "field"),
    [
        (f"/api/estates?street_id={10**30}", "street_id"),
        (f"/api/tickets?estate_id={-(10**20)}", "estate_id"),
        (f"/api/inspections?inspector_id={2**31}", "inspector_id"),
        ("/api/streets?district_id=54664389731261", "district_id"),  # fits 64 bits, not INTEGER
        (f"/api/events?after={2**107}", "after"),  # a Range with a minimum only
    ],
)
def test_out_of_range_query_numbers_name_their_field(client, login, path, field):
    response = client.get(path, headers=login("admin"))
    assert response.status_code == 422, response.json
    assert field in response.json["errors"], response.json


def test_out_of_range_body_numbers_name_their_field(client, login):
    body = {"estate_id": 10**30, "firm_id": 1, "start_date": "2026-01-01", "reference": "x"}
    response = client.post("/api/contracts", json=body, headers=login("admin"))
    assert response.status_code == 422
    assert "estate_id" in response.json["errors"], response.json


@pytest.mark.parametrize("units", [2.5, 2.6e-42])
def test_a_fraction_is_not_an_integer(client, login, units):
    """marshmallow's Integer truncates 2.5 to 2 and 2.6e-42 to 0 (found by the long fuzz on a
    building's 单元 count): every integer field refuses a fraction, naming the field."""
    building = {"building": "3", "units": units, "floors": 6, "rooms_per_floor": 2}
    response = client.put("/api/surveys/buildings/1", json={"buildings": [building]},
                           headers=login("admin"))  # fmt: skip
    assert response.status_code == 422, response.json
    assert "units" in str(response.json["errors"]), response.json
    whole = client.put("/api/surveys/buildings/1", json={"buildings": [{**building, "units": 2.0}]},
                       headers=login("admin"))  # fmt: skip
    assert whole.status_code == 200 and whole.json["buildings"][0]["units"] == 2, whole.json


@pytest.mark.parametrize("value", [0, 1, "true", "yes", None])
def test_a_json_boolean_is_true_or_false_only(client, login, value):
    """The document says boolean; 0, 1 and "yes" are a client's bug, named (found by the fuzz)."""
    community = client.get("/api/communities", headers=login("admin")).json[0]
    response = client.patch(
        f"/api/communities/{community['id']}", json={"is_active": value}, headers=login("admin")
    )
    assert response.status_code == 422, response.json
    assert "is_active" in response.json["errors"], response.json


def _view_docs(view):
    yield getattr(view, "_apidoc", {})
    for method in ("get", "post", "put", "patch", "delete"):
        yield getattr(getattr(getattr(view, "view_class", None), method, None), "_apidoc", {})


def _fields(schema, kind, path=""):
    for name, field in schema.fields.items():
        inner = field.inner if isinstance(field, ma.fields.List) else field
        if isinstance(inner, ma.fields.Nested):
            yield from _fields(inner.schema, kind, f"{path}{name}.")
        elif isinstance(inner, kind) and not inner.dump_only:
            yield f"{path}{name}", inner


def _arguments(app, *locations: str):
    """(rule, schema) for every argument schema the views read from these locations."""
    for rule in app.url_map.iter_rules():
        for doc in _view_docs(app.view_functions[rule.endpoint]):
            for argument in doc.get("arguments", {}).get("parameters", []):
                if argument.get("in", "json") in locations:
                    schema = argument["schema"]
                    yield rule.rule, schema() if isinstance(schema, type) else schema


def test_every_body_boolean_is_strict(app):
    """Every boolean a JSON or form body carries is a JsonBoolean (a new schema cannot forget)."""
    found = [
        (f"{rule} {name}", field)
        for rule, schema in _arguments(app, "json", "form")
        for name, field in _fields(schema, ma.fields.Boolean)
    ]
    assert len(found) > 5
    assert [label for label, field in found if not isinstance(field, JsonBoolean)] == []


# Strings that never reach storage or a text column: passwords are only hashed, `q` is matched
# by text_search (a character the policy refuses matches nothing), bbox is parsed to numbers.
NOT_STORED = {"password", "current_password", "new_password", "q", "bbox"}


def test_every_free_text_argument_is_under_the_text_policy(app):
    """A string a client sends is Text (control characters refused, the pattern documented) or
    held to a pattern or a list of values; a raw string once reached PostgreSQL, which cannot
    hold a NUL, and came back as "a number is out of range" naming no field (the long fuzz, on
    the login's username)."""
    found = [
        (f"{rule} {name}", field)
        for rule, schema in _arguments(app, "json", "form", "query")
        for name, field in _fields(schema, ma.fields.String)
    ]
    assert len(found) > 50
    loose = [
        label
        for label, field in found
        if not isinstance(field, Text)
        and not any(isinstance(v, (validate.OneOf, validate.Regexp)) for v in field.validators)
        and label.rsplit(" ", 1)[1].rsplit(".", 1)[-1] not in NOT_STORED
    ]
    assert loose == []


def test_pages_beyond_the_documented_maximum_name_page(client, login):
    response = client.get(f"/api/estates?page={2**40}", headers=login("admin"))
    assert response.status_code == 422 and "page" in response.json["errors"]
    spec = client.get("/api/openapi.json").json
    page = next(
        p for p in spec["paths"]["/api/estates"]["get"]["parameters"] if p["name"] == "page"
    )
    assert page["schema"]["maximum"] == 2**31 - 1


@pytest.mark.parametrize("bbox", ["", "null", "+1,2,3,4", "1e2,0,3,4", "181,0,182,1", "1,2,3"])
def test_bbox_outside_the_documented_pattern_is_422(client, login, bbox):
    response = client.get(f"/api/map/estates?bbox={bbox}", headers=login("admin"))
    assert response.status_code == 422 and "bbox" in response.json["errors"]


def test_an_out_of_range_path_id_is_404(client, login):
    response = client.get(f"/api/tickets/{10**30}", headers=login("admin"))
    assert response.status_code == 404 and response.json["code"] == "not_found"


def test_malformed_path_ids_name_their_field(client, login):
    photo = client.open("/api/photos/not-a-hash", method="HEAD", headers=login("inspector1"))
    assert photo.status_code == 422
    inspection = client.get("/api/inspections/not-a-uuid", headers=login("inspector1"))
    assert inspection.status_code == 422 and inspection.json["errors"]


def test_a_long_url_is_the_apps_json_414(client):
    response = client.get("/api/health?pad=" + "a" * MAX_URL_BYTES)
    assert response.status_code == 414 and set(response.json) == SHAPE
    assert response.json["code"] == "uri_too_long" and "url" in response.json["errors"]
    assert CHINESE_FIRST.match(response.json["message"])
    assert client.get("/api/health?pad=" + "a" * (MAX_URL_BYTES - 100)).status_code == 200


def test_large_or_many_headers_are_the_apps_json_431(client):
    big = client.get("/api/health", headers={"X-Pad": "a" * MAX_HEADER_FIELD_BYTES})
    assert big.status_code == 431 and big.json["code"] == "headers_too_large"
    assert "X-Pad" in big.json["errors"]
    many = client.get("/api/health", headers={f"X-Pad-{i}": "a" for i in range(MAX_HEADER_FIELDS)})
    assert many.status_code == 431 and "headers" in many.json["errors"]
    assert client.get("/api/health", headers={"X-Pad": "a" * 4000}).status_code == 200


def test_x_pagination_is_json_text_as_documented(client, login):
    response = client.get("/api/estates?page=1&page_size=2", headers=login("admin"))
    meta = json.loads(response.headers["X-Pagination"])
    assert meta["page"] == 1 and meta["total"] >= 2 and meta["first_page"] == 1
    header = client.get("/api/openapi.json").json["components"]["headers"]["PAGINATION"]
    assert "schema" not in header
    schema_ref = header["content"]["application/json"]["schema"]["$ref"]
    assert schema_ref.endswith("/PaginationMetadata")


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_the_photo_pixel_limit_is_named_in_the_message(client, login):
    """Pillow's own bomb guard fires before ours; the message still names the limit."""
    data = png_bomb(12000, 12000)  # 144 MP: beyond Pillow's guard (2 × 40 MP)
    response = client.put(
        f"/api/photos/{hashlib.sha256(data).hexdigest()}",
        data=data,
        headers={**login("inspector1"), "Content-Type": "image/png"},
    )
    assert response.status_code in (413, 422), response.json
    assert response.json["code"] == "too_many_pixels"
    assert re.search(r"at most \d+(\.\d+)? MP\)", response.json["message"]), response.json


def test_an_unknown_query_parameter_is_refused_by_name(client, login):
    """A typo must not read as "no filter": ?stat=open would otherwise list every ticket."""
    headers = login("admin")
    response = client.get("/api/tickets?stat=open", headers=headers)
    assert response.status_code == 422 and set(response.json["errors"]) == {"stat"}
    # Paging is not a filter: paged lists take it alongside their own parameters.
    paged = client.get("/api/tickets?state=dispatched&page=1&page_size=5", headers=headers)
    assert paged.status_code == 200, paged.json
