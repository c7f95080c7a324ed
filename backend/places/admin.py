"""Registering parties (organisations) and grids: rules for creating, editing and deactivating.

Who may manage an organisation follows its seat: administrators and city-level supervisors any;
a district or street supervisor those seated in their jurisdiction (a street office, a community
or owners' committee, a firm registered there). Parties without a seat (city-wide firms,
utilities) and the city authority are for the city level.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from geoalchemy2.shape import from_shape
from shapely.geometry.base import BaseGeometry

from backend.accounts.models import User
from backend.clock import today
from backend.database import db
from backend.errors import Conflict, Forbidden, ValidationFailed
from backend.places.importer import reassign_estate_grids
from backend.places.models import (
    UTILITY_KINDS,
    Community,
    CustodialArrangement,
    District,
    Estate,
    Grid,
    Organisation,
    OrgKind,
    ServiceContract,
    Street,
)
from backend.places.scope import Scope
from backend.places.services import as_multipolygon
from backend.text import require_allowed

# The seat each kind must name (its jurisdiction or where it sits).
REQUIRED_SEAT = {
    OrgKind.district_authority: "district_id",
    OrgKind.street_office: "street_id",
    OrgKind.community_committee: "community_id",
    OrgKind.owners_committee: "estate_id",
}
SEAT_FIELDS = ("district_id", "street_id", "community_id", "estate_id")
FIELDS = (
    "name",
    "kind",
    "state_owned",
    "charitable",
    "utility_kind",
    "credit_code",
    "phone",
    *SEAT_FIELDS,
)
OUT_OF_SCOPE = "该单位不在您的管辖范围内 (the organisation is outside your jurisdiction)"


def _seat(values: dict[str, Any], errors: dict[str, list[str]]) -> dict[str, int | None]:
    """Complete the seat from its finest part: an estate or community names its street, a
    street its district; parts given that disagree are an error."""
    seat = {name: values.get(name) for name in SEAT_FIELDS}
    finer: list[tuple[str, Any, str]] = [
        ("estate_id", Estate, "street_id"),
        ("community_id", Community, "street_id"),
        ("street_id", Street, "district_id"),
    ]
    for name, model, parent in finer:
        if seat[name] is None:
            continue
        row = db.session.get(model, seat[name])
        if row is None:
            errors[name] = [f"unknown {name.removesuffix('_id')}"]
            return seat
        derived = getattr(row, parent)
        if seat[parent] is not None and seat[parent] != derived:
            errors[parent] = [f"does not contain the {name.removesuffix('_id')} given"]
            return seat
        seat[parent] = derived
    if seat["district_id"] is not None and db.session.get(District, seat["district_id"]) is None:
        errors["district_id"] = ["unknown district"]
    return seat


def _check(values: dict[str, Any], errors: dict[str, list[str]]) -> None:
    kind: OrgKind = values["kind"]
    needed = REQUIRED_SEAT.get(kind)
    if needed is not None and values.get(needed) is None and needed not in errors:
        errors[needed] = [f"a {kind.value} needs its {needed.removesuffix('_id')}"]
    if kind is OrgKind.utility:
        if values.get("utility_kind") not in UTILITY_KINDS:
            errors["utility_kind"] = [f"a utility needs one of: {', '.join(UTILITY_KINDS)}"]
    elif values.get("utility_kind") is not None:
        errors["utility_kind"] = ["only utilities have a utility kind"]
    if values.get("charitable") and kind is not OrgKind.property_firm:
        errors["charitable"] = ["only property firms hold charitable custody"]


def may_manage(scope: Scope, values: dict[str, Any]) -> bool:
    """Whether `scope` covers an organisation with these (completed) values."""
    if scope.everything:
        return True
    if values.get("kind") is OrgKind.city_authority:
        return False
    street_id, district_id = values.get("street_id"), values.get("district_id")
    if street_id is not None and street_id in scope.street_ids:
        return True
    if street_id is not None and district_id is None:
        district_id = db.session.scalar(sa.select(Street.district_id).where(Street.id == street_id))
    return district_id is not None and district_id in scope.district_ids


def _name_taken(name: str, but: int | None = None) -> None:
    query = sa.select(Organisation.id).where(Organisation.name == name)
    if but is not None:
        query = query.where(Organisation.id != but)
    if db.session.scalar(query) is not None:
        raise Conflict("单位名称已存在 (an organisation of that name exists)", {"name": ["taken"]})


def _validated(values: dict[str, Any], scope: Scope) -> dict[str, Any]:
    require_allowed(name=values.get("name"), phone=values.get("phone"))
    errors: dict[str, list[str]] = {}
    values = {**values, **_seat(values, errors)}
    _check(values, errors)
    if errors:
        raise ValidationFailed("单位信息不完整或不一致 (organisation details do not fit)", errors)
    if not may_manage(scope, values):
        raise Forbidden(OUT_OF_SCOPE, {"scope": ["outside your jurisdiction"]})
    return values


def create_organisation(values: dict[str, Any], scope: Scope) -> Organisation:
    values = _validated(values, scope)
    _name_taken(values["name"])
    organisation = Organisation(**{name: values.get(name) for name in FIELDS if name in values})
    db.session.add(organisation)
    db.session.flush()
    return organisation


def update_organisation(
    organisation: Organisation, changes: dict[str, Any], scope: Scope
) -> Organisation:
    """Edit (both the old and the new seat must be in scope) and (de)activate."""
    current = {name: getattr(organisation, name) for name in FIELDS}
    if not may_manage(scope, current):
        raise Forbidden(OUT_OF_SCOPE, {"scope": ["outside your jurisdiction"]})
    edits = {name: value for name, value in changes.items() if name in FIELDS}
    if edits:
        merged = {**current, **edits}
        if any(name in edits for name in SEAT_FIELDS):
            # A seat given anew replaces the whole seat (its coarser parts are derived again).
            merged.update({name: edits.get(name) for name in SEAT_FIELDS})
        values = _validated(merged, scope)
        if values["name"] != organisation.name:
            _name_taken(values["name"], but=organisation.id)
        if values["kind"] != organisation.kind:
            _kind_change_allowed(organisation)
        for name in FIELDS:
            setattr(organisation, name, values.get(name))
    if "is_active" in changes and changes["is_active"] != organisation.is_active:
        if not changes["is_active"]:
            _check_may_deactivate(organisation)
        organisation.is_active = changes["is_active"]
    db.session.flush()
    return organisation


def _kind_change_allowed(organisation: Organisation) -> None:
    """A party's kind decides what it may hold: not changed once it holds something."""
    if _blockers(organisation, include_history=True):
        raise Conflict(
            "该单位已有合同、托管、工单或用户,不能更改类型 (the kind of an organisation that "
            "holds contracts, custody, tickets or users cannot change)",
            {"kind": ["in use"]},
        )


def _blockers(organisation: Organisation, include_history: bool = False) -> dict[str, int]:
    from backend.tickets.models import OPEN_STATES, Ticket  # tickets build on places

    on = today()
    found: dict[str, int] = {}

    def count(query: sa.Select) -> int:
        return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0

    for label, model, column in (
        ("contracts", ServiceContract, ServiceContract.firm_id),
        ("custody", CustodialArrangement, CustodialArrangement.custodian_id),
    ):
        query = sa.select(model.id).where(column == organisation.id)
        if not include_history:
            query = query.where(sa.or_(model.end_date.is_(None), model.end_date >= on))
        found[label] = count(query)
    tickets = sa.select(Ticket.id).where(Ticket.responsible_org_id == organisation.id)
    if not include_history:
        tickets = tickets.where(Ticket.state.in_(OPEN_STATES))
    found["tickets"] = count(tickets)
    users = sa.select(User.id).where(User.organisation_id == organisation.id)
    if not include_history:
        users = users.where(User.is_active.is_(True))
    found["users"] = count(users)
    return {label: number for label, number in found.items() if number}


def _check_may_deactivate(organisation: Organisation) -> None:
    """A party still holding work cannot cease: its estates and tickets would have nobody."""
    errors = {label: [f"{number} current"] for label, number in _blockers(organisation).items()}
    if organisation.kind is OrgKind.street_office and not _other_office(organisation):
        # The street's estates without a manager fall back to its office.
        errors["street_id"] = ["the only active street office of its street"]
    if errors:
        what = "; ".join(f"{label}: {', '.join(texts)}" for label, texts in errors.items())
        raise Conflict(
            "该单位仍有在管小区、未结工单或在用账号(或是本街道唯一的街道办事处),"
            "请先终止合同/托管、改派工单、停用账号 (the organisation still holds current "
            f"arrangements, open tickets or active users, or is its street's only office: {what})",
            errors,
            code="organisation_in_use",
        )


def _other_office(office: Organisation) -> bool:
    query = sa.select(Organisation.id).where(
        Organisation.kind == OrgKind.street_office,
        Organisation.street_id == office.street_id,
        Organisation.is_active.is_(True),
        Organisation.id != office.id,
    )
    return db.session.scalar(query.limit(1)) is not None


def organisation_query(
    kind: OrgKind | None = None, active: bool | None = None, managed_by: Scope | None = None
) -> sa.Select:
    """`managed_by`: only the organisations that scope may manage (see may_manage)."""
    query = sa.select(Organisation).order_by(Organisation.kind, Organisation.name)
    if managed_by is not None and not managed_by.everything:
        # A seat's district is stored with it (_seat completes it), so district or street
        # decides, as in may_manage.
        query = query.where(
            Organisation.kind != OrgKind.city_authority,
            sa.or_(
                Organisation.district_id.in_(managed_by.district_ids),
                Organisation.street_id.in_(managed_by.street_ids),
            ),
        )
    if kind is not None:
        query = query.where(Organisation.kind == kind)
    if active is not None:
        query = query.where(Organisation.is_active.is_(active))
    return query


# --- grids ---------------------------------------------------------------------------------


def create_grid(code: str, name: str, street_id: int, boundary: BaseGeometry) -> Grid:
    """A grid of a street. Estates of that street are put in the grid that holds them."""
    require_allowed(code=code, name=name)
    if db.session.get(Street, street_id) is None:
        raise ValidationFailed("街道不存在 (unknown street)", {"street_id": ["unknown street"]})
    if db.session.scalar(sa.select(Grid.id).where(Grid.code == code)) is not None:
        raise Conflict("网格编码已存在 (grid code exists)", {"code": [f"{code} exists"]})
    grid = Grid(
        code=code,
        name=name,
        street_id=street_id,
        boundary=from_shape(as_multipolygon(boundary), srid=4326),
    )
    db.session.add(grid)
    db.session.flush()
    reassign_estate_grids({street_id})
    return grid


def update_grid(grid: Grid, changes: dict[str, Any]) -> Grid:
    require_allowed(name=changes.get("name"))
    if "name" in changes:
        grid.name = changes["name"]
    if "boundary" in changes:
        grid.boundary = from_shape(as_multipolygon(changes["boundary"]), srid=4326)
        db.session.flush()
        reassign_estate_grids({grid.street_id})
    db.session.flush()
    return grid
