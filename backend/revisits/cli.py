"""`flask revisits link CODE`: the resident's 回访 link of a closed ticket, for a clerk to read
out or send by SMS (made now for a ticket closed before links existed)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from backend.database import db
from backend.revisits import services
from backend.tickets.codes import parse_ticket_ref
from backend.tickets.models import Ticket

revisits_cli = AppGroup("revisits", help="回访: residents' follow-up on closed tickets.")


@revisits_cli.command("link")
@click.argument("code")
def link_command(code: str) -> None:
    """Print the 回访 link of the ticket CODE (ZG20261128-000091, or its number)."""
    ref = parse_ticket_ref(code)
    ticket = db.session.get(Ticket, ref.id) if ref is not None and not ref.impossible else None
    if ticket is None or not ref.matches(ticket.id, ticket.dispatched_at):
        raise click.ClickException(f"no ticket {code}")
    link = services.ensure_link(ticket)
    if link is None:
        raise click.ClickException(f"{ticket.code} is not a resident's ticket (no 回访)")
    db.session.commit()
    current = services.visit(ticket)
    click.echo(f"{ticket.code}\t{link.token}\t/public/r/{link.token}\t{current.status.value}")
