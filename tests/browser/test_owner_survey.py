"""A resident answers the owner survey on a 360×740 phone, from the estate's printed poster, on
a slow link: the poster's QR code holds the page's address; a form sent half-filled comes back
with the missing answers marked and what was typed kept; sent whole, it thanks; the same home
again (written another way, from another phone) is told it has answered. Chinese first, English
a tap away, every target at least 44×44, no serious accessibility faults."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from backend.reports.rates import percent
from tests.browser.audit import small_targets
from tests.browser.support import login

expect = pytest.importorskip("playwright.sync_api").expect

PHONE = {"width": 360, "height": 740}
SLOW_3G = {
    "offline": False,
    "latency": 400,
    "downloadThroughput": 50_000,
    "uploadThroughput": 20_000,
}


def _resident(browser, server):
    context = browser.new_context(
        viewport=PHONE, locale="zh-CN", device_scale_factor=2, has_touch=True, is_mobile=True
    )
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_3G)
    return context, page


def _tap_ratings(page, value: int, skip: str | None = None) -> None:
    for fieldset in page.locator("fieldset[data-testid^=q-]").all():
        if fieldset.get_attribute("data-testid") == f"q-{skip}":
            continue
        label = fieldset.locator("label").nth(value - 1)
        box = label.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, box
        label.tap()


def test_resident_answers_from_the_poster(browser, live_server, artifacts):
    server = live_server
    estates = server.get("/api/estates?page_size=5", "street1")
    estate = estates[0]
    link = server.get(f"/api/surveys/links/{estate['id']}", "street1")
    path = "/survey/" + link["url"].rsplit("/survey/", 1)[1]

    # The poster: the estate's name and a QR code (a square SVG) beside the address it holds.
    context, page = _resident(browser, server)
    page.goto(f"{server.base}{path}/poster")
    expect(page.get_by_test_id("poster-estate")).to_have_text(estate["name"])
    qr = page.get_by_test_id("poster-qr").locator("svg")
    box = qr.bounding_box()
    assert box["width"] >= 250 and abs(box["width"] - box["height"]) < 2, box
    expect(page.locator(".url")).to_contain_text(path)
    page.screenshot(path=artifacts / "95-survey-poster-360.png", full_page=True)
    shot = Image.open(io.BytesIO(qr.screenshot())).convert("L")
    dark = sum(shot.histogram()[:100]) / (shot.width * shot.height)
    assert 0.25 < dark < 0.75, dark  # a code, not an empty box

    # Scanned: the form, Chinese first.
    page.goto(f"{server.base}{path}")
    expect(page.locator("h1")).to_have_text("小区物业服务业主满意度评价")
    expect(page.get_by_test_id("estate")).to_contain_text(estate["name"])
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # Half-filled: the overall question left out and no room.
    _tap_ratings(page, 4, skip="overall")
    page.get_by_test_id("home-building").fill("３号楼")
    page.get_by_test_id("comment").fill("楼道灯坏了两周")
    page.get_by_test_id("submit").tap()
    expect(page.get_by_test_id("message")).to_contain_text("请检查标红的项目")
    expect(page.get_by_test_id("q-overall")).to_contain_text("请选择一项")
    expect(page.get_by_test_id("home-building")).to_have_value("３号楼")
    expect(page.get_by_test_id("comment")).to_have_value("楼道灯坏了两周")
    checked = page.locator("fieldset[data-testid=q-sanitation] input:checked")
    expect(checked).to_have_value("4")
    page.screenshot(path=artifacts / "96-survey-marked-360.png", full_page=True)
    assert small_targets(page) == []

    page.get_by_test_id("q-overall").locator("label").nth(4).tap()
    page.get_by_test_id("home-unit").fill("2单元")
    page.get_by_test_id("home-room").fill("501")
    page.get_by_test_id("submit").tap()
    expect(page.get_by_test_id("thanks")).to_contain_text("感谢您的评价")
    page.screenshot(path=artifacts / "97-survey-thanks-360.png", full_page=True)
    context.close()

    # The same home from another phone, written another way.
    context, page = _resident(browser, server)
    page.goto(f"{server.base}{path}?lang=en")
    expect(page.locator("h1")).to_have_text(re.compile("Owners"))
    _tap_ratings(page, 2)
    page.get_by_test_id("home-building").fill("3")
    page.get_by_test_id("home-unit").fill("2")
    page.get_by_test_id("home-room").fill("５０１室")
    page.get_by_test_id("submit").tap()
    expect(page.get_by_test_id("message")).to_contain_text("already answered")
    page.screenshot(path=artifacts / "98-survey-again-360.png", full_page=True)
    context.close()

    # Staff see one more answer for the estate, and no household.
    totals = server.get(f"/api/surveys/results?estate_id={estate['id']}", "street1")
    assert "501" not in str(totals)


def test_supervisor_reads_totals_and_prints_a_poster(browser, live_server, artifacts):
    """The demo's answers: each estate's score and satisfaction as the API gives them, lowest
    score first, estates short of answers after; a poster opens in a new tab."""
    server = live_server
    context = browser.new_context(viewport=PHONE, locale="zh-CN", device_scale_factor=2)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{server.base}/")
    login(page, "supervisor1")
    expect(page.get_by_test_id("home-supervisor")).to_be_visible()
    page.get_by_test_id("sv-nav-owners").click()
    table = page.get_by_test_id("owners-table")
    expect(table).to_be_visible(timeout=15_000)
    served = server.get("/api/surveys/results", "supervisor1")
    rows = page.get_by_test_id("owners-row")
    expect(rows).to_have_count(len(served["estates"]))
    by_code = {r["estate_code"]: r for r in served["estates"]}
    shown = []
    for i in range(rows.count()):
        cells = rows.nth(i).locator("td")
        row = by_code[rows.nth(i).get_attribute("data-code")]
        score = cells.nth(1).inner_text()
        if row["published"]:
            assert score == f"{row['score']:.1f}", (score, row)
            assert cells.nth(2).inner_text() == f"{percent(row['satisfaction']):.1f}%"
        else:
            assert score == f"不足 {served['min_answers']} 份" and cells.nth(2).inner_text() == "—"
        assert cells.nth(3).inner_text() == str(row["answers"])
        shown.append(row["score"] if row["published"] else float("inf"))
    assert shown == sorted(shown) and any(s != float("inf") for s in shown)
    assert small_targets(page) == []
    page.screenshot(path=artifacts / "99-owners-report-360.png", full_page=True)

    first = rows.first
    with context.expect_page() as opened:
        first.get_by_test_id("owners-poster").click()
    poster = opened.value
    poster.wait_for_load_state()
    expect(poster.get_by_test_id("poster-estate")).to_have_text(
        first.locator("td").first.inner_text()
    )
    assert errors == []
    context.close()
