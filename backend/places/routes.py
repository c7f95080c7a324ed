"""/api/estates, /api/grids, /api/contracts (districts and streets: tree_routes)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from backend.accounts.auth import auth_required, current_scope
from backend.accounts.models import Role
from backend.clock import today
from backend.geo.coordinates import to_wgs84
from backend.pagination import paginate
from backend.places import admin, admin_places, services
from backend.places.admin_schemas import GridCreateSchema, GridUpdateSchema
from backend.places.history import estate_history
from backend.places.models import CustodialArrangement, Estate, Grid, ServiceContract
from backend.places.schemas import (
    ContractEndSchema,
    ContractListArgs,
    ContractSchema,
    CrsArgs,
    CustodySchema,
    EstateCreateSchema,
    EstateDetailSchema,
    EstateHistorySchema,
    EstateListArgs,
    EstateSchema,
    GridListArgs,
    GridSchema,
    OnDateArgs,
    ResponsibilitySchema,
    present_estate,
    present_grid,
)
from backend.places.tree_schemas import EstateEditedSchema, EstateUpdateSchema

estates_blp = Blueprint("estates", __name__, url_prefix="/api/estates", description="Estates")
grids_blp = Blueprint("grids", __name__, url_prefix="/api/grids", description="Grid cells")
contracts_blp = Blueprint(
    "contracts", __name__, url_prefix="/api", description="Service contracts and custody"
)


@estates_blp.route("")
class Estates(MethodView):
    @auth_required()
    @estates_blp.arguments(EstateListArgs, location="query")
    @estates_blp.response(200, EstateSchema(many=True))
    @estates_blp.paginate(max_page_size=500)
    def get(self, args: dict[str, Any], pagination_parameters):
        """Estates the caller may see, filtered; geometry as GeoJSON in the asked crs.

        Every list is already limited to the caller's jurisdiction, so `mine` only documents
        intent for clients (inspectors: their grids, firms: estates they manage today)."""
        crs = args["crs"]
        bbox = to_wgs84(args["bbox"], crs) if "bbox" in args else None
        filters = services.EstateFilter(
            street_id=args.get("street_id"),
            district_id=args.get("district_id"),
            grid_id=args.get("grid_id"),
            bbox=bbox,
            q=args.get("q"),
        )
        estates = paginate(services.estate_query(current_scope(), filters), pagination_parameters)
        modes = services.management_modes([e.id for e in estates], today())
        return [present_estate(e, crs, modes[e.id], args["with_geometry"]) for e in estates]

    @auth_required(Role.admin)
    @estates_blp.arguments(EstateCreateSchema)
    @estates_blp.response(201, EstateSchema)
    def post(self, data: dict[str, Any]):
        """Register an estate (admin); its grid is found from its shape."""
        crs = data.pop("crs")
        boundary = to_wgs84(data.pop("geometry"), crs)
        street = services.find_street(data.pop("street_id"))
        estate = services.create_estate(street=street, boundary=boundary, **data)
        mode = services.management_modes([estate.id], today())[estate.id]
        return present_estate(estate, crs, mode)


@estates_blp.route("/<int:estate_id>")
class EstateById(MethodView):
    @auth_required()
    @estates_blp.arguments(CrsArgs, location="query")
    @estates_blp.response(200, EstateDetailSchema)
    def get(self, args: dict[str, Any], estate_id: int):
        estate = services.get_estate(estate_id, current_scope())
        responsibility = services.responsible_party(estate, today())
        return {
            **present_estate(estate, args["crs"], responsibility.mode),
            "responsibility": responsibility,
        }

    @auth_required(Role.supervisor, Role.admin)
    @estates_blp.arguments(EstateUpdateSchema)
    @estates_blp.response(200, EstateEditedSchema)
    def patch(self, data: dict[str, Any], estate_id: int):
        """Edit an estate's attributes or outline, or move it to another street (both streets
        in the caller's jurisdiction). After a move its open tickets keep the unit they were
        routed to; `old_office_open_tickets` counts those the old street's office holds, for a
        supervisor to reroute. Supervision and escalation follow the estate."""
        scope = current_scope()
        crs = data.pop("crs")
        if "geometry" in data:
            data["boundary"] = to_wgs84(data.pop("geometry"), crs)
        estate = services.get_estate(estate_id, scope)
        held = admin_places.update_estate(scope, estate, data)
        mode = services.management_modes([estate.id], today())[estate.id]
        return {**present_estate(estate, crs, mode), "old_office_open_tickets": held}


@estates_blp.route("/<int:estate_id>/responsibility")
@auth_required()
@estates_blp.arguments(OnDateArgs, location="query")
@estates_blp.response(200, ResponsibilitySchema)
def estate_responsibility(args: dict[str, Any], estate_id: int):
    """Who is responsible for the estate on a date (contracts, custody, street fallback)."""
    estate = services.get_estate(estate_id, current_scope())
    return services.responsible_party(estate, args.get("on") or today())


@estates_blp.route("/<int:estate_id>/history")
@auth_required(Role.supervisor, Role.admin)
@estates_blp.response(200, EstateHistorySchema)
def estate_history_view(estate_id: int) -> dict[str, Any]:
    """Who served the estate when: every contract and custody period, newest first, and who is
    responsible today. Supervisors read the estates of their jurisdiction."""
    estate = services.get_estate(estate_id, current_scope())
    on = today()
    return {
        "estate_id": estate.id,
        "estate_code": estate.code,
        "estate_name": estate.name,
        "responsibility": services.responsible_party(estate, on),
        "periods": estate_history(estate, on),
    }


@grids_blp.route("")
class Grids(MethodView):
    @auth_required(Role.inspector, Role.supervisor, Role.admin)
    @grids_blp.arguments(GridListArgs, location="query")
    @grids_blp.response(200, GridSchema(many=True))
    @grids_blp.paginate(max_page_size=500)
    def get(self, args: dict[str, Any], pagination_parameters):
        query = services.grid_query(current_scope(), args.get("street_id"), args.get("active"))
        grids: list[Grid] = paginate(query, pagination_parameters)
        return [present_grid(grid, args["crs"]) for grid in grids]

    @auth_required(Role.supervisor, Role.admin)
    @grids_blp.arguments(GridCreateSchema)
    @grids_blp.response(201, GridSchema)
    def post(self, data: dict[str, Any]):
        """Register a grid of a street (in the caller's jurisdiction).

        The street's estates move to the grid holding them. Inspectors are then assigned to it
        (PATCH /api/users/{id} grid_ids)."""
        boundary = to_wgs84(data["geometry"], data["crs"])
        admin_places.check_grid_street(current_scope(), data["street_id"])
        grid = admin.create_grid(data["code"], data["name"], data["street_id"], boundary)
        return present_grid(grid, data["crs"])


@grids_blp.route("/<int:grid_id>")
class GridById(MethodView):
    @auth_required(Role.inspector, Role.supervisor, Role.admin)
    @grids_blp.arguments(CrsArgs, location="query")
    @grids_blp.response(200, GridSchema)
    def get(self, args: dict[str, Any], grid_id: int):
        return present_grid(services.get_grid(grid_id, current_scope()), args["crs"])

    @auth_required(Role.supervisor, Role.admin)
    @grids_blp.arguments(GridUpdateSchema)
    @grids_blp.response(200, GridSchema)
    def patch(self, data: dict[str, Any], grid_id: int):
        """Rename a grid, redraw its boundary, or deactivate it: refused (409) while active
        inspectors are assigned to it or its estates have open tickets; its estates then leave
        it for another active grid of their street holding them, if any."""
        scope = current_scope()
        crs = data.pop("crs")
        if "geometry" in data:
            data["boundary"] = to_wgs84(data.pop("geometry"), crs)
        grid = services.get_grid(grid_id, scope)
        admin_places.check_grid_scope(scope, grid)
        active = data.pop("is_active", None)
        grid = admin.update_grid(grid, data)
        if active is not None:
            admin_places.set_grid_active(scope, grid, active)
        return present_grid(grid, crs)


@contracts_blp.route("/contracts")
class Contracts(MethodView):
    @auth_required()
    @contracts_blp.arguments(ContractListArgs, location="query")
    @contracts_blp.response(200, ContractSchema(many=True))
    @contracts_blp.paginate(max_page_size=500)
    def get(self, args: dict[str, Any], pagination_parameters):
        """Contracts of estates in scope, and a firm's own contracts."""
        query = services.contract_query(current_scope(), args.get("estate_id"))
        return paginate(query, pagination_parameters)

    @auth_required(Role.admin)
    @contracts_blp.arguments(ContractSchema)
    @contracts_blp.response(201, ContractSchema)
    def post(self, data: dict[str, Any]) -> ServiceContract:
        """Register a contract; overlapping management of the same estate is a 409."""
        estate = services.get_estate(data["estate_id"], current_scope())
        firm = services.get_organisation(data["firm_id"])
        return services.add_contract(
            estate, firm, data["start_date"], data["end_date"], data.get("reference")
        )


@contracts_blp.route("/contracts/<int:contract_id>/end", methods=["POST"])
@auth_required(Role.admin)
@contracts_blp.arguments(ContractEndSchema)
@contracts_blp.response(200, ContractSchema)
def end_contract(data: dict[str, Any], contract_id: int) -> ServiceContract:
    return services.end_contract(services.get_contract(contract_id), data["end_date"])


@contracts_blp.route("/custody", methods=["POST"])
@auth_required(Role.admin)
@contracts_blp.arguments(CustodySchema)
@contracts_blp.response(201, CustodySchema)
def add_custody(data: dict[str, Any]) -> CustodialArrangement:
    """Register a custodial arrangement (state takeover, charity, self-management, street)."""
    estate: Estate = services.get_estate(data["estate_id"], current_scope())
    custodian = services.get_organisation(data["custodian_id"])
    return services.add_custody(
        estate, custodian, data["mode"], data["start_date"], data["end_date"]
    )


blueprints = (estates_blp, grids_blp, contracts_blp)
