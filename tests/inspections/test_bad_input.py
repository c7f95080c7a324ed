"""Every refusal is in the error shape and leaves no record behind."""

import pytest
import sqlalchemy as sa

from backend.inspections.models import Inspection, InspectionResult, ResultPhoto


def _counts(dbsession):
    return tuple(
        dbsession.scalar(sa.select(sa.func.count()).select_from(m))
        for m in (Inspection, InspectionResult, ResultPhoto)
    )


def _other_estate_id(client, login):
    estates = client.get(
        "/api/estates?page_size=100&with_geometry=false", headers=login("inspector2")
    )
    return estates.json[0]["id"]


CASES = {
    "unknown estate": (lambda b, ctx: {**b, "estate_id": 999999}, "estate_id"),
    "estate outside my grids": (
        lambda b, ctx: {**b, "estate_id": ctx["other_estate"]},
        "estate_id",
    ),
    "unknown checklist version": (
        lambda b, ctx: {**b, "checklist_version_id": 4242},
        "checklist_version_id",
    ),
    "item not in the version": (
        lambda b, ctx: {**b, "results": [*b["results"], {"item_code": "XXX-99", "answer": "pass"}]},
        "results[58].item_code",
    ),
    "same item twice": (
        lambda b, ctx: {**b, "results": [*b["results"], b["results"][0]]},
        "results[58].item_code",
    ),
    "answer of the wrong type": (
        lambda b, ctx: {**b, "results": [{"item_code": "ENV-01", "answer": 7}, *b["results"][1:]]},
        "results[0].answer",
    ),
    "answer not an allowed value": (
        lambda b, ctx: {
            **b,
            "results": [{"item_code": "ENV-01", "answer": "shiny"}, *b["results"][1:]],
        },
        "results[0].answer",
    ),
    "answer is an object": (
        lambda b, ctx: {
            **b,
            "results": [{"item_code": "ENV-01", "answer": {"x": 1}}, *b["results"][1:]],
        },
        "results",
    ),
    "latitude out of range": (
        lambda b, ctx: {**b, "position": {"lat": 95, "lng": 121.6}},
        "position",
    ),
    "longitude out of range": (
        lambda b, ctx: {**b, "position": {"lat": 38.9, "lng": 181}},
        "position",
    ),
    "negative accuracy": (
        lambda b, ctx: {**b, "position": {"lat": 38.9, "lng": 121.6, "accuracy_m": -1}},
        "position",
    ),
    "naive start time": (lambda b, ctx: {**b, "started_at": "2026-01-05T09:00:00"}, "started_at"),
    "start in the future": (
        lambda b, ctx: {
            **b,
            "started_at": "2099-01-05T09:00:00+08:00",
            "finished_at": "2099-01-05T10:00:00+08:00",
        },
        "started_at",
    ),
    "finished before started": (
        lambda b, ctx: {**b, "finished_at": "2000-01-01T00:00:00Z"},
        "finished_at",
    ),
    "submitted without finish": (lambda b, ctx: {**b, "finished_at": None}, "finished_at"),
    "unknown field": (lambda b, ctx: {**b, "weather": "sunny"}, "weather"),
    "bad status": (lambda b, ctx: {**b, "status": "superseded"}, "status"),
    "photo reference not a hash": (
        lambda b, ctx: {
            **b,
            "results": [
                {"item_code": "ENV-01", "answer": "pass", "photos": ["../x"]},
                *b["results"][1:],
            ],
        },
        "results",
    ),
    "replaces an unknown inspection": (
        lambda b, ctx: {**b, "replaces": "6f0e4c1e-4a3e-4bb5-a6c6-000000000000"},
        "replaces",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_inspections_are_refused_with_nothing_written(
    client, login, make_body, new_id, dbsession, case
):
    change, field = CASES[case]
    body = change(make_body(), {"other_estate": _other_estate_id(client, login)})
    before = _counts(dbsession)
    response = client.put(f"/api/inspections/{new_id()}", json=body, headers=login("inspector1"))
    assert response.status_code == 422, (case, response.json)
    assert set(response.json) == {"code", "status", "message", "errors"}
    assert field in response.json["errors"], (case, response.json["errors"])
    assert _counts(dbsession) == before


def test_failed_items_need_what_the_checklist_demands(
    client, login, make_body, new_id, definition, dbsession
):
    needs_both = next(i for i in definition.items if i.on_fail.photo and i.on_fail.note)
    body = make_body(failures={needs_both.code: {}})
    row = next(r for r in body["results"] if r["item_code"] == needs_both.code)
    row["note"] = "  "
    before = _counts(dbsession)
    response = client.put(f"/api/inspections/{new_id()}", json=body, headers=login("inspector1"))
    assert response.status_code == 422
    index = body["results"].index(row)
    assert set(response.json["errors"]) == {f"results[{index}].note", f"results[{index}].photos"}
    assert _counts(dbsession) == before


def test_retired_checklist_versions_are_refused(client, login, make_body, new_id, version):
    client.post(
        f"/api/checklists/{version.checklist_id}/versions/{version.id}/retire",
        headers=login("admin"),
    )
    response = client.put(
        f"/api/inspections/{new_id()}", json=make_body(), headers=login("inspector1")
    )
    assert response.status_code == 422
    assert "retired" in str(response.json["errors"]["checklist_version_id"])


def test_bad_ids_and_roles(client, login, make_body):
    assert (
        client.put(
            "/api/inspections/not-a-uuid", json=make_body(), headers=login("inspector1")
        ).status_code
        == 422
    )
    uid = "0b9d6a8e-1111-4e2b-9a51-3d1c2b7f0a10"
    assert (
        client.put(f"/api/inspections/{uid}", json=make_body(), headers=login("firm1")).status_code
        == 403
    )
    assert client.put(f"/api/inspections/{uid}", json=make_body()).status_code == 401
