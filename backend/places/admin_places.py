"""Administering the place tree: districts, streets, communities, grids and estates.

Who may act follows jurisdiction: districts are for the city level (administrators and city
supervisors); streets for whoever holds their district; communities, grids and estates for
whoever holds their street (a street supervisor, its district's supervisor, the city).

A place is never deleted (estates, tickets and reports name it). It is deactivated, and only
when nothing current hangs on it, so nothing is left without a parent:
- a district while it has active streets or active users seated in it;
- a street while it has estates, active grids, active communities or active users seated in it;
- a community while estates belong to it;
- a grid while active inspectors are assigned to it or its estates have open tickets. Its estates
  then leave it (and join another active grid of their street that holds them, if any).
Nothing new is put under a deactivated place.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from geoalchemy2.shape import from_shape, to_shape
from shapely.geometry import MultiPolygon

from backend.accounts.models import User, grid_assignments
from backend.database import db
from backend.errors import Conflict, Forbidden, NotFound, ValidationFailed
from backend.places.importer import reassign_estate_grids
from backend.places.models import Community, District, Estate, Grid, Organisation, OrgKind, Street
from backend.places.scope import Scope
from backend.places.services import as_multipolygon, grid_containing
from backend.text import require_allowed

OUTSIDE = "不在您的管辖范围内 (outside your jurisdiction)"


def street_in_scope(scope: Scope, street: Street) -> bool:
    if scope.everything or street.id in scope.street_ids:
        return True
    return street.district_id in scope.district_ids


def _require(allowed: bool) -> None:
    if not allowed:
        raise Forbidden(OUTSIDE, {"scope": ["outside your jurisdiction"]})


def _parent(model: Any, ident: int | None, field: str) -> Any:
    row = db.session.get(model, ident) if ident is not None else None
    if row is None:
        raise ValidationFailed("上级不存在 (unknown parent)", {field: ["unknown"]})
    if not row.is_active:
        raise ValidationFailed("上级已停用 (the parent is deactivated)", {field: ["deactivated"]})
    return row


def _code_free(model: Any, code: str, but: int | None = None) -> None:
    query = sa.select(model.id).where(model.code == code)
    if but is not None:
        query = query.where(model.id != but)
    if db.session.scalar(query) is not None:
        raise Conflict("编码已存在 (the code is taken)", {"code": [f"{code} is taken"]})


def _count(query: sa.Select) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0


# What still hangs on a place, in Chinese for the message (the field message stays English).
BLOCKER_ZH = {
    "active streets": "启用的街道",
    "active users": "在用账号",
    "estates": "小区",
    "active grids": "启用的网格",
    "active communities": "启用的社区",
    "assigned inspectors": "分配的网格员",
    "open tickets": "未结工单",
}


def _refuse_if(blockers: dict[str, int]) -> None:
    found = {label: n for label, n in blockers.items() if n}
    if found:
        zh = "、".join(f"{BLOCKER_ZH[label]} {n} 个" for label, n in found.items())
        what = ", ".join(f"{n} {label}" for label, n in found.items())
        raise Conflict(f"仍有{zh},不能停用 (still has {what}: cannot be deactivated)",
                       {"is_active": [f"still has {what}"]})  # fmt: skip


def _set_active(row: Any, active: bool, blockers: dict[str, int]) -> None:
    if row.is_active and not active:
        _refuse_if(blockers)
    row.is_active = active


# --- districts -----------------------------------------------------------------------------


def create_district(scope: Scope, code: str, name: str) -> District:
    _require(scope.everything)
    require_allowed(code=code, name=name)
    _code_free(District, code)
    district = District(code=code, name=name)
    db.session.add(district)
    db.session.flush()
    return district


def update_district(scope: Scope, district: District, changes: dict[str, Any]) -> District:
    _require(scope.everything)
    require_allowed(code=changes.get("code"), name=changes.get("name"))
    if "code" in changes:
        _code_free(District, changes["code"], but=district.id)
        district.code = changes["code"]
    if "name" in changes:
        district.name = changes["name"]
    if "is_active" in changes:
        streets = sa.select(Street.id).where(
            Street.district_id == district.id, Street.is_active.is_(True)
        )
        users = sa.select(User.id).where(User.district_id == district.id, User.is_active.is_(True))
        blockers = {"active streets": _count(streets), "active users": _count(users)}
        _set_active(district, changes["is_active"], blockers)
    db.session.flush()
    return district


# --- streets -------------------------------------------------------------------------------


def create_street(scope: Scope, code: str, name: str, district_id: int) -> Street:
    district = _parent(District, district_id, "district_id")
    _require(scope.everything or district.id in scope.district_ids)
    require_allowed(code=code, name=name)
    _code_free(Street, code)
    street = Street(code=code, name=name, district_id=district.id)
    db.session.add(street)
    db.session.flush()
    return street


def update_street(scope: Scope, street: Street, changes: dict[str, Any]) -> Street:
    _require(scope.everything or street.district_id in scope.district_ids)
    require_allowed(code=changes.get("code"), name=changes.get("name"))
    if "code" in changes:
        _code_free(Street, changes["code"], but=street.id)
        street.code = changes["code"]
    if "name" in changes:
        street.name = changes["name"]
    if "is_active" in changes:
        blockers = {
            "estates": _count(sa.select(Estate.id).where(Estate.street_id == street.id)),
            "active grids": _count(
                sa.select(Grid.id).where(Grid.street_id == street.id, Grid.is_active.is_(True))
            ),
            "active communities": _count(
                sa.select(Community.id).where(
                    Community.street_id == street.id, Community.is_active.is_(True)
                )
            ),
            "active users": _count(
                sa.select(User.id).where(User.street_id == street.id, User.is_active.is_(True))
            ),
        }
        _set_active(street, changes["is_active"], blockers)
    db.session.flush()
    return street


# --- communities ---------------------------------------------------------------------------


def _name_free(street_id: int, name: str, but: int | None = None) -> None:
    query = sa.select(Community.id).where(Community.street_id == street_id, Community.name == name)
    if but is not None:
        query = query.where(Community.id != but)
    if db.session.scalar(query) is not None:
        raise Conflict("该街道已有同名社区 (the street has a community of that name)",
                       {"name": ["taken in this street"]})  # fmt: skip


def community_query(scope: Scope, street_id: int | None, active: bool | None) -> sa.Select:
    query = sa.select(Community).join(Street).order_by(Street.code, Community.name)
    if not scope.everything:
        query = query.where(
            sa.or_(Street.id.in_(scope.street_ids), Street.district_id.in_(scope.district_ids))
        )
    if street_id is not None:
        query = query.where(Community.street_id == street_id)
    if active is not None:
        query = query.where(Community.is_active.is_(active))
    return query


def get_community(scope: Scope, community_id: int) -> Community:
    community = db.session.get(Community, community_id)
    if community is None or not street_in_scope(scope, community.street):
        raise NotFound("社区不存在 (community not found)")
    return community


def create_community(scope: Scope, street_id: int, name: str) -> Community:
    street = _parent(Street, street_id, "street_id")
    _require(street_in_scope(scope, street))
    require_allowed(name=name)
    _name_free(street.id, name)
    community = Community(street_id=street.id, name=name)
    db.session.add(community)
    db.session.flush()
    return community


def update_community(scope: Scope, community: Community, changes: dict[str, Any]) -> Community:
    _require(street_in_scope(scope, community.street))
    require_allowed(name=changes.get("name"))
    if "name" in changes:
        _name_free(community.street_id, changes["name"], but=community.id)
        community.name = changes["name"]
    if "is_active" in changes:
        estates = sa.select(Estate.id).where(Estate.community_id == community.id)
        _set_active(community, changes["is_active"], {"estates": _count(estates)})
    db.session.flush()
    return community


# --- grids ---------------------------------------------------------------------------------


def check_grid_street(scope: Scope, street_id: int) -> None:
    """A new grid's street must exist, be active and be the caller's."""
    _require(street_in_scope(scope, _parent(Street, street_id, "street_id")))


def check_grid_scope(scope: Scope, grid: Grid) -> None:
    _require(street_in_scope(scope, grid.street))


def set_grid_active(scope: Scope, grid: Grid, active: bool) -> Grid:
    from backend.tickets.models import OPEN_STATES, Ticket  # tickets build on places

    _require(street_in_scope(scope, grid.street))
    if active == grid.is_active:
        return grid
    inspectors = (
        sa.select(User.id)
        .join(grid_assignments, grid_assignments.c.user_id == User.id)
        .where(grid_assignments.c.grid_id == grid.id, User.is_active.is_(True))
    )
    tickets = (
        sa.select(Ticket.id)
        .join(Estate, Estate.id == Ticket.estate_id)
        .where(Estate.grid_id == grid.id, Ticket.state.in_(OPEN_STATES))
    )
    blockers = {"assigned inspectors": _count(inspectors), "open tickets": _count(tickets)}
    if active:
        _parent(Street, grid.street_id, "street_id")
    _set_active(grid, active, blockers)
    db.session.flush()
    reassign_estate_grids({grid.street_id})
    return grid


# --- estates -------------------------------------------------------------------------------

ESTATE_FIELDS = ("code", "name", "address", "grade", "households", "built_year")


def update_estate(scope: Scope, estate: Estate, changes: dict[str, Any]) -> int:
    """Edit an estate's attributes and outline, or move it to another street (both streets must
    be the caller's). Answers how many open tickets the old street's office still holds after a
    move: tickets keep the unit they were routed to (a supervisor may reroute them), while their
    supervision and escalation follow the estate to its new street."""
    from backend.tickets.models import OPEN_STATES, Ticket

    _require(street_in_scope(scope, estate.street))
    require_allowed(**{k: changes.get(k) for k in ("code", "name", "address")})
    if "code" in changes:
        _code_free(Estate, changes["code"], but=estate.id)
    old_street = estate.street_id
    street_id = changes.get("street_id", estate.street_id)
    if street_id != estate.street_id:
        _require(street_in_scope(scope, _parent(Street, street_id, "street_id")))
    community_id = changes.get("community_id", estate.community_id)
    if street_id != old_street and "community_id" not in changes:
        community_id = None  # the old street's community is not the new street's
    if community_id is not None:
        community = _parent(Community, community_id, "community_id")
        if community.street_id != street_id:
            raise ValidationFailed(
                "社区不属于该街道 (the community is not in that street)",
                {"community_id": ["not in the estate's street"]},
            )
    for name in ESTATE_FIELDS:
        if name in changes:
            setattr(estate, name, changes[name])
    estate.street_id, estate.community_id = street_id, community_id
    boundary: MultiPolygon | None = changes.get("boundary")
    if boundary is not None:
        estate.boundary = from_shape(as_multipolygon(boundary), srid=4326)
    if boundary is not None or street_id != old_street:
        db.session.flush()
        db.session.expire(estate, ["street"])
        grid = grid_containing(street_id, to_shape(estate.boundary))
        estate.grid_id = grid.id if grid else None
    db.session.flush()
    if street_id == old_street:
        return 0
    office = sa.select(Organisation.id).where(
        Organisation.kind == OrgKind.street_office, Organisation.street_id == old_street
    )
    held = sa.select(Ticket.id).where(
        Ticket.estate_id == estate.id,
        Ticket.state.in_(OPEN_STATES),
        Ticket.responsible_org_id.in_(office),
    )
    return _count(held)
