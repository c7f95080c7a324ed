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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import sqlalchemy as sa
from geoalchemy2.shape import from_shape
from shapely.geometry import MultiPolygon

from backend import signals
from backend.database import db
from backend.geo.coordinates import UnknownCRSError, normalize_crs, to_wgs84
from backend.geo.geometry import GeometryError, parse_geojson_geometry, polygonal
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
}
NO_CRS = (
    "the file declares no coordinate system: give --crs wgs84 or --crs gcj02 "
    "(DataV and AMap boundary files are gcj02)"
)


def declared_crs(path: Path, data: Any) -> str | None:
    """The CRS a FeatureCollection declares (`"crs": {"type": "name", "properties": {"name":
    …}}` or a bare name), None when it declares none; ImportFailed for one we do not know."""
    member = data.get("crs") if isinstance(data, dict) else None
    if member is None:
        return None
    name = member.get("properties", {}).get("name") if isinstance(member, dict) else member
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
    if ref is None:
        return None
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


def _check_feature(
    level: Level, crs: str, index: int, feature: Any, problems: list[str], warnings: list[str]
) -> _Row | None:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        problems.append(f"feature #{index + 1}: not a GeoJSON Feature")
        return None
    props = feature.get("properties") or {}
    if not isinstance(props, dict):
        problems.append(f"feature #{index + 1}: properties must be an object")
        return None
    label = _label(index, props)
    errors: list[str] = [
        f"property {key!r}: {refusal}"
        for key, value in props.items()
        if isinstance(value, str) and (refusal := problem(value)) is not None
    ]
    if _text(props, "name") is None:
        errors.append("missing property 'name'")
    if level != "estate" and _text(props, "code", "adcode") is None:
        errors.append("missing property 'code' (or 'adcode')")
    parent_id: int | None = None
    if level in ("street", "estate", "grid"):
        ref = _parent_ref(level, props)
        parent_model = District if level == "street" else Street
        parent_id = _lookup(parent_model, ref)
        if parent_id is None:
            what = "district" if level == "street" else "street"
            errors.append(f"unknown {what} {ref!r}" if ref else f"missing property '{what}_code'")
    if level == "estate":
        grade = _text(props, "grade")
        if grade is not None and grade not in ESTATE_GRADES:
            errors.append(f"grade {grade!r} is not one of {', '.join(ESTATE_GRADES)}")
        for key in ("households", "built_year"):
            value = props.get(key)
            if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
                errors.append(f"{key} must be an integer")
    boundary: MultiPolygon | None = None
    try:
        raw = parse_geojson_geometry(feature.get("geometry"))  # type: ignore[arg-type]
        # Repair in the file's own coordinates, so a warning's position is found in the file.
        repaired, note = polygonal(raw, repair=True)
        if note:
            warnings.append(f"{label}: {note}")
        boundary, shifted = polygonal(to_wgs84(repaired, crs), repair=True)
        if shifted:
            warnings.append(f"{label}: after conversion to WGS84, {shifted}")
    except GeometryError as exc:
        errors.append(f"geometry: {exc}")
    if errors or boundary is None:
        problems.extend(f"{label}: {error}" for error in errors)
        return None
    return _Row(label, props, boundary, parent_id)


def import_places(path: Path, level: Level, crs: str | None = None) -> ImportReport:
    """Validate every feature, then upsert by code. Raises ImportFailed, writing nothing.
    `crs` is the operator's word; without it the file must declare its own."""
    try:
        given = normalize_crs(crs) if crs is not None else None
    except UnknownCRSError as exc:
        raise ImportFailed([str(exc)]) from exc
    if level not in LEVELS:
        raise ImportFailed([f"unknown level {level!r}; use one of {', '.join(LEVELS)}"])
    features, declared = read_file(path)
    if given is not None and declared is not None and given != declared:
        raise ImportFailed([f"{path}: declares {declared} but --crs {given} was given"])
    crs = given or declared
    if crs is None:
        raise ImportFailed([f"{path}: {NO_CRS}"])
    report = ImportReport()
    problems: list[str] = []
    rows = [
        _check_feature(level, crs, i, f, problems, report.warnings) for i, f in enumerate(features)
    ]
    codes = [_code(level, row) for row in rows if row is not None]
    duplicates = sorted({code for code in codes if codes.count(code) > 1})
    if duplicates:
        problems.append(f"duplicate codes in file: {', '.join(duplicates)}")
    if problems:
        raise ImportFailed(problems)
    for row in rows:
        assert row is not None
        created = _upsert(level, row)
        report.created += created
        report.updated += not created
    db.session.flush()
    if level == "grid":
        reassign_estate_grids({row.parent_id for row in rows if row})
    return report


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
    obj = db.session.scalar(sa.select(model).where(model.code == code))
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
