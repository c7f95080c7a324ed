"""The standard 五好小区 checklist is valid and covers every phrase of policy clause 三(二) 1-5."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from backend.checklists.definition import ChecklistDefinition, load_definition, validate_file

STANDARD = Path(__file__).resolve().parents[2] / "checklists" / "wuhao-standard.yaml"

# 大政办发〔2018〕194号, 三(二) 居住小区的管理内容, verbatim (the source uses ASCII punctuation).
CLAUSES: dict[str, str] = {
    "三(二)1": "环境干净整洁,绿化维护良好,楼体立面无破损,楼道干净整洁,无乱堆乱放、私搭乱建,"
    "设置公示板、宣传栏,无病媒生物孳生地,有防(灭)鼠、蝇设施。",
    "三(二)2": "装修垃圾按指定地点堆放,停车管理合法、规范、有序,车辆按线行驶,"
    "电力、通讯等线路搭设规范。",
    "三(二)3": "道路无破损,井盖完好,路灯无缺失,下水管网畅通,路牌、楼、门牌号无缺失,"
    "楼道门、窗、护栏、感应灯、电梯、消防、健身器材等设施设备完好,能正常使用。",
    "三(二)4": "明确垃圾分类负责人,配有垃圾分类指导员,垃圾分类设施完备,建立分类收运台账,"
    "垃圾点清运及时,无垃圾外溢,周围环境整洁,设置垃圾分类知识宣传栏和分类公示牌。",
    "三(二)5": "物业服务合同规范,物业服务企业维修及时、服务规范、按规定及时公示相关信息、"
    "按照合同约定提供质价相符服务;业主按规定缴纳物业服务、停车管理等相关费用,"
    "成立居住小区管理委员会,业主委员会良性运行,无不作为、乱作为现象;"
    "居住小区矛盾纠纷及时有效解决。",
}

AREA_OF_CLAUSE: dict[str, str] = {
    "三(二)1": "sanitation",
    "三(二)2": "order",
    "三(二)3": "facilities",
    "三(二)4": "garbage",
    "三(二)5": "property",
}

AREA_TITLES: dict[str, str] = {
    "sanitation": "环境卫生",
    "order": "社会秩序",
    "facilities": "公共设施",
    "garbage": "垃圾管理",
    "property": "物业管理",
}

CODE_PREFIX: dict[str, str] = {
    "sanitation": "ENV",
    "order": "ORD",
    "facilities": "FAC",
    "garbage": "GAR",
    "property": "PRO",
}

# Every enumerated requirement of 三(二) 1-5 → the items that check it.
PHRASES: dict[str, dict[str, tuple[str, ...]]] = {
    "三(二)1": {
        "环境干净整洁": ("ENV-01", "ENV-02", "ENV-03"),
        "绿化维护良好": ("ENV-04", "ENV-05"),
        "楼体立面无破损": ("ENV-06", "ENV-07"),
        "楼道干净整洁": ("ENV-08",),
        "无乱堆乱放": ("ENV-09", "ENV-10"),
        "私搭乱建": ("ENV-11",),
        "设置公示板": ("ENV-12",),
        "宣传栏": ("ENV-12",),
        "无病媒生物孳生地": ("ENV-13",),
        "有防(灭)鼠": ("ENV-14",),
        "蝇设施": ("ENV-14",),
    },
    "三(二)2": {
        "装修垃圾按指定地点堆放": ("ORD-01", "ORD-02"),
        "停车管理合法": ("ORD-03", "ORD-04"),
        "规范": ("ORD-04", "ORD-06"),
        "有序": ("ORD-05",),
        "车辆按线行驶": ("ORD-07",),
        "电力": ("ORD-08", "ORD-10"),
        "通讯等线路搭设规范": ("ORD-09",),
    },
    "三(二)3": {
        "道路无破损": ("FAC-01",),
        "井盖完好": ("FAC-02",),
        "路灯无缺失": ("FAC-03",),
        "下水管网畅通": ("FAC-04", "FAC-05"),
        "路牌": ("FAC-06",),
        "楼、门牌号无缺失": ("FAC-06",),
        "楼道门": ("FAC-07",),
        "窗": ("FAC-08",),
        "护栏": ("FAC-09",),
        "感应灯": ("FAC-10",),
        "电梯": ("FAC-11",),
        "消防": ("FAC-12", "FAC-13"),
        "健身器材": ("FAC-14",),
        "等设施设备完好": ("FAC-15",),
        "能正常使用": ("FAC-07", "FAC-10", "FAC-11", "FAC-12", "FAC-13", "FAC-15"),
    },
    "三(二)4": {
        "明确垃圾分类负责人": ("GAR-01",),
        "配有垃圾分类指导员": ("GAR-02",),
        "垃圾分类设施完备": ("GAR-03", "GAR-04"),
        "建立分类收运台账": ("GAR-05",),
        "垃圾点清运及时": ("GAR-06",),
        "无垃圾外溢": ("GAR-07",),
        "周围环境整洁": ("GAR-08",),
        "设置垃圾分类知识宣传栏": ("GAR-09",),
        "分类公示牌": ("GAR-10",),
    },
    "三(二)5": {
        "物业服务合同规范": ("PRO-01",),
        "维修及时": ("PRO-02",),
        "服务规范": ("PRO-03",),
        "按规定及时公示相关信息": ("PRO-04",),
        "按照合同约定提供质价相符服务": ("PRO-05",),
        "业主按规定缴纳物业服务、停车管理等相关费用": ("PRO-06",),
        "成立居住小区管理委员会": ("PRO-07",),
        "业主委员会良性运行": ("PRO-08",),
        "无不作为、乱作为现象": ("PRO-08",),
        "居住小区矛盾纠纷及时有效解决": ("PRO-09",),
    },
}

# Words of a clause sentence that state no requirement of their own (subjects, conjunctions).
CONNECTIVES: dict[str, tuple[str, ...]] = {"三(二)5": ("物业服务企业",)}
PUNCTUATION = set(",、;。和")


@pytest.fixture(scope="module")
def standard() -> ChecklistDefinition:
    return load_definition(STANDARD)


def test_standard_file_has_no_problems() -> None:
    problems = validate_file(STANDARD)
    assert problems == [], "\n".join(str(p) for p in problems)


def test_shape(standard: ChecklistDefinition) -> None:
    assert standard.code == "wuhao-standard"
    assert isinstance(standard.version, int)
    assert standard.title.zh and standard.title.en
    assert 40 <= len(standard.items) <= 60
    assert [area.key for area in standard.areas] == list(AREA_TITLES)
    for area in standard.areas:
        assert area.title.zh == AREA_TITLES[area.key]
        assert area.title.en
    assert sum(area.weight for area in standard.areas) == pytest.approx(100)


def test_items_are_bilingual_and_traceable(standard: ChecklistDefinition) -> None:
    for item in standard.items:
        assert item.title.en and item.guidance.en, item.code
        assert len(item.guidance.zh) >= 20, f"{item.code}: guidance too thin for an inspector"
        assert re.fullmatch(rf"{CODE_PREFIX[item.area]}-\d\d", item.code), item.code
        assert item.clause_ref in CLAUSES, item.code
        assert AREA_OF_CLAUSE[item.clause_ref] == item.area, item.code
        assert item.clause_text and item.clause_text in CLAUSES[item.clause_ref], (
            f"{item.code}: clause_text {item.clause_text!r} is not a quote of {item.clause_ref}"
        )
        assert item.category.split(".")[0] == item.area, item.code


def test_categories_unique(standard: ChecklistDefinition) -> None:
    counts = Counter(item.category for item in standard.items)
    assert [c for c, n in counts.items() if n > 1] == []


def test_phrase_table_quotes_the_policy_completely() -> None:
    """The phrases are verbatim and, with punctuation and connectives, make up each sentence."""
    for ref, sentence in CLAUSES.items():
        rest = sentence
        for phrase in sorted(PHRASES[ref], key=len, reverse=True):
            assert phrase in sentence, f"{ref}: {phrase!r} is not in the policy text"
            rest = rest.replace(phrase, "", 1)
        for word in CONNECTIVES.get(ref, ()):
            rest = rest.replace(word, "")
        leftover = "".join(ch for ch in rest if ch not in PUNCTUATION)
        assert leftover == "", f"{ref}: requirement text not mapped to any item: {leftover!r}"


@pytest.mark.parametrize(
    ("ref", "phrase", "codes"),
    [(ref, phrase, codes) for ref, table in PHRASES.items() for phrase, codes in table.items()],
)
def test_every_clause_phrase_is_checked(
    standard: ChecklistDefinition, ref: str, phrase: str, codes: tuple[str, ...]
) -> None:
    assert codes, f"{ref} {phrase}: no item"
    for code in codes:
        item = standard.item(code)  # KeyError if the item is missing
        assert item.area == AREA_OF_CLAUSE[ref], f"{code} is not in area {AREA_OF_CLAUSE[ref]}"
        assert item.clause_ref == ref, code


def test_every_item_is_in_the_phrase_table(standard: ChecklistDefinition) -> None:
    mapped = {code for table in PHRASES.values() for codes in table.values() for code in codes}
    assert set(standard.item_codes) == mapped


def _hours(item_code: str, standard: ChecklistDefinition) -> float:
    deadline = standard.item(item_code).deadline
    return deadline.amount * (1 if deadline.unit == "working_hours" else 9)


def test_deadlines_follow_digital_city_management_practice(standard: ChecklistDefinition) -> None:
    def deadline(code: str) -> tuple[int, str]:
        item = standard.item(code)
        return item.deadline.amount, item.deadline.unit

    assert deadline("ENV-01") == (2, "working_hours")  # street cleaning
    assert deadline("ENV-02") == (4, "working_hours")  # exposed garbage
    assert deadline("ENV-04") == (5, "working_days")  # greenery
    amount, unit = deadline("ENV-11")  # illegal structures
    assert unit == "working_days" and 15 <= amount <= 20
    assert deadline("FAC-02") == (2, "working_hours")  # manhole cover
    for code in ("FAC-02", "FAC-11", "FAC-12", "FAC-13", "ENV-07", "ORD-03"):
        assert standard.item(code).severity == "urgent", code
    for item in standard.items:
        if item.severity == "urgent":
            assert _hours(item.code, standard) <= 9, f"{item.code}: urgent but slow"
            assert item.on_fail.photo, item.code


def test_responsible_parties(standard: ChecklistDefinition) -> None:
    assert standard.item("ORD-08").responsible == "utility:power"
    assert standard.item("ORD-09").responsible == "utility:telecom"
    assert standard.item("ENV-11").responsible == "street_office"
    parties = Counter(item.responsible for item in standard.items)
    assert parties["manager"] > len(standard.items) / 2


def test_item_weights_per_area(standard: ChecklistDefinition) -> None:
    for area in standard.areas:
        items = standard.items_in(area.key)
        assert items, area.key
        assert sum(item.weight for item in items) == pytest.approx(100, abs=0.01)
