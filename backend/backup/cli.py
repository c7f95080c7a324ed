"""`flask backup create DIR` and `flask backup restore DIR` (run from cron / by an operator)."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from backend.backup import services

backup_cli = AppGroup("backup", help="Back up and restore the database and the photo store.")
FOLDER = click.argument("folder", type=click.Path(file_okay=False, path_type=Path))


@backup_cli.command("create")
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--under",
    type=click.Path(file_okay=False, path_type=Path),
    help="make a new folder for this run inside this one (cron: one folder per run)",
)
def create_command(folder: Path | None, under: Path | None) -> None:
    """Back up the database and every photo into FOLDER (new or empty), or into a new
    folder named by the time inside --under. Folders 0700, files 0600."""
    if (folder is None) == (under is None):
        raise click.UsageError("give either FOLDER or --under DIR")
    try:
        if under is not None:
            folder = services.new_folder(under)
        assert folder is not None
        manifest = services.create(folder)
    except services.BackupFailed as error:
        raise click.ClickException(str(error)) from None
    rows = sum(manifest.counts.values())
    click.echo(
        f"backup of {manifest.backend} (revision {manifest.revision}) in {folder}: "
        f"{rows} rows in {len(manifest.counts)} tables, {len(manifest.photos)} photos"
    )


@backup_cli.command("restore")
@FOLDER
def restore_command(folder: Path) -> None:
    """Restore FOLDER into the configured empty database and photo store, then verify it."""
    if not folder.is_dir():
        raise click.ClickException(f"{folder} is not a folder")
    try:
        manifest = services.restore(folder)
    except (services.BackupFailed, FileNotFoundError) as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"restored {sum(manifest.counts.values())} rows and {len(manifest.photos)} photos "
        f"from {folder}; every table and photo matches the manifest"
    )
