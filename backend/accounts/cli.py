"""`flask users create` and `flask users list`."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from backend.accounts.models import Role
from backend.accounts.services import UserSpec, create_user, user_query
from backend.database import db
from backend.errors import AppError
from backend.places.models import District, Grid, Organisation, Street

users_cli = AppGroup("users", help="User accounts.")


def _resolve(model, column, value: str | None, what: str) -> int | None:
    if value is None:
        return None
    found = db.session.scalar(sa.select(model.id).where(column == value))
    if found is None:
        raise click.BadParameter(f"no {what} {value!r}")
    return found


@users_cli.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--name", "display_name", default="")
@click.option("--org", "organisation", help="organisation name (firm users)")
@click.option("--district", help="district code (district supervisors)")
@click.option("--street", help="street code (street supervisors)")
@click.option("--grid", "grids", multiple=True, help="grid code (inspectors; repeatable)")
def create_command(
    username: str,
    role: str,
    password: str,
    display_name: str,
    organisation: str | None,
    district: str | None,
    street: str | None,
    grids: tuple[str, ...],
) -> None:
    """Create a user with a role and scope."""
    grid_ids = [_resolve(Grid, Grid.code, code, "grid") for code in grids]
    spec = UserSpec(
        username=username,
        password=password,
        role=Role(role),
        display_name=display_name,
        organisation_id=_resolve(Organisation, Organisation.name, organisation, "organisation"),
        district_id=_resolve(District, District.code, district, "district"),
        street_id=_resolve(Street, Street.code, street, "street"),
        grid_ids=[grid_id for grid_id in grid_ids if grid_id is not None],
    )
    try:
        user = create_user(spec)
    except AppError as error:
        db.session.rollback()
        details = "; ".join(f"{k}: {v}" for k, v in dict(error.errors).items())
        raise click.ClickException(f"{error.message} {details}".strip()) from None
    db.session.commit()
    click.echo(f"created {user.role.value} {user.username} (id {user.id})")


@users_cli.command("list")
def list_command() -> None:
    for user in db.session.scalars(user_query()):
        click.echo(f"{user.id:5} {user.username:20} {user.role.value:11} {user.display_name}")
