"""`flask checklists validate|import|list|activate|retire`."""

from __future__ import annotations

from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from backend.checklists import services
from backend.checklists.definition import ChecklistInvalid, load_definition, validate_file
from backend.checklists.models import Checklist, ChecklistVersion
from backend.cli_files import load_all
from backend.database import db
from backend.errors import AppError

checklists_cli = AppGroup("checklists", help="Checklist definitions.")
FILES = click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)


@checklists_cli.command("validate")
@FILES
def validate_command(files: tuple[Path, ...]) -> None:
    """Check files and list every problem; exit 1 if any."""
    problems = [problem for path in files for problem in validate_file(path)]
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) in {len(files)} file(s)")
    click.echo(f"{len(files)} file(s) valid")


@checklists_cli.command("import")
@FILES
@click.option("--activate", is_flag=True, help="make the imported version active")
def import_command(files: tuple[Path, ...], activate: bool) -> None:
    """Import files as checklist versions: all or nothing, unchanged content adds nothing.

    A new version is a draft unless --activate is given or its checklist has no active version.
    """
    for path, definition in load_all(files, load_definition, ChecklistInvalid, named=False):
        result = services.import_definition(definition, path.name, activate=activate)
        version = result.version
        state = "new version" if result.created else "unchanged"
        click.echo(
            f"{definition.code}: {state} {version.number} ({version.item_count} items, "
            f"{version.status.value})"
        )
    db.session.commit()


@checklists_cli.command("list")
def list_command() -> None:
    for checklist in services.checklists():
        for version in checklist.versions:
            click.echo(
                f"{checklist.code:24} v{version.number:<3} {version.status.value:8} "
                f"{version.item_count:3} items  {version.content_hash[:12]}  {version.source or ''}"
            )


def _version(code: str, number: int):
    version = db.session.scalar(
        sa.select(ChecklistVersion)
        .join(Checklist)
        .where(Checklist.code == code, ChecklistVersion.number == number)
    )
    if version is None:
        raise click.BadParameter(f"no version {number} of checklist {code!r}")
    return version


@checklists_cli.command("activate")
@click.argument("code")
@click.argument("number", type=int)
def activate_command(code: str, number: int) -> None:
    """Make version NUMBER of checklist CODE the one phones use (the active one retires)."""
    version = services.activate_version(_version(code, number))
    db.session.commit()
    click.echo(f"{code}: version {version.number} active")


@checklists_cli.command("retire")
@click.argument("code")
@click.argument("number", type=int)
def retire_command(code: str, number: int) -> None:
    """Stop offering version NUMBER of checklist CODE (inspections done with it keep it)."""
    try:
        services.retire_version(_version(code, number))
    except AppError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
    db.session.commit()
    click.echo(f"{code}: version {number} retired")
