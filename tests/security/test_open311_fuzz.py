"""Schemathesis on the Open311 operations with a valid API key, every built-in check (as
`--checks all`) and the examples, coverage and fuzzing phases (the document has no links, so a
stateful phase has nothing to chain). The Open311 part of /api/openapi.json states every
constraint the server enforces, so valid input is accepted and invalid input refused.

CI-sized (derandomized, few fuzzing examples); `bench/fuzz_api.py` runs it longer through
WUHAO_FUZZ_EXAMPLES. Everything an example writes is rolled back with the test.
"""

from __future__ import annotations

import os
from typing import Any

import hypothesis
import pytest
import schemathesis
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.generation.feedback import FeedbackSources
from schemathesis.pytest._test_builder import build_operation_test

EXAMPLES = int(os.environ.get("WUHAO_FUZZ_EXAMPLES", "6"))


def _all_checks() -> list[Any]:
    load_all_checks()
    return [check for check in CHECKS.get_all() if callable(check)]


@pytest.fixture
def open311_key(dbsession) -> str:
    from backend.open311.keys import create_key

    _row, key = create_key("fuzz")
    return key


def _operation_labels() -> list[str]:
    """ "METHOD /path" of every documented Open311 operation, read at collection time."""
    from backend import create_app

    spec = create_app({"DATABASE_URL": "sqlite://"}).extensions["wuhao_api"]
    return [
        f"{method.upper()} {path}"
        for path, item in spec.spec.to_dict()["paths"].items()
        if path.startswith("/open311/")
        for method in item
        if method in {"get", "head", "post", "put", "patch", "delete"}
    ]


@pytest.fixture(scope="session")
def open311_schema(app: Any) -> Any:
    return schemathesis.openapi.from_wsgi("/api/openapi.json", app)


SETTINGS = hypothesis.settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(hypothesis.HealthCheck),
)


@pytest.mark.parametrize("label", _operation_labels())
def test_open311_conforms_with_a_key(
    label: str, open311_schema: Any, open311_key: str, dbsession: Any
) -> None:
    operation = open311_schema.find_operation_by_label(label)
    checks = _all_checks()

    def exercise(case: Any) -> None:
        body = case.body
        if (
            case.method == "POST"
            and isinstance(body, dict)
            and (case.meta is None or case.meta.generation.mode.is_positive or "api_key" in body)
        ):
            body["api_key"] = open311_key  # a valid key; the rest stays as generated
        query = case.query
        if (
            case.method == "GET"
            and isinstance(query, dict)
            and "api_key" in query
            and (case.meta is None or case.meta.generation.mode.is_positive)
        ):
            query["api_key"] = open311_key  # GET's optional key (a channel reads its 回访)
        case.call_and_validate(checks=checks)

    test = build_operation_test(
        config=open311_schema.config,
        operation=operation,
        test_func=exercise,
        given_kwargs={},
        feedback=FeedbackSources(),
        explicit_settings=SETTINGS,
    )
    test()
