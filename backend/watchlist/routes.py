"""/api/watchlist (集中整治: the period's list, notes, export) and /api/rankings (考核).

Supervisors see their street, district or city and administrators everything. Firms and
inspectors are refused: a classification such as 服务质量差 is the supervisors' working judgement
before any measure is decided; firms see their own figures in the scorecards.
"""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from backend.accounts.auth import auth_required, current_scope, current_user
from backend.accounts.models import Role
from backend.errors import ValidationFailed
from backend.exports.routes import FILE_RESPONSE, _file, _stamp
from backend.watchlist import exports, ranking, rules, services
from backend.watchlist.periods import Named, current_quarter, parse
from backend.watchlist.schemas import (
    ExportArgs,
    NoteInSchema,
    NoteSchema,
    PeriodArgs,
    RankingArgs,
    RankingSchema,
    WatchlistSchema,
)

blp = Blueprint(
    "watchlist", __name__, url_prefix="/api", description="集中整治 watch list and 考核 ranking"
)
READERS = (Role.supervisor, Role.admin)


def _named(key: str | None) -> Named:
    if key is None:
        return current_quarter()
    named = parse(key)
    if named is None:  # the schema's pattern already refused it; kept for direct callers
        raise ValidationFailed("期间无效 (invalid period)", {"period": ["2026Q4 or 2026-11"]})
    return named


@blp.route("/watchlist")
@auth_required(*READERS)
@blp.arguments(PeriodArgs, location="query")
@blp.response(200, WatchlistSchema)
def watchlist(args: dict[str, Any]):
    """The period's 集中整治 list within your scope: rank, counts, points and the reasons in
    words, each estate's current classification and its dated notes."""
    return services.watchlist(_named(args.get("period")), current_scope())


@blp.route("/watchlist/<int:estate_id>/notes", methods=["POST"])
@auth_required(Role.supervisor)
@blp.arguments(NoteInSchema)
@blp.response(201, NoteSchema)
def add_note(data: dict[str, Any], estate_id: int):
    """Classify a listed estate, or record a measure decided or a follow-up (appended: earlier
    notes are kept). 409 when the estate is not on the period's list."""
    named = _named(data["period"])
    note = services.add_note(
        named,
        estate_id,
        current_scope(),
        current_user(),
        data["kind"],
        data["text"],
        data["category"],
        data["noted_on"],
    )
    return services.note_view(note, {current_user().id: current_user().display_name})


@blp.route("/watchlist/export")
@auth_required(*READERS)
@blp.arguments(ExportArgs, location="query")
@blp.response(200, description="the watch list as a spreadsheet")
@blp.doc(responses={"200": FILE_RESPONSE})
def export(args: dict[str, Any]):
    """The list of GET /api/watchlist with its outcomes, as CSV or XLSX."""
    named = _named(args.get("period"))
    header, rows = exports.table(services.watchlist(named, current_scope()))
    return _file(args["format"], f"watchlist-{named.key}-{_stamp()}", header, rows, "集中整治")


@blp.route("/rankings")
@auth_required(*READERS)
@blp.arguments(RankingArgs, location="query")
@blp.response(200, RankingSchema)
def rankings(args: dict[str, Any]):
    """考核: streets ranked within their district (the districts your jurisdiction touches) or
    districts within the city, by the composite of README *考核*."""
    named, level = _named(args.get("period")), args["level"]
    rows = ranking.visible(ranking.ranking(named.period, level), level, current_scope())
    return {
        "period": named.key,
        "label": named.label,
        "period_start": named.period.first_day,
        "period_end": named.period.last_day,
        "level": level,
        "formula_version": rules.RANKING_FORMULA,
        "weights": rules.PARTS,
        "rows": rows,
    }
