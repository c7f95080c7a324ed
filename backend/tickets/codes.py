"""Ticket codes (工单编号): ZG + the Beijing date of dispatch + the six-digit number.

The date is the one on the clerk's wall calendar (Asia/Shanghai), not the UTC date: a ticket
dispatched at 00:30 on 4 December in Dalian is ZG20261204-…. The code is derived, never stored,
so it is right for every row. A code is a claim about the ticket: a lookup whose date part does
not match the ticket's dispatch date finds nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from backend.clock import SHANGHAI

_CODE = re.compile(r"^(?:ZG(\d{8})-)?0*(\d{1,12})$")


@dataclass(frozen=True)
class TicketRef:
    """A parsed code, or a bare ticket number (`day` None). A code in the right shape whose date
    cannot exist (ZG20261341-…) is a claim no ticket meets: `impossible`."""

    id: int
    day: date | None = None
    impossible: bool = False

    def matches(self, ticket_id: int, dispatched_at: datetime) -> bool:
        same_day = self.day is None or self.day == dispatch_day(dispatched_at)
        return not self.impossible and ticket_id == self.id and same_day


def dispatch_day(dispatched_at: datetime) -> date:
    return dispatched_at.astimezone(SHANGHAI).date()


def ticket_code(ticket_id: int, dispatched_at: datetime) -> str:
    return f"ZG{dispatch_day(dispatched_at):%Y%m%d}-{ticket_id:06d}"


def parse_ticket_ref(raw: str) -> TicketRef | None:
    """`ZG20261204-000123` or `123`; None when it is neither."""
    match = _CODE.match(raw.strip())
    if match is None:
        return None
    day_text, number = match.groups()
    if day_text is None:
        return TicketRef(int(number))
    try:
        day = datetime.strptime(day_text, "%Y%m%d").date()
    except ValueError:
        return TicketRef(int(number), impossible=True)
    return TicketRef(int(number), day)
