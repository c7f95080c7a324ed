"""`flask contracts create|end|custody|history`: who serves an estate when (market contracts with
property firms, and custody: state takeover, charitable custody, self-management, street custody).
Estates are named by code and organisations by name or id; dates are Beijing calendar dates."""

from __future__ import annotations

from datetime import date

import click
from flask.cli import AppGroup

from backend.clock import today
from backend.database import db
from backend.places import services
from backend.places.admin_cli import in_transaction, organisation_named
from backend.places.history import estate_history
from backend.places.models import CustodyMode, Estate

contracts_cli = AppGroup("contracts", help="Service contracts and custody periods of estates.")
DAY = click.DateTime(formats=["%Y-%m-%d"])


def _estate(code: str) -> Estate:
    estate = db.session.query(Estate).filter_by(code=code).one_or_none()
    if estate is None:
        raise click.BadParameter(f"no estate {code!r}")
    return estate


def _day(value) -> date | None:
    return value.date() if value is not None else None


@contracts_cli.command("create")
@click.argument("estate")
@click.argument("firm")
@click.option("--from", "start", type=DAY, required=True, help="first day (YYYY-MM-DD)")
@click.option("--to", "end", type=DAY, help="last day, inclusive (default: open-ended)")
@click.option("--reference", help="the contract's own number")
def create_command(estate: str, firm: str, start, end, reference: str | None) -> None:
    """A property firm (FIRM: name or id) serves ESTATE (code) under contract."""
    where, party = _estate(estate), organisation_named(firm)
    contract = in_transaction(
        lambda: services.add_contract(where, party, _day(start), _day(end), reference)
    )
    click.echo(f"contract {contract.id}: {contract.firm.name} serves {estate}")


@contracts_cli.command("end")
@click.argument("contract_id", type=int)
@click.argument("last_day", type=DAY)
def end_command(contract_id: int, last_day) -> None:
    """Set contract CONTRACT_ID's last day (it may not reach into the next arrangement)."""
    contract = in_transaction(
        lambda: services.end_contract(services.get_contract(contract_id), _day(last_day))
    )
    click.echo(f"contract {contract.id} ends on {contract.end_date}")


@contracts_cli.command("custody")
@click.argument("estate")
@click.argument("custodian")
@click.option("--mode", type=click.Choice([m.value for m in CustodyMode]), required=True)
@click.option("--from", "start", type=DAY, required=True, help="first day (YYYY-MM-DD)")
@click.option("--to", "end", type=DAY, help="last day, inclusive (default: open-ended)")
def custody_command(estate: str, custodian: str, mode: str, start, end) -> None:
    """CUSTODIAN (name or id) holds ESTATE (code) in custody."""
    where, holder = _estate(estate), organisation_named(custodian)
    arrangement = in_transaction(
        lambda: services.add_custody(where, holder, CustodyMode(mode), _day(start), _day(end))
    )
    click.echo(f"custody {arrangement.id}: {arrangement.custodian.name} holds {estate} ({mode})")


@contracts_cli.command("history")
@click.argument("estate")
def history_command(estate: str) -> None:
    """Who served ESTATE (code) when, newest first."""
    for period in estate_history(_estate(estate), today()):
        last = period.end_date or "…"
        click.echo(
            f"{period.kind:8} {period.id:5} {period.start_date} – {last}  {period.state:7} "
            f"{period.mode.value:18} {period.organisation_name}"
        )
