"""The grouped-SQL scorecards give exactly what the per-ticket Python version gave
(tests/reports/scorecards_before.py), for every kind of unit, every demo account's scope and
periods that end in the past, today and the future: over the demo's six weeks of history and
over random ticket sets (both database legs)."""

import random
from datetime import timedelta

import pytest
import sqlalchemy as sa

from backend.accounts.models import User
from backend.accounts.services import scope_of
from backend.clock import today, utcnow
from backend.demo.history import seed_history
from backend.notifications.models import TicketUrge
from backend.places.models import District, Street
from backend.places.scope import Scope
from backend.reports import periods
from backend.scorecards import services as scorecards
from backend.tickets.models import Ticket
from tests.reports import scorecards_before as before
from tests.reports.ticket_sets import add_inspections, add_tickets

ACCOUNTS = ("admin", "supervisor1", "street1", "inspector1", "inspector2", "firm1", "firm2")


def _scopes(dbsession) -> dict[str, Scope]:
    users = dbsession.scalars(sa.select(User).where(User.username.in_(ACCOUNTS)))
    scopes = {user.username: scope_of(user) for user in users}
    district = dbsession.scalar(sa.select(District.id).order_by(District.id))
    street = dbsession.scalar(sa.select(Street.id).order_by(Street.id.desc()))
    scopes["district"] = Scope(district_ids=frozenset({district}))
    scopes["street"] = Scope(street_ids=frozenset({street}))
    return scopes


def _periods() -> list[periods.Period]:
    now = today()
    return [
        periods.trailing_year(now),
        periods.month_to_date(now),
        periods.last_month(now),
        periods.days(now - timedelta(days=10), now + timedelta(days=20)),  # ends in the future
        periods.days(now - timedelta(days=3), now - timedelta(days=3)),
    ]


def _same_everywhere(dbsession) -> int:
    """Compare every scorecard for every scope and period; returns the rows compared."""
    compared = 0
    for name, scope in _scopes(dbsession).items():
        for period in _periods():
            where = (name, period)
            old = before.firm_scorecards(period, scope)
            assert scorecards.firm_scorecards(period, scope) == old, where
            old_estates = before.estate_scorecards(period, scope)
            assert scorecards.estate_scorecards(period, scope) == old_estates, where
            for level in ("street", "district"):
                old_areas = before.area_scorecards(level, period, scope)
                new_areas = scorecards.area_scorecards(level, period, scope)
                assert new_areas == old_areas, (level, *where)
                compared += len(old_areas)
            assert scorecards.latest_scores(period, scope) == before.latest_scores(period, scope)
            compared += len(old) + len(old_estates)
    return compared


def test_sql_scorecards_equal_the_python_ones_over_the_demo_history(dbsession):
    seed_history()
    assert _same_everywhere(dbsession) > 500


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sql_scorecards_equal_the_python_ones_over_random_tickets(dbsession, seed):
    rng = random.Random(seed)
    now = utcnow()
    add_tickets(rng, 1500, now - timedelta(days=400), now + timedelta(days=15))
    add_inspections(rng, 2, now - timedelta(days=400), now + timedelta(days=5))
    _add_urges(dbsession, rng, 60)
    assert _same_everywhere(dbsession) > 500


def _add_urges(dbsession, rng: random.Random, n: int) -> None:
    """催办 on random tickets, some acknowledged hours or days later, some never."""
    tickets = dbsession.execute(sa.select(Ticket.id, Ticket.responsible_org_id, Ticket.created_at))
    chosen = rng.sample(list(tickets), n)
    boss = dbsession.scalar(sa.select(User.id).where(User.username == "admin"))
    for ticket_id, org_id, created in chosen:
        urged = created + timedelta(hours=rng.uniform(1, 24 * 20))
        acked = urged + timedelta(hours=rng.uniform(0.1, 24 * 40)) if rng.random() < 0.7 else None
        dbsession.add(TicketUrge(ticket_id=ticket_id, organisation_id=org_id, note="快",
                                 urged_by_id=boss, urged_at=urged, acknowledged_at=acked))  # fmt: skip
    dbsession.flush()


def test_scorecards_count_in_a_fixed_number_of_queries(app, dbsession):
    """No query per unit: the statements run do not grow with the number of firms."""
    add_tickets(random.Random(7), 300, utcnow() - timedelta(days=60), utcnow())
    seen: list[str] = []

    def grab(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    sa.event.listen(dbsession.get_bind(), "before_cursor_execute", grab)
    try:
        period = periods.trailing_year()
        firms = scorecards.firm_scorecards(period, Scope.all())
        assert len(firms) > 3 and len(seen) <= 9, seen  # 8: 回访 answers (满意率); 9: 催办
        seen.clear()
        scorecards.area_scorecards("street", period, Scope.all())
        assert len(seen) <= 5, seen  # 5: the urges (催办)
        seen.clear()
        scorecards.estate_scorecards(period, Scope.all())
        assert len(seen) <= 2, seen
    finally:
        sa.event.remove(dbsession.get_bind(), "before_cursor_execute", grab)
