"""Survey files: every problem named at once; versions by content, immutable; the CLI imports
all files or none."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from backend.checklists.models import VersionStatus
from backend.surveys import services
from backend.surveys.definition import SurveyInvalid, content_hash, load, validate_data

FILE = Path(__file__).resolve().parents[2] / "surveys" / "owner-satisfaction.yaml"


@pytest.fixture
def good() -> dict:
    return yaml.safe_load(FILE.read_text(encoding="utf-8"))


def test_the_shipped_survey_is_valid():
    definition = load(FILE)
    assert [q["key"] for q in definition["questions"]][-1] == "overall"
    assert sum(q["weight"] for q in definition["questions"]) == 100
    assert definition["period"] == "quarter" and definition["min_answers"] == 10


def test_every_problem_is_named(good):
    bad = copy.deepcopy(good)
    bad["questions"][0]["weight"] = 16  # weights now 101
    bad["questions"].append(dict(bad["questions"][1]))  # a duplicate key
    bad["period"] = "fortnight"
    bad["title"]["zh"] = "标题\x07"
    bad["colour"] = "red"
    with pytest.raises(SurveyInvalid) as raised:
        validate_data(bad)
    text = "\n".join(raised.value.problems)
    assert "period:" in text and "title.zh:" in text and "colour:" in text
    no_overall = copy.deepcopy(good)
    no_overall["questions"] = [q for q in good["questions"] if q["key"] != "overall"]
    with pytest.raises(SurveyInvalid, match="overall"):
        validate_data(no_overall)
    weights = copy.deepcopy(good)
    weights["questions"][0]["weight"] = 16
    with pytest.raises(SurveyInvalid, match="sum to 100"):
        validate_data(weights)
    with pytest.raises(SurveyInvalid, match="mapping"):
        validate_data(["not", "a", "survey"])


def test_versions_by_content(dbsession, good):
    first = services.require_active()
    assert services.import_definition(validate_data(good)) is first  # same content: nothing new
    changed = copy.deepcopy(good)
    changed["min_answers"] = 12
    second = services.import_definition(validate_data(changed))
    assert second.number == first.number + 1 and second.status is VersionStatus.active
    assert first.status is VersionStatus.retired
    assert content_hash(validate_data(good)) != content_hash(validate_data(changed))
    second.definition = {"code": "edited"}
    with pytest.raises(ValueError, match="immutable"):
        dbsession.flush()
    dbsession.rollback()


def test_cli_imports_all_or_nothing(app, tmp_path, good):
    broken = copy.deepcopy(good)
    broken["questions"] = []
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(broken, allow_unicode=True), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["surveys", "import", str(FILE), str(path)])
    assert result.exit_code != 0 and "nothing imported" in result.output
    assert "broken.yaml: questions" in result.output
