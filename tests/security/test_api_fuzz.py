"""API fuzzing with schemathesis against our own /api/openapi.json, in process (WSGI).

Every operation is called with generated input (valid and invalid) as a random one of the demo
roles (or anonymously), on the real test databases. Checks: no 5xx, the status code is one the
document lists, the Content-Type, headers and body match what the document says, input the
document calls invalid is refused and input it calls valid is not (4xx), and a signed-in
operation refuses the same call without a token.

The CI-sized run is small and derandomized (the same cases every run). The long run is
`schemathesis run --checks all` with every phase, per role, against a real gunicorn:
    .venv/bin/python bench/fuzz_api.py [examples] [legs]  (WUHAO_FUZZ_EXAMPLES=… for this test)
Everything an example writes is rolled back with the test (the `dbsession` fixture).
"""

from __future__ import annotations

import os
from typing import Any

import hypothesis
import pytest
import schemathesis
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.security.tokens import bearer

# The resumable upload's chunks (tus PATCH) are raw bytes like any binary body.
schemathesis.serializer.alias("application/offset+octet-stream", "application/octet-stream")

ROLES = (
    "anonymous", "admin", "supervisor1", "street1", "inspector1", "firm1", "committee1", "community1",
)  # fmt: skip
EXAMPLES = int(os.environ.get("WUHAO_FUZZ_EXAMPLES", "6"))
# Every check that judges one response (`schemathesis run --checks all` adds those that need
# the coverage phase or a stateful run: bench/fuzz_api.py). The exemptions for rules OpenAPI
# cannot state are in schemathesis.toml, which schemathesis reads for both.
CONFORMANCE = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
CHECKS = [
    *CONFORMANCE,
    response_headers_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    ignored_auth,
]
# Open311 answers in the GeoReport standard's own format and has its own fuzz leg (its owner
# tightens its document separately): here it keeps the conformance checks only.
OPEN311 = "/open311/"


def _operation_labels() -> list[str]:
    """ "METHOD /path" of every documented operation, read at collection time (no database)."""
    from backend import create_app

    spec = create_app({"DATABASE_URL": "sqlite://"}).extensions["wuhao_api"]
    paths = spec.spec.to_dict()["paths"]
    return [
        f"{method.upper()} {path}"
        for path, item in paths.items()
        for method in item
        if method in {"get", "head", "post", "put", "patch", "delete"}
    ]


OPERATIONS = _operation_labels()


@pytest.fixture(scope="session")
def api_schema(app: Any) -> Any:
    return schemathesis.openapi.from_wsgi("/api/openapi.json", app)


@pytest.mark.parametrize("label", OPERATIONS)
def test_api_conforms_to_its_openapi_document(label: str, api_schema: Any, dbsession: Any) -> None:
    operation = api_schema.find_operation_by_label(label)
    cases = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )

    @hypothesis.given(case=cases, role=st.sampled_from(ROLES))
    @hypothesis.settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(hypothesis.HealthCheck),
        phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
    )
    def exercise(case: Any, role: str) -> None:
        # A fresh token per example: an earlier example may have logged this one out.
        headers = {} if role == "anonymous" else bearer(dbsession, role)
        checks = CONFORMANCE if OPEN311 in label else CHECKS
        response = case.call_and_validate(headers=headers, checks=checks)
        if role != "anonymous":
            signed_in.append(response.status_code)

    signed_in: list[int] = []
    exercise()
    # Guard against fuzzing nothing but the token check (e.g. a token lost along the way).
    assert not signed_in or set(signed_in) != {401}, f"{label}: every signed-in call got 401"


def test_refusals_are_documented(client):
    """Clients read the document: every operation behind a token lists 401, and those limited
    to some roles list 403 (the fuzzing above then checks those bodies too)."""
    spec = client.get("/api/openapi.json").json
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method == "parameters" or not operation.get("security"):
                continue
            assert "401" in operation["responses"], (method, path)
    assert "403" in spec["paths"]["/api/users"]["get"]["responses"]
    assert "403" not in spec["paths"]["/api/me"]["get"]["responses"]
