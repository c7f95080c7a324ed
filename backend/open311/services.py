"""Open311 rules: channel keys, filing a complaint as a ticket (once), and the public view of
complaint tickets.

Which tickets are public: complaint tickets only (source "complaint"), i.e. the service requests
residents filed. Inspection findings and supervisors' manual cases are the city's internal
work and are not listed. Nothing personal is ever published: not the reporter's contact details
(kept in `open311_requests` for follow-up), not the address text they typed (the estate's own
address is given instead), not who acted on the ticket; phone numbers, e-mail addresses and ID
numbers are masked in the published description and status notes.

Replays: a POST identical to one the same channel made in the last 10 minutes (same service,
location, description, media, attributes and contact) answers the first request again and
creates nothing. Posts of one channel are serialised on its key row, so two identical posts at
the same moment also make one ticket.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from datetime import datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from geoalchemy2.shape import to_shape

from backend.checklists.definition import Item
from backend.clock import SHANGHAI, utcnow
from backend.database import db
from backend.open311 import catalog
from backend.open311.formats import Open311Error
from backend.open311.keys import key_digest
from backend.open311.location import locate
from backend.open311.models import ApiKey, ServiceRequest
from backend.open311.schemas import MAX_SPAN, RequestQuery, parse_new_request
from backend.places.models import Estate, Organisation
from backend.text import problem
from backend.tickets.codes import TicketRef
from backend.tickets.creation import open_ticket
from backend.tickets.models import OPEN_STATES, Ticket, TicketEvent, TicketSource, TicketState

REPLAY_WINDOW = timedelta(minutes=10)
MAX_ROWS = 1000
MAX_ID = 2**31 - 1  # tickets.id is a 32-bit integer: a larger id names no ticket (PostgreSQL
# would refuse to compare it)
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"

# --- channel keys ----------------------------------------------------------------------------


def channel_for(key: str | None) -> ApiKey:
    """The active channel holding `key`, its row locked so its posts run one at a time."""
    if not key:
        raise Open311Error(403, "api_key: required")
    if problem(key) is not None:  # never a key (and PostgreSQL cannot compare a NUL)
        raise Open311Error(403, "api_key: invalid or revoked")
    row = db.session.scalar(
        sa.select(ApiKey)
        .where(ApiKey.key_hash == key_digest(key), ApiKey.active.is_(True))
        .with_for_update()
    )
    if row is None:
        raise Open311Error(403, "api_key: invalid or revoked")
    return row


# --- filing a request ------------------------------------------------------------------------


def _item(service: catalog.Service, attributes: dict[str, Any]) -> Item:
    unknown = sorted(set(attributes) - ({catalog.ITEM_ATTRIBUTE} if service.metadata else set()))
    if unknown:
        raise Open311Error(404, *(f"attribute[{code}]: not an attribute of {service.code}"
                                  for code in unknown))  # fmt: skip
    chosen = attributes.get(catalog.ITEM_ATTRIBUTE) or None
    if chosen is not None and chosen not in {item.code for item in service.items}:
        raise Open311Error(404, f"attribute[{catalog.ITEM_ATTRIBUTE}]: unknown value {chosen!r}")
    return service.item(chosen)


def _fingerprint(canonical: dict[str, Any]) -> str:
    text = json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def file_request(values: Any) -> tuple[ServiceRequest, bool]:
    """POST requests: the channel's key first (403), then the input (400), then the ticket.
    Returns the request and whether it is new (False: a replay of a recent identical post)."""
    channel = channel_for(values.get("api_key"))
    new = parse_new_request(values)
    service = catalog.catalog().get(new.service_code)
    if service is None:
        raise Open311Error(404, f"service_code: {new.service_code!r} is not a service")
    item = _item(service, new.attributes)
    fingerprint = _fingerprint(new.canonical())
    earlier = db.session.scalar(
        sa.select(ServiceRequest)
        .where(
            ServiceRequest.api_key_id == channel.id,
            ServiceRequest.fingerprint == fingerprint,
            ServiceRequest.created_at >= utcnow() - REPLAY_WINDOW,
        )
        .order_by(ServiceRequest.id.desc())
        .limit(1)
    )
    if earlier is not None:
        return earlier, False
    estate, position = locate(new)
    ticket = open_ticket(
        estate=estate,
        item=item,
        source=TicketSource.complaint,
        found_at=utcnow(),
        actor=None,
        description=new.description,
        position=position,
        channel=channel.name,
    )
    record = ServiceRequest(
        ticket_id=ticket.id,
        api_key_id=channel.id,
        token=secrets.token_urlsafe(24),
        fingerprint=fingerprint,
        service_code=service.code,
        address_string=new.address_string,
        media_url=new.media_url,
        attributes=new.attributes,
        **new.contact,
    )
    db.session.add(record)
    db.session.flush()
    return record, True


def _when(moment: datetime | None) -> str | None:
    """W3C datetime with the city's offset, e.g. 2026-11-28T20:51:33+08:00."""
    return moment.astimezone(SHANGHAI).isoformat(timespec="seconds") if moment else None


def notice(ticket: Ticket, locale: str) -> str:
    agency = db.session.get(Organisation, ticket.responsible_org_id)
    due = f"{ticket.due_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}"
    if locale == "en":
        return f"Dispatched to {agency.name}; to be rectified by {due} (Asia/Shanghai)."
    return f"已派遣至{agency.name},整改期限 {due}。"


def filed_answer(record: ServiceRequest, locale: str) -> list[dict[str, Any]]:
    ticket = db.session.get(Ticket, record.ticket_id)
    return [
        {
            "service_request_id": ticket.code,
            "service_notice": notice(ticket, locale),
            "account_id": None,
            "token": record.token,
        }
    ]


def token_answer(token: str) -> list[dict[str, Any]]:
    if problem(token) is not None:  # never a token (and PostgreSQL cannot compare a NUL)
        raise Open311Error(404, "token not found")
    record = db.session.scalar(sa.select(ServiceRequest).where(ServiceRequest.token == token))
    if record is None:
        raise Open311Error(404, "token not found")
    ticket = db.session.get(Ticket, record.ticket_id)
    return [{"service_request_id": ticket.code, "token": record.token}]


# --- the public view ---------------------------------------------------------------------------

CLOSED_STATES = (TicketState.closed, TicketState.cancelled)
STATE_NOTES = {
    TicketState.dispatched: "已派遣至责任单位 (dispatched to the responsible unit)",
    TicketState.accepted: "责任单位已受理 (accepted by the responsible unit)",
    TicketState.rectified: "已整改,待核查 (rectified, awaiting verification)",
    TicketState.rework: "核查未通过,返工中 (verification failed, being reworked)",
    TicketState.disputed: "责任单位提出异议,待裁定 (disputed, awaiting a decision)",
    TicketState.closed: "已结案 (closed)",
    TicketState.cancelled: "已撤销 (cancelled)",
}
# What must never be published from free text: e-mail, phone and ID-card numbers.
PERSONAL = re.compile(
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|(?<!\d)(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d{4}){2}(?!\d)"
    r"|(?<!\d)0\d{2,3}[\s-]?\d{7,8}(?!\d)"
    r"|(?<!\d)\d{17}[\dXx](?![\dXx])"
)


def masked(text: str, own: tuple[str, ...] = ()) -> str:
    """`text` with personal data replaced by ***, including the reporter's own details."""
    for value in own:
        text = text.replace(value, "***")
    return PERSONAL.sub("***", text)


def _ref_condition(ref: TicketRef) -> sa.ColumnElement[bool]:
    """The ticket a code names: its number and, for a full code, its Beijing dispatch day (a code
    whose date does not match finds nothing)."""
    if ref.impossible or ref.id > MAX_ID:
        return sa.false()
    if ref.day is None:
        return Ticket.id == ref.id
    start = datetime.combine(ref.day, time(0), tzinfo=SHANGHAI)
    return sa.and_(
        Ticket.id == ref.id,
        Ticket.dispatched_at >= start,
        Ticket.dispatched_at < start + timedelta(days=1),
    )


def _public_query(query: RequestQuery, now: datetime) -> sa.Select:
    select = sa.select(Ticket).where(Ticket.source == TicketSource.complaint)
    if query.ids:  # the standard: service_request_id overrides every other filter
        return select.where(sa.or_(sa.false(), *map(_ref_condition, query.ids))).order_by(Ticket.id)
    if query.service_codes:
        select = select.where(Ticket.category.in_(query.service_codes))
    if set(query.statuses) == {"open"}:
        select = select.where(Ticket.state.in_(OPEN_STATES))
    elif set(query.statuses) == {"closed"}:
        select = select.where(Ticket.state.in_(CLOSED_STATES))
    start, end = query.start, query.end
    if start is None and end is None:
        end = now
    if start is None:
        start = end - MAX_SPAN
    select = select.where(Ticket.dispatched_at >= start)
    if end is not None:
        select = select.where(Ticket.dispatched_at <= end)
    return select.order_by(Ticket.dispatched_at.desc(), Ticket.id.desc()).limit(MAX_ROWS)


def find_requests(query: RequestQuery) -> list[Ticket]:
    """GET requests: complaint tickets by the standard's filters; by default those of the last
    90 days, newest first, at most 1000."""
    return list(db.session.scalars(_public_query(query, utcnow())))


def get_request(ref: TicketRef) -> Ticket:
    ticket = db.session.get(Ticket, ref.id) if ref.id <= MAX_ID else None
    if (
        ticket is None
        or ticket.source is not TicketSource.complaint
        or not ref.matches(ticket.id, ticket.dispatched_at)
    ):
        raise Open311Error(404, "service_request_id not found")
    return ticket


def _by_id(model: Any, ids: set[int]) -> dict[int, Any]:
    if not ids:
        return {}
    return {row.id: row for row in db.session.scalars(sa.select(model).where(model.id.in_(ids)))}


def _last_events(ticket_ids: list[int]) -> dict[int, TicketEvent]:
    if not ticket_ids:
        return {}
    latest = (
        sa.select(sa.func.max(TicketEvent.id))
        .where(TicketEvent.ticket_id.in_(ticket_ids))
        .group_by(TicketEvent.ticket_id)
    )
    events = db.session.scalars(sa.select(TicketEvent).where(TicketEvent.id.in_(latest)))
    return {event.ticket_id: event for event in events}


def public_requests(
    tickets: list[Ticket], locale: str, extra: dict[int, dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """The standard's service request fields for each ticket, in the same order; `extra` adds
    extension fields to some of them (by ticket id: the 回访 of the asking channel's own)."""
    extra = extra or {}
    ids = [ticket.id for ticket in tickets]
    agencies = _by_id(Organisation, {t.responsible_org_id for t in tickets})
    estates = _by_id(Estate, {t.estate_id for t in tickets})
    events = _last_events(ids)
    records = {}
    if ids:
        found = db.session.scalars(
            sa.select(ServiceRequest).where(ServiceRequest.ticket_id.in_(ids))
        )
        records = {record.ticket_id: record for record in found}
    titles = catalog.item_titles(locale) if locale != "zh" else {}
    return [
        _public(t, estates[t.estate_id], agencies[t.responsible_org_id], events.get(t.id),
                records.get(t.id), titles.get(t.item_code) or t.title, locale)
        | extra.get(t.id, {})
        for t in tickets
    ]  # fmt: skip


def _own_details(record: ServiceRequest) -> tuple[str, ...]:
    """The reporter's details as they may appear in their own text, longest first (a Chinese
    name is usually written surname first: last_name + first_name)."""
    first, last = record.first_name or "", record.last_name or ""
    values = [last + first, first + last, first, last, record.email, record.phone]
    values += [record.device_id, record.account_id]
    return tuple(sorted({v for v in values if v and len(v) >= 2}, key=len, reverse=True))


def _public(
    ticket: Ticket,
    estate: Estate,
    agency: Organisation,
    event: TicketEvent | None,
    record: ServiceRequest | None,
    service_name: str,
    locale: str,
) -> dict[str, Any]:
    own = _own_details(record) if record is not None else ()
    note = STATE_NOTES[ticket.state]
    if event is not None and event.reason.strip():
        note = f"{note}: {masked(event.reason.strip(), own)}"
    point = to_shape(ticket.position if ticket.position is not None else estate.boundary)
    if ticket.position is None:
        point = point.representative_point()
    closed = ticket.state in CLOSED_STATES
    return {
        "service_request_id": ticket.code,
        "status": "closed" if closed else "open",
        "status_notes": note,
        "service_name": service_name,
        "service_code": ticket.category,
        "description": masked(ticket.description, own),
        "agency_responsible": agency.name,
        "service_notice": None if closed else notice(ticket, locale),
        "requested_datetime": _when(ticket.dispatched_at),
        "updated_datetime": _when(ticket.updated_at),
        "expected_datetime": _when(ticket.due_at),
        "address": " ".join(part for part in (estate.address, estate.name) if part),
        "address_id": estate.code,
        "zipcode": None,
        "lat": round(point.y, 6),
        "long": round(point.x, 6),
        "media_url": record.media_url if record is not None else None,
    }


# --- discovery -------------------------------------------------------------------------------


def discovery(endpoint_url: str) -> dict[str, Any]:
    from backend.checklists import services as checklists

    activated = [v.activated_at for v in checklists.active_versions() if v.activated_at]
    changeset = _when(max(activated)) if activated else None
    return {
        "changeset": changeset,
        "contact": "五好小区巡查 (Wuhao) 系统管理员 / the Wuhao system administrator",
        "key_service": "API keys are issued to channels by the Wuhao administrator "
        "(flask open311 create-key NAME)",
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": endpoint_url,
                "changeset": changeset,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
