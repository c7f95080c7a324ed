"""`flask places import FILE --level ... [--crs ...]`."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from backend.database import db
from backend.places.importer import LEVELS, ImportFailed, import_places

places_cli = AppGroup("places", help="Districts, streets, estates and grids.")


@places_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--level", type=click.Choice(LEVELS), required=True)
@click.option(
    "--crs",
    default=None,
    help="wgs84 or gcj02; required unless the file declares its CRS (DataV files are gcj02)",
)
def import_command(file: Path, level: str, crs: str | None) -> None:
    """Import a GeoJSON FeatureCollection (or array of Features); all or nothing."""
    try:
        report = import_places(file, level, crs)  # type: ignore[arg-type]
    except ImportFailed as failed:
        db.session.rollback()
        for problem in failed.problems:
            click.echo(f"error: {problem}", err=True)
        raise click.ClickException(f"nothing imported from {file}: {failed}") from None
    db.session.commit()
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"{file}: {report.created} created, {report.updated} updated ({level})")
