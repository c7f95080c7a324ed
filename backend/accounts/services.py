"""Accounts: passwords (argon2), bearer tokens, login throttling, and user → Scope."""

from __future__ import annotations

import functools
import hashlib
import logging
import math
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from backend import signals
from backend.accounts.models import AuthToken, LoginThrottle, Role, User
from backend.clock import utcnow
from backend.database import db, keep_changes_on_error
from backend.errors import (
    Conflict,
    NotFound,
    TooManyRequests,
    Unauthorized,
    ValidationFailed,
)
from backend.places.models import Community, District, Estate, Grid, Organisation, OrgKind, Street
from backend.places.scope import Scope
from backend.places.services import text_search
from backend.text import require_allowed

log = logging.getLogger(__name__)
_hasher = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """Verified against when the username is unknown, so both paths cost the same time. Made on
    first use, not at import: every `flask` command would pay for it (cron runs many)."""
    return _hasher.hash("not-a-real-password")


MIN_PASSWORD_LENGTH = 8


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(
            "密码至少 8 位 (password must have at least 8 characters)",
            {"password": [f"at least {MIN_PASSWORD_LENGTH} characters"]},
        )
    return _hasher.hash(password)


def _password_matches(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- login ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_at: datetime
    user: User


def _throttle_for(username: str) -> LoginThrottle:
    throttle = db.session.get(LoginThrottle, username, with_for_update=True)
    if throttle is not None:
        return throttle
    try:
        with db.session.begin_nested():
            db.session.add(LoginThrottle(username=username, failures=0))
    except IntegrityError:
        pass  # two first logins of one username at once: the other made the row; lock that
    found = db.session.get(LoginThrottle, username, with_for_update=True, populate_existing=True)
    assert found is not None
    return found


def _throttle_key(username: str) -> str:
    return username.strip().lower()[:64]


def _check_not_locked(throttle: LoginThrottle, now: datetime) -> None:
    if throttle.locked_until is not None and throttle.locked_until > now:
        wait = math.ceil((throttle.locked_until - now).total_seconds())
        raise TooManyRequests(
            f"登录失败次数过多,请 {wait} 秒后再试 (too many failed logins, retry in {wait} s)",
            headers={"Retry-After": str(wait)},
        )


def login(username: str, password: str, now: datetime | None = None) -> IssuedToken:
    """Check credentials and issue a token. After LOGIN_MAX_FAILURES consecutive failures the
    username is locked for LOGIN_LOCK_SECONDS, doubling with each further failure (max 1 h)."""
    now = now or utcnow()
    key = _throttle_key(username)
    throttle = _throttle_for(key)
    _check_not_locked(throttle, now)
    user = db.session.scalar(sa.select(User).where(sa.func.lower(User.username) == key))
    ok = _password_matches(user.password_hash if user else _dummy_hash(), password)
    if not ok or user is None or not user.is_active:
        _record_failure(throttle, now)
        # For the operator (repeated failures, a brute-force attempt): the name as given, quoted.
        log.warning("sign-in refused for username %s", ascii(username[:64]))
        raise Unauthorized("用户名或密码错误 (wrong username or password)")
    throttle.failures = 0
    throttle.locked_until = None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    user.last_login_at = now
    return issue_token(user, now)


def change_own_password(
    user: User, token: AuthToken, current: str, new: str, now: datetime | None = None
) -> User:
    """The signed-in user picks a new password. A wrong current password counts as a failed
    login (a stolen token must not become a way to guess the password); every other session of
    the user is signed out, this one stays."""
    now = now or utcnow()
    throttle = _throttle_for(_throttle_key(user.username))
    _check_not_locked(throttle, now)
    if not _password_matches(user.password_hash, current):
        _record_failure(throttle, now)
        raise ValidationFailed(
            "当前密码不正确 (the current password is wrong)",
            {"current_password": ["wrong password"]},
            code="wrong_password",
        )
    throttle.failures = 0
    throttle.locked_until = None
    if new == current:
        raise ValidationFailed(
            "新密码不能与当前密码相同 (the new password must differ from the current one)",
            {"new_password": ["same as the current password"]},
        )
    user.password_hash = hash_password(new)
    user.must_change_password = False
    db.session.execute(
        sa.update(AuthToken)
        .where(
            AuthToken.user_id == user.id,
            AuthToken.id != token.id,
            AuthToken.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )
    db.session.flush()
    return user


def _record_failure(throttle: LoginThrottle, now: datetime) -> None:
    config = current_app.config
    throttle.failures += 1
    throttle.last_failure_at = now
    over = throttle.failures - config["LOGIN_MAX_FAILURES"]
    if over >= 0:
        seconds = min(config["LOGIN_LOCK_SECONDS"] * (2**over), 3600)
        throttle.locked_until = now + timedelta(seconds=seconds)
    # The failure must survive the rollback that error responses get.
    keep_changes_on_error()


def issue_token(user: User, now: datetime | None = None) -> IssuedToken:
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    expires = now + timedelta(seconds=current_app.config["TOKEN_TTL_SECONDS"])
    db.session.add(AuthToken(user=user, token_hash=_token_digest(token), expires_at=expires))
    db.session.flush()
    return IssuedToken(token, expires, user)


def authenticate(token: str, now: datetime | None = None) -> tuple[User, AuthToken]:
    now = now or utcnow()
    # The user in the same query: this runs before every request's own work.
    row = db.session.scalar(
        sa.select(AuthToken)
        .options(contains_eager(AuthToken.user))
        .join(AuthToken.user)
        .where(AuthToken.token_hash == _token_digest(token))
    )
    if row is None or row.revoked_at is not None:
        raise Unauthorized("登录凭证无效或已注销 (invalid or revoked token)")
    if row.expires_at <= now:
        raise Unauthorized("登录已过期,请重新登录 (token expired)", code="token_expired")
    if not row.user.is_active:
        raise Unauthorized("账号已停用 (account disabled)")
    return row.user, row


def revoke(token_row: AuthToken, now: datetime | None = None) -> None:
    token_row.revoked_at = now or utcnow()
    db.session.flush()


def revoke_all(user: User, now: datetime | None = None) -> int:
    result = db.session.execute(
        sa.update(AuthToken)
        .where(AuthToken.user_id == user.id, AuthToken.revoked_at.is_(None))
        .values(revoked_at=now or utcnow())
    )
    return result.rowcount or 0


# --- scope ---------------------------------------------------------------------------------


def scope_of(user: User) -> Scope:
    """The one function that turns a user into what they may see."""
    if user.role is Role.admin:
        return Scope.all()
    if user.role is Role.supervisor:
        if user.street_id is not None:
            return Scope(street_ids=frozenset({user.street_id}))
        if user.district_id is not None:
            return Scope(district_ids=frozenset({user.district_id}))
        return Scope.all()  # city housing authority
    if user.role is Role.inspector:
        return Scope(grid_ids=frozenset(grid.id for grid in user.grids))
    if user.role is Role.firm and user.organisation_id is not None:
        return Scope(organisation_ids=frozenset({user.organisation_id}))
    return Scope()


def scope_level(user: User) -> str:
    if user.role is Role.supervisor:
        if user.street_id is not None:
            return "street"
        return "district" if user.district_id is not None else "city"
    levels = {Role.admin: "all", Role.inspector: "grids", Role.firm: "organisation"}
    return (
        levels.get(user.role) or {Role.committee: "estate", Role.community: "community"}[user.role]
    )


# --- user administration -------------------------------------------------------------------


@dataclass
class UserSpec:
    username: str
    password: str
    role: Role
    display_name: str = ""
    organisation_id: int | None = None
    district_id: int | None = None
    street_id: int | None = None
    estate_id: int | None = None
    community_id: int | None = None
    grid_ids: Sequence[int] = ()
    must_change_password: bool = False


# Units that manage estates and answer their tickets through the firm inbox: property firms,
# and the owners' committee of a self-managed estate (业主自治), which is its own manager.
UNIT_KINDS = frozenset({OrgKind.property_firm, OrgKind.owners_committee})


def _check_role_scope(spec: UserSpec, current_org_id: int | None = None) -> list[Grid]:
    """`current_org_id`: the user's organisation now, which may stay even if deactivated."""
    errors: dict[str, list[str]] = {}
    grids: list[Grid] = []
    if spec.district_id is not None and db.session.get(District, spec.district_id) is None:
        errors["district_id"] = ["unknown district"]
    if spec.street_id is not None and db.session.get(Street, spec.street_id) is None:
        errors["street_id"] = ["unknown street"]
    org = db.session.get(Organisation, spec.organisation_id) if spec.organisation_id else None
    if spec.organisation_id is not None and org is None:
        # Any role may name its unit (e.g. a street office), but it must exist.
        errors["organisation_id"] = ["unknown organisation"]
    elif org is not None and not org.is_active and org.id != current_org_id:
        errors["organisation_id"] = ["the organisation is deactivated"]
    elif spec.role is Role.firm and (org is None or org.kind not in UNIT_KINDS):
        errors["organisation_id"] = [
            "a firm user needs a property firm or owners' committee organisation"
        ]
    if spec.role is Role.supervisor and spec.district_id and spec.street_id:
        errors["street_id"] = ["a supervisor has a district or a street, not both"]
    if spec.role is not Role.supervisor and (spec.district_id or spec.street_id):
        errors["role"] = ["only supervisors have a district or street jurisdiction"]
    errors.update(_assessor_scope(spec))
    if spec.grid_ids:
        if spec.role is not Role.inspector:
            errors["grid_ids"] = ["only inspectors are assigned grids"]
        grids = list(db.session.scalars(sa.select(Grid).where(Grid.id.in_(spec.grid_ids))))
        missing = set(spec.grid_ids) - {grid.id for grid in grids}
        if missing:
            errors["grid_ids"] = [f"unknown grids: {sorted(missing)}"]
    if errors:
        raise ValidationFailed("用户角色与范围不一致 (role and scope do not fit)", errors)
    return grids


def _assessor_scope(spec: UserSpec) -> dict[str, list[str]]:
    """考评 assessors: a committee member has one estate, community staff one community; no
    other role has either (the database's ck_users_role_scope says the same)."""
    errors: dict[str, list[str]] = {}
    for role, name, model in (
        (Role.committee, "estate_id", Estate),
        (Role.community, "community_id", Community),
    ):
        value = getattr(spec, name)
        if spec.role is role and value is None:
            errors[name] = [f"a {role.value} user needs one"]
        elif spec.role is not role and value is not None:
            errors[name] = [f"only {role.value} users have one"]
        elif value is not None and db.session.get(model, value) is None:
            errors[name] = [f"unknown {name.removesuffix('_id')}"]
    return errors


def create_user(spec: UserSpec) -> User:
    require_allowed(username=spec.username, display_name=spec.display_name)
    if find_user(spec.username) is not None:
        raise Conflict("用户名已存在 (username taken)", {"username": [f"{spec.username} exists"]})
    grids = _check_role_scope(spec)
    user = User(
        username=spec.username,
        display_name=spec.display_name or spec.username,
        password_hash=hash_password(spec.password),
        role=spec.role,
        organisation_id=spec.organisation_id,
        district_id=spec.district_id,
        street_id=spec.street_id,
        estate_id=spec.estate_id,
        community_id=spec.community_id,
        grids=grids,
        must_change_password=spec.must_change_password,
    )
    db.session.add(user)
    db.session.flush()
    if grids:
        signals.grids_reassigned.send(frozenset(grid.id for grid in grids))
    return user


def find_user(username: str) -> User | None:
    return db.session.scalar(
        sa.select(User).where(sa.func.lower(User.username) == username.strip().lower())
    )


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("用户不存在 (user not found)")
    return user


def update_user(user: User, changes: dict, by: User | None = None) -> User:
    """Apply an administrator's changes. A password set by someone else is a reset: the user
    must pick their own at next sign-in. Administrators cannot deactivate or demote themselves:
    the last one doing so would leave nobody to undo it."""
    if by is not None and by.id == user.id:
        _check_own_account(user, changes)
    spec = spec_after(user, changes)
    grids = _check_role_scope(spec, user.organisation_id)
    before = (user.role, user.is_active, frozenset(grid.id for grid in user.grids))
    user.role = spec.role
    user.organisation_id = spec.organisation_id
    user.district_id = spec.district_id
    user.street_id = spec.street_id
    user.estate_id = spec.estate_id
    user.community_id = spec.community_id
    user.grids = grids
    if "display_name" in changes:
        user.display_name = changes["display_name"]
    if "password" in changes:
        set_password(user, changes["password"], must_change=by is None or by.id != user.id)
    if "is_active" in changes:
        user.is_active = changes["is_active"]
        if not user.is_active:
            revoke_all(user)
    db.session.flush()
    after = (user.role, user.is_active, frozenset(grid.id for grid in grids))
    if after != before:
        # Open inspection tasks follow their grids' inspectors (plans listen).
        signals.grids_reassigned.send(before[2] | after[2])
    return user


def spec_after(user: User, changes: dict) -> UserSpec:
    """The user's role and scope as `changes` would leave them."""
    return UserSpec(
        username=user.username,
        password="",
        role=changes.get("role", user.role),
        organisation_id=changes.get("organisation_id", user.organisation_id),
        district_id=changes.get("district_id", user.district_id),
        street_id=changes.get("street_id", user.street_id),
        estate_id=changes.get("estate_id", user.estate_id),
        community_id=changes.get("community_id", user.community_id),
        grid_ids=changes.get("grid_ids", [grid.id for grid in user.grids]),
    )


def _check_own_account(user: User, changes: dict) -> None:
    errors: dict[str, list[str]] = {}
    if changes.get("is_active") is False:
        errors["is_active"] = ["you cannot deactivate your own account"]
    if "role" in changes and changes["role"] is not user.role:
        errors["role"] = ["you cannot change your own role"]
    if errors:
        raise Conflict(
            "不能停用自己的账号或更改自己的角色 (you cannot deactivate your own account or "
            "change your own role)",
            errors,
            code="own_account",
        )


def set_password(user: User, password: str, *, must_change: bool) -> None:
    """Set a password for someone (admin reset, `flask users set-password`); signs them out."""
    user.password_hash = hash_password(password)
    user.must_change_password = must_change
    revoke_all(user)


def user_query(
    role: Role | None = None, active: bool | None = None, text: str | None = None
) -> sa.Select:
    """Users by username; `text` finds a part of the username or display name."""
    query = sa.select(User).order_by(User.username)
    if role is not None:
        query = query.where(User.role == role)
    if active is not None:
        query = query.where(User.is_active.is_(active))
    if text:
        query = query.where(text_search(text, User.username, User.display_name))
    return query
