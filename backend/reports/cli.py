"""`flask reports refresh`: rebuild the map aggregates (a repair: triggers keep them; from cron
to keep the overdue correction small) and the materialised firm scorecards (from cron, e.g.
hourly)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from backend.database import db
from backend.maps import cells as map_cells
from backend.scorecards import cache as scorecard_cache

reports_cli = AppGroup("reports", help="Map aggregates and report tables.")


@reports_cli.command("refresh")
def refresh_command() -> None:
    """Rebuild map_cells from the tickets (moving the overdue watermark to now) and the
    materialised firm scorecards of the standard periods."""
    rows = map_cells.refresh()
    db.session.commit()
    click.echo(f"map_cells: {rows} row(s)")
    stored = scorecard_cache.refresh()
    db.session.commit()
    click.echo(f"scorecard_cache: {stored} period × scope row(s)")
