"""The checklist is quick where all is well: an all-pass inspection of the 58-item standard takes
at most 60 taps on a 360 px phone (every tap, confirmation and typed number is counted), numbers
are asked only when the item's rule needs them, ranges read naturally, and a failing count still
records its number on the server."""

from __future__ import annotations

import pytest

from tests.browser.support import login, ordered_items, phone_photo, single_pass_value

expect = pytest.importorskip("playwright.sync_api").expect

MAX_TAPS = 60


class Taps:
    """Every tap the inspector makes, a confirmation dialog's OK included, and every number typed."""

    def __init__(self, page) -> None:
        self.page, self.taps, self.typed = page, 0, 0
        page.on("dialog", self._confirm)

    def _confirm(self, dialog) -> None:
        self.taps += 1
        dialog.accept()

    def tap(self, locator) -> None:
        self.taps += 1
        locator.click()

    def type_number(self, locator, value) -> None:
        self.tap(locator)  # focusing the field is a tap
        self.typed += 1
        locator.fill(str(value))


def _walk(page, taps: Taps, items: list[dict], artifacts, fail=None, photo=None) -> None:
    """Answer the checklist the quick way: pass whole areas, type only what the rule needs."""
    by_code = {item["code"]: item for item in items}
    card = page.get_by_test_id("item")
    while True:
        expect(card).to_be_visible()
        code = card.get_attribute("data-code")
        item = by_code[code]
        if fail and code == fail["code"]:
            taps.tap(card.get_by_test_id("fail-count"))
            taps.type_number(card.get_by_test_id("number"), 3)
            taps.tap(card.get_by_test_id("note"))
            card.get_by_test_id("note").fill("两处井盖缺失,一处破损")
            card.get_by_test_id("photo-input").set_input_files(photo)
            taps.taps += 1  # the camera button
            expect(card.get_by_test_id("thumb")).to_have_count(1)
            expect(card.get_by_test_id("rule")).to_have_text(f"应为 0 {item['answer']['unit']}")
            page.screenshot(path=artifacts / "taps-failing-count-item-360.png", full_page=True)
            fail = None
        elif page.get_by_test_id("pass-rest").count():
            rest = page.get_by_test_id("pass-rest")
            taps.tap(rest)
            expect(card).not_to_have_attribute("data-code", code)
            if page.get_by_test_id("review").count():
                return
            continue
        elif item["answer"]["type"] == "number" and single_pass_value(item) is None:
            expect(card.get_by_test_id("rule")).to_have_text(
                f"应不少于 {item['answer']['pass_min']} {item['answer']['unit']}"
            )
            taps.type_number(card.get_by_test_id("number"), item["answer"]["pass_min"] + 5)
        else:
            label = "合格"
            if item["answer"]["type"] == "choice":
                label = next(o["zh"] for o in item["answer"]["options"] if o["passes"])
            taps.tap(card.get_by_role("button", name=label, exact=True))
            if card.get_by_test_id("to-review").count() == 0:
                expect(card).not_to_have_attribute("data-code", code)
                continue
        if card.get_by_test_id("to-review").count():
            taps.tap(card.get_by_test_id("to-review"))
            return
        taps.tap(card.get_by_test_id("next"))
        expect(card).not_to_have_attribute("data-code", code)


def _inspect(browser, live_server, artifacts, estate_index: int, name: str, fail=None, photo=None):
    checklist = live_server.get("/api/checklists/active", "inspector2")["checklists"][0]
    items = ordered_items(checklist)
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.base}/")
    login(page, "inspector2")
    expect(page.get_by_test_id("estate").first).to_be_visible()
    taps = Taps(page)
    taps.tap(page.get_by_test_id("estate").nth(estate_index))
    taps.tap(page.get_by_test_id("start"))
    expect(page.get_by_test_id("item")).to_be_visible()
    # A count that must be 0 is answered with a tap; its rule reads as a person says it.
    zero = next(i for i in items if single_pass_value(i) == 0)
    assert zero["answer"]["unit"]
    page.screenshot(path=artifacts / f"{name}-first-item-360.png")
    _walk(page, taps, items, artifacts, fail, photo)
    review = page.get_by_test_id("review")
    expect(review).to_be_visible()
    expect(review).to_contain_text(f"已答 {len(items)} / {len(items)}")
    page.screenshot(path=artifacts / f"{name}-review-360.png")
    taps.tap(page.get_by_test_id("submit"))
    item = page.get_by_test_id("queue-item")
    expect(item).to_have_attribute("data-state", "done", timeout=60_000)
    inspection_id = item.get_attribute("data-id")
    stored = live_server.get(f"/api/inspections/{inspection_id}", "inspector2")
    context.close()
    return taps, stored, items


def test_all_pass_inspection_takes_at_most_60_taps(browser, live_server, artifacts):
    taps, stored, items = _inspect(browser, live_server, artifacts, 0, "taps-all-pass")
    print(f"all-pass inspection: {taps.taps} taps, {taps.typed} typed numbers, {len(items)} items")
    assert taps.taps <= MAX_TAPS, (taps.taps, taps.typed)
    assert stored["unanswered"] == []
    assert len(stored["results"]) == len(items)
    assert {r["outcome"] for r in stored["results"]} == {"pass"}
    counts = {r["item_code"]: r["answer"] for r in stored["results"]}
    for item in items:
        if single_pass_value(item) is not None:
            assert counts[item["code"]] == single_pass_value(item), item["code"]


def test_failing_count_records_its_number(browser, live_server, artifacts, tmp_path):
    checklist = live_server.get("/api/checklists/active", "inspector2")["checklists"][0]
    items = ordered_items(checklist)
    # The first item of a later area, so that passing earlier areas leads the walk straight to it.
    firsts = [i for n, i in enumerate(items) if n == 0 or items[n - 1]["area"] != i["area"]]
    failing = next(i for i in firsts[1:] if single_pass_value(i) == 0 and i["on_fail"]["photo"])
    photo = phone_photo(tmp_path / "IMG_0001.jpg", seed=9)
    taps, stored, _ = _inspect(
        browser, live_server, artifacts, 1, "taps-failing-count", fail=failing, photo=photo
    )
    print(f"inspection with one failing count: {taps.taps} taps, {taps.typed} typed numbers")
    result = next(r for r in stored["results"] if r["item_code"] == failing["code"])
    assert result["answer"] == 3
    assert result["outcome"] == "fail"
    assert len(result["photos"]) == 1
    assert [r["item_code"] for r in stored["results"] if r["outcome"] == "fail"] == [
        failing["code"]
    ]
