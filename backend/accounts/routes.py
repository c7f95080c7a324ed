"""/api/auth, /api/me and /api/users (administrators; supervisors within their jurisdiction)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from backend.accounts import managed, services
from backend.accounts.auth import auth_required, current_token, current_user
from backend.accounts.models import Role, User
from backend.accounts.schemas import (
    LoginSchema,
    MeSchema,
    PasswordChangeSchema,
    TokenSchema,
    UserCreateSchema,
    UserListArgs,
    UserSchema,
    UserUpdateSchema,
)
from backend.pagination import paginate

auth_blp = Blueprint("auth", __name__, url_prefix="/api", description="Sign in and out")
MANAGERS = (Role.admin, Role.supervisor)
users_blp = Blueprint(
    "users", __name__, url_prefix="/api/users", description="Users (admin, supervisors)"
)


@auth_blp.route("/auth/login", methods=["POST"])
@auth_blp.arguments(LoginSchema)
@auth_blp.response(200, TokenSchema)
def login(credentials: dict[str, str]) -> dict[str, Any]:
    """Exchange username and password for a bearer token."""
    issued = services.login(credentials["username"], credentials["password"])
    return {
        "token": issued.token,
        "token_type": "Bearer",
        "expires_at": issued.expires_at,
        "user": issued.user,
    }


@auth_blp.route("/auth/logout", methods=["POST"])
@auth_required(while_password_reset=True)
@auth_blp.response(204)
def logout() -> None:
    """Revoke the token used for this request."""
    services.revoke(current_token())


@auth_blp.route("/auth/password", methods=["POST"])
@auth_required(while_password_reset=True)
@auth_blp.arguments(PasswordChangeSchema)
@auth_blp.response(200, MeSchema)
@auth_blp.alt_response(429, response="TOO_MANY_REQUESTS")
def change_password(data: dict[str, str]) -> User:
    """Change your own password.

    The new one has 8–256 characters and differs from the current one. A wrong current password
    is a 422 `wrong_password` and counts as a failed sign-in (429 after repeated failures). Your
    other sessions are signed out; this one stays."""
    return services.change_own_password(
        current_user(), current_token(), data["current_password"], data["new_password"]
    )


@auth_blp.route("/me")
@auth_required(while_password_reset=True)
@auth_blp.response(200, MeSchema)
def me() -> User:
    """The signed-in user, role and scope.

    While `must_change_password` is true (an administrator reset the password), every call but
    this one, POST /api/auth/password and POST /api/auth/logout answers 403
    `password_change_required`."""
    return current_user()


@users_blp.route("")
class Users(MethodView):
    @auth_required(*MANAGERS)
    @users_blp.arguments(UserListArgs, location="query")
    @users_blp.response(200, UserSchema(many=True))
    @users_blp.paginate()
    def get(self, args: dict[str, Any], pagination_parameters):
        """Users by username, optionally of one role, active or not, or matching `q`.

        Administrators see everyone; a supervisor the accounts they manage: a city-level one
        all but administrators, a district supervisor inspectors whose grids all lie in the
        district, its street supervisors and firm users of units seated there, a street
        supervisor inspectors whose grids all lie in the street."""
        query = managed.user_query(
            current_user(), args.get("role"), args.get("active"), args.get("q")
        )
        return paginate(query, pagination_parameters)

    @auth_required(*MANAGERS)
    @users_blp.arguments(UserCreateSchema)
    @users_blp.response(201, UserSchema)
    def post(self, data: dict[str, Any]) -> User:
        """Create an account. A supervisor may only give a role and scope they manage (422
        naming the field otherwise, e.g. `grid_ids` for a grid outside their jurisdiction)."""
        return managed.create_user(current_user(), services.UserSpec(**data))


@users_blp.route("/<int:user_id>")
class UserById(MethodView):
    @auth_required(*MANAGERS)
    @users_blp.response(200, UserSchema)
    def get(self, user_id: int) -> User:
        """One account; those the caller does not manage are a 404."""
        return managed.get_user(current_user(), user_id)

    @auth_required(*MANAGERS)
    @users_blp.arguments(UserUpdateSchema)
    @users_blp.response(200, UserSchema)
    def patch(self, changes: dict[str, Any], user_id: int) -> User:
        """Edit a user's name, role and assignments, reset the password or (de)activate.

        A password set here is a reset: the user picks their own at next sign-in, and every
        session of theirs ends, as does deactivation. Administrators cannot deactivate
        themselves or change their own role (409 `own_account`); supervisors do not edit their
        own account here (404) and may not move one outside their jurisdiction (422)."""
        user = managed.get_user(current_user(), user_id)
        return managed.update_user(current_user(), user, changes)


blueprints = (auth_blp, users_blp)
