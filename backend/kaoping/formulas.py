"""The 考评 formula (pure: plain data in, figures out). The README copies these definitions.

Formula `kp1`. Six parts, each a score 0–100, for an estate and a quarter:
- owner      业主评价: the owner survey's score (backend/surveys/results.py), only when the estate
             has the survey's `min_answers` answers in the quarter
- committee  业主委员会 / community 社区居委会 / street 街道办事处: the points given on that kind's
             assessment form (their points sum to 100), when one was submitted for the quarter
- inspection 巡查: the total score of the estate's latest scored inspection before the quarter ends
- tickets    工单: 100 × 按期结案率 (on-time closures / (tickets due − deferred)) in the quarter,
             when a ticket was due
Composite = Σ w·s / Σ w over the parts present (re-normalised; `missing` names the others), and
only when the owner part is present: the plan's 以业主评价为主. With the owner weight ≥ 0.5 the
owners' part is then at least half of every composite. Rounded to one decimal (half up).
Grade: 优 ≥ 90, 良 ≥ 80, 中 ≥ 60, 差 below.
A firm's 信用等级 from the composites of the estates it manages on the quarter's last day (or
today, if earlier), over those with a composite; `mean` is their mean (one decimal):
    A: mean ≥ 90 and no estate 差;  B: mean ≥ 80 and no estate 差;  C: mean ≥ 60;  D: otherwise;
    none without a graded estate.
Weights are configured (KAOPING_WEIGHTS); the formula id names the formula and a hash of its
weights and thresholds, so a published result can always be explained.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

FORMULA = "kp1"
PARTS = ("owner", "committee", "community", "street", "inspection", "tickets")
MIN_OWNER_WEIGHT = 0.5
GRADES = ((90.0, "优"), (80.0, "良"), (60.0, "中"))
CREDIT = (("A", 90.0), ("B", 80.0), ("C", 60.0))
DEFAULT_WEIGHTS = "owner=0.5,committee=0.1,community=0.1,street=0.1,inspection=0.1,tickets=0.1"


def one_decimal(value: float | None) -> float | None:
    if value is None:
        return None
    return float(Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def parse_weights(raw: str | Mapping[str, float]) -> dict[str, float]:
    """`owner=0.5,committee=0.1,…` (or a mapping): all six parts, each ≥ 0, summing to 1, the
    owner's ≥ 0.5. Raises ValueError naming the problem (the app refuses to start)."""
    if isinstance(raw, str):
        pairs = [item.partition("=") for item in raw.split(",") if item.strip()]
        try:
            weights = {name.strip(): float(value) for name, _, value in pairs}
        except ValueError:
            raise ValueError(f"KAOPING_WEIGHTS: not name=number pairs: {raw!r}") from None
    else:
        weights = {name: float(value) for name, value in raw.items()}
    if set(weights) != set(PARTS):
        raise ValueError(f"KAOPING_WEIGHTS must name exactly {', '.join(PARTS)}")
    if any(not 0 <= w <= 1 for w in weights.values()):
        raise ValueError("KAOPING_WEIGHTS: every weight is between 0 and 1")
    if abs(sum(weights.values()) - 1) > 1e-9:
        raise ValueError("KAOPING_WEIGHTS must sum to 1")
    if weights["owner"] < MIN_OWNER_WEIGHT:
        raise ValueError("KAOPING_WEIGHTS: the owner weight must be at least 0.5 (以业主评价为主)")
    return {name: weights[name] for name in PARTS}


def formula_id(weights: Mapping[str, float]) -> str:
    content = {"formula": FORMULA, "weights": dict(weights), "grades": GRADES, "credit": CREDIT}
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return f"{FORMULA}-{hashlib.sha256(text.encode()).hexdigest()[:8]}"


@dataclass(frozen=True)
class Composite:
    score: float | None
    grade: str | None
    missing: tuple[str, ...]


def grade(score: float | None) -> str | None:
    if score is None:
        return None
    return next((name for floor, name in GRADES if score >= floor), "差")


def composite(parts: Mapping[str, float | None], weights: Mapping[str, float]) -> Composite:
    present = {name: parts[name] for name in PARTS if parts.get(name) is not None}
    missing = tuple(name for name in PARTS if name not in present)
    total = sum(weights[name] for name in present)
    if "owner" not in present or total <= 0:
        return Composite(None, None, missing)
    score = one_decimal(sum(weights[n] * float(s) for n, s in present.items()) / total)  # type: ignore[arg-type]
    return Composite(score, grade(score), missing)


def credit(composites: Sequence[float | None]) -> dict[str, Any]:
    """A firm's 信用等级 from its estates' composites (None: an estate without one)."""
    graded = [c for c in composites if c is not None]
    if not graded:
        return {"mean": None, "credit_grade": None, "graded": 0, "ungraded": len(composites)}
    average = one_decimal(sum(graded) / len(graded))
    assert average is not None
    poor = any(grade(c) == "差" for c in graded)
    found = next(
        (name for name, floor in CREDIT if average >= floor and (name == "C" or not poor)), "D"
    )
    return {
        "mean": average,
        "credit_grade": found,
        "graded": len(graded),
        "ungraded": len(composites) - len(graded),
    }
