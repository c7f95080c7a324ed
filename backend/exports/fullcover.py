"""物业管理全覆盖 as spreadsheets: the rows of /api/reports/fullcover (figures on `on` and each
milestone) and the list of estates still unmanaged. Shares as percentages, one decimal."""

from __future__ import annotations

from typing import Any

from backend.reports.rates import percent

GROUP_TITLES = {"district": "区", "street": "街道"}
STATUS = {"met": "达标", "missed": "未达标", "pending": "未到期", "not_applicable": "无需覆盖"}


def progress_table(report: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    title = GROUP_TITLES[report["group"]]
    header = [
        f"{title}编码 (code)",
        f"{title} (name)",
        "小区数 (estates)",
        "老旧小区 (old estates)",
        "建成年份不详 (built year unknown)",
        "基准日无物业 (formerly unmanaged)",
        "已覆盖 (covered)",
        "覆盖率% (share %)",
        "现无物业老旧小区 (old, unmanaged now)",
        "目标 (milestones)",
    ]
    table = []
    for row in report["rows"]:
        marks = "; ".join(
            f"{m['target_date']:%Y-%m-%d} {m['target_percent']}%: "
            f"{percent(m['share']) if m['share'] is not None else '—'}% {STATUS[m['status']]}"
            for m in row["milestones"]
        )
        table.append(
            [
                row["code"],
                row["name"],
                row["estates"],
                row["old_estates"],
                row["unknown_built_year"],
                row["formerly_unmanaged"],
                row["covered"],
                percent(row["share"]),
                row["old_unmanaged_now"],
                marks,
            ]
        )
    return header, table


def unmanaged_table(rows: list[dict[str, Any]]) -> tuple[list[str], list[list[Any]]]:
    header = [
        "小区编号 (code)",
        "小区 (estate)",
        "街道 (street)",
        "区 (district)",
        "建成年份 (built)",
        "基准日无物业 (formerly unmanaged)",
        "无物业起始日 (unmanaged since)",
        "天数 (days)",
    ]
    table = [
        [
            row["code"],
            row["name"],
            row["street"],
            row["district"],
            row["built_year"],
            "是" if row["formerly_unmanaged"] else "否",
            row["since"].isoformat() if row["since"] else "从无管理记录 (never managed)",
            row["days"],
        ]
        for row in rows
    ]
    return header, table
