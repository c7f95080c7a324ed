"""`flask reports refresh`: rebuild the map aggregates (a repair: triggers keep them; from cron
to keep the overdue correction small) and the materialised firm scorecards (from cron, e.g.
hourly)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from backend.clock import utcnow
from backend.database import db
from backend.maps import cells as map_cells
from backend.maps import tile_cache
from backend.scorecards import cache as scorecard_cache

reports_cli = AppGroup("reports", help="Map aggregates and report tables.")


@reports_cli.command("refresh")
def refresh_command() -> None:
    """Rebuild map_cells from the tickets (moving the overdue watermark to now), drop cached
    tiles older than a week, and rebuild the materialised firm scorecards of the standard
    periods."""
    rows = map_cells.refresh()
    pruned = tile_cache.prune(utcnow())
    db.session.commit()
    click.echo(f"map_cells: {rows} row(s); tiles not rebuilt for a week dropped: {pruned}")
    stored = scorecard_cache.refresh()
    db.session.commit()
    click.echo(f"scorecard_cache: {stored} period × scope row(s)")
