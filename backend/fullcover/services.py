"""Figures of 物业管理全覆盖 per district or street within a caller's scope (formulas in rules.py
and the README). All estates of the scope are read in three queries and the dated modes worked
out in Python, so both databases give the same answer from the same rows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from itertools import accumulate
from typing import Any

import sqlalchemy as sa
from flask import current_app

from backend.database import db
from backend.errors import ValidationFailed
from backend.fullcover import rules
from backend.fullcover.models import CoverageMilestone
from backend.places.models import (
    CustodialArrangement,
    District,
    Estate,
    ManagementMode,
    ServiceContract,
    Street,
)
from backend.places.scope import Scope
from backend.places.services import _CUSTODY_TO_MODE, estate_visibility
from backend.scorecards.formulas import ratio

GROUPS = ("district", "street")
ESTATE_SETS = ("old", "all")
MAX_MONTHS = 120


@dataclass(frozen=True)
class Settings:
    old_before: int
    baseline: date


def settings() -> Settings:
    config = current_app.config
    return Settings(
        int(config["FULLCOVER_OLD_BEFORE"]), date.fromisoformat(config["FULLCOVER_BASELINE"])
    )


@dataclass(slots=True)
class EstateFacts:
    id: int
    code: str
    name: str
    street_id: int
    district_id: int
    built_year: int | None
    arrangements: list[rules.Arrangement] = field(default_factory=list)


@dataclass(frozen=True)
class Place:
    id: int
    code: str
    name: str
    district_id: int | None
    district_name: str | None


def _estates(scope: Scope, street_id: int | None = None, district_id: int | None = None):
    query = (
        sa.select(
            Estate.id,
            Estate.code,
            Estate.name,
            Estate.street_id,
            Street.district_id,
            Estate.built_year,
        )
        .join(Street, Street.id == Estate.street_id)
        .where(estate_visibility(scope))
    )
    if street_id is not None:
        query = query.where(Estate.street_id == street_id)
    if district_id is not None:
        query = query.where(Street.district_id == district_id)
    # Core rows from the connection: no ORM layer for thousands of plain tuples.
    connection = db.session.connection()
    facts = {row[0]: EstateFacts(*row) for row in connection.execute(query)}
    if not facts:
        return facts
    ids = query.with_only_columns(Estate.id).scalar_subquery()
    for estate_id, start, end in connection.execute(
        sa.select(
            ServiceContract.estate_id, ServiceContract.start_date, ServiceContract.end_date
        ).where(ServiceContract.estate_id.in_(ids))
    ):
        facts[estate_id].arrangements.append(
            rules.Arrangement(start, end, ManagementMode.market, True)
        )
    for estate_id, mode, start, end in connection.execute(
        sa.select(
            CustodialArrangement.estate_id,
            CustodialArrangement.mode,
            CustodialArrangement.start_date,
            CustodialArrangement.end_date,
        ).where(CustodialArrangement.estate_id.in_(ids))
    ):
        facts[estate_id].arrangements.append(
            rules.Arrangement(start, end, _CUSTODY_TO_MODE[mode], False)
        )
    return facts


def _places(group: str, ids: Iterable[int]) -> dict[int, Place]:
    wanted = list(set(ids))
    if group == "district":
        rows = db.session.execute(
            sa.select(District.id, District.code, District.name).where(District.id.in_(wanted))
        )
        return {r.id: Place(r.id, r.code, r.name, None, None) for r in rows}
    rows = db.session.execute(
        sa.select(Street.id, Street.code, Street.name, District.id, District.name)
        .join(District, District.id == Street.district_id)
        .where(Street.id.in_(wanted))
    )
    return {r[0]: Place(*r) for r in rows}


def milestones() -> list[CoverageMilestone]:
    return list(
        db.session.scalars(
            sa.select(CoverageMilestone).order_by(
                CoverageMilestone.target_date, CoverageMilestone.district_id
            )
        )
    )


@dataclass
class _Tally:
    months: int = 0
    estates: int = 0
    old: int = 0
    unknown_year: int = 0
    formerly: int = 0
    unmanaged_now: int = 0
    # per read day (baseline, `on`, milestone dates): formerly unmanaged old estates managed then
    covered_on: dict[date, int] = field(default_factory=lambda: defaultdict(int))
    # per mode, +1 where a run of that mode starts and -1 after it ends (month-end indices)
    steps: dict[ManagementMode, list[int]] = field(default_factory=dict)

    def add_runs(self, runs: list[tuple[ManagementMode, int, int]]) -> None:
        for mode, first, after in runs:
            steps = self.steps.get(mode)
            if steps is None:
                steps = self.steps[mode] = [0] * (self.months + 1)
            steps[first] += 1
            steps[after] -= 1

    @classmethod
    def merged(cls, months: int, parts: Iterable[_Tally]) -> _Tally:
        whole = cls(months)
        for part in parts:
            for name in ("estates", "old", "unknown_year", "formerly", "unmanaged_now"):
                setattr(whole, name, getattr(whole, name) + getattr(part, name))
            for day, n in part.covered_on.items():
                whole.covered_on[day] += n
            for mode, steps in part.steps.items():
                mine = whole.steps.setdefault(mode, [0] * (months + 1))
                whole.steps[mode] = [a + b for a, b in zip(mine, steps, strict=True)]
        return whole

    def series(self, ends: list[date]) -> list[dict[str, Any]]:
        counts = {
            mode: list(accumulate(self.steps.get(mode, [0] * (len(ends) + 1))))
            for mode in rules.MODES
        }
        return [
            {"date": day, **{mode.value: counts[mode][i] for mode in rules.MODES}}
            for i, day in enumerate(ends)
        ]


def _check_span(first: date, as_of: date) -> None:
    if first > as_of:
        raise ValidationFailed("开始日期晚于截止日期 (from is after on)", {"from": ["after on"]})
    if (as_of.year - first.year) * 12 + as_of.month - first.month >= MAX_MONTHS:
        raise ValidationFailed(
            f"最多 {MAX_MONTHS} 个月 (at most {MAX_MONTHS} months)", {"from": ["too far back"]}
        )


def progress(
    group: str,
    as_of: date,
    first: date | None,
    estate_set: str,
    scope: Scope,
    row_series: bool = False,
) -> dict[str, Any]:
    """Per district or street and for the whole scope: estates by mode at each month end (the
    scope's; each row's too with `row_series`), the share of formerly unmanaged old estates
    covered on `as_of` and at each milestone."""
    conf = settings()
    first = first or min(conf.baseline, as_of)
    _check_span(first, as_of)
    ends = rules.month_ends(first, as_of)
    marks = milestones()
    read = sorted({conf.baseline, as_of, *(m.target_date for m in marks)})
    at_baseline, at_on = read.index(conf.baseline), read.index(as_of)
    facts = _estates(scope)
    tallies: dict[int, _Tally] = defaultdict(lambda: _Tally(len(ends)))
    district_of: dict[int, int] = {}
    for estate in facts.values():
        key = estate.district_id if group == "district" else estate.street_id
        district_of[key] = estate.district_id
        old = rules.is_old(estate.built_year, conf.old_before)
        on_read = rules.modes_at(estate.arrangements, read)
        tally = tallies[key]
        tally.estates += 1
        if old is None:
            tally.unknown_year += 1
        elif old:
            tally.old += 1
            if on_read[at_on] is rules.UNMANAGED:
                tally.unmanaged_now += 1
            if on_read[at_baseline] is rules.UNMANAGED:
                tally.formerly += 1
                for day, mode in zip(read, on_read, strict=True):
                    if mode is not rules.UNMANAGED:
                        tally.covered_on[day] += 1
        if old or estate_set == "all":
            tally.add_runs(rules.runs(estate.arrangements, ends))
    total = _Tally.merged(len(ends), tallies.values())
    by_district = {  # milestones are read per district
        district_id: _Tally.merged(
            len(ends), (t for key, t in tallies.items() if district_of[key] == district_id)
        )
        for district_id in set(district_of.values())
    }
    places = _places(group, tallies)
    rows = [
        _row(
            places[key],
            tally,
            ends if row_series else None,
            as_of,
            _district_marks(marks, places[key], group),
        )
        for key, tally in sorted(tallies.items(), key=lambda kv: places[kv[0]].code)
    ]
    total_row = _figures(total, ends, as_of)
    total_row["milestones"] = _combined_marks(marks, by_district, as_of)
    return {
        "as_of": as_of,
        "baseline": conf.baseline,
        "old_before": conf.old_before,
        "estates": estate_set,
        "group": group,
        "months": ends,
        "rows": rows,
        "total": total_row,
    }


def _figures(tally: _Tally, ends: list[date] | None, as_of: date) -> dict[str, Any]:
    covered = tally.covered_on.get(as_of, 0)
    figures = {
        "estates": tally.estates,
        "old_estates": tally.old,
        "unknown_built_year": tally.unknown_year,
        "formerly_unmanaged": tally.formerly,
        "covered": covered,
        "share": ratio(covered, tally.formerly),
        "old_unmanaged_now": tally.unmanaged_now,
    }
    if ends is not None:
        figures["series"] = tally.series(ends)
    return figures


def _mark(mark: CoverageMilestone, tally: _Tally, as_of: date) -> dict[str, Any]:
    day = min(mark.target_date, as_of)
    covered = tally.covered_on.get(day, 0)
    return {
        "target_date": mark.target_date,
        "target_percent": mark.target_percent,
        "label": mark.label,
        "read_on": day,
        "covered": covered,
        "formerly_unmanaged": tally.formerly,
        "share": ratio(covered, tally.formerly),
        "status": rules.milestone_status(
            covered, tally.formerly, mark.target_percent, mark.target_date, as_of
        ),
    }


def _district_marks(marks, place: Place, group: str) -> list[CoverageMilestone]:
    district_id = place.id if group == "district" else place.district_id
    return [m for m in marks if m.district_id == district_id]


def _row(place: Place, tally: _Tally, ends, as_of, marks) -> dict[str, Any]:
    row = {"id": place.id, "code": place.code, "name": place.name}
    if place.district_name is not None:
        row["district"] = place.district_name
    row.update(_figures(tally, ends, as_of))
    row["milestones"] = [_mark(m, tally, as_of) for m in marks]
    return row


def _combined_marks(marks, by_district: dict[int, _Tally], as_of: date) -> list[dict[str, Any]]:
    """For the whole scope: each target (date, percent) over the districts that hold it
    together (the plan's 中心城区五区 as one), within the caller's scope."""
    targets: dict[tuple[date, int, str], list[int]] = defaultdict(list)
    for m in marks:
        targets[(m.target_date, m.target_percent, m.label)].append(m.district_id)
    combined = []
    for (day, percent, label), district_ids in sorted(targets.items()):
        tally = _Tally(0)
        for district_id in district_ids:
            part = by_district.get(district_id)
            if part is None:
                continue
            tally.formerly += part.formerly
            for d, n in part.covered_on.items():
                tally.covered_on[d] += n
        if tally.formerly == 0 and not any(d in by_district for d in district_ids):
            continue  # none of its districts is in the caller's scope
        mark = CoverageMilestone(target_date=day, target_percent=percent, label=label)
        combined.append({**_mark(mark, tally, as_of), "districts": len(district_ids)})
    return combined


def still_unmanaged(
    as_of: date,
    estate_set: str,
    scope: Scope,
    street_id: int | None = None,
    district_id: int | None = None,
) -> list[dict[str, Any]]:
    """Estates unmanaged on `as_of` (old ones, or all), longest first: since when and how many
    days; those never managed on record first."""
    conf = settings()
    facts = _estates(scope, street_id, district_id)
    streets = _places("street", (e.street_id for e in facts.values()))
    read = sorted({conf.baseline, as_of})
    rows = []
    for estate in facts.values():
        old = rules.is_old(estate.built_year, conf.old_before)
        if estate_set == "old" and not old:
            continue
        mode = dict(zip(read, rules.modes_at(estate.arrangements, read), strict=True))
        if mode[as_of] is not rules.UNMANAGED:
            continue
        since = rules.unmanaged_since(estate.arrangements, as_of)
        street = streets[estate.street_id]
        rows.append(
            {
                "id": estate.id,
                "code": estate.code,
                "name": estate.name,
                "street": street.name,
                "district": street.district_name,
                "built_year": estate.built_year,
                "old": old,
                "formerly_unmanaged": bool(old) and mode[conf.baseline] is rules.UNMANAGED,
                "since": since,
                "days": rules.days_unmanaged(since, as_of),
            }
        )
    never = [r for r in rows if r["since"] is None]
    dated = sorted(
        (r for r in rows if r["since"] is not None), key=lambda r: (r["since"], r["code"])
    )
    return sorted(never, key=lambda r: r["code"]) + dated
