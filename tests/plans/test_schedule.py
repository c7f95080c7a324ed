"""Schedules on the working calendar: holidays skipped, 调休 weekend days worked."""

from datetime import date, datetime

from backend.checklists.calendar import SHANGHAI
from backend.plans.generation import generate
from tests.plans.conftest import local_days, task_rows


def _create(client, login, body) -> int:
    response = client.post("/api/plans", json=body, headers=login("admin"))
    assert response.status_code == 201, response.json
    return response.json["id"]


def test_every_working_day_skips_春节_and_works_调休_weekends(client, login, dbsession, plan_body):
    plan_id = _create(client, login, plan_body())
    # Made at once for PLANS_HORIZON_DAYS (14): to 3 February, inside the holiday.
    days = local_days(task_rows(dbsession, plan_id))
    assert days == [date(2025, 1, d) for d in (20, 21, 22, 23, 24, 26, 27)]
    generate(21)
    days = local_days(task_rows(dbsession, plan_id))
    assert date(2025, 1, 25) not in days  # an ordinary Saturday
    assert date(2025, 1, 26) in days and date(2025, 2, 8) in days  # 调休 Sunday and Saturday
    assert not any(date(2025, 1, 28) <= d <= date(2025, 2, 4) for d in days)  # 春节
    assert days[7:] == [date(2025, 2, d) for d in (5, 6, 7, 8, 10)]


def test_windows_span_working_days_across_the_holiday(client, login, dbsession, plan_body):
    plan_id = _create(client, login, plan_body(every_n=3, window_days=3, grace_days=1))
    generate(21)
    tasks = task_rows(dbsession, plan_id)
    assert local_days(tasks) == [date(2025, 1, 20), date(2025, 1, 23), date(2025, 1, 27),
                                 date(2025, 2, 7)]  # fmt: skip
    holiday_task = tasks[2]
    # 27 January, then 5 and 6 February: the window closes at midnight after the 6th and the
    # grace runs one more working day (the 7th).
    assert holiday_task.closes_at == datetime(2025, 2, 7, tzinfo=SHANGHAI)
    assert holiday_task.grace_until == datetime(2025, 2, 8, tzinfo=SHANGHAI)
    assert tasks[1].closes_at == datetime(2025, 1, 27, tzinfo=SHANGHAI)  # 23, 24, 26 (调休)


def test_weekly_on_a_holiday_moves_to_the_next_working_day(client, login, dbsession, plan_body):
    plan_id = _create(
        client, login, plan_body(schedule="weekly", every_n=None, weekdays=[1], window_days=1)
    )
    generate(28)
    # Tuesdays to 17 Feb: 21 Jan, 28 Jan (春节 → 5 Feb), 4 Feb (春节 → 5 Feb, once), 11 Feb.
    assert local_days(task_rows(dbsession, plan_id)) == [
        date(2025, 1, 21), date(2025, 2, 5), date(2025, 2, 11)
    ]  # fmt: skip


def test_monthly_opens_on_the_first_working_day(client, login, dbsession, plan_body):
    plan_id = _create(
        client, login, plan_body(schedule="monthly", every_n=None, window_days=5, grace_days=2)
    )
    generate(60)
    # 1-4 February are weekend and 春节; March 1-2 are a weekend.
    assert local_days(task_rows(dbsession, plan_id)) == [date(2025, 2, 5), date(2025, 3, 3)]
