"""/public/fullcover: 物业管理全覆盖 for the whole city, read live (no token, no scripts). Places
and estates only: no person, phone or firm staff appears (estates are public places)."""

from __future__ import annotations

from flask import Blueprint, render_template

from backend.clock import today
from backend.fullcover import services
from backend.fullcover.rules import MODES
from backend.places.scope import Scope
from backend.reports.rates import percent_text

pages = Blueprint("fullcover_pages", __name__, url_prefix="/public", template_folder="templates")
pages.add_app_template_filter(percent_text, "percent")
STATUS = {
    "met": "达标 met",
    "missed": "未达标 missed",
    "pending": "未到期 pending",
    "not_applicable": "无需覆盖 n/a",
}
MODE_TITLES = {
    "market": "市场化物业 market",
    "state_takeover": "国有接管 state takeover",
    "charitable_custody": "公益托管 charitable",
    "self_managed": "业主自治 self-managed",
    "unmanaged": "无物业 unmanaged",
}


@pages.after_request
def _cacheable(response):
    if response.status_code == 200:
        response.headers.setdefault("Cache-Control", "public, max-age=60")
    return response


@pages.get("/fullcover")
def fullcover_page():
    on, everyone = today(), Scope.all()
    districts = services.progress("district", on, None, "old", everyone)
    streets = services.progress("street", on, on, "old", everyone)
    unmanaged = services.still_unmanaged(on, "old", everyone)
    return render_template(
        "fullcover/page.html",
        d=districts,
        streets=streets["rows"],
        unmanaged=unmanaged,
        status=STATUS,
        modes=[(mode.value, MODE_TITLES[mode.value]) for mode in MODES],
    )
