"""A submission and everything it triggers commit together: a crash leaves nothing behind."""

import sqlalchemy as sa

from backend import signals
from backend.inspections.models import Inspection, InspectionResult


def test_a_crash_in_what_submission_triggers_leaves_nothing_and_the_retry_succeeds(
    client, login, make_body, new_id, dbsession
):
    def crash(inspection, definition):
        raise RuntimeError("downstream failure while creating tickets")

    with signals.inspection_submitted.connected_to(crash):
        headers = login("inspector1")
        uid, body = new_id(), make_body()
        response = client.put(f"/api/inspections/{uid}", json=body, headers=headers)
        assert response.status_code == 500 and "downstream" not in response.get_data(as_text=True)
        assert dbsession.get(Inspection, uid) is None
        orphans = (
            sa.select(sa.func.count())
            .select_from(InspectionResult)
            .where(InspectionResult.inspection_id == uid)
        )
        assert dbsession.scalar(orphans) == 0

    retry = client.put(f"/api/inspections/{uid}", json=body, headers=headers)
    assert retry.status_code == 201
    assert dbsession.scalar(orphans) == len(body["results"])
