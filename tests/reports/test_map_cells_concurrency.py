"""Ticket writers that share map cells do not deadlock. A level-8 cell holds a whole street, so
every ticket change in the street changes the same cells; the triggers only append change rows
(no writer locks a cell), so two transactions that change tickets in crossing orders both commit,
and what they leave is what a rebuild makes."""

import threading
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa
from geoalchemy2.shape import to_shape

from backend.checklists.models import ChecklistVersion, VersionStatus
from backend.checklists.services import definition_of
from backend.database import db
from backend.maps import cells as map_cells
from backend.places.models import Estate
from backend.tickets.models import Ticket
from tests.concurrency import purge, token
from tests.inspections.conftest import failing, passing

pytestmark = pytest.mark.postgis_only  # SQLite runs one writer at a time: nothing to interleave


def _committed_tickets(app, count: int):
    """`count` committed open tickets at one estate, major and minor in turn (a generator: the
    fixture's teardown purges them)."""
    with app.app_context():
        version = db.session.scalar(
            sa.select(ChecklistVersion).where(ChecklistVersion.status == VersionStatus.active)
        )
        estate = db.session.scalar(sa.select(Estate).where(Estate.code == "E002"))
        point = to_shape(estate.boundary).representative_point()
        where = {"lat": point.y, "lng": point.x, "accuracy_m": 5.0}
        items = definition_of(version).items
        results = [{"item_code": i.code, "answer": passing(i)} for i in items]
        for row, item in list(zip(results, items, strict=True))[:count]:
            row.update(answer=failing(item), note="并发", position=where, photos=["d" * 64])
        body = {
            "estate_id": estate.id, "checklist_version_id": version.id, "status": "submitted",
            "started_at": "2026-03-02T09:00:00+08:00", "finished_at": "2026-03-02T09:40:00+08:00",
            "position": where, "results": results,
        }  # fmt: skip
        db.session.remove()
    uid = str(uuid.uuid4())
    response = app.test_client().put(
        f"/api/inspections/{uid}", json=body, headers=token(app, "inspector1")
    )
    assert response.status_code == 201, response.json
    with app.app_context():
        ids = db.session.scalars(
            sa.select(Ticket.id).where(Ticket.inspection_id == uid).order_by(Ticket.id)
        ).all()
        assert len(ids) == count
        severities = ("major", "minor", "minor", "major") * count
        for ticket_id, severity in zip(ids, severities[:count], strict=True):
            db.session.execute(
                sa.update(Ticket).where(Ticket.id == ticket_id).values(severity=severity)
            )
        db.session.commit()
        db.session.remove()
    yield ids
    purge(app, [uid], [])


@pytest.fixture
def four_tickets(app):
    """Four committed open tickets at one estate: a, d major; b, c minor."""
    yield from _committed_tickets(app, 4)


@pytest.fixture
def sixteen_tickets(app):
    yield from _committed_tickets(app, 16)


def _due(ids: list[int]) -> dict[int, object]:
    query = sa.select(Ticket.id, Ticket.due_at).where(Ticket.id.in_(ids))
    return {row.id: row.due_at for row in db.session.execute(query)}


def _version() -> int:
    return db.session.scalar(sa.select(map_cells.MapVersion.version))


def _cells() -> set[tuple]:
    rows = db.session.execute(sa.select(map_cells.MapCellTotal)).scalars()
    return {
        (r.level, r.cx, r.cy, r.street_id, r.severity, r.n, r.sx, r.sy, r.n_late)
        for r in rows
        if r.n or r.sx or r.sy or r.n_late
    }


def test_crossing_ticket_changes_in_one_street_both_commit(app, four_tickets):
    a, b, c, d = four_tickets  # a, d major; b, c minor
    with app.app_context():
        before = _due(four_tickets)
        db.session.remove()
    first_flushed = threading.Barrier(2)
    errors: list[BaseException] = []

    def writer(first: int, second: int) -> None:
        with app.app_context():
            try:
                for ticket_id in (first, second):
                    ticket = db.session.get(Ticket, ticket_id)
                    ticket.due_at = ticket.due_at + timedelta(hours=1)
                    db.session.flush()
                    if ticket_id == first:
                        # Both hold their first ticket's change before touching the second:
                        # cells written at flush would now lock major→minor against minor→major.
                        first_flushed.wait(timeout=10)
                db.session.commit()
            except BaseException as error:  # reported by the assertion below
                errors.append(error)
                db.session.rollback()
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=writer, args=(a, b)),
        threading.Thread(target=writer, args=(c, d)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    with app.app_context():
        assert _due(four_tickets) == {k: v + timedelta(hours=1) for k, v in before.items()}
        map_cells.fold()
        kept = _cells()
        map_cells.refresh(map_cells.watermark(db.session.connection()))
        assert _cells() == kept  # the counts both writers left are the ones a rebuild makes
        db.session.rollback()
        db.session.remove()


def test_eight_writers_in_one_street_with_folds_among_them_all_commit(app, sixteen_tickets):
    """Eight writers, each changing two tickets of the street in its own order, while the
    change rows cross fold points (a fold runs inside whichever writer appends the row)."""
    with app.app_context():
        db.session.execute(
            sa.text("SELECT setval(pg_get_serial_sequence('map_cell_changes', 'id'), :at)"),
            {"at": (1 + 4) * map_cells.FOLD_EVERY - 6},
        )
        db.session.commit()
        before = _due(sixteen_tickets)
        version = _version()
        db.session.remove()
    pairs = [sixteen_tickets[i : i + 2] for i in range(0, 16, 2)]
    pairs = [pair if i % 2 else pair[::-1] for i, pair in enumerate(pairs)]
    all_flushed = threading.Barrier(len(pairs))
    errors: list[BaseException] = []

    def writer(first: int, second: int) -> None:
        with app.app_context():
            try:
                for ticket_id in (first, second):
                    ticket = db.session.get(Ticket, ticket_id)
                    ticket.due_at = ticket.due_at + timedelta(hours=1)
                    ticket.severity = "urgent" if ticket_id == first else ticket.severity
                    db.session.flush()
                    if ticket_id == first:
                        all_flushed.wait(timeout=20)
                db.session.commit()
            except BaseException as error:  # reported by the assertion below
                errors.append(error)
                db.session.rollback()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=writer, args=pair) for pair in pairs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    with app.app_context():
        assert _due(sixteen_tickets) == {k: v + timedelta(hours=1) for k, v in before.items()}
        assert _version() > version  # a writer folded
        map_cells.fold()
        kept = _cells()
        map_cells.refresh(map_cells.watermark(db.session.connection()))
        assert _cells() == kept
        db.session.rollback()
        db.session.remove()
