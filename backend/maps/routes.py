"""/api/map: GeoJSON layers for the supervisor's map (open tickets, estate outlines by score)."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_smorest import Blueprint
from marshmallow import fields, validate

from backend.accounts.auth import auth_required, current_scope, current_user
from backend.accounts.models import Role
from backend.clock import today
from backend.geo.coordinates import to_wgs84
from backend.maps import layers
from backend.maps.labels import label_features
from backend.places.schemas import BBoxField, CrsArgs
from backend.plans.coverage import estate_states
from backend.reports.arguments import period
from backend.scorecards.services import latest_scores
from backend.tickets.schemas import TicketListArgs
from backend.tickets.services import TicketFilter

blp = Blueprint("map", __name__, url_prefix="/api/map", description="Map layers (GeoJSON)")


class MapTicketArgs(TicketListArgs, CrsArgs):
    bbox = BBoxField(required=True, metadata={"description": "minLng,minLat,maxLng,maxLat"})
    zoom = fields.Integer(required=True, validate=validate.Range(0, 22))


class MapEstateArgs(CrsArgs):
    bbox = BBoxField(required=True, metadata={"description": "minLng,minLat,maxLng,maxLat"})


@blp.route("/tickets")
@auth_required()
@blp.arguments(MapTicketArgs, location="query")
@blp.response(200)
def map_tickets(args: dict[str, Any]):
    """Open tickets in view: clusters (count, worst severity, overdue) below zoom 15, pins above.
    Filters as in the inbox; `crs=gcj02` for base maps that need it."""
    crs = args.pop("crs")
    bbox, zoom = to_wgs84(args.pop("bbox"), crs), args.pop("zoom")
    args.pop("sort", None)
    f = TicketFilter(states=tuple(args.pop("state", ())), **args)
    collection = layers.ticket_features(current_user(), current_scope(), bbox, zoom, f, crs)
    if isinstance(collection, str):  # encoded by the database already
        return Response(collection, mimetype="application/json")
    return collection


@blp.route("/estates")
@auth_required()
@blp.arguments(MapEstateArgs, location="query")
@blp.response(200)
def map_estates(args: dict[str, Any]):
    """Estate outlines in view with the latest inspection score and grade, for colouring."""
    crs = args["crs"]
    scope = current_scope()
    scores = latest_scores(period({"end": today()}), scope)
    return layers.estate_features(scope, to_wgs84(args["bbox"], crs), crs, scores)


class MapLabelArgs(MapEstateArgs):
    zoom = fields.Integer(required=True, validate=validate.Range(0, 22))


@blp.route("/labels")
@auth_required()
@blp.arguments(MapLabelArgs, location="query")
@blp.response(200)
def map_labels(args: dict[str, Any]):
    """Place names for a map without a base map: districts below zoom 12, streets below 15,
    estates (in your scope) from 15; points with `kind`, `id`, `name`, the largest 40 in view."""
    crs = args["crs"]
    return label_features(current_scope(), to_wgs84(args["bbox"], crs), args["zoom"], crs)


@blp.route("/coverage")
@auth_required(Role.inspector, Role.supervisor, Role.admin)
@blp.arguments(MapEstateArgs, location="query")
@blp.response(200)
def map_coverage(args: dict[str, Any]):
    """Estate outlines in view with their inspection state for colouring: `coverage` is done,
    late, due, missed (their latest opened task), never_inspected or unplanned; `days_since`
    the last submitted inspection (null: never) and `last_inspected_at`."""
    crs = args["crs"]
    return layers.coverage_features(
        current_scope(), to_wgs84(args["bbox"], crs), crs, estate_states
    )
