"""/api/surveys: the active owner survey, an estate's poster link, and the results (totals only)."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_smorest import Blueprint
from marshmallow import fields, validate

from backend.accounts.auth import auth_required, current_scope, current_user
from backend.accounts.models import Role
from backend.clock import today
from backend.schema import Schema
from backend.surveys import buildings, results, services
from backend.surveys.models import SurveyLink
from backend.text import Text

blp = Blueprint(
    "surveys", __name__, url_prefix="/api/surveys", description="Owner evaluation (业主评价)"
)
STAFF = (Role.inspector, Role.firm, Role.supervisor, Role.admin)


class SurveySchema(Schema):
    code = fields.String()
    version = fields.Integer(attribute="number")
    definition = fields.Dict(metadata={"description": "the validated survey file"})


class LinkSchema(Schema):
    estate_id = fields.Integer()
    url = fields.String(metadata={"description": "the residents' page (what the QR code holds)"})
    poster_url = fields.String(metadata={"description": "the printable A4 poster"})
    created_at = fields.DateTime()


class ResultsArgs(Schema):
    day = fields.Date(
        data_key="period",
        metadata={"description": "a day of the period asked (default: today)"},
    )
    estate_id = fields.Integer(validate=validate.Range(min=1))


class ResultSchema(Schema):
    estate_id = fields.Integer()
    estate_code = fields.String()
    estate_name = fields.String()
    answers = fields.Integer(metadata={"description": "answers given in the period"})
    published = fields.Boolean(metadata={"description": "answers ≥ the survey's min_answers"})
    score = fields.Float(allow_none=True, metadata={"description": "0–100; null below the minimum"})
    satisfaction = fields.Float(
        allow_none=True, metadata={"description": "share rating overall 4 or 5; null below"}
    )
    means = fields.Dict(
        keys=fields.String(),
        values=fields.Float(allow_none=True),
        allow_none=True,
        metadata={"description": "mean rating (1–5) per question; null below the minimum"},
    )


class ResultsSchema(Schema):
    period_start = fields.Date()
    period_end = fields.Date()
    min_answers = fields.Integer()
    estates = fields.List(fields.Nested(ResultSchema))


def _link(link: SurveyLink) -> dict[str, Any]:
    return {
        "estate_id": link.estate_id,
        "url": url_for("survey_pages.form", token=link.token, _external=True),
        "poster_url": url_for("survey_pages.poster", token=link.token, _external=True),
        "created_at": link.created_at,
    }


@blp.route("/current")
@auth_required(*STAFF)
@blp.response(200, SurveySchema)
def current_survey():
    """The owner survey residents answer now."""
    version = services.require_active()
    return {"code": version.survey.code, "number": version.number, "definition": version.definition}


@blp.route("/links/<int:estate_id>")
@auth_required(Role.firm, Role.supervisor, Role.admin)
@blp.response(200, LinkSchema)
def estate_link(estate_id: int):
    """The estate's poster link (made on first asking): print the poster for its lobbies."""
    return _link(services.current_link(estate_id, current_scope(), current_user()))


@blp.route("/links/<int:estate_id>", methods=["POST"])
@auth_required(Role.supervisor, Role.admin)
@blp.response(201, LinkSchema)
def replace_link(estate_id: int):
    """A new poster link for the estate; the old one stops taking answers at once."""
    return _link(services.replace_link(estate_id, current_scope(), current_user()))


@blp.route("/results")
@auth_required(*STAFF)
@blp.arguments(ResultsArgs, location="query")
@blp.response(200, ResultsSchema)
def survey_results(args: dict[str, Any]):
    """Per estate in your scope: the number of answers in the period and, from the survey's
    minimum number on, the score, satisfaction rate and mean per question. Never a single
    household's answer."""
    version = services.require_active()
    first, last = services.period_of(args.get("day") or today(), version.definition["period"])
    return {
        "period_start": first,
        "period_end": last,
        "min_answers": version.definition["min_answers"],
        "estates": results.estate_results(version, first, current_scope(), args.get("estate_id")),
    }


class BuildingSchema(Schema):
    building = Text(
        required=True,
        single_line=True,
        validate=validate.Length(min=1, max=20),
        metadata={"description": "楼号 as residents write it (normalised: 3号楼 → 3)"},
    )
    units = fields.Integer(
        load_default=0,
        validate=validate.Range(min=0, max=99),
        metadata={"description": "单元 count; 0 when the building has none"},
    )
    floors = fields.Integer(required=True, validate=validate.Range(min=1, max=99))
    rooms_per_floor = fields.Integer(required=True, validate=validate.Range(min=1, max=99))


class BuildingsSchema(Schema):
    estate_id = fields.Integer(dump_only=True)
    buildings = fields.List(
        fields.Nested(BuildingSchema), required=True, validate=validate.Length(max=500)
    )


def _buildings(estate_id: int, rows: list[Any]) -> dict[str, Any]:
    return {"estate_id": estate_id, "buildings": rows}


@blp.route("/buildings/<int:estate_id>")
@auth_required(Role.supervisor, Role.admin)
@blp.response(200, BuildingsSchema)
def estate_buildings(estate_id: int):
    """The estate's buildings the survey checks homes against (empty: any well-formed home)."""
    return _buildings(estate_id, buildings.listing(estate_id, current_scope()))


@blp.route("/buildings/<int:estate_id>", methods=["PUT"])
@auth_required(Role.admin)
@blp.arguments(BuildingsSchema)
@blp.response(200, BuildingsSchema)
def replace_estate_buildings(body: dict[str, Any], estate_id: int):
    """Replace the estate's whole list (all or nothing); an empty list stops the checks."""
    rows = buildings.replace(estate_id, current_scope(), body["buildings"])
    return _buildings(estate_id, rows)


class CommentsArgs(Schema):
    day = fields.Date(
        data_key="period",
        metadata={"description": "a day of the period asked (default: today)"},
    )


class CommentsSchema(Schema):
    estate_id = fields.Integer()
    period_start = fields.Date()
    period_end = fields.Date()
    min_answers = fields.Integer()
    answers = fields.Integer()
    published = fields.Boolean(metadata={"description": "answers ≥ min_answers"})
    comments = fields.List(
        fields.String(),
        metadata={"description": "the comments' text only, in text order; empty below the minimum"},
    )


@blp.route("/comments/<int:estate_id>")
@auth_required(Role.supervisor, Role.admin)
@blp.arguments(CommentsArgs, location="query")
@blp.response(200, CommentsSchema)
def survey_comments(args: dict[str, Any], estate_id: int):
    """Residents' free-text comments on one estate for a period: the text only (no home, device
    or time), and only once the estate has the survey's minimum number of answers."""
    version = services.require_active()
    first, last = services.period_of(args.get("day") or today(), version.definition["period"])
    found = results.estate_comments(version, first, current_scope(), estate_id)
    return {"period_start": first, "period_end": last, **found}
