"""Who may manage which accounts through /api/users.

Administrators: everyone. A city-level supervisor: everyone but administrators. A district
supervisor: inspectors whose grids all lie in the district, street supervisors of its streets,
and firm users of units (property firms, owners' committees) seated in it. A street supervisor:
inspectors whose grids all lie in the street. Nobody but an administrator manages their own
account here (/api/auth/password changes one's own password).

Accounts outside are invisible (404); a body that would put an account outside is a 422 naming
the field, checked before anything changes.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from backend.accounts import services
from backend.accounts.models import Role, User, grid_assignments
from backend.accounts.services import UNIT_KINDS, UserSpec, scope_of
from backend.database import db
from backend.errors import NotFound, ValidationFailed
from backend.places.admin import may_manage
from backend.places.models import Grid, Organisation, Street
from backend.places.scope import Scope

OUTSIDE = "outside your jurisdiction"
NOT_YOURS = "不在您的管辖范围内 (outside your jurisdiction)"
ROLE_REFUSED = "you may not give this role"
NEED_GRID = "choose at least one grid of your jurisdiction"


def _streets(scope: Scope) -> sa.Select:
    """The ids of the streets a district or street scope covers."""
    return sa.select(Street.id).where(
        sa.or_(Street.id.in_(scope.street_ids), Street.district_id.in_(scope.district_ids))
    )


def _seated_units(scope: Scope) -> sa.Select:
    """Units (firm users' organisations) seated in the scope's districts."""
    in_districts = sa.select(Street.id).where(Street.district_id.in_(scope.district_ids))
    return sa.select(Organisation.id).where(
        Organisation.kind.in_(UNIT_KINDS),
        sa.or_(
            Organisation.district_id.in_(scope.district_ids),
            Organisation.street_id.in_(in_districts),
        ),
    )


def user_visibility(scope: Scope, *, admins: bool = False) -> sa.ColumnElement[bool]:
    """A WHERE clause over User for the accounts `scope` may manage. `admins`: the caller is an
    administrator (a city-level supervisor has the same scope but never manages admins)."""
    if scope.everything:
        return sa.true() if admins else User.role != Role.admin
    if not (scope.street_ids or scope.district_ids):
        return sa.false()
    streets = _streets(scope)
    assigned = sa.select(grid_assignments.c.user_id)
    elsewhere = assigned.join(Grid, Grid.id == grid_assignments.c.grid_id).where(
        Grid.street_id.not_in(streets)
    )
    clauses = [
        sa.and_(User.role == Role.inspector, User.id.in_(assigned), User.id.not_in(elsewhere))
    ]
    if scope.district_ids:
        clauses.append(sa.and_(User.role == Role.supervisor, User.street_id.in_(streets)))
        clauses.append(
            sa.and_(User.role == Role.firm, User.organisation_id.in_(_seated_units(scope)))
        )
    return sa.or_(*clauses)


def visible_to(by: User) -> sa.ColumnElement[bool]:
    if by.role is Role.admin:
        return sa.true()
    return sa.and_(user_visibility(scope_of(by)), User.id != by.id)


def user_query(by: User, role: Role | None, active: bool | None, text: str | None) -> sa.Select:
    return services.user_query(role, active, text).where(visible_to(by))


def get_user(by: User, user_id: int) -> User:
    user = db.session.scalar(sa.select(User).where(User.id == user_id, visible_to(by)))
    if user is None:
        raise NotFound("用户不存在 (user not found)")
    return user


def check_assignment(by: User, spec: UserSpec, current: User | None = None) -> None:
    """Refuse (422) a role and scope `by` may not give; the same rules as user_visibility.
    Unknown grids and places count as outside: strangers' ids teach nothing."""
    if by.role is Role.admin:
        return
    scope = scope_of(by)
    errors: dict[str, list[str]] = {}
    if spec.role is Role.admin:
        errors["role"] = [ROLE_REFUSED]
    elif not scope.everything:
        streets = set(db.session.scalars(_streets(scope)))
        if spec.role is Role.inspector:
            rows = db.session.execute(
                sa.select(Grid.id, Grid.street_id).where(Grid.id.in_(spec.grid_ids))
            )
            found = {grid_id: street_id for grid_id, street_id in rows}
            if not spec.grid_ids:
                errors["grid_ids"] = [NEED_GRID]
            elif any(found.get(grid_id) not in streets for grid_id in spec.grid_ids):
                errors["grid_ids"] = [OUTSIDE]
        elif spec.role is Role.supervisor and scope.district_ids:
            if spec.district_id is not None:
                errors["district_id"] = [OUTSIDE]
            elif spec.street_id not in streets:
                errors["street_id"] = [OUTSIDE]
        elif spec.role is Role.firm and scope.district_ids:
            seated = _seated_units(scope).where(Organisation.id == spec.organisation_id)
            if spec.organisation_id is None or db.session.scalar(seated) is None:
                errors["organisation_id"] = [OUTSIDE]
        else:
            errors["role"] = [ROLE_REFUSED]
    if "organisation_id" not in errors and _foreign_unit(scope, spec, current):
        errors["organisation_id"] = [OUTSIDE]
    if errors:
        raise ValidationFailed(NOT_YOURS, errors)


def _foreign_unit(scope: Scope, spec: UserSpec, current: User | None) -> bool:
    """A unit newly given that the caller may not manage (an account keeps the one it has)."""
    if spec.organisation_id is None or scope.everything:
        return False
    if current is not None and current.organisation_id == spec.organisation_id:
        return False
    org = db.session.get(Organisation, spec.organisation_id)
    if org is None:
        return True
    seat = {"kind": org.kind, "district_id": org.district_id, "street_id": org.street_id}
    return not may_manage(scope, seat)


def create_user(by: User, spec: UserSpec) -> User:
    check_assignment(by, spec)
    return services.create_user(spec)


def update_user(by: User, user: User, changes: dict[str, Any]) -> User:
    check_assignment(by, services.spec_after(user, changes), user)
    return services.update_user(user, changes, by=by)
