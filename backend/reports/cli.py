"""`flask reports refresh`: rebuild the map aggregates (after bulk loads; from cron to keep the
overdue correction small)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from backend.database import db
from backend.reports import map_cells

reports_cli = AppGroup("reports", help="Map aggregates and report tables.")


@reports_cli.command("refresh")
def refresh_command() -> None:
    """Rebuild map_cells from the tickets and move the overdue watermark to now."""
    rows = map_cells.refresh()
    db.session.commit()
    click.echo(f"map_cells: {rows} row(s)")
