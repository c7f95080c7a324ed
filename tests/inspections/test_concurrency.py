"""Two identical requests at the same moment create one record (real commits, real threads)."""

import uuid

import pytest
import sqlalchemy as sa

from backend.database import db
from backend.inspections.models import Inspection
from tests.concurrency import purge, race, token
from tests.inspections.conftest import jpeg, sha


@pytest.fixture
def committed(app):
    """Requests commit for real here; whatever the test creates is deleted afterwards."""
    created: dict[str, list[str]] = {"inspections": [], "photos": []}
    yield created
    purge(app, created["inspections"], created["photos"])


def _body(app):
    with app.app_context():
        from backend.checklists.models import ChecklistVersion, VersionStatus
        from backend.places.models import Estate

        version = db.session.scalar(
            sa.select(ChecklistVersion).where(ChecklistVersion.status == VersionStatus.active)
        )
        estate_id = db.session.scalar(sa.select(Estate.id).where(Estate.code == "E002"))
        from backend.checklists.services import definition_of
        from tests.inspections.conftest import passing

        results = [
            {"item_code": i.code, "answer": passing(i)} for i in definition_of(version).items
        ]
        db.session.remove()
    return {
        "estate_id": estate_id,
        "checklist_version_id": version.id,
        "status": "submitted",
        "started_at": "2026-03-02T09:00:00+08:00",
        "finished_at": "2026-03-02T09:40:00+08:00",
        "results": results,
    }


def test_simultaneous_identical_puts_store_one_inspection(app, committed):
    headers = token(app, "inspector1")
    body = _body(app)
    for _ in range(3):
        uid = str(uuid.uuid4())
        committed["inspections"].append(uid)
        path = f"/api/inspections/{uid}"
        statuses = race(
            app, 3, lambda c, path=path: c.put(path, json=body, headers=headers).status_code
        )
        assert sorted(statuses) == [200, 200, 201], statuses
        with app.app_context():
            count = db.session.scalar(
                sa.select(sa.func.count()).select_from(Inspection).where(Inspection.id == uid)
            )
            db.session.remove()
        assert count == 1


def test_simultaneous_identical_photo_uploads_store_one_photo(app, committed):
    headers = token(app, "inspector1")
    data = jpeg(77, size=(800, 600))
    committed["photos"].append(sha(data))
    statuses = race(
        app, 3, lambda c: c.put(f"/api/photos/{sha(data)}", data=data, headers=headers).status_code
    )
    assert sorted(statuses) == [200, 200, 201], statuses
