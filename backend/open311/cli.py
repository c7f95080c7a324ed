"""`flask open311 create-key NAME`, `list-keys` and `revoke-key NAME`: channel API keys."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from backend.database import db
from backend.errors import AppError
from backend.open311 import keys

open311_cli = AppGroup("open311", help="Open311 channels (hotline API keys).")


@open311_cli.command("create-key")
@click.argument("name")
def create_key_command(name: str) -> None:
    """Issue a key for a channel (e.g. 12345热线); it is printed once, only its hash is kept."""
    try:
        row, key = keys.create_key(name)
    except AppError as error:
        raise click.ClickException(error.message) from None
    db.session.commit()
    click.echo(f"API key for {row.name} (shown once, store it now):")
    click.echo(key)


@open311_cli.command("list-keys")
def list_keys_command() -> None:
    """Channels and whether their key is active (keys themselves are not stored)."""
    for row in keys.all_keys():
        state = "active" if row.active else f"revoked {row.revoked_at:%Y-%m-%d}"
        click.echo(f"{row.name}\t{state}\tcreated {row.created_at:%Y-%m-%d}")


@open311_cli.command("revoke-key")
@click.argument("name")
def revoke_key_command(name: str) -> None:
    """Revoke a channel's key: its posts are refused (403) from now on."""
    try:
        row = keys.revoke_key(name)
    except AppError as error:
        raise click.ClickException(error.message) from None
    db.session.commit()
    click.echo(f"key of {row.name} revoked")
