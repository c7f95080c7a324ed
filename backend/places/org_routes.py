"""/api/organisations: every signed-in user reads them; administrators and supervisors (within
their jurisdiction, see places/admin.py) register, edit and deactivate them."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from backend.accounts.auth import auth_required, current_scope
from backend.accounts.models import Role
from backend.pagination import paginate
from backend.places import admin, services
from backend.places.admin_schemas import (
    OrganisationCreateSchema,
    OrganisationListArgs,
    OrganisationUpdateSchema,
)
from backend.places.models import Organisation
from backend.places.schemas import OrganisationSchema

orgs_blp = Blueprint(
    "organisations", __name__, url_prefix="/api/organisations", description="Parties"
)
MANAGERS = (Role.supervisor, Role.admin)


@orgs_blp.route("")
class Organisations(MethodView):
    @auth_required()
    @orgs_blp.arguments(OrganisationListArgs, location="query")
    @orgs_blp.response(200, OrganisationSchema(many=True))
    @orgs_blp.paginate(max_page_size=500)
    def get(self, args: dict[str, Any], pagination_parameters):
        """Organisations are public bodies and firms; any signed-in user may read them.

        `managed=true` lists only those the caller may edit: all for administrators and
        city-level supervisors, those seated in their district or street for the others."""
        managed_by = current_scope() if args.get("managed") else None
        query = admin.organisation_query(args.get("kind"), args.get("active"), managed_by)
        return paginate(query, pagination_parameters)

    @auth_required(*MANAGERS)
    @orgs_blp.arguments(OrganisationCreateSchema)
    @orgs_blp.response(201, OrganisationSchema)
    def post(self, data: dict[str, Any]) -> Organisation:
        """Register an organisation (administrators; supervisors within their jurisdiction).

        Its kind decides its seat: a street office names its street, a district authority its
        district, a community committee its community, an owners' committee its estate; a
        utility names its utility_kind. Supervisors register organisations seated in their
        jurisdiction (403 otherwise)."""
        return admin.create_organisation(data, current_scope())


@orgs_blp.route("/<int:organisation_id>")
class OrganisationById(MethodView):
    @auth_required()
    @orgs_blp.response(200, OrganisationSchema)
    def get(self, organisation_id: int) -> Organisation:
        return services.get_organisation(organisation_id)

    @auth_required(*MANAGERS)
    @orgs_blp.arguments(OrganisationUpdateSchema)
    @orgs_blp.response(200, OrganisationSchema)
    def patch(self, changes: dict[str, Any], organisation_id: int) -> Organisation:
        """Edit or (de)activate an organisation.

        Deactivation is refused (409 `organisation_in_use`) while it holds current contracts or
        custody, open tickets or active users, or is its street's only street office."""
        organisation = services.get_organisation(organisation_id)
        return admin.update_organisation(organisation, changes, current_scope())


blueprints = (orgs_blp,)
