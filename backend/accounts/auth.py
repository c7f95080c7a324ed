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


def auth_required(*roles: Role) -> Callable[[F], F]:
    """Require a valid token, and one of `roles` if given. Put it right under @blp.route so it
    runs before argument parsing: strangers learn nothing about valid input."""

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            user, token = authenticate(bearer_token())
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
        refusals = {"401": "UNAUTHORIZED", **({"403": "FORBIDDEN"} if roles else {})}
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
