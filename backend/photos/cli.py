"""`flask photos prune-uploads` (run from cron, e.g. hourly): delete expired partial uploads."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from backend.database import db
from backend.photos.uploads import prune_expired

photos_cli = AppGroup("photos", help="Photo evidence.")


@photos_cli.command("prune-uploads")
def prune_uploads_command() -> None:
    """Delete resumable uploads older than PHOTO_UPLOAD_TTL_HOURS, with their bytes."""
    pruned = prune_expired()
    db.session.commit()
    click.echo(f"{pruned} expired upload(s) deleted")
