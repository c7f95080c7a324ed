"""The 考评 section of a 公示 (backend/disclosures/sections.py registers it as `kaoping`).

Frozen with the rest of the snapshot: for the quarter holding the publication's last day, per
estate of the jurisdiction its composite and grade (and which parts were missing), per firm the
mean and 信用等级, and the formula id and weights they were computed with, so an old
publication stays explainable after the weights change. Names only, no ids (public page).
"""

from __future__ import annotations

from typing import Any

from backend.kaoping import results
from backend.places.scope import Scope
from backend.reports import periods


def kaoping_section(period: periods.Period, level: str, scope: Scope) -> dict[str, Any]:
    found = results.kaoping(None, scope, period.last_day)
    return {
        "quarter": {
            "first": found["period"]["first"].isoformat(),
            "last": found["period"]["last"].isoformat(),
        },
        "formula": found["formula"],
        "estates": [
            {
                "code": r["code"],
                "name": r["name"],
                "composite": r["composite"],
                "grade": r["grade"],
                "missing": r["missing"],
            }
            for r in found["estates"]
        ],
        "firms": [
            {
                "name": f["name"],
                "estates": f["estates"],
                "graded": f["graded"],
                "mean": f["mean"],
                "credit_grade": f["credit_grade"],
                "grades": f["grades"],
            }
            for f in found["firms"]
        ],
    }
