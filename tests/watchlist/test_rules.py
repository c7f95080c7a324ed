"""The pure rules (README's worked examples, by hand)."""

from __future__ import annotations

from backend.watchlist import rules
from backend.watchlist.periods import parse
from backend.watchlist.rules import EstateFacts


def test_readme_example_points_and_reasons():
    # README: 12 complaints, 1 dispute, 4 rework, 3 overdue, owner evaluation 55.0.
    facts = EstateFacts(complaints=12, disputes=1, rework=4, overdue=3, evaluation=55.0)
    assert rules.points(facts) == 24 + 3 + 12 + 6 + 10 == 55
    tops = {"complaints": rules.top_percent(1, 1200), "disputes": rules.top_percent(300, 1200),
            "rework": rules.top_percent(40, 1200), "overdue": rules.top_percent(200, 1200)}  # fmt: skip
    assert tops == {"complaints": 1, "disputes": 25, "rework": 4, "overdue": 17}
    assert rules.reasons(facts, tops) == [
        "投诉 12 件(全市前1%)", "争议 1 次", "返工 4 次(全市前4%)", "逾期 3 件",
        "业主评价 55.0 分(评价差)",
    ]  # fmt: skip


def test_evaluation_points_at_the_edges():
    assert [rules.evaluation_points(s) for s in (None, 0.0, 59.9, 60.0, 69.9, 70.0, 100.0)] == [
        0, 10, 10, 5, 5, 0, 0,
    ]  # fmt: skip
    assert rules.reasons(EstateFacts(evaluation=65.0), {}) == ["业主评价 65.0 分(评价偏低)"]


def test_positions_share_equal_counts():
    assert rules.positions([3, 5, 3, 1]) == {5: 1, 3: 2, 1: 4}
    assert rules.top_percent(2, 30) == 7 and rules.top_percent(3, 30) == 10


def test_composite_readme_example_and_missing_parts():
    # README: inspection 86.5, on time 80 %, owners 62.0, 全覆盖 75 %.
    parts = {"inspection": 86.5, "on_time": 80.0, "owners": 62.0, "fullcover": 75.0}
    assert rules.composite(parts) == 78.3  # (3460 + 2000 + 1240 + 1125) / 100 = 78.25
    # no owner score: (3460 + 2000 + 1125) / 80 = 82.3125 → 82.3
    assert rules.composite({**parts, "owners": None}) == 82.3
    assert rules.composite({**parts, "inspection": None}) is None


def test_ranks_are_competition_ranks():
    assert rules.ranks([80.0, None, 90.0, 80.0, 70.0]) == [2, None, 1, 2, 4]


def test_periods():
    q4 = parse("2026Q4")
    assert q4 and (q4.period.first_day.isoformat(), q4.period.last_day.isoformat()) == (
        "2026-10-01", "2026-12-31",
    )  # fmt: skip
    nov = parse("2026-11")
    assert nov and nov.label == "2026年11月" and nov.period.last_day.day == 30
    assert [parse(k) for k in ("2026Q0", "2026-13", "26Q1", "", "2026q1")] == [None] * 5
