"""回访 through Open311, for the channel that filed the request (backend/revisits has the rules).

Reading: `GET requests` and `GET requests/{id}` take an optional `api_key`. With the key of the
channel that filed a request, that request carries the extension fields below (the standard lets
an endpoint add fields); without a key, or for another channel's requests, they are left out, so
no single answer is ever public. A wrong or revoked key is a 403, as on POST.
- revisit_status: open (being worked on), ask (closed, waiting for the answer), answered,
  expired (the window closed unanswered), cancelled
- revisit_url: the resident's link (to send by SMS); revisit_window_end: until when it answers
- revisit_resolved, revisit_rating, revisit_comment, revisit_datetime, revisit_reopened: the
  latest answer (null without one)

Posting: `POST requests/{id}/revisit` (form-encoded like POST requests: api_key, resolved =
true|false, rating = 1–5, comment ≤ 1000) records an answer the hotline collected by phone,
under the same rules as the resident's page: 201 when recorded; 200 when the very same answer
from this channel is posted again (a replay); 409 when the closure has another answer already,
the ticket is being worked on or was cancelled, or the window closed; 404 for a request this
channel did not file.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import url_for

from backend.clock import SHANGHAI
from backend.database import db
from backend.open311 import contract
from backend.open311.contract import matches
from backend.open311.formats import Open311Error
from backend.open311.keys import key_digest
from backend.open311.models import ApiKey, ServiceRequest
from backend.revisits import services as revisits
from backend.revisits.models import RevisitAnswer, RevisitChannel, RevisitLink
from backend.text import clean, problem
from backend.tickets.models import Ticket

MAX_COMMENT = revisits.MAX_COMMENT
FIELDS = {"api_key", "resolved", "rating", "comment", "locale"}
REFUSALS = {
    revisits.Status.answered: "revisit: this closure has been answered already",
    revisits.Status.expired: "revisit: the follow-up window has closed",
    revisits.Status.open: "revisit: the ticket is not closed (being worked on)",
    revisits.Status.cancelled: "revisit: the ticket was cancelled",
}


def reading_channel(values: Any) -> ApiKey | None:
    """GET's optional key: None without one, 403 for a wrong or revoked one."""
    if "api_key" not in values:
        return None
    key = values.get("api_key") or ""
    row = None
    if key and problem(key) is None:
        row = db.session.scalar(
            sa.select(ApiKey).where(ApiKey.key_hash == key_digest(key), ApiKey.active.is_(True))
        )
    if row is None:
        raise Open311Error(403, "api_key: invalid or revoked")
    return row


def _when(moment: Any) -> str | None:
    return moment.astimezone(SHANGHAI).isoformat(timespec="seconds") if moment else None


def _url(ticket_id: int, record: ServiceRequest) -> str:
    link = db.session.get(RevisitLink, ticket_id)
    token = link.token if link is not None else record.token
    return url_for("revisit_pages.show", token=token, _external=True)


def extension_fields(tickets: list[Ticket], channel: ApiKey | None) -> dict[int, dict[str, Any]]:
    """Ticket id → the revisit_* fields, for the requests `channel` filed."""
    if channel is None or not tickets:
        return {}
    records = db.session.scalars(
        sa.select(ServiceRequest).where(
            ServiceRequest.ticket_id.in_([t.id for t in tickets]),
            ServiceRequest.api_key_id == channel.id,
        )
    )
    own = {record.ticket_id: record for record in records}
    found = {}
    for ticket in tickets:
        if ticket.id in own:
            current = revisits.visit(ticket)
            latest = revisits.latest_answer(ticket.id)
            found[ticket.id] = {
                "revisit_status": current.status.value,
                "revisit_url": _url(ticket.id, own[ticket.id]),
                "revisit_window_end": _when(current.window_ends),
                **answer_fields(latest),
            }
    return found


def answer_fields(answer: RevisitAnswer | None) -> dict[str, Any]:
    return {
        "revisit_resolved": answer.resolved if answer else None,
        "revisit_rating": answer.rating if answer else None,
        "revisit_comment": answer.comment if answer else None,
        "revisit_datetime": _when(answer.answered_at) if answer else None,
        "revisit_reopened": answer.reopened if answer else None,
    }


def parse_answer(values: Any) -> dict[str, Any]:
    """The posted answer; 400 with every problem."""
    problems = [f"{name}: unknown field" for name in values if name not in FIELDS]
    for name in ("resolved", "rating"):
        raw = values.get(name)
        pattern = contract.RESOLVED if name == "resolved" else contract.RATING
        if raw is None:
            problems.append(f"{name}: required")
        elif problem(raw) is not None or not matches(pattern, raw):
            hint = "true or false" if name == "resolved" else "a whole number from 1 to 5"
            problems.append(f"{name}: {hint}")
    comment = values.get("comment") or ""
    if len(comment) > MAX_COMMENT:
        problems.append(f"comment: at most {MAX_COMMENT} characters")
    if problems:
        raise Open311Error(400, *problems)
    return {
        "resolved": values["resolved"] == "true",
        "rating": int(values["rating"]),
        "comment": clean(comment).strip(),
    }


def post_answer(ticket: Ticket, channel: ApiKey, given: dict[str, Any]) -> tuple[Any, bool]:
    """(the answer, whether it is new); 409 when it cannot be taken."""
    record = db.session.scalar(
        sa.select(ServiceRequest).where(
            ServiceRequest.ticket_id == ticket.id, ServiceRequest.api_key_id == channel.id
        )
    )
    if record is None:
        raise Open311Error(404, "service_request_id not found")
    current = revisits.visit(ticket)
    earlier = current.answer
    if (
        earlier is not None
        and earlier.channel is RevisitChannel.open311
        and earlier.channel_name == channel.name
        and (earlier.resolved, earlier.rating, earlier.comment)
        == (given["resolved"], given["rating"], given["comment"])
    ):
        return earlier, False
    try:
        row = revisits.answer(
            ticket, channel=RevisitChannel.open311, channel_name=channel.name, **given
        )
    except revisits.Refused as refused:
        raise Open311Error(409, REFUSALS[refused.status]) from None
    return row, True
