"""Exactly-once sync: repeats, reorderings, drafts, versions, photos before and after."""

import json

import sqlalchemy as sa

from backend.inspections.models import Inspection, InspectionResult
from tests.inspections.conftest import jpeg, sha


def _count(dbsession, model=Inspection) -> int:
    return dbsession.scalar(sa.select(sa.func.count()).select_from(model))


def test_first_put_creates_and_identical_repeats_change_nothing(
    client, login, make_body, new_id, dbsession
):
    headers = login("inspector1")
    body, uid = make_body(), new_id()
    first = client.put(f"/api/inspections/{uid}", json=body, headers=headers)
    assert first.status_code == 201, first.json
    assert first.json["id"] == uid and first.json["status"] == "submitted"
    counts = (_count(dbsession), _count(dbsession, InspectionResult))
    for _ in range(4):
        again = client.put(f"/api/inspections/{uid}", json=body, headers=headers)
        assert again.status_code == 200
        assert again.json == first.json
    assert (_count(dbsession), _count(dbsession, InspectionResult)) == counts


def test_same_answers_in_another_order_or_layout_are_a_repeat(client, login, make_body, new_id):
    headers = login("inspector1")
    body, uid = make_body(), new_id()
    assert client.put(f"/api/inspections/{uid}", json=body, headers=headers).status_code == 201
    shuffled = {**body, "results": list(reversed(body["results"]))}
    text = json.dumps(dict(reversed(list(shuffled.items()))), indent=3)
    again = client.put(
        f"/api/inspections/{uid}", data=text, content_type="application/json", headers=headers
    )
    assert again.status_code == 200


def test_a_different_body_after_submission_is_409_and_changes_nothing(
    client, login, make_body, new_id, dbsession
):
    headers = login("inspector1")
    uid = new_id()
    client.put(f"/api/inspections/{uid}", json=make_body(), headers=headers)
    changed = make_body(failures={"ENV-01": {"photos": [sha(jpeg(1))]}})
    response = client.put(f"/api/inspections/{uid}", json=changed, headers=headers)
    assert response.status_code == 409
    assert "replaces" in response.json["message"]
    stored = dbsession.get(Inspection, uid)
    assert {r.outcome.value for r in stored.results} == {"pass"}


def test_an_edit_is_a_new_version_naming_the_one_it_replaces(client, login, make_body, new_id):
    headers = login("inspector1")
    old, new = new_id(), new_id()
    client.put(f"/api/inspections/{old}", json=make_body(), headers=headers)
    edit = make_body(failures={"ENV-01": {"photos": [sha(jpeg(2))]}}, replaces=old)
    response = client.put(f"/api/inspections/{new}", json=edit, headers=headers)
    assert response.status_code == 201, response.json
    assert response.json["replaces"] == old
    assert client.get(f"/api/inspections/{old}", headers=headers).json["status"] == "superseded"
    again = client.put(f"/api/inspections/{new}", json=edit, headers=headers)
    assert again.status_code == 200  # the phone retries the edit: still one version
    third = client.put(
        f"/api/inspections/{new_id()}", json=make_body(replaces=old), headers=headers
    )
    assert third.status_code == 422 and "superseded" in str(third.json["errors"])


def test_drafts_can_be_saved_resumed_and_then_submitted(client, login, make_body, new_id):
    headers = login("inspector1")
    uid = new_id()
    half = make_body(status="draft", finished_at=None, skip=("PRO-01", "PRO-02", "PRO-03"))
    created = client.put(f"/api/inspections/{uid}", json=half, headers=headers)
    assert created.status_code == 201 and created.json["status"] == "draft"
    assert created.json["unanswered"] == ["PRO-01", "PRO-02", "PRO-03"]
    more = make_body(
        status="draft", finished_at=None, failures={"GAR-06": {"photos": [sha(jpeg(3))]}}
    )
    resumed = client.put(f"/api/inspections/{uid}", json=more, headers=headers)
    assert resumed.status_code == 200 and resumed.json["unanswered"] == []
    final = make_body(failures={"GAR-06": {"photos": [sha(jpeg(3))]}})
    submitted = client.put(f"/api/inspections/{uid}", json=final, headers=headers)
    assert submitted.status_code == 200 and submitted.json["status"] == "submitted"
    assert client.put(f"/api/inspections/{uid}", json=more, headers=headers).status_code == 409


def test_photos_may_arrive_before_or_after_and_the_inspection_says_what_is_missing(
    client, login, make_body, new_id
):
    headers = login("inspector1")
    early, late = jpeg(4), jpeg(5)
    assert client.put(f"/api/photos/{sha(early)}", data=early, headers=headers).status_code == 201
    body = make_body(failures={"ENV-01": {"photos": [sha(early), sha(late)]}})
    uid = new_id()
    created = client.put(f"/api/inspections/{uid}", json=body, headers=headers)
    assert created.json["missing_photos"] == [sha(late)]
    flags = next(r for r in created.json["results"] if r["item_code"] == "ENV-01")["evidence"]
    assert [f["code"] for f in flags] == ["photo_missing"]
    for _ in range(2):  # the phone retries the upload: stored once
        assert client.put(f"/api/photos/{sha(late)}", data=late, headers=headers).status_code in (
            200,
            201,
        )
    now = client.get(f"/api/inspections/{uid}", headers=headers).json
    assert now["missing_photos"] == []
    assert next(r for r in now["results"] if r["item_code"] == "ENV-01")["evidence"] == []
    assert client.head(f"/api/photos/{sha(late)}", headers=headers).status_code == 200


def test_scores_follow_the_checklist_rules(client, login, make_body, new_id, definition):
    headers = login("inspector1")
    env01 = definition.item("ENV-01")
    body = make_body(failures={"ENV-01": {"photos": [sha(jpeg(6))]}})
    response = client.put(f"/api/inspections/{new_id()}", json=body, headers=headers).json
    sanitation = 100 - env01.weight  # item weights of an area sum to 100
    assert response["area_scores"]["sanitation"] == round(sanitation, 1)
    assert response["area_scores"]["garbage"] == 100.0
    weights = {a.key: a.weight for a in definition.areas}
    expected = sum(weights[k] * (sanitation if k == "sanitation" else 100) for k in weights) / 100
    assert response["total_score"] == round(expected, 1)
