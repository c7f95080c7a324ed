"""`@auth_required(...)`: who is asking (401) and whether their role may (403).

Sets g.user, g.token and g.scope for the view.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import g, request

from backend.accounts.models import AuthToken, Role, User
from backend.accounts.services import authenticate, scope_of
from backend.errors import Forbidden, Unauthorized
from backend.places.scope import Scope

F = TypeVar("F", bound=Callable[..., Any])


def bearer_token() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized()
    return token.strip()


# What `@auth_required()` without roles admits. Committee members and community staff (考评
# assessors) are left out: they reach only the views that name their role, so no view written
# before them shows them anything by accident.
STAFF_ROLES = (Role.inspector, Role.firm, Role.supervisor, Role.admin)

PASSWORD_CHANGE_FIRST = "请先修改密码 (change your password first: an administrator reset it)"


def auth_required(*roles: Role, while_password_reset: bool = False) -> Callable[[F], F]:
    """Require a valid token, and one of `roles` if given. Put it right under @blp.route so it
    runs before argument parsing: strangers learn nothing about valid input.

    A user whose password an administrator reset is refused (403 `password_change_required`)
    everywhere but the views marked `while_password_reset` (who am I, change it, sign out).
    Without `roles`: STAFF_ROLES, and every role on the `while_password_reset` views."""
    if not roles and not while_password_reset:
        roles = STAFF_ROLES

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            user, token = authenticate(bearer_token())
            if user.must_change_password and not while_password_reset:
                raise Forbidden(PASSWORD_CHANGE_FIRST, code="password_change_required")
            if roles and user.role not in roles:
                allowed = ", ".join(role.value for role in roles)
                raise Forbidden(
                    "无权执行此操作 (your role may not do this)", {"allowed_roles": allowed}
                )
            g.user, g.token, g.scope = user, token, scope_of(user)
            return view(*args, **kwargs)

        apidoc = dict(getattr(wrapper, "_apidoc", {}))
        manual = dict(apidoc.get("manual_doc", {}))
        manual["security"] = [{"bearerAuth": []}]
        # Document the answers this decorator itself gives (flask-smorest names the responses).
        may_refuse = bool(roles) or not while_password_reset
        refusals = {"401": "UNAUTHORIZED", **({"403": "FORBIDDEN"} if may_refuse else {})}
        manual["responses"] = {**manual.get("responses", {}), **refusals}
        apidoc["manual_doc"] = manual
        wrapper._apidoc = apidoc  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorator


def current_user() -> User:
    return g.user


def current_token() -> AuthToken:
    return g.token


def current_scope() -> Scope:
    return g.scope
