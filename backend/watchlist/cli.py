"""`flask watchlist list|rankings PERIOD`: the city's 集中整治 list and the 考核 ranking for a
period (2026Q4 or 2026-11), as an operator or a report writer reads them."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from backend.places.scope import Scope
from backend.watchlist import ranking, rules, services
from backend.watchlist.periods import parse

watchlist_cli = AppGroup("watchlist", help="集中整治 watch list and 考核 ranking.")


def _period(key: str):
    named = parse(key)
    if named is None:
        raise click.BadParameter(f"{key!r}: a quarter (2026Q4) or a month (2026-11)")
    return named


@watchlist_cli.command("list")
@click.argument("period")
def list_command(period: str) -> None:
    """The city's watch list for PERIOD: rank, points, estate, reasons, classification."""
    named = _period(period)
    listing = services.watchlist(named, Scope.all())
    click.echo(f"{named.label} {rules.WATCHLIST_RULE}: {len(listing['estates'])} estate(s)")
    for e in listing["estates"]:
        rank = e["rank"] if e["rank"] is not None else "-"
        kind = e["classification"]["category_name"] if e["classification"] else "未分类"
        click.echo(f"{rank!s:>3} {e['points']:4}  {e['code']} {e['name']}  "
                   f"{'、'.join(e['reasons'])}  [{kind}; {len(e['notes'])} note(s)]")  # fmt: skip


@watchlist_cli.command("rankings")
@click.argument("period")
@click.option("--level", type=click.Choice(ranking.LEVELS), default="district")
def rankings_command(period: str, level: str) -> None:
    """The 考核 ranking of PERIOD: districts in the city, or streets within each district."""
    named = _period(period)
    click.echo(f"{named.label} {rules.RANKING_FORMULA} ({level})")
    for row in ranking.ranking(named.period, level):
        parts = " ".join(f"{k}={'—' if v is None else v}" for k, v in row["parts"].items())
        where = f"{row['district']} " if level == "street" else ""
        click.echo(
            f"{row['rank'] or '-':>3} {row['composite'] or '—':>5}  {where}{row['name']}  {parts}"
        )
