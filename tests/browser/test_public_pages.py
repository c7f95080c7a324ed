"""The public 公示 pages on a phone (360×740) and on A4 paper, in Debian's chromium.

The demo publishes last month's rankings, so the pages have real content on first start. On a
phone every unit is a card; the full table is one tap away and scrolls sideways inside its box
with the name column fixed. No text is squeezed into a column narrower than four characters:
each text's rendered lines are counted and the columns measured against the font size.
"""

from __future__ import annotations

import pytest

expect = pytest.importorskip("playwright.sync_api").expect

PHONE = {"width": 360, "height": 740}
A4_WIDTH_PX = round((210 - 20) / 25.4 * 96)  # A4 less the 10 mm side margins of @page, at 96 dpi

# For every visible text: its length, its rendered lines, its width and font size; and whether it
# is a text column (a name or kind cell, or a card's name) that must be four characters wide.
MEASURE = """(selector) => [...document.querySelectorAll(selector)]
  .filter((el) => el.getClientRects().length > 0 && el.innerText.trim() !== '')
  .map((el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0)
      .map((r) => Math.round(r.top)));
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    const padding = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
    return {
      text: el.innerText.trim(), lines: Math.max(1, tops.size), width: box.width - padding,
      font: parseFloat(style.fontSize),
      column: el.matches('td.text, th.name, .card .name'),
    };
  })"""
TEXTS = "h1, h2, p, li > a, .card .name, .card .sub, .card .badge, dt, dd, th, td"


def _squeezed(page, selector: str = TEXTS) -> list[dict]:
    """Texts wrapped to fewer than four characters a line, or text columns under four em."""
    bad = []
    for cell in page.evaluate(MEASURE, selector):
        per_line = len(cell["text"]) / cell["lines"]
        if per_line < min(4, len(cell["text"])) or (
            cell["column"] and cell["width"] < 4 * cell["font"] - 0.5
        ):
            bad.append(cell)
    return bad


def _page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def _open_published_month(page, base: str) -> str:
    page.goto(f"{base}/public/")
    link = page.locator("ul.list li > a").first
    expect(link).to_contain_text("公示")
    title = link.inner_text()
    link.click()
    expect(page.locator("h1")).to_have_text(title)
    return title


def test_the_published_month_reads_as_cards_on_a_phone(browser, live_server, artifacts):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", device_scale_factor=2)
    page = context.new_page()
    page.goto(f"{live_server.base}/public/")
    page.screenshot(path=artifacts / "60-public-list-360.png", full_page=True)
    assert _page_width(page) <= PHONE["width"]
    assert _squeezed(page) == []
    _open_published_month(page, live_server.base)

    cards = page.locator("#firms + ol.cards > li.card")
    assert cards.count() >= 3
    first = cards.first
    expect(first.locator(".rank")).to_have_text("1")
    expect(first.locator(".badge")).to_contain_text("级")
    expect(first.locator("dt")).to_have_text(["按期结案率", "返工率", "超期未结"])
    expect(page.locator("#firms-table")).to_be_hidden()
    page.screenshot(path=artifacts / "61-public-month-360.png")
    page.screenshot(path=artifacts / "62-public-month-360-full.png", full_page=True)
    assert _page_width(page) <= PHONE["width"], "the page itself must not scroll sideways"
    assert _squeezed(page) == []
    # The first screen shows the title and the top of the ranking, not a wall of figures.
    assert first.bounding_box()["y"] + first.bounding_box()["height"] <= PHONE["height"]
    context.close()


def test_the_full_table_is_one_tap_away_with_the_name_column_fixed(browser, live_server, artifacts):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", device_scale_factor=2)
    page = context.new_page()
    _open_published_month(page, live_server.base)
    more = page.get_by_role("link", name="查看单位完整表格 Full table")
    box = more.bounding_box()
    assert box["height"] >= 44  # a touch target
    more.click()
    table = page.locator("#firms-table")
    expect(table).to_be_visible()
    page.screenshot(path=artifacts / "63-public-table-360.png")
    assert _page_width(page) <= PHONE["width"], "only the table's own box scrolls"
    assert _squeezed(page, "#firms-table th, #firms-table td") == []

    scroller = table.locator(".scroll")
    sizes = scroller.evaluate("(el) => [el.scrollWidth, el.clientWidth]")
    assert sizes[0] > sizes[1], "the 14 columns scroll sideways inside the box"
    name = table.locator("tbody td.name").first
    kind = name.locator("xpath=following-sibling::td[1]")
    kind_before = kind.bounding_box()["x"]
    scroller.evaluate("(el) => { el.scrollLeft = 400; }")
    page.wait_for_function("() => document.querySelector('#firms-table .scroll').scrollLeft > 0")
    assert kind_before - kind.bounding_box()["x"] > 100, "the other columns scroll away"
    left_edge = scroller.evaluate("(el) => el.getBoundingClientRect().left + el.clientLeft")
    assert abs(name.bounding_box()["x"] - left_edge) < 1, "the name column stays at the edge"
    scroller.evaluate("(el) => { el.scrollLeft = el.scrollWidth; }")
    last = table.locator("thead th").last.bounding_box()
    assert last["x"] + last["width"] <= PHONE["width"], "the last column comes into view"
    assert abs(name.bounding_box()["x"] - left_edge) < 1
    page.screenshot(path=artifacts / "64-public-table-360-scrolled.png")
    context.close()


def test_the_published_month_prints_on_a4(browser, live_server, artifacts):
    context = browser.new_context(viewport={"width": A4_WIDTH_PX, "height": 1000})
    page = context.new_page()
    _open_published_month(page, live_server.base)
    page.emulate_media(media="print")
    expect(page.locator("ol.cards").first).to_be_hidden()
    expect(page.locator("nav")).to_be_hidden()
    for table in ("#firms-table", "#estates-table", "#streets-table", "#districts-table"):
        box = page.locator(table)
        expect(box).to_be_visible()
        inner, outer = box.evaluate("(el) => [el.scrollWidth, el.clientWidth]")
        assert inner <= outer, f"{table} is wider than the A4 page"
    assert _page_width(page) <= A4_WIDTH_PX
    assert _squeezed(page, "th, td") == []
    page.screenshot(path=artifacts / "65-public-month-a4-print.png", full_page=True)
    pdf = page.pdf(path=artifacts / "66-public-month-a4.pdf", format="A4")
    assert pdf.startswith(b"%PDF")
    context.close()
