"""/api/exports: the ticket inbox, the scorecards and the coverage report as CSV (UTF-8 with
BOM) or XLSX files, with exactly the filters, period arguments and scope of the JSON endpoints."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import chain, islice
from typing import Any

from flask import Response, send_file, stream_with_context
from flask_smorest import Blueprint
from marshmallow import fields, validate

from backend.accounts.auth import auth_required, current_scope, current_user
from backend.accounts.models import Role
from backend.clock import SHANGHAI, today, utcnow
from backend.errors import NotFound, ValidationFailed
from backend.exports import fullcover as fullcover_tables
from backend.exports import services
from backend.exports.inspectors import inspector_table
from backend.exports.writers import csv_chunks, xlsx_file
from backend.fullcover import services as fullcover
from backend.fullcover.routes import READERS as FULLCOVER_READERS
from backend.fullcover.schemas import ProgressArgs, UnmanagedArgs
from backend.plans import coverage
from backend.plans.coverage_routes import CoverageArgs
from backend.reports.arguments import PeriodArgs, period
from backend.scorecards import inspectors
from backend.scorecards.routes import InspectorScorecardArgs
from backend.tickets.schemas import TicketListArgs
from backend.tickets.services import TicketFilter

blp = Blueprint("exports", __name__, url_prefix="/api/exports", description="CSV / XLSX exports")
FORMAT = fields.String(load_default="csv", validate=validate.OneOf(["csv", "xlsx"]))
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILE_RESPONSE = {
    "description": "a CSV (UTF-8 with BOM) or XLSX attachment",
    "content": {"text/csv": {"schema": {"type": "string"}}, XLSX: {"schema": {"type": "string"}}},
}


class TicketExportArgs(TicketListArgs):
    format = FORMAT


class ScorecardExportArgs(PeriodArgs):
    format = FORMAT


class CoverageExportArgs(CoverageArgs):
    format = FORMAT


class InspectorExportArgs(InspectorScorecardArgs):
    format = FORMAT


class FullcoverExportArgs(ProgressArgs):
    format = FORMAT


class UnmanagedExportArgs(UnmanagedArgs):
    format = FORMAT


def _file(
    fmt: str, name: str, header: Sequence[str], rows: Iterable[Sequence[Any]], sheet: str
) -> Response:
    filename = f"{name}.{fmt}"
    if fmt == "xlsx":
        return send_file(
            xlsx_file(header, rows, sheet),
            mimetype=XLSX,
            as_attachment=True,
            download_name=filename,
            max_age=0,
        )
    # Streamed: the request has been authorised and its filters read before the first byte.
    # The first row is read now, so a filter the database refuses (e.g. a NUL character on
    # PostgreSQL) is an error answer, not a 200 whose stream breaks off.
    rows = iter(rows)
    rows = chain(list(islice(rows, 1)), rows)
    response = Response(
        stream_with_context(csv_chunks(header, rows)), content_type="text/csv; charset=utf-8"
    )
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _stamp() -> str:
    return utcnow().astimezone(SHANGHAI).strftime("%Y%m%d-%H%M")


@blp.route("/tickets")
@auth_required()
@blp.arguments(TicketExportArgs, location="query")
@blp.response(200, description="tickets as a spreadsheet")
@blp.doc(responses={"200": FILE_RESPONSE})
def export_tickets(args: dict[str, Any]):
    """The tickets GET /api/tickets would list with the same filters and sort, all pages."""
    fmt, sort = args.pop("format"), args.pop("sort")
    f = TicketFilter(states=tuple(args.pop("state", ())), **args)
    user, scope = current_user(), current_scope()
    if fmt == "xlsx" and services.ticket_count(user, scope, f) > services.XLSX_MAX_ROWS:
        raise ValidationFailed(
            f"XLSX 最多 {services.XLSX_MAX_ROWS} 行,请缩小筛选范围或导出 CSV "
            f"(at most {services.XLSX_MAX_ROWS} rows in XLSX: narrow the filters or use CSV)",
            {"format": ["too many rows for xlsx"]},
        )
    rows = services.ticket_rows(user, scope, f, sort)
    return _file(fmt, f"tickets-{_stamp()}", services.TICKET_HEADER, rows, "整改工单")


@blp.route("/scorecards/inspectors")
@auth_required(Role.inspector, Role.supervisor, Role.admin)
@blp.arguments(InspectorExportArgs, location="query")
@blp.response(200, description="the inspector scorecard as a spreadsheet")
@blp.doc(responses={"200": FILE_RESPONSE})
def export_inspector_scorecards(args: dict[str, Any]):
    """The rows of /api/reports/scorecards/inspectors for the same group, period and caller."""
    fmt, group = args.pop("format"), args.pop("group")
    only_user = inspectors.check_access(current_user(), group)
    span = period(args)
    rows = inspectors.inspector_scorecard(group, span, current_scope(), only_user)
    header, table = inspector_table(group, rows)
    kind = "inspectors" if group == "inspector" else "inspectors-grid"
    name = f"scorecards-{kind}-{span.first_day:%Y%m%d}-{span.last_day:%Y%m%d}"
    return _file(fmt, name, header, table, "巡查员考评")


@blp.route("/scorecards/<level>")
@auth_required()
@blp.arguments(ScorecardExportArgs, location="query")
@blp.response(200, description="a scorecard as a spreadsheet")
@blp.doc(responses={"200": FILE_RESPONSE})
def export_scorecards(args: dict[str, Any], level: str):
    """level: firms, estates, streets or districts; the figures of
    /api/reports/scorecards/<level> for the same period."""
    if level not in services.LEVELS:
        raise NotFound("没有这种考评 (no such scorecard: firms, estates, streets, districts)")
    fmt = args.pop("format")
    span = period(args)
    header, rows = services.scorecard_table(level, span, current_scope())
    name = f"scorecards-{level}-{span.first_day:%Y%m%d}-{span.last_day:%Y%m%d}"
    return _file(fmt, name, header, rows, services.SHEETS[level])


@blp.route("/coverage")
@auth_required(Role.inspector, Role.supervisor, Role.admin)
@blp.arguments(CoverageExportArgs, location="query")
@blp.response(200, description="the coverage report as a spreadsheet")
@blp.doc(responses={"200": FILE_RESPONSE})
def export_coverage(args: dict[str, Any]):
    """The rows of /api/reports/coverage for the same group, period and caller."""
    fmt, group = args.pop("format"), args.pop("group")
    only_user = coverage.check_access(current_user(), group)
    span = period(args)
    rows = coverage.coverage_report(group, span, current_scope(), only_user)
    header, table = services.coverage_table(group, rows)
    name = f"coverage-{group}-{span.first_day:%Y%m%d}-{span.last_day:%Y%m%d}"
    return _file(fmt, name, header, table, "巡查覆盖率")


@blp.route("/fullcover")
@auth_required(*FULLCOVER_READERS)
@blp.arguments(FullcoverExportArgs, location="query")
@blp.response(200, description="物业管理全覆盖 per district or street as a spreadsheet")
@blp.doc(responses={"200": FILE_RESPONSE})
def export_fullcover(args: dict[str, Any]):
    """The rows of /api/reports/fullcover for the same arguments and caller."""
    fmt, on = args.pop("format"), args.get("on") or today()
    report = fullcover.progress(
        args["group"], on, args.get("start"), args["estates"], current_scope()
    )
    header, table = fullcover_tables.progress_table(report)
    return _file(fmt, f"fullcover-{args['group']}-{on:%Y%m%d}", header, table, "物业管理覆盖")


@blp.route("/fullcover/unmanaged")
@auth_required(*FULLCOVER_READERS)
@blp.arguments(UnmanagedExportArgs, location="query")
@blp.response(200, description="estates still unmanaged as a spreadsheet")
@blp.doc(responses={"200": FILE_RESPONSE})
def export_unmanaged(args: dict[str, Any]):
    """The rows of /api/reports/fullcover/unmanaged for the same arguments and caller."""
    fmt, on = args.pop("format"), args.get("on") or today()
    rows = fullcover.still_unmanaged(
        on, args["estates"], current_scope(), args.get("street_id"), args.get("district_id")
    )
    header, table = fullcover_tables.unmanaged_table(rows)
    return _file(fmt, f"unmanaged-{on:%Y%m%d}", header, table, "无物业小区")
