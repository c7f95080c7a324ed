"""`flask places create|edit|deactivate|activate|list|move-estate|preview` and
`flask grids deactivate|activate`: the admin console's place commands, for scripts.

Places are named by code (districts, streets, grids, estates); a community by its street's code
and its name (`210202001/长春路社区`). Commands act with the city's jurisdiction.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import sqlalchemy as sa

from backend.database import db
from backend.places import admin_places
from backend.places.admin_cli import _id_of, _run, grids_cli
from backend.places.cli import places_cli
from backend.places.importer import LEVELS, ImportFailed, plan_import, read_file, resolve_crs
from backend.places.models import Community, District, Estate, Grid, Street
from backend.places.scope import Scope

CITY = Scope.all()
TREE = ("district", "street", "community")


def _place(level: str, ref: str) -> Any:
    if level == "community":
        street_code, _, name = ref.partition("/")
        street_id = _id_of(Street, Street.code, street_code, "street")
        found = db.session.scalar(
            sa.select(Community).where(Community.street_id == street_id, Community.name == name)
        )
    else:
        model = {"district": District, "street": Street, "grid": Grid}[level]
        found = db.session.scalar(sa.select(model).where(model.code == ref))
    if found is None:
        raise click.BadParameter(f"no {level} {ref!r}")
    return found


def _update(level: str, place: Any, changes: dict[str, Any]) -> Any:
    if level == "grid":
        return admin_places.set_grid_active(CITY, place, changes["is_active"])
    update = {
        "district": admin_places.update_district,
        "street": admin_places.update_street,
        "community": admin_places.update_community,
    }[level]
    return update(CITY, place, changes)


@places_cli.command("create")
@click.argument("level", type=click.Choice(TREE))
@click.option("--name", required=True)
@click.option("--code", help="districts and streets (an administrative code)")
@click.option("--parent", help="the district's code (a street) or the street's (a community)")
def create_command(level: str, name: str, code: str | None, parent: str | None) -> None:
    """Register a district, a street of a district or a community of a street."""
    if level != "community" and not code:
        raise click.UsageError(f"a {level} needs --code")
    if level != "district" and not parent:
        raise click.UsageError(f"a {level} needs --parent")
    if level == "district":
        made = _run(lambda: admin_places.create_district(CITY, code, name))
    elif level == "street":
        district = _id_of(District, District.code, parent, "district")
        made = _run(lambda: admin_places.create_street(CITY, code, name, district))  # type: ignore[arg-type]
    else:
        street = _id_of(Street, Street.code, parent, "street")
        made = _run(lambda: admin_places.create_community(CITY, street, name))  # type: ignore[arg-type]
    click.echo(f"created {level} {getattr(made, 'code', '') or ''} {made.name} (id {made.id})")


@places_cli.command("edit")
@click.argument("level", type=click.Choice(TREE))
@click.argument("ref")
@click.option("--name")
@click.option("--code")
def edit_command(level: str, ref: str, name: str | None, code: str | None) -> None:
    """Rename or recode a place (REF: its code; a community: STREET_CODE/NAME)."""
    changes = {k: v for k, v in (("name", name), ("code", code)) if v is not None}
    place = _place(level, ref)
    _run(lambda: _update(level, place, changes))
    click.echo(f"{level} {ref}: saved")


def _activation(active: bool):
    @click.argument("level", type=click.Choice((*TREE, "grid")))
    @click.argument("ref")
    def command(level: str, ref: str) -> None:
        place = _place(level, ref)
        _run(lambda: _update(level, place, {"is_active": active}))
        click.echo(f"{level} {ref}: {'active' if active else 'deactivated'}")

    return command


places_cli.command(
    "deactivate", help="Deactivate a place: refused while something current hangs on it."
)(_activation(False))
places_cli.command("activate", help="Activate a deactivated place again.")(_activation(True))


def _grid_activation(active: bool):
    @click.argument("code")
    def command(code: str) -> None:
        grid = _place("grid", code)
        _run(lambda: admin_places.set_grid_active(CITY, grid, active))
        click.echo(f"grid {code}: {'active' if active else 'deactivated'}")

    return command


grids_cli.command(
    "deactivate", help="Deactivate a grid: refused while inspectors or open tickets are on it."
)(_grid_activation(False))
grids_cli.command("activate", help="Activate a grid again.")(_grid_activation(True))


@places_cli.command("list")
@click.argument("level", type=click.Choice(TREE))
@click.option("--all", "show_all", is_flag=True, help="deactivated ones too")
def list_command(level: str, show_all: bool) -> None:
    model = {"district": District, "street": Street, "community": Community}[level]
    query = sa.select(model).order_by(model.id)
    if not show_all:
        query = query.where(model.is_active.is_(True))
    for place in db.session.scalars(query):
        state = "" if place.is_active else "  (deactivated)"
        click.echo(f"{place.id:5} {getattr(place, 'code', '') or '':14} {place.name}{state}")


@places_cli.command("move-estate")
@click.argument("estate_code")
@click.argument("street_code")
def move_estate_command(estate_code: str, street_code: str) -> None:
    """Move an estate to another street. Its open tickets keep the unit they were routed to."""
    estate = db.session.scalar(sa.select(Estate).where(Estate.code == estate_code))
    if estate is None:
        raise click.BadParameter(f"no estate {estate_code!r}")
    street = _id_of(Street, Street.code, street_code, "street")
    held = _run(lambda: admin_places.update_estate(CITY, estate, {"street_id": street}))
    click.echo(f"estate {estate_code} moved to {street_code}; the old street office still holds "
               f"{held} open tickets (reroute them if needed)")  # fmt: skip


@places_cli.command("preview")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--level", type=click.Choice(LEVELS), required=True)
@click.option("--crs", default=None, help="wgs84, gcj02 or bd09 (unless the file declares it)")
def preview_command(file: Path, level: str, crs: str | None) -> None:
    """Say what `flask places import` would do with FILE; writes nothing."""
    try:
        features, declared = read_file(file)
        plans = plan_import(features, level, resolve_crs(crs, declared, str(file)))  # type: ignore[arg-type]
    except ImportFailed as failed:
        raise click.ClickException("; ".join(failed.problems)) from None
    for plan in plans:
        click.echo(f"{plan.action:8} {plan.label}")
        for note in plan.repairs:
            click.echo(f"         repaired: {note}")
        for reason in plan.reasons:
            click.echo(f"         refused: {reason}")
    db.session.rollback()
