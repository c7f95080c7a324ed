"""The watch list with its outcomes as a spreadsheet (written by backend/exports/writers.py,
which makes hostile text — formulas, control characters — harmless)."""

from __future__ import annotations

from typing import Any

from backend.watchlist.models import KIND_NAMES, NoteKind

HEADER = [
    "排名 (rank)",
    "小区编号 (code)",
    "小区 (estate)",
    "街道 (street)",
    "区 (district)",
    "投诉 (complaints)",
    "争议 (disputes)",
    "返工 (rework)",
    "逾期 (overdue)",
    "业主评价 (evaluation)",
    "分值 (points)",
    "原因 (reasons)",
    "分类 (classification)",
    "整治措施与跟进 (measures and follow-ups)",
]


def _notes(notes: list[dict[str, Any]]) -> str:
    said = [
        f"{n['noted_on']:%Y-%m-%d} {KIND_NAMES[NoteKind(n['kind'])]}"
        f"({n['author']}):{n['category_name'] or n['text']}"
        + (f" {n['text']}" if n["category_name"] and n["text"] else "")
        for n in notes
    ]
    return "\n".join(said)


def table(listing: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    rows = [
        [
            e["rank"] if e["rank"] is not None else "已出名单 (off the list)",
            e["code"],
            e["name"],
            e["street"],
            e["district"],
            e["complaints"],
            e["disputes"],
            e["rework"],
            e["overdue"],
            e["evaluation"],
            e["points"],
            "、".join(e["reasons"]),
            e["classification"]["category_name"] if e["classification"] else "",
            _notes(e["notes"]),
        ]
        for e in listing["estates"]
    ]
    return HEADER, rows
