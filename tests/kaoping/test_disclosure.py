"""公示 with the 考评 section: grades per estate and firm, frozen with the formula id."""

from __future__ import annotations

import sqlalchemy as sa

from backend import clock
from backend.accounts.models import User
from backend.kaoping import formulas
from backend.surveys import services as surveys
from tests.kaoping.test_kaoping import COMMITTEE_80, STREET_90, _estate, _owners
from tests.security.tokens import bearer


def test_the_kaoping_section_is_frozen_and_shown_publicly(client, dbsession):
    first, last = surveys.period_of(clock.today(), "quarter")
    e003 = _estate(dbsession, "E003")
    _owners(dbsession, "E003", first, 10, 4)
    for who, ratings in (("committee1", COMMITTEE_80), ("street1", STREET_90)):
        answer = client.put(f"/api/assessments/{e003.id}", headers=bearer(dbsession, who),
                            json={"ratings": ratings})  # fmt: skip
        assert answer.status_code == 200, answer.json
    body = {"period_start": first.isoformat(), "period_end": clock.today().isoformat(),
            "sections": ["kaoping"]}  # fmt: skip
    made = client.post("/api/disclosures", json=body, headers=bearer(dbsession, "street1"))
    assert made.status_code == 201, made.json
    section = made.json["kaoping"]
    assert section["quarter"] == {"first": first.isoformat(), "last": last.isoformat()}
    assert section["formula"]["id"] == formulas.formula_id(
        formulas.parse_weights(formulas.DEFAULT_WEIGHTS)
    )
    estates = {row["code"]: row for row in section["estates"]}
    assert (estates["E003"]["composite"], estates["E003"]["grade"]) == (77.9, "中")
    firm = next(f for f in section["firms"] if f["graded"])
    assert (firm["mean"], firm["credit_grade"]) == (77.9, "C")
    assert all(set(f) == {"name", "estates", "graded", "mean", "credit_grade", "grades"}
               for f in section["firms"])  # fmt: skip

    # Later assessments do not change what was published.
    client.put(f"/api/assessments/{e003.id}", headers=bearer(dbsession, "street1"),
               json={"ratings": {k: 0 for k in STREET_90}})  # fmt: skip
    public = client.get(f"/api/public/disclosures/{made.json['id']}").json
    assert public["kaoping"] == section
    page = client.get(f"/public/{made.json['id']}").get_data(as_text=True)
    assert "物业服务考评" in page and firm["name"] in page and "77.9" in page
    names = dbsession.scalars(sa.select(User.display_name).where(User.display_name != "")).all()
    assert not [name for name in names if name in page]
