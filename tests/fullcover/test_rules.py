"""The formulas of 物业管理全覆盖 on hand-made arrangements (no database)."""

from __future__ import annotations

from datetime import date

from backend.fullcover import rules
from backend.places.models import ManagementMode as M


def a(start: str, end: str | None, mode: M, contract: bool = False) -> rules.Arrangement:
    return rules.Arrangement(
        date.fromisoformat(start), None if end is None else date.fromisoformat(end), mode, contract
    )


D = date.fromisoformat
# charitable custody 2019-03-01..2020-06-30 overlapping a contract from 2020-01-01 to 2021-12-31;
# then street custody (still unmanaged) from 2022-03-01.
HISTORY = [
    a("2019-03-01", "2020-06-30", M.charitable_custody),
    a("2020-01-01", "2021-12-31", M.market, contract=True),
    a("2022-03-01", None, M.unmanaged),
]


def test_mode_on_each_day_contract_wins_over_custody():
    assert rules.mode_on(HISTORY, D("2019-02-28")) is M.unmanaged
    assert rules.mode_on(HISTORY, D("2019-03-01")) is M.charitable_custody
    assert rules.mode_on(HISTORY, D("2020-01-01")) is M.market  # both active: the contract
    assert rules.mode_on(HISTORY, D("2021-12-31")) is M.market  # end day inclusive
    assert rules.mode_on(HISTORY, D("2022-01-01")) is M.unmanaged  # gap
    assert rules.mode_on(HISTORY, D("2030-01-01")) is M.unmanaged  # street custody


def test_modes_at_many_days_agree_with_one_at_a_time():
    days = rules.month_ends(D("2019-01-15"), D("2022-04-10"))
    assert rules.modes_at(HISTORY, days) == [rules.mode_on(HISTORY, d) for d in days]


def test_month_ends_end_with_the_day_asked():
    assert rules.month_ends(D("2019-11-20"), D("2020-02-10")) == [
        D("2019-11-30"),
        D("2019-12-31"),
        D("2020-01-31"),
        D("2020-02-10"),
    ]
    assert rules.month_ends(D("2020-02-03"), D("2020-02-29")) == [D("2020-02-29")]


def test_old_estate_is_built_strictly_before_the_year():
    assert rules.is_old(1999, 2000) is True
    assert rules.is_old(2000, 2000) is False
    assert rules.is_old(None, 2000) is None


def test_unmanaged_since_the_day_after_the_last_managing_arrangement():
    # The contract ended 2021-12-31; street custody (2022-03-01) is not management.
    since = rules.unmanaged_since(HISTORY, D("2022-06-30"))
    assert since == D("2022-01-01")
    # 2022-01-01..2022-06-30 inclusive: 31+28+31+30+31+30 = 181 days
    assert rules.days_unmanaged(since, D("2022-06-30")) == 181
    assert rules.days_unmanaged(since, since) == 1
    never = [a("2024-01-01", None, M.unmanaged)]
    assert rules.unmanaged_since(never, D("2025-01-01")) is None
    assert rules.days_unmanaged(None, D("2025-01-01")) is None


def test_milestone_status_compares_exactly():
    day, later = D("2019-12-31"), D("2020-06-30")
    assert rules.milestone_status(3, 5, 60, day, later) == "met"  # 60.0% ≥ 60%
    assert rules.milestone_status(2, 5, 60, day, later) == "missed"
    assert rules.milestone_status(2, 3, 67, day, later) == "missed"  # 66.67% < 67%
    assert rules.milestone_status(0, 5, 60, later, day) == "pending"
    assert rules.milestone_status(0, 0, 60, day, later) == "not_applicable"


def test_runs_are_the_modes_run_length_encoded():
    days = rules.month_ends(D("2018-12-01"), D("2022-06-30"))
    modes = rules.modes_at(HISTORY, days)
    found = rules.runs(HISTORY, days)
    assert [m for mode, first, after in found for m in [mode] * (after - first)] == modes
    # Dec 2018 – Feb 2019 none; Mar – Dec 2019 charitable; Jan 2020 – Dec 2021 market; then none
    # (the gap and the street custody read the same: unmanaged).
    assert [(mode, after - first) for mode, first, after in found] == [
        (M.unmanaged, 3),
        (M.charitable_custody, 10),
        (M.market, 24),
        (M.unmanaged, 6),
    ]
