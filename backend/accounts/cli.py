"""`flask users create|edit|deactivate|activate|set-password|list`.

Passwords are asked for (hidden, twice), never taken as an argument: a command line ends up in
the shell history and in `ps`. Scripts pipe it in with --password-stdin or set
WUHAO_USER_PASSWORD.
"""

from __future__ import annotations

import os
import sys

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from backend.accounts.models import Role
from backend.accounts.services import (
    UserSpec,
    create_user,
    find_user,
    set_password,
    update_user,
    user_query,
)
from backend.database import db
from backend.errors import AppError
from backend.places.models import Community, District, Estate, Grid, Organisation, Street

users_cli = AppGroup("users", help="User accounts.")
PASSWORD_ENV = "WUHAO_USER_PASSWORD"


def _resolve(model, column, value: str | None, what: str) -> int | None:
    if value is None:
        return None
    found = db.session.scalar(sa.select(model.id).where(column == value))
    if found is None:
        raise click.BadParameter(f"no {what} {value!r}")
    return found


def _community(ref: str | None) -> int | None:
    """A community as STREET_CODE/NAME (communities have no code of their own)."""
    if ref is None:
        return None
    street, _, name = ref.partition("/")
    found = db.session.scalar(
        sa.select(Community.id)
        .join(Street, Street.id == Community.street_id)
        .where(Street.code == street, Community.name == name)
    )
    if found is None:
        raise click.BadParameter(f"no community {ref!r} (STREET_CODE/NAME)")
    return found


def _password(from_stdin: bool) -> str:
    """The new password: from stdin (first line), the environment, or asked for twice."""
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise click.UsageError("--password-stdin: nothing on standard input")
        return password
    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV]
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


def _fail(error: AppError) -> click.ClickException:
    db.session.rollback()
    details = "; ".join(f"{k}: {v}" for k, v in dict(error.errors).items())
    return click.ClickException(f"{error.message} {details}".strip())


password_stdin = click.option(
    "--password-stdin",
    is_flag=True,
    help=f"read the password from standard input (or set {PASSWORD_ENV}); else it is asked for",
)


@users_cli.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@password_stdin
@click.option("--name", "display_name", default="")
@click.option("--org", "organisation", help="organisation name (firm users)")
@click.option("--district", help="district code (district supervisors)")
@click.option("--street", help="street code (street supervisors)")
@click.option("--grid", "grids", multiple=True, help="grid code (inspectors; repeatable)")
@click.option("--estate", help="estate code (业主委员会 members: role committee)")
@click.option("--community", help="STREET_CODE/NAME (社区居委会 staff: role community)")
@click.option("--must-change-password", is_flag=True, help="ask for a new one at first sign-in")
def create_command(
    username: str,
    role: str,
    password_stdin: bool,
    display_name: str,
    organisation: str | None,
    district: str | None,
    street: str | None,
    grids: tuple[str, ...],
    estate: str | None,
    community: str | None,
    must_change_password: bool,
) -> None:
    """Create a user with a role and scope."""
    grid_ids = [_resolve(Grid, Grid.code, code, "grid") for code in grids]
    spec = UserSpec(
        username=username,
        password="",
        role=Role(role),
        display_name=display_name,
        organisation_id=_resolve(Organisation, Organisation.name, organisation, "organisation"),
        district_id=_resolve(District, District.code, district, "district"),
        street_id=_resolve(Street, Street.code, street, "street"),
        grid_ids=[grid_id for grid_id in grid_ids if grid_id is not None],
        estate_id=_resolve(Estate, Estate.code, estate, "estate"),
        community_id=_community(community),
        must_change_password=must_change_password,
    )
    spec.password = _password(password_stdin)
    try:
        user = create_user(spec)
    except AppError as error:
        raise _fail(error) from None
    db.session.commit()
    click.echo(f"created {user.role.value} {user.username} (id {user.id})")


@users_cli.command("set-password")
@click.argument("username")
@password_stdin
@click.option(
    "--temporary/--final",
    default=True,
    help="temporary (default): the user must pick a new one at next sign-in",
)
def set_password_command(username: str, password_stdin: bool, temporary: bool) -> None:
    """Reset a user's password; signs them out everywhere."""
    user = find_user(username)
    if user is None:
        raise click.BadParameter(f"no user {username!r}")
    try:
        set_password(user, _password(password_stdin), must_change=temporary)
    except AppError as error:
        raise _fail(error) from None
    db.session.commit()
    then = "must change it at next sign-in" if temporary else "may keep it"
    click.echo(f"password of {user.username} set; they {then}")


@users_cli.command("list")
def list_command() -> None:
    for user in db.session.scalars(user_query()):
        flags = " (must change password)" if user.must_change_password else ""
        state = "" if user.is_active else " (disabled)"
        click.echo(
            f"{user.id:5} {user.username:20} {user.role.value:11} {user.display_name}{state}{flags}"
        )


def _user(username: str):
    user = find_user(username)
    if user is None:
        raise click.BadParameter(f"no user {username!r}")
    return user


def _apply(username: str, changes: dict) -> None:
    user = _user(username)
    try:
        update_user(user, changes)
    except AppError as error:
        raise _fail(error) from None
    db.session.commit()


@users_cli.command("edit")
@click.argument("username")
@click.option("--name", "display_name")
@click.option("--role", type=click.Choice([r.value for r in Role]))
@click.option("--org", "organisation", help="organisation name (firm users)")
@click.option("--district", help="district code (district supervisors)")
@click.option("--street", help="street code (street supervisors)")
@click.option("--grid", "grids", multiple=True, help="grid code (inspectors; repeatable)")
def edit_command(
    username: str,
    display_name: str | None,
    role: str | None,
    organisation: str | None,
    district: str | None,
    street: str | None,
    grids: tuple[str, ...],
) -> None:
    """Change a user's name, role or scope (given grids replace the current ones)."""
    changes: dict = {}
    if display_name is not None:
        changes["display_name"] = display_name
    if role is not None:
        changes["role"] = Role(role)
    if organisation is not None:
        changes["organisation_id"] = _resolve(
            Organisation, Organisation.name, organisation, "organisation"
        )
    if district is not None:
        changes["district_id"] = _resolve(District, District.code, district, "district")
    if street is not None:
        changes["street_id"] = _resolve(Street, Street.code, street, "street")
    if grids:
        changes["grid_ids"] = [_resolve(Grid, Grid.code, code, "grid") for code in grids]
    _apply(username, changes)
    click.echo(f"updated {username}")


@users_cli.command("deactivate")
@click.argument("username")
def deactivate_command(username: str) -> None:
    """Stop a user from signing in (signed out everywhere; their records keep their name)."""
    _apply(username, {"is_active": False})
    click.echo(f"deactivated {username}")


@users_cli.command("activate")
@click.argument("username")
def activate_command(username: str) -> None:
    """Let a deactivated user sign in again."""
    _apply(username, {"is_active": True})
    click.echo(f"activated {username}")
