"""An administrator manages the places at a desk (1280×800): districts, streets, communities,
grids and estates. Each is created, edited and deactivated or moved; one bad input each is
refused beside its field and changes nothing. Estates come by a GeoJSON import whose preview
shows a repaired shape on the map and a refused feature with its reason."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.browser.audit import axe_violations, small_targets
from tests.browser.support import login

expect = pytest.importorskip("playwright.sync_api").expect

DESK = {"width": 1280, "height": 800}


def _open(page, base: str, path: str) -> None:
    page.goto(f"{base}{path}")
    expect(page.get_by_test_id("admin")).to_be_visible()


def _audit(page) -> None:
    assert small_targets(page) == []
    assert axe_violations(page) == []


def _row(page, table: str, text: str):
    return page.get_by_test_id(table).locator("tr", has_text=text)


def _tree(page, base: str, live_server, artifacts: Path) -> None:
    # Districts: a bad code is refused beside the field; then created, renamed, deactivated.
    _open(page, base, "/admin/districts")
    page.get_by_test_id("districts-new").click()
    form = page.get_by_test_id("districts-form")
    form.locator("input[name=code]").fill("21 02!")
    form.locator("input[name=name]").fill("界面新区")
    page.get_by_test_id("districts-save").click()
    expect(form.get_by_test_id("error-code")).to_be_visible()
    expect(_row(page, "districts-table", "界面新区")).to_have_count(0)
    _audit(page)
    page.screenshot(path=artifacts / "admin-places-01-district-refused.png")
    form.locator("input[name=code]").fill("210299")
    page.get_by_test_id("districts-save").click()
    _row(page, "districts-table", "界面新区").get_by_role("link").click()
    item = page.get_by_test_id("admin-districts-item")
    item.locator("input[name=name]").fill("界面改名区")
    page.get_by_test_id("districts-save").click()
    expect(item.locator("h3")).to_contain_text("界面改名区")
    page.get_by_test_id("districts-deactivate").click()
    page.get_by_test_id("districts-deactivate-confirm").click()
    expect(page.get_by_test_id("districts-status")).to_have_text("已停用")
    # A district that still has streets stays active, and says why.
    zhongshan = next(d for d in live_server.get("/api/districts", "admin") if d["name"] == "中山区")
    _open(page, base, f"/admin/districts/{zhongshan['id']}")
    page.get_by_test_id("districts-deactivate").click()
    page.get_by_test_id("districts-deactivate-confirm").click()
    expect(page.get_by_test_id("error-is_active")).to_contain_text("active streets")
    page.screenshot(path=artifacts / "admin-places-02-district-in-use.png")
    districts = live_server.get("/api/districts", "admin")
    assert next(d for d in districts if d["name"] == "中山区")["is_active"] is True

    # Streets: without a district it is refused beside the district; then made and deactivated.
    _open(page, base, "/admin/streets")
    page.get_by_test_id("streets-new").click()
    form = page.get_by_test_id("streets-form")
    form.locator("input[name=code]").fill("210202777")
    form.locator("input[name=name]").fill("界面街道")
    page.get_by_test_id("streets-save").click()
    expect(form.get_by_test_id("error-district_id")).to_be_visible()
    assert not [s for s in live_server.get("/api/streets", "admin") if s["code"] == "210202777"]
    form.locator("select[name=parent]").select_option(label="中山区")
    page.get_by_test_id("streets-save").click()
    _row(page, "streets-table", "界面街道").get_by_role("link").click()
    page.get_by_test_id("streets-deactivate").click()
    page.get_by_test_id("streets-deactivate-confirm").click()
    expect(page.get_by_test_id("streets-status")).to_have_text("已停用")

    # Communities: a second one of the same name in a street is refused beside the name.
    _open(page, base, "/admin/communities")
    for _ in range(2):
        page.get_by_test_id("communities-new").click()
        form = page.get_by_test_id("communities-form")
        form.locator("input[name=name]").fill("界面社区")
        form.locator("select[name=parent]").select_option(label="青泥洼桥街道")
        page.get_by_test_id("communities-save").click()
        expect(_row(page, "communities-table", "界面社区")).to_have_count(1)
    expect(page.get_by_test_id("communities-form").get_by_test_id("error-name")).to_be_visible()
    page.screenshot(path=artifacts / "admin-places-03-community-refused.png")
    page.get_by_test_id("communities-new").click()
    _row(page, "communities-table", "界面社区").get_by_role("link").click()
    page.get_by_test_id("communities-deactivate").click()
    page.get_by_test_id("communities-deactivate-confirm").click()
    expect(page.get_by_test_id("communities-status")).to_have_text("已停用")


def _grids(page, base: str, live_server, artifacts: Path) -> None:
    _open(page, base, "/admin/grids")
    page.get_by_test_id("grids-new").click()
    form = page.get_by_test_id("grids-form")
    form.locator("input[name=code]").fill("bad code!")
    form.locator("input[name=name]").fill("界面网格")
    form.locator("select[name=street_id]").select_option(label="青泥洼桥街道")
    form.locator("textarea[name=outline]").fill("121.6380,38.9300,121.6395,38.9310")
    page.get_by_test_id("grids-save").click()
    expect(form.get_by_test_id("error-code")).to_be_visible()
    assert not [g for g in live_server.get("/api/grids?page_size=500", "admin")
                if g["name"] == "界面网格"]  # fmt: skip
    _audit(page)
    page.screenshot(path=artifacts / "admin-places-04-grid-refused.png")
    form.locator("input[name=code]").fill("G-UI-01")
    page.get_by_test_id("grids-save").click()
    _row(page, "grids-table", "G-UI-01").get_by_role("link").click()
    page.get_by_test_id("admin-grids-item").locator("input[name=name]").fill("界面网格(改)")
    page.get_by_test_id("grids-save").click()
    expect(page.get_by_test_id("admin-grids-item").locator("h3")).to_contain_text("界面网格(改)")
    page.get_by_test_id("grids-deactivate").click()
    page.get_by_test_id("grids-deactivate-confirm").click()
    expect(page.get_by_test_id("grids-state")).to_have_text("已停用")
    expect(page.get_by_test_id("grid-outline").get_by_test_id("vertex")).to_have_count(4)
    _audit(page)
    page.screenshot(path=artifacts / "admin-places-04b-grid-deactivated.png", full_page=True)
    # inspector1's grid keeps its inspector: it stays active and the console says why.
    staffed = next(g for g in live_server.get("/api/grids?page_size=500", "admin")
                   if g["code"] == "G-210202001-01")  # fmt: skip
    _open(page, base, f"/admin/grids/{staffed['id']}")
    page.get_by_test_id("grids-deactivate").click()
    page.get_by_test_id("grids-deactivate-confirm").click()
    expect(page.get_by_test_id("error-is_active")).to_contain_text("assigned inspectors")
    expect(page.get_by_test_id("grids-state")).to_have_text("启用中")


def _geojson(tmp: Path) -> Path:
    def square(west: float, south: float) -> list:
        return [[[west, south], [west + 0.001, south], [west + 0.001, south + 0.001],
                 [west, south + 0.001], [west, south]]]  # fmt: skip

    bowtie = [[[121.6330, 38.9180], [121.6340, 38.9190], [121.6340, 38.9180],
               [121.6330, 38.9190], [121.6330, 38.9180]]]  # fmt: skip
    features = [
        ("界面导入甲", square(121.6310, 38.9180), "210202001"),
        ("界面导入乙", bowtie, "210202001"),
        ("界面导入丙", square(121.6350, 38.9180), "999999"),
    ]
    data = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": name, "street_code": street},
         "geometry": {"type": "Polygon", "coordinates": ring}}
        for name, ring, street in features]}  # fmt: skip
    path = tmp / "estates.geojson"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _estates(page, base: str, live_server, artifacts: Path, tmp: Path) -> None:
    _open(page, base, "/admin/estate-import")
    page.get_by_test_id("import-file").set_input_files(str(_geojson(tmp)))
    expect(page.get_by_test_id("import-file-name")).to_have_text("estates.geojson")
    # No coordinate system: the file declares none, so it is refused beside the field.
    page.get_by_test_id("import-preview").click()
    expect(page.get_by_test_id("import-form").get_by_test_id("error-crs")).to_be_visible()
    page.get_by_test_id("import-crs").select_option("wgs84")
    page.get_by_test_id("import-preview").click()
    expect(page.get_by_test_id("import-summary")).to_contain_text("修复 1 个形状,拒绝 1 个")
    expect(page.get_by_test_id("repairs-1")).to_contain_text("边界自相交")
    expect(page.get_by_test_id("repairs-1")).to_contain_text("Self-intersection")
    expect(page.get_by_test_id("reasons-2")).to_contain_text("unknown street '999999'")
    expect(page.get_by_test_id("preview-map").locator("canvas")).to_be_visible()
    page.wait_for_timeout(800)  # the map's first frame
    found = f"/api/estates?q={quote('界面导入')}&with_geometry=false"
    assert live_server.get(found, "admin") == []  # a preview writes nothing
    _audit(page)
    page.screenshot(path=artifacts / "admin-places-05-import-preview.png", full_page=True)
    page.get_by_test_id("import-commit").click()
    expect(page.get_by_test_id("import-done")).to_contain_text("新建 2 个")
    imported = live_server.get(found, "admin")
    assert sorted(e["name"] for e in imported) == ["界面导入乙", "界面导入甲"]

    # Search, then a bad number is refused beside its field and changes nothing.
    _open(page, base, "/admin/estates")
    page.get_by_test_id("estates-q").fill("界面导入甲")
    page.get_by_test_id("estates-search").click()
    _row(page, "estates-table", "界面导入甲").get_by_role("link").click()
    form = page.get_by_test_id("estate-form")
    expect(form.locator("input[name=name]")).to_have_value("界面导入甲")
    form.locator("input[name=households]").fill("很多")
    page.get_by_test_id("estate-save").click()
    expect(form.get_by_test_id("error-households")).to_be_visible(timeout=15_000)
    estate_id = next(e["id"] for e in imported if e["name"] == "界面导入甲")
    before = live_server.get(f"/api/estates/{estate_id}", "admin")
    assert before["households"] is None
    form.locator("input[name=name]").scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "admin-places-06-estate-refused.png")

    # Renamed and moved to 人民路街道: the console says what happens to open tickets.
    form.locator("input[name=households]").fill("420")
    form.locator("input[name=name]").fill("界面导入甲(改)")
    form.locator("select[name=street_id]").select_option(label="人民路街道")
    page.get_by_test_id("estate-save").click()
    expect(page.get_by_test_id("estate-moved")).to_contain_text("未结工单仍由原责任单位处理")
    moved = live_server.get(f"/api/estates/{estate_id}", "admin")
    streets = {s["id"]: s["name"] for s in live_server.get("/api/streets", "admin")}
    assert streets[moved["street_id"]] == "人民路街道" and moved["households"] == 420

    # The outline: drag the first vertex and save it.
    handle = page.get_by_test_id("vertex").first
    expect(handle).to_be_visible()
    page.get_by_test_id("outline-map").scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    box = handle.bounding_box()
    assert box and box["width"] >= 44 and box["height"] >= 44
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x - 40, y + 30, steps=8)
    page.mouse.up()
    page.get_by_test_id("outline-save").click()
    expect(page.get_by_test_id("outline-saved")).to_be_visible()
    after = live_server.get(f"/api/estates/{estate_id}", "admin")["geometry"]
    assert after != before["geometry"]
    # Without a pointer: a vertex moves with the arrow keys.
    page.get_by_test_id("vertex").nth(1).focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    page.get_by_test_id("outline-save").click()
    expect(page.get_by_test_id("outline-saved")).to_be_visible()
    nudged = live_server.get(f"/api/estates/{estate_id}", "admin")["geometry"]
    assert nudged != after
    _audit(page)
    page.get_by_test_id("outline-section").scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "admin-places-07-estate-outline.png")


def test_an_admin_manages_places_at_a_desk(browser, live_server, artifacts, tmp_path):
    context = browser.new_context(viewport=DESK, locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    page.goto(f"{live_server.base}/")
    login(page, "admin")
    expect(page.get_by_test_id("logout")).to_be_visible()
    _tree(page, live_server.base, live_server, artifacts)
    _grids(page, live_server.base, live_server, artifacts)
    _estates(page, live_server.base, live_server, artifacts, tmp_path)
    context.close()
