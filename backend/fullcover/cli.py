"""`flask fullcover milestones|add-milestone|remove-milestone|plan-targets|report`: the
物业管理全覆盖 milestones (districts by code, Beijing calendar dates) and the city's figures."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from backend.clock import today
from backend.database import db
from backend.fullcover import milestones, services
from backend.places.admin_cli import in_transaction
from backend.places.models import District
from backend.places.scope import Scope
from backend.reports.rates import percent_text

fullcover_cli = AppGroup("fullcover", help="物业管理全覆盖: milestones and figures.")
DAY = click.DateTime(formats=["%Y-%m-%d"])


def _district(code: str) -> int:
    found = db.session.scalar(sa.select(District.id).where(District.code == code))
    if found is None:
        raise click.BadParameter(f"no district {code!r}")
    return found


@fullcover_cli.command("milestones")
def list_command() -> None:
    """Every milestone: id, district, date, target."""
    for m in services.milestones():
        click.echo(f"{m.id:5}  {m.district.code} {m.district.name}  {m.target_date}  "
                   f"≥{m.target_percent}%  {m.label}")  # fmt: skip


@fullcover_cli.command("add-milestone")
@click.argument("district")
@click.argument("target_date", type=DAY)
@click.argument("percent", type=click.IntRange(1, 100))
@click.option("--label", default="", help="what the target is called (shown on the public page)")
def add_command(district: str, target_date, percent: int, label: str) -> None:
    """DISTRICT (code) shall have PERCENT of its formerly unmanaged old estates managed by
    TARGET_DATE (YYYY-MM-DD)."""
    where = _district(district)
    made = in_transaction(lambda: milestones.add(where, target_date.date(), percent, label))
    click.echo(f"milestone {made.id}: {district} ≥{percent}% by {made.target_date}")


@fullcover_cli.command("remove-milestone")
@click.argument("milestone_id", type=int)
def remove_command(milestone_id: int) -> None:
    in_transaction(lambda: milestones.remove(milestone_id))
    click.echo(f"milestone {milestone_id} removed")


@fullcover_cli.command("plan-targets")
@click.argument("districts", nargs=-1, required=True)
def plan_targets_command(districts: tuple[str, ...]) -> None:
    """The plan's targets (60% by 2019-12-31, all by 2020-12-31) for DISTRICTS (codes: the
    city's 中心城区); those already there are kept."""
    ids = [_district(code) for code in districts]
    added = in_transaction(lambda: milestones.seed_plan_targets(ids))
    click.echo(f"{added} milestone(s) added")


@fullcover_cli.command("report")
@click.option("--on", type=DAY, help="the day read (default: today)")
def report_command(on) -> None:
    """The city's share per district on a day, and each milestone met or missed."""
    day = on.date() if on else today()
    figures = services.progress("district", day, day, "old", Scope.all())
    for row in [*figures["rows"], {**figures["total"], "code": "", "name": "全市 city"}]:
        marks = ", ".join(f"{m['target_date']} ≥{m['target_percent']}% {m['status']}"
                          for m in row["milestones"])  # fmt: skip
        click.echo(f"{row['code']:8} {row['name']:10} {row['covered']}/{row['formerly_unmanaged']} "
                   f"{percent_text(row['share'])}  {marks}")  # fmt: skip
