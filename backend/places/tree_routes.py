"""/api/districts, /api/streets, /api/communities and /api/places/import (GeoJSON, previewed)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from backend.accounts.auth import auth_required, current_scope
from backend.accounts.models import Role
from backend.database import db
from backend.errors import NotFound, ValidationFailed
from backend.geo.geometry import to_geojson
from backend.places import admin_places, services
from backend.places.importer import (
    FeaturePlan,
    ImportFailed,
    apply_plan,
    declared_crs,
    plan_import,
    resolve_crs,
)
from backend.places.models import Community, District, Street
from backend.places.schemas import DistrictListArgs, DistrictSchema, StreetListArgs, StreetSchema
from backend.places.tree_schemas import (
    CommunityCreateSchema,
    CommunityListArgs,
    CommunitySchema,
    CommunityUpdateSchema,
    DistrictCreateSchema,
    DistrictUpdateSchema,
    ImportPlanSchema,
    ImportSchema,
    StreetCreateSchema,
)

tree_blp = Blueprint(
    "places", __name__, url_prefix="/api", description="Districts, streets, communities, import"
)
MANAGERS = (Role.supervisor, Role.admin)


def _get(model: Any, ident: int, what: str) -> Any:
    row = db.session.get(model, ident)
    if row is None:
        raise NotFound(f"{what}不存在 ({what} not found)")
    return row


@tree_blp.route("/districts")
class Districts(MethodView):
    @auth_required()
    @tree_blp.arguments(DistrictListArgs, location="query")
    @tree_blp.response(200, DistrictSchema(many=True))
    def get(self, args: dict[str, Any]):
        return services.districts(args.get("active"))

    @auth_required(*MANAGERS)
    @tree_blp.arguments(DistrictCreateSchema)
    @tree_blp.response(201, DistrictSchema)
    def post(self, data: dict[str, Any]):
        """Register a district (city level: administrators and city supervisors)."""
        return admin_places.create_district(current_scope(), data["code"], data["name"])


@tree_blp.route("/districts/<int:district_id>", methods=["PATCH"])
@auth_required(*MANAGERS)
@tree_blp.arguments(DistrictUpdateSchema)
@tree_blp.response(200, DistrictSchema)
def update_district(data: dict[str, Any], district_id: int):
    """Rename, recode, deactivate (refused while it has active streets or users) or reactivate."""
    district = _get(District, district_id, "区")
    return admin_places.update_district(current_scope(), district, data)


@tree_blp.route("/streets")
class Streets(MethodView):
    @auth_required()
    @tree_blp.arguments(StreetListArgs, location="query")
    @tree_blp.response(200, StreetSchema(many=True))
    def get(self, args: dict[str, Any]):
        return services.streets(args.get("district_id"), args.get("active"))

    @auth_required(*MANAGERS)
    @tree_blp.arguments(StreetCreateSchema)
    @tree_blp.response(201, StreetSchema)
    def post(self, data: dict[str, Any]):
        """Register a street of a district (whoever holds the district)."""
        return admin_places.create_street(
            current_scope(), data["code"], data["name"], data["district_id"]
        )


@tree_blp.route("/streets/<int:street_id>", methods=["PATCH"])
@auth_required(*MANAGERS)
@tree_blp.arguments(DistrictUpdateSchema)
@tree_blp.response(200, StreetSchema)
def update_street(data: dict[str, Any], street_id: int):
    """Rename, recode, deactivate (refused while it has estates, active grids, communities or
    users) or reactivate a street."""
    street = _get(Street, street_id, "街道")
    return admin_places.update_street(current_scope(), street, data)


@tree_blp.route("/communities")
class Communities(MethodView):
    @auth_required(*MANAGERS)
    @tree_blp.arguments(CommunityListArgs, location="query")
    @tree_blp.response(200, CommunitySchema(many=True))
    def get(self, args: dict[str, Any]):
        """Communities (社区) of the streets in the caller's jurisdiction."""
        query = admin_places.community_query(
            current_scope(), args.get("street_id"), args.get("active")
        )
        return db.session.scalars(query).all()

    @auth_required(*MANAGERS)
    @tree_blp.arguments(CommunityCreateSchema)
    @tree_blp.response(201, CommunitySchema)
    def post(self, data: dict[str, Any]):
        return admin_places.create_community(current_scope(), data["street_id"], data["name"])


@tree_blp.route("/communities/<int:community_id>", methods=["PATCH"])
@auth_required(*MANAGERS)
@tree_blp.arguments(CommunityUpdateSchema)
@tree_blp.response(200, CommunitySchema)
def update_community(data: dict[str, Any], community_id: int) -> Community:
    """Rename, deactivate (refused while estates belong to it) or reactivate a community."""
    scope = current_scope()
    community = admin_places.get_community(scope, community_id)
    return admin_places.update_community(scope, community, data)


def _plan(data: dict[str, Any]) -> tuple[str, list[FeaturePlan]]:
    """The file's CRS and what importing each feature would do (refusals per feature)."""
    body = data["data"]
    kind = body.get("type")
    if kind == "FeatureCollection" and isinstance(body.get("features"), list):
        features = body["features"]
    elif kind == "Feature":
        features = [body]
    else:
        raise ValidationFailed(
            "不是 GeoJSON 要素集合 (not a GeoJSON FeatureCollection)",
            {"data": ["expected a FeatureCollection with a 'features' array, or one Feature"]},
        )
    if not features:
        raise ValidationFailed("文件中没有要素 (no features)", {"data": ["no features"]})
    try:
        crs = resolve_crs(data.get("crs"), declared_crs("data", body), "data")
    except ImportFailed as failed:
        raise ValidationFailed(
            "坐标系不明 (coordinate system unclear)", {"crs": failed.problems}
        ) from None
    scope = current_scope()

    def may_place(level: str, parent_id: int | None) -> bool:
        if scope.everything:
            return True
        if level == "district" or parent_id is None:
            return False
        if level == "street":
            return parent_id in scope.district_ids
        return admin_places.street_in_scope(scope, db.session.get(Street, parent_id))

    return crs, plan_import(features, data["level"], crs, may_place)


def _answer(data: dict[str, Any], crs: str, plans: list[FeaturePlan], committed: bool) -> dict:
    features = [
        {
            "index": p.index,
            "label": p.label,
            "name": p.name,
            "code": p.code,
            "action": p.action,
            "repairs": p.repairs,
            "reasons": p.reasons,
            "original": to_geojson(p.original) if p.original is not None else None,
            "geometry": to_geojson(p.row.boundary) if p.row is not None else None,
        }
        for p in plans
    ]
    return {
        "level": data["level"],
        "crs": crs,
        "committed": committed,
        "created": sum(p.action == "create" for p in plans),
        "updated": sum(p.action == "update" for p in plans),
        "refused": sum(p.action == "refused" for p in plans),
        "repaired": sum(bool(p.repairs) and p.action != "refused" for p in plans),
        "features": features,
    }


@tree_blp.route("/places/import/preview", methods=["POST"])
@auth_required(*MANAGERS)
@tree_blp.arguments(ImportSchema)
@tree_blp.response(200, ImportPlanSchema)
def preview_import(data: dict[str, Any]):
    """Dry run: what importing the GeoJSON would create or update, which geometries would be
    repaired (before and after, in WGS84) and which features are refused and why. Writes
    nothing."""
    crs, plans = _plan(data)
    return _answer(data, crs, plans, committed=False)


@tree_blp.route("/places/import", methods=["POST"])
@auth_required(*MANAGERS)
@tree_blp.arguments(ImportSchema)
@tree_blp.response(200, ImportPlanSchema)
def commit_import(data: dict[str, Any]):
    """Import the GeoJSON: all features, or (with `skip_refused`) those not refused; a refused
    feature without `skip_refused` is a 422 naming each feature, and nothing is written."""
    crs, plans = _plan(data)
    refused = {f"features[{p.index}]": p.reasons for p in plans if p.action == "refused"}
    if refused and not data["skip_refused"]:
        raise ValidationFailed("有要素被拒绝,未导入 (features refused: nothing imported)", refused)
    if len(refused) == len(plans):
        raise ValidationFailed("没有可导入的要素 (nothing to import)", refused)
    apply_plan(data["level"], plans)
    return _answer(data, crs, plans, committed=True)


blueprints = (tree_blp,)
