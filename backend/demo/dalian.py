"""A Dalian-shaped demo world in WGS84: places, parties, contracts and user scopes.

Pure data: nothing here touches the database or imports from ``backend``; loaders turn these
records into rows. Districts and streets sit at their real locations, but their boundaries are
simplified, schematic polygons (the real ones follow coastlines and roads), and the street codes
are illustrative. Estates are fictional footprints with plausible names and addresses.

Every function returns freshly built lists of plain dicts, so callers may mutate them freely.
Geometries are shapely objects under ``"boundary"`` (and ``"centre"`` for streets).
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any, Literal

from shapely.geometry import Point, Polygon, box

__all__ = [
    "GRADES",
    "MANAGEMENT_MODES",
    "assignments",
    "city",
    "communities",
    "contracts",
    "districts",
    "estates",
    "grids",
    "organisations",
    "streets",
]

Record = dict[str, Any]

GRADES: tuple[str, ...] = ("一级", "二级", "三星级", "四星级", "五星级")
MANAGEMENT_MODES: tuple[str, ...] = (
    "market",
    "state_takeover",
    "charitable_custody",
    "self_managed",
    "unmanaged",
)

# Metres per degree near Dalian (~38.9 N); accurate to well under 1 % over the demo area, which
# is all a footprint generator needs.
_M_PER_DEG_LAT = 110_574.0
_COORD_DECIMALS = 7


def _poly(*points: tuple[float, float]) -> Polygon:
    """Polygon from (lng, lat) corners; the ring is closed by shapely."""
    return Polygon(points)


# ---------------------------------------------------------------------------------- districts

# The four central districts tile the downtown peninsula: 甘井子区 is an L wrapping the others
# on the west and north, as it does in reality.
_DISTRICTS: tuple[tuple[str, str, Polygon], ...] = (
    (
        "210202",
        "中山区",
        _poly((121.618, 38.935), (121.700, 38.935), (121.700, 38.870), (121.618, 38.880)),
    ),
    (
        "210203",
        "西岗区",
        _poly((121.590, 38.935), (121.618, 38.935), (121.618, 38.880), (121.590, 38.885)),
    ),
    (
        "210204",
        "沙河口区",
        _poly(
            (121.545, 38.935),
            (121.590, 38.935),
            (121.590, 38.885),
            (121.585, 38.870),
            (121.545, 38.860),
        ),
    ),
    (
        "210211",
        "甘井子区",
        _poly(
            (121.480, 38.860),
            (121.545, 38.860),
            (121.545, 38.935),
            (121.700, 38.935),
            (121.700, 39.020),
            (121.480, 39.020),
        ),
    ),
)


def city() -> Record:
    """The city the demo districts belong to."""
    return {"code": "210200", "name": "大连市"}


def districts() -> list[Record]:
    """Districts: ``code``, ``name``, ``city_code``, ``boundary`` (Polygon)."""
    return [
        {"code": code, "name": name, "city_code": "210200", "boundary": boundary}
        for code, name, boundary in _DISTRICTS
    ]


# ---------------------------------------------------------------------------------- streets

# (code, name, (lng, lat) approximate real centre, bounding rectangle min_lng, min_lat, max_lng,
# max_lat). Siblings keep a ~100 m gap so that they never share an edge.
_STREETS: tuple[tuple[str, str, tuple[float, float], tuple[float, float, float, float]], ...] = (
    ("210202001", "青泥洼桥街道", (121.628, 38.916), (121.619, 38.905, 121.640, 38.934)),
    ("210202002", "人民路街道", (121.652, 38.921), (121.641, 38.908, 121.668, 38.934)),
    ("210202003", "桃源街道", (121.640, 38.895), (121.625, 38.884, 121.660, 38.904)),
    ("210203001", "白云街道", (121.604, 38.897), (121.592, 38.888, 121.617, 38.904)),
    ("210203002", "人民广场街道", (121.606, 38.912), (121.592, 38.905, 121.617, 38.920)),
    ("210203003", "香炉礁街道", (121.605, 38.928), (121.592, 38.921, 121.617, 38.934)),
    ("210204001", "春柳街道", (121.575, 38.926), (121.560, 38.915, 121.589, 38.934)),
    ("210204002", "星海湾街道", (121.573, 38.884), (121.560, 38.874, 121.584, 38.895)),
    ("210204003", "黑石礁街道", (121.553, 38.877), (121.546, 38.866, 121.559, 38.895)),
    ("210211001", "红旗街道", (121.515, 38.888), (121.490, 38.870, 121.540, 38.905)),
    ("210211002", "周水子街道", (121.535, 38.958), (121.520, 38.940, 121.548, 38.970)),
    ("210211003", "辛寨子街道", (121.567, 38.946), (121.550, 38.937, 121.585, 38.955)),
)


def streets() -> list[Record]:
    """Streets: ``code``, ``name``, ``district_code``, ``centre`` (Point), ``boundary``."""
    return [
        {
            "code": code,
            "name": name,
            "district_code": code[:6],
            "centre": Point(centre),
            "boundary": box(*bounds),
        }
        for code, name, centre, bounds in _STREETS
    ]


# ---------------------------------------------------------------------------------- communities

# Community codes extend the street code by three digits, as the statistical codes do.
_COMMUNITIES: tuple[tuple[str, str], ...] = (
    ("210202001001", "长春路社区"),
    ("210202001002", "友好社区"),
    ("210202002001", "港湾社区"),
    ("210202002002", "东港社区"),
    ("210202003001", "桃源社区"),
    ("210203001001", "白云新村社区"),
    ("210203001002", "南石道社区"),
    ("210203002001", "人民广场社区"),
    ("210203002002", "长江路社区"),
    ("210203003001", "香炉礁社区"),
    ("210204001001", "春柳社区"),
    ("210204001002", "西南路社区"),
    ("210204002001", "星海湾社区"),
    ("210204002002", "会展社区"),
    ("210204003001", "黑石礁社区"),
    ("210211001001", "红旗社区"),
    ("210211001002", "岔鞍社区"),
    ("210211002001", "周水子社区"),
    ("210211002002", "机场社区"),
    ("210211003001", "辛寨子社区"),
)


def communities() -> list[Record]:
    """Community committees (社区居委会): ``code``, ``name``, ``street_code``."""
    return [{"code": code, "name": name, "street_code": code[:9]} for code, name in _COMMUNITIES]


# ---------------------------------------------------------------------------------- estates


def _footprint(
    lng: float,
    lat: float,
    width_m: float,
    depth_m: float,
    angle_deg: float,
    shape: Literal["rect", "penta"],
) -> Polygon:
    """A rotated rectangle (or rectangle with one corner cut off) centred on ``(lng, lat)``."""
    hw, hd = width_m / 2, depth_m / 2
    if shape == "rect":
        local = [(-hw, -hd), (hw, -hd), (hw, hd), (-hw, hd)]
    else:
        cut = 0.35
        local = [
            (-hw, -hd),
            (hw, -hd),
            (hw, hd - cut * depth_m),
            (hw - cut * width_m, hd),
            (-hw, hd),
        ]
    a = math.radians(angle_deg)
    m_per_deg_lng = _M_PER_DEG_LAT * math.cos(math.radians(lat))
    corners = []
    for x, y in local:
        rx = x * math.cos(a) - y * math.sin(a)
        ry = x * math.sin(a) + y * math.cos(a)
        corners.append(
            (
                round(lng + rx / m_per_deg_lng, _COORD_DECIMALS),
                round(lat + ry / _M_PER_DEG_LAT, _COORD_DECIMALS),
            )
        )
    return Polygon(corners)


# (code, name, address, community code, (lng, lat) centre, (width m, depth m, rotation deg,
# shape), grade, households, built year, management mode, firm key or None).
# Firm keys: market estates name their current market firm; state_takeover estates the state-owned
# firm; charitable_custody estates the charitable custodian; self-managed and unmanaged none.
_EstateSpec = tuple[
    str,
    str,
    str,
    str,
    tuple[float, float],
    tuple[float, float, float, Literal["rect", "penta"]],
    str,
    int,
    int,
    str,
    str | None,
]

_ESTATES: tuple[_EstateSpec, ...] = (
    # 中山区 青泥洼桥街道
    (
        "E001",
        "长春名苑",
        "大连市中山区长春路88号",
        "210202001001",
        (121.6230, 38.9280),
        (260, 180, 15, "rect"),
        "二级",
        860,
        1998,
        "market",
        "firm1",
    ),
    (
        "E002",
        "胜利嘉园",
        "大连市中山区胜利路126号",
        "210202001001",
        (121.6245, 38.9180),
        (220, 200, -20, "penta"),
        "三星级",
        1240,
        2006,
        "market",
        "firm2",
    ),
    (
        "E003",
        "天津街小区",
        "大连市中山区天津街203号",
        "210202001002",
        (121.6235, 38.9100),
        (180, 140, 30, "rect"),
        "一级",
        540,
        1992,
        "market",
        "firm1",
    ),
    (
        "E004",
        "友好广场小区",
        "大连市中山区友好路55号",
        "210202001002",
        (121.6345, 38.9260),
        (240, 160, -10, "rect"),
        "四星级",
        980,
        2012,
        "market",
        "firm1",
    ),
    (
        "E005",
        "鲁迅路花园",
        "大连市中山区鲁迅路37号",
        "210202001002",
        (121.6350, 38.9130),
        (200, 170, 25, "penta"),
        "一级",
        620,
        1995,
        "state_takeover",
        "state_firm",
    ),
    # 中山区 人民路街道
    (
        "E006",
        "港湾公寓",
        "大连市中山区港湾街12号",
        "210202002001",
        (121.6470, 38.9270),
        (280, 190, 5, "rect"),
        "五星级",
        1560,
        2015,
        "market",
        "firm2",
    ),
    (
        "E007",
        "人民路锦绣苑",
        "大连市中山区人民路66号",
        "210202002001",
        (121.6560, 38.9180),
        (150, 130, -35, "rect"),
        "一级",
        260,
        1988,
        "self_managed",
        None,
    ),
    (
        "E008",
        "东港海景苑",
        "大连市中山区港隆路150号",
        "210202002002",
        (121.6620, 38.9280),
        (300, 210, 12, "penta"),
        "五星级",
        1820,
        2018,
        "market",
        "firm1",
    ),
    # 西岗区 人民广场街道
    (
        "E009",
        "长江路小区",
        "大连市西岗区长江路520号",
        "210203002002",
        (121.5970, 38.9160),
        (210, 150, -15, "rect"),
        "二级",
        720,
        2001,
        "market",
        "firm2",
    ),
    (
        "E010",
        "民政街小区",
        "大连市西岗区民政街38号",
        "210203002001",
        (121.6050, 38.9095),
        (140, 120, 20, "rect"),
        "一级",
        310,
        1986,
        "charitable_custody",
        "charity",
    ),
    (
        "E011",
        "新开路花园",
        "大连市西岗区新开路99号",
        "210203002001",
        (121.6110, 38.9165),
        (230, 180, 8, "penta"),
        "三星级",
        1080,
        2009,
        "market",
        "firm1",
    ),
    (
        "E012",
        "黄河路家园",
        "大连市西岗区黄河路215号",
        "210203002002",
        (121.5965, 38.9095),
        (170, 150, -28, "rect"),
        "一级",
        450,
        1990,
        "unmanaged",
        None,
    ),
    # 西岗区 白云街道
    (
        "E013",
        "白云新村",
        "大连市西岗区白云街45号",
        "210203001001",
        (121.5990, 38.8990),
        (250, 200, 18, "rect"),
        "二级",
        1320,
        1994,
        "state_takeover",
        "state_firm",
    ),
    (
        "E014",
        "南石道小区",
        "大连市西岗区南石道街18号",
        "210203001002",
        (121.6080, 38.8950),
        (190, 160, -8, "penta"),
        "二级",
        680,
        2003,
        "market",
        "firm2",
    ),
    (
        "E015",
        "英华园",
        "大连市西岗区英华街7号",
        "210203001002",
        (121.6130, 38.9010),
        (160, 140, 33, "rect"),
        "三星级",
        520,
        2010,
        "market",
        "firm1",
    ),
    # 沙河口区 春柳街道
    (
        "E016",
        "春柳河小区",
        "大连市沙河口区春柳街66号",
        "210204001001",
        (121.5660, 38.9280),
        (270, 200, -12, "rect"),
        "二级",
        1460,
        2000,
        "market",
        "firm1",
    ),
    (
        "E017",
        "西南路佳园",
        "大连市沙河口区西南路722号",
        "210204001002",
        (121.5760, 38.9220),
        (220, 170, 22, "penta"),
        "四星级",
        1120,
        2014,
        "market",
        "firm2",
    ),
    (
        "E018",
        "春和里",
        "大连市沙河口区春和街18号",
        "210204001001",
        (121.5840, 38.9290),
        (130, 120, 0, "rect"),
        "一级",
        240,
        1985,
        "self_managed",
        None,
    ),
    (
        "E019",
        "锦绣花园",
        "大连市沙河口区锦绣路33号",
        "210204001002",
        (121.5680, 38.9190),
        (240, 180, 10, "rect"),
        "三星级",
        990,
        2007,
        "market",
        "firm1",
    ),
    # 沙河口区 星海湾街道
    (
        "E020",
        "星海名城",
        "大连市沙河口区中山路588号",
        "210204002001",
        (121.5650, 38.8900),
        (300, 220, -18, "penta"),
        "五星级",
        1780,
        2016,
        "market",
        "firm2",
    ),
    (
        "E021",
        "会展花园",
        "大连市沙河口区会展路21号",
        "210204002002",
        (121.5740, 38.8850),
        (210, 180, 28, "rect"),
        "四星级",
        860,
        2011,
        "market",
        "firm1",
    ),
    (
        "E022",
        "星海人家",
        "大连市沙河口区星海二站街3号",
        "210204002001",
        (121.5800, 38.8910),
        (190, 150, -5, "rect"),
        "四星级",
        730,
        2013,
        "market",
        "firm2",
    ),
    (
        "E023",
        "海韵园",
        "大连市沙河口区滨海西路17号",
        "210204002002",
        (121.5660, 38.8790),
        (230, 160, 14, "penta"),
        "五星级",
        640,
        2019,
        "market",
        "firm1",
    ),
    # 甘井子区 周水子街道
    (
        "E024",
        "机场新村",
        "大连市甘井子区迎客路21号",
        "210211002002",
        (121.5270, 38.9640),
        (260, 210, -22, "rect"),
        "一级",
        1180,
        1991,
        "state_takeover",
        "state_firm",
    ),
    (
        "E025",
        "周水子花园",
        "大连市甘井子区周水子广场3号",
        "210211002001",
        (121.5400, 38.9620),
        (240, 190, 6, "penta"),
        "三星级",
        1340,
        2008,
        "market",
        "firm2",
    ),
    (
        "E026",
        "华北路小区",
        "大连市甘井子区华北路128号",
        "210211002001",
        (121.5280, 38.9480),
        (180, 150, 35, "rect"),
        "一级",
        420,
        1989,
        "charitable_custody",
        "charity",
    ),
    (
        "E027",
        "东北路家园",
        "大连市甘井子区东北路301号",
        "210211002001",
        (121.5410, 38.9470),
        (280, 200, -10, "rect"),
        "四星级",
        1650,
        2017,
        "market",
        "firm1",
    ),
    # 甘井子区 红旗街道
    (
        "E028",
        "红旗西路小区",
        "大连市甘井子区红旗西路55号",
        "210211001001",
        (121.5050, 38.8950),
        (250, 180, 16, "rect"),
        "二级",
        1020,
        2004,
        "market",
        "firm2",
    ),
    (
        "E029",
        "岔鞍新村",
        "大连市甘井子区岔鞍街12号",
        "210211001002",
        (121.5200, 38.8850),
        (200, 160, -30, "penta"),
        "一级",
        580,
        1987,
        "unmanaged",
        None,
    ),
    (
        "E030",
        "红凌路家园",
        "大连市甘井子区红凌路160号",
        "210211001001",
        (121.5320, 38.8960),
        (290, 210, 4, "rect"),
        "四星级",
        1900,
        2020,
        "market",
        "firm1",
    ),
)


def estates() -> list[Record]:
    """Estates (居住小区).

    Keys: ``code``, ``name``, ``address``, ``street_code``, ``district_code``,
    ``community_code``, ``community`` (name), ``grade``, ``households``, ``built_year``,
    ``management_mode``, ``firm_key`` (str or None), ``boundary`` (Polygon).
    """
    community_names = dict(_COMMUNITIES)
    records = []
    for spec in _ESTATES:
        code, name, address, community_code, centre, shape, grade, households, year, mode, firm = (
            spec
        )
        records.append(
            {
                "code": code,
                "name": name,
                "address": address,
                "street_code": community_code[:9],
                "district_code": community_code[:6],
                "community_code": community_code,
                "community": community_names[community_code],
                "grade": grade,
                "households": households,
                "built_year": year,
                "management_mode": mode,
                "firm_key": firm,
                "boundary": _footprint(*centre, *shape),
            }
        )
    return records


# ---------------------------------------------------------------------------------- grids

# (grid code, estate codes). A grid is the bounding box of its estates grown by ~100 m and
# clipped to the street, so it covers whole estates and never leaves the street.
_GRIDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("G-210202001-01", ("E001", "E002", "E003")),
    ("G-210202001-02", ("E004", "E005")),
    ("G-210202002-01", ("E006", "E007", "E008")),
    ("G-210203001-01", ("E013", "E014", "E015")),
    ("G-210203002-01", ("E009", "E010", "E011", "E012")),
    ("G-210204001-01", ("E016", "E017", "E018", "E019")),
    ("G-210204002-01", ("E020", "E021", "E022", "E023")),
    ("G-210211001-01", ("E028", "E029", "E030")),
    ("G-210211002-01", ("E024", "E025", "E026", "E027")),
)
_GRID_MARGIN_DEG = 0.001


def grids() -> list[Record]:
    """Grid cells (网格): ``code``, ``name``, ``street_code``, ``estate_codes``, ``boundary``."""
    footprints = {e["code"]: e["boundary"] for e in estates()}
    street_by_code = {s["code"]: s for s in streets()}
    records = []
    for code, members in _GRIDS:
        street = street_by_code[code[2:11]]
        min_x = min(footprints[m].bounds[0] for m in members) - _GRID_MARGIN_DEG
        min_y = min(footprints[m].bounds[1] for m in members) - _GRID_MARGIN_DEG
        max_x = max(footprints[m].bounds[2] for m in members) + _GRID_MARGIN_DEG
        max_y = max(footprints[m].bounds[3] for m in members) + _GRID_MARGIN_DEG
        # Both are axis-aligned boxes, so clipping is exact and stays a box.
        s_min_x, s_min_y, s_max_x, s_max_y = street["boundary"].bounds
        boundary = box(
            round(max(min_x, s_min_x), _COORD_DECIMALS),
            round(max(min_y, s_min_y), _COORD_DECIMALS),
            round(min(max_x, s_max_x), _COORD_DECIMALS),
            round(min(max_y, s_max_y), _COORD_DECIMALS),
        )
        records.append(
            {
                "code": code,
                "name": f"{street['name']}第{int(code[-2:])}网格",
                "street_code": street["code"],
                "estate_codes": list(members),
                "boundary": boundary,
            }
        )
    return records


# ---------------------------------------------------------------------------------- parties


def organisations() -> list[Record]:
    """Firms, the charitable custodian and utilities.

    Keys: ``key``, ``name``, ``kind`` ("property_firm" | "charitable_custodian" | "utility"),
    ``state_owned`` (bool), ``utility_kind`` ("water" | "power" | None).
    """
    return [
        {
            "key": "firm1",
            "name": "大连万家物业服务有限公司",
            "kind": "property_firm",
            "state_owned": False,
            "utility_kind": None,
        },
        {
            "key": "firm2",
            "name": "大连海湾物业管理有限公司",
            "kind": "property_firm",
            "state_owned": False,
            "utility_kind": None,
        },
        {
            "key": "state_firm",
            "name": "大连国有物业服务集团有限公司",
            "kind": "property_firm",
            "state_owned": True,
            "utility_kind": None,
        },
        {
            "key": "charity",
            "name": "大连公益物业托管中心",
            "kind": "charitable_custodian",
            "state_owned": False,
            "utility_kind": None,
        },
        {
            "key": "water",
            "name": "大连市水务集团",
            "kind": "utility",
            "state_owned": True,
            "utility_kind": "water",
        },
        {
            "key": "power",
            "name": "国网大连供电公司",
            "kind": "utility",
            "state_owned": True,
            "utility_kind": "power",
        },
    ]


# (estate code, firm key, start, end or None). Histories worth testing against:
# - E003 changed market firm: firm2 until 2023-06-30, firm1 from 2023-07-01.
# - E005 was taken over by the state-owned firm when firm2 left on 2022-03-31.
# - E012's firm2 contract ended 2021-12-31 with no successor: unmanaged, in the street's custody.
# - E029 never had a firm. E007 and E018 are self-managed.
_CONTRACTS: tuple[tuple[str, str, str, str | None], ...] = (
    ("E001", "firm1", "2020-01-01", None),
    ("E002", "firm2", "2019-07-01", None),
    ("E003", "firm2", "2018-01-01", "2023-06-30"),
    ("E003", "firm1", "2023-07-01", None),
    ("E004", "firm1", "2021-04-01", None),
    ("E005", "firm2", "2016-05-01", "2022-03-31"),
    ("E005", "state_firm", "2022-04-01", None),
    ("E006", "firm2", "2017-09-01", None),
    ("E008", "firm1", "2018-03-01", None),
    ("E009", "firm2", "2020-06-01", None),
    ("E010", "charity", "2021-01-01", None),
    ("E011", "firm1", "2019-01-01", None),
    ("E012", "firm2", "2015-01-01", "2021-12-31"),
    ("E013", "state_firm", "2020-10-01", None),
    ("E014", "firm2", "2022-01-01", None),
    ("E015", "firm1", "2018-08-01", None),
    ("E016", "firm1", "2019-05-01", None),
    ("E017", "firm2", "2021-02-01", None),
    ("E019", "firm1", "2020-09-01", None),
    ("E020", "firm2", "2016-12-01", None),
    ("E021", "firm1", "2022-07-01", None),
    ("E022", "firm2", "2019-11-01", None),
    ("E023", "firm1", "2020-03-01", None),
    ("E024", "state_firm", "2021-06-01", None),
    ("E025", "firm2", "2018-04-01", None),
    ("E026", "charity", "2022-05-01", None),
    ("E027", "firm1", "2017-10-01", None),
    ("E028", "firm2", "2020-02-01", None),
    ("E030", "firm1", "2021-01-01", None),
)


def contracts() -> list[Record]:
    """Service and custody contracts: ``estate_code``, ``firm_key``, ``start_date`` (date),
    ``end_date`` (date or None, inclusive last day)."""
    return [
        {
            "estate_code": estate,
            "firm_key": firm,
            "start_date": date.fromisoformat(start),
            "end_date": None if end is None else date.fromisoformat(end),
        }
        for estate, firm, start, end in _CONTRACTS
    ]


# ---------------------------------------------------------------------------------- users


def assignments() -> list[Record]:
    """Demo users' scopes: ``username``, ``role``, ``scope_kind``, ``scope_codes``.

    ``scope_kind`` is "grid" (grid codes), "street" / "district" (place codes) or "firm"
    (organisation keys). inspector1's grids and street1's street lie in supervisor1's district
    (中山区); inspector2 works in 沙河口区.
    """
    return [
        {
            "username": "inspector1",
            "role": "inspector",
            "scope_kind": "grid",
            "scope_codes": ["G-210202001-01", "G-210202001-02", "G-210202002-01"],
        },
        {
            "username": "inspector2",
            "role": "inspector",
            "scope_kind": "grid",
            "scope_codes": ["G-210204001-01", "G-210204002-01"],
        },
        {
            "username": "street1",
            "role": "supervisor",
            "scope_kind": "street",
            "scope_codes": ["210202001"],
        },
        {
            "username": "supervisor1",
            "role": "supervisor",
            "scope_kind": "district",
            "scope_codes": ["210202"],
        },
        {"username": "firm1", "role": "firm", "scope_kind": "firm", "scope_codes": ["firm1"]},
        {"username": "firm2", "role": "firm", "scope_kind": "firm", "scope_codes": ["firm2"]},
    ]
