"""考评: forms, submitting assessments, the composite (hand-computed) and the new roles."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from backend import clock
from backend.accounts.models import Role, User
from backend.kaoping import formulas
from backend.kaoping.definition import AssessmentInvalid, validate_data
from backend.kaoping.models import Assessment
from backend.places.models import Estate
from backend.surveys import services as surveys
from backend.surveys.models import SurveyAnswer
from tests.security.tokens import bearer

W = formulas.parse_weights(formulas.DEFAULT_WEIGHTS)
COMMITTEE_80 = {"contract": 16, "cleaning": 12, "security": 12, "facilities": 16,
                "finance": 12, "response": 12}  # fmt: skip
STREET_90 = {"rectification": 23, "standards": 22, "emergencies": 14, "records": 13,
             "stability": 18}  # fmt: skip


def _estate(dbsession: Any, code: str) -> Estate:
    return dbsession.scalar(sa.select(Estate).where(Estate.code == code))


def _owners(dbsession: Any, code: str, first: date, n: int, rating: int) -> None:
    version = surveys.require_active()
    estate = _estate(dbsession, code)
    for i in range(n):
        dbsession.add(
            SurveyAnswer(
                survey_id=version.survey_id, version_id=version.id, estate_id=estate.id,
                period_start=first, household=f"1-1-{100 + i}", device_hash=f"{i:064d}",
                network="203.0.113.0/24",
                ratings={q["key"]: rating for q in version.definition["questions"]},
                comment="",
            )
        )  # fmt: skip
    dbsession.flush()


# --- formulas (hand-computed) ------------------------------------------------------------


def test_composite_renormalises_over_present_parts():
    parts = {"owner": 75.0, "committee": 80.0, "street": 90.0}
    found = formulas.composite(parts, W)
    # (0.5×75 + 0.1×80 + 0.1×90) / 0.7 = 54.5 / 0.7 = 77.857… → 77.9
    assert found.score == 77.9
    assert found.grade == "中"
    assert found.missing == ("community", "inspection", "tickets")


def test_composite_with_every_part_and_without_the_owners():
    every = dict(owner=92.0, committee=95.0, community=88.0, street=90.0, inspection=86.0,
                 tickets=100.0)  # fmt: skip
    # 0.5×92 + 0.1×(95+88+90+86+100) = 46 + 45.9 = 91.9
    assert formulas.composite(every, W) == formulas.Composite(91.9, "优", ())
    no_owner = {**every, "owner": None}
    assert formulas.composite(no_owner, W) == formulas.Composite(None, None, ("owner",))


def test_grades_and_credit_thresholds():
    assert [formulas.grade(s) for s in (90.0, 89.9, 80.0, 60.0, 59.9)] == [
        "优", "良", "良", "中", "差",
    ]  # fmt: skip
    assert formulas.credit([95.0, 85.0])["credit_grade"] == "A"  # mean 90.0
    assert formulas.credit([99.0, 81.0])["credit_grade"] == "A"
    assert formulas.credit([100.0, 100.0, 59.0])["credit_grade"] == "C"  # a 差 estate caps it
    assert formulas.credit([80.0, None]) == {
        "mean": 80.0, "credit_grade": "B", "graded": 1, "ungraded": 1,
    }  # fmt: skip
    assert formulas.credit([50.0])["credit_grade"] == "D"
    assert formulas.credit([None])["credit_grade"] is None


@pytest.mark.parametrize(
    "raw",
    [
        "owner=0.4,committee=0.2,community=0.1,street=0.1,inspection=0.1,tickets=0.1",
        "owner=0.5,committee=0.1,community=0.1,street=0.1,inspection=0.1",
        "owner=0.6,committee=0.1,community=0.1,street=0.1,inspection=0.1,tickets=0.1",
        "owner=x",
    ],
)
def test_weights_are_refused_at_startup_when_wrong(raw):
    from backend import create_app

    with pytest.raises(ValueError, match="KAOPING_WEIGHTS"):
        create_app({"KAOPING_WEIGHTS": raw, "DATABASE_URL": "sqlite://"})


def test_formula_id_follows_the_weights():
    other = formulas.parse_weights(
        "owner=0.6,committee=0.1,community=0.1,street=0.1,inspection=0.05,tickets=0.05"
    )
    assert formulas.formula_id(W).startswith("kp1-")
    assert formulas.formula_id(W) != formulas.formula_id(other)


def test_form_file_problems_are_all_named():
    with pytest.raises(AssessmentInvalid) as caught:
        validate_data({"kind": "mayor", "title": {"zh": "x"},
                       "items": [{"key": "a", "title": {"zh": "甲"}, "points": 100}]})  # fmt: skip
    text = "; ".join(caught.value.problems)
    assert "kind" in text and "items" in text


# --- roles ------------------------------------------------------------------------------


def test_database_refuses_a_committee_member_without_an_estate(dbsession):
    with pytest.raises(IntegrityError), dbsession.begin_nested():
        dbsession.add(User(username="x-committee", password_hash="x", role=Role.committee))
        dbsession.flush()


def test_admin_creates_assessors_and_scope_must_fit(client, dbsession):
    admin = bearer(dbsession, "admin")
    estate = _estate(dbsession, "E003")
    made = client.post("/api/users", headers=admin, json={
        "username": "wyh2", "password": "matrix-pw", "role": "committee", "estate_id": estate.id,
    })  # fmt: skip
    assert made.status_code == 201, made.json
    assert made.json["estate_id"] == estate.id
    wrong = client.post("/api/users", headers=admin, json={
        "username": "wyh3", "password": "matrix-pw", "role": "community", "estate_id": estate.id,
    })  # fmt: skip
    assert wrong.status_code == 422
    assert set(wrong.json["errors"]) == {"estate_id", "community_id"}
    me = client.get("/api/me", headers=bearer(dbsession, "committee1"))
    assert me.json["scope"]["level"] == "estate"


def test_assessors_see_nothing_of_the_staff_views(client, dbsession):
    for username in ("committee1", "community1"):
        headers = bearer(dbsession, username)
        for path in ("/api/estates", "/api/tickets", "/api/surveys/results", "/api/inspections"):
            assert client.get(path, headers=headers).status_code == 403, (username, path)


# --- submitting ---------------------------------------------------------------------------


def test_committee_submits_and_replaces_keeping_who_and_when(client, dbsession):
    clock.freeze(clock.utcnow())
    headers = bearer(dbsession, "committee1")
    estate = _estate(dbsession, "E003")
    form = client.get("/api/assessments/form", headers=headers)
    assert form.json["kind"] == "committee"
    mine = client.get("/api/assessments/mine", headers=headers).json
    assert [row["code"] for row in mine["estates"]] == ["E003"]
    assert mine["estates"][0]["assessment"] is None and mine["open"] is True
    first = client.put(f"/api/assessments/{estate.id}", headers=headers,
                       json={"ratings": COMMITTEE_80, "comment": "保洁及时"})  # fmt: skip
    assert first.status_code == 200, first.json
    assert first.json["score"] == 80.0
    again = client.put(f"/api/assessments/{estate.id}", headers=headers,
                       json={"ratings": {**COMMITTEE_80, "contract": 20}})  # fmt: skip
    assert again.json["score"] == 84.0
    rows = dbsession.scalars(sa.select(Assessment).where(Assessment.estate_id == estate.id)).all()
    assert len(rows) == 1 and rows[0].comment == ""
    committee1 = dbsession.scalar(sa.select(User).where(User.username == "committee1"))
    assert rows[0].first_submitted_by_id == rows[0].submitted_by_id == committee1.id
    assert rows[0].first_submitted_at <= rows[0].submitted_at


def test_submissions_refused_outside_reach_or_period(client, dbsession):
    headers = bearer(dbsession, "committee1")
    e001, e003 = _estate(dbsession, "E001"), _estate(dbsession, "E003")
    ok = {"ratings": COMMITTEE_80}
    assert client.put(f"/api/assessments/{e001.id}", headers=headers, json=ok).status_code == 404
    bad = client.put(f"/api/assessments/{e003.id}", headers=headers,
                     json={"ratings": {**COMMITTEE_80, "contract": 21, "extra": 1}})  # fmt: skip
    assert bad.status_code == 422
    assert set(bad.json["errors"]["ratings"]) == {"contract", "extra"}
    future = clock.today() + timedelta(days=120)
    late = clock.today() - timedelta(days=200)
    for day in (future, late):
        answer = client.put(f"/api/assessments/{e003.id}", headers=headers,
                            json={**ok, "period": day.isoformat()})  # fmt: skip
        assert answer.status_code == 422 and "period" in answer.json["errors"], day
    for username in ("admin", "supervisor1", "firm1", "inspector1"):
        refused = client.put(f"/api/assessments/{e003.id}", headers=bearer(dbsession, username),
                             json=ok)  # fmt: skip
        assert refused.status_code == 403, username
    assert dbsession.scalar(sa.select(sa.func.count()).select_from(Assessment)) == 0


# --- the composite ------------------------------------------------------------------------


def test_composite_per_estate_and_firm_as_hand_computed(client, dbsession):
    first, _ = surveys.period_of(clock.today(), "quarter")
    e003 = _estate(dbsession, "E003")
    _owners(dbsession, "E003", first, 10, 4)  # every question 4 → Σ w × 3/4 = 75.0
    _owners(dbsession, "E004", first, 9, 5)  # below min_answers: no owner part, no composite
    assert client.put(f"/api/assessments/{e003.id}", headers=bearer(dbsession, "committee1"),
                      json={"ratings": COMMITTEE_80}).status_code == 200  # fmt: skip
    assert client.put(f"/api/assessments/{e003.id}", headers=bearer(dbsession, "street1"),
                      json={"ratings": STREET_90}).status_code == 200  # fmt: skip
    found = client.get("/api/kaoping", headers=bearer(dbsession, "street1")).json
    assert found["formula"]["id"] == formulas.formula_id(W)
    rows = {row["code"]: row for row in found["estates"]}
    assert rows["E003"]["parts"] == {"owner": 75.0, "committee": 80.0, "community": None,
                                     "street": 90.0, "inspection": None, "tickets": None}  # fmt: skip
    assert rows["E003"]["composite"] == 77.9 and rows["E003"]["grade"] == "中"
    assert rows["E004"]["composite"] is None and "owner" in rows["E004"]["missing"]
    assert rows["E004"]["owner_answers"] == 9
    firm = next(f for f in found["firms"] if f["graded"])
    assert (firm["mean"], firm["credit_grade"], firm["graded"]) == (77.9, "C", 1)
    # the committee member sees their estate only; community staff their community's
    mine = client.get("/api/kaoping", headers=bearer(dbsession, "committee1")).json
    assert [row["code"] for row in mine["estates"]] == ["E003"]
    theirs = client.get("/api/kaoping", headers=bearer(dbsession, "community1")).json
    assert [row["code"] for row in theirs["estates"]] == ["E003", "E004", "E005"]
    detail = client.get(f"/api/kaoping/estates/{e003.id}", headers=bearer(dbsession, "admin"))
    assert detail.json["estate"]["composite"] == 77.9
    assert {a["kind"] for a in detail.json["assessments"]} == {"committee", "street"}
    outside = client.get(f"/api/kaoping/estates/{e003.id}", headers=bearer(dbsession, "firm2"))
    assert outside.status_code == 404
    # a firm sees its own estates and its own row only
    firm1 = dbsession.scalar(sa.select(User).where(User.username == "firm1"))
    own = client.get("/api/kaoping", headers=bearer(dbsession, "firm1")).json
    assert {f["organisation_id"] for f in own["firms"]} == {firm1.organisation_id}


def test_flask_users_create_makes_assessors(app, dbsession):
    runner = app.test_cli_runner()
    made = runner.invoke(
        args=["users", "create", "wyh9", "--role", "committee", "--estate", "E004",
              "--password-stdin"], input="matrix-pw\n",
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    staff = runner.invoke(
        args=["users", "create", "sq9", "--role", "community", "--community",
              "210202001/友好社区", "--password-stdin"], input="matrix-pw\n",
    )  # fmt: skip
    assert staff.exit_code == 0, staff.output
    wrong = runner.invoke(
        args=["users", "create", "sq10", "--role", "community", "--password-stdin"],
        input="matrix-pw\n",
    )
    assert wrong.exit_code != 0 and "community_id" in wrong.output
    user = dbsession.scalar(sa.select(User).where(User.username == "wyh9"))
    assert user.estate_id == _estate(dbsession, "E004").id


def test_form_versions_are_immutable_and_follow_the_content(dbsession):
    from pathlib import Path

    from backend.checklists.models import VersionStatus
    from backend.kaoping import services
    from backend.kaoping.definition import load
    from backend.kaoping.models import AssessorKind

    path = Path(__file__).resolve().parents[2] / "assessments" / "street.yaml"
    definition = load(path)
    first = services.import_definition(definition, path.name)
    assert services.import_definition(definition, path.name).id == first.id  # same content
    changed = {**definition, "intro": {"zh": "新的说明"}}
    second = services.import_definition(changed, path.name)
    assert second.number == first.number + 1
    assert first.status is VersionStatus.retired
    assert services.active_version(AssessorKind.street).id == second.id
    first.definition = changed
    with pytest.raises(ValueError, match="immutable"):
        dbsession.flush()
    dbsession.rollback()
