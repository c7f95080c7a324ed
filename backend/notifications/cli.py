"""`flask notify once` (cron) and `flask notify run` (a long-running notifier; several may run
at once on PostgreSQL)."""

from __future__ import annotations

import signal
import time
from types import FrameType

import click
from flask import current_app
from flask.cli import AppGroup

from backend.database import db, writing_command
from backend.notifications import (
    assessment_notices,
    digests,
    notifier,
    reminders,
    task_notices,
)

notify_cli = AppGroup("notify", help="Notifications: follow the outbox, send what is due.")


def _report(tally: notifier.Tally, made: int) -> str:
    channels = ", ".join(f"{k} {v}" for k, v in sorted(tally.by_channel.items())) or "none"
    return (
        f"{tally.events} event(s) read, {made} reminder/digest/task/考评 delivery(ies) due, "
        f"{tally.queued} delivery(ies) queued, {tally.sent} sent ({channels}), "
        f"{tally.retried} to retry, {tally.dead} dead, {tally.deferred} held for quiet hours"
    )


def _round() -> tuple[notifier.Tally, int]:
    with writing_command():
        made = (
            reminders.queue_due()
            + digests.queue_digests()
            + task_notices.queue_task_notices()
            + assessment_notices.queue_assessment_notices()
        )
        db.session.commit()
        return notifier.run_once(), made


@notify_cli.command("once")
def once_command() -> None:
    """Queue and send everything due now, then stop (for cron)."""
    tally, made = _round()
    click.echo(_report(tally, made))


@notify_cli.command("run")
@click.option("--rounds", type=int, default=0, help="Stop after this many rounds (0: never).")
def run_command(rounds: int) -> None:
    """Keep following the outbox; stops cleanly on SIGTERM / Ctrl-C after the current batch."""
    stopping = False

    def stop(_signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    poll = current_app.config["NOTIFY_POLL_SECONDS"]
    done = 0
    try:
        while not stopping:
            tally, made = _round()
            if tally.events or tally.sent or tally.dead or tally.deferred or made:
                click.echo(_report(tally, made))
            done += 1
            if rounds and done >= rounds:
                break
            for _ in range(int(poll * 10)):
                if stopping:
                    break
                time.sleep(0.1)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@notify_cli.command("vapid-keys")
def vapid_keys_command() -> None:
    """Print a new VAPID key pair for Web Push, as lines for the environment file. Changing the
    keys later makes every browser subscribe again."""
    from base64 import urlsafe_b64encode

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    private = key.private_numbers().private_value.to_bytes(32, "big")
    public = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    for name, raw in (("VAPID_PUBLIC_KEY", public), ("VAPID_PRIVATE_KEY", private)):
        click.echo(f"{name}={urlsafe_b64encode(raw).rstrip(b'=').decode()}")


@notify_cli.command("bind-wechat")
@click.argument("username")
@click.argument("openid", required=False)
def bind_wechat_command(username: str, openid: str | None) -> None:
    """Bind USERNAME to their OPENID at the city's WeChat Official Account (no OPENID: unbind)."""
    import sqlalchemy as sa

    from backend.accounts.models import User

    user = db.session.scalar(sa.select(User).where(User.username == username))
    if user is None:
        raise click.ClickException(f"no user {username}")
    if openid is not None and not (1 <= len(openid) <= 64 and openid.isprintable()):
        raise click.ClickException("an openid is 1–64 printable characters")
    user.wechat_openid = openid
    db.session.commit()
    click.echo(f"{username}: {'bound to ' + openid if openid else 'unbound'}")
