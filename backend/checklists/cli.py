"""`flask checklists validate|import|list`."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from backend.checklists import services
from backend.checklists.definition import ChecklistInvalid, load_definition, validate_file
from backend.database import db

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
    definitions = []
    problems = []
    for path in files:
        try:
            definitions.append((path, load_definition(path)))
        except ChecklistInvalid as invalid:
            problems.extend(invalid.problems)
    if problems:
        for problem in problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(f"nothing imported: {len(problems)} problem(s)")
    for path, definition in definitions:
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
