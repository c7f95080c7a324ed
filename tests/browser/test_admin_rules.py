"""The admin console's rules at a desk (1280×800): a checklist file is checked with its problems
by line, saved as a draft and activated; a contract is created and ended and the estate's
history shows who served it when; a bad input is refused beside its field and changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.audit import axe_violations, small_targets
from tests.browser.support import ROOT, login

expect = pytest.importorskip("playwright.sync_api").expect

STANDARD = ROOT / "checklists" / "wuhao-standard.yaml"
CODE = "admin-rules-test"
FIRM = "大连万家物业服务有限公司"


def _audit(page, artifacts: Path, name: str, focus) -> None:
    """What the desk shows with `focus` in view, then tap sizes and axe over the whole page."""
    focus.scroll_into_view_if_needed()
    page.screenshot(path=artifacts / name)
    assert small_targets(page) == []
    assert axe_violations(page) == []


def _files(tmp_path: Path) -> tuple[Path, Path, int]:
    """A valid checklist of its own code, and the same with a severity that does not exist
    (and the line of that mistake)."""
    good = STANDARD.read_text(encoding="utf-8").replace("code: wuhao-standard", f"code: {CODE}", 1)
    bad = good.replace("severity: minor", "severity: trivial", 1).replace(
        "weight: 10\n", "weight: ten\n", 1
    )
    line = bad.splitlines().index(next(x for x in bad.splitlines() if "trivial" in x)) + 1
    (tmp_path / "good.yaml").write_text(good, encoding="utf-8")
    (tmp_path / "broken.yaml").write_text(bad, encoding="utf-8")
    return tmp_path / "good.yaml", tmp_path / "broken.yaml", line


def _sign_in(page, base: str, path: str) -> None:
    page.goto(f"{base}/")
    login(page, "admin")
    expect(page.get_by_test_id("sv-nav-admin")).to_be_visible()
    page.goto(f"{base}{path}")


def _codes(live_server) -> set[str]:
    return {c["code"] for c in live_server.get("/api/checklists", "admin")}


def test_checklist_upload_validate_save_and_activate(browser, live_server, artifacts, tmp_path):
    good, broken, line = _files(tmp_path)
    context = browser.new_context(
        viewport={"width": 1280, "height": 800}, locale="zh-CN", bypass_csp=True
    )
    page = context.new_page()
    try:
        _sign_in(page, live_server.base, "/admin/checklists")
        section = page.get_by_test_id("admin-checklists")
        expect(section.get_by_test_id("checklist-table")).to_contain_text("wuhao-standard")

        # A broken file: every problem, by line, beside the file field; nothing is stored.
        page.get_by_test_id("checklist-file").set_input_files(broken)
        problems = page.get_by_test_id("checklist-problems")
        expect(problems).to_contain_text("2 处问题")
        expect(page.get_by_test_id("checklist-filename")).to_have_text("broken.yaml")
        expect(problems.locator(f"li[data-line='{line}']")).to_contain_text(f"第 {line} 行")
        expect(problems).to_contain_text("severity")
        expect(problems).to_contain_text("weight")
        expect(page.get_by_test_id("checklist-save")).to_have_count(0)
        assert CODE not in _codes(live_server)
        _audit(page, artifacts, "80-admin-checklist-problems-1280.png", problems)
        page.get_by_test_id("lang").click()
        expect(problems).to_contain_text("The file has 2 problem(s)")
        expect(problems.locator(f"li[data-line='{line}']")).to_contain_text(f"Line {line}")
        expect(page.get_by_test_id("checklist-filename")).to_have_text("broken.yaml")
        page.get_by_test_id("lang").click()
        expect(problems).to_contain_text("2 处问题")

        # A good one: checked, saved as a draft, then activated.
        page.get_by_test_id("checklist-file").set_input_files(good)
        expect(page.get_by_test_id("checklist-valid")).to_contain_text(f"校验通过:{CODE}")
        expect(page.get_by_test_id("checklist-problems")).to_have_count(0)
        page.get_by_test_id("checklist-save").click()
        expect(page.get_by_test_id("checklist-saved")).to_contain_text("第 1 版(草稿)")
        page.get_by_test_id("checklist-saved").get_by_role("button").click()
        row = page.get_by_test_id("version-table").locator("tr[data-version='1']")
        expect(row).to_have_attribute("data-status", "draft")
        page.get_by_test_id("activate-1").click()
        page.get_by_test_id("activate-1-confirm").click()
        expect(page.get_by_test_id("checklist-activated")).to_have_text("已启用第 1 版。")
        expect(row).to_have_attribute("data-status", "active")
        expect(row).to_contain_text("启用中")
        active = live_server.get("/api/checklists/active", "admin")["checklists"]
        assert CODE in {c["code"] for c in active}
        _audit(page, artifacts, "81-admin-checklist-active-1280.png", row)

        expect(page.get_by_test_id("checklist-saved")).to_have_count(0)
        page.get_by_role("link", name="返回检查表列表").click()
        listed = page.get_by_test_id("checklist-table").locator(f"tr[data-code='{CODE}']")
        expect(listed).to_contain_text("第 1 版")
    finally:
        context.close()
        # Other browser tests share this server: phones should see only the standard checklist.
        for checklist in live_server.get("/api/checklists", "admin"):
            for version in checklist["versions"]:
                if checklist["code"] == CODE and version["status"] == "active":
                    url = f"/api/checklists/{checklist['id']}/versions/{version['id']}/retire"
                    live_server.call("POST", url, user="admin")


def _new_estate(live_server) -> dict:
    """An estate of its own (outside every grid), so no other test sees its contracts change."""
    street = next(s for s in live_server.get("/api/streets", "admin") if s["code"] == "210202001")
    west, south = 121.80, 38.99
    ring = [[west, south], [west + 0.002, south], [west + 0.002, south + 0.0015],
            [west, south + 0.0015], [west, south]]  # fmt: skip
    body = {"code": "ADMRULES1", "name": "规则测试小区", "street_id": street["id"],
            "address": "测试路1号", "geometry": {"type": "Polygon", "coordinates": [ring]}}  # fmt: skip
    status, _, estate = live_server.call("POST", "/api/estates", body, user="admin")
    assert status == 201, estate
    return estate


def test_contract_create_end_and_history(browser, live_server, artifacts):
    estate = _new_estate(live_server)
    contracts = f"/api/contracts?estate_id={estate['id']}"
    context = browser.new_context(
        viewport={"width": 1280, "height": 800}, locale="zh-CN", bypass_csp=True
    )
    page = context.new_page()
    try:
        _sign_in(page, live_server.base, "/admin/contracts")
        page.get_by_test_id("estate-search").fill("规则测试")
        page.get_by_test_id("estate-search").press("Enter")
        page.get_by_test_id("estate-table").get_by_role("link", name="规则测试小区").click()
        expect(page.get_by_test_id("history-empty")).to_be_visible()
        expect(page.get_by_test_id("responsible-today")).to_contain_text("街道临时托管")

        form = page.get_by_test_id("contract-form")
        form.locator("select[name=firm_id]").select_option(label=FIRM)
        form.locator("input[name=start_date]").fill("2024-01-01")
        form.locator("input[name=reference]").fill("GZ-2024-01")
        form.get_by_test_id("contract-save").click()
        expect(page.get_by_test_id("contracts-notice")).to_have_text("合同已保存。")
        history = page.get_by_test_id("history-table")
        row = history.locator("tr[data-kind=contract]")
        expect(row).to_have_attribute("data-state", "current")
        expect(row).to_contain_text(FIRM)
        expect(page.get_by_test_id("responsible-today")).to_contain_text(FIRM)
        (contract,) = live_server.get(contracts, "admin")

        # Ending before it began: refused beside the date, the contract unchanged.
        page.get_by_test_id(f"end-{contract['id']}").click()
        end_form = page.get_by_test_id("end-form")
        end_form.locator("input[name=end_date]").fill("2023-06-30")
        end_form.get_by_test_id("end-confirm").click()
        expect(end_form.get_by_test_id("error-end_date")).to_contain_text("2024-01-01")
        assert live_server.get(contracts, "admin")[0]["end_date"] is None
        _audit(page, artifacts, "82-admin-contract-end-refused-1280.png", end_form)

        end_form.locator("input[name=end_date]").fill("2025-06-30")
        end_form.get_by_test_id("end-confirm").click()
        expect(page.get_by_test_id("contracts-notice")).to_have_text(
            "合同已终止,最后一日为 2025-06-30。"
        )
        expect(row).to_have_attribute("data-state", "past")
        expect(row).to_contain_text("2025-06-30")

        # Another contract over the same months: refused beside the start date, nothing added.
        form.locator("select[name=firm_id]").select_option(label=FIRM)
        form.locator("input[name=start_date]").fill("2025-01-01")
        form.get_by_test_id("contract-save").click()
        expect(form.get_by_test_id("error-start_date")).to_contain_text("overlaps contract")
        expect(form.get_by_test_id("admin-form-error")).to_contain_text("已有管理安排")
        assert len(live_server.get(contracts, "admin")) == 1
        expect(history.locator("tbody tr")).to_have_count(1)

        # The street office takes it from the day after; the history reads who served when.
        custody = page.get_by_test_id("custody-form")
        custody.locator("select[name=mode]").select_option("street_custody")
        custody.locator("select[name=custodian_id]").select_option(label="青泥洼桥街道办事处")
        custody.locator("input[name=start_date]").fill("2025-07-01")
        custody.get_by_test_id("custody-save").click()
        expect(page.get_by_test_id("contracts-notice")).to_have_text("托管已登记。")
        expect(history.locator("tbody tr")).to_have_count(2)
        expect(history.locator("tbody tr").first).to_contain_text("青泥洼桥街道办事处")
        expect(history.locator("tbody tr").nth(1)).to_contain_text("2024-01-01")
        _audit(page, artifacts, "83-admin-contract-history-1280.png", history)
    finally:
        context.close()
