"""Import districts, streets, estates or grids from GeoJSON (FeatureCollection or bare Features).

All or nothing: every feature is checked first and every problem reported; nothing is written
unless the whole file is good. Invalid polygons are repaired (with a warning naming the feature
and the position in the file's own coordinates); garbage is refused. GCJ-02 input is converted
to WGS84.

There is no default coordinate system: a file must declare one (a top-level GeoJSON `crs`
member) or the operator must give `--crs`. Chinese boundary files (DataV, AMap) are GCJ-02 and
say nothing, and taking them for WGS84 silently shifts every boundary by ~450 m.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import sqlalchemy as sa
from geoalchemy2.shape import from_shape
from shapely.geometry import MultiPolygon
from shapely.geometry.base import BaseGeometry

from backend import signals
from backend.database import db
from backend.geo.coordinates import INPUT_CRS, UnknownCRSError, normalize_crs, to_wgs84
from backend.geo.geometry import (
    GeometryError,
    close_open_rings,
    parse_geojson_geometry,
    polygonal,
    rewind,
)
from backend.places.models import ESTATE_GRADES, Community, District, Estate, Grid, Street
from backend.places.services import grid_containing
from backend.text import problem

Level = Literal["district", "street", "estate", "grid"]
LEVELS: tuple[Level, ...] = ("district", "street", "estate", "grid")


class ImportFailed(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Row:
    label: str
    props: dict[str, Any]
    boundary: MultiPolygon
    parent_id: int | None = None


# Names a file may declare in its `crs` member (GeoJSON 2008), matched without case.
DECLARED_CRS = {
    "urn:ogc:def:crs:ogc:1.3:crs84": "wgs84",
    "urn:ogc:def:crs:epsg::4326": "wgs84",
    "epsg:4326": "wgs84",
    "wgs84": "wgs84",
    "gcj02": "gcj02",
    "gcj-02": "gcj02",
    "bd09": "bd09",
    "bd-09": "bd09",
}
NO_CRS = (
    "the file declares no coordinate system: give --crs wgs84, gcj02 or bd09 "
    "(DataV and AMap boundary files are gcj02, Baidu's bd09)"
)


def declared_crs(path: Path | str, data: Any) -> str | None:
    """The CRS a FeatureCollection declares (`"crs": {"type": "name", "properties": {"name":
    …}}` or a bare name), None when it declares none; ImportFailed for one we do not know."""
    member = data.get("crs") if isinstance(data, dict) else None
    if member is None:
        return None
    properties = member.get("properties") if isinstance(member, dict) else None
    name = properties.get("name") if isinstance(properties, dict) else member
    crs = DECLARED_CRS.get(str(name).strip().lower()) if isinstance(name, str) else None
    if crs is None:
        raise ImportFailed([f"{path}: unsupported coordinate system {name!r} in 'crs'"])
    return crs


def read_file(path: Path) -> tuple[list[dict[str, Any]], str | None]:
    """The features and the declared CRS (None if the file declares none)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportFailed([f"{path}: cannot read: {exc}"]) from exc
    except json.JSONDecodeError as exc:
        raise ImportFailed([f"{path}: not JSON: {exc.msg} (line {exc.lineno})"]) from exc
    crs = declared_crs(path, data)
    if isinstance(data, dict) and data.get("type") == "FeatureCollection":
        data = data.get("features")
    elif isinstance(data, dict) and data.get("type") == "Feature":
        data = [data]
    if not isinstance(data, list):
        raise ImportFailed([f"{path}: expected a GeoJSON FeatureCollection or a list of Features"])
    if not data:
        raise ImportFailed([f"{path}: no features"])
    return data, crs


def _text(props: dict[str, Any], *keys: str) -> str | None:
    for key in keys:
        value = props.get(key)
        if value not in (None, ""):
            return str(value).strip()
    return None


def _label(index: int, props: dict[str, Any]) -> str:
    name = _text(props, "name", "code", "adcode")
    return f"feature #{index + 1}" + (f" '{name}'" if name else "")


def _lookup(model: type[District] | type[Street], ref: str | None) -> int | None:
    if ref is None or problem(ref) is not None or len(ref) > 200:
        return None  # refused for its characters already; PostgreSQL would refuse a NUL
    return db.session.scalar(
        sa.select(model.id).where(sa.or_(model.code == ref, model.name == ref))
    )


def _parent_ref(level: Level, props: dict[str, Any]) -> str | None:
    if level == "street":
        parent = props.get("parent")
        parent_code = parent.get("adcode") if isinstance(parent, dict) else None
        return _text(props, "district_code", "district") or (
            str(parent_code) if parent_code else None
        )
    if level in ("estate", "grid"):
        return _text(props, "street_code", "street")
    return None


@dataclass
class FeaturePlan:
    """What importing one feature would do: `create`, `update` or `refused` (with reasons)."""

    index: int
    label: str
    name: str | None
    code: str | None
    action: Literal["create", "update", "refused"] = "refused"
    repairs: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    original: BaseGeometry | None = None  # as given, in WGS84, before any repair (to show it)
    row: _Row | None = None


# Whether the caller may place a feature of `level` under this parent (None: a district).
MayPlace = Callable[[Level, int | None], bool]


def _geometry(crs: str, raw_obj: Any, plan: FeaturePlan) -> MultiPolygon | None:
    """The feature's boundary in WGS84, repaired; notes go to plan.repairs, refusals raise."""
    obj, notes = close_open_rings(raw_obj)
    plan.repairs.extend(notes)
    raw = parse_geojson_geometry(obj)
    plan.original = to_wgs84(raw, crs)
    # Repair in the file's own coordinates, so a note's position is found in the file.
    repaired, note = polygonal(raw, repair=True)
    if note:
        plan.repairs.append(note)
    else:
        repaired, wound = rewind(repaired)
        if wound:
            plan.repairs.append(wound)
    boundary, shifted = polygonal(to_wgs84(repaired, crs), repair=True)
    if shifted:
        plan.repairs.append(f"after conversion to WGS84, {shifted}")
    return rewind(boundary)[0]


def _check_feature(
    level: Level, crs: str, index: int, feature: Any, may_place: MayPlace | None
) -> FeaturePlan:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        plan = FeaturePlan(index, f"feature #{index + 1}", None, None)
        plan.reasons.append("not a GeoJSON Feature")
        return plan
    props = feature.get("properties") or {}
    if not isinstance(props, dict):
        plan = FeaturePlan(index, f"feature #{index + 1}", None, None)
        plan.reasons.append("properties must be an object")
        return plan
    plan = FeaturePlan(index, _label(index, props), _text(props, "name"), None)
    errors = plan.reasons
    errors.extend(
        f"property {key!r}: {refusal}"
        for key, value in props.items()
        if isinstance(value, str) and (refusal := problem(value)) is not None
    )
    if plan.name is None:
        errors.append("missing property 'name'")
    if level != "estate" and _text(props, "code", "adcode") is None:
        errors.append("missing property 'code' (or 'adcode')")
    parent_id: int | None = None
    if level in ("street", "estate", "grid"):
        ref = _parent_ref(level, props)
        parent_model = District if level == "street" else Street
        parent_id = _lookup(parent_model, ref)
        what = "district" if level == "street" else "street"
        if parent_id is None:
            errors.append(f"unknown {what} {ref!r}" if ref else f"missing property '{what}_code'")
        elif not db.session.get(parent_model, parent_id).is_active:
            errors.append(f"{what} {ref!r} is deactivated")
    if level == "estate":
        grade = _text(props, "grade")
        if grade is not None and grade not in ESTATE_GRADES:
            errors.append(f"grade {grade!r} is not one of {', '.join(ESTATE_GRADES)}")
        for key, (low, high) in (("households", (0, 100000)), ("built_year", (1800, 2100))):
            value = props.get(key)
            if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
                errors.append(f"{key} must be an integer")
            elif value is not None and not low <= value <= high:
                errors.append(f"{key} must be from {low} to {high}")
    # The columns' lengths (PostgreSQL refuses longer text; SQLite would keep it).
    longest = {"name": 200 if level == "estate" else 100, "code": 40 if level in ("estate", "grid")
               else 32, "adcode": 32, "address": 300}  # fmt: skip
    errors.extend(
        f"property {key!r} is longer than {most} characters"
        for key, most in longest.items()
        if len(str(props.get(key) or "")) > most
    )
    boundary: MultiPolygon | None = None
    try:
        boundary = _geometry(crs, feature.get("geometry"), plan)
    except GeometryError as exc:
        errors.append(f"geometry: {exc}")
    if errors or boundary is None:
        return plan
    plan.row = _Row(plan.label, props, boundary, parent_id)
    plan.code = _code(level, plan.row)
    existing = _existing(level, plan.code)
    if may_place is not None and not all(
        may_place(level, parent)
        for parent in {parent_id, _parent_of(level, existing) if existing else parent_id}
    ):
        errors.append("outside your jurisdiction")
        plan.row = None
        return plan
    plan.action = "update" if existing is not None else "create"
    return plan


def plan_import(
    features: list[Any], level: Level, crs: str, may_place: MayPlace | None = None
) -> list[FeaturePlan]:
    """Check every feature and say what importing it would do; writes nothing."""
    plans = [_check_feature(level, crs, i, f, may_place) for i, f in enumerate(features)]
    codes = [plan.code for plan in plans if plan.row is not None]
    for plan in plans:
        if plan.row is not None and codes.count(plan.code) > 1:
            plan.reasons.append(f"code {plan.code} appears more than once in the file")
            plan.row, plan.action = None, "refused"
    return plans


def apply_plan(level: Level, plans: list[FeaturePlan]) -> ImportReport:
    """Write the features that were not refused (in file order)."""
    report = ImportReport()
    rows = [plan.row for plan in plans if plan.row is not None]
    for plan in plans:
        report.warnings.extend(f"{plan.label}: {note}" for note in plan.repairs)
    for row in rows:
        created = _upsert(level, row)
        report.created += created
        report.updated += not created
    db.session.flush()
    if level == "grid":
        reassign_estate_grids({row.parent_id for row in rows})
    return report


def resolve_crs(given: str | None, declared: str | None, where: str) -> str:
    """The operator's word, else the file's; both and disagreeing, or neither, is refused."""
    try:
        given = normalize_crs(given, INPUT_CRS) if given is not None else None
    except UnknownCRSError as exc:
        raise ImportFailed([str(exc)]) from exc
    if given is not None and declared is not None and given != declared:
        raise ImportFailed([f"{where}: declares {declared} but --crs {given} was given"])
    crs = given or declared
    if crs is None:
        raise ImportFailed([f"{where}: {NO_CRS}"])
    return crs


def import_places(path: Path, level: Level, crs: str | None = None) -> ImportReport:
    """Validate every feature, then upsert by code. Raises ImportFailed, writing nothing.
    `crs` is the operator's word; without it the file must declare its own."""
    if level not in LEVELS:
        raise ImportFailed([f"unknown level {level!r}; use one of {', '.join(LEVELS)}"])
    if crs is not None:
        resolve_crs(crs, None, str(path))  # an unknown name is refused before the file is read
    features, declared = read_file(path)
    plans = plan_import(features, level, resolve_crs(crs, declared, str(path)))
    problems = [
        f"{plan.label}: {reason}"
        for plan in plans
        for reason in plan.reasons
        if "appears more than once" not in reason
    ]
    twice = [p for p in plans if any("more than once" in r for r in p.reasons)]
    duplicates = sorted({p.code or "" for p in twice})
    if duplicates:
        problems.append(f"duplicate codes in file: {', '.join(duplicates)}")
    if problems:
        raise ImportFailed(problems)
    return apply_plan(level, plans)


def _existing(level: Level, code: str) -> Any:
    model = {"district": District, "street": Street, "estate": Estate, "grid": Grid}[level]
    return db.session.scalar(sa.select(model).where(model.code == code))


def _parent_of(level: Level, obj: Any) -> int | None:
    if level == "street":
        return obj.district_id
    return obj.street_id if level in ("estate", "grid") else None


def _code(level: Level, row: _Row | None) -> str:
    assert row is not None
    code = _text(row.props, "code", "adcode")
    if code is None:  # estates may come without codes: name within street identifies them
        code = f"{row.parent_id}:{_text(row.props, 'name')}"
    return code


def _upsert(level: Level, row: _Row) -> bool:
    props, geometry = row.props, from_shape(row.boundary, srid=4326)
    name = _text(props, "name") or ""
    code = _code(level, row)
    model = {"district": District, "street": Street, "estate": Estate, "grid": Grid}[level]
    obj = _existing(level, code)
    created = obj is None
    if obj is None:
        obj = model(code=code)
        db.session.add(obj)
    obj.name = name
    obj.boundary = geometry
    if level == "street":
        obj.district_id = row.parent_id
    elif level == "grid":
        obj.street_id = row.parent_id
    elif level == "estate":
        obj.street_id = row.parent_id
        obj.address = _text(props, "address") or ""
        obj.grade = _text(props, "grade")
        obj.households = props.get("households")
        obj.built_year = props.get("built_year")
        community = _text(props, "community")
        obj.community_id = _community_id(row.parent_id, community) if community else None
        db.session.flush()
        grid = grid_containing(obj.street_id, row.boundary)
        obj.grid_id = grid.id if grid else None
    db.session.flush()
    return created


def _community_id(street_id: int | None, name: str) -> int:
    existing = db.session.scalar(
        sa.select(Community.id).where(Community.street_id == street_id, Community.name == name)
    )
    if existing is not None:
        return existing
    community = Community(street_id=street_id, name=name)
    db.session.add(community)
    db.session.flush()
    return community.id


def reassign_estate_grids(street_ids: set[int | None]) -> None:
    """After grids change, put each estate of those streets in the grid holding it."""
    from geoalchemy2.shape import to_shape

    estates = db.session.scalars(sa.select(Estate).where(Estate.street_id.in_(street_ids)))
    touched: set[int] = set()
    for estate in estates:
        grid = grid_containing(estate.street_id, to_shape(estate.boundary))
        new = grid.id if grid else None
        if new != estate.grid_id:
            touched.update(g for g in (estate.grid_id, new) if g is not None)
        estate.grid_id = new
    db.session.flush()
    if touched:
        # Open inspection tasks of estates that changed grid follow the new grid's inspectors.
        signals.grids_reassigned.send(frozenset(touched))
