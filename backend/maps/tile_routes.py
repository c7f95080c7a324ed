"""/api/tiles/{layer}/{z}/{x}/{y}.mvt: the map layers as Mapbox Vector Tiles (PostGIS only)."""

from __future__ import annotations

from typing import Any

from flask import Response, request
from flask_smorest import Blueprint

from backend.accounts.auth import auth_required, current_scope, current_user
from backend.clock import today, utcnow
from backend.errors import NotFound
from backend.maps import tile_cache, tiles
from backend.reports.arguments import period
from backend.scorecards.services import latest_scores
from backend.tickets.schemas import TicketListArgs
from backend.tickets.services import TicketFilter

blp = Blueprint(
    "tiles", __name__, url_prefix="/api/tiles", description="Map layers as vector tiles (MVT)"
)

MVT = "application/vnd.mapbox-vector-tile"
# Scoped data: browsers may keep it briefly, shared caches never.
CACHE_CONTROL = "private, max-age=30"


def _check(layer: str, z: int, x: int, y: int) -> None:
    if layer not in tiles.LAYERS:
        raise NotFound(f"没有该图层 (no layer {layer!r}; layers: tickets, estates)")
    if not 0 <= z <= tiles.MAX_ZOOM or not (0 <= x < 2**z and 0 <= y < 2**z):
        # Outside the tile pyramid: no such tile (a 404, like a layer that does not exist).
        raise NotFound(
            "没有该瓦片 (no such tile: 0 ≤ z ≤ 22, 0 ≤ x, y < 2^z)",
            {"tile": [f"{z}/{x}/{y}"]},
        )


@blp.route(
    "/<any(tickets, estates):layer>/<int(max=22):z>/<int(max=4194303):x>/<int(max=4194303):y>.mvt"
)
@auth_required()
@blp.arguments(TicketListArgs, location="query")
@blp.response(200, content_type=MVT)
@blp.alt_response(304, description="Not modified: your copy (If-None-Match) is current")
@blp.alt_response(501, description="Not supported on SpatiaLite (code `not_supported`)")
def tile(args: dict[str, Any], layer: str, z: int, x: int, y: int) -> Response:
    """Layer `tickets` (open tickets in your scope; filters as in the inbox; clusters with
    `count`, worst `severity`, `overdue` below zoom 15, pins with `id`, `severity`, `overdue`,
    `state`, `area` from 15) or `estates` (outlines with latest `score` and `grade`).
    ETag + If-None-Match → 304; `Cache-Control: private, max-age=30`. PostGIS only (else 501)."""
    _check(layer, z, x, y)
    tiles.require_postgis()
    user, scope = current_user(), current_scope()
    if layer == "tickets":
        args.pop("sort", None)
        f = TicketFilter(states=tuple(args.pop("state", ())), **args)
        body, tag = tile_cache.ticket_tile(user, scope, f, z, x, y, utcnow())
    else:
        scores = latest_scores(period({"end": today()}), scope)
        body = tiles.estate_tile(scope, scores, z, x, y)
        tag = tiles.etag(body, user, scope)
    headers = {"ETag": tag, "Cache-Control": CACHE_CONTROL, "Vary": "Authorization"}
    if request.if_none_match.contains_weak(tag.strip('"')):
        return Response(status=304, headers=headers)
    return Response(body, mimetype=MVT, headers=headers)
