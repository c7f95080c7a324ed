"""Access-control matrix: every route of the app × every kind of caller × an object in and out
of the caller's scope.

HOW TO ADD AN ENDPOINT (one line in MATRIX below)
    "METHOD /rule/as/in/app.url_map/<int:thing_id>": Row(WHO, "kind"),
- The key is the HTTP method and the rule exactly as Flask writes it (`flask routes` shows it).
  GET covers HEAD; a route without a row fails `test_every_route_has_a_row`.
- WHO: PUBLIC (no token needed), ANY (any signed-in user), or a tuple of roles (ADMIN, STAFF …).
- "kind" (optional) names the scoped object (estate, grid, inspection, ticket, photo); its ids
  come from the `world` fixture, once in scope of inspector1 / firm1 / street1 / supervisor1
  and once outside (VISIBLE says who sees which). Leave it out for lists and for objects
  everybody may read. Path parameters are filled by name (PARAM_KIND, world["fixed"]).
- body= (optional): JSON, bytes, or a function (world, "in"|"out") → either, for a POST, PUT
  or PATCH, so the view gets past input validation and really decides about scope.
- query= (optional): a query string the route needs (e.g. the map's bbox).
- refused= the answer for an object out of scope: 404 when it is in the path (the default),
  422 when the body names it (an unknown or foreign estate is invalid input, same message).
What is asserted, for each caller:
    anonymous on a non-public route → 401; a role not in WHO → 403;
    an allowed role and an object outside its scope → 404;
    otherwise: GET/HEAD → 2xx/304, other methods → past the gates (not 401/403/404), never 5xx.
All requests run in the test's transaction (rolled back at the end); rows that change things
are written so that they do not change what later rows see (see `_runs_last`).
"""

from __future__ import annotations

import base64
import re
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from backend.accounts.models import Role, User
from backend.accounts.services import UserSpec, create_user
from backend.checklists.models import ChecklistVersion, VersionStatus
from backend.clock import utcnow
from backend.fullcover.models import CoverageMilestone
from backend.open311.keys import create_key
from backend.photos.models import PhotoUpload
from backend.places.models import (
    Community,
    Estate,
    Grid,
    Organisation,
    OrgKind,
    ServiceContract,
)
from backend.plans.models import AreaKind, Plan, PlanVersion, ScheduleKind
from tests.inspections.conftest import jpeg, sha
from tests.security.tokens import bearer

USERS = ("inspector1", "inspector2", "firm1", "firm2", "street1", "supervisor1", "admin",
         "committee1", "community1")  # fmt: skip
CALLERS = ("anonymous", *USERS)
ROLE_OF = {
    "inspector1": "inspector", "inspector2": "inspector", "firm1": "firm", "firm2": "firm",
    "street1": "supervisor", "supervisor1": "supervisor", "admin": "admin",
    # 考评 assessors (demo: E003's owners' committee, 友好社区): they hold neither E001 nor E010.
    "committee1": "committee", "community1": "community",
}  # fmt: skip
PUBLIC: tuple[str, ...] = ("public",)
ANY: tuple[str, ...] = ("inspector", "firm", "supervisor", "admin")
SIGNED_IN = (*ANY, "committee", "community")  # every role: who am I, my password, sign out
KAOPING_READERS = SIGNED_IN
ASSESSORS = ("committee", "community", "supervisor")  # supervisors: street ones only
ADMIN = ("admin",)
STAFF = ("inspector", "supervisor", "admin")
FIELD = ("inspector", "supervisor")
UPLOADERS = ("inspector", "firm", "supervisor", "admin")
SUPERVISORS = ("supervisor", "admin")

NEW_PHOTO = jpeg(4242, size=(80, 60))
DALIAN_BBOX = "bbox=121.2,38.7,122.0,39.2"
DALIAN = f"{DALIAN_BBOX}&zoom=16"
# Who sees the object in scope ("in") and the one outside ("out"), per kind.
IN_SCOPE = {"inspector1", "firm1", "street1", "supervisor1", "admin"}
VISIBLE: dict[str, tuple[set[str], set[str]]] = {
    "estate": (IN_SCOPE, {"admin"}),  # E001 / E010
    "grid": ({"inspector1", "street1", "supervisor1", "admin"}, {"inspector2", "admin"}),
    "inspection": (IN_SCOPE, {"inspector2", "admin"}),  # on E001 / on E018
    "ticket": (IN_SCOPE, {"inspector2", "admin"}),
    "photo": (IN_SCOPE, {"inspector2", "admin"}),
    "upload": ({"inspector1"}, {"inspector2"}),  # a resumable upload is its uploader's alone
    "organisation": ({"street1", "supervisor1", "admin"}, {"admin"}),  # street1's office / a firm
    # Places administered: a district at city level only, a street by its district's holder, a
    # community by its street's (E001's street, district and community / another district's).
    "district": ({"admin"}, {"admin"}),
    "street": ({"supervisor1", "admin"}, {"admin"}),
    "community": ({"street1", "supervisor1", "admin"}, {"admin"}),
    "plan": ({"supervisor1", "admin"}, {"admin"}),  # a plan in 中山区 / in 西岗区
    # Accounts: an inspector on E001's grid only / inspector2 (沙河口区).
    "user": ({"street1", "supervisor1", "admin"}, {"admin"}),
}
TUS = {"Tus-Resumable": "1.0.0"}
TUS_CREATE = {
    **TUS,
    "Upload-Length": str(len(NEW_PHOTO)),
    "Upload-Metadata": "sha256 " + base64.b64encode(sha(NEW_PHOTO).encode()).decode(),
}


@dataclass(frozen=True)
class Row:
    who: tuple[str, ...]
    kind: str | None = None
    body: Any = None  # JSON, bytes, or a function (world, "in"|"out") → either
    query: str = ""
    refused: int = 404  # out of scope; 422 where the object is named in the body, not the path
    headers: dict[str, str] = field(default_factory=dict)  # e.g. the tus protocol's
    forbidden: tuple[str, ...] = ()  # callers refused (403) although their role is in WHO


def _transition(world: dict[str, Any], where: str) -> dict[str, Any]:
    return {"action": "accept", "reason": "matrix"}


def _manual_ticket(world: dict[str, Any], where: str) -> dict[str, Any]:
    return {"estate_id": world["estate"][where], "item_code": world["item_code"],
            "description": "手工立案 matrix"}  # fmt: skip


# Passes the schema, so the plan's scope decides; then refused as too far ahead (422).
PLAN_RULES = {"effective_from": "2099-01-01", "area_kind": "estates", "estate_ids": [1],
              "schedule": "monthly", "window_days": 1}  # fmt: skip
DISTRICT_ONLY = ("street1",)  # plans are managed by admins and district (or city) supervisors


def _new_user(world: dict[str, Any], where: str) -> dict[str, Any]:
    return {"username": "matrix1", "password": "matrix-pw", "role": "inspector",
            "grid_ids": [world["grid"][where]]}  # fmt: skip


def _inspection(world: dict[str, Any], where: str) -> dict[str, Any]:
    return {**world["inspection_body"], "estate_id": world["estate"][where]}


PUSH_SUBSCRIPTION = {"endpoint": "https://push.example/m",
                     "keys": {"p256dh": "B" + "A" * 86, "auth": "A" * 22}}  # fmt: skip

MATRIX: dict[str, Row] = {
    # --- pages, the phone app's files and the API docs ------------------------------------------
    "GET /": Row(PUBLIC),
    "GET /index.html": Row(PUBLIC),
    "GET /sw.js": Row(PUBLIC),
    "GET /manifest.webmanifest": Row(PUBLIC),
    "GET /assets/<path:filename>": Row(PUBLIC),
    "GET /icons/<path:filename>": Row(PUBLIC),
    "GET /static/<path:filename>": Row(PUBLIC),
    "GET /api/docs": Row(PUBLIC),
    "GET /api/docs/assets/<path:filename>": Row(PUBLIC),
    "GET /api/docs/start.js": Row(PUBLIC),
    "GET /api/openapi.json": Row(PUBLIC),
    "GET /api/health": Row(PUBLIC),
    # --- accounts ----------------------------------------------------------------------------
    "POST /api/auth/login": Row(PUBLIC, body={"username": "firm2", "password": "demo12345"}),
    "POST /api/auth/logout": Row(SIGNED_IN),
    "POST /api/auth/password": Row(
        SIGNED_IN, body={"current_password": "not-it", "new_password": "matrix-pw-2"}
    ),
    "GET /api/me": Row(SIGNED_IN),
    # Supervisors manage the accounts of their jurisdiction; a grid outside is invalid input.
    "GET /api/users": Row(SUPERVISORS),
    "POST /api/users": Row(SUPERVISORS, "grid", body=_new_user, refused=422),
    "GET /api/users/<int:user_id>": Row(SUPERVISORS, "user"),
    "PATCH /api/users/<int:user_id>": Row(SUPERVISORS, "user", body={"display_name": "矩阵"}),
    # --- places ------------------------------------------------------------------------------
    "GET /api/districts": Row(ANY),
    "POST /api/districts": Row(SUPERVISORS, body={}),
    "PATCH /api/districts/<int:district_id>": Row(SUPERVISORS, "district", body={}, refused=403),
    "GET /api/streets": Row(ANY),
    "POST /api/streets": Row(SUPERVISORS, body={}),
    "PATCH /api/streets/<int:street_id>": Row(SUPERVISORS, "street", body={}, refused=403),
    "GET /api/communities": Row(SUPERVISORS),
    "POST /api/communities": Row(SUPERVISORS, body={}),
    "PATCH /api/communities/<int:community_id>": Row(SUPERVISORS, "community", body={}),
    "POST /api/places/import/preview": Row(SUPERVISORS, body={}),
    "POST /api/places/import": Row(SUPERVISORS, body={}),
    "GET /api/estates": Row(ANY),
    "POST /api/estates": Row(ADMIN, body={}),
    "GET /api/estates/<int:estate_id>": Row(ANY, "estate"),
    "PATCH /api/estates/<int:estate_id>": Row(SUPERVISORS, "estate", body={"households": 321}),
    "GET /api/estates/<int:estate_id>/responsibility": Row(ANY, "estate"),
    "GET /api/estates/<int:estate_id>/history": Row(SUPERVISORS, "estate"),
    "GET /api/grids": Row(STAFF),
    "POST /api/grids": Row(SUPERVISORS, body={}),
    "GET /api/grids/<int:grid_id>": Row(STAFF, "grid"),
    "PATCH /api/grids/<int:grid_id>": Row(SUPERVISORS, "grid", body={"name": "矩阵网格"}),
    "GET /api/organisations": Row(ANY),
    "POST /api/organisations": Row(SUPERVISORS, body={}),
    "GET /api/organisations/<int:organisation_id>": Row(ANY),
    # A supervisor manages the parties seated in their jurisdiction: others are a 403.
    "PATCH /api/organisations/<int:organisation_id>": Row(
        SUPERVISORS, "organisation", body={"phone": "0411 1234"}, refused=403
    ),
    "GET /api/contracts": Row(ANY),
    "POST /api/contracts": Row(ADMIN, body={}),
    "POST /api/contracts/<int:contract_id>/end": Row(ADMIN, body={"end_date": "2030-12-31"}),
    "POST /api/custody": Row(ADMIN, body={}),
    # --- checklists --------------------------------------------------------------------------
    "GET /api/checklists": Row(ANY),
    "GET /api/checklists/active": Row(ANY),
    "POST /api/checklists/validate": Row(ADMIN, body={"yaml": "code: [unclosed"}),
    "POST /api/checklists/versions": Row(ADMIN, body={"yaml": "code: [unclosed"}),
    "GET /api/checklists/<int:checklist_id>": Row(ANY),
    "GET /api/checklists/<int:checklist_id>/versions/<int:version_id>": Row(ANY),
    "POST /api/checklists/<int:checklist_id>/versions/<int:version_id>/activate": Row(ADMIN),
    "POST /api/checklists/<int:checklist_id>/versions/<int:version_id>/retire": Row(ADMIN),
    # --- photos ------------------------------------------------------------------------------
    "HEAD /api/photos": Row(ANY),
    "HEAD /api/photos/<sha256>": Row(ANY),
    "PUT /api/photos/<sha256>": Row(UPLOADERS, body=NEW_PHOTO),
    "GET /api/photos/<sha256>/<variant>": Row(ANY, "photo"),
    "POST /api/photos/uploads": Row(UPLOADERS, headers=TUS_CREATE),
    "HEAD /api/photos/uploads/<upload_id>": Row(ANY, "upload", headers=TUS),
    "PATCH /api/photos/uploads/<upload_id>": Row(ANY, "upload", headers=TUS),
    "DELETE /api/photos/uploads/<upload_id>": Row(ANY, "upload", headers=TUS),
    # --- inspections -------------------------------------------------------------------------
    "GET /api/inspections": Row(ANY),
    "GET /api/inspections/<inspection_id>": Row(ANY, "inspection"),
    "GET /api/inspections/<inspection_id>/report": Row(ANY, "inspection"),
    # (PUT photos / inspections: the path gets the body's hash / a new client id, see _path)
    "PUT /api/inspections/<inspection_id>": Row(FIELD, "estate", body=_inspection, refused=422),
    # --- tickets -----------------------------------------------------------------------------
    "GET /api/tickets": Row(ANY),
    "POST /api/tickets": Row(SUPERVISORS, "estate", body=_manual_ticket, refused=422),
    "GET /api/tickets/counts": Row(ANY),
    "GET /api/tickets/<int:ticket_id>": Row(ANY, "ticket"),
    "POST /api/tickets/<int:ticket_id>/transitions": Row(ANY, "ticket", body=_transition),
    "GET /api/events": Row(ADMIN),
    # --- plans and tasks ---------------------------------------------------------------------
    "GET /api/plans": Row(SUPERVISORS, forbidden=DISTRICT_ONLY),
    "POST /api/plans": Row(SUPERVISORS, body={}, forbidden=DISTRICT_ONLY),
    "GET /api/plans/<int:plan_id>": Row(SUPERVISORS, "plan", forbidden=DISTRICT_ONLY),
    "POST /api/plans/<int:plan_id>/versions": Row(
        SUPERVISORS, "plan", body=PLAN_RULES, forbidden=DISTRICT_ONLY
    ),
    "GET /api/plans/<int:plan_id>/tasks": Row(SUPERVISORS, "plan", forbidden=DISTRICT_ONLY),
    "POST /api/plans/<int:plan_id>/end": Row(
        SUPERVISORS, "plan", body={"last_day": "2000-01-01"}, forbidden=DISTRICT_ONLY
    ),
    "GET /api/tasks": Row(STAFF),
    # --- reports -----------------------------------------------------------------------------
    "GET /api/map/tickets": Row(ANY, query=DALIAN),
    "GET /api/map/estates": Row(ANY, query=DALIAN_BBOX),
    "GET /api/map/labels": Row(ANY, query=DALIAN),
    "GET /api/basemap": Row(ANY),
    "GET /api/basemap/tiles/<int:z>/<int:x>/<int:y>": Row(PUBLIC),  # base map images, no data
    "GET /api/reports/scorecards/firms": Row(ANY),
    "GET /api/reports/scorecards/estates": Row(ANY),
    "GET /api/reports/scorecards/streets": Row(ANY),
    "GET /api/reports/scorecards/districts": Row(ANY),
    # coverage: supervisors and admins; an inspector per inspector (their own row), firms never
    "GET /api/reports/coverage": Row(STAFF, query="group=inspector"),
    "GET /api/exports/coverage": Row(STAFF, query="group=inspector"),
    "GET /api/map/coverage": Row(STAFF, query=DALIAN_BBOX),
    # inspector scorecard: supervisors and admins; an inspector per inspector (own row), no firms
    "GET /api/reports/scorecards/inspectors": Row(STAFF, query="group=inspector"),
    "GET /api/exports/scorecards/inspectors": Row(STAFF, query="group=inspector"),
    "GET /api/exports/tickets": Row(ANY),
    "GET /api/exports/scorecards/<level>": Row(ANY),
    # --- 公示 (disclosures): published by supervisors, read by anyone ---------------------------
    "GET /api/disclosures": Row(SUPERVISORS),
    "POST /api/disclosures": Row(SUPERVISORS, body={}),
    "GET /api/public/disclosures": Row(PUBLIC),
    "GET /api/public/disclosures/<int:disclosure_id>": Row(PUBLIC),
    "GET /public/": Row(PUBLIC),
    "GET /public/<int:disclosure_id>": Row(PUBLIC),
    # --- owner survey: staff read totals; residents answer on public pages, by poster link ---
    "GET /api/surveys/current": Row(ANY),
    "GET /api/surveys/results": Row(ANY),
    "GET /api/surveys/links/<int:estate_id>": Row(("firm", "supervisor", "admin"), "estate"),
    "POST /api/surveys/links/<int:estate_id>": Row(SUPERVISORS, "estate"),
    "GET /api/surveys/comments/<int:estate_id>": Row(SUPERVISORS, "estate"),
    "GET /api/surveys/buildings/<int:estate_id>": Row(SUPERVISORS, "estate"),
    "PUT /api/surveys/buildings/<int:estate_id>": Row(ADMIN, "estate", body={"buildings": []}),
    "GET /survey/<token>": Row(PUBLIC),
    "POST /survey/<token>": Row(PUBLIC),
    "GET /survey/<token>/thanks": Row(PUBLIC),
    "GET /survey/<token>/poster": Row(PUBLIC),
    # --- 物业管理全覆盖: supervisors (their jurisdiction) and admins; milestones by admins ------
    "GET /api/reports/fullcover": Row(SUPERVISORS),
    "GET /api/reports/fullcover/unmanaged": Row(SUPERVISORS),
    "GET /api/exports/fullcover": Row(SUPERVISORS),
    "GET /api/exports/fullcover/unmanaged": Row(SUPERVISORS),
    "GET /api/fullcover/milestones": Row(SUPERVISORS),
    "POST /api/fullcover/milestones": Row(
        ADMIN, body={"district_id": 1, "target_date": "2099-12-31", "target_percent": 50}
    ),
    "DELETE /api/fullcover/milestones/<int:milestone_id>": Row(ADMIN),
    "GET /public/fullcover": Row(PUBLIC),
    # --- 回访: the resident's page (the link is the secret), supervisors read single answers ---
    "GET /public/r/<token>": Row(PUBLIC),
    "POST /public/r/<token>": Row(PUBLIC),
    "GET /api/tickets/<int:ticket_id>/revisit": Row(SUPERVISORS, "ticket"),
    # --- 集中整治 watch list and 考核 ranking: supervisors (their jurisdiction) and admins ----
    "GET /api/watchlist": Row(SUPERVISORS),
    "GET /api/watchlist/export": Row(SUPERVISORS),
    "POST /api/watchlist/<int:estate_id>/notes": Row(
        ("supervisor",), "estate", body={"period": "2026Q4", "kind": "measure", "text": "约谈"}
    ),
    "GET /api/rankings": Row(SUPERVISORS),
    # --- Open311 (its own keys, never our tokens; POST without api_key is refused for all) ---
    "GET /open311/discovery.json": Row(PUBLIC),
    "GET /open311/discovery.xml": Row(PUBLIC),
    "GET /open311/v2/services.json": Row(PUBLIC),
    "GET /open311/v2/services.xml": Row(PUBLIC),
    "GET /open311/v2/services/<service_code>.json": Row(PUBLIC),
    "GET /open311/v2/services/<service_code>.xml": Row(PUBLIC),
    "POST /open311/v2/requests.json": Row(PUBLIC),
    "POST /open311/v2/requests.xml": Row(PUBLIC),
    "GET /open311/v2/requests.json": Row(PUBLIC),
    "GET /open311/v2/requests.xml": Row(PUBLIC),
    "GET /open311/v2/requests/<service_request_id>.json": Row(PUBLIC),
    "GET /open311/v2/requests/<service_request_id>.xml": Row(PUBLIC),
    "GET /open311/v2/tokens/<token>.json": Row(PUBLIC),
    "POST /open311/v2/requests/<service_request_id>/revisit.json": Row(PUBLIC),
    "POST /open311/v2/requests/<service_request_id>/revisit.xml": Row(PUBLIC),
    "GET /open311/v2/tokens/<token>.xml": Row(PUBLIC),
    "GET /api/open311-keys": Row(ADMIN),
    "POST /api/open311-keys": Row(ADMIN, body={"name": "矩阵热线"}),
    "PATCH /api/open311-keys/<int:key_id>": Row(ADMIN, body={"name": "矩阵热线2"}),
    "POST /api/open311-keys/<int:key_id>/revoke": Row(ADMIN),
    # --- 考评: assessors fill their form (a district/city supervisor is no street office) ------
    "GET /api/assessments/form": Row(ASSESSORS, forbidden=("supervisor1",)),
    "GET /api/assessments/mine": Row(ASSESSORS, forbidden=("supervisor1",)),
    "PUT /api/assessments/<int:estate_id>": Row(
        ASSESSORS, "estate", body={"ratings": {}}, forbidden=("supervisor1",)
    ),
    "GET /api/kaoping": Row(KAOPING_READERS),
    "GET /api/kaoping/estates/<int:estate_id>": Row(KAOPING_READERS, "estate"),
    # --- notifications: only the caller's own rows are ever read or changed; assessors too
    # (考评待填写) ---
    "GET /api/notifications": Row(SIGNED_IN),
    "GET /api/notifications/unread": Row(SIGNED_IN),
    "POST /api/notifications/read": Row(SIGNED_IN, body={"ids": [1, 2]}),
    "POST /api/notifications/read-all": Row(SIGNED_IN),
    "GET /api/notifications/settings": Row(SIGNED_IN),
    "GET /api/notifications/dead-letters": Row(ADMIN),
    "GET /api/notifications/unreachable": Row(ADMIN),
    "POST /api/tickets/<int:ticket_id>/urge": Row(SUPERVISORS, "ticket", body={"note": "请尽快"}),
    "GET /api/tickets/<int:ticket_id>/urges": Row(ANY, "ticket"),
    "POST /api/tickets/<int:ticket_id>/urges/ack": Row(("firm",), "ticket"),
    "PUT /api/notifications/settings": Row(SIGNED_IN, body={"phone": "13800138000"}),
    "POST /api/push-subscriptions": Row(SIGNED_IN, body=PUSH_SUBSCRIPTION),
    "DELETE /api/push-subscriptions": Row(SIGNED_IN, body={"endpoint": "https://push.example/m"}),
}

# Path parameters that name a scoped object; the row's kind switches between "in" and "out",
# every other one takes its "in" object. Anything else comes from world["fixed"].
PARAM_KIND = {"estate_id": "estate", "grid_id": "grid", "inspection_id": "inspection",
              "ticket_id": "ticket", "sha256": "photo", "upload_id": "upload",
              "organisation_id": "organisation", "district_id": "district",
              "street_id": "street", "community_id": "community", "plan_id": "plan",
              "user_id": "user"}  # fmt: skip


def _row_key(rule: str) -> str:
    """A rule as the MATRIX names it: converters that only check or document a value (sha256,
    uuid, any(…), int bounds) are left out, `int` stays."""
    rule = re.sub(r"<int\([^)]*\):(\w+)>", r"<int:\1>", rule)
    return re.sub(r"<(?:sha256|uuid|any\([^)]*\)):(\w+)>", r"<\1>", rule)


def _routes(app: Any) -> dict[str, Any]:
    """ "METHOD rule" → Rule for every route (HEAD is covered by GET, OPTIONS by Flask)."""
    found = {}
    for rule in app.url_map.iter_rules():
        methods = set(rule.methods or ()) - {"OPTIONS"}
        if "GET" in methods:
            methods.discard("HEAD")
        for method in methods:
            found[f"{method} {_row_key(rule.rule)}"] = rule
    return found


def test_every_route_has_a_row(app):
    missing = sorted(set(_routes(app)) - set(MATRIX))
    assert not missing, "add these to MATRIX in tests/security/test_access_matrix.py: " + ", ".join(
        missing
    )
    assert not sorted(set(MATRIX) - set(_routes(app))), "rows for routes that no longer exist"


@pytest.fixture
def world(dbsession, inspect, tickets_of) -> dict[str, Any]:
    """Objects in scope of inspector1/firm1/street1/supervisor1 (E001) and outside it."""
    estate = {
        code: dbsession.scalar(sa.select(Estate).where(Estate.code == code))
        for code in ("E001", "E010", "E018")
    }
    inside = inspect("E001", failures=("ENV-04",), username="inspector1")
    outside = inspect("E018", failures=("ENV-04",), username="inspector2")
    ticket_in, ticket_out = tickets_of(inside["id"])[0], tickets_of(outside["id"])[0]
    photo_in = inside["_request"]["body"]["results"]
    photo_in = next(r["photos"][0] for r in photo_in if r.get("photos"))
    photo_out = next(
        r["photos"][0] for r in outside["_request"]["body"]["results"] if r.get("photos")
    )
    contract = dbsession.scalar(
        sa.select(ServiceContract).where(ServiceContract.estate_id == estate["E001"].id)
    )
    grid_out = dbsession.scalar(sa.select(Grid).where(Grid.id == estate["E018"].grid_id))
    street_in, street_out = estate["E001"].street, estate["E018"].street
    community_out = Community(street_id=street_out.id, name="矩阵社区")
    community_in = Community(street_id=street_in.id, name="矩阵社区")
    dbsession.add_all([community_in, community_out])
    office = dbsession.scalar(
        sa.select(Organisation).where(
            Organisation.kind == OrgKind.street_office,
            Organisation.street_id == estate["E001"].street_id,
        )
    )
    body = inside["_request"]["body"]  # the same answers again under a new client id

    version = dbsession.scalar(
        sa.select(ChecklistVersion).where(ChecklistVersion.status == VersionStatus.active)
    )
    walker = create_user(UserSpec("matrixwalker", "matrix-pw", Role.inspector,
                                  grid_ids=[estate["E001"].grid_id]))  # fmt: skip
    inspector2 = dbsession.scalar(sa.select(User).where(User.username == "inspector2"))
    uploads = {}
    for where, owner in (("in", "inspector1"), ("out", "inspector2")):
        uploader = dbsession.scalar(sa.select(User).where(User.username == owner))
        uploads[where] = f"matrix-{where}"
        dbsession.add(
            PhotoUpload(id=uploads[where], user_id=uploader.id, sha256="b" * 64, length=1000,
                        received=0, expires_at=utcnow() + timedelta(hours=1))
        )  # fmt: skip
    key, _secret = create_key("矩阵渠道")
    dbsession.flush()
    return {
        "estate": {"in": estate["E001"].id, "out": estate["E010"].id},
        "grid": {"in": estate["E001"].grid_id, "out": grid_out.id},
        "district": {"in": street_in.district_id, "out": street_out.district_id},
        "street": {"in": street_in.id, "out": street_out.id},
        "community": {"in": community_in.id, "out": community_out.id},
        "user": {"in": walker.id, "out": inspector2.id},
        "inspection": {"in": inside["id"], "out": outside["id"]},
        "ticket": {"in": ticket_in["id"], "out": ticket_out["id"]},
        "photo": {"in": photo_in, "out": photo_out},
        "upload": uploads,
        "organisation": {"in": office.id, "out": contract.firm_id},
        "plan": {where: _plan(dbsession, version.checklist_id, district)
                 for where, district in (("in", 1), ("out", 2))},
        "item_code": "ENV-04",
        "inspection_body": body,
        "fixed": {
            "contract_id": contract.id,
            "milestone_id": dbsession.scalar(sa.select(sa.func.min(CoverageMilestone.id))),
            "checklist_id": version.checklist_id, "version_id": version.id,
            "variant": "display", "filename": "missing.js", "service_code": "x",
            "service_request_id": str(ticket_in["id"]), "token": "x",
            "level": "estates", "disclosure_id": 1,
            "layer": "tickets", "z": 14, "x": 13726, "y": 6267, "key_id": key.id,
        },
    }  # fmt: skip


def _plan(dbsession: Any, checklist_id: int, district_id: int) -> int:
    plan = Plan(name="matrix", checklist_id=checklist_id, district_id=district_id)
    plan.versions.append(
        PlanVersion(effective_from=date(2099, 1, 1), area_kind=AreaKind.district,
                    area_id=district_id, schedule=ScheduleKind.monthly, window_days=1)
    )  # fmt: skip
    dbsession.add(plan)
    dbsession.flush()
    return plan.id


def _path(rule: Any, key: str, row: Row, world: dict[str, Any], where: str) -> str:
    values: dict[str, Any] = {}
    for name in rule.arguments - set(rule.defaults or ()):
        kind = PARAM_KIND.get(name)
        if kind is not None:
            values[name] = world[kind][where if kind == row.kind else "in"]
        else:
            values[name] = world["fixed"][name]
    if key == "PUT /api/photos/<sha256>":
        values["sha256"] = sha(NEW_PHOTO)
    if key == "PUT /api/inspections/<inspection_id>":
        values["inspection_id"] = str(uuid.uuid4())
    path = rule.rule
    for name, value in values.items():
        path = re.sub(rf"<(?:[^:<>]+:)?{name}>", str(value), path)
    return f"{path}?{row.query}" if row.query else path


def _expected(row: Row, caller: str, where: str) -> str:
    if row.who == PUBLIC:
        return "public"
    if caller == "anonymous":
        return "401"
    if ROLE_OF[caller] not in row.who or caller in row.forbidden:
        return "403"
    if (
        row.kind is not None
        and caller not in VISIBLE.get(row.kind, (set(USERS), set(USERS)))[where == "out"]
    ):
        return str(row.refused)
    return "ok"


def _outcome(status: int, method: str, row: Row) -> str:
    if status in (401, 403, 404, row.refused):
        return str(status)
    if status >= 500:
        return f"server error {status}"
    if method in ("GET", "HEAD"):
        return "ok" if status < 400 else f"refused {status}"
    return "ok"


def _runs_last(item: tuple[str, Row]) -> bool:
    """Requests share one transaction, so the row that retires the active checklist runs last
    (after it, new inspections would be refused), and so do the deletions of uploads."""
    return item[0].endswith("/retire") or item[0].startswith("DELETE /api/photos/uploads")


def test_access_matrix(app, client, dbsession, world):
    routes = _routes(app)
    wrong: list[str] = []
    for key, row in sorted(MATRIX.items(), key=_runs_last):
        method, _ = key.split(" ", 1)
        rule = routes[key]
        for where in ("in", "out") if row.kind else ("in",):
            public_answers = set()
            for caller in CALLERS:
                path = _path(rule, key, row, world, where)
                # A fresh token per request: an earlier row may have logged the caller out.
                headers = {} if caller == "anonymous" else bearer(dbsession, caller)
                headers = {**headers, **row.headers}
                body = row.body(world, where) if callable(row.body) else row.body
                kwargs: dict[str, Any] = {"headers": headers}
                if isinstance(body, bytes):
                    kwargs["data"] = body
                elif body is not None:
                    kwargs["json"] = body
                response = client.open(path, method=method, **kwargs)
                text = response.get_data().decode("utf-8", "replace")
                response.close()  # streamed answers (exports) end their request context here
                expected = _expected(row, caller, where)
                if expected == "public":
                    public_answers.add(response.status_code)
                    if response.status_code >= 500:
                        wrong.append(f"{key} [{where}] {caller}: {response.status_code}")
                    continue
                got = _outcome(response.status_code, method, row)
                if got != expected:
                    wrong.append(
                        f"{key} [{where}] {caller}: expected {expected}, got {response.status_code} {text[:120]}"
                    )
            if len(public_answers) > 1:
                wrong.append(
                    f"{key}: a public answer depends on the caller: {sorted(public_answers)}"
                )
    assert not wrong, "\n".join(wrong)
