"""`flask demo seed`: the Dalian demo world and accounts (idempotent)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from backend.database import db

demo_cli = AppGroup("demo", help="Demo data.")


@demo_cli.command("seed")
@click.option("--history/--no-history", default=True, help="six weeks of inspections and tickets")
def seed_command(history: bool) -> None:
    """Seed demo data for Dalian once and print the demo accounts."""
    # Imported here, not at start: production's `flask` commands never seed.
    from backend.demo.history import seed_history
    from backend.demo.seed import DEMO_PASSWORD, seed_demo

    report = seed_demo()
    db.session.commit()
    click.echo("demo data seeded" if report.created else "demo data already present")
    if report.created and history:
        made = seed_history()
        db.session.commit()
        click.echo(f"demo history: {made} inspections over six weeks, with their tickets")
    click.echo(f"demo accounts (password {DEMO_PASSWORD}):")
    for username, role, name in report.accounts:
        click.echo(f"  {username:12} {role:11} {name}")
