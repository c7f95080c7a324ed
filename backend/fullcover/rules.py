"""The formulas of 物业管理全覆盖 on plain values: one definition for the API, the exports and the
public page. An estate's mode on a day is derived from its dated contracts and custody rows (the
same precedence as places.services.responsible_party: a contract, else a custodial
arrangement, else unmanaged); nothing here is stored."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise

from backend.places.models import ManagementMode

MODES = tuple(ManagementMode)
UNMANAGED = ManagementMode.unmanaged


@dataclass(frozen=True)
class Arrangement:
    """A contract (mode market) or custodial arrangement; end inclusive, None = open-ended."""

    start: date
    end: date | None
    mode: ManagementMode
    contract: bool


def _order(a: Arrangement) -> tuple[bool, date]:
    # Applied in this order, later ones win: custody by start, then contracts by start.
    return (a.contract, a.start)


def modes_at(arrangements: Sequence[Arrangement], days: Sequence[date]) -> list[ManagementMode]:
    """The mode on each of `days` (sorted ascending)."""
    modes = [UNMANAGED] * len(days)
    for a in sorted(arrangements, key=_order):
        first = bisect_left(days, a.start)
        last = len(days) if a.end is None else bisect_right(days, a.end)
        if last > first:
            modes[first:last] = [a.mode] * (last - first)
    return modes


def runs(
    arrangements: Sequence[Arrangement], days: Sequence[date]
) -> list[tuple[ManagementMode, int, int]]:
    """The modes on `days` (sorted) as runs: (mode, first index, index after the run). The mode
    changes only where an arrangement starts or ends, so only those indices are looked at."""
    modes = modes_at(arrangements, days)
    cuts = {0, len(days)}
    for a in arrangements:
        cuts.add(bisect_left(days, a.start))
        if a.end is not None:
            cuts.add(bisect_right(days, a.end))
    found: list[tuple[ManagementMode, int, int]] = []
    bounds = sorted(cut for cut in cuts if cut <= len(days))
    for first, after in pairwise(bounds):
        if found and found[-1][0] is modes[first]:
            found[-1] = (modes[first], found[-1][1], after)
        else:
            found.append((modes[first], first, after))
    return found


def mode_on(arrangements: Sequence[Arrangement], day: date) -> ManagementMode:
    return modes_at(arrangements, [day])[0]


def is_old(built_year: int | None, old_before: int) -> bool | None:
    """老旧小区: built before `old_before`; None when the year is unknown (not counted)."""
    return None if built_year is None else built_year < old_before


def unmanaged_since(arrangements: Sequence[Arrangement], day: date) -> date | None:
    """First day of the unmanaged stretch that holds `day`: the day after the last managing
    arrangement (any but street custody) ended; None when none ever managed it before `day`.
    Call only for an estate unmanaged on `day`."""
    ends = [
        a.end for a in arrangements if a.mode is not UNMANAGED and a.end is not None and a.end < day
    ]
    return max(ends) + timedelta(days=1) if ends else None


def days_unmanaged(since: date | None, day: date) -> int | None:
    """Days unmanaged up to and including `day` (the first day counts as 1)."""
    return None if since is None else (day - since).days + 1


def month_ends(first: date, last: date) -> list[date]:
    """The last day of every month from `first`'s month to `last`'s; `last` itself ends the
    list (the month in progress is read on `last`)."""
    days: list[date] = []
    year, month = first.year, first.month
    while (year, month) < (last.year, last.month):
        following = date(year + month // 12, month % 12 + 1, 1)
        days.append(following - timedelta(days=1))
        year, month = following.year, following.month
    days.append(last)
    return days


def milestone_status(
    covered: int, formerly: int, target_percent: int, target_date: date, as_of: date
) -> str:
    """met / missed when the date has come (share ≥ target, compared exactly in integers),
    pending before it, not_applicable with no formerly unmanaged old estate."""
    if formerly == 0:
        return "not_applicable"
    if target_date > as_of:
        return "pending"
    return "met" if covered * 100 >= target_percent * formerly else "missed"
