"""Discovery, the service list and service definitions, in JSON and XML."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from backend.checklists.definition import parse_definition
from backend.checklists.services import import_definition
from backend.places.models import Organisation, OrgKind
from backend.tickets.models import Ticket
from tests.open311.conftest import BASE, xml_of
from tests.open311.spec import (
    check_definition,
    check_discovery,
    check_errors,
    check_services,
    textual,
)


@pytest.fixture
def shared_category(dbsession):
    """A second active checklist whose two items share the standard's "garbage.overflow"."""
    items = [
        {"code": f"HOT-0{n}", "area": "garbage", "title": {"zh": f"热线垃圾外溢{n}", "en": f"Hotline overflow {n}"},
         "guidance": {"zh": "查看垃圾桶", "en": "Look at the bins"}, "answer": {"type": "pass_fail"},
         "severity": "minor", "on_fail": {"photo": False, "note": False},
         "deadline": {"amount": 4, "unit": "working_hours"},
         "responsible": "street_office" if n == 2 else "manager",
         "category": "garbage.overflow", "weight": 50}
        for n in (1, 2)
    ]  # fmt: skip
    raw = {"code": "hotline-extra", "title": {"zh": "热线补充", "en": "Hotline extra"},
           "areas": [{"key": "garbage", "title": {"zh": "垃圾管理", "en": "Garbage"}, "weight": 100}],
           "items": items}  # fmt: skip
    import_definition(parse_definition(raw), "test")
    dbsession.flush()


def test_discovery_json_and_xml(client):
    doc = client.get("/open311/discovery.json")
    assert doc.status_code == 200
    assert doc.headers["Content-Type"] == "application/json; charset=utf-8"
    check_discovery(doc.json)
    assert doc.json["endpoints"][0]["url"].endswith("/open311/v2")
    xml = client.get("/open311/discovery.xml")
    assert xml.status_code == 200
    assert xml_of(xml) == textual(doc.json)


def test_one_service_per_category_of_the_active_checklist(client):
    services = client.get(f"{BASE}/services.json")
    assert services.status_code == 200
    check_services(services.json)
    by_code = {s["service_code"]: s for s in services.json}
    assert len(by_code) == 58  # every category of the standard checklist
    overflow = by_code["garbage.overflow"]
    assert overflow["group"] == "垃圾管理" and overflow["metadata"] is False
    assert overflow["type"] == "realtime" and "garbage" in overflow["keywords"].split(",")
    assert overflow["service_name"] and overflow["description"]
    xml = client.get(f"{BASE}/services.xml")
    assert xml_of(xml) == textual(services.json)


def test_english_names_by_locale_or_accept_language(client):
    chinese = {s["service_code"]: s for s in client.get(f"{BASE}/services.json").json}
    by_param = {s["service_code"]: s for s in client.get(f"{BASE}/services.json?locale=en").json}
    by_header = client.get(f"{BASE}/services.json", headers={"Accept-Language": "en-US,en;q=0.8"})
    assert by_param["garbage.overflow"]["group"] == "Garbage management"
    assert (
        by_param["garbage.overflow"]["service_name"] != chinese["garbage.overflow"]["service_name"]
    )
    assert {s["service_code"]: s for s in by_header.json} == by_param


def test_service_definition_json_and_xml(client):
    definition = client.get(f"{BASE}/services/garbage.overflow.json")
    assert definition.status_code == 200
    check_definition(definition.json)
    assert definition.json == {"service_code": "garbage.overflow", "attributes": []}
    assert xml_of(client.get(f"{BASE}/services/garbage.overflow.xml")) == textual(definition.json)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_service_definition_is_404_in_the_asked_format(client, fmt):
    response = client.get(f"{BASE}/services/no.such.{fmt}")
    assert response.status_code == 404
    errors = response.json if fmt == "json" else xml_of(response)
    if fmt == "xml":
        errors = [{"code": int(e["code"]), "description": e["description"]} for e in errors]
    check_errors(errors, 404)


def test_unknown_resources_answer_the_standard_404(client):
    for path in ("/open311/v2/services.csv", "/open311/v2/nothing.json"):
        response = client.get(path)
        assert response.status_code == 404
        check_errors(response.json, 404)
    check_errors([{"code": int(e["code"]), "description": e["description"]}
                  for e in xml_of(client.get("/open311/v3/services.xml"))], 404)  # fmt: skip


def test_a_shared_category_offers_the_item_as_an_attribute(
    client, shared_category, post, dbsession
):
    listed = {s["service_code"]: s for s in client.get(f"{BASE}/services.json").json}
    assert listed["garbage.overflow"]["metadata"] is True
    definition = client.get(f"{BASE}/services/garbage.overflow.json").json
    check_definition(definition)
    (attribute,) = definition["attributes"]
    assert attribute["code"] == "item_code" and attribute["datatype"] == "singlevaluelist"
    assert attribute["required"] is False
    keys = [value["key"] for value in attribute["values"]]
    assert keys[:2] == ["HOT-01", "HOT-02"] and len(keys) == 3  # and the standard's item
    assert xml_of(client.get(f"{BASE}/services/garbage.overflow.xml")) == textual(definition)

    first = post(description="默认取第一项")
    chosen = post(description="指定第二项", **{"attribute[item_code]": "HOT-02"})
    assert first.status_code == chosen.status_code == 201
    tickets = {t.description: t for t in dbsession.scalars(sa.select(Ticket))}
    assert tickets["默认取第一项"].item_code == "HOT-01"
    assert tickets["指定第二项"].item_code == "HOT-02"
    office = dbsession.get(Organisation, tickets["指定第二项"].responsible_org_id)
    assert office.kind is OrgKind.street_office  # HOT-02 is the street office's to fix

    wrong = post(**{"attribute[item_code]": "ENV-01"})
    assert wrong.status_code == 404 and "item_code" in wrong.json[0]["description"]
