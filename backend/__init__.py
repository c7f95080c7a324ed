"""Wuhao (五好小区巡查) backend: the Flask app factory."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from backend import arguments, converters, pagination  # noqa: F401  (before any route module)
from backend.config import PROJECT_ROOT, load_config
from backend.database import db, init_database
from backend.errors import WuhaoApi, register_error_handlers
from backend.extensions import migrate
from backend.text import PolicyJSONProvider


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app. No I/O here: no connections, no create_all (migrations are `flask db`)."""
    app = Flask(__name__, instance_path=str(PROJECT_ROOT / "instance"))
    app.config.from_mapping(load_config(config))
    app.json = PolicyJSONProvider(app)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.json.ensure_ascii = False  # type: ignore[attr-defined]

    from backend import basemap

    basemap.configure(app)  # a wrong BASEMAP_* setting stops here, naming it
    from backend.kaoping.formulas import parse_weights

    parse_weights(app.config["KAOPING_WEIGHTS"])  # so does a wrong KAOPING_WEIGHTS
    init_database(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    api = WuhaoApi(app)
    app.extensions["wuhao_api"] = api
    converters.register(app, api)
    register_error_handlers(app)

    from backend import request_checks, request_log, signals, web
    from backend.accounts.cli import users_cli
    from backend.accounts.routes import blueprints as account_blueprints
    from backend.backup.cli import backup_cli
    from backend.checklists.cli import checklists_cli
    from backend.checklists.routes import blp as checklists_blp
    from backend.demo.cli import demo_cli
    from backend.disclosures.cli import disclosures_cli
    from backend.disclosures.routes import blp as disclosures_blp
    from backend.disclosures.routes import pages as public_pages
    from backend.disclosures.routes import public_blp
    from backend.exports.routes import blp as exports_blp
    from backend.fullcover.cli import fullcover_cli
    from backend.fullcover.pages import pages as fullcover_pages
    from backend.fullcover.routes import blp as fullcover_blp
    from backend.health import blp as health_blp
    from backend.inspections.report_routes import blp as inspection_reports_blp
    from backend.inspections.routes import blp as inspections_blp
    from backend.kaoping.cli import assessments_cli
    from backend.kaoping.routes import blueprints as kaoping_blueprints
    from backend.maps.routes import blp as map_blp
    from backend.notifications.cli import notify_cli
    from backend.notifications.routes import blueprints as notification_blueprints
    from backend.notifyadmin.routes import blp as notify_admin_blp
    from backend.open311.cli import open311_cli
    from backend.open311.key_routes import blp as open311_keys_blp
    from backend.open311.routes import blp as open311_blp
    from backend.photos.cli import photos_cli
    from backend.photos.routes import blp as photos_blp
    from backend.photos.upload_routes import blp as photo_uploads_blp
    from backend.places.admin_cli import grids_cli, orgs_cli
    from backend.places.contract_cli import contracts_cli
    from backend.places.org_routes import blueprints as org_blueprints
    from backend.places.routes import blueprints as place_blueprints
    from backend.places.tree_cli import places_cli  # `import` plus the console's commands
    from backend.places.tree_routes import blueprints as tree_blueprints
    from backend.plans.cli import plans_cli
    from backend.plans.coverage_routes import blp as coverage_blp
    from backend.plans.plan_tasks import blp as plans_blp  # /api/plans, with /{id}/tasks
    from backend.plans.routes import tasks_blp
    from backend.reports.cli import reports_cli
    from backend.revisits.cli import revisits_cli
    from backend.revisits.pages import pages as revisit_pages
    from backend.revisits.routes import blp as revisits_blp
    from backend.scorecards.routes import blp as reports_blp
    from backend.surveys.cli import surveys_cli
    from backend.surveys.pages import pages as survey_pages
    from backend.surveys.routes import blp as surveys_blp
    from backend.tickets.cli import tickets_cli
    from backend.tickets.routes import blp as tickets_blp
    from backend.tickets.routes import events_blp
    from backend.watchlist.cli import watchlist_cli
    from backend.watchlist.routes import blp as watchlist_blp

    signals.connect_receivers()
    for blueprint in (
        health_blp,
        basemap.blp,
        *account_blueprints,
        *tree_blueprints,
        *place_blueprints,
        *org_blueprints,
        checklists_blp,
        photo_uploads_blp,
        photos_blp,
        inspections_blp,
        inspection_reports_blp,
        tickets_blp,
        revisits_blp,
        events_blp,
        reports_blp,
        coverage_blp,
        fullcover_blp,
        map_blp,
        disclosures_blp,
        public_blp,
        exports_blp,
        open311_blp,
        open311_keys_blp,
        plans_blp,
        tasks_blp,
        surveys_blp,
        watchlist_blp,
        *kaoping_blueprints,
        *notification_blueprints,
        notify_admin_blp,
    ):
        api.register_blueprint(blueprint)
    app.register_blueprint(fullcover_pages)
    app.register_blueprint(public_pages)  # HTML, outside the API and its OpenAPI document
    app.register_blueprint(survey_pages)
    app.register_blueprint(revisit_pages)  # the residents' 回访 pages, HTML too
    web.init_app(app)
    request_checks.init_app(app)
    request_log.init_app(app)
    hops = app.config["PROXY_FIX_HOPS"]
    if hops:
        # Behind nginx: external URLs (Open311 discovery) must name the public https host and
        # port, and logs the client's address. Only when configured, or any client could claim
        # to be https://anything.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops, x_prefix=hops
        )
    for group in (
        users_cli,
        places_cli,
        orgs_cli,
        grids_cli,
        contracts_cli,
        checklists_cli,
        tickets_cli,
        demo_cli,
        open311_cli,
        backup_cli,
        disclosures_cli,
        reports_cli,
        photos_cli,
        plans_cli,
        surveys_cli,
        fullcover_cli,
        revisits_cli,
        watchlist_cli,
        assessments_cli,
        notify_cli,
    ):
        app.cli.add_command(group)
    return app
