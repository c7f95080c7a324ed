"""`flask tickets escalate` (run from cron, e.g. every minute)."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy.orm.exc import StaleDataError

from backend.database import db
from backend.tickets.escalation import escalate

tickets_cli = AppGroup("tickets", help="Rectification tickets.")


@tickets_cli.command("escalate")
def escalate_command() -> None:
    """Raise overdue tickets to the street office, then the district. Idempotent."""
    try:
        raised = escalate()
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        click.echo("another escalation run changed the same tickets; nothing done this time")
        return
    click.echo(f"{raised} escalation(s) recorded")
