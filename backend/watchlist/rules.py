"""The watch list's scoring rule and the 考核 ranking formula (pure: plain data in, figures out).
The README copies both, with a worked example; tests/watchlist/test_rules.py computes it by hand.

Watch list, rule version WATCHLIST_RULE (per estate, over a period [start, end)):
    points = 2 × complaints + 3 × disputes + 3 × rework + 2 × overdue + evaluation points
    evaluation points: 10 when the owner evaluation score (published: ≥ min answers) is < 60
    (评价差), 5 when it is < 70, else 0; no published score: 0.
An estate is listed when its points reach `min_points`; the list holds the `size` highest,
ordered by points, then complaints, then estate code. A count's 全市前p% (p = ⌈100 × position /
estates in the city⌉, position = 1 + estates with a greater count) is said when p ≤ 10.

考核, formula version RANKING_FORMULA (per street or district, over the same period):
    composite = Σ w_k × v_k / Σ w_k over the parts k that have a value (each 0–100):
      inspection  40  mean estate score of the latest inspections (scorecards)
      on_time     25  按期结案率 × 100
      owners      20  mean owner evaluation score of the estates with a published score
      fullcover   15  物业管理全覆盖 share × 100 on the period's last day (old estates)
    the inspection part is required (an area without inspected estates has no composite: it is
    ranked last, unranked); another part with no value drops out and the others carry its weight.
Ranked by composite (higher first; None last), then name; equal composites share a rank.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

WATCHLIST_RULE = "watchlist-v1"
RANKING_FORMULA = "kaohe-v1"
WEIGHTS = {"complaints": 2, "disputes": 3, "rework": 3, "overdue": 2}
POOR_EVALUATION = ((60.0, 10), (70.0, 5))  # (score below, points)
TOP_SHARE_SAID = 10  # 全市前p% is said when p ≤ this
PARTS = {"inspection": 40, "on_time": 25, "owners": 20, "fullcover": 15}
COUNT_WORDS = {
    "complaints": ("投诉", "件"),
    "disputes": ("争议", "次"),
    "rework": ("返工", "次"),
    "overdue": ("逾期", "件"),
}


@dataclass(frozen=True)
class EstateFacts:
    complaints: int = 0
    disputes: int = 0
    rework: int = 0
    overdue: int = 0
    evaluation: float | None = None  # published owner evaluation score, 0–100


def evaluation_points(score: float | None) -> int:
    if score is None:
        return 0
    for below, points in POOR_EVALUATION:
        if score < below:
            return points
    return 0


def points(facts: EstateFacts) -> int:
    counted = sum(weight * getattr(facts, name) for name, weight in WEIGHTS.items())
    return counted + evaluation_points(facts.evaluation)


def top_percent(position: int, estates: int) -> int:
    """The p of 全市前p% for a count at `position` (1 = the greatest) among `estates`."""
    return math.ceil(100 * position / estates) if estates else 100


def positions(values: list[int]) -> dict[int, int]:
    """value → 1 + how many values are greater (equal values share a position)."""
    ordered = sorted(values, reverse=True)
    found: dict[int, int] = {}
    for index, value in enumerate(ordered):
        found.setdefault(value, index + 1)
    return found


def reasons(facts: EstateFacts, tops: dict[str, int]) -> list[str]:
    """The reasons in words, e.g. ["投诉 12 件(全市前5%)", "返工 4 次"]; `tops` holds the p of
    each count (only counts that are not zero are said)."""
    said = []
    for name, (word, unit) in COUNT_WORDS.items():
        count = getattr(facts, name)
        if not count:
            continue
        text = f"{word} {count} {unit}"
        if tops.get(name, 100) <= TOP_SHARE_SAID:
            text += f"(全市前{tops[name]}%)"
        said.append(text)
    if evaluation_points(facts.evaluation):
        label = "评价差" if facts.evaluation < POOR_EVALUATION[0][0] else "评价偏低"  # type: ignore[operator]
        said.append(f"业主评价 {one_decimal(facts.evaluation)} 分({label})")
    return said


def one_decimal(value: float | None) -> float | None:
    if value is None:
        return None
    return float(Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def composite(parts: dict[str, float | None]) -> float | None:
    """The 考核 composite (0–100, one decimal) from the parts' values (0–100 or None)."""
    present = {k: v for k, v in parts.items() if v is not None}
    if parts.get("inspection") is None:
        return None
    weight = sum(PARTS[k] for k in present)
    return one_decimal(math.fsum(PARTS[k] * v for k, v in present.items()) / weight)


def ranks(values: list[float | None]) -> list[int | None]:
    """Competition ranks (1, 2, 2, 4) of the values, higher first; None has no rank."""
    known = sorted((v for v in values if v is not None), reverse=True)
    first = {}
    for index, value in enumerate(known):
        first.setdefault(value, index + 1)
    return [first[v] if v is not None else None for v in values]


def mean(values: list[float]) -> float | None:
    return math.fsum(values) / len(values) if values else None
