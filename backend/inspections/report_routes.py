"""GET /api/inspections/<uuid>/report: the printable report, with the read rules of
GET /api/inspections/<uuid> (out of scope → 404)."""

from __future__ import annotations

from flask import Response, render_template
from flask_smorest import Blueprint

from backend.accounts.auth import auth_required, current_scope, current_user
from backend.inspections import report, services

blp = Blueprint(
    "inspection_reports",
    __name__,
    url_prefix="/api/inspections",
    description="Printable inspection reports",
    template_folder="templates",
)


@blp.route("/<uuid:inspection_id>/report")
@auth_required()
@blp.response(
    200,
    description="print-ready HTML (A4), photos embedded",
    content_type="text/html",
)
def inspection_report(inspection_id: str) -> Response:
    """A self-contained, print-ready HTML report (巡查报告) for the paper file: area scores,
    every item's result, failures with notes and photos, evidence flags and the tickets made."""
    inspection = services.get_inspection(inspection_id, current_user(), current_scope())
    html = render_template("inspections/report.html", r=report.build(inspection))
    response = Response(html, mimetype="text/html")
    response.headers["Cache-Control"] = "private, no-store"
    return response
