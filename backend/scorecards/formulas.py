"""Scorecard formulas (pure: plain data in, figures out). The README copies these definitions.

Over a period [start, end):
- due            tickets whose deadline falls in the period (应结案数)
- deferred       of those, tickets whose deadline was extended (延期)
- closed         of those, tickets closed by the end of the period (结案)
- closed_on_time of those closed, tickets rectified no later than their deadline (按期结案):
                 the unit is judged on its own work, not on when the inspector came back
- 结案率 closure_rate        = closed / (due − deferred)
- 按期结案率 on_time_rate     = closed_on_time / (due − deferred)
- 返工率 rework_rate          = failed verifications / verifications (both in the period)
- 延期率 extension_rate       = deferred / due
- overdue_open   tickets the unit still owes, past their deadline at the period's end (or now)
- hours to rectify: working hours from dispatch to rectification, tickets rectified in the period:
                 mean and 90th percentile (nearest-rank)
- recurrences    recurrences recorded on the unit's tickets in the period, plus repeats dispatched
- mean_inspection_score: mean total score of inspections submitted in the period at its estates
- 取证异常率 evidence_flag_rate (firms) = rectifications recorded by the unit in the period with at
                 least one evidence flag on an after-photo / its rectifications in the period
A rate with a zero denominator is None (no data), never 0 or 100 %. Means do not depend on the
order of the rows (hours: correctly rounded sum / count; scores: exact over whole thousandths,
rounded once), so equal means rank as equal.

Credit grade (信用等级), from the on-time rate, the rework rate and the mean inspection score, each
taken as passing when there is no data for it:
    A: on-time ≥ 90 %, rework ≤ 10 %, score ≥ 85      B: ≥ 75 %, ≤ 20 %, ≥ 75
    C: ≥ 60 %, ≤ 30 %, ≥ 60                           D: otherwise
Estate grade from its latest total score: 优 ≥ 90, 良 ≥ 80, 中 ≥ 70, 差 below; none without a score.
Rankings sort by the mean estate score (higher first), then the on-time rate, then the name.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

GRADE_THRESHOLDS = (("A", 0.90, 0.10, 85.0), ("B", 0.75, 0.20, 75.0), ("C", 0.60, 0.30, 60.0))
ESTATE_GRADES = ((90.0, "优"), (80.0, "良"), (70.0, "中"))


@dataclass(frozen=True)
class TicketFacts:
    due_at: datetime
    extended: bool
    closed_at: datetime | None
    rectified_at: datetime | None


@dataclass(frozen=True)
class UnitFigures:
    due: int
    deferred: int
    closed: int
    closed_on_time: int
    closure_rate: float | None
    on_time_rate: float | None
    rework_rate: float | None
    extension_rate: float | None
    overdue_open: int
    mean_hours_to_rectify: float | None
    p90_hours_to_rectify: float | None
    recurrences: int
    verifications: int
    failed_verifications: int
    mean_inspection_score: float | None
    grade: str


def ratio(numerator: int, denominator: int) -> float | None:
    return None if denominator <= 0 else numerator / denominator


def percentile(values: Sequence[float], share: float) -> float | None:
    """Nearest-rank percentile (the value at rank ⌈share × n⌉), None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def mean(values: Iterable[float]) -> float | None:
    """The correctly rounded sum over the count: the same whatever order the rows came in (a
    plain float sum's last bits depend on it, and rankings compare means)."""
    values = list(values)
    return math.fsum(values) / len(values) if values else None


# Scores are stored rounded to one decimal (checklists/scoring.py); their means are taken over
# whole thousandths, which SQL sums exactly as integers on both databases.
SCORE_UNITS = 1000


def score_units(score: float) -> int:
    return round(score * SCORE_UNITS)


def score_mean(units_total: int | None, n: int) -> float | None:
    """Mean score from the sum of `score_units` over `n` scores (exact, rounded once)."""
    return float(Fraction(int(units_total or 0), SCORE_UNITS * n)) if n else None


def mean_score(scores: Iterable[float]) -> float | None:
    scores = list(scores)
    return score_mean(sum(map(score_units, scores)), len(scores))


def credit_grade(on_time: float | None, rework: float | None, score: float | None) -> str:
    for grade, min_on_time, max_rework, min_score in GRADE_THRESHOLDS:
        if (
            (on_time is None or on_time >= min_on_time)
            and (rework is None or rework <= max_rework)
            and (score is None or score >= min_score)
        ):
            return grade
    return "D"


def estate_grade(total: float | None) -> str | None:
    if total is None:
        return None
    return next((grade for floor, grade in ESTATE_GRADES if total >= floor), "差")


@dataclass(frozen=True)
class TicketCounts:
    """A unit's counts over a period (the definitions above), as grouped SQL gives them."""

    due: int = 0
    deferred: int = 0
    closed: int = 0
    closed_on_time: int = 0
    overdue_open: int = 0
    verifications: int = 0
    failed_verifications: int = 0
    recurrences: int = 0


def counted_figures(
    counts: TicketCounts, rectified_hours: Sequence[float], inspection_score: float | None
) -> UnitFigures:
    """The figures from the counts, the hours to rectify and the mean inspection score."""
    base = counts.due - counts.deferred
    on_time_rate = ratio(counts.closed_on_time, base)
    rework_rate = ratio(counts.failed_verifications, counts.verifications)
    return UnitFigures(
        due=counts.due,
        deferred=counts.deferred,
        closed=counts.closed,
        closed_on_time=counts.closed_on_time,
        closure_rate=ratio(counts.closed, base),
        on_time_rate=on_time_rate,
        rework_rate=rework_rate,
        extension_rate=ratio(counts.deferred, counts.due),
        overdue_open=counts.overdue_open,
        mean_hours_to_rectify=mean(rectified_hours),
        p90_hours_to_rectify=percentile(rectified_hours, 0.9),
        recurrences=counts.recurrences,
        verifications=counts.verifications,
        failed_verifications=counts.failed_verifications,
        mean_inspection_score=inspection_score,
        grade=credit_grade(on_time_rate, rework_rate, inspection_score),
    )


def unit_figures(
    tickets_due: Sequence[TicketFacts],
    rectified_hours: Sequence[float],
    overdue_open: int,
    verifications: int,
    failed_verifications: int,
    recurrences: int,
    inspection_scores: Sequence[float],
    end: datetime,
) -> UnitFigures:
    """The same from one fact per ticket due (the definitions spelled out in Python)."""
    closed = [t for t in tickets_due if t.closed_at is not None and t.closed_at < end]
    on_time = [t for t in closed if t.rectified_at is not None and t.rectified_at <= t.due_at]
    counts = TicketCounts(
        due=len(tickets_due),
        deferred=sum(1 for t in tickets_due if t.extended),
        closed=len(closed),
        closed_on_time=len(on_time),
        overdue_open=overdue_open,
        verifications=verifications,
        failed_verifications=failed_verifications,
        recurrences=recurrences,
    )
    return counted_figures(counts, rectified_hours, mean_score(inspection_scores))
