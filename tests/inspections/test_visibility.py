"""Who sees which inspections and photos; firms never see drafts."""

from tests.inspections.conftest import jpeg, sha


def _submit(client, headers, make_body, new_id, status="submitted", photo=None):
    failures = {"ENV-01": {"photos": [sha(photo)]}} if photo else None
    uid = new_id()
    body = make_body(
        status=status, failures=failures, **({"finished_at": None} if status == "draft" else {})
    )
    response = client.put(f"/api/inspections/{uid}", json=body, headers=headers)
    assert response.status_code == 201, response.json
    return uid


def test_inspections_follow_scope_and_drafts_stay_private(client, login, make_body, new_id):
    inspector = login("inspector1")
    submitted = _submit(client, inspector, make_body, new_id)
    draft = _submit(client, inspector, make_body, new_id, status="draft")
    can_see = {
        "inspector1": {submitted, draft},
        "supervisor1": {submitted},
        "street1": {submitted},
        "firm1": {submitted},  # firm1 manages E001
        "admin": {submitted, draft},
        "inspector2": set(),
        "firm2": set(),
    }
    for username, expected in can_see.items():
        headers = login(username)
        listed = {
            i["id"] for i in client.get("/api/inspections?page_size=200", headers=headers).json
        }
        assert listed & {submitted, draft} == expected, username
        for uid in (submitted, draft):
            status = client.get(f"/api/inspections/{uid}", headers=headers).status_code
            assert status == (200 if uid in expected else 404), (username, uid)


def test_photos_are_served_only_to_those_who_may_see_their_inspection(
    client, login, make_body, new_id
):
    inspector = login("inspector1")
    photo = jpeg(11, size=(2000, 1500))
    client.put(f"/api/photos/{sha(photo)}", data=photo, headers=inspector)
    _submit(client, inspector, make_body, new_id, photo=photo)
    for username, status in {
        "inspector1": 200,
        "supervisor1": 200,
        "firm1": 200,
        "admin": 200,
        "inspector2": 404,
        "firm2": 404,
    }.items():
        for variant in ("display", "thumb"):
            response = client.get(f"/api/photos/{sha(photo)}/{variant}", headers=login(username))
            assert response.status_code == status, (username, variant)
            if status == 200:
                assert response.headers["Content-Type"] == "image/jpeg"
                assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get(f"/api/photos/{sha(photo)}/original", headers=inspector).status_code == 404
    assert client.get(f"/api/photos/{sha(photo)}/display").status_code == 401


def test_an_unattached_photo_is_visible_to_its_uploader_only(client, login):
    photo = jpeg(12)
    client.put(f"/api/photos/{sha(photo)}", data=photo, headers=login("inspector1"))
    assert (
        client.get(f"/api/photos/{sha(photo)}/thumb", headers=login("inspector1")).status_code
        == 200
    )
    assert (
        client.get(f"/api/photos/{sha(photo)}/thumb", headers=login("supervisor1")).status_code
        == 404
    )


def test_list_filters(client, login, make_body, new_id, estate):
    inspector = login("inspector1")
    good = _submit(client, inspector, make_body, new_id)
    bad_body = make_body(
        failures={"ENV-01": {"photos": [sha(jpeg(13))]}, "ENV-02": {"photos": [sha(jpeg(14))]}}
    )
    bad = new_id()
    client.put(f"/api/inspections/{bad}", json=bad_body, headers=inspector)
    supervisor = login("supervisor1")

    def ids(query):
        response = client.get(f"/api/inspections?page_size=200&{query}", headers=supervisor)
        assert response.status_code == 200, response.json
        return {i["id"] for i in response.json}

    assert {good, bad} <= ids(f"estate_id={estate.id}")
    assert ids("area=sanitation&max_score=90") & {good, bad} == {bad}
    assert ids("min_score=100") & {good, bad} == {good}
    assert ids("from=2000-01-01T00:00:00Z&to=2000-02-01T00:00:00Z") == set()
    me = client.get("/api/me", headers=inspector).json["id"]
    assert {good, bad} <= ids(f"inspector_id={me}")
    assert client.get("/api/inspections?from=yesterday", headers=supervisor).status_code == 422
