"""集中整治 on a 360×740 phone, against the demo data as it is on first start: a street
supervisor opens the tab from the nav, sees the quarter's list of their street with the reasons
in words (the API's), classifies an estate and records a measure (kept below, newest first, the
earlier notes still there), exports the list with its outcomes, and reads the 考核 ranking of the
streets of their district. The city's administrator reads the list without a form. Chinese
first, every target at least 44×44, nothing wider than the screen, no serious accessibility
faults."""

from __future__ import annotations

import csv
import io
import re

import pytest

from tests.browser.audit import axe_violations, small_targets
from tests.browser.support import login

expect = pytest.importorskip("playwright.sync_api").expect
PHONE = {
    "viewport": {"width": 360, "height": 740},
    "locale": "zh-CN",
    "timezone_id": "Asia/Shanghai",
    "bypass_csp": True,  # lets the test inject axe-core; the app's own CSP is tested elsewhere
}


def _open(browser, server, user):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{server.base}/")
    login(page, user)
    role = "admin" if user == "admin" else "supervisor"
    expect(page.get_by_test_id(f"home-{role}")).to_be_visible()
    nav = page.get_by_test_id("sv-nav-watchlist")
    expect(nav).to_have_text("集中整治")
    nav.click()
    expect(page.get_by_test_id("watch-screen")).to_be_visible()
    expect(page.get_by_test_id("wl-list")).to_be_visible(timeout=15_000)
    return context, page, errors


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert small_targets(page) == []
    assert axe_violations(page) == []


def test_street_supervisor_classifies_and_records(browser, live_server, artifacts, tmp_path):
    context, page, errors = _open(browser, live_server, "street1")
    listing = live_server.get("/api/watchlist", "street1")
    entries = listing["estates"]
    assert entries, "the demo lists estates of street1's street"
    expect(page.get_by_test_id("wl-entry")).to_have_count(len(entries))
    first = page.get_by_test_id("wl-entry").first
    expect(first.get_by_test_id("wl-reasons")).to_have_text("、".join(entries[0]["reasons"]))
    expect(first).to_contain_text(f"{entries[0]['points']} 分")
    # The demo's street supervisor has classified the first estate already.
    expect(first.get_by_test_id("wl-class")).to_have_text("服务质量差")
    _fits(page)
    page.screenshot(path=artifacts / "97-watchlist-360.png", full_page=True)

    # Re-classify the first estate and record a measure: both kept, the earlier notes too.
    first.get_by_test_id("wl-decide").click()
    form = first.get_by_test_id("wl-form")
    form.get_by_test_id("wl-kind-classification").check()
    form.get_by_test_id("wl-cat-legacy").check()
    form.get_by_test_id("wl-save").click()
    expect(page.get_by_test_id("wl-notice")).to_have_text("已保存")
    expect(first.get_by_test_id("wl-class")).to_have_text("服务较好但历史遗留问题多")
    first.get_by_test_id("wl-kind-measure").check()
    first.get_by_test_id("wl-text").fill("街道召开协调会,物业与业委会共同制定整改清单")
    first.get_by_test_id("wl-save").click()
    notes = first.get_by_test_id("wl-notes").locator("li")
    expect(notes.first).to_contain_text("街道召开协调会")
    expect(notes).to_have_count(5)  # the demo's three, the new classification, the measure
    expect(notes.last).to_contain_text("服务质量差")
    # An empty measure is refused in words, nothing saved.
    first.get_by_test_id("wl-save").click()
    expect(first.get_by_test_id("wl-error")).to_contain_text("请填写内容")
    expect(notes).to_have_count(5)
    _fits(page)
    page.screenshot(path=artifacts / "97-watchlist-form-360.png", full_page=True)

    # The export holds the outcomes.
    with page.expect_download() as caught:
        page.get_by_test_id("wl-export-csv").click()
    path = tmp_path / "watchlist.csv"
    caught.value.save_as(path)
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    mine = next(r for r in rows[1:] if r[1] == entries[0]["code"])
    assert mine[12] == "服务较好但历史遗留问题多" and "街道召开协调会" in mine[13]

    # 考核: the streets of street1's district, ranked within it.
    page.get_by_test_id("wl-tab-rank").click()
    ranking = live_server.get("/api/rankings?level=street", "street1")["rows"]
    expect(page.get_by_test_id("rank-row")).to_have_count(len(ranking))
    top = next(r for r in ranking if r["rank"] == 1)
    row = page.locator(f"[data-testid=rank-row][data-name='{top['name']}']")
    expect(row).to_contain_text(f"{top['composite']:.1f}")
    page.get_by_test_id("rank-level-district").click()
    districts = live_server.get("/api/rankings?level=district", "street1")["rows"]
    expect(page.get_by_test_id("rank-row")).to_have_count(len(districts))
    _fits(page)
    page.screenshot(path=artifacts / "97-rankings-360.png", full_page=True)
    assert errors == []
    context.close()


def test_admin_reads_the_city_list(browser, live_server):
    context, page, errors = _open(browser, live_server, "admin")
    listing = live_server.get("/api/watchlist", "admin")["estates"]
    expect(page.get_by_test_id("wl-entry")).to_have_count(len(listing))
    first = page.get_by_test_id("wl-entry").first
    expect(first.get_by_test_id("wl-decide")).to_have_text(re.compile("记录"))
    first.get_by_test_id("wl-decide").click()
    expect(first.get_by_test_id("wl-form")).to_have_count(0)
    # In English too.
    page.get_by_test_id("lang").click()
    expect(page.get_by_test_id("sv-nav-watchlist")).to_have_text("Watch list")
    expect(page.get_by_test_id("wl-tab-rank")).to_have_text("Rankings")
    expect(first.get_by_test_id("wl-class")).to_have_text(
        re.compile(
            "^(Not classified|Poor service|Good service, many legacy problems|Can self-govern)$"
        )
    )
    assert errors == []
    context.close()


def test_public_page_shows_the_published_ranking(browser, live_server, artifacts):
    """The demo's monthly 公示 freezes the 考核 section: on a phone, cards then the full tables."""
    # The newest with the section: other tests may publish newer ones without it.
    published = (
        live_server.get(f"/api/public/disclosures/{entry['id']}", "admin")
        for entry in live_server.get("/api/public/disclosures", "admin")
    )
    latest = next(d for d in published if "kaohe" in d["sections"])
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{live_server.base}/public/{latest['id']}")
    heading = page.locator("#kaohe")
    expect(heading).to_have_text("区市县、街道考核排名 District and street 考核")
    streets = page.locator("table[data-section=kaohe-streets] tbody tr")
    expect(streets).to_have_count(len(latest["kaohe"]["streets"]))
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    heading.scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "97-public-kaohe-360.png")
    context.close()
