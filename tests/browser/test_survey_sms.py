"""The owner survey's SMS step on a 360×740 phone (a server with SURVEY_SMS_VERIFICATION on and a
fake SMS gateway): the resident asks for a code with a plain form button, what was typed stays,
a wrong code is refused with the field marked, the right one (sent with the keyboard's Enter)
thanks; a gateway that is down says so. Then a supervisor reads an estate's comments (text
only, hostile text shown as text) on the 业主评价 screen."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.browser.audit import axe_violations, small_targets
from tests.browser.support import LiveServer, login, start_server
from tests.fakes.sms_gateway import FakeSmsGateway

expect = pytest.importorskip("playwright.sync_api").expect

PHONE = {"width": 360, "height": 740}
MOBILE = "13912345678"


@pytest.fixture(scope="module")
def gateway() -> Iterator[FakeSmsGateway]:
    fake = FakeSmsGateway()
    fake.start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def sms_server(gateway, tmp_path_factory) -> Iterator[LiveServer]:
    server = start_server(
        tmp_path_factory.mktemp("sms-instance"),
        workers=1,
        environment={
            "SURVEY_SMS_VERIFICATION": "1",
            "SURVEY_SMS_HASH_KEY": "browser-test-key",
            "SMS_GATEWAY_URL": gateway.url,
            "SMS_GATEWAY_KEY": gateway.key,
        },
    )
    yield server
    server.stop()


def _resident(browser):
    context = browser.new_context(
        viewport=PHONE,
        locale="zh-CN",
        device_scale_factor=2,
        has_touch=True,
        is_mobile=True,
        bypass_csp=True,  # only so that the axe audit can be injected
    )
    return context, context.new_page()


def _survey_path(server: LiveServer, user: str = "street1") -> tuple[dict, str]:
    estate = server.get("/api/estates?page_size=5", user)[0]
    link = server.get(f"/api/surveys/links/{estate['id']}", user)
    return estate, "/survey/" + link["url"].rsplit("/survey/", 1)[1]


def _rate_all(page, value: int) -> None:
    for fieldset in page.locator("fieldset[data-testid^=q-]").all():
        fieldset.locator("label").nth(value - 1).tap()


def test_resident_verifies_by_sms(browser, sms_server, gateway, artifacts):
    _, path = _survey_path(sms_server)
    context, page = _resident(browser)
    page.goto(f"{sms_server.base}{path}")
    expect(page.get_by_test_id("verify")).to_contain_text("手机验证")
    _rate_all(page, 4)
    page.get_by_test_id("home-building").fill("6")
    page.get_by_test_id("home-room").fill("302")
    page.get_by_test_id("phone").fill("139 1234 5678")
    page.get_by_test_id("send-code").tap()
    expect(page.get_by_test_id("code-sent")).to_contain_text("验证码已发送至 139****5678")
    expect(page.get_by_test_id("home-room")).to_have_value("302")
    expect(page.get_by_test_id("phone")).to_have_value("139 1234 5678")
    expect(page.locator("fieldset[data-testid=q-overall] input:checked")).to_have_value("4")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert small_targets(page) == []
    assert axe_violations(page) == []
    page.screenshot(path=artifacts / "sms-1-code-sent-360.png", full_page=True)

    code = re.search(r"\d{6}", gateway.texts_to(MOBILE)[-1]).group(0)
    wrong = "000000" if code != "000000" else "111111"
    page.get_by_test_id("code").fill(wrong)
    page.get_by_test_id("submit").tap()
    expect(page.get_by_test_id("message")).to_contain_text("验证码不正确")
    expect(page.get_by_test_id("verify")).to_have_class(re.compile("bad"))
    expect(page.get_by_test_id("code")).to_have_value("")
    page.screenshot(path=artifacts / "sms-2-wrong-code-360.png", full_page=True)

    page.get_by_test_id("code").fill(code)
    page.get_by_test_id("code").press("Enter")  # the keyboard's 前往: sends the answer
    expect(page.get_by_test_id("thanks")).to_contain_text("感谢您的评价")
    assert len(gateway.texts_to(MOBILE)) == 1  # Enter did not ask for another code
    context.close()

    # The gateway is down: the resident is told, in Chinese, to try later.
    gateway.fail_next.append(503)
    context, page = _resident(browser)
    page.goto(f"{sms_server.base}{path}")
    page.get_by_test_id("phone").fill("13700001111")
    page.get_by_test_id("send-code").tap()
    expect(page.get_by_test_id("message")).to_contain_text("短信发送失败,请稍后再试")
    page.screenshot(path=artifacts / "sms-3-gateway-down-360.png", full_page=True)
    context.close()


def test_supervisor_reads_comments_as_text(browser, live_server, artifacts):
    server = live_server
    served = server.get("/api/surveys/results", "supervisor1")
    estate = next(row for row in served["estates"] if row["published"])
    link = server.get(f"/api/surveys/links/{estate['estate_id']}", "supervisor1")
    hostile = "<img src=x onerror=\"document.title='pwned'\">灯不亮"
    context, page = _resident(browser)
    page.goto(link["url"])
    _rate_all(page, 3)
    page.get_by_test_id("home-building").fill("88")
    page.get_by_test_id("home-room").fill("808")
    page.get_by_test_id("comment").fill(hostile)
    page.get_by_test_id("submit").tap()
    expect(page.get_by_test_id("thanks")).to_be_visible()
    context.close()

    context = browser.new_context(viewport=PHONE, locale="zh-CN", device_scale_factor=2)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{server.base}/")
    login(page, "supervisor1")
    page.get_by_test_id("sv-nav-owners").click()
    row = page.locator(f"[data-testid=owners-row][data-code='{estate['estate_code']}']")
    expect(row).to_be_visible(timeout=15_000)
    row.get_by_test_id("owners-comments-open").click()
    panel = page.get_by_test_id("owners-comments")
    expected = server.get(f"/api/surveys/comments/{estate['estate_id']}", "supervisor1")
    assert hostile in expected["comments"]
    items = panel.get_by_test_id("owners-comment")
    expect(items).to_have_count(len(expected["comments"]))
    assert items.all_inner_texts() == expected["comments"]
    assert panel.locator("img").count() == 0 and page.title() != "pwned"
    assert small_targets(page) == []
    page.screenshot(path=artifacts / "sms-4-owners-comments-360.png", full_page=True)
    # Firms never read them.
    status = server.call("GET", f"/api/surveys/comments/{estate['estate_id']}", user="firm1")[0]
    assert status == 403
    assert errors == []
    context.close()
