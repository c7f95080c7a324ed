"""The inspector scorecard as a table for /api/exports/scorecards/inspectors: counts as numbers,
rates as percentages with one decimal (empty when there is nothing to count)."""

from __future__ import annotations

from typing import Any

from backend.reports.rates import percent

GROUP_TITLES = {"inspector": ("巡查员账号", "巡查员"), "grid": ("网格编码", "网格")}
COLUMNS: tuple[tuple[str, str, bool], ...] = (  # key, title, is a rate
    ("tasks_due", "应巡任务 (tasks due)", False),
    ("tasks_done", "按时完成 (done on time)", False),
    ("tasks_done_late", "逾期完成 (done late)", False),
    ("tasks_missed", "漏巡 (missed)", False),
    ("on_time_inspection_rate", "按时巡查率% (on-time inspection %)", True),
    ("findings", "上报问题 (findings)", False),
    ("findings_confirmed", "确认 (confirmed)", False),
    ("findings_invalid", "撤销 (cancelled as invalid)", False),
    ("valid_report_rate", "有效上报率% (valid reports %)", True),
    ("reinspections", "核查 (re-inspections)", False),
    ("reinspections_on_time", "按时核查 (on time)", False),
    ("on_time_verify_rate", "按时核查率% (on-time re-inspection %)", True),
    ("complaints", "投诉 (complaints)", False),
    ("complaints_missed", "漏报 (missed)", False),
    ("missed_report_rate", "漏报率% (missed reports %)", True),
    ("photos", "照片 (photos)", False),
    ("flagged_photos", "取证异常照片 (flagged photos)", False),
    ("evidence_flag_rate", "取证异常率% (evidence flags %)", True),
)


def _percent(rate: float | None) -> float | None:
    return percent(rate)


def inspector_table(group: str, rows: list[dict[str, Any]]) -> tuple[list[str], list[list[Any]]]:
    code_title, name_title = GROUP_TITLES[group]
    header = [f"{code_title} (code)", f"{name_title} (name)"] + [t for _k, t, _r in COLUMNS]
    table = [
        [row["code"], row["name"]]
        + [_percent(row[key]) if rate else row[key] for key, _t, rate in COLUMNS]
        for row in rows
    ]
    return header, table
