"""/api/disclosures (publish, internal list), /api/public/disclosures (JSON, no token) and the
read-only HTML pages under /public (server-rendered, no scripts: the CSP forbids them)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint as PageBlueprint
from flask import render_template, request
from flask_smorest import Blueprint

from backend.accounts.auth import auth_required, current_user
from backend.accounts.models import Role
from backend.clock import SHANGHAI
from backend.database import db
from backend.disclosures import services
from backend.disclosures.schemas import (
    DisclosureSchema,
    DisclosureSummarySchema,
    InternalDisclosureSchema,
    PublishSchema,
)
from backend.errors import NotFound
from backend.pagination import paginate
from backend.reports.rates import percent_text

blp = Blueprint(
    "disclosures", __name__, url_prefix="/api/disclosures", description="公示: publishing"
)
public_blp = Blueprint(
    "public", __name__, url_prefix="/api/public", description="公示: public reading (no token)"
)
pages = PageBlueprint("public_pages", __name__, url_prefix="/public", template_folder="templates")
PAGE_SIZE = 20


def _cacheable(response):
    # Anyone may read these and a republication changes them: shared caches may keep a minute.
    if response.status_code == 200:
        response.headers.setdefault("Cache-Control", "public, max-age=60")
    return response


public_blp.after_request(_cacheable)
pages.add_app_template_filter(percent_text, "percent")
pages.after_request(_cacheable)


@blp.route("", methods=["POST"])
@auth_required(Role.supervisor, Role.admin)
@blp.arguments(PublishSchema)
@blp.response(201, DisclosureSchema)
def publish(data: dict[str, Any]):
    """Publish a period for your jurisdiction: its figures are frozen from now on. Publishing
    the same period again makes a new version that supersedes the previous one. `sections`
    adds optional parts: `coverage` freezes the inspection coverage per grid and street."""
    user = current_user()
    disclosure = services.publish(
        data["period_start"],
        data["period_end"],
        services.jurisdiction_of(user),
        user,
        data.get("title"),
        data["sections"],
    )
    return services.public_view(disclosure), 201


@blp.route("")
@auth_required(Role.supervisor, Role.admin)
@blp.response(200, InternalDisclosureSchema(many=True))
@blp.paginate(max_page_size=100)
def list_disclosures(pagination_parameters):
    """Publications of your jurisdiction, newest first, superseded versions included."""
    rows = paginate(services.internal_query(current_user()), pagination_parameters)
    return [
        {**services.public_view(d, with_rankings=False), "published_by_id": d.published_by_id}
        for d in rows
    ]


@public_blp.route("/disclosures")
@public_blp.response(200, DisclosureSummarySchema(many=True))
@public_blp.paginate(max_page_size=100)
def public_disclosures(pagination_parameters):
    """Published rankings (公示), newest first; superseded versions are left out (each newer
    version names the one it corrects). No authentication."""
    rows = paginate(services.public_query(), pagination_parameters)
    return [services.public_view(d, with_rankings=False) for d in rows]


@public_blp.route("/disclosures/<int:disclosure_id>")
@public_blp.response(200, DisclosureSchema)
def public_disclosure(disclosure_id: int):
    """One publication with its frozen rankings of firms, estates, streets and districts, and
    the optional sections it was published with (`coverage`)."""
    return services.public_view(services.get_public(disclosure_id))


# --- HTML ------------------------------------------------------------------------------------


@pages.get("/")
def page_list():
    page = max(1, request.args.get("page", 1, type=int) or 1)
    query = services.public_query()
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    rows = db.session.scalars(query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return render_template(
        "disclosures/list.html",
        items=[services.public_view(d, with_rankings=False) for d in rows],
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        beijing=SHANGHAI,
    )


@pages.get("/<int:disclosure_id>")
def page_detail(disclosure_id: int):
    try:
        disclosure = services.get_public(disclosure_id)
    except NotFound:
        return render_template("disclosures/missing.html"), 404
    return render_template(
        "disclosures/detail.html", d=services.public_view(disclosure), beijing=SHANGHAI
    )
