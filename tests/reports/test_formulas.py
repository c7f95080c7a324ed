"""Scorecard formulas on a hand-computed fixture."""

from datetime import UTC, datetime, timedelta

import pytest

from backend.scorecards.formulas import (
    TicketFacts,
    credit_grade,
    estate_grade,
    percentile,
    unit_figures,
)

END = datetime(2026, 4, 1, tzinfo=UTC)
DUE = datetime(2026, 3, 20, 10, tzinfo=UTC)


def facts(closed=None, rectified=None, extended=False):
    return TicketFacts(DUE, extended, closed, rectified)


def test_firm_figures_match_the_hand_computation():
    tickets = [
        facts(closed=DUE + timedelta(days=1), rectified=DUE - timedelta(hours=2)),  # on time
        facts(closed=DUE + timedelta(days=2), rectified=DUE + timedelta(hours=3)),  # closed late
        facts(closed=DUE, rectified=DUE),  # on time: rectified exactly at the deadline
        facts(extended=True),  # deferred, still open
        facts(),  # open
        facts(closed=END + timedelta(hours=1), rectified=DUE - timedelta(days=1)),  # closed after
    ]
    figures = unit_figures(
        tickets, rectified_hours=[2.0, 4.0, 9.0, 30.0, 1.0], overdue_open=2, verifications=5,
        failed_verifications=1, recurrences=3, inspection_scores=[80.0, 90.0, 94.0], end=END,
    )  # fmt: skip
    # due 6, deferred 1 → base 5; closed within the period 3, of which on time 2.
    assert (figures.due, figures.deferred, figures.closed, figures.closed_on_time) == (6, 1, 3, 2)
    assert figures.closure_rate == pytest.approx(3 / 5)
    assert figures.on_time_rate == pytest.approx(2 / 5)
    assert figures.rework_rate == pytest.approx(1 / 5)
    assert figures.extension_rate == pytest.approx(1 / 6)
    assert figures.mean_hours_to_rectify == pytest.approx(46 / 5)
    assert figures.p90_hours_to_rectify == 30.0  # rank ⌈0.9 × 5⌉ = 5 of [1, 2, 4, 9, 30]
    assert figures.mean_inspection_score == pytest.approx(88.0)
    assert figures.grade == "D"  # on-time 40 % is below every grade's floor


def test_rates_without_data_are_none_not_zero():
    figures = unit_figures([], [], 0, 0, 0, 0, [], END)
    assert figures.closure_rate is None and figures.rework_rate is None
    assert figures.grade == "A"  # nothing against the unit


@pytest.mark.parametrize(
    ("on_time", "rework", "score", "grade"),
    [(0.95, 0.05, 90, "A"), (0.90, 0.10, 85, "A"), (0.89, 0.0, 99, "B"), (0.80, 0.25, 80, "C"),
     (0.60, 0.30, 60, "C"), (0.59, 0.0, 100, "D"), (None, None, 70, "C"), (1.0, 0.31, 100, "D")],
)  # fmt: skip
def test_credit_grade_thresholds(on_time, rework, score, grade):
    assert credit_grade(on_time, rework, score) == grade


def test_estate_grades_and_percentiles():
    assert [estate_grade(s) for s in (95, 90, 85, 70, 69.9, None)] == [
        "优",
        "优",
        "良",
        "中",
        "差",
        None,
    ]
    assert percentile([5.0], 0.9) == 5.0 and percentile([], 0.9) is None
    assert percentile([float(i) for i in range(1, 11)], 0.9) == 9.0
