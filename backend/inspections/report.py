"""The printable inspection report (巡查报告) a street office files on paper: one self-contained
HTML page (A4) with the estate, the inspector, the area scores, every item's result, the failures
with their notes and photos (embedded as data: URIs from the stored display copy), the evidence
flags, and the tickets the failures became.

Tickets belong to a higher feature: it answers the `inspection_tickets` signal.
"""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

from backend import signals
from backend.accounts.models import User
from backend.checklists import services as checklists
from backend.clock import SHANGHAI
from backend.database import db
from backend.errors import NotFound
from backend.inspections.models import Inspection, InspectionResult, Outcome
from backend.photos import services as photos
from backend.places.models import Estate

ROLE_NAMES = {"inspector": "巡查员", "supervisor": "监管人员", "admin": "管理员", "firm": "物业"}
OUTCOMES = {Outcome.passed: "合格", Outcome.failed: "不合格", Outcome.not_applicable: "不适用"}
STATUS_NAMES = {"draft": "草稿", "submitted": "已提交", "superseded": "已被新版本替代"}


def _local(moment: datetime | None) -> str:
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if moment else "—"


def _photo(sha256: str) -> dict[str, Any]:
    """The display copy inline, so the page needs nothing else to print or archive."""
    photo = photos.find(sha256)
    if photo is None:
        return {"sha256": sha256, "src": None}
    try:
        data = photos.variant_bytes(photo, "display")
    except NotFound:
        return {"sha256": sha256, "src": None}
    encoded = base64.b64encode(data).decode("ascii")
    return {
        "sha256": sha256,
        "src": f"data:image/jpeg;base64,{encoded}",
        "taken_at": _local(photo.taken_at) if photo.taken_at else None,
    }


def _value(result: InspectionResult) -> str:
    if result.value is None or result.value in ("pass", "fail"):
        return ""
    return str(result.value)


def build(inspection: Inspection) -> dict[str, Any]:
    """Everything the report shows, as plain values for the template."""
    definition = checklists.definition_for(inspection.checklist_version_id)
    estate = db.session.get(Estate, inspection.estate_id)
    inspector = db.session.get(User, inspection.inspector_id)
    area_scores = {row.area: row.score for row in inspection.area_scores}
    by_code = {result.item_code: result for result in inspection.results}
    areas = []
    failures = []
    for area in definition.areas:
        items = []
        for item in definition.items_in(area.key):
            result = by_code.get(item.code)
            row = {
                "code": item.code,
                "title": item.title.zh,
                "outcome": OUTCOMES[result.outcome] if result else "未作答",
                "failed": bool(result and result.outcome is Outcome.failed),
                "value": _value(result) if result else "",
                "note": result.note if result else "",
                "evidence": [flag["message"] for flag in (result.evidence if result else [])],
                "photo_count": len(result.photos) if result else 0,
            }
            items.append(row)
            if result and result.outcome is Outcome.failed:
                failures.append(
                    {
                        **row,
                        "area": area.title.zh,
                        "severity": item.severity,
                        "photos": [_photo(sha) for sha in result.photo_hashes],
                    }
                )
        areas.append({"title": area.title.zh, "score": area_scores.get(area.key), "rows": items})
    tickets = signals.tickets_of_inspection(inspection.id)
    return {
        "id": inspection.id,
        "status": STATUS_NAMES.get(inspection.status.value, inspection.status.value),
        "checklist": definition.title.zh,
        "estate": {
            "code": estate.code if estate else "",
            "name": estate.name if estate else "",
            "address": estate.address if estate else "",
            "street": estate.street.name if estate else "",
        },
        "inspector": {
            "name": (inspector.display_name or inspector.username) if inspector else "",
            "role": ROLE_NAMES.get(inspector.role.value, "") if inspector else "",
        },
        "started_at": _local(inspection.started_at),
        "finished_at": _local(inspection.finished_at),
        "submitted_at": _local(inspection.submitted_at),
        "total": inspection.total_score,
        "evidence": [flag["message"] for flag in inspection.evidence or []],
        "areas": areas,
        "failures": failures,
        "tickets": tickets,
    }
