"""`flask plans generate` (run from cron, e.g. nightly)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from backend.database import db, writing_command
from backend.plans.generation import generate

plans_cli = AppGroup("plans", help="Inspection plans and their tasks.")


@plans_cli.command("generate")
@click.option(
    "--horizon-days",
    type=click.IntRange(0, 400),
    default=None,
    help="Days ahead to make tasks for (default PLANS_HORIZON_DAYS).",
)
def generate_command(horizon_days: int | None) -> None:
    """Make every plan's tasks for the coming days. Idempotent; safe to run twice at once."""
    days = current_app.config["PLANS_HORIZON_DAYS"] if horizon_days is None else horizon_days
    with writing_command():
        created = generate(days)
        db.session.commit()
    click.echo(f"{created} task(s) created")
