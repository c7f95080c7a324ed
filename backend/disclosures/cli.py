"""`flask disclosures publish`: publish a period from cron (by default last month, citywide)."""

from __future__ import annotations

from datetime import date, datetime

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from backend.database import db
from backend.disclosures import services
from backend.disclosures.sections import SECTIONS
from backend.errors import AppError
from backend.places.models import District, Street
from backend.reports import periods

disclosures_cli = AppGroup("disclosures", help="公示: published rankings.")


def _last_month() -> tuple[date, date]:
    month = periods.last_month()
    return month.first_day, month.last_day


def _jurisdiction(district: str | None, street: str | None) -> services.Jurisdiction:
    if district and street:
        raise click.UsageError("give --district or --street, not both")
    if street:
        found = db.session.scalar(sa.select(Street).where(Street.code == street))
        if found is None:
            raise click.BadParameter(f"no street {street!r}", param_hint="--street")
        return services.of_street(found)
    if district:
        found = db.session.scalar(sa.select(District).where(District.code == district))
        if found is None:
            raise click.BadParameter(f"no district {district!r}", param_hint="--district")
        return services.of_district(found)
    return services.city()


@disclosures_cli.command("publish")
@click.option("--start", type=click.DateTime(["%Y-%m-%d"]), help="first day (default: last month)")
@click.option("--end", type=click.DateTime(["%Y-%m-%d"]), help="last day, inclusive")
@click.option("--district", help="district code (default: the whole city)")
@click.option("--street", help="street code")
@click.option("--title", help="title (default: made from the jurisdiction and the period)")
@click.option(
    "--section",
    "sections",
    multiple=True,
    type=click.Choice(SECTIONS),
    help="add an optional section (repeatable): coverage = 巡查覆盖率 per grid and street",
)
def publish_command(
    start: datetime | None,
    end: datetime | None,
    district: str | None,
    street: str | None,
    title: str | None,
    sections: tuple[str, ...],
) -> None:
    """Freeze and publish a period's rankings; a repeat publishes a new, superseding version."""
    if (start is None) != (end is None):
        raise click.UsageError("give both --start and --end, or neither")
    first, last = (start.date(), end.date()) if start and end else _last_month()
    where = _jurisdiction(district, street)
    try:
        disclosure = services.publish(first, last, where, None, title, sections)
    except AppError as error:
        raise click.ClickException(error.message) from None
    db.session.commit()
    click.echo(
        f"published #{disclosure.id} {disclosure.title} (version {disclosure.version}): "
        f"{len(disclosure.snapshot['firms'])} units, {len(disclosure.snapshot['estates'])} estates"
        + "".join(f", section {name}" for name in disclosure.snapshot.get("sections", []))
    )
