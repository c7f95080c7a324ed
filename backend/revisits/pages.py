"""The resident's 回访 page, /public/r/<token>: server-rendered HTML, Chinese first with English,
no scripts, no account. It shows the ticket (code, category, estate, the unit's closing note and
how many after-photos were taken; never who acted) and takes one answer per closure.

Statuses: 200 the page (form, thank-you, or "being worked on"); 404 a token that names nothing;
409 an answer for a closure already answered (a replay, a second phone) or for a ticket being
worked on; 410 an answer after the window closed; 422 a form with a missing or wrong field.
Every answer carries `Cache-Control: no-store` and sends no referrer: the link is the secret.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, Response, make_response, render_template, request

from backend.clock import SHANGHAI
from backend.database import db
from backend.open311 import catalog
from backend.open311.services import masked
from backend.places.models import Estate
from backend.revisits import services
from backend.revisits.services import MAX_COMMENT, Refused, Status, Visit
from backend.tickets.models import PhotoKind, TicketEvent, TicketPhoto

pages = Blueprint("revisit_pages", __name__, url_prefix="/public/r", template_folder="templates")
REFUSED_STATUS = {Status.expired: 410, Status.answered: 409, Status.open: 409,
                  Status.cancelled: 409}  # fmt: skip


def _private(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


pages.after_request(_private)


def _facts(current: Visit) -> dict[str, Any]:
    """What the page shows about the ticket: nothing about people."""
    ticket = current.ticket
    estate = db.session.get(Estate, ticket.estate_id)
    rectified = db.session.scalar(
        sa.select(TicketEvent)
        .where(TicketEvent.ticket_id == ticket.id, TicketEvent.action == "rectify")
        .order_by(TicketEvent.id.desc())
        .limit(1)
    )
    photos = 0
    if rectified is not None:
        photos = db.session.scalar(
            sa.select(sa.func.count()).where(
                TicketPhoto.event_id == rectified.id, TicketPhoto.kind == PhotoKind.after
            )
        )
    note = masked(rectified.reason.strip()) if rectified is not None else ""
    return {
        "code": ticket.code,
        "title": ticket.title,
        "title_en": catalog.item_titles("en").get(ticket.item_code, ""),
        "estate": estate.name if estate else "",
        "note": note,
        "photos": photos,
        "closed_on": current.closure.at.astimezone(SHANGHAI) if current.closure else None,
        "window_ends": current.window_ends.astimezone(SHANGHAI) if current.window_ends else None,
    }


def _page(current: Visit, status: int = 200, **extra: Any) -> Response:
    body = render_template(
        "revisits/page.html",
        v=current,
        t=_facts(current),
        S=Status,
        max_comment=MAX_COMMENT,
        **extra,
    )
    return make_response(body, status)


def _missing() -> Response:
    return make_response(render_template("revisits/missing.html"), 404)


@pages.get("/<token>")
def show(token: str) -> Response:
    ticket = services.find_ticket(token)
    if ticket is None:
        return _missing()
    return _page(services.visit(ticket))


def _read_form() -> tuple[dict[str, Any], dict[str, str]]:
    form, errors, values = request.form, {}, {}
    solved = form.get("resolved")
    if solved not in ("yes", "no"):
        errors["resolved"] = "请选择“解决了”或“没解决” (choose solved or not solved)"
    else:
        values["resolved"] = solved == "yes"
    rating = form.get("rating", "")
    if rating not in {"1", "2", "3", "4", "5"}:
        errors["rating"] = "请选择 1–5 分 (choose a rating from 1 to 5)"
    else:
        values["rating"] = int(rating)
    comment = form.get("comment", "")
    if len(comment) > MAX_COMMENT:
        errors["comment"] = f"最多 {MAX_COMMENT} 字 (at most {MAX_COMMENT} characters)"
    values["comment"] = comment
    return values, errors


@pages.post("/<token>")
def answer(token: str) -> Response:
    ticket = services.find_ticket(token)
    if ticket is None:
        return _missing()
    values, errors = _read_form()
    if errors:
        return _page(services.visit(ticket), 422, errors=errors, form=request.form)
    try:
        row = services.answer(ticket, **values)
    except Refused as refused:
        current = services.visit(ticket)
        return _page(current, REFUSED_STATUS[refused.status], refused=refused.status)
    return _page(services.visit(ticket), 200, thanks=row)
