"""`flask orgs create|edit|deactivate|activate|list` and `flask grids create|list`.

Places are named by their codes (districts, streets, estates, grids) and organisations by name
or id, so scripts need no database ids.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from backend.database import db
from backend.errors import AppError
from backend.geo.coordinates import SUPPORTED_CRS, to_wgs84
from backend.geo.geometry import GeometryError, parse_bbox, parse_geojson_geometry, polygonal
from backend.places import admin
from backend.places.models import (
    UTILITY_KINDS,
    Community,
    District,
    Estate,
    Grid,
    Organisation,
    OrgKind,
    Street,
)
from backend.places.scope import Scope

orgs_cli = AppGroup("orgs", help="Organisations: firms, offices, committees, utilities.")
grids_cli = AppGroup("grids", help="Grid cells (网格) that inspectors are assigned to.")


def id_of(model: Any, column: Any, value: str | None, what: str) -> int | None:
    if value is None:
        return None
    found = db.session.scalar(sa.select(model.id).where(column == value))
    if found is None:
        raise click.BadParameter(f"no {what} {value!r}")
    return found


def in_transaction(work: Callable[[], Any]) -> Any:
    """One transaction: committed when the rules agree, and their refusal printed otherwise."""
    try:
        result = work()
    except AppError as error:
        db.session.rollback()
        details = "; ".join(f"{k}: {v}" for k, v in dict(error.errors).items())
        raise click.ClickException(f"{error.message} {details}".strip()) from None
    db.session.commit()
    return result


def organisation_named(name_or_id: str) -> Organisation:
    query = sa.select(Organisation).where(Organisation.name == name_or_id)
    found = db.session.scalar(query)
    if found is None and name_or_id.isdigit():
        found = db.session.get(Organisation, int(name_or_id))
    if found is None:
        raise click.BadParameter(f"no organisation {name_or_id!r}")
    return found


def _seat_options(command: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(
        [
            click.option("--district-code", help="district (authorities, utilities)"),
            click.option("--street-code", help="street (street offices)"),
            click.option("--community-id", type=int, help="community (community committees)"),
            click.option("--estate-code", help="estate (owners' committees)"),
            click.option("--utility-kind", type=click.Choice(UTILITY_KINDS)),
            click.option("--credit-code", help="统一社会信用代码"),
            click.option("--phone"),
        ]
    ):
        command = option(command)
    return command


def _fields(options: dict[str, Any]) -> dict[str, Any]:
    """Command-line options → the service's fields (only those given)."""
    values: dict[str, Any] = {}
    seats = (
        ("district_code", "district_id", District, District.code),
        ("street_code", "street_id", Street, Street.code),
        ("estate_code", "estate_id", Estate, Estate.code),
    )
    for option, name, model, column in seats:
        if options.get(option) is not None:
            values[name] = id_of(model, column, options[option], option.removesuffix("_code"))
    if options.get("community_id") is not None:
        values["community_id"] = id_of(
            Community, Community.id, options["community_id"], "community"
        )
    for name in ("name", "kind", "utility_kind", "credit_code", "phone"):
        if options.get(name) is not None:
            values[name] = OrgKind(options[name]) if name == "kind" else options[name]
    for name in ("state_owned", "charitable"):
        if options.get(name) is not None:
            values[name] = options[name]
    return values


@orgs_cli.command("create")
@click.option("--kind", type=click.Choice([k.value for k in OrgKind]), required=True)
@click.option("--name", required=True)
@click.option("--state-owned/--not-state-owned", default=False)
@click.option("--charitable/--not-charitable", default=False)
@_seat_options
def create_command(**options: Any) -> None:
    """Register an organisation (e.g. --kind street_office --name … --street-code …)."""
    organisation = in_transaction(lambda: admin.create_organisation(_fields(options), Scope.all()))
    click.echo(f"created {organisation.kind.value} {organisation.name} (id {organisation.id})")


@orgs_cli.command("edit")
@click.argument("organisation")
@click.option("--name", help="the new name")
@click.option("--kind", type=click.Choice([k.value for k in OrgKind]))
@click.option("--state-owned/--not-state-owned", default=None)
@click.option("--charitable/--not-charitable", default=None)
@_seat_options
def edit_command(organisation: str, **options: Any) -> None:
    """Change an organisation (named by name or id); only the options given change."""
    found = organisation_named(organisation)
    changes = _fields(options)
    if not changes:
        raise click.UsageError("nothing to change: give at least one option")
    in_transaction(lambda: admin.update_organisation(found, changes, Scope.all()))
    click.echo(f"updated {found.kind.value} {found.name} (id {found.id})")


@orgs_cli.command("deactivate")
@click.argument("organisation")
def deactivate_command(organisation: str) -> None:
    """Deactivate (refused while it holds contracts, custody, open tickets or active users)."""
    found = organisation_named(organisation)
    in_transaction(lambda: admin.update_organisation(found, {"is_active": False}, Scope.all()))
    click.echo(f"deactivated {found.name} (id {found.id})")


@orgs_cli.command("activate")
@click.argument("organisation")
def activate_command(organisation: str) -> None:
    found = organisation_named(organisation)
    in_transaction(lambda: admin.update_organisation(found, {"is_active": True}, Scope.all()))
    click.echo(f"activated {found.name} (id {found.id})")


@orgs_cli.command("list")
@click.option("--kind", type=click.Choice([k.value for k in OrgKind]))
@click.option("--all", "show_all", is_flag=True, help="deactivated ones too")
def list_command(kind: str | None, show_all: bool) -> None:
    query = admin.organisation_query(OrgKind(kind) if kind else None, None if show_all else True)
    for org in db.session.scalars(query):
        state = "" if org.is_active else "  (deactivated)"
        click.echo(f"{org.id:5} {org.kind.value:20} {org.name}{state}")


def _boundary(geojson: Path | None, bbox: str | None, crs: str) -> Any:
    if (geojson is None) == (bbox is None):
        raise click.UsageError("give the boundary: --geojson FILE or --bbox W,S,E,N")
    try:
        if bbox is not None:
            shape = parse_bbox(bbox)
        else:
            data = json.loads(geojson.read_text(encoding="utf-8"))  # type: ignore[union-attr]
            if data.get("type") == "Feature":
                data = data.get("geometry")
            shape, _ = polygonal(parse_geojson_geometry(data), repair=False)
    except (GeometryError, ValueError, AttributeError) as error:
        raise click.BadParameter(f"not a usable boundary: {error}") from None
    return to_wgs84(shape, crs)


@grids_cli.command("create")
@click.option("--code", required=True)
@click.option("--name", required=True)
@click.option("--street-code", required=True)
@click.option("--geojson", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="a GeoJSON Polygon/MultiPolygon (or a Feature holding one)")  # fmt: skip
@click.option("--bbox", help="a rectangle: minLng,minLat,maxLng,maxLat")
@click.option("--crs", type=click.Choice(SUPPORTED_CRS), required=True,
              help="coordinate system of the boundary (Chinese web maps are gcj02)")  # fmt: skip
def grid_create_command(
    code: str, name: str, street_code: str, geojson: Path | None, bbox: str | None, crs: str
) -> None:
    """Register one grid of a street. Many at once: `flask places import FILE --level grid`."""
    street_id = id_of(Street, Street.code, street_code, "street")
    boundary = _boundary(geojson, bbox, crs)
    grid = in_transaction(lambda: admin.create_grid(code, name, street_id, boundary))  # type: ignore[arg-type]
    inside = sa.select(sa.func.count(Estate.id)).where(Estate.grid_id == grid.id)
    estates = db.session.scalar(inside)
    click.echo(f"created grid {grid.code} {grid.name} (id {grid.id}), {estates} estates in it")


@grids_cli.command("list")
@click.option("--street-code")
def grid_list_command(street_code: str | None) -> None:
    query = sa.select(Grid).order_by(Grid.code)
    if street_code is not None:
        query = query.where(Grid.street_id == id_of(Street, Street.code, street_code, "street"))
    for grid in db.session.scalars(query):
        click.echo(f"{grid.id:5} {grid.code:24} {grid.name}")
