"""`flask surveys import|results|buildings`."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from backend.cli_files import load_all
from backend.clock import today
from backend.database import db
from backend.places.scope import Scope
from backend.surveys import buildings, results, services
from backend.surveys.definition import SurveyInvalid, load

surveys_cli = AppGroup("surveys", help="Owner surveys (业主满意度评价).")


@surveys_cli.command("import")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
def import_command(files: tuple[Path, ...]) -> None:
    """Import survey files: all or nothing; changed content becomes the active version."""
    for path, definition in load_all(files, load, SurveyInvalid):
        version = services.import_definition(definition, path.name)
        click.echo(f"{definition['code']}: version {version.number} active")
    db.session.commit()


@surveys_cli.command("results")
@click.option("--period", "day", type=click.DateTime(["%Y-%m-%d"]), help="a day of the period")
def results_command(day: object) -> None:
    """Answers and scores per estate for the period holding DAY (default: today)."""
    version = services.require_active()
    first, _ = services.period_of(
        day.date() if day else today(),  # type: ignore[attr-defined]
        version.definition["period"],
    )
    for row in results.estate_results(version, first, Scope.all()):
        score = "—" if row["score"] is None else f"{row['score']:.1f}"
        click.echo(f"{row['estate_code']}\t{row['estate_name']}\t{row['answers']}\t{score}")


@surveys_cli.command("buildings")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def buildings_command(file: Path) -> None:
    """Import estates' buildings from CSV (estate_code, building, units, floors,
    rooms_per_floor): each estate named gets exactly its listed buildings. All or nothing."""
    try:
        counts = buildings.import_csv(file)
    except ValueError as problems:
        click.echo(str(problems), err=True)
        raise click.ClickException("nothing imported") from None
    for code, count in counts.items():
        click.echo(f"{code}: {count} building(s)")
    db.session.commit()
