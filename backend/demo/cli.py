"""`flask demo seed`: the Dalian demo world and accounts (idempotent)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from backend.database import db
from backend.demo.seed import DEMO_PASSWORD, seed_demo

demo_cli = AppGroup("demo", help="Demo data.")


@demo_cli.command("seed")
def seed_command() -> None:
    """Seed demo data for Dalian once and print the demo accounts."""
    report = seed_demo()
    db.session.commit()
    click.echo("demo data seeded" if report.created else "demo data already present")
    click.echo(f"demo accounts (password {DEMO_PASSWORD}):")
    for username, role, name in report.accounts:
        click.echo(f"  {username:12} {role:11} {name}")
