"""The base map under the PWA's maps, configured at run time (BASEMAP_* settings):
GET /api/basemap tells the app what to draw; GET /api/basemap/tiles/{z}/{x}/{y} serves the tiles of
a self-hosted MBTiles file. `configure(app)` checks the settings at start-up (a wrong one stops the
app with a message naming it, never a blank map) and keeps the tile origins for the CSP."""

from __future__ import annotations

import hashlib
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, request
from flask_smorest import Blueprint
from marshmallow import fields, validate

from backend.accounts.auth import auth_required
from backend.errors import NotFound
from backend.schema import Schema

blp = Blueprint("basemap", __name__, url_prefix="/api/basemap", description="Base map")

MAX_ZOOM = 22
TILES_PATH = "/api/basemap/tiles/{z}/{x}/{y}"
# Base map tiles are the same for everyone and change only when the file is replaced.
CACHE_CONTROL = "public, max-age=86400"
CRS_NAMES = {"wgs84": "wgs84", "cgcs2000": "wgs84", "gcj02": "gcj02"}  # CGCS2000 ≈ WGS84 on a map
RASTER_FORMATS = {"png", "jpg", "jpeg", "webp"}


class BasemapConfigError(RuntimeError):
    """A BASEMAP_* setting is wrong: the app must not start (the message names the setting)."""


@dataclass(frozen=True)
class Basemap:
    source: str  # none | tiles | mbtiles
    tiles: tuple[str, ...] = ()
    crs: str = "wgs84"
    attribution: str = ""
    max_zoom: int = MAX_ZOOM
    origins: tuple[str, ...] = ()  # for the CSP (remote tiles only)


def _template(raw: str, subdomains: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    parts = urlsplit(raw)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise BasemapConfigError(f"BASEMAP_TILES must be an http(s) URL template, got {raw!r}")
    missing = [p for p in ("{z}", "{x}", "{y}") if p not in raw]
    if missing:
        raise BasemapConfigError(
            f"BASEMAP_TILES must hold {{z}}, {{x}} and {{y}}"
            f" (missing {', '.join(missing)}): {raw!r}"
        )
    if "{s}" in raw:
        if not subdomains or not subdomains.isalnum():
            raise BasemapConfigError(
                f"BASEMAP_SUBDOMAINS must be letters/digits (one per subdomain), got {subdomains!r}"
            )
        tiles = tuple(raw.replace("{s}", s) for s in subdomains)
    else:
        tiles = (raw,)
    origins = []
    for url in tiles:
        host = urlsplit(url)
        if any(c in host.netloc for c in "{}@ ;,'\""):
            raise BasemapConfigError(f"BASEMAP_TILES has an unusable host: {raw!r}")
        origin = f"{host.scheme}://{host.netloc}"
        if origin not in origins:
            origins.append(origin)
    return tiles, tuple(origins)


def _mbtiles_max_zoom(path: str) -> int:
    """Checks that the file is an MBTiles of raster tiles; its highest zoom (for overzooming)."""
    if not Path(path).is_file():
        raise BasemapConfigError(f"BASEMAP_MBTILES: no such file {path!r}")
    try:
        with closing(_open(path)) as connection:
            connection.execute(
                "SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles LIMIT 0"
            ).fetchall()
            meta = _metadata(connection)
            top = connection.execute("SELECT max(zoom_level) FROM tiles").fetchone()[0]
    except sqlite3.Error as exc:
        raise BasemapConfigError(
            f"BASEMAP_MBTILES: {path!r} is not an MBTiles file (SQLite with a tiles table): {exc}"
        ) from exc
    fmt = meta.get("format", "png").lower()
    if fmt not in RASTER_FORMATS:
        raise BasemapConfigError(
            f"BASEMAP_MBTILES: {path!r} holds {fmt!r} tiles; only raster (png, jpg, webp) is drawn"
        )
    declared = meta.get("maxzoom", "")
    if declared.isdigit():
        return min(int(declared), MAX_ZOOM)
    return min(int(top), MAX_ZOOM) if top is not None else MAX_ZOOM


def _metadata(connection: sqlite3.Connection) -> dict[str, str]:
    try:
        rows = connection.execute("SELECT name, value FROM metadata").fetchall()
    except sqlite3.OperationalError:  # optional in practice
        return {}
    return {str(name): str(value) for name, value in rows}


def _open(path: str) -> sqlite3.Connection:
    # Read-only and per use: nothing shared between requests, threads or gunicorn workers.
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)


def read_settings(config: dict[str, Any]) -> Basemap:
    tiles = str(config.get("BASEMAP_TILES") or "").strip()
    mbtiles = str(config.get("BASEMAP_MBTILES") or "").strip()
    raw_crs = str(config.get("BASEMAP_CRS") or "wgs84").strip().lower()
    attribution = str(config.get("BASEMAP_ATTRIBUTION") or "")
    if raw_crs not in CRS_NAMES:
        raise BasemapConfigError(
            f"BASEMAP_CRS must be wgs84, cgcs2000 or gcj02, got {config.get('BASEMAP_CRS')!r}"
        )
    crs = CRS_NAMES[raw_crs]
    if tiles and mbtiles:
        raise BasemapConfigError("set BASEMAP_TILES or BASEMAP_MBTILES, not both")
    if tiles:
        urls, origins = _template(tiles, str(config.get("BASEMAP_SUBDOMAINS") or ""))
        return Basemap("tiles", urls, crs, attribution, MAX_ZOOM, origins)
    if mbtiles:
        top = _mbtiles_max_zoom(mbtiles)
        return Basemap("mbtiles", (TILES_PATH,), crs, attribution, top)
    return Basemap("none")


def configure(app: Flask) -> None:
    app.extensions["wuhao_basemap"] = read_settings(app.config)


def current() -> Basemap:
    return current_app.extensions["wuhao_basemap"]


class BasemapSchema(Schema):
    source = fields.String(
        required=True,
        validate=validate.OneOf(["none", "tiles", "mbtiles"]),
        metadata={"description": "none: draw our layers on a plain background, with names"},
    )
    tiles = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "XYZ URL templates; a path (mbtiles) is on this server"},
    )
    crs = fields.String(
        required=True,
        validate=validate.OneOf(["wgs84", "gcj02"]),
        metadata={"description": "gcj02: shift what is drawn (and ask /api/map with crs=gcj02)"},
    )
    attribution = fields.String(required=True)
    max_zoom = fields.Integer(required=True, metadata={"description": "highest zoom with tiles"})


@blp.route("")
@auth_required()
@blp.response(200, BasemapSchema)
def basemap_settings() -> dict[str, Any]:
    """The base map the app should draw. Signed-in only: a provider's key may be in the URL."""
    b = current()
    return {
        "source": b.source,
        "tiles": list(b.tiles),
        "crs": b.crs,
        "attribution": b.attribution,
        "max_zoom": b.max_zoom,
    }


def _content_type(data: bytes) -> str:
    if data.startswith(b"\x89PNG"):
        return "image/png"
    if data.startswith(b"\xff\xd8"):
        return "image/jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return "application/octet-stream"


@blp.route("/tiles/<int:z>/<int:x>/<int:y>")
@blp.response(200, content_type="image/png")
@blp.alt_response(304, description="Not modified: your copy (If-None-Match) is current")
@blp.alt_response(404, description="No self-hosted base map, no such tile, or out of range")
def basemap_tile(z: int, x: int, y: int) -> Response:
    """A tile of the self-hosted base map (BASEMAP_MBTILES), XYZ numbering (no token: base map
    images are no data of ours). ETag; `Cache-Control: public, max-age=86400`."""
    if not (0 <= z <= MAX_ZOOM and 0 <= x < 2**z and 0 <= y < 2**z):
        raise NotFound(
            "没有该瓦片 (no such tile: 0 ≤ z ≤ 22, 0 ≤ x, y < 2^z)", {"tile": [f"{z}/{x}/{y}"]}
        )
    b = current()
    if b.source != "mbtiles":
        raise NotFound("未配置自建底图 (no self-hosted base map: BASEMAP_MBTILES is not set)")
    path = str(current_app.config["BASEMAP_MBTILES"])
    with closing(_open(path)) as connection:  # MBTiles rows count from the south (TMS)
        row = connection.execute(
            "SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?",
            (z, x, 2**z - 1 - y),
        ).fetchone()
    if row is None or row[0] is None:
        raise NotFound("没有该瓦片 (no such tile in the base map)", {"tile": [f"{z}/{x}/{y}"]})
    data = bytes(row[0])
    tag = hashlib.sha256(data).hexdigest()[:32]
    headers = {"ETag": f'"{tag}"', "Cache-Control": CACHE_CONTROL}
    if request.if_none_match.contains_weak(tag):
        return Response(status=304, headers=headers)
    return Response(data, mimetype=_content_type(data), headers=headers)
