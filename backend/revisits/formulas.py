"""回访 formulas (pure). The README copies these definitions.

- satisfied answer: the resident says the problem is solved (解决了) AND rates it 4 or 5. A
  "solved" with a poor rating (1–3) is not satisfaction, and "not solved" never is, whatever
  the rating: the hotlines' 满意 means both.
- 满意率 satisfaction_rate = satisfied answers / answers, over the answers given in the period
  (by answer time) about the unit's closures.
- mean_rating = Σ ratings / answers (exact, rounded once for output).
Both are None (not published) when the unit has fewer than `min_answers` answers in the period,
so that no figure can be read back to one resident's answer; `revisit_answers` is always given.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

SATISFIED_MIN_RATING = 4


def satisfied(resolved: bool, rating: int) -> bool:
    return bool(resolved) and rating >= SATISFIED_MIN_RATING


def satisfaction(
    answers: int, satisfied_count: int, rating_sum: int, min_answers: int
) -> dict[str, Any]:
    shown = answers > 0 and answers >= min_answers
    return {
        "revisit_answers": answers,
        "satisfaction_rate": float(Fraction(satisfied_count, answers)) if shown else None,
        "mean_rating": float(Fraction(rating_sum, answers)) if shown else None,
    }
