"""The base map is configured at run time: GET /api/basemap answers per configuration, the CSP
opens exactly the tile hosts, every wrong setting stops the app at start-up naming it, a
self-hosted MBTiles file is served tile by tile, and a map without base map gets place names."""

from __future__ import annotations

import io
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from backend import create_app
from backend.basemap import BasemapConfigError, read_settings
from backend.web import content_security_policy

REMOTE = "https://tiles.example.cn/{z}/{x}/{y}.png"


def _png(colour: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (256, 256), colour).save(buffer, "PNG")
    return buffer.getvalue()


def _mbtiles(path: Path, tiles: dict[tuple[int, int, int], bytes], fmt: str = "png") -> Path:
    """A tiny MBTiles file; keys are XYZ (z, x, y), stored in TMS row order as the spec says."""
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
    connection.execute(
        "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER,"
        " tile_data BLOB)"
    )
    connection.executemany(
        "INSERT INTO metadata VALUES (?, ?)", [("name", "test"), ("format", fmt), ("maxzoom", "3")]
    )
    connection.executemany(
        "INSERT INTO tiles VALUES (?, ?, ?, ?)",
        [(z, x, 2**z - 1 - y, data) for (z, x, y), data in tiles.items()],
    )
    connection.commit()
    connection.close()
    return path


@pytest.fixture
def configured(app, monkeypatch) -> Callable[..., None]:
    """Run the shared app with other BASEMAP_* settings (as a restart with them would)."""

    def _configure(**settings: Any) -> None:
        for key, value in settings.items():
            monkeypatch.setitem(app.config, key, value)
        monkeypatch.setitem(app.extensions, "wuhao_basemap", read_settings(app.config))

    return _configure


def test_nothing_configured(client, login):
    response = client.get("/api/basemap", headers=login("supervisor1"))
    assert response.status_code == 200
    assert response.json == {
        "source": "none",
        "tiles": [],
        "crs": "wgs84",
        "attribution": "",
        "max_zoom": 22,
    }
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "example" not in policy and "connect-src" not in policy
    assert "img-src 'self' data: blob:;" in policy


def test_needs_a_token(client):
    assert client.get("/api/basemap").status_code == 401


def test_remote_tiles_gcj02(client, login, configured):
    configured(BASEMAP_TILES=REMOTE, BASEMAP_CRS="gcj02", BASEMAP_ATTRIBUTION="© 某地图")
    answer = client.get("/api/basemap", headers=login("supervisor1")).json
    assert answer == {
        "source": "tiles",
        "tiles": [REMOTE],
        "crs": "gcj02",
        "attribution": "© 某地图",
        "max_zoom": 22,
    }


def test_cgcs2000_is_wgs84_and_subdomains_expand(client, login, configured):
    template = "https://t{s}.tianditu.gov.cn/vec_w/wmts?TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=k"
    configured(BASEMAP_TILES=template, BASEMAP_CRS="CGCS2000", BASEMAP_SUBDOMAINS="012")
    answer = client.get("/api/basemap", headers=login("supervisor1")).json
    assert answer["crs"] == "wgs84"
    assert answer["tiles"] == [template.replace("{s}", s) for s in "012"]


def test_csp_opens_the_tile_hosts_only_when_configured(database_url):
    app = create_app(
        {
            "DATABASE_URL": database_url,
            "SECRET_KEY": "t",
            "BASEMAP_TILES": "https://t{s}.tianditu.gov.cn/x/{z}/{x}/{y}",
            "BASEMAP_SUBDOMAINS": "01",
        }
    )
    policy = app.test_client().get("/").headers["Content-Security-Policy"]
    hosts = "https://t0.tianditu.gov.cn https://t1.tianditu.gov.cn"
    assert f"img-src 'self' data: blob: {hosts};" in policy
    assert f"connect-src 'self' {hosts};" in policy
    assert "default-src 'self';" in policy and "frame-ancestors 'none'" in policy
    # A self-hosted base map is our own origin: nothing is opened.
    assert content_security_policy(()) == content_security_policy()
    assert "connect-src" not in content_security_policy()


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({"BASEMAP_TILES": "https://tiles.example.cn/{z}/{x}.png"}, "BASEMAP_TILES"),
        ({"BASEMAP_TILES": "ftp://tiles.example.cn/{z}/{x}/{y}.png"}, "BASEMAP_TILES"),
        ({"BASEMAP_TILES": "tiles.example.cn/{z}/{x}/{y}.png"}, "BASEMAP_TILES"),
        ({"BASEMAP_TILES": "https://{z}.example.cn/{z}/{x}/{y}.png"}, "BASEMAP_TILES"),
        ({"BASEMAP_TILES": REMOTE, "BASEMAP_CRS": "bd09"}, "BASEMAP_CRS"),
        ({"BASEMAP_CRS": "mercator"}, "BASEMAP_CRS"),
        ({"BASEMAP_MBTILES": "/nonexistent/base.mbtiles"}, "BASEMAP_MBTILES"),
        ({"BASEMAP_TILES": REMOTE, "BASEMAP_MBTILES": "/x.mbtiles"}, "BASEMAP_MBTILES"),
        (
            {"BASEMAP_TILES": "https://t{s}.example.cn/{z}/{x}/{y}", "BASEMAP_SUBDOMAINS": ""},
            "BASEMAP_SUBDOMAINS",
        ),
    ],
)
def test_bad_configuration_stops_the_start(database_url, settings, named):
    with pytest.raises(BasemapConfigError, match=named):
        create_app({"DATABASE_URL": database_url, "SECRET_KEY": "t", **settings})


def test_a_file_that_is_not_mbtiles_stops_the_start(database_url, tmp_path):
    text = tmp_path / "notes.mbtiles"
    text.write_text("not a database", encoding="utf-8")
    empty = tmp_path / "empty.mbtiles"
    sqlite3.connect(empty).execute("CREATE TABLE other (a)").connection.close()
    vector = _mbtiles(tmp_path / "vector.mbtiles", {}, fmt="pbf")
    for path, words in ((text, "not an MBTiles"), (empty, "not an MBTiles"), (vector, "raster")):
        with pytest.raises(BasemapConfigError, match=f"BASEMAP_MBTILES.*{words}"):
            create_app(
                {"DATABASE_URL": database_url, "SECRET_KEY": "t", "BASEMAP_MBTILES": str(path)}
            )


def test_mbtiles_served(client, login, configured, tmp_path):
    red, blue = _png((200, 0, 0)), _png((0, 0, 200))
    path = _mbtiles(tmp_path / "base.mbtiles", {(0, 0, 0): red, (2, 1, 0): blue})
    configured(BASEMAP_MBTILES=str(path), BASEMAP_CRS="gcj02")
    answer = client.get("/api/basemap", headers=login("supervisor1")).json
    assert answer["source"] == "mbtiles" and answer["crs"] == "gcj02"
    assert answer["tiles"] == ["/api/basemap/tiles/{z}/{x}/{y}"] and answer["max_zoom"] == 3

    tile = client.get("/api/basemap/tiles/2/1/0")  # XYZ row 0 is TMS row 3: the north
    assert tile.status_code == 200 and tile.mimetype == "image/png"
    assert tile.data == blue
    assert tile.headers["Cache-Control"] == "public, max-age=86400"
    tag = tile.headers["ETag"]
    again = client.get("/api/basemap/tiles/2/1/0", headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.data == b""
    assert client.get("/api/basemap/tiles/0/0/0").data == red

    missing = client.get("/api/basemap/tiles/2/1/3")
    assert missing.status_code == 404 and missing.json["code"] == "not_found"


@pytest.mark.parametrize("tile", ["23/0/0", "2/4/0", "2/0/4", "0/1/0", "1/-1/0", "3/1/x"])
def test_out_of_range_tiles_are_refused(client, configured, tmp_path, tile):
    configured(BASEMAP_MBTILES=str(_mbtiles(tmp_path / "b.mbtiles", {(0, 0, 0): _png((1, 2, 3))})))
    response = client.get(f"/api/basemap/tiles/{tile}")
    assert response.status_code == 404
    assert set(response.json) >= {"code", "status", "message"}


def test_no_self_hosted_map_no_tiles(client):
    response = client.get("/api/basemap/tiles/0/0/0")
    assert response.status_code == 404 and "BASEMAP_MBTILES" in response.json["message"]


CITY = "121.3,38.7,122.0,39.2"


def _labels(client, headers, bbox: str, zoom: int, crs: str = "wgs84") -> dict[str, Any]:
    response = client.get(
        "/api/map/labels", query_string={"bbox": bbox, "zoom": zoom, "crs": crs}, headers=headers
    )
    assert response.status_code == 200, response.json
    return response.json


def test_labels_by_zoom(client, login):
    headers = login("admin")
    districts = _labels(client, headers, CITY, 10)
    assert districts["properties"]["kind"] == "district"
    assert "中山区" in {f["properties"]["name"] for f in districts["features"]}
    streets = _labels(client, headers, CITY, 13)
    assert {f["properties"]["kind"] for f in streets["features"]} == {"street"}
    assert len(streets["features"]) > 1
    estates = _labels(client, headers, CITY, 16)
    assert {f["properties"]["kind"] for f in estates["features"]} == {"estate"}
    assert 0 < len(estates["features"]) <= 40
    assert estates["properties"]["truncated"] == (len(estates["features"]) == 40)


def test_labels_in_gcj02_and_in_view_only(client, login):
    headers = login("admin")
    plain = _labels(client, headers, CITY, 16)["features"][0]
    lng, lat = plain["geometry"]["coordinates"]
    shifted = _labels(client, headers, CITY, 16, "gcj02")["features"]
    same = next(f for f in shifted if f["properties"]["id"] == plain["properties"]["id"])
    glng, glat = same["geometry"]["coordinates"]
    assert 0.003 < glng - lng < 0.02 and -0.01 < glat - lat < 0.01  # GCJ-02 shift in Dalian
    tiny = f"{lng - 0.0001},{lat - 0.0001},{lng + 0.0001},{lat + 0.0001}"
    assert [f["properties"]["id"] for f in _labels(client, headers, tiny, 16)["features"]] == [
        plain["properties"]["id"]
    ]


def test_labels_of_estates_follow_the_scope(client, login):
    everything = _labels(client, login("admin"), CITY, 16)["features"]
    firm = _labels(client, login("firm1"), CITY, 16)["features"]
    assert {f["properties"]["id"] for f in firm} < {f["properties"]["id"] for f in everything}
