"""`flask assessments import|results`."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from backend.cli_files import load_all
from backend.clock import today
from backend.database import db
from backend.kaoping import results, services
from backend.kaoping.definition import AssessmentInvalid, load
from backend.places.scope import Scope

assessments_cli = AppGroup("assessments", help="考评: assessment forms and the composite.")


@assessments_cli.command("import")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
def import_command(files: tuple[Path, ...]) -> None:
    """Import assessment forms: all or nothing; changed content becomes the active version."""
    for path, definition in load_all(files, load, AssessmentInvalid):
        version = services.import_definition(definition, path.name)
        click.echo(f"{definition['kind']}: version {version.number} active")
    db.session.commit()


@assessments_cli.command("results")
@click.option("--period", "day", type=click.DateTime(["%Y-%m-%d"]), help="a day of the quarter")
def results_command(day: object) -> None:
    """The 考评 of every estate and firm for the quarter holding DAY (default: today)."""
    found = results.kaoping(None, Scope.all(), day.date() if day else today())  # type: ignore[attr-defined]
    click.echo(f"formula {found['formula']['id']}")
    for row in found["estates"]:
        score = "—" if row["composite"] is None else f"{row['composite']:.1f}"
        click.echo(f"{row['code']}\t{row['name']}\t{score}\t{row['grade'] or '—'}")
    for firm in found["firms"]:
        click.echo(f"{firm['name']}\t{firm['mean']}\t{firm['credit_grade'] or '—'}")
