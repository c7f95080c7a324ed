"""Seed the Dalian demo world (idempotent): places, parties, contracts, custody, demo accounts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from geoalchemy2.shape import from_shape

from backend.accounts.models import Role
from backend.accounts.services import UserSpec, create_user, find_user
from backend.database import db
from backend.demo import dalian
from backend.fullcover.milestones import seed_plan_targets
from backend.places import services as places
from backend.places.models import (
    Community,
    CustodyMode,
    District,
    Estate,
    Grid,
    Organisation,
    OrgKind,
    Street,
)

DEMO_PASSWORD = "demo12345"
DEMO_ACCOUNTS = (
    ("admin", "admin", "系统管理员"),
    ("supervisor1", "supervisor", "中山区住建局 督查员"),
    ("street1", "supervisor", "青泥洼桥街道 督查员"),
    ("inspector1", "inspector", "网格员 张明"),
    ("inspector2", "inspector", "网格员 李华"),
    ("firm1", "firm", "万家物业 客服"),
    ("firm2", "firm", "海湾物业 客服"),
    ("committee1", "committee", "天津街小区业主委员会 王芳"),
    ("community1", "community", "友好社区居委会 赵强"),
)
# 考评 assessors' own place: committee1 sits on E003's owners' committee, community1 works at
# 友好社区 (E003–E005); both in street1's street, neither holds E001 nor E010.
ASSESSOR_PLACES = {"committee1": "E003", "community1": "210202001002"}


@dataclass
class SeedReport:
    created: bool
    accounts: tuple[tuple[str, str, str], ...] = DEMO_ACCOUNTS


def seed_demo() -> SeedReport:
    """Create the demo world once; a second run changes nothing."""
    if db.session.scalar(sa.select(District.id).where(District.code == "210202")) is not None:
        return SeedReport(created=False)
    _places()
    orgs = _organisations()
    _management(orgs)
    _accounts(orgs)
    # 物业管理全覆盖: the plan's targets for 中心城区五区; the demo city's four districts are four
    # of Dalian's five (高新园区 is not in the demo).
    seed_plan_targets(list(db.session.scalars(sa.select(District.id).order_by(District.code))))
    db.session.flush()
    return SeedReport(created=True)


def _places() -> None:
    city_district = {}
    for row in dalian.districts():
        district = District(code=row["code"], name=row["name"], boundary=_geom(row["boundary"]))
        db.session.add(district)
        city_district[row["code"]] = district
    db.session.flush()
    streets = {}
    for row in dalian.streets():
        street = Street(
            code=row["code"],
            name=row["name"],
            district=city_district[row["district_code"]],
            boundary=_geom(row["boundary"]),
        )
        db.session.add(street)
        streets[row["code"]] = street
    db.session.flush()
    communities = {}
    for row in dalian.communities():
        community = Community(street=streets[row["street_code"]], name=row["name"])
        db.session.add(community)
        communities[row["code"]] = community
    for row in dalian.grids():
        db.session.add(
            Grid(
                code=row["code"],
                name=row["name"],
                street=streets[row["street_code"]],
                boundary=_geom(row["boundary"]),
            )
        )
    db.session.flush()
    for row in dalian.estates():
        places.create_estate(
            code=row["code"],
            name=row["name"],
            street=streets[row["street_code"]],
            boundary=places.as_multipolygon(row["boundary"]),
            address=row["address"],
            community_id=communities[row["community_code"]].id,
            grade=row["grade"],
            households=row["households"],
            built_year=row["built_year"],
        )


def _organisations() -> dict[str, Organisation]:
    orgs: dict[str, Organisation] = {}
    for row in dalian.organisations():
        charitable = row["kind"] == "charitable_custodian"
        kind = OrgKind.utility if row["kind"] == "utility" else OrgKind.property_firm
        orgs[row["key"]] = Organisation(
            name=row["name"],
            kind=kind,
            state_owned=row["state_owned"],
            charitable=charitable,
            utility_kind=row["utility_kind"],
        )
    orgs["city"] = Organisation(name="大连市住房和城乡建设局", kind=OrgKind.city_authority)
    for district in db.session.scalars(sa.select(District)):
        orgs[f"district:{district.code}"] = Organisation(
            name=f"{district.name}住房和城乡建设局",
            kind=OrgKind.district_authority,
            district_id=district.id,
        )
    for street in db.session.scalars(sa.select(Street)):
        orgs[f"street:{street.code}"] = Organisation(
            name=f"{street.name}办事处",
            kind=OrgKind.street_office,
            street_id=street.id,
            district_id=street.district_id,
        )
    for community in db.session.scalars(sa.select(Community)):
        orgs[f"community:{community.id}"] = Organisation(
            name=f"{community.street.name}{community.name}居民委员会",
            kind=OrgKind.community_committee,
            community_id=community.id,
            street_id=community.street_id,
        )
    db.session.add_all(orgs.values())
    db.session.flush()
    return orgs


def _management(orgs: dict[str, Organisation]) -> None:
    estates = {e.code: e for e in db.session.scalars(sa.select(Estate))}
    for row in dalian.contracts():
        estate, firm = estates[row["estate_code"]], orgs[row["firm_key"]]
        start, end = row["start_date"], row["end_date"]
        if row["firm_key"] == "state_firm":
            places.add_custody(estate, firm, CustodyMode.state_takeover, start, end)
        elif row["firm_key"] == "charity":
            places.add_custody(estate, firm, CustodyMode.charitable_custody, start, end)
        else:
            places.add_contract(
                estate, firm, start, end, reference=f"HT-{estate.code}-{start.year}"
            )
    for row in dalian.estates():
        estate = estates[row["code"]]
        if row["management_mode"] == "self_managed":
            committee = Organisation(
                name=f"{estate.name}业主委员会",
                kind=OrgKind.owners_committee,
                estate_id=estate.id,
                street_id=estate.street_id,
            )
            db.session.add(committee)
            db.session.flush()
            places.add_custody(estate, committee, CustodyMode.self_managed, date(2019, 1, 1), None)
    # One unmanaged estate is formally in its street office's temporary custody (临时托管);
    # the other has no arrangement at all and falls back to the street office.
    unmanaged = [row["code"] for row in dalian.estates() if row["management_mode"] == "unmanaged"]
    held = estates[unmanaged[-1]]
    office = orgs[f"street:{held.street.code}"]
    places.add_custody(held, office, CustodyMode.street_custody, date(2024, 1, 1), None)


def _accounts(orgs: dict[str, Organisation]) -> None:
    scopes = {row["username"]: row for row in dalian.assignments()}
    for username, role, display_name in DEMO_ACCOUNTS:
        if find_user(username) is not None:
            continue
        spec = UserSpec(username, DEMO_PASSWORD, Role(role), display_name)
        scope = scopes.get(username)
        if scope is not None:
            codes = scope["scope_codes"]
            if scope["scope_kind"] == "grid":
                spec.grid_ids = list(
                    db.session.scalars(sa.select(Grid.id).where(Grid.code.in_(codes)))
                )
            elif scope["scope_kind"] == "street":
                spec.street_id = db.session.scalar(
                    sa.select(Street.id).where(Street.code == codes[0])
                )
                spec.organisation_id = orgs[f"street:{codes[0]}"].id  # staff of the street office
            elif scope["scope_kind"] == "district":
                spec.district_id = db.session.scalar(
                    sa.select(District.id).where(District.code == codes[0])
                )
                spec.organisation_id = orgs[f"district:{codes[0]}"].id
            elif scope["scope_kind"] == "firm":
                spec.organisation_id = orgs[codes[0]].id
        if spec.role is Role.committee:
            code = ASSESSOR_PLACES[username]
            spec.estate_id = db.session.scalar(sa.select(Estate.id).where(Estate.code == code))
        elif spec.role is Role.community:
            spec.community_id = _community_id(ASSESSOR_PLACES[username])
        create_user(spec)


def _community_id(code: str) -> int | None:
    """Communities have no code column: the demo's code names a street and a community name."""
    name = next(row["name"] for row in dalian.communities() if row["code"] == code)
    return db.session.scalar(
        sa.select(Community.id)
        .join(Street, Street.id == Community.street_id)
        .where(Street.code == code[:9], Community.name == name)
    )


def _geom(shape):
    return from_shape(places.as_multipolygon(shape), srid=4326)
