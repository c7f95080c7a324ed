"""Consistency of the Dalian demo world (backend/demo/dalian.py); no database needed."""

from __future__ import annotations

import itertools
import math
from collections import Counter, defaultdict
from datetime import date, timedelta
from typing import Any

import pytest
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry

from backend.demo import dalian

LAT_RANGE = (38.8, 39.1)
LNG_RANGE = (121.45, 121.75)
M_PER_DEG_LAT = 110_574.0


def _by_code(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["code"]: r for r in records}


def _all_geometries() -> list[tuple[str, BaseGeometry]]:
    out: list[tuple[str, BaseGeometry]] = []
    for kind, records in (
        ("district", dalian.districts()),
        ("street", dalian.streets()),
        ("estate", dalian.estates()),
        ("grid", dalian.grids()),
    ):
        out.extend((f"{kind} {r['code']}", r["boundary"]) for r in records)
    out.extend((f"street centre {s['code']}", s["centre"]) for s in dalian.streets())
    return out


def _responsible(estate_code: str, on: date) -> list[str]:
    return [
        c["firm_key"]
        for c in dalian.contracts()
        if c["estate_code"] == estate_code
        and c["start_date"] <= on
        and (c["end_date"] is None or on <= c["end_date"])
    ]


# ---------------------------------------------------------------------------- geometry


@pytest.mark.parametrize(("label", "geom"), _all_geometries())
def test_geometry_valid_and_in_dalian(label: str, geom: BaseGeometry) -> None:
    assert geom.is_valid, label
    assert not geom.is_empty, label
    min_lng, min_lat, max_lng, max_lat = geom.bounds
    assert LNG_RANGE[0] <= min_lng <= max_lng <= LNG_RANGE[1], label
    assert LAT_RANGE[0] <= min_lat <= max_lat <= LAT_RANGE[1], label
    if isinstance(geom, Polygon):
        assert geom.area > 0, label


def test_districts() -> None:
    districts = dalian.districts()
    assert {d["code"]: d["name"] for d in districts} == {
        "210202": "中山区",
        "210203": "西岗区",
        "210204": "沙河口区",
        "210211": "甘井子区",
    }
    for a, b in itertools.combinations(districts, 2):
        assert a["boundary"].intersection(b["boundary"]).area < 1e-9, (a["name"], b["name"])
    assert all(d["city_code"] == dalian.city()["code"] for d in districts)


def test_streets_inside_their_districts_and_apart() -> None:
    districts = _by_code(dalian.districts())
    streets = dalian.streets()
    per_district = Counter(s["district_code"] for s in streets)
    assert set(per_district) == set(districts)
    assert all(2 <= n <= 3 for n in per_district.values())
    assert len({s["code"] for s in streets}) == len(streets)
    for street in streets:
        assert street["code"].startswith(street["district_code"])
        assert len(street["code"]) == 9
        assert street["name"].endswith("街道")
        assert street["boundary"].within(districts[street["district_code"]]["boundary"])
        assert street["centre"].within(street["boundary"]), street["name"]
    for a, b in itertools.combinations(streets, 2):
        assert a["boundary"].intersection(b["boundary"]).area == 0, (a["name"], b["name"])


def test_known_streets_present() -> None:
    names = {s["name"] for s in dalian.streets()}
    assert {"青泥洼桥街道", "人民广场街道", "星海湾街道", "周水子街道"} <= names


def test_communities() -> None:
    streets = _by_code(dalian.streets())
    communities = dalian.communities()
    per_street = Counter(c["street_code"] for c in communities)
    assert set(per_street) == set(streets)
    assert all(1 <= n <= 2 for n in per_street.values())
    assert len({c["code"] for c in communities}) == len(communities)
    assert all(c["name"].endswith("社区") for c in communities)


# ---------------------------------------------------------------------------- estates


def test_estate_count_and_fields() -> None:
    estates = dalian.estates()
    assert 25 <= len(estates) <= 35
    assert len({e["code"] for e in estates}) == len(estates)
    assert len({e["name"] for e in estates}) == len(estates)
    communities = _by_code(dalian.communities())
    for e in estates:
        assert e["grade"] in dalian.GRADES
        assert e["management_mode"] in dalian.MANAGEMENT_MODES
        assert isinstance(e["households"], int) and e["households"] > 0
        assert isinstance(e["built_year"], int) and 1950 <= e["built_year"] <= 2025
        assert e["address"].startswith("大连市")
        community = communities[e["community_code"]]
        assert community["name"] == e["community"]
        assert community["street_code"] == e["street_code"]
        assert e["street_code"].startswith(e["district_code"])


def test_estates_inside_their_street() -> None:
    streets = _by_code(dalian.streets())
    districts = _by_code(dalian.districts())
    for e in dalian.estates():
        assert e["boundary"].within(streets[e["street_code"]]["boundary"]), e["code"]
        assert districts[e["district_code"]]["name"] in e["address"], e["code"]


def test_estates_disjoint() -> None:
    for a, b in itertools.combinations(dalian.estates(), 2):
        assert a["boundary"].disjoint(b["boundary"]), (a["code"], b["code"])


def test_estate_sizes_plausible() -> None:
    for e in dalian.estates():
        poly = e["boundary"]
        assert len(poly.exterior.coords) - 1 in (4, 5), e["code"]
        lat = poly.centroid.y
        corners = list(poly.minimum_rotated_rectangle.exterior.coords)
        sides = []
        for (x0, y0), (x1, y1) in itertools.pairwise(corners[:3]):
            dx = (x1 - x0) * M_PER_DEG_LAT * math.cos(math.radians(lat))
            dy = (y1 - y0) * M_PER_DEG_LAT
            sides.append(math.hypot(dx, dy))
        assert min(sides) >= 110 and max(sides) <= 360, (e["code"], sides)


def test_management_modes() -> None:
    estates = dalian.estates()
    modes = Counter(e["management_mode"] for e in estates)
    assert set(modes) == set(dalian.MANAGEMENT_MODES)
    assert modes["market"] > len(estates) / 2
    orgs = {o["key"]: o for o in dalian.organisations()}
    for e in estates:
        mode, firm = e["management_mode"], e["firm_key"]
        if mode == "market":
            assert firm in orgs and orgs[firm]["kind"] == "property_firm"
            assert not orgs[firm]["state_owned"]
        elif mode == "state_takeover":
            assert firm in orgs and orgs[firm]["state_owned"]
            assert orgs[firm]["kind"] == "property_firm"
        elif mode == "charitable_custody":
            assert firm in orgs and orgs[firm]["kind"] == "charitable_custodian"
        else:
            assert firm is None, e["code"]


# ---------------------------------------------------------------------------- grids


def test_grids() -> None:
    grids = dalian.grids()
    assert 6 <= len(grids) <= 12
    streets = _by_code(dalian.streets())
    estates = _by_code(dalian.estates())
    listed: list[str] = []
    for g in grids:
        assert g["code"] == f"G-{g['street_code']}-{g['code'][-2:]}"
        assert g["boundary"].within(streets[g["street_code"]]["boundary"]), g["code"]
        listed.extend(g["estate_codes"])
        for code in g["estate_codes"]:
            assert estates[code]["street_code"] == g["street_code"]
            assert estates[code]["boundary"].within(g["boundary"]), (g["code"], code)
    assert sorted(listed) == sorted(estates)
    for a, b in itertools.combinations(grids, 2):
        assert a["boundary"].intersection(b["boundary"]).area == 0, (a["code"], b["code"])


def test_each_estate_point_in_exactly_one_grid_of_its_street() -> None:
    grids = dalian.grids()
    for e in dalian.estates():
        point = e["boundary"].representative_point()
        hits = [g for g in grids if g["boundary"].contains(point)]
        assert len(hits) == 1, e["code"]
        assert hits[0]["street_code"] == e["street_code"]
        assert e["code"] in hits[0]["estate_codes"]


# ---------------------------------------------------------------------------- parties


def test_organisations() -> None:
    orgs = {o["key"]: o for o in dalian.organisations()}
    assert {"firm1", "firm2", "state_firm", "charity", "water", "power"} <= set(orgs)
    assert orgs["state_firm"]["state_owned"] is True
    assert orgs["firm1"]["state_owned"] is False and orgs["firm2"]["state_owned"] is False
    assert orgs["charity"]["kind"] == "charitable_custodian"
    utilities = {o["utility_kind"] for o in orgs.values() if o["kind"] == "utility"}
    assert utilities == {"water", "power"}
    assert all(o["utility_kind"] is None for o in orgs.values() if o["kind"] != "utility")
    assert len({o["name"] for o in orgs.values()}) == len(orgs)


def test_contracts_do_not_overlap() -> None:
    orgs = {o["key"] for o in dalian.organisations()}
    estates = _by_code(dalian.estates())
    per_estate: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for c in dalian.contracts():
        assert c["estate_code"] in estates
        assert c["firm_key"] in orgs
        assert c["end_date"] is None or c["start_date"] <= c["end_date"]
        per_estate[c["estate_code"]].append(c)
    for code, items in per_estate.items():
        items.sort(key=lambda c: c["start_date"])
        for earlier, later in itertools.pairwise(items):
            assert earlier["end_date"] is not None, code
            assert earlier["end_date"] < later["start_date"], code


def test_contract_changeover_exists() -> None:
    changeovers = []
    for a, b in itertools.permutations(dalian.contracts(), 2):
        if (
            a["estate_code"] == b["estate_code"]
            and a["end_date"] is not None
            and a["end_date"] + timedelta(days=1) == b["start_date"]
            and a["firm_key"] != b["firm_key"]
        ):
            changeovers.append((a, b))
    assert changeovers
    old, new = changeovers[0]
    estate = old["estate_code"]
    assert _responsible(estate, old["end_date"]) == [old["firm_key"]]
    assert _responsible(estate, new["start_date"]) == [new["firm_key"]]


def test_current_contracts_match_estates() -> None:
    today = date(2025, 1, 1)
    for e in dalian.estates():
        expected = [] if e["firm_key"] is None else [e["firm_key"]]
        assert _responsible(e["code"], today) == expected, e["code"]


def test_assignments() -> None:
    by_user = {a["username"]: a for a in dalian.assignments()}
    grids = _by_code(dalian.grids())
    streets = _by_code(dalian.streets())
    orgs = {o["key"] for o in dalian.organisations()}

    g1, g2 = by_user["inspector1"]["scope_codes"], by_user["inspector2"]["scope_codes"]
    assert by_user["inspector1"]["scope_kind"] == by_user["inspector2"]["scope_kind"] == "grid"
    assert 2 <= len(g1) <= 3 and 2 <= len(g2) <= 3
    assert not set(g1) & set(g2)
    assert set(g1) | set(g2) <= set(grids)

    (street,) = by_user["street1"]["scope_codes"]
    (district,) = by_user["supervisor1"]["scope_codes"]
    assert by_user["street1"]["scope_kind"] == "street"
    assert by_user["supervisor1"]["scope_kind"] == "district"
    assert streets[street]["district_code"] == district
    assert all(streets[grids[g]["street_code"]]["district_code"] == district for g in g1)
    assert any(grids[g]["street_code"] == street for g in g1)
    assert all(streets[grids[g]["street_code"]]["district_code"] != district for g in g2)

    for firm in ("firm1", "firm2"):
        assert by_user[firm]["scope_kind"] == "firm"
        assert by_user[firm]["scope_codes"] == [firm]
        assert firm in orgs


def test_records_are_fresh_copies() -> None:
    first = dalian.estates()
    first[0]["name"] = "changed"
    assert dalian.estates()[0]["name"] != "changed"
