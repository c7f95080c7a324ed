"""The 公示 with the owner survey and 全覆盖 sections: frozen aggregates per estate and firm,
withheld below the survey's minimum, and never a single answer (no comment, no home).

Q1 2026 (no demo answers; the demo's are in the current quarters), answered through the page:
    E001 (firm1): 5 answers all 5, 5 answers all 3 → every mean 4 → score Σw·3/4 = 75.0,
                  satisfaction 5/10 = 50%.
    E003 (firm1 since 2023-07): 2 answers all 1 → below 10: count only.
    E002 (firm2): 3 answers all 2 → below 10: count only.
    firm1 pooled: 12 answers, means (25 + 15 + 2) / 12 = 3.5 → score 100 × 2.5 / 4 = 62.5,
                  satisfaction 5/12; firm2: 3 answers → withheld.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from backend.clock import SHANGHAI
from backend.places.models import Organisation
from tests.surveys.conftest import all_rated, answer

Q1 = "2026-01-01"
PUBLISH = {
    "period_start": "2026-01-01",
    "period_end": "2026-03-31",
    "sections": ["owner_survey", "fullcover"],
}
SECRET = "三号楼的王阿姨家漏水"


def _answers(phone, link_of, code: str, ratings: list[int], network: int) -> None:
    token = link_of(code)
    for n, value in enumerate(ratings):
        sent = answer(
            phone(f"198.51.{network}.{n}"),
            token,
            Q1,
            ("7", "", f"{n + 1}01"),
            **all_rated(value),
            comment=SECRET,
        )
        assert sent.status_code == 303, sent.get_data(as_text=True)


def test_published_survey_and_fullcover_sections(client, login, phone, link_of, frozen_clock):
    frozen_clock(datetime(2026, 3, 20, 10, tzinfo=SHANGHAI))
    _answers(phone, link_of, "E001", [5] * 5 + [3] * 5, 1)
    _answers(phone, link_of, "E003", [1, 1], 2)
    _answers(phone, link_of, "E002", [2, 2, 2], 3)
    frozen_clock(datetime(2026, 4, 2, 10, tzinfo=SHANGHAI))
    published = client.post("/api/disclosures", json=PUBLISH, headers=login("supervisor1"))
    assert published.status_code == 201, published.json
    snap = published.json
    assert snap["sections"] == ["owner_survey", "fullcover"]
    survey = snap["owner_survey"]
    assert (survey["period_start"], survey["period_end"], survey["min_answers"]) == (
        "2026-01-01",
        "2026-03-31",
        10,
    )
    estates = {row["code"]: row for row in survey["estates"]}
    assert estates["E001"] == {
        "code": "E001",
        "name": estates["E001"]["name"],
        "answers": 10,
        "published": True,
        "score": 75.0,
        "satisfaction": 0.5,
    }
    for code, count in (("E003", 2), ("E002", 3)):
        assert estates[code]["answers"] == count and not estates[code]["published"]
        assert estates[code]["score"] is None and estates[code]["satisfaction"] is None
    firm1, firm2 = (_org_name(client, code) for code in ("E001", "E002"))
    firms = {row["name"]: row for row in survey["firms"]}
    assert firms[firm1]["answers"] == 12 and firms[firm1]["score"] == 62.5
    assert abs(firms[firm1]["satisfaction"] - 5 / 12) < 1e-9
    assert firms[firm2] == {
        "name": firm2, "answers": 3, "published": False, "score": None, "satisfaction": None
    }  # fmt: skip

    cover = snap["fullcover"]
    live = client.get(
        "/api/reports/fullcover?group=street&on=2026-03-31&from=2026-03-31",
        headers=login("supervisor1"),
    )
    assert live.status_code == 200, live.json
    live = live.json
    assert cover["as_of"] == "2026-03-31" and cover["group"] == "street"
    assert cover["total"]["formerly_unmanaged"] == live["total"]["formerly_unmanaged"]
    assert cover["total"]["covered"] == live["total"]["covered"]
    assert [r["code"] for r in cover["rows"]] == [r["code"] for r in live["rows"]]

    public_json = client.get(f"/api/public/disclosures/{snap['id']}").json
    assert public_json["owner_survey"] == survey and public_json["fullcover"] == cover
    html = client.get(f"/public/{snap['id']}").get_data(as_text=True)
    assert "业主满意度评价" in html and "75.0" in html and "62.5" in html
    assert "不足 10 份" in html and "物业管理全覆盖" in html
    for text in (str(public_json), html):
        assert SECRET not in text and "7-0-101" not in text and "198.51." not in text


def _org_name(client, code: str) -> str:
    from backend.database import db
    from backend.places.models import Estate, ServiceContract

    return db.session.scalar(
        sa.select(Organisation.name)
        .join(ServiceContract, ServiceContract.firm_id == Organisation.id)
        .join(Estate, Estate.id == ServiceContract.estate_id)
        .where(Estate.code == code, ServiceContract.end_date.is_(None))
    )
