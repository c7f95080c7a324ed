"""Place rules: who may see which estate, who is responsible for an estate on a date, queries."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import sqlalchemy as sa
from geoalchemy2.shape import from_shape
from shapely.geometry import MultiPolygon
from shapely.geometry.base import BaseGeometry

from backend.clock import today
from backend.database import db
from backend.errors import Conflict, NotFound, ValidationFailed
from backend.places.models import (
    CustodialArrangement,
    CustodyMode,
    District,
    Estate,
    Grid,
    ManagementMode,
    Organisation,
    OrgKind,
    ServiceContract,
    Street,
)
from backend.places.scope import Scope
from backend.text import problem


def _active_on(model: type[ServiceContract] | type[CustodialArrangement], on: date):
    return sa.and_(model.start_date <= on, sa.or_(model.end_date.is_(None), model.end_date >= on))


def managed_estate_ids(organisation_ids: Iterable[int], on: date) -> sa.Select:
    """Estates an organisation manages on a date, by contract or custody."""
    ids = list(organisation_ids)
    contracts = sa.select(ServiceContract.estate_id).where(
        ServiceContract.firm_id.in_(ids), _active_on(ServiceContract, on)
    )
    custody = sa.select(CustodialArrangement.estate_id).where(
        CustodialArrangement.custodian_id.in_(ids), _active_on(CustodialArrangement, on)
    )
    return sa.union(contracts, custody).subquery().select()


def managed_pairs(on: date) -> sa.Subquery:
    """(organisation_id, estate_id) for every estate managed on a date, by contract or custody,
    each pair once: the grouped form of managed_estate_ids."""
    contracts = sa.select(
        ServiceContract.firm_id.label("organisation_id"), ServiceContract.estate_id
    ).where(_active_on(ServiceContract, on))
    custody = sa.select(
        CustodialArrangement.custodian_id.label("organisation_id"),
        CustodialArrangement.estate_id,
    ).where(_active_on(CustodialArrangement, on))
    return sa.union(contracts, custody).subquery("managed")


def estate_visibility(scope: Scope, on: date | None = None) -> sa.ColumnElement[bool]:
    """A WHERE clause over Estate for what `scope` may see."""
    if scope.everything:
        return sa.true()
    clauses: list[sa.ColumnElement[bool]] = []
    if scope.street_ids:
        clauses.append(Estate.street_id.in_(scope.street_ids))
    if scope.district_ids:
        clauses.append(
            Estate.street_id.in_(
                sa.select(Street.id).where(Street.district_id.in_(scope.district_ids))
            )
        )
    if scope.grid_ids:
        clauses.append(Estate.grid_id.in_(scope.grid_ids))
    if scope.organisation_ids:
        clauses.append(Estate.id.in_(managed_estate_ids(scope.organisation_ids, on or today())))
    return sa.or_(*clauses) if clauses else sa.false()


def grid_visibility(scope: Scope) -> sa.ColumnElement[bool]:
    if scope.everything:
        return sa.true()
    clauses: list[sa.ColumnElement[bool]] = []
    if scope.street_ids:
        clauses.append(Grid.street_id.in_(scope.street_ids))
    if scope.district_ids:
        clauses.append(
            Grid.street_id.in_(
                sa.select(Street.id).where(Street.district_id.in_(scope.district_ids))
            )
        )
    if scope.grid_ids:
        clauses.append(Grid.id.in_(scope.grid_ids))
    return sa.or_(*clauses) if clauses else sa.false()


# --- queries ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class EstateFilter:
    street_id: int | None = None
    district_id: int | None = None
    grid_id: int | None = None
    bbox: BaseGeometry | None = None
    q: str | None = None


def text_search(q: str, *columns: Any) -> sa.ColumnElement[bool]:
    """Rows where one of `columns` holds `q` literally: % and _ are escaped (not wildcards), and
    a q with a character the text policy keeps out of storage (NUL, which also cuts a pattern
    short on SQLite) matches nothing."""
    if problem(q) is not None:
        return sa.false()
    return sa.or_(*(column.contains(q, autoescape=True) for column in columns))


def estate_query(scope: Scope, filters: EstateFilter = EstateFilter()) -> sa.Select:
    query = sa.select(Estate).where(estate_visibility(scope)).order_by(Estate.code)
    if filters.street_id is not None:
        query = query.where(Estate.street_id == filters.street_id)
    if filters.district_id is not None:
        query = query.where(
            Estate.street_id.in_(
                sa.select(Street.id).where(Street.district_id == filters.district_id)
            )
        )
    if filters.grid_id is not None:
        query = query.where(Estate.grid_id == filters.grid_id)
    if filters.bbox is not None:
        query = query.where(Estate.boundary.ST_Intersects(from_shape(filters.bbox, srid=4326)))
    if filters.q:
        query = query.where(text_search(filters.q, Estate.name, Estate.address))
    return query


def get_estate(estate_id: int, scope: Scope) -> Estate:
    estate = db.session.scalar(
        sa.select(Estate).where(Estate.id == estate_id, estate_visibility(scope))
    )
    if estate is None:
        raise NotFound("小区不存在 (estate not found)")
    return estate


def grid_query(scope: Scope, street_id: int | None = None, active: bool | None = None) -> sa.Select:
    query = sa.select(Grid).where(grid_visibility(scope)).order_by(Grid.code)
    if street_id is not None:
        query = query.where(Grid.street_id == street_id)
    if active is not None:
        query = query.where(Grid.is_active.is_(active))
    return query


def get_grid(grid_id: int, scope: Scope) -> Grid:
    grid = db.session.scalar(sa.select(Grid).where(Grid.id == grid_id, grid_visibility(scope)))
    if grid is None:
        raise NotFound("网格不存在 (grid not found)")
    return grid


# --- responsibility ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Responsibility:
    """Who must act for an estate on a date, and why."""

    estate_id: int
    on: date
    organisation_id: int
    organisation_name: str
    mode: ManagementMode
    basis: str  # "contract" | "custody" | "street_fallback"
    arrangement_id: int | None
    since: date | None
    until: date | None


_CUSTODY_TO_MODE = {
    CustodyMode.state_takeover: ManagementMode.state_takeover,
    CustodyMode.charitable_custody: ManagementMode.charitable_custody,
    CustodyMode.self_managed: ManagementMode.self_managed,
    CustodyMode.street_custody: ManagementMode.unmanaged,
}


def street_office(street_id: int) -> Organisation:
    office = db.session.scalar(
        sa.select(Organisation)
        .where(
            Organisation.kind == OrgKind.street_office,
            Organisation.street_id == street_id,
            Organisation.is_active.is_(True),
        )
        .order_by(Organisation.id)
    )
    if office is None:
        raise NotFound("该街道没有登记街道办事处 (no street office registered for this street)")
    return office


def utility_for(estate: Estate, kind: str) -> Organisation | None:
    """The utility of a kind serving the estate: one seated in its district, else any."""
    district_id = db.session.scalar(
        sa.select(Street.district_id).where(Street.id == estate.street_id)
    )
    candidates = sa.select(Organisation).where(
        Organisation.kind == OrgKind.utility,
        Organisation.utility_kind == kind,
        Organisation.is_active.is_(True),
    )
    return db.session.scalar(
        candidates.order_by((Organisation.district_id == district_id).desc(), Organisation.id)
    )


def responsible_party(estate: Estate, on: date) -> Responsibility:
    """The one answer to "who is responsible for estate E on date D".

    A contract active on D names its firm (market, or state takeover when the firm is state-owned
    and holds it by custody); otherwise a custodial arrangement active on D names its custodian;
    otherwise the estate is unmanaged and its street office holds it (临时托管).
    """
    contract = db.session.scalar(
        sa.select(ServiceContract).where(
            ServiceContract.estate_id == estate.id, _active_on(ServiceContract, on)
        )
    )
    if contract is not None:
        return Responsibility(
            estate.id,
            on,
            contract.firm_id,
            contract.firm.name,
            ManagementMode.market,
            "contract",
            contract.id,
            contract.start_date,
            contract.end_date,
        )
    custody = db.session.scalar(
        sa.select(CustodialArrangement).where(
            CustodialArrangement.estate_id == estate.id, _active_on(CustodialArrangement, on)
        )
    )
    if custody is not None:
        return Responsibility(
            estate.id,
            on,
            custody.custodian_id,
            custody.custodian.name,
            _CUSTODY_TO_MODE[custody.mode],
            "custody",
            custody.id,
            custody.start_date,
            custody.end_date,
        )
    office = street_office(estate.street_id)
    return Responsibility(
        estate.id,
        on,
        office.id,
        office.name,
        ManagementMode.unmanaged,
        "street_fallback",
        None,
        None,
        None,
    )


def management_modes(estate_ids: Sequence[int], on: date) -> dict[int, ManagementMode]:
    """Management mode of many estates on a date in two queries (for lists)."""
    modes = {estate_id: ManagementMode.unmanaged for estate_id in estate_ids}
    if not estate_ids:
        return modes
    custody_rows = db.session.execute(
        sa.select(CustodialArrangement.estate_id, CustodialArrangement.mode).where(
            CustodialArrangement.estate_id.in_(estate_ids), _active_on(CustodialArrangement, on)
        )
    )
    for estate_id, mode in custody_rows:
        modes[estate_id] = _CUSTODY_TO_MODE[mode]
    contract_rows = db.session.scalars(
        sa.select(ServiceContract.estate_id).where(
            ServiceContract.estate_id.in_(estate_ids), _active_on(ServiceContract, on)
        )
    )
    for estate_id in contract_rows:
        modes[estate_id] = ManagementMode.market
    return modes


# --- arrangements ----------------------------------------------------------------------------


def _overlapping(
    estate_id: int, start: date, end: date | None, but: ServiceContract | None = None
) -> list[str]:
    """Existing arrangements for the estate that overlap [start, end] (inclusive, None = open),
    other than `but` (a contract whose own period is being changed)."""
    found: list[str] = []
    for model, label in ((ServiceContract, "contract"), (CustodialArrangement, "custody")):
        overlap = sa.and_(
            model.estate_id == estate_id,
            sa.or_(model.end_date.is_(None), model.end_date >= start),
        )
        if end is not None:
            overlap = sa.and_(overlap, model.start_date <= end)
        if but is not None and model is ServiceContract:
            overlap = sa.and_(overlap, model.id != but.id)
        for row in db.session.scalars(sa.select(model).where(overlap)):
            found.append(f"{label} #{row.id} ({row.start_date} – {row.end_date or '…'})")
    return found


def _check_period(estate_id: int, start: date, end: date | None) -> None:
    if end is not None and end < start:
        raise ValidationFailed(
            "结束日期早于开始日期 (end date before start date)",
            {"end_date": ["must not be before start_date"]},
        )
    clashes = _overlapping(estate_id, start, end)
    if clashes:
        # `start_date` names the field a form shows it beside; `overlaps` lists them for clients.
        raise Conflict(
            "该小区在此期间已有管理安排 (the estate is already managed in that period)",
            {"overlaps": clashes, "start_date": ["overlaps " + "; ".join(clashes)]},
        )


def _check_active(organisation: Organisation, field: str) -> None:
    if not organisation.is_active:
        raise ValidationFailed(
            "该单位已停用 (the organisation is deactivated)", {field: ["deactivated"]}
        )


def add_contract(
    estate: Estate, firm: Organisation, start: date, end: date | None, reference: str | None = None
) -> ServiceContract:
    if firm.kind is not OrgKind.property_firm:
        raise ValidationFailed(
            "合同一方必须是物业服务企业 (a contract needs a property firm)",
            {"firm_id": ["not a property firm"]},
        )
    _check_active(firm, "firm_id")
    _check_period(estate.id, start, end)
    contract = ServiceContract(
        estate=estate, firm=firm, start_date=start, end_date=end, reference=reference
    )
    db.session.add(contract)
    db.session.flush()
    return contract


_CUSTODIAN_KINDS = {
    CustodyMode.state_takeover: {OrgKind.property_firm},
    CustodyMode.charitable_custody: {OrgKind.property_firm},
    CustodyMode.self_managed: {OrgKind.owners_committee},
    CustodyMode.street_custody: {OrgKind.street_office},
}


def add_custody(
    estate: Estate, custodian: Organisation, mode: CustodyMode, start: date, end: date | None
) -> CustodialArrangement:
    if custodian.kind not in _CUSTODIAN_KINDS[mode]:
        raise ValidationFailed(
            "托管单位类型与托管方式不符 (custodian kind does not fit the custody mode)",
            {"custodian_id": [f"{custodian.kind} cannot hold {mode}"]},
        )
    if mode is CustodyMode.state_takeover and not custodian.state_owned:
        raise ValidationFailed(
            "国有物业接管需由国有企业承担 (state takeover needs a state-owned firm)",
            {"custodian_id": ["not state-owned"]},
        )
    _check_active(custodian, "custodian_id")
    _check_period(estate.id, start, end)
    arrangement = CustodialArrangement(
        estate=estate, custodian=custodian, mode=mode, start_date=start, end_date=end
    )
    db.session.add(arrangement)
    db.session.flush()
    return arrangement


def get_contract(contract_id: int) -> ServiceContract:
    contract = db.session.get(ServiceContract, contract_id)
    if contract is None:
        raise NotFound("合同不存在 (contract not found)")
    return contract


def end_contract(contract: ServiceContract, last_day: date) -> ServiceContract:
    """Set the contract's last day. Moving it later may not reach into the next arrangement."""
    if last_day < contract.start_date:
        raise ValidationFailed(
            "结束日期早于开始日期 (end date before start date)",
            {"end_date": [f"must not be before the contract's start ({contract.start_date})"]},
        )
    clashes = _overlapping(contract.estate_id, contract.start_date, last_day, but=contract)
    if clashes:
        raise Conflict(
            "该小区在此期间已有其他管理安排 (the estate is managed by another arrangement then)",
            {"overlaps": clashes, "end_date": ["overlaps " + "; ".join(clashes)]},
        )
    contract.end_date = last_day
    db.session.flush()
    return contract


def as_multipolygon(shape: BaseGeometry) -> MultiPolygon:
    if isinstance(shape, MultiPolygon):
        return shape
    return MultiPolygon([shape])


# --- estates -------------------------------------------------------------------------------


def grid_containing(street_id: int, boundary: MultiPolygon) -> Grid | None:
    """The grid (of the same street) holding the estate's representative point."""
    point = from_shape(boundary.representative_point(), srid=4326)
    return db.session.scalar(
        sa.select(Grid)
        .where(
            Grid.street_id == street_id,
            Grid.is_active.is_(True),
            Grid.boundary.ST_Contains(point),
        )
        .order_by(Grid.id)
    )


def create_estate(
    *,
    code: str,
    name: str,
    street: Street,
    boundary: MultiPolygon,
    address: str = "",
    community_id: int | None = None,
    grade: str | None = None,
    households: int | None = None,
    built_year: int | None = None,
) -> Estate:
    if db.session.scalar(sa.select(Estate.id).where(Estate.code == code)) is not None:
        raise Conflict("小区编码已存在 (estate code exists)", {"code": [f"{code} exists"]})
    estate = Estate(
        code=code,
        name=name,
        street=street,
        address=address,
        community_id=community_id,
        grade=grade,
        households=households,
        built_year=built_year,
        boundary=from_shape(boundary, srid=4326),
    )
    grid = grid_containing(street.id, boundary)
    estate.grid = grid
    db.session.add(estate)
    db.session.flush()
    return estate


def find_street(street_id: int) -> Street:
    street = db.session.get(Street, street_id)
    if street is None:
        raise ValidationFailed("街道不存在 (unknown street)", {"street_id": ["unknown street"]})
    return street


def districts(active: bool | None = None) -> Sequence[District]:
    query = sa.select(District).order_by(District.code)
    if active is not None:
        query = query.where(District.is_active.is_(active))
    return db.session.scalars(query).all()


def streets(district_id: int | None = None, active: bool | None = None) -> Sequence[Street]:
    query = sa.select(Street).order_by(Street.code)
    if district_id is not None:
        query = query.where(Street.district_id == district_id)
    if active is not None:
        query = query.where(Street.is_active.is_(active))
    return db.session.scalars(query).all()


def get_organisation(organisation_id: int) -> Organisation:
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound("单位不存在 (organisation not found)")
    return organisation


def contract_query(scope: Scope, estate_id: int | None = None) -> sa.Select:
    """Contracts of estates in the caller's jurisdiction; a firm sees only its own contracts,
    not its predecessors' or competitors' on the same estate."""
    jurisdiction = replace(scope, organisation_ids=frozenset())
    visible = sa.or_(
        ServiceContract.estate_id.in_(sa.select(Estate.id).where(estate_visibility(jurisdiction))),
        ServiceContract.firm_id.in_(scope.organisation_ids),
    )
    query = sa.select(ServiceContract).where(visible).order_by(ServiceContract.start_date)
    if estate_id is not None:
        query = query.where(ServiceContract.estate_id == estate_id)
    return query
