"""An administrator on a 360×740 phone opens 管理 → 通知: the dead letters (channel, recipient,
ticket code, attempts, the channel's reason, time), filtered by channel, and the users only the
app reaches with why, in Chinese first and English a tap away. Hostile text (a bell character, a
name hundreds of characters long, markup) is shown as text and never widens the page; every
target is at least 44×44 and axe finds no serious fault."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.browser.audit import axe_violations, small_targets
from tests.browser.support import ROOT, login

expect = pytest.importorskip("playwright.sync_api").expect

PHONE = {"width": 360, "height": 740}
LONG = "长" * 100  # as long as a display name may be
# Rows the notifier would have left (a gateway refusing for good, a push service failing) for two
# accounts of their own: one with the longest name, one whose (legacy) name holds a control
# character and markup. Written through the models, as the app would.
SEED = f"""
import sqlalchemy as sa
from backend import create_app
from backend.accounts.models import User
from backend.database import db
from backend.notifications.models import Channel, Delivery, DeliveryState
from backend.tickets.models import Ticket

with create_app().app_context():
    ticket = db.session.scalar(sa.select(Ticket).order_by(Ticket.id))
    firm = db.session.scalar(sa.select(User).where(User.username == "firm1"))
    made = {{}}
    for username, name in (("notify_long", "{LONG}"), ("notify_markup", "<b>街道\\x07监管</b>")):
        made[username] = User(username=username, display_name=name, role=firm.role,
                              organisation_id=firm.organisation_id,
                              password_hash=firm.password_hash)
        db.session.add(made[username])
    db.session.flush()
    for key, user, channel, why, t in (
        ("a", made["notify_long"], Channel.sms,
         "gateway 401: invalid key\\x1b[31m" + "x" * 400, ticket.id),
        ("b", made["notify_markup"], Channel.push,
         "push service 500 <script>alert(1)</script>", None),
    ):
        db.session.add(Delivery(key=f"browser-test:{{key}}", topic="ticket.dispatch",
                                ticket_id=t, user_id=user.id, channel=channel, title="新工单",
                                state=DeliveryState.dead, attempts=6, last_error=why))
    db.session.commit()
    print(ticket.id, ticket.code)
"""


def _seed(live_server) -> tuple[int, str]:
    instance = Path(live_server.log).parent
    env = {**os.environ, "WUHAO_INSTANCE_DIR": str(instance), "FLASK_APP": "backend"}
    env.pop("DATABASE_URL", None)
    env["SPATIALITE_LIBRARY_PATH"] = os.environ.get("SPATIALITE_LIBRARY_PATH", "mod_spatialite")
    done = subprocess.run([ROOT / ".venv" / "bin" / "python", "-c", SEED], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    ticket_id, code = done.stdout.split()[-2:]
    return int(ticket_id), code


def _fits(page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width


def test_notifier_health_on_a_phone(browser, live_server, artifacts):
    ticket_id, code = _seed(live_server)
    context = browser.new_context(viewport=PHONE, locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    try:
        page.goto(f"{live_server.base}/")
        login(page, "admin")
        expect(page.get_by_test_id("sv-nav-admin")).to_be_visible()
        page.goto(f"{live_server.base}/admin/notify")
        section = page.get_by_test_id("admin-notify")
        dead = section.get_by_test_id("notify-dead-list")
        sms = dead.locator("li", has_text="invalid key")
        expect(sms).to_have_count(1)
        expect(sms).to_contain_text("短信")
        expect(sms).to_contain_text("尝试 6 次")
        expect(sms.get_by_test_id("notify-ticket")).to_have_text(code)
        expect(sms.get_by_test_id("notify-ticket")).to_have_attribute(
            "href", f"/supervise/tickets/{ticket_id}"
        )
        expect(sms.get_by_test_id("notify-recipient")).to_contain_text("(notify_long)")
        # The escape character shows as a symbol, not as an invisible control.
        expect(sms.get_by_test_id("notify-reason")).to_contain_text("invalid key\u241b[31m")
        push = dead.locator("li", has_text="push service 500")
        expect(push).to_contain_text("(无工单)")
        expect(push.get_by_test_id("notify-recipient")).to_contain_text("<b>街道\u2407监管</b>")
        expect(push.get_by_test_id("notify-reason")).to_contain_text("<script>alert(1)</script>")
        assert section.locator("b").count() == section.locator("script").count() == 0  # text
        _fits(page)

        users = section.get_by_test_id("notify-unreachable-list")
        inspector = users.get_by_test_id("notify-user-inspector1")
        expect(inspector).to_contain_text("网格员")
        expect(inspector.get_by_test_id("notify-reasons")).to_contain_text("系统未配置短信网关")
        expect(inspector.get_by_test_id("notify-reasons")).to_contain_text("系统未配置网页推送")
        page.screenshot(path=artifacts / "85-admin-notify-360.png", full_page=True)
        assert small_targets(page) == []
        assert axe_violations(page) == []

        # One channel only.
        section.get_by_test_id("notify-channel").select_option("push")
        expect(dead.locator("li", has_text="invalid key")).to_have_count(0)
        expect(dead.locator("li", has_text="push service 500")).to_have_count(1)

        page.get_by_test_id("lang").click()
        expect(section).to_contain_text("Dead letters")
        expect(dead).to_contain_text("Web Push")
        expect(inspector.get_by_test_id("notify-reasons")).to_contain_text(
            "No SMS gateway is configured"
        )
        _fits(page)
        page.get_by_test_id("lang").click()
    finally:
        context.close()


def test_urges_column_on_the_phone_dashboard(browser, live_server, artifacts):
    """The scorecard dashboard's 催办 column (acknowledged/urged) at 360 px: the demo's urges of
    the last 30 days, the table scrolling inside its frame, never the page."""
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{live_server.base}/")
        login(page, "supervisor1")
        page.get_by_test_id("sv-nav-scorecards").click()
        table = page.get_by_test_id("sv-table")
        expect(table).to_be_visible()
        # The period the page shows (its own default, the last 30 days), asked of the API too.
        first, last = (page.locator(".sv-date input").nth(i).input_value() for i in (0, 1))
        days = f"from={first}&to={last}"
        firms = live_server.get(f"/api/reports/scorecards/firms?{days}", "supervisor1")
        urged = [f for f in firms if f["urges"]]
        assert urged, "the demo urges overdue tickets"
        expect(table.locator("th", has_text="催办")).to_have_count(1)
        row = table.locator("tr", has_text=urged[0]["name"])
        expect(row).to_contain_text(f"{urged[0]['urges_acknowledged']}/{urged[0]['urges']}")
        _fits(page)
        page.screenshot(path=artifacts / "86-dashboard-urges-360.png", full_page=True)
        assert small_targets(page) == []
    finally:
        context.close()
